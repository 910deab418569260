#!/usr/bin/env bash
# interop/wire_budget.sh — what a CCU's tunnel costs on its (metered) link,
# measured with a capture on the CCU's own interface: IP bytes and datagrams
# of IKE, ESP-in-UDP and NAT keepalives. A benchmark, not a test: it prints a
# table and fails only when a measurement cannot be taken.
#
# Topology (interop/lib/netns.sh, netns_nat): the CCU (initiator) behind a
# masquerading NAT namespace, the concentrator (responder) outside it:
#   CCU 192.168.77.2 --- NAT --- 10.0.0.2 concentrator; inner 10.30.1.1 and
#   10.30.2.1 on lo.
# Rows: uipsec-uipsec (uipsecd both ends) and ss-ss (strongSwan charon with
# kernel-libipsec both ends), the same swanctl.conf and certificates
# (interop/lib/peers.sh). Figures, per row and profile:
#   set-up RSA    RSA-2048 chain (EE cert sent) + IKE aes256-sha1-modp2048,
#                 first IKE_SA_INIT request to last IKE_AUTH response
#                 (median of -n set-ups; IKE fragments included)
#   set-up ECDSA  ECDSA P-256 chain + IKE aes256-sha256-ecp256
#   CHILD rekey   one CHILD_SA rekey without PFS started by the CCU's
#                 children.bench.rekey_time (20 s, rand_time 0), with the
#                 delete of the old SA: every IKE datagram from the first
#                 CREATE_CHILD_SA datagram to 3 s after it
#   IKE rekey     the same for the IKE SA (ECP-256), by rekey_time
#   idle          -m minutes (default 3) with no traffic on an established
#                 tunnel, everything on the CCU's link (IKE, keepalives, ESP),
#                 scaled to one minute and one hour (so: an estimate from a
#                 shorter window; DPD and keepalive intervals that do not
#                 divide the window make it approximate; -m 60 measures
#                 the hour itself, doc/profiles.md); afterwards a ping
#                 from the concentrator checks the NAT still maps the CCU
#   dead peer     then the concentrator is killed (SIGKILL) right after the
#                 CCU received that ping, the worst case for DPD: seconds
#                 until the CCU holds no IKE SA (at most -d, default 150)
# Profiles (settings below, doc/profiles.md): "default", "ccu" and "mobile". A
# WB_PROFILE_<impl>_<profile>_<init|resp>="KEY=VALUE ..." environment
# variable replaces the connection keys of one side (ss_conn_write keys);
# WB_SS_OPTS_<profile> and WB_UIPSECD_IKE_<profile> (";"-separated "KEY =
# VALUE") replace the daemon-wide ones. Reference figures beside the table:
# the replaced product's documented 15 KB per set-up, 8 KB per key update,
# 376 B per idle minute.
#
#   interop/wire_budget.sh [-r ROWS] [-p PROFILES] [-m MINUTES] [-n N]
#                          [-d SECONDS] [-b BUILD] [-k]
#     -r  rows (default uipsec-uipsec,ss-ss)   -p  profiles (default,ccu,mobile)
#     -m  idle minutes measured (default 3)    -n  set-ups per suite (3)
#     -d  dead-peer wait at most (150 s)       -b  build directory (build/)
#     -k  keep the work directory
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"

rows=uipsec-uipsec,ss-ss profiles=default,ccu,mobile minutes=3 n=3 deadmax=150
keep=no
build=$top/build
while getopts "r:p:m:n:d:b:kh" o; do
	case $o in
	r) rows=$OPTARG ;;
	p) profiles=$OPTARG ;;
	m) minutes=$OPTARG ;;
	n) n=$OPTARG ;;
	d) deadmax=$OPTARG ;;
	b) build=$OPTARG ;;
	k) keep=yes ;;
	*) sed -n '2,46p' "$0"; exit 2 ;;
	esac
