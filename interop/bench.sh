#!/usr/bin/env bash
# interop/bench.sh — the interop benchmark (a benchmark, not a test: it prints
# figures and fails only when a measurement cannot be taken). For each row
# (initiator ↔ responder implementation) and suite, in fresh namespaces
# ssbi (initiator, "CCU", outer 172.30.0.1, inner 10.30.1.1 on lo) and ssbr
# (responder, "concentrator", 172.30.0.2, inner 10.30.2.1):
#   set-up    initiate → CHILD_SA, median of N (-n, default 20) fresh IKE_SAs:
#             "wire" from a capture on the initiator's veth, first IKE_SA_INIT
#             request to the last IKE_AUTH response (fragments included);
#             "ctl" the wall time of the initiate command (for strongSwan
#             `swanctl --initiate`, which returns when the CHILD_SA is
#             installed; includes swanctl's own start-up of a few ms);
#             bytes/datagrams: IP bytes and frames of one set-up on the wire
#   TCP       iperf3 single stream, -t seconds (default 10), initiator →
#             responder inner address; receiver's Mbit/s and retransmits
#   UDP 64 B  iperf3 -u -l 64 -b 0 (unlimited offered rate), -t seconds;
#             received kpps = (sent − lost) / duration, and sent kpps
#   RSS       daemon VmRSS with one idle tunnel, and after the UDP flood
# Rows: INIT-RESP with a driver peer_INIT_* / peer_RESP_* (interop/lib/
# peers.sh): ss (strongSwan, charon with kernel-libipsec) and uipsec
# (uipsecd, encap = yes: ESP in UDP as kernel-libipsec does). Every row of a
# suite uses the same certificates and proposals, and uipsecd reads the very
# swanctl.conf written for charon. uipsecd's "ctl" is `uipsec up` plus
# polling `uipsec status` every 5 ms until the CHILD_SA is INSTALLED.
# Read with care: on this 2-core machine a TCP or UDP row runs two daemons
# and iperf3's two ends at once, so it is CPU-bound and any other work on the
# machine lowers it (compare rows of one run, and see the load average
# printed); "ctl" carries some 13 ms of swanctl's own start-up; the UDP
# flood leaves charon's queues (and RSS) grown, so it comes last and every
# row starts in fresh namespaces with fresh daemons.
#
#   interop/bench.sh [-r ROWS] [-s SUITES] [-n N] [-t SECONDS] [-b BUILD]
#                    [-u UIPSEC] [-k]
#     -r  comma-separated rows (default ss-ss,uipsec-uipsec,uipsec-ss,
#         ss-uipsec)
#     -b  build directory with tools/uipsecd and tools/uipsec (default
#         build/; a Release build is what a benchmark wants)
#     -s  comma-separated suites: ecdsa (ECDSA P-256 certs, IKE
#         aes256-sha256-ecp256), rsa (RSA-2048, aes256-sha1-modp2048);
#         ESP aes256-sha1 in both (default ecdsa,rsa)
#     -u  certificates from `UIPSEC pki` (default: strongSwan's pki)
#     -k  keep the work directory (captures, daemon logs, iperf3 JSON)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"

rows=ss-ss,uipsec-uipsec,uipsec-ss,ss-uipsec suites=ecdsa,rsa n=20 secs=10
keep=no build=$top/build
while getopts "r:s:n:t:b:u:kh" o; do
	case $o in
	r) rows=$OPTARG ;;
	s) suites=$OPTARG ;;
	n) n=$OPTARG ;;
	t) secs=$OPTARG ;;
	b) build=$OPTARG ;;
	k) keep=yes ;;
	u) ss_pki_use_uipsec "$OPTARG" ||
		{ echo "bench: $OPTARG has no pki command" >&2; exit 2; } ;;
	*) sed -n '2,42p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (namespaces)" >&2; exit 1; }

NI=ssbi NR=ssbr
OUT_I=172.30.0.1 OUT_R=172.30.0.2 IN_I=10.30.1.1 IN_R=10.30.2.1
IFACE_I=v-$NI		# netns_pair's name for the initiator's veth
work=$(mktemp -d /tmp/ssb.XXXXXX)
PEER_WORK=$work UIPSECD=$build/tools/uipsecd UIPSEC=$build/tools/uipsec
trap 'netns_cleanup $NI $NR
      if [ $keep = yes ]; then say "kept $work"; else rm -rf "$work"; fi' EXIT
