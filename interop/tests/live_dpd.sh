#!/usr/bin/env bash
# interop/tests/live_dpd.sh BUILD_DIR — dead peer detection (RFC 7296 §2.4)
# against strongSwan both ways, and a CCU that reconnects by itself.
# Short timers on both sides: dpd_delay = 3 s, retransmit_timeout = 1 s,
# retransmit_tries = 2 (dead about 3 + 1 + 1.8 + 3.2 = 9 s after the last
# packet).
#
# - uipsecd CCU (the only side with DPD), strongSwan concentrator killed
#   (SIGKILL): while idle and alive the CCU probes and hears back; killed, the CCU declares
#   it dead ("peer dead" in its log, within 30 s), dpd_action = restart and
#   keyingtries = 0 keep it trying with a growing delay (reconnect_min 1 s,
#   doubling: the logged delays grow); charon started again: the CCU is back
#   by itself, and charon saw N(INIT_CONTACT) in its IKE_AUTH request
#   (RFC 7296 §3.10.1); pings pass;
# - strongSwan CCU, uipsecd concentrator killed: charon gives up after its
#   retransmits and deletes the IKE_SA (within 30 s); before that, while
#   the tunnel was idle and healthy, uipsecd answered charon's DPD requests;
# - trap: a uipsecd CCU with start_action = trap holds no SA until a ping
#   for its selectors sets it up; dpd_action = trap: after the peer died it
#   is trapped again, and the next ping (charon back) sets it up again.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"

uipsec_bins "${1:-}" charon || exit 1
UIPSECD=$bin UIPSEC=$cli

