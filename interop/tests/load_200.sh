#!/usr/bin/env bash
# interop/tests/load_200.sh BUILD_DIR — 200 CCUs from `uipsec load` against
# one uipsecd concentrator, in two namespaces joined by a veth. The load
# namespace owns 10.99.0.0/16 (a local route: one address per CCU); the
# concentrator gives each a virtual IP from its pool and protects
# 10.10.2.0/24 (10.10.2.1 on its TUN).
#
# Checked, twice — with the daemon of BUILD_DIR and with the sanitizer
# build beside it (BUILD_DIR/../build-asan, as tests/run.sh makes it):
# all 200 CHILD_SAs come up with no failure; the concentrator's kernel
# routes into its TUN only the pool (routed once at start-up), no address
# per CCU, and the daemon made one route request in all; an ICMP echo
# through each CCU's
# own SA is answered on that CCU's own inbound SA (uipsec load checks SPI,
# ICV and the reply, and counts packets on a wrong SA); the concentrator's
# status lists 200 IKE SAs, then none after the load generator deleted
# them all; the concentrator exits cleanly, and under ASan no leak is
# reported at exit.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"

uipsec_bins "${1:-}" || exit 1
N=${LOAD_COUNT:-200}
asan_bin=$(cd "$1/.." && pwd)/build-asan/tools/uipsecd

L=uipsec-load200-l-$$ C=uipsec-load200-c-$$
work=$(mktemp -d /tmp/uipsec-load200.XXXXXX)
cleanup() {
	netns_cleanup "$L" "$C"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 25 "$*" "$work"/*.log "$work"/*.out
}

netns_pair "$L" "$C" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"
ip -n "$L" route add local 10.99.0.0/16 dev lo || fail "local route"
ip -n "$C" route add 10.99.0.0/16 via 10.0.0.1 || fail "route to the CCUs"

pki=$work/pki
"$cli" pki init-ca --dir "$pki" --dn "C=DE, O=uipsec load, CN=Load Root" --key ecdsa256 \
    >/dev/null || fail "pki init-ca"
"$cli" pki issue --dir "$pki" --profile concentrator --name conc \
    >/dev/null || fail "pki issue conc"
"$cli" load pki --dir "$pki" --count "$N" >/dev/null || fail "load pki"
[ "$(ls "$pki/load/x509" | wc -l)" = "$N" ] || fail "load pki: not $N certs"

# One signer thread (ike.sign_threads, also the default on 2 CPUs, set so
# on any machine): the IKE_AUTH responses are signed off the loop, also
# under ASan.
uipsecd_conc_conf "$work" "$pki" 10.200.0.0/16 1

# ike_sas SOCK: how many IKE SAs the concentrator lists.
ike_sas() {
	"$cli" status --json -s "$1" | /usr/bin/python3 -c '
import json, sys
print(len(json.load(sys.stdin)["ike_sas"]))'
}
no_ike_sas() { [ "$(ike_sas "$1")" = 0 ]; }

# one_run DAEMON TAG: the whole load against DAEMON.
one_run() {
	local daemon=$1 tag=$2 pid sock n
	uipsecd_start "$C" "$daemon" "$work/conc.conf" "$work/conc-$tag.log" ||
		fail "$tag: uipsecd in $C"
	pid=$UIPSECD_PID sock=$UIPSECD_SOCK
	grep -q 'ike: 1 signer thread ' "$work/conc-$tag.log" ||
		fail "$tag: uipsecd started no signer thread"
	# --hold: the concentrator's status is read while every tunnel is up.
	# --window 8: fewer half-open SAs than the responder's cookie
	# threshold (10), so this test is about the tunnels, not about the
	# DoS defence (see doc/load.md).
	ip netns exec "$L" "$cli" load run --pki "$pki" --count "$N" \
	    --remote 10.0.0.2 --first 10.99.0.1 --remote-ts 10.10.2.0/24 \
	    --ping 10.10.2.1 --hold 10 --timeout 90 --window 8 \
	    >"$work/load-$tag.out" 2>&1 &
	local lpid=$!
	poll_for 90 grep -q '^holding' "$work/load-$tag.out" ||
		fail "$tag: the load run did not get to hold its tunnels"
	n=$(ike_sas "$sock") || fail "$tag: status"
	[ "$n" = "$N" ] || fail "$tag: the concentrator lists $n IKE SAs, not $N"
	routes=$(ip -n "$C" route show dev uipsec0 | awk '{ print $1 }' |
	    tr '\n' ' ')
	[ "$routes" = "10.200.0.0/16 " ] ||
		fail "$tag: routes into uipsec0 with $N CCUs up: $routes"
	wait "$lpid" || fail "$tag: uipsec load run failed"
	cat "$work/load-$tag.out"
	grep -q "^load: $N CCUs, $N up, 0 failed" "$work/load-$tag.out" ||
		fail "$tag: not all $N up"
	grep -q "^ping: $N of $N CCUs got their echo reply on their own SA; 0 packets on a wrong SA" \
	    "$work/load-$tag.out" || fail "$tag: pings"
	grep -q "^teardown: $N of $N IKE SAs deleted" "$work/load-$tag.out" ||
		fail "$tag: teardown"
	poll_for 30 no_ike_sas "$sock" ||
		fail "$tag: the concentrator still lists $(ike_sas "$sock") IKE SAs"
	uipsecd_stop "$pid" || fail "$tag: uipsecd did not exit cleanly"
	grep -q "routes into uipsec0: 1 requested, " "$work/conc-$tag.log" ||
		fail "$tag: more than the pool's route requested"
	grep -q 'LeakSanitizer\|AddressSanitizer\|runtime error' \
	    "$work/conc-$tag.log" && fail "$tag: the sanitizer reported"
	echo "ok: $tag: $N CCUs up, a ping through each on its own SA, all deleted, status back to 0"
}

one_run "$bin" release
if [ -x "$asan_bin" ]; then
	one_run "$asan_bin" asan
else
	fail "no sanitizer build at $asan_bin (tests/run.sh builds it)"
fi
echo "PASS: load_200"