rowpid=
# stop_row: end a running bench_row; killing what runs in its namespaces
# makes its foreground command return, so its TERM trap runs
stop_row() {
	[ -n "$rowpid" ] || return 0
	kill -TERM "$rowpid" 2>/dev/null
	netns_cleanup $NI $NR
	wait "$rowpid"
}
trap 'stop_row; exit 130' INT TERM
say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
for ns in $NI $NR; do
	ip netns list | grep -qw "^$ns" && die "namespace $ns exists already"
done

# --- measurements (implementation-independent) --------------------------------

median() {	# numbers on stdin
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

now_ns() { date +%s%N; }

# bench_setup IMPL_I DIR_I IMPL_R DIR_R N PCAP: prints wire_ms=, ctl_ms=,
# setup_bytes=, setup_frames= (medians)
bench_setup() {
	local ii=$1 di=$2 ir=$3 dr=$4 n=$5 cap=$6 i t0 t1 cpid
	rm -f "$cap"
	ip netns exec $NI dumpcap -q -P -i "$IFACE_I" \
	    -f "udp port 500 or udp port 4500" -w "$cap" 2>"$work/dumpcap.err" &
	cpid=$!
	wait_for test -s "$cap" || { say "dumpcap did not start"; return 1; }
	sleep 0.5	# the file header is written before the filter is set
	: >"$cap.ctl"
	for ((i = 0; i < n; i++)); do
		t0=$(now_ns)
		peer_${ii}_up "$di" || return 1
		t1=$(now_ns)
		echo "$(( (t1 - t0) / 1000 ))" >>"$cap.ctl"
		peer_${ii}_down "$di" || return 1
		wait_for peer_${ir}_sa_gone "$dr" || { say "responder kept its SA"; return 1; }
	done
	# libpcap hands dumpcap a partly filled buffer block only after its
	# read timeout (250 ms): stopping sooner loses the last set-up's tail
	sleep 1
	kill -TERM $cpid; wait $cpid
	peer_setup_wire "$cap" >"$cap.wire"
	[ "$(wc -l <"$cap.wire")" -eq "$n" ] || {
		say "capture shows $(wc -l <"$cap.wire") set-ups, not $n"
		return 1
	}
	echo "wire_ms=$(cut -d' ' -f1 "$cap.wire" | median | xargs printf '%.2f')"
	echo "ctl_ms=$(awk '{ print $1 / 1000 }' "$cap.ctl" | median |
	    xargs printf '%.1f')"
	echo "setup_bytes=$(cut -d' ' -f2 "$cap.wire" | median)"
	echo "setup_frames=$(cut -d' ' -f3 "$cap.wire" | median)"
}

iperf_server() {
	ip netns exec $NR iperf3 -s -D -B $IN_R -I "$work/iperf.pid" >/dev/null &&
	wait_for sh -c "ip netns exec $NR ss -ltn | grep -q $IN_R:5201"
}
iperf_server_stop() {
	kill "$(cat "$work/iperf.pid" 2>/dev/null)" 2>/dev/null
	rm -f "$work/iperf.pid"
}

# json_get FILE EXPR: a value from iperf3's --json output
json_get() {
	/usr/bin/python3 -c 'import json, sys
e = json.load(open(sys.argv[1]))["end"]
print(eval(sys.argv[2], {}, {"e": e}))' "$1" "$2"
}

# bench_tcp SECS JSON: tcp_mbps= tcp_retr=
bench_tcp() {
	local j=$2
	ip netns exec $NI iperf3 -c $IN_R -B $IN_I -t "$1" --json >"$j" ||
		{ say "iperf3 TCP failed"; return 1; }
	echo "tcp_mbps=$(json_get "$j" '"%.0f" % (e["sum_received"]["bits_per_second"] / 1e6)')"
	echo "tcp_retr=$(json_get "$j" 'e["sum_sent"].get("retransmits", 0)')"
}

# bench_udp64 SECS JSON: udp_rx_kpps= udp_tx_kpps=
bench_udp64() {
	local j=$2
	ip netns exec $NI iperf3 -c $IN_R -B $IN_I -u -l 64 -b 0 -t "$1" \
	    --json >"$j" || { say "iperf3 UDP failed"; return 1; }
	echo "udp_rx_kpps=$(json_get "$j" '"%.1f" % ((e["sum"]["packets"] - e["sum"]["lost_packets"]) / e["sum"]["seconds"] / 1e3)')"
	echo "udp_tx_kpps=$(json_get "$j" '"%.1f" % (e["sum"]["packets"] / e["sum"]["seconds"] / 1e3)')"
}