done
say() { echo "wire_budget: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (namespaces)"
declare -F netns_nat >/dev/null || die "interop/lib/netns.sh has no netns_nat"
UIPSECD=$build/tools/uipsecd UIPSEC=$build/tools/uipsec
[[ $rows != *uipsec* ]] || { [ -x "$UIPSECD" ] && [ -x "$UIPSEC" ]; } ||
	die "no $UIPSECD or $UIPSEC (-b BUILD)"
work=$(mktemp -d /tmp/wb.XXXXXX)
PEER_WORK=$work IN_I=10.30.1.1 IN_R=10.30.2.1 PEER_REMOTE_I=%any
trap 'kill -TERM $(jobs -p) 2>/dev/null; wait
      if [ $keep = yes ]; then say "kept $work"; else rm -rf "$work"; fi' EXIT

# --- profiles -------------------------------------------------------------------
# profile_conn IMPL PROFILE ROLE: connection keys (ss_conn_write KEY=VALUE)
# of one side. "default" is each implementation on its own defaults, except
# that strongSwan's DPD is off by default: its row uses dpd_delay = 60s on
# both ends, the figure the issue quotes (303 B per idle minute). "ccu"
# and "mobile" set DPD on the CCU only (doc/profiles.md says why).
profile_conn() {
	local v="WB_PROFILE_$1_$2_$3"
	if [ -n "${!v+set}" ]; then echo "${!v}"; return; fi
	case $1-$2-$3 in
	uipsec-default-*) echo "" ;;
	*-ccu-init) echo "dpd_delay=80s" ;;
	*-mobile-init) echo "dpd_delay=300s" ;;
	ss-default-*) echo "dpd_delay=60s" ;;
	*) echo "" ;;
	esac
}
# profile_ss_opts PROFILE: charon { } keys (strongswan.conf)
profile_ss_opts() {
	local v="WB_SS_OPTS_$1"
	if [ -n "${!v+set}" ]; then echo "${!v}"; return; fi
	case $1 in
	ccu|mobile) echo "keep_alive=90s" ;;
	*) echo "" ;;
	esac
}
# profile_uipsecd_ike PROFILE: "KEY = VALUE" lines (";"-separated) for
# uipsecd's ike { } section
profile_uipsecd_ike() {
	local v="WB_UIPSECD_IKE_$1"
	if [ -n "${!v+set}" ]; then echo "${!v}"; return; fi
	case $1 in
	ccu|mobile) echo "keep_alive = 90s" ;;
	*) echo "" ;;
	esac
}

# --- one row ----------------------------------------------------------------------

# start_pair IMPL PROFILE SUITE [INIT_KEY=VALUE...]: fresh daemons on both
# sides with the profile's settings (plus keys for the CCU)
start_pair() {
	local impl=$1 prof=$2 suite=$3 kv
	shift 3
	stop_pair
	IFS=' ' read -r -a PEER_SS_OPTS <<<"$(profile_ss_opts "$prof")"
	IFS=';' read -r -a PEER_UIPSECD_IKE <<<"$(profile_uipsecd_ike "$prof")"
	local -a ri=() rr=()
	for kv in $(profile_conn "$impl" "$prof" init); do ri+=("$kv"); done
	for kv in $(profile_conn "$impl" "$prof" resp); do rr+=("$kv"); done
	peer_${impl}_start resp "$NS_R" "$DR" "$suite" ${rr[@]+"${rr[@]}"} ||
		{ say "$impl responder did not start"; return 1; }
	peer_${impl}_start init "$NS_I" "$DI" "$suite" ${ri[@]+"${ri[@]}"} "$@" ||
		{ say "$impl initiator did not start"; return 1; }
}
stop_pair() {
	peer_${IMPL}_stop "$DI" 2>/dev/null
	peer_${IMPL}_stop "$DR" 2>/dev/null
	return 0
}

# capture_start PCAP / capture_stop: dumpcap on the CCU's interface
capture_start() {
	rm -f "$1"
	ip netns exec "$NS_I" dumpcap -q -P -i "$IF_I" \
	    -f "udp port 500 or udp port 4500" -w "$1" 2>>"$ROW/dumpcap.err" &
	CPID=$!
	wait_for test -s "$1" || { say "dumpcap did not start"; return 1; }
	sleep 0.5	# the file header is written before the filter is set
}
capture_stop() {
	# libpcap hands over a partly filled block only after its 250 ms
	# read timeout: stopping sooner loses the last datagrams
	sleep 1
	kill -TERM "$CPID"; wait "$CPID"
}