NS_I=dpd-c-$$ NS_R=dpd-s-$$
work=$(mktemp -d /tmp/uipsec-dpd.XXXXXX)
PEER_WORK=$work OUT_I=10.0.0.1 OUT_R=10.0.0.2 IN_I=10.32.1.1 IN_R=10.32.2.1
DI=$work/i DR=$work/r II='' IR=''
cleanup() {
	[ -n "$II" ] && peer_${II}_stop "$DI"
	[ -n "$IR" ] && peer_${IR}_stop "$DR"
	netns_cleanup "$NS_I" "$NS_R"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 25 "$*" "$DI"/*.log "$DR"/*.log
}

netns_pair "$NS_I" "$NS_R" $OUT_I $OUT_R 24 || fail "cannot create namespaces"
ip -n "$NS_I" addr add $IN_I/32 dev lo && ip -n "$NS_R" addr add $IN_R/32 dev lo ||
	fail "inner addresses"
peer_certs ecdsa >/dev/null || fail "certificates"
PEER_SS_OPTS=(retransmit_timeout=1 retransmit_tries=2)
PEER_UIPSECD_IKE=("retransmit_timeout = 1" "retransmit_tries = 2"
    "reconnect_min = 1" "reconnect_max = 8")

# --- uipsecd CCU, strongSwan concentrator killed and restarted ---------------
II=uipsec IR=ss
peer_ss_start resp "$NS_R" "$DR" ecdsa >/dev/null ||
	fail "charon did not start"
peer_uipsec_start init "$NS_I" "$DI" ecdsa dpd_delay=3s \
    child.dpd_action=restart keyingtries=0 || fail "uipsecd did not start"
peer_uipsec_up "$DI" || fail "no CHILD_SA"
poll_for 30 ping_from "$NS_I" $IN_I $IN_R || fail "no ping"
# idle and healthy: probes answered, nobody declared dead
sleep 8
grep -q "liveness check" "$DI/uipsecd.log" || fail "no DPD probe while idle"
grep -q "peer dead" "$DI/uipsecd.log" && fail "peer declared dead while alive"
pid=$(peer_ss_pid "$DR")
kill -KILL "$pid"
t0=$(date +%s)
poll_for 30 grep -q "peer dead" "$DI/uipsecd.log" ||
	fail "charon killed: uipsecd did not declare it dead within 30 s"
dead=$(($(date +%s) - t0))
# keyingtries = 0: attempts with growing delays (1, 2, 4 s less jitter).
# Each attempt gives up 1 + 1.8 + 3.24 = 6.04 s after its IKE_SA_INIT
# (retransmit_timeout 1, base 1.8, 2 tries), so "attempt 4" is logged
# about 3 x 6.04 + 0.9 + 1.9 = 21 s after "peer dead", plus up to 50 ms
# per timer in uipsecd (GLUE_TICK_MS): the wait must be well above that.
poll_for 60 grep -q "attempt 4, next in" "$DI/uipsecd.log" ||
	fail "no third retry within 60 s"
delays=$(sed -n 's/.*attempt [0-9]*, next in \([0-9.]*\) s$/\1/p' "$DI/uipsecd.log" |
    head -3 | tr '\n' ' ')
read -r d1 d2 d3 <<<"$delays"
awk -v a="${d1:-9}" -v b="${d2:-0}" -v c="${d3:-0}" \
    'BEGIN { exit !(a < b && b < c && c > 1.5 * a) }' ||
	fail "reconnect delays do not grow: $delays"
peer_ss_start resp "$NS_R" "$DR" ecdsa >/dev/null ||
	fail "charon did not start again"
poll_for 30 peer_ss_child_up "$DR" ||
	fail "the CCU did not come back within 30 s of charon's restart"
grep -q "IKE_AUTH request 1 \[.*N(INIT_CONTACT)" "$DR/charon.log" ||
	fail "no INITIAL_CONTACT in the CCU's IKE_AUTH request (charon's log)"
poll_for 30 ping_from "$NS_I" $IN_I $IN_R || fail "no ping after reconnecting"
peer_uipsec_stop "$DI"
peer_ss_stop "$DR"
echo "ok: strongSwan concentrator killed: uipsecd declared it dead after ${dead} s, retried after ${d1}, ${d2}, ${d3} s, came back with INITIAL_CONTACT when charon returned"

# --- strongSwan CCU, uipsecd concentrator killed -----------------------------
II=ss IR=uipsec
peer_uipsec_start resp "$NS_R" "$DR" ecdsa >/dev/null ||
	fail "uipsecd did not start"
peer_ss_start init "$NS_I" "$DI" ecdsa dpd_delay=3s >/dev/null ||
	fail "charon did not start"
peer_ss_up "$DI" || fail "charon: no CHILD_SA"
sleep 8
grep -q "received INFORMATIONAL request" "$DR/uipsecd.log" ||
	fail "uipsecd saw no DPD request from charon"
peer_ss_child_up "$DI" || fail "charon lost its CHILD_SA while uipsecd was alive"
pid=$(peer_uipsec_pid "$DR")
kill -KILL "$pid"
rm -f "$DR/uipsecd.pid"
t0=$(date +%s)
poll_for 30 peer_ss_sa_gone "$DI" ||
	fail "uipsecd killed: charon kept its IKE_SA for 30 s"
dead=$(($(date +%s) - t0))
grep -q "giving up after 2 retransmits" "$DI/charon.log" ||
	fail "charon's log does not say it gave up"
echo "ok: uipsecd concentrator killed: charon gave up on it and deleted the IKE_SA after ${dead} s"
peer_uipsec_stop "$DR"
peer_ss_stop "$DI"

# --- trap: start_action = trap and dpd_action = trap on a uipsecd CCU ---------
# (peers.sh writes start_action = none: the CCU's file is edited to trap)
II=uipsec IR=ss
peer_ss_start resp "$NS_R" "$DR" ecdsa >/dev/null || fail "charon did not start"
peer_uipsec_start init "$NS_I" "$DI" ecdsa dpd_delay=3s \
    child.dpd_action=trap keyingtries=0 >/dev/null || fail "uipsecd did not start"
peer_uipsec_stop "$DI"
sed -i 's/start_action = none/start_action = trap/' "$DI/swanctl/conf.d/bench.conf"
uipsecd_start "$NS_I" "$UIPSECD" "$DI/uipsecd.conf" "$DI/uipsecd.log" ||
	fail "uipsecd with start_action = trap did not start"
echo "$UIPSECD_PID" >"$DI/uipsecd.pid"
sleep 2
peer_uipsec_sa_gone "$DI" || fail "trap: an IKE SA before any packet"
poll_for 30 ping_from "$NS_I" $IN_I $IN_R || fail "trap: a ping did not start the tunnel"
grep -q "acquire" "$DI/uipsecd.log" || fail "trap: no acquire in the log"
kill -KILL "$(peer_ss_pid "$DR")"
poll_for 30 grep -q "peer dead" "$DI/uipsecd.log" || fail "trap: peer not found dead"
poll_for 30 grep -q "trapped" "$DI/uipsecd.log" || fail "trap: not trapped again"
peer_ss_start resp "$NS_R" "$DR" ecdsa >/dev/null || fail "charon did not start again"
sleep 2
peer_ss_child_up "$DR" && fail "trap: set up again without a packet"
poll_for 30 ping_from "$NS_I" $IN_I $IN_R || fail "trap: a ping did not start it again"
[ "$(grep -c "acquire" "$DI/uipsecd.log")" -ge 2 ] || fail "trap: no second acquire"
echo "ok: start_action = trap: the first ping set the tunnel up; dpd_action = trap: trapped again after the peer died, the next ping set it up"
echo "PASS: live_dpd"