# bench_row IMPL_I IMPL_R SUITE: runs in a subshell of its own (its daemons,
# namespaces and trap are gone when it returns); prints KEY=VALUE lines.
bench_row() (
	local ii=$1 ir=$2 suite=$3 di=$work/$1-$2-$3-i dr=$work/$1-$2-$3-r
	trap 'peer_${ii}_stop "$di"; peer_${ir}_stop "$dr"; iperf_server_stop
	      netns_cleanup $NI $NR' EXIT
	trap 'exit 130' TERM
	netns_pair $NI $NR $OUT_I $OUT_R 24 &&
	ip -n $NI addr add $IN_I/32 dev lo && ip -n $NR addr add $IN_R/32 dev lo ||
		{ say "namespaces"; exit 1; }
	peer_${ir}_start resp $NR "$dr" "$suite" || { say "$ir responder"; exit 1; }
	peer_${ii}_start init $NI "$di" "$suite" || { say "$ii initiator"; exit 1; }
	say "$ii-$ir $suite: $n set-ups"
	bench_setup "$ii" "$di" "$ir" "$dr" "$n" "$work/$ii-$ir-$suite.pcap" ||
		exit 1
	peer_${ii}_up "$di" || exit 1
	ip netns exec $NI ping -c 2 -i 0.2 -W 2 -I $IN_I $IN_R >/dev/null ||
		{ say "no ping through the tunnel"; exit 1; }
	echo "rss_i_kb=$(peer_${ii}_rss_kb "$di")"
	echo "rss_r_kb=$(peer_${ir}_rss_kb "$dr")"
	iperf_server || { say "iperf3 server"; exit 1; }
	say "$ii-$ir $suite: TCP ${secs} s"
	bench_tcp "$secs" "$work/$ii-$ir-$suite-tcp.json" || exit 1
	say "$ii-$ir $suite: UDP 64 B ${secs} s"
	bench_udp64 "$secs" "$work/$ii-$ir-$suite-udp.json" || exit 1
	echo "rss_i_flood_kb=$(peer_${ii}_rss_kb "$di")"
	echo "rss_r_flood_kb=$(peer_${ir}_rss_kb "$dr")"
)

# --- table --------------------------------------------------------------------

declare -A R	# "ROW SUITE KEY" -> value

