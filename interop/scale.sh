#!/usr/bin/env bash
# interop/scale.sh BUILD_DIR — a benchmark, not a test: the same load from
# `uipsec load` against a strongSwan responder (charon with kernel-libipsec)
# and against a uipsec responder (uipsecd), one after the other in the same
# namespace pair, for each identity key type and tunnel count:
#   set-ups per second, p50/p99 set-up latency (as the load generator sees
#   it), responder resident memory per established idle tunnel, responder
#   CPU seconds per set-up (utime+stime over the set-ups and the pings),
#   and the uipsec/strongSwan ratio of each; for uipsecd also the CPU of
#   its event loop alone per set-up (loop_ms/su: what bounds its rate when
#   its signer threads have CPUs of their own); and the load generator's
#   CPU per set-up (gen_ms/su: on a machine of 2 CPUs a responder's rate
#   is at most 2 / (its CPU + the generator's) per set-up).
# Each run: a warm-up of WARMUP CCUs (up, pinged, deleted), then all CCUs
# with at most WINDOW set-ups under way, an ICMP echo through each
# CHILD_SA, a hold of HOLD seconds, a Delete for each IKE SA.
# Memory per tunnel is VmRSS at the end of the hold (every tunnel up and
# idle: its ping answered HOLD seconds ago) less VmRSS after the warm-up,
# per tunnel up; "peak" is the same at the start of the hold (just after
# the pings). The warm-up puts in the baseline what a responder's first
# set-ups load once (library pages, one-time tables: ~0.3 MB of
# uipsecd's), which is not a cost per tunnel; the hold lets a responder
# let go of what only the set-up needed (uipsecd drops the IKE_AUTH
# response it keeps for a retransmission, RFC 7296 §2.1, within 8 s of
# the CCU's first ESP packet: ike/idle.c).
#
# Rounds: the speed of this machine (a VM) drifts by up to a fifth from
# one run to the next, so one run of each responder can flatter either.
# Each row of at most 1,000 tunnels is measured ROUNDS times, the two
# responders taking turns (strongSwan first in odd rounds, uipsec first
# in even ones, so a drift during a round favours neither); the table
# gives each responder's median run (all of its columns from that one
# run) and the ratio of the two medians, and a second table lists every
# round's rates and ratio. Larger rows run BIG_ROUNDS times (a
# 10,000-tunnel strongSwan run takes ~3 minutes).
# Environment: COUNTS ("1000 10000"), KEYS ("ecdsa256 rsa2048"), ROUNDS
# (5), BIG_ROUNDS (1), WINDOW
# (50), HOLD (10), WARMUP (20), TIMEOUT (seconds for the set-ups of one
# run, 900: a responder that does not get there in time is reported with
# what it reached),
# PIN (0; 1: the generator runs on CPU 0 and the responder, every thread
# of it, on CPU 1: each responder then has one CPU that the load cannot
# take, the capacity of one dedicated core, and strongSwan's threads
# share that CPU as uipsecd's do),
# RESPONDERS ("strongswan uipsec"), OUT (a file for the table, besides
# stdout), SIGN_THREADS (uipsecd's ike.sign_threads; unset or empty:
# uipsecd's default, one signer thread on 2 CPUs for RSA, P-384 and P-521
# signatures, which the loop signs itself when it has nothing else to do;
# 0: the loop signs all, as before session 8: doc/load.md), CCU_KEY (the
# CCUs' key type when it is to differ from the CA's and the
# concentrator's, e.g. KEYS=rsa2048 CCU_KEY=ecdsa256: a load that leaves a
# CPU free, as for a concentrator of its own; the rows are labelled
# rsa2048/ecdsa256), LOAD_WRAP (a
# command the generator runs under, e.g. valgrind --tool=callgrind:
# doc/load.md). RSA: the CCUs share one key (RSA key generation takes
# ~80 ms a key here); every certificate is still its own.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"

