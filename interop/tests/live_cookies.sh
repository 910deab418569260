#!/usr/bin/env bash
# interop/tests/live_cookies.sh BUILD_DIR — IKE_SA_INIT cookies (RFC 7296
# §2.6) and the per-source limit, against strongSwan both ways. Half-open
# IKE SAs come from interop/lib/ike_half_open.py (IKE_SA_INIT requests that
# never continue); tshark on the link sees the N(COOKIE) exchanges.
#
# - strongSwan concentrator (charon.cookie_threshold = 1) holding one
#   half-open SA: it answers the uipsecd CCU's IKE_SA_INIT with N(COOKIE),
#   uipsecd sends the request again with the cookie first, the tunnel comes
#   up;
# - uipsecd concentrator (cookie_threshold = 1) holding one half-open SA:
#   charon's request is answered with N(COOKIE), charon returns it, the
#   tunnel comes up; further requests without a cookie are answered with
#   N(COOKIE) alone (no state kept; a forged cookie is refused the same way,
#   tests/unit/test_ike_live.c);
# - uipsecd concentrator without cookies (cookie_threshold = 0) and
#   block_threshold = 3: of 8 requests from one source 3 are answered.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"

uipsec_bins "${1:-}" charon || exit 1
UIPSECD=$bin UIPSEC=$cli
HALF_OPEN="/usr/bin/python3 $top/interop/lib/ike_half_open.py"

NS_I=ck-c-$$ NS_R=ck-s-$$
work=$(mktemp -d /tmp/uipsec-ck.XXXXXX)
PEER_WORK=$work OUT_I=10.0.0.1 OUT_R=10.0.0.2 IN_I=10.33.1.1 IN_R=10.33.2.1
DI=$work/i DR=$work/r II='' IR='' CAP=''
cleanup() {
	[ -n "$CAP" ] && kill "$CAP" 2>/dev/null
	[ -n "$II" ] && peer_${II}_stop "$DI"
	[ -n "$IR" ] && peer_${IR}_stop "$DR"
	netns_cleanup "$NS_I" "$NS_R"
	[ -n "${LIVE_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 25 "$*" "$DI"/*.log "$DR"/*.log
}

netns_pair "$NS_I" "$NS_R" $OUT_I $OUT_R 24 || fail "cannot create namespaces"
ip -n "$NS_I" addr add $IN_I/32 dev lo && ip -n "$NS_R" addr add $IN_R/32 dev lo ||
	fail "inner addresses"
# RSA and MODP-2048: the half-open requests carry a random group-14 value
peer_certs rsa >/dev/null || fail "certificates"

capture_start() {
	ip netns exec "$NS_R" tshark -i "v-${NS_R:0:10}" -f udp -w "$1.pcap" \
	    >"$1.tshark" 2>&1 &
	CAP=$!
	poll_for 30 grep -q "Capturing on" "$1.tshark"
}
capture_stop() {
	sleep 0.5
	kill "$CAP" && wait "$CAP" 2>/dev/null
	CAP=''
}
# cookies PCAP SRC: IKE_SA_INIT messages from SRC with N(COOKIE)
cookies() {
	tshark -r "$1" -Y "ip.src == $2 && isakmp.exchangetype == 34 && \
	    isakmp.notify.msgtype == 16390" 2>/dev/null | wc -l
}
half_open() {
	ip netns exec "$NS_I" $HALF_OPEN $OUT_I $OUT_R "$@"
}

# --- strongSwan concentrator asks uipsecd for a cookie --------------------------
II=uipsec IR=ss
PEER_SS_OPTS=(cookie_threshold=1)
peer_ss_start resp "$NS_R" "$DR" rsa >/dev/null || fail "charon did not start"
PEER_SS_OPTS=()
peer_uipsec_start init "$NS_I" "$DI" rsa || fail "uipsecd did not start"
capture_start "$work/ss" || fail "capture"
got=$(half_open 1)
[ "$got" = "answered 1 cookie 0" ] || fail "charon: half-open request: $got"
peer_uipsec_up "$DI" || fail "uipsecd CCU: no CHILD_SA with a cookie"
capture_stop
grep -q "peer asks for a cookie" "$DI/uipsecd.log" ||
	fail "uipsecd did not see charon's cookie request"
from_r=$(cookies "$work/ss.pcap" $OUT_R) from_i=$(cookies "$work/ss.pcap" $OUT_I)
[ "$from_r" -ge 1 ] && [ "$from_i" -ge 1 ] ||
	fail "capture: $from_r N(COOKIE) from charon, $from_i returned by uipsecd"
poll_for 30 ping_from "$NS_I" $IN_I $IN_R || fail "no ping"
peer_uipsec_stop "$DI"
peer_ss_stop "$DR"
echo "ok: strongSwan concentrator (cookie_threshold 1): N(COOKIE) $from_r, uipsecd returned it $from_i, tunnel up"

# --- uipsecd concentrator asks charon for a cookie -------------------------------
II=ss IR=uipsec
PEER_UIPSECD_IKE=("cookie_threshold = 1")
peer_uipsec_start resp "$NS_R" "$DR" rsa >/dev/null || fail "uipsecd did not start"
PEER_UIPSECD_IKE=()
peer_ss_start init "$NS_I" "$DI" rsa >/dev/null || fail "charon did not start"
capture_start "$work/u" || fail "capture"
got=$(half_open 1)
[ "$got" = "answered 1 cookie 0" ] || fail "uipsecd: first half-open request: $got"
got=$(half_open 2 5001)
[ "$got" = "answered 2 cookie 2" ] ||
	fail "uipsecd: requests past the threshold without a cookie: $got"
peer_ss_up "$DI" || fail "charon: no CHILD_SA with a cookie"
capture_stop
grep -q "asking for a cookie" "$DR/uipsecd.log" ||
	fail "uipsecd did not log its cookie request"
from_r=$(cookies "$work/u.pcap" $OUT_R) from_i=$(cookies "$work/u.pcap" $OUT_I)
[ "$from_r" -ge 3 ] && [ "$from_i" -ge 1 ] ||
	fail "capture: $from_r N(COOKIE) from uipsecd, $from_i returned by charon"
poll_for 30 ping_from "$NS_I" $IN_I $IN_R || fail "no ping"
peer_ss_stop "$DI"
peer_uipsec_stop "$DR"
echo "ok: uipsecd concentrator (cookie_threshold 1): N(COOKIE) $from_r, charon returned it $from_i, tunnel up"

# --- uipsecd: block_threshold per source ---------------------------------------
II='' IR=uipsec
PEER_UIPSECD_IKE=("cookie_threshold = 0" "block_threshold = 3")
peer_uipsec_start resp "$NS_R" "$DR" rsa >/dev/null || fail "uipsecd did not start"
PEER_UIPSECD_IKE=()
got=$(half_open 8)
[ "$got" = "answered 3 cookie 0" ] || fail "block_threshold 3: $got"
grep -q "block_threshold" "$DR/uipsecd.log" || fail "no log line for the blocked requests"
n=$("$UIPSEC" status --json -s "$DR/uipsecd.sock" | /usr/bin/python3 -c '
import json, sys
print(sum(s["state"] == "IKE_SA_INIT_DONE" for s in json.load(sys.stdin)["ike_sas"]))')
[ "$n" = 3 ] || fail "uipsecd holds ${n:-no} half-open IKE SAs, not 3"
peer_uipsec_stop "$DR"
IR=''
echo "ok: uipsecd block_threshold 3: 3 of 8 requests from one source answered"
echo "PASS: live_cookies"