# m_setup SUITE: N set-ups; setup_SUITE_bytes= setup_SUITE_dgrams=
m_setup() {
	local suite=$1 cap=$ROW/setup-$1.pcap i
	start_pair "$IMPL" "$PROF" "$suite" || return 1
	capture_start "$cap" || return 1
	for ((i = 0; i < n; i++)); do
		peer_${IMPL}_up "$DI" || return 1
		peer_${IMPL}_down "$DI" || return 1
		ss_poll 10 peer_${IMPL}_sa_gone "$DR" ||
			{ say "responder kept its SA"; return 1; }
	done
	capture_stop
	peer_setup_wire "$cap" >"$cap.wire"
	[ "$(wc -l <"$cap.wire")" -eq "$n" ] ||
		{ say "$cap: $(wc -l <"$cap.wire") set-ups, not $n"; return 1; }
	echo "setup_${suite}_bytes=$(cut -d' ' -f2 "$cap.wire" | sort -n | median)"
	echo "setup_${suite}_dgrams=$(cut -d' ' -f3 "$cap.wire" | sort -n | median)"
}
median() { awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# rekey_wire PCAP: "BYTES DGRAMS" of the IKE datagrams from the first
# CREATE_CHILD_SA (exchange 36) datagram to 3 s after it; nothing if none
rekey_wire() {
	tshark -r "$1" -Y isakmp -T fields -E separator=' ' \
	    -e frame.time_epoch -e ip.len -e isakmp.exchangetype 2>/dev/null |
	awk '$3 == 36 && !t0 { t0 = $1 }
	     t0 && $1 <= t0 + 3 { b += $2; d++ }
	     END { if (t0) print b, d }'
}
# m_rekey KIND KEY=VALUE...: KIND child or ike; the keys make the CCU rekey
# 20 s after the set-up. rekey_KIND_bytes= rekey_KIND_dgrams=
m_rekey() {
	local kind=$1 cap=$ROW/rekey-$1.pcap r i
	shift
	start_pair "$IMPL" "$PROF" ecdsa "$@" || return 1
	peer_${IMPL}_up "$DI" || return 1
	capture_start "$cap" || return 1
	for ((i = 0; i < 40; i++)); do	# the rekey at 20 s, and 3 s after
		sleep 1
		[ $i -ge 24 ] && [ -n "$(rekey_wire "$cap")" ] && break
	done
	capture_stop
	r=$(rekey_wire "$cap")
	[ -n "$r" ] || { say "$IMPL: no $kind rekey within 40 s"; return 1; }
	echo "rekey_${kind}_bytes=${r% *}"
	echo "rekey_${kind}_dgrams=${r#* }"
}

# m_idle: idle_bytes= idle_dgrams= idle_ike= idle_ka= idle_esp= (per
# minute) reach= (yes/no: the concentrator still reaches the CCU)
m_idle() {
	local cap=$ROW/idle.pcap t_end i
	start_pair "$IMPL" "$PROF" ecdsa || return 1
	peer_${IMPL}_up "$DI" || return 1
	ping_from "$NS_I" "$IN_I" "$IN_R" || { say "no ping before idle"; return 1; }
	sleep 2
	capture_start "$cap" || return 1
	sleep $((minutes * 60))
	t_end=$(date +%s.%N)
	# The last datagrams of the window stay in libpcap's partly filled
	# block (TPACKET_V3) until later ones arrive: push them out with two
	# datagrams to the NAT's port 500, sent after the window (not counted).
	for i in 1 2; do
		ip netns exec "$NS_I" bash -c "echo flush >/dev/udp/$NAT_INSIDE_ADDR/500"
		sleep 0.5
	done
	capture_stop
	tshark -r "$cap" -T fields -E separator=' ' -e ip.len -e udp.length \
	    -e isakmp.exchangetype -Y "frame.time_epoch < $t_end" 2>/dev/null |
	awk -v m="$minutes" '{ b += $1; d++
		if ($3 != "") ike += $1; else if ($2 == 9) ka += $1; else esp += $1 }
		END { printf "idle_bytes=%.0f\nidle_dgrams=%.1f\nidle_ike=%.0f\nidle_ka=%.0f\nidle_esp=%.0f\n",
		    b / m, d / m, ike / m, ka / m, esp / m }'
	if ping_from "$NS_R" "$IN_R" "$IN_I"; then echo reach=yes; else echo reach=no; fi
	m_dead
}

# m_dead: the concentrator dies right after the CCU heard from it (the ESP
# of a ping restarts the DPD clock: the worst case). dead_s= seconds until
# the CCU holds no IKE SA any more, or ">MAX" after -d seconds.
m_dead() {
	local pid t0 i
	ping_from "$NS_R" "$IN_R" "$IN_I"
	pid=$(peer_${IMPL}_pid "$DR")
	t0=$(date +%s)
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null	# (no "Killed" line from bash)
	for ((i = 0; i < deadmax; i++)); do
		peer_${IMPL}_sa_gone "$DI" && break
		sleep 1
	done
	if peer_${IMPL}_sa_gone "$DI"; then
		echo "dead_s=$(($(date +%s) - t0))"
	else
		echo "dead_s=>$deadmax"
	fi
}

