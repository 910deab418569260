#!/usr/bin/env bash
# interop/tests/manual_keys.sh BUILD_DIR — two uipsecd with manually keyed
# SAs in two namespaces joined by a veth ("ccu" 10.0.0.1, "conc" 10.0.0.2;
# inner 10.10.1.0/24 <-> 10.10.2.0/24). For each ESP suite, with and without
# ESN: ping both ways, then 10 MB each way arrives byte-identical; the same
# with IPv6 outside and IPv6 and IPv4 inside. Then
# what must fail does: mismatched ESN (ICV check), an inner source outside
# the traffic selectors (RFC 4301 inbound check), a bad config file.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"

build=${1:?usage: manual_keys.sh BUILD_DIR}
bin=$build/tools/uipsecd
[ -x "$bin" ] || { echo "FAIL: no $bin" >&2; exit 1; }

A=uipsec-mk-ccu-$$ B=uipsec-mk-conc-$$
work=$(mktemp -d /tmp/uipsec-mk.XXXXXX)
PID_A= PID_B=
cleanup() {
	netns_cleanup "$A" "$B"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 20 "$*" "$work"/*.log
}

netns_pair "$A" "$B" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"
head -c 10M /dev/urandom >"$work/data" || fail "no test data"

# key_lens PROPOSAL: "ENC AUTH" in bytes (AEAD: key plus 4-byte salt, no
# auth key).
key_lens() {
	case ${1%-esn} in
	aes256-sha1) echo "32 20" ;;
	aes128-sha256) echo "16 32" ;;
	aes256gcm16) echo "36 0" ;;
	chacha20poly1305) echo "36 0" ;;
	esac
}

# start PROPOSAL_A PROPOSAL_B [LOCAL_TS_B]: fresh keys, both daemons up.
# OUTER_A/OUTER_B, TS_A/TS_B and TUN_A/TUN_B may be set to override the
# IPv4 defaults.
start() {
	local pa=$1 pb=$2 enc auth
	local ts_a=${TS_A:-10.10.1.0/24} ts_b=${3:-${TS_B:-10.10.2.0/24}}
	local oa=${OUTER_A:-10.0.0.1} ob=${OUTER_B:-10.0.0.2}
	local ka kb aa= ab=
	read -r enc auth <<<"$(key_lens "$pa")"
	ka=$(rand_hex "$enc") kb=$(rand_hex "$enc")
	if [ "$auth" -gt 0 ]; then
		aa=$(rand_hex "$auth") ab=$(rand_hex "$auth")
	fi
	uipsecd_manual_conf "$work/a.conf" uipsec0 "${TUN_A:-10.10.1.1/32}" \
	    "$oa" "$ob" "$ts_a" "${TS_B:-10.10.2.0/24}" "$pa" 0x1001 0x2001 \
	    "$ka" "$aa" "$kb" "$ab"
	uipsecd_manual_conf "$work/b.conf" uipsec0 "${TUN_B:-10.10.2.1/32}" \
	    "$ob" "$oa" "$ts_b" "$ts_a" "$pb" 0x2001 0x1001 \
	    "$kb" "$ab" "$ka" "$aa"
	uipsecd_start "$A" "$bin" "$work/a.conf" "$work/a.log" ||
		fail "$pa: uipsecd in $A"
	PID_A=$UIPSECD_PID
	uipsecd_start "$B" "$bin" "$work/b.conf" "$work/b.log" ||
		fail "$pb: uipsecd in $B"
	PID_B=$UIPSECD_PID
}

stop() {
	uipsecd_stop "$PID_A" || fail "uipsecd in $A did not exit cleanly"
	uipsecd_stop "$PID_B" || fail "uipsecd in $B did not exit cleanly"
	PID_A= PID_B=
}

# transfer FROM_NS SRC TO_NS DST: 10 MB over TCP, compared by SHA-256.
transfer() {
	xfer_check "$1" "$2" "$3" "$4" "$work/data"
}

# stat_of NS_LOG PATTERN: the daemon logs its counters on SIGUSR1.
counters() {	# PID LOG
	kill -USR1 "$1"
	sleep 0.3
	cat "$2"
}

for p in aes256-sha1 aes256gcm16 chacha20poly1305 aes128-sha256; do
	for esn in "" -esn; do
		start "$p$esn" "$p$esn"
		ping_from "$A" 10.10.1.1 10.10.2.1 || fail "$p$esn: ping ccu->conc"
		ping_from "$B" 10.10.2.1 10.10.1.1 || fail "$p$esn: ping conc->ccu"
		transfer "$A" 10.10.1.1 "$B" 10.10.2.1 ||
			fail "$p$esn: 10 MB ccu->conc differs or did not arrive"
		transfer "$B" 10.10.2.1 "$A" 10.10.1.1 ||
			fail "$p$esn: 10 MB conc->ccu differs or did not arrive"
		stop
		echo "ok: $p$esn: ping both ways, 10 MB each way identical"
	done
done

# IPv6 outside (ESP in UDP over IPv6) and inside, IPv4 inside too.
ip -n "$A" addr add fd00::1/64 dev "v-${A:0:10}" nodad
ip -n "$B" addr add fd00::2/64 dev "v-${B:0:10}" nodad
OUTER_A=fd00::1 OUTER_B=fd00::2 \
TS_A="10.10.1.0/24, fd00:10:1::/64" TS_B="10.10.2.0/24, fd00:10:2::/64" \
TUN_A="10.10.1.1/32, fd00:10:1::1/128" TUN_B="10.10.2.1/32, fd00:10:2::1/128" \
	start aes256gcm16-esn aes256gcm16-esn
ping_from "$A" fd00:10:1::1 fd00:10:2::1 || fail "IPv6 in IPv6: ping ccu->conc"
ping_from "$B" 10.10.2.1 10.10.1.1 || fail "IPv4 in IPv6: ping conc->ccu"
transfer "$A" fd00:10:1::1 "$B" fd00:10:2::1 ||
	fail "IPv6 in IPv6: 10 MB ccu->conc differs or did not arrive"
transfer "$B" 10.10.2.1 "$A" 10.10.1.1 ||
	fail "IPv4 in IPv6: 10 MB conc->ccu differs or did not arrive"
stop
echo "ok: IPv6 outer: IPv6 and IPv4 inside, ping and 10 MB each way"

# ESN on one side only: the ICV covers the high sequence bits on one side
# alone (RFC 4303 §2.2.1), so nothing may pass and the ICV check says why.
start aes256-sha1-esn aes256-sha1
ping_from "$A" 10.10.1.1 10.10.2.1 && fail "ping passed with ESN mismatched"
counters "$PID_B" "$work/b.log" | grep -q 'dropped: auth [1-9]' ||
	fail "ESN mismatch: no ICV failures counted"
stop
echo "ok: mismatched ESN: nothing passes, ICV failures counted"

# The peer encrypts an inner source outside our remote_ts: decrypted fine,
# then refused by the inbound policy check.
start aes256gcm16 aes256gcm16 10.10.2.0/23
ip -n "$B" addr add 10.10.3.1/32 dev lo
ping_from "$B" 10.10.3.1 10.10.1.1 && fail "ping from outside remote_ts passed"
counters "$PID_A" "$work/a.log" | grep -q 'policy [1-9]' ||
	fail "inner source outside remote_ts: no policy drops counted"
stop
echo "ok: inner source outside the traffic selectors is dropped"

# A bad config: refused before anything is set up, the line named.
uipsecd_manual_conf "$work/bad.conf" uipsec-bad 10.10.1.1/32 10.0.0.1 \
    10.0.0.2 10.10.1.0/24 10.10.2.0/24 aes256-sha1 0x1001 0x2001 \
    "$(rand_hex 32)" "$(rand_hex 20)" "$(rand_hex 16)" "$(rand_hex 20)"
line=$(grep -n 'enc_key' "$work/bad.conf" | tail -1 | cut -d: -f1)
ip netns exec "$A" timeout 10 "$bin" "$work/bad.conf" 2>"$work/bad.err"
rc=$?
[ "$rc" = 1 ] || fail "bad config: exit status $rc, not 1"
grep -q "bad.conf:$line: manual.tunnel.in.enc_key has 16 bytes" \
    "$work/bad.err" || fail "bad config: error does not name line $line: \
$(cat "$work/bad.err")"
grep -q "not started" "$work/bad.err" || fail "bad config: no 'not started'"
ip -n "$A" link show uipsec-bad >/dev/null 2>&1 &&
	fail "bad config: a TUN device was created"
"$bin" --check-config "$work/a.conf" >/dev/null ||
	fail "--check-config refused a good config"
echo "ok: bad config refused with file:line ($(head -1 "$work/bad.err"))"
echo "PASS: manual_keys"