uipsec_bins "${1:-}" charon || exit 1
COUNTS=${COUNTS:-"1000 10000"}
KEYS=${KEYS:-"ecdsa256 rsa2048"}
WINDOW=${WINDOW:-50}
HOLD=${HOLD:-10}
WARMUP=${WARMUP:-20}
TIMEOUT=${TIMEOUT:-900}
ROUNDS=${ROUNDS:-5}
BIG_ROUNDS=${BIG_ROUNDS:-1}
RESPONDERS=${RESPONDERS:-"strongswan uipsec"}
max=0
for n in $COUNTS; do [ "$n" -gt "$max" ] && max=$n; done
gen_pin=
case ${PIN:-0} in
0) ;;
1)	[ "$(nproc)" -ge 2 ] || { echo "scale.sh: PIN=1 needs 2 CPUs" >&2; exit 1; }
	gen_pin="taskset -c 0" ;;
*)	echo "scale.sh: PIN must be 0 or 1" >&2; exit 1 ;;
esac
for v in ROUNDS BIG_ROUNDS; do
	case ${!v} in ''|*[!0-9]*|0) echo "scale.sh: $v must be a positive number" >&2; exit 1 ;; esac
done

L=uipsec-scale-l-$$ C=uipsec-scale-c-$$
work=$(mktemp -d /tmp/uipsec-scale.XXXXXX)
ss=$work/ss
cleanup() {
	ss_cleanup "$ss"
	netns_cleanup "$L" "$C"
	rm -rf "$work"
}
trap cleanup EXIT
die() { echo "scale.sh: $*" >&2; exit 1; }

netns_pair "$L" "$C" 10.0.0.1 10.0.0.2 24 || die "cannot create namespaces"
ip -n "$L" route add local 10.99.0.0/16 dev lo || die "local route"
ip -n "$C" route add 10.99.0.0/16 via 10.0.0.1 || die "route to the CCUs"

# pki_make KEY: a CA and the concentrator of KEY type, $max CCUs of
# CCU_KEY's (unset: KEY's).
pki_make() {
	local key=$1 ccu_key=${CCU_KEY:-$1} shared=()
	pki=$work/pki-$key
	[ "${ccu_key#rsa}" != "$ccu_key" ] && shared=(--shared-key)
	"$cli" pki init-ca --dir "$pki" --key "$key" \
	    --dn "C=DE, O=uipsec scale, CN=Scale Root" >/dev/null &&
	"$cli" pki issue --dir "$pki" --profile concentrator --name conc \
	    --key "$key" >/dev/null &&
	"$cli" load pki --dir "$pki" --count "$max" --key "$ccu_key" \
	    "${shared[@]}" >/dev/null || die "pki ($key)"
}

# The same connection for both responders: any certificate of the CA, a
# virtual IP from a /16, 10.10.2.0/24 behind the concentrator.
uipsec_start() {
	# strongSwan's DoS settings below: no cookies, no per-source limit.
	uipsecd_conc_conf "$work" "$pki" 10.200.0.0/16 "${SIGN_THREADS-}" \
	    "  cookie_threshold = 0\n  block_threshold = 0\n  init_limit_half_open = 0"
	uipsecd_start "$C" "$bin" "$work/conc.conf" "$work/conc.log" ||
		die "uipsecd"
	rpid=$UIPSECD_PID
}

strongswan_start() {
	rm -rf "$ss"
	# No cookies or per-address limits: every CCU is a legitimate peer
	# (the same for uipsecd: uipsec_start).
	ss_instance "$ss" keylog=no loglevel=0 dos_protection=no \
	    cookie_threshold=1000000 block_threshold=1000000 \
	    init_limit_half_open=0 ikesa_table_size=16384 || die "strongSwan"
	ss_certs_install "$pki" conc "$ss" || die "strongSwan certificates"
	ss_conn_write "$ss" conc local_addrs=10.0.0.2 \
	    proposals=aes256-sha256-ecp256 pools=ccus local_cert=conc.pem \
	    child=svc local_ts=10.10.2.0/24 esp_proposals=aes256-sha1 ||
		die "strongSwan connection"
	ss_pool_write "$ss" ccus 10.200.0.0/16
	ip -n "$C" addr add 10.10.2.1/32 dev lo
	ss_start "$C" "$ss" || die "charon"
	rpid=$SS_PID
}

