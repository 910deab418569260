#!/usr/bin/env bash
# interop/tests/live_keepalive.sh BUILD_DIR — NAT keepalives (RFC 3948 §2.3)
# come only from the side behind the NAT, and only when it sent nothing
# else. The CCU (uipsecd) sits behind a masquerading namespace (netns_nat);
# the concentrator (strongSwan's charon, then uipsecd) outside it; both with
# keep_alive = 2 s and no DPD. tshark on the concentrator's link counts the
# one-byte UDP datagrams (0xFF to port 4500):
#
# - 10 s idle: at least 3 from the NAT's outer address, never two within
#   1.5 s of each other (one per 2 s: by their capture times, so that a
#   slow machine that captures longer cannot fail it), none from the
#   concentrator (it is not behind a NAT);
# - 7 s with a ping every 0.4 s (ESP each way): none between the CCU's
#   first and last ESP packet (the first keepalive is due 2-3 s after the
#   last ESP packet, which a capture's end may or may not see).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"

uipsec_bins "${1:-}" charon || exit 1
UIPSECD=$bin UIPSEC=$cli

NS_I=ka-c-$$ NS_N=ka-n-$$ NS_R=ka-s-$$
work=$(mktemp -d /tmp/uipsec-ka.XXXXXX)
PEER_WORK=$work IN_I=10.31.1.1 IN_R=10.31.2.1 PEER_REMOTE_I=%any
DI='' DR='' IR='' CAP=''
cleanup() {
	[ -n "$CAP" ] && kill "$CAP" 2>/dev/null
	[ -n "$DI" ] && peer_uipsec_stop "$DI"
	[ -n "$IR" ] && peer_${IR}_stop "$DR"
	netns_cleanup "$NS_I" "$NS_N" "$NS_R"
	[ -n "${LIVE_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 20 "$*" "$DI"/*.log "$DR"/*.log "$work"/*.txt
}

netns_nat "$NS_I" "$NS_N" "$NS_R" || fail "cannot create namespaces"
ip -n "$NS_I" addr add $IN_I/32 dev lo && ip -n "$NS_R" addr add $IN_R/32 dev lo ||
	fail "inner addresses"
OUT_I=$NAT_CCU_ADDR OUT_R=$NAT_CONC_ADDR
CONC_IF="v-${NS_R:0:10}"
peer_certs ecdsa >/dev/null || fail "certificates"
PEER_SS_OPTS=(keep_alive=2s)
PEER_UIPSECD_IKE=("keep_alive = 2")

# capture SECONDS FILE [CMD...]: the concentrator's link for SECONDS while
# CMD runs (if any, it must end by itself); FILE.txt: one line per one-byte
# UDP datagram, "SRC DST 0xff-PAYLOAD TIME"
capture() {
	local secs=$1 out=$2
	shift 2
	ip netns exec "$NS_R" tshark -i "$CONC_IF" -f udp -w "$out.pcap" \
	    >"$out.tshark" 2>&1 &
	CAP=$!
	poll_for 30 grep -q "Capturing on" "$out.tshark" || return 1
	if [ $# -gt 0 ]; then
		"$@" &
		local job=$!
	fi
	sleep "$secs"
	[ -n "${job:-}" ] && wait "$job"
	sleep 0.5
	kill "$CAP" && wait "$CAP" 2>/dev/null
	CAP=''
	tshark -r "$out.pcap" -Y 'udp.length == 9 && udp.port == 4500' \
	    -T fields -e ip.src -e ip.dst -e data.data \
	    -e frame.time_relative >"$out.txt" 2>/dev/null
	# the payload must be the single byte 0xFF (RFC 3948 §2.3)
	awk -F'\t' '$3 != "" && $3 != "ff" { bad = 1 } END { exit bad }' "$out.txt"
}
# 7 s of pings, one every 0.4 s (ping ends by itself: -w)
pings() {
	ip netns exec "$NS_I" ping -q -i 0.4 -w 7 -I $IN_I $IN_R >/dev/null 2>&1
}

for impl in ${LIVE_KA_IMPLS:-ss uipsec}; do
	IR=$impl DI=$work/$impl-i DR=$work/$impl-r
	peer_${impl}_start resp "$NS_R" "$DR" ecdsa >/dev/null ||
		fail "$impl concentrator did not start"
	peer_uipsec_start init "$NS_I" "$DI" ecdsa || fail "uipsecd CCU did not start"
	peer_uipsec_up "$DI" || fail "$impl: no CHILD_SA"
	"$UIPSEC" status -s "$DI/uipsecd.sock" | grep -q "we are behind a NAT" ||
		fail "$impl: the CCU does not know it is behind a NAT"
	capture 10 "$work/$impl-idle" || fail "$impl: idle capture"
	from_nat=$(grep -c "^$NAT_OUTSIDE_ADDR[[:space:]]$NAT_CONC_ADDR" "$work/$impl-idle.txt")
	from_conc=$(grep -c "^$NAT_CONC_ADDR[[:space:]]" "$work/$impl-idle.txt")
	gap=$(awk -F'\t' -v a="$NAT_OUTSIDE_ADDR" '$1 == a { if (n++ && $4 - t < min)
		min = $4 - t; t = $4 } BEGIN { min = 99 } END { print min }' \
	    "$work/$impl-idle.txt")
	[ "$from_nat" -ge 3 ] ||
		fail "$impl: $from_nat keepalives from the NATed CCU in 10 s idle, not 3 or more"
	awk -v g="$gap" 'BEGIN { exit !(g >= 1.5) }' ||
		fail "$impl: keepalives from the NATed CCU only $gap s apart (keep_alive 2 s)"
	[ "$from_conc" -eq 0 ] ||
		fail "$impl: the concentrator (not behind a NAT) sent $from_conc keepalives"
	capture 8 "$work/$impl-busy" pings || fail "$impl: busy capture"
	# the CCU's ESP packets: their first and last capture time
	read -r esp t0 t1 < <(tshark -r "$work/$impl-busy.pcap" -T fields \
	    -Y "udp.length > 100 && ip.src == $NAT_OUTSIDE_ADDR" \
	    -e frame.time_relative 2>/dev/null |
	    awk 'NR == 1 { a = $1 } { b = $1 } END { print NR, a + 0, b + 0 }')
	busy=$(awk -F'\t' -v a="$t0" -v b="$t1" '$4 >= a && $4 <= b' \
	    "$work/$impl-busy.txt" | wc -l)
	[ "$esp" -ge 10 ] || fail "$impl: only $esp ESP packets from the CCU while pinging"
	[ "$busy" -eq 0 ] ||
		fail "$impl: $busy keepalives while ESP flowed ($esp packets)"
	peer_uipsec_stop "$DI"
	peer_${impl}_stop "$DR"
	DI='' IR=''
	echo "ok: $impl concentrator: 10 s idle: $from_nat keepalives (0xFF) from the NATed CCU, at least $gap s apart, $from_conc from the concentrator; 7 s of pings: $esp ESP from the CCU, $busy keepalives among them"
done
echo "PASS: live_keepalive"
