#!/usr/bin/env bash
# interop/soak.sh — rekey every few seconds for N minutes under continuous
# traffic; report the datagrams lost (goal: zero) and the daemons' memory at
# start and end (goal: flat). A benchmark, not a test: it exits non-zero only
# when the run itself breaks (no tunnel, no traffic, a daemon gone).
#
# The CCU (initiator) sits behind a masquerading NAT namespace (netns_nat,
# interop/lib/netns.sh), the concentrator outside it; ECDSA P-256
# certificates, IKE aes256-sha256-ecp256, ESP aes256-sha1 (interop/lib/
# peers.sh). The CCU's lifetimes drive the rekeys: its CHILD_SA rekey_time
# (-c, default 5 s) and IKE SA rekey_time (-i, default 30 s), no jitter; the
# concentrator keeps the defaults, so the CCU starts every rekey (-b: the
# concentrator's lifetimes are as short, and both sides start rekeys, which
# then collide now and then: RFC 7296 section 2.8.1).
# Traffic: interop/lib/seqstream.py, numbered 64-byte UDP datagrams at -p
# per second (default 200) each way through the tunnel, the whole time. A
# datagram the sink never sees is lost; gaps are printed with the second of
# the run they ended in. Rekeys are counted from the inbound SPIs the CCU's
# status shows, sampled every second (a CHILD_SA that lives shorter than a
# second may be missed). Memory: VmRSS of both daemons after set-up, every
# minute, and at the end.
#
#   interop/soak.sh [-r IMPL] [-m MINUTES] [-c SECONDS] [-i SECONDS]
#                   [-p RATE] [-b] [-B BUILD] [-k]
#     -r  uipsec (uipsecd both ends, default) or ss (strongSwan both ends)
#     -m  minutes (default 10)          -k  keep the work directory
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"

impl=uipsec minutes=10 child_s=5 ike_s=30 rate=200 both=no keep=no
build=$top/build
while getopts "r:m:c:i:p:bB:kh" o; do
	case $o in
	r) impl=$OPTARG ;;
	m) minutes=$OPTARG ;;
	c) child_s=$OPTARG ;;
	i) ike_s=$OPTARG ;;
	p) rate=$OPTARG ;;
	b) both=yes ;;
	B) build=$OPTARG ;;
	k) keep=yes ;;
	*) sed -n '2,29p' "$0"; exit 2 ;;
	esac
