#!/usr/bin/env bash
# interop/tests/faults.sh BUILD_DIR — the tunnel survives a bad network.
# The CCU (initiator, uipsecd) sits behind a masquerading NAT namespace
# (netns_nat, interop/lib/netns.sh); the concentrator (responder: uipsecd, or
# strongSwan's charon) outside it. Faults come from interop/lib/faults.sh:
# nftables loss on the NAT's outer link, or interop/lib/relay.py in the NAT
# namespace (the CCU then talks to the relay's address).
#
# Checked:
# - 20 % loss each way (drops counted by nftables): the tunnel comes up
#   (uipsecd <-> uipsecd, and uipsecd CCU <-> strongSwan concentrator) and
#   carries pings at the rate the loss leaves (30-95 of 100 answered);
# - the relay duplicating 20 %, delaying 0-30 ms (jitter: datagrams overtake
#   each other) and holding back 10 % past the next datagram: set-up, ping,
#   1 MB byte-identical; the concentrator drops the duplicated ESP packets as
#   replays (its counters) and the relay's counters show the faults happened.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"
. "$top/interop/lib/faults.sh"

uipsec_bins "${1:-}" charon || exit 1
UIPSECD=$bin UIPSEC=$cli

NS_I=flt-c-$$ NS_N=flt-n-$$ NS_R=flt-s-$$
work=$(mktemp -d /tmp/uipsec-faults.XXXXXX)
PEER_WORK=$work IN_I=10.30.1.1 IN_R=10.30.2.1 PEER_REMOTE_I=%any
DI='' DR='' II='' IR=''
cleanup() {
	faults_relay_stop
	stop_pair
	netns_cleanup "$NS_I" "$NS_N" "$NS_R"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	local f
	echo "FAIL: $*" >&2
	for f in "$DI"/*.log "$DR"/*.log "$work"/*.log; do
		[ -e "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
	done
	exit 1
}

netns_nat "$NS_I" "$NS_N" "$NS_R" || fail "cannot create namespaces"
ip -n "$NS_I" addr add $IN_I/32 dev lo && ip -n "$NS_R" addr add $IN_R/32 dev lo ||
	fail "inner addresses"
OUT_I=$NAT_CCU_ADDR OUT_R=$NAT_CONC_ADDR
peer_certs ecdsa >/dev/null || fail "certificates"
head -c 1M /dev/urandom >"$work/data" ||
	fail "no test data"

# start_pair NAME IMPL_R [CCU KEY=VALUE...]: a concentrator of IMPL_R and a
# uipsecd CCU that keeps trying (keyingtries = 0), then `uipsec up`
start_pair() {
	local name=$1
	II=uipsec IR=$2 DI=$work/$1-i DR=$work/$1-r
	shift 2
	peer_${IR}_start resp "$NS_R" "$DR" ecdsa >/dev/null ||
		fail "$name: $IR concentrator did not start"
	peer_uipsec_start init "$NS_I" "$DI" ecdsa keyingtries=0 "$@" ||
		fail "$name: uipsecd CCU did not start"
	"$UIPSEC" up bench -s "$DI/uipsecd.sock" >/dev/null ||
		fail "$name: uipsec up"
}
stop_pair() {
	[ -n "$II" ] && peer_${II}_stop "$DI"
	[ -n "$IR" ] && peer_${IR}_stop "$DR"
	II='' IR=''
	return 0
}
# both_up SECONDS: the CHILD_SA installed on both sides
both_up() {
	poll_for "$1" peer_${II}_child_up "$DI" && poll_for 10 peer_${IR}_child_up "$DR"
}
# traffic FILE: ping both ways and FILE each way over TCP
traffic() {
	poll_for 20 ping_from "$NS_I" $IN_I $IN_R &&
	poll_for 20 ping_from "$NS_R" $IN_R $IN_I &&
	xfer_check "$NS_I" $IN_I "$NS_R" $IN_R "$1" &&
	xfer_check "$NS_R" $IN_R "$NS_I" $IN_I "$1"
}
# lossy_pings: 100 pings CCU -> concentrator, 0.05 s apart; prints how many
# came back (with 20 % loss each way, about 64)
lossy_pings() {
	ip netns exec "$NS_I" ping -q -c 100 -i 0.05 -W 1 -I $IN_I $IN_R |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# --- 20 % loss each way ------------------------------------------------------------
for impl in uipsec ss; do
	faults_loss "$NS_N" "$NAT_OUT_IF" 20 20 || fail "nft loss rules"
	start_pair "loss-$impl" $impl
	both_up 90 || fail "20 % loss, $impl concentrator: no CHILD_SA within 90 s"
	got=$(lossy_pings)
	[ "${got:-0}" -ge 30 ] && [ "$got" -le 95 ] ||
		fail "20 % loss, $impl concentrator: ${got:-no} of 100 pings answered, not 30-95"
	read -r din dout <<<"$(faults_loss_count "$NS_N")"
	[ "${din:-0}" -gt 0 ] && [ "${dout:-0}" -gt 0 ] ||
		fail "20 % loss: nftables dropped nothing (in ${din:-?}, out ${dout:-?})"
	faults_loss_clear "$NS_N"
	stop_pair
	echo "ok: 20 % loss each way ($din in, $dout out dropped): up, $got of 100 pings, $impl concentrator"
done

# --- duplication, delay, reordering ------------------------------------------------
faults_relay_start "$NS_N" "$NAT_INSIDE_ADDR" "$NAT_CONC_ADDR" "$work/relay.log" \
    --dup 20 --jitter 30 --reorder 10 || fail "relay"
PEER_REMOTE_R=$NAT_INSIDE_ADDR start_pair relay uipsec
both_up 30 || fail "relay: no CHILD_SA"
traffic "$work/data" || fail "relay: ping or 1 MB failed"
replays=$("$UIPSEC" status --json -s "$DR/uipsecd.sock" | /usr/bin/python3 -c '
import json, sys
print(sum(c["in"]["drop_replay"] for s in json.load(sys.stdin)["ike_sas"] for c in s["child_sas"]))') ||
	fail "relay: no replay counter in the concentrator's status"
faults_relay_stop
read -r _ _ up _ down _ dup _ reord < <(tail -1 "$work/relay.log")
[ "${dup:-0}" -gt 0 ] && [ "${reord:-0}" -gt 0 ] ||
	fail "relay: no faults injected ($(tail -1 "$work/relay.log"))"
[ "$replays" -gt 0 ] || fail "relay: $dup duplicates, but no replay dropped"
stop_pair
echo "ok: relay ($up up, $down down, $dup duplicated, $reord held back): up, ping, 1 MB; $replays replays dropped"
echo "PASS: faults"