responder_stop() {
	if [ "$1" = uipsec ]; then
		uipsecd_stop "$rpid"
	else
		ss_stop "$ss"
		ip -n "$C" addr del 10.10.2.1/32 dev lo
	fi
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# The main thread's: uipsecd's event loop (its signer threads apart).
loop_ticks() { awk '{ print $14 + $15 }' "/proc/$1/task/$1/stat"; }

# load_run N HOLD OUT: `uipsec load run` of N CCUs in the background
# (LPID), its report in OUT.
load_run() {
	ip netns exec "$L" $gen_pin ${LOAD_WRAP:-} "$cli" load run --pki "$pki" \
	    --count "$1" --remote 10.0.0.2 --first 10.99.0.1 \
	    --remote-ts 10.10.2.0/24 --ping 10.10.2.1 --window "$WINDOW" \
	    --timeout "$TIMEOUT" --hold "$2" >"$3" 2>"$3.err" &
	LPID=$!
}

# per_tunnel KB0 KB1 UP: bytes per tunnel between two VmRSS readings.
per_tunnel() { echo $(( $3 ? ($2 - $1) * 1024 / $3 : 0 )); }
# ms_per_setup CPU PER_SECOND UP: CPU (ticks at PER_SECOND a second, or
# seconds with 1) per set-up, in ms.
ms_per_setup() {
	awk -v c="$1" -v d="$2" -v u="$3" \
	    'BEGIN { printf "%.2f", u ? 1000 * c / d / u : 0 }'
}

# one_run RESPONDER KEY N: prints a row "RESPONDER KEY N up rate p50 p99
# bytes_per_tunnel cpu_ms_per_setup failed pings peak_bytes_per_tunnel
# loop_ms_per_setup generator_cpu_ms_per_setup".
one_run() {
	local resp=$1 key=$2 n=$3 out=$work/load-$1-${2//\//-}-$3.out
	local rss0 cpu0 rss1 cpu1 rss2 up rate p50 p99 hz t1 loop0 loop1
	# PIN=1: the responder inherits CPU 1 from this shell, with every
	# thread it will ever start
	[ -n "$gen_pin" ] && { taskset -p -c 1 $BASHPID >/dev/null || die "cannot pin"; }
	"${resp}_start"
	[ -n "$gen_pin" ] && taskset -p -c "0-$(($(nproc) - 1))" $BASHPID >/dev/null
	sleep 1
	if [ "$WARMUP" -gt 0 ]; then
		load_run "$WARMUP" 0 "$out.warmup"
		wait "$LPID"
	fi
	rss0=$(rss_kb "$rpid") cpu0=$(cpu_ticks "$rpid")
	loop0=$(loop_ticks "$rpid")
	load_run "$n" "$HOLD" "$out"
	poll_for $((TIMEOUT + 120)) grep -q '^holding' "$out"
	rss1=$(rss_kb "$rpid") cpu1=$(cpu_ticks "$rpid") t1=$SECONDS
	loop1=$(loop_ticks "$rpid")
	# idle: just before the hold ends (the generator then deletes)
	sleep $((HOLD > 1 ? HOLD - 1 - (SECONDS - t1) : 0)) 2>/dev/null
	rss2=$(rss_kb "$rpid")
	wait "$LPID"
	responder_stop "$resp"
	hz=$(getconf CLK_TCK)
	set -- $(sed -n 's/^result: //p' "$out" | tr ' ' '\n' |
	    awk -F= '{ v[$1] = $2 } END { print v["up"], v["rate"], v["p50_ms"], v["p99_ms"], v["failed"], v["ping_ok"], v["cpu_setup_s"] }')
	up=${1:-0} rate=${2:-0} p50=${3:-0} p99=${4:-0}
	echo "$resp $key $n $up $rate $p50 $p99 $(per_tunnel "$rss0" "$rss2" "$up") $(ms_per_setup $((cpu1 - cpu0)) "$hz" "$up") ${5:-?} ${6:-?} $(per_tunnel "$rss0" "$rss1" "$up") $([ "$resp" = uipsec ] && ms_per_setup $((loop1 - loop0)) "$hz" "$up" || echo -) $(ms_per_setup "${7:-0}" 1 "$up")"
}

rows=$work/rows
: >"$rows"
for key in $KEYS; do
	pki_make "$key"
	label=$key
	[ -n "${CCU_KEY:-}" ] && [ "$CCU_KEY" != "$key" ] && label=$key/$CCU_KEY
	for n in $COUNTS; do
		rounds=$ROUNDS
		[ "$n" -gt 1000 ] && rounds=$BIG_ROUNDS
		for r in $(seq "$rounds"); do
			order=$RESPONDERS
			[ $((r % 2)) = 0 ] && order=$(echo $RESPONDERS | tr ' ' '\n' | tac)
			for resp in $order; do
				echo "== $resp responder, $label, $n tunnels, round $r of $rounds" >&2
				one_run "$resp" "$label" "$n" | sed "s/\$/ $r/" |
				    tee -a "$rows" >&2
				cat "$work/load-$resp-${label//\//-}-$n.out" >&2
			done
		done
	done
done

# The table: each responder's median run of a row (by set-ups/s; the
# lower one of the middle two for an even number of rounds) and the
# uipsec/strongSwan ratios of the medians (rate: higher is better; the
# others: lower is better). Then, for rows of more than one round, every
# round's rates and ratio.
table=$(awk '
{ k = $2 " " $3; if (!(k in keys)) order[nk++] = k; keys[k] = 1
  c = ++cnt[$1, k]; line[$1, k, c] = $0; rt[$1, k, c] = $5
  byround[$1, k, $15] = $5; if ($15 > nr[k]) nr[k] = $15 }
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
# median_run(S, K): the index of the median run by rate.
function median_run(s, k,   n, i, j, t, idx) {
  n = cnt[s, k]
  for (i = 1; i <= n; i++) idx[i] = i
  for (i = 2; i <= n; i++)
    for (j = i; j > 1 && rt[s, k, idx[j]] < rt[s, k, idx[j - 1]]; j--) {
      t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t
    }
  return idx[int((n + 1) / 2)]
}
END {
  hdr = "%-9s %6s %-10s %6s %6s %9s %9s %9s %10s %10s %9s %6s %10s %9s\n"
  printf hdr, "key", "N", "responder", "up", "failed", "setups/s", "p50_ms", "p99_ms",
    "B/tunnel", "peak B/tun", "cpu_ms/su", "pings", "loop_ms/su", "gen_ms/su"
  for (j = 0; j < nk; j++) {
    k = order[j]
    split(k, a, " ")
    for (i = 1; i <= 2; i++) {
      s = i == 1 ? "strongswan" : "uipsec"
      if (!((s, k) in cnt)) continue
      split(line[s, k, median_run(s, k)], f, " ")
      rate[s] = f[5]; p50[s] = f[6]; p99[s] = f[7]; mem[s] = f[8]; cpu[s] = f[9]
      peak[s] = f[12]
      printf hdr, a[1], a[2], s, f[4], f[10], f[5], f[6], f[7], f[8], f[12], f[9], f[11], f[13], f[14]
    }
    if (("strongswan", k) in cnt && ("uipsec", k) in cnt)
      printf "%-9s %6s %-10s %6s %6s %9s %9s %9s %10s %10s %9s\n", a[1], a[2], "ratio u/s", "", "",
        ratio(rate["uipsec"], rate["strongswan"]), ratio(p50["uipsec"], p50["strongswan"]),
        ratio(p99["uipsec"], p99["strongswan"]), ratio(mem["uipsec"], mem["strongswan"]),
        ratio(peak["uipsec"], peak["strongswan"]), ratio(cpu["uipsec"], cpu["strongswan"])
  }
  first = 1
  for (j = 0; j < nk; j++) {
    k = order[j]
    if (nr[k] < 2) continue
    split(k, a, " ")
    if (first) {
      printf "\nset-ups/s in each round (the responders took turns):\n"
      printf "%-9s %6s %6s %11s %9s %9s\n", "key", "N", "round", "strongswan", "uipsec", "ratio"
      first = 0
    }
    lo = ""; hi = ""
    for (r = 1; r <= nr[k]; r++) {
      x = (("strongswan", k, r) in byround) ? byround["strongswan", k, r] : "-"
      y = (("uipsec", k, r) in byround) ? byround["uipsec", k, r] : "-"
      q = (x != "-" && y != "-") ? ratio(y, x) : "-"
      if (q != "-") { if (lo == "" || q + 0 < lo + 0) lo = q; if (hi == "" || q + 0 > hi + 0) hi = q }
      printf "%-9s %6s %6s %11s %9s %9s\n", a[1], a[2], r, x, y, q
    }
    if (lo != "")
      printf "%-9s %6s %6s %11s %9s %9s\n", a[1], a[2], "range", "", "", lo "-" hi
  }
}' "$rows")
echo "$table"
[ -n "${OUT:-}" ] && echo "$table" >"$OUT"
exit 0