done
say() { echo "soak: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (namespaces)"
declare -F "peer_${impl}_start" >/dev/null || die "no implementation '$impl'"
UIPSECD=$build/tools/uipsecd UIPSEC=$build/tools/uipsec
[ "$impl" != uipsec ] || { [ -x "$UIPSECD" ] && [ -x "$UIPSEC" ]; } ||
	die "no $UIPSECD or $UIPSEC (-B BUILD)"

NS_I=soak-c-$$ NS_N=soak-n-$$ NS_R=soak-s-$$
work=$(mktemp -d /tmp/soak.XXXXXX)
PEER_WORK=$work IN_I=10.30.1.1 IN_R=10.30.2.1 PEER_REMOTE_I=%any
DI=$work/i DR=$work/r
trap 'kill $(jobs -p) 2>/dev/null
      peer_${impl}_stop "$DI"; peer_${impl}_stop "$DR"
      netns_cleanup $NS_I $NS_N $NS_R
      if [ $keep = yes ]; then say "kept $work"; else rm -rf "$work"; fi' EXIT

netns_nat "$NS_I" "$NS_N" "$NS_R" || die "namespaces"
OUT_I=$NAT_CCU_ADDR OUT_R=$NAT_CONC_ADDR
ip -n "$NS_I" addr add $IN_I/32 dev lo && ip -n "$NS_R" addr add $IN_R/32 dev lo ||
	die "inner addresses"
peer_certs ecdsa >/dev/null || die "certificates"

# Short lifetimes, no jitter. The CHILD_SA's life_time is twice its
# rekey_time: the default, rekey_time + 10 % in whole seconds, equals
# rekey_time below 10 s, and the SA would expire instead of rekeying.
lifetimes=(rekey_time="${ike_s}s" rand_time=0s child.rekey_time="${child_s}s"
    child.life_time="$((2 * child_s))s" child.rand_time=0s)
resp_keys=()
[ $both = yes ] && resp_keys=("${lifetimes[@]}")
peer_${impl}_start resp "$NS_R" "$DR" ecdsa ${resp_keys[@]+"${resp_keys[@]}"} \
    >/dev/null || die "$impl concentrator did not start"
peer_${impl}_start init "$NS_I" "$DI" ecdsa "${lifetimes[@]}" >/dev/null ||
	die "$impl CCU did not start"
peer_${impl}_up "$DI" || die "no tunnel"
poll_for 10 ping_from "$NS_I" $IN_I $IN_R || die "no ping through the tunnel"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
PID_I=$(peer_${impl}_pid "$DI") PID_R=$(peer_${impl}_pid "$DR")
rss_i0=$(rss "$PID_I") rss_r0=$(rss "$PID_R")

seq=$top/interop/lib/seqstream.py
for ns in "$NS_I" "$NS_R"; do
	addr=$IN_I
	[ "$ns" = "$NS_R" ] && addr=$IN_R
	ip netns exec "$ns" /usr/bin/python3 "$seq" sink $addr 5002 \
	    >"$work/sink-$ns.out" 2>&1 &
	echo $! >"$work/sink-$ns.pid"
	wait_for grep -q listening "$work/sink-$ns.out" || die "sink in $ns"
done
secs=$((minutes * 60))
say "$impl: CHILD_SA rekey every ${child_s} s, IKE SA every ${ike_s} s, $rate datagrams/s each way, $minutes min"
ip netns exec "$NS_I" /usr/bin/python3 "$seq" source $IN_I $IN_R 5002 "$rate" "$secs" \
    >"$work/source-up.out" 2>&1 &
src_up=$!
ip netns exec "$NS_R" /usr/bin/python3 "$seq" source $IN_R $IN_I 5002 "$rate" "$secs" \
    >"$work/source-down.out" 2>&1 &
src_down=$!

# Every second: the CCU's SPIs; every minute: both daemons' memory.
: >"$work/spis"
rss_line="0:$((rss_i0))/$((rss_r0))"
for ((t = 1; t <= secs; t++)); do
	sleep 1
	kill -0 "$PID_I" 2>/dev/null && kill -0 "$PID_R" 2>/dev/null ||
		die "a daemon died after $t s"
	peer_${impl}_spis "$DI" >>"$work/spis"
	((t % 60 == 0)) && rss_line+=" $((t / 60)):$(rss "$PID_I")/$(rss "$PID_R")"
done
wait "$src_up" "$src_down"
sleep 2		# what is still in flight
rss_i1=$(rss "$PID_I") rss_r1=$(rss "$PID_R")
for ns in "$NS_I" "$NS_R"; do
	kill -TERM "$(cat "$work/sink-$ns.pid")"
	wait "$(cat "$work/sink-$ns.pid")" 2>/dev/null
done

child_sas=$(awk '$1 == "child"' "$work/spis" | sort -u | wc -l)
ike_sas=$(awk '$1 == "ike"' "$work/spis" | sort -u | wc -l)
# report DIRECTION SINK_NS SOURCE_OUT: one line, and the gaps
report() {
	local sent got
	sent=$(sed -n 's/^sent //p' "$3")
	got=$(sed -n 's/^received [0-9]* unique \([0-9]*\).*/\1/p' "$work/sink-$2.out")
	[ -n "$sent" ] && [ -n "$got" ] || die "$1: no counts"
	[ "$got" -gt 0 ] || die "$1: nothing arrived"
	echo "$1: sent $sent, lost $((sent - got)) ($(awk -v l=$((sent - got)) -v s="$sent" \
	    'BEGIN { printf "%.3f", 100 * l / s }') %), duplicated $(sed -n \
	    's/^received.* dup \([0-9]*\).*/\1/p' "$work/sink-$2.out")"
	sed -n 's/^gap \([0-9]*\) \([0-9]*\) \([0-9.]*\)/  lost \1-\2 (ended at second \3)/p' \
	    "$work/sink-$2.out" | head -20
	LOST=$((LOST + sent - got))
}
LOST=0
echo "uipsec soak: $impl both ends, CCU behind a NAT, $minutes min, CHILD_SA rekey_time ${child_s} s, IKE rekey_time ${ike_s} s$([ $both = yes ] && echo ", both sides rekey")"
echo "rekeys seen on the CCU: $((child_sas - 1)) CHILD_SA, $((ike_sas - 1)) IKE SA (distinct inbound SPIs - 1, sampled each second)"
report "CCU -> concentrator" "$NS_R" "$work/source-up.out"
report "concentrator -> CCU" "$NS_I" "$work/source-down.out"
echo "memory (VmRSS kB, CCU/concentrator): start $rss_i0/$rss_r0, end $rss_i1/$rss_r1 (CCU $((rss_i1 - rss_i0)) kB, concentrator $((rss_r1 - rss_r0)) kB)"
echo "  per minute: $rss_line"
echo "goal zero lost: $([ $LOST -eq 0 ] && echo met || echo "not met ($LOST lost)")"
