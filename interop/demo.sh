#!/usr/bin/env bash
# interop/demo.sh — uipsec in two network namespaces: "ccu" and
# "concentrator" joined by a veth (outer 10.0.0.1 <-> 10.0.0.2), one uipsecd
# in each with fresh random aes256-sha1 keys, the inner networks
# 10.10.1.0/24 (ccu) and 10.10.2.0/24 (concentrator) behind their TUNs.
# Pings through the tunnel, measures TCP throughput with iperf3 (10 s) and
# 64-byte UDP packet rate (5 s), shows uipsecd's memory, and cleans up.
#
#   interop/demo.sh [-t SECONDS] [-p PROPOSAL] [-b BUILD_DIR] [-m MTU]
#
# -m sets the veth's (outer) MTU, 1500 by default; uipsecd derives its TUN
# MTU from it. Larger frames show what per-packet costs take away.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/deps.sh"
. "$top/interop/lib/netns.sh"

secs=10 proposal=aes256-sha1 build=$top/build mtu=1500
while getopts "t:p:b:m:h" o; do
	case $o in
	t) secs=$OPTARG ;;
	p) proposal=$OPTARG ;;
	b) build=$OPTARG ;;
	m) mtu=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "demo: needs root (namespaces, TUN)" >&2; exit 1; }

A=ccu B=concentrator
work=$(mktemp -d /tmp/uipsec-demo.XXXXXX)
trap 'netns_cleanup $A $B; rm -rf "$work"' EXIT
die() { echo "demo: $*" >&2; exit 1; }
for ns in $A $B; do
	ip netns list | grep -qw "^$ns" && die "namespace $ns exists already"
done

uipsec_install_deps || die "cannot install dependencies"
echo "== building uipsecd in $build"
uipsec_build "$build" || die "build failed"
bin=$build/tools/uipsecd

case ${proposal%-esn} in
aes256-sha1) enc=32 auth=20 ;;
aes128-sha256) enc=16 auth=32 ;;
aes256gcm16|chacha20poly1305) enc=36 auth=0 ;;
*) die "unknown proposal $proposal" ;;
esac
k1=$(rand_hex $enc) k2=$(rand_hex $enc) a1= a2=
[ $auth -gt 0 ] && { a1=$(rand_hex $auth); a2=$(rand_hex $auth); }

echo "== namespaces $A (10.0.0.1) and $B (10.0.0.2), ESP $proposal, MTU $mtu"
netns_pair $A $B 10.0.0.1 10.0.0.2 24 || die "cannot create namespaces"
ip -n $A link set "v-$A" mtu "$mtu" && ip -n $B link set "v-${B:0:10}" mtu "$mtu" ||
	die "cannot set MTU $mtu"
uipsecd_manual_conf "$work/ccu.conf" uipsec0 10.10.1.1/32 10.0.0.1 10.0.0.2 \
    10.10.1.0/24 10.10.2.0/24 "$proposal" 0x1001 0x2001 "$k1" "$a1" "$k2" "$a2"
uipsecd_manual_conf "$work/conc.conf" uipsec0 10.10.2.1/32 10.0.0.2 10.0.0.1 \
    10.10.2.0/24 10.10.1.0/24 "$proposal" 0x2001 0x1001 "$k2" "$a2" "$k1" "$a1"
echo "-- $A's uipsecd.conf (keys elided):"
sed -E 's/(key = 0x)[0-9a-f]+/\1…/' "$work/ccu.conf"
uipsecd_start $A "$bin" "$work/ccu.conf" "$work/ccu.log" || die "uipsecd $A"
pid_a=$UIPSECD_PID
uipsecd_start $B "$bin" "$work/conc.conf" "$work/conc.log" || die "uipsecd $B"
pid_b=$UIPSECD_PID
rss() { awk '/VmRSS/ { r = $2 } /RssAnon/ { a = $2 }
	END { print r " kB (private " a " kB)" }' "/proc/$1/status"; }
echo "uipsecd RSS idle: $A $(rss $pid_a), $B $(rss $pid_b)"

echo "== ping $A 10.10.1.1 -> $B 10.10.2.1 through the tunnel"
ip netns exec $A ping -c 3 -i 0.2 -I 10.10.1.1 10.10.2.1 || die "ping failed"

echo "== iperf3 TCP, $secs s, $A -> $B"
ip netns exec $B iperf3 -s -D -B 10.10.2.1 -I "$work/iperf.pid" >/dev/null
wait_for ip netns exec $B ss -ltn sport = :5201 | grep -q 5201
ip netns exec $A iperf3 -c 10.10.2.1 -B 10.10.1.1 -t "$secs" -f m |
	grep -E 'sender|receiver' || die "iperf3 TCP failed"

echo "== iperf3 UDP, 64-byte datagrams, unlimited rate, 5 s, $A -> $B"
ip netns exec $A iperf3 -c 10.10.2.1 -B 10.10.1.1 -u -l 64 -b 0 -t 5 \
    --json >"$work/udp.json" || die "iperf3 UDP failed"
/usr/bin/python3 - "$work/udp.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["end"]["sum"]
secs = s["seconds"] or 1
got = s["packets"] - s["lost_packets"]
print(f"sent {s['packets'] / secs / 1000:.0f} kpps, received {got / secs / 1000:.0f} kpps"
      f" ({s['lost_percent']:.1f} % lost)")
PY
echo "uipsecd RSS after the floods: $A $(rss $pid_a), $B $(rss $pid_b)"
for p in $pid_a $pid_b; do kill -USR1 $p; done
sleep 0.3
echo "== uipsecd counters"
grep -h -E '^info: (out|in|tunnel)' "$work/ccu.log" "$work/conc.log" |
	sed "1,3s/^/$A: /;4,6s/^/$B: /"
uipsecd_stop $pid_a && uipsecd_stop $pid_b || die "uipsecd did not exit cleanly"
echo "== done; namespaces removed"