collect() {	# ROW SUITE < KEY=VALUE lines
	local kv
	while read -r kv; do
		R["$1 $2 ${kv%%=*}"]=${kv#*=}
	done
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# table_line ROW SUITE: one row of the table from R
table_line() {
	local k
	local -A v
	for k in wire_ms ctl_ms setup_bytes setup_frames tcp_mbps tcp_retr \
	    udp_rx_kpps udp_tx_kpps rss_i_kb rss_r_kb rss_i_flood_kb \
	    rss_r_flood_kb; do
		v[$k]=${R["$1 $2 $k"]:-}
		[ -n "${v[$k]}" ] || { printf '%-14s %-6s  (failed)\n' "$1" "$2"; return; }
	done
	printf '%-14s %-6s %9s %9s %12s %17s %14s %13s %17s\n' "$1" "$2" \
	    "${v[wire_ms]}" "${v[ctl_ms]}" "${v[setup_bytes]}/${v[setup_frames]}" \
	    "${v[tcp_mbps]} (${v[tcp_retr]})" \
	    "${v[udp_rx_kpps]} (${v[udp_tx_kpps]})" \
	    "$(mb "${v[rss_i_kb]}")/$(mb "${v[rss_r_kb]}")" \
	    "$(mb "${v[rss_i_flood_kb]}")/$(mb "${v[rss_r_flood_kb]}")"
}

print_table() {
	local row suite
	printf '\n%-14s %-6s %9s %9s %12s %17s %14s %13s %17s\n' \
	    pair suite "set-up" "ctl" "bytes/dgrams" "TCP Mbit/s" "UDP 64 B rx" \
	    "RSS idle" "RSS after flood"
	printf '%-14s %-6s %9s %9s %12s %17s %14s %13s %17s\n' \
	    "(init-resp)" "" "wire ms" "ms" "on the wire" "(retransmits)" \
	    "kpps (sent)" "MB init/resp" "MB init/resp"
	for suite in ${suites//,/ }; do
		for row in ${rows//,/ }; do
			table_line "$row" "$suite"
		done
	done
	print_ratios
}

# print_ratios: each row against ss-ss of the same suite (set-up time,
# bytes and memory: lower is better; throughput: higher is better). Memory
# compares uipsecd with charon in the same role (init, resp); a side that
# is strongSwan in both rows shows "-".
print_ratios() {
	local row suite k
	local -A v
	for suite in ${suites//,/ }; do
		[ -n "${R["ss-ss $suite wire_ms"]:-}" ] || continue
		for row in ${rows//,/ }; do
			[ "$row" = ss-ss ] && continue
			[ -n "${R["$row $suite wire_ms"]:-}" ] || continue
			v=()
			for k in wire_ms setup_bytes tcp_mbps udp_rx_kpps rss_i_kb \
			    rss_r_kb rss_i_flood_kb rss_r_flood_kb; do
				v[$k]=${R["$row $suite $k"]} v[0$k]=${R["ss-ss $suite $k"]}
			done
			[ "${row%-*}" = uipsec ] || v[rss_i_kb]='' v[rss_i_flood_kb]=''
			[ "${row#*-}" = uipsec ] || v[rss_r_kb]='' v[rss_r_flood_kb]=''
			awk -v r="$row" -v s="$suite" \
			    -v w="${v[wire_ms]}" -v w0="${v[0wire_ms]}" \
			    -v b="${v[setup_bytes]}" -v b0="${v[0setup_bytes]}" \
			    -v t="${v[tcp_mbps]}" -v t0="${v[0tcp_mbps]}" \
			    -v u="${v[udp_rx_kpps]}" -v u0="${v[0udp_rx_kpps]}" \
			    -v mi="${v[rss_i_kb]}" -v mi0="${v[0rss_i_kb]}" \
			    -v mr="${v[rss_r_kb]}" -v mr0="${v[0rss_r_kb]}" \
			    -v fi="${v[rss_i_flood_kb]}" -v fi0="${v[0rss_i_flood_kb]}" \
			    -v fr="${v[rss_r_flood_kb]}" -v fr0="${v[0rss_r_flood_kb]}" '
			    function x(a, b) { return a == "" ? "-" : sprintf("%.2fx", a / b) }
			    BEGIN { printf "%s/ss-ss %s: set-up %s, bytes %s, TCP %s, UDP %s, RSS idle %s/%s, after flood %s/%s\n",
			        r, s, x(w, w0), x(b, b0), x(t, t0), x(u, u0),
			        x(mi, mi0), x(mr, mr0), x(fi, fi0), x(fr, fr0) }'
		done
	done
}

# --- main ---------------------------------------------------------------------

for row in ${rows//,/ }; do
	for impl in ${row%-*} ${row#*-}; do
		declare -F "peer_${impl}_start" >/dev/null ||
			die "row $row: no driver for '$impl' (peer_${impl}_* in interop/lib/peers.sh)"
		[ "$impl" != uipsec ] || { [ -x "$UIPSECD" ] && [ -x "$UIPSEC" ]; } ||
			die "row $row: no $UIPSECD or $UIPSEC (-b BUILD)"
	done
done
load0=$(cut -d' ' -f1-3 /proc/loadavg) failed=0
for suite in ${suites//,/ }; do
	peer_certs "$suite" || die "certificates for $suite"
	for row in ${rows//,/ }; do
		# in the background, so that the INT/TERM trap runs at once:
		# bash defers a trap while a foreground child runs, and drops
		# it when that child (swanctl, python) handled SIGINT itself
		bench_row "${row%-*}" "${row#*-}" "$suite" >"$work/row.out" &
		rowpid=$!
		if wait $rowpid; then
			collect "$row" "$suite" <"$work/row.out"
		else
			say "row $row $suite failed"
			failed=1
		fi
		rowpid=
	done
done
echo "uipsec interop bench: $(nproc) cores, $(uname -r), N=$n set-ups, ${secs} s TCP/UDP, ESP $esp in UDP (kernel-libipsec)"
echo "load average at start: $load0, at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews every figure)"
print_table
exit $failed