# wb_row IMPL PROFILE INDEX: KEY=VALUE lines
wb_row() (
	IMPL=$1 PROF=$2
	NS_I=wb$3c$$ NS_N=wb$3n$$ NS_R=wb$3s$$
	ROW=$work/$1-$2 DI=$work/$1-$2/i DR=$work/$1-$2/r
	mkdir -p "$ROW"
	trap 'stop_pair; netns_cleanup $NS_I $NS_N $NS_R' EXIT
	trap 'exit 130' TERM
	netns_nat "$NS_I" "$NS_N" "$NS_R" || { say "namespaces"; exit 1; }
	OUT_I=$NAT_CCU_ADDR OUT_R=$NAT_CONC_ADDR IF_I=v-${NS_I:0:10}
	ip -n "$NS_I" addr add $IN_I/32 dev lo && ip -n "$NS_R" addr add $IN_R/32 dev lo ||
		exit 1
	if [ "$PROF" = default ]; then
		m_setup rsa || echo "setup_rsa_bytes=failed"
	fi
	m_setup ecdsa || echo "setup_ecdsa_bytes=failed"
	if [ "$PROF" = default ]; then
		m_rekey child child.rekey_time=20s child.rand_time=0s ||
			echo "rekey_child_bytes=failed"
		m_rekey ike rekey_time=20s rand_time=0s ||
			echo "rekey_ike_bytes=failed"
	fi
	m_idle || echo "idle_bytes=failed"
)

# --- main -------------------------------------------------------------------------

for suite in rsa ecdsa; do
	peer_certs "$suite" || die "certificates for $suite"
done
i=0
for row in ${rows//,/ }; do
	[ "${row%-*}" = "${row#*-}" ] || die "row $row: both ends must be one implementation"
	for prof in ${profiles//,/ }; do
		say "$row $prof: running (idle $minutes min)"
		wb_row "${row%-*}" "$prof" $i >"$work/$row-$prof.out" &
		i=$((i + 1))
	done
done
wait

declare -A R
for row in ${rows//,/ }; do
	for prof in ${profiles//,/ }; do
		while IFS='=' read -r k v; do
			R["$row $prof $k"]=$v
		done <"$work/$row-$prof.out"
	done
done
v() { echo "${R["$1 $2 $3"]:--}"; }

echo "uipsec wire budget: IP bytes (datagrams) on the CCU's link, CCU behind a NAT; idle measured $minutes min and scaled"
printf '\n%-22s %-16s %-16s %-16s %-16s\n' "" "set-up RSA-2048" "set-up ECDSA" "CHILD rekey" "IKE rekey"
printf '%-22s %-16s %-16s %-16s %-16s\n' "" "+MODP-2048" "P-256+ECP-256" "no PFS" "ECP-256"
for row in ${rows//,/ }; do
	printf '%-22s %-16s %-16s %-16s %-16s\n' "$row" \
	    "$(v "$row" default setup_rsa_bytes) ($(v "$row" default setup_rsa_dgrams))" \
	    "$(v "$row" default setup_ecdsa_bytes) ($(v "$row" default setup_ecdsa_dgrams))" \
	    "$(v "$row" default rekey_child_bytes) ($(v "$row" default rekey_child_dgrams))" \
	    "$(v "$row" default rekey_ike_bytes) ($(v "$row" default rekey_ike_dgrams))"
done
printf '%-22s %-16s %-16s %-16s %-16s\n' "strongSwan (issue 6)" "4009 (6)" "2273 (4)" "688" "752"
printf '%-22s %-16s %-16s %-16s %-16s\n' "replaced product" "15 KB" "15 KB" "8 KB" "8 KB"

printf '\n%-22s %-8s %-7s %-9s %-6s %-9s %-6s %-8s %-9s %s\n' "idle behind a NAT" profile "B/min" "dgram/min" \
    "IKE B" "keepal. B" "ESP B" "KB/hour" "NAT kept" "dead peer found after"
for row in ${rows//,/ }; do
	for prof in ${profiles//,/ }; do
		b=$(v "$row" "$prof" idle_bytes)
		printf '%-22s %-8s %-7s %-9s %-6s %-9s %-6s %-8s %-9s %s\n' "$row" "$prof" "$b" \
		    "$(v "$row" "$prof" idle_dgrams)" "$(v "$row" "$prof" idle_ike)" \
		    "$(v "$row" "$prof" idle_ka)" "$(v "$row" "$prof" idle_esp)" \
		    "$(awk -v b="$b" 'BEGIN { if (b + 0 == b) printf "%.1f", b * 60 / 1024; else print "-" }')" \
		    "$(v "$row" "$prof" reach)" "$(v "$row" "$prof" dead_s) s"
	done
done
printf '%-22s %-8s %-7s\n' "replaced product" "" 376
echo
for prof in ${profiles//,/ }; do
	for impl in uipsec ss; do
		[[ ,$rows, == *",$impl-$impl,"* ]] || continue
		echo "profile $prof, $impl: CCU {$(profile_conn $impl "$prof" init)}" \
		    "concentrator {$(profile_conn $impl "$prof" resp)}" \
		    "$([ $impl = ss ] && echo "strongswan.conf {$(profile_ss_opts "$prof")}")" \
		    "$([ $impl = uipsec ] && echo "uipsecd.conf ike {$(profile_uipsecd_ike "$prof")}")"
	done
done
failed=0
grep -q failed "$work"/*.out && failed=1
exit $failed
