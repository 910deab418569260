#!/usr/bin/env bash
# interop/tests/ike_uipsec.sh BUILD_DIR — two uipsecd speaking IKEv2 to each
# other in two namespaces joined by a veth ("ccu" 10.0.0.1 initiates with
# start_action = start and asks for a virtual IP; "conc" 10.0.0.2 answers
# from its pool 10.10.1.0/24 and protects 10.10.2.0/24). Certificates from
# `uipsec pki`, connections from swanctl.conf files (doc/ike-config.md),
# state through the control socket (doc/control.md).
#
# Checked: the CHILD_SA comes up (status, text and JSON); ping both ways
# and 10 MB each way byte-identical through it; `uipsec down` closes it on
# both sides, traffic stops and the virtual IP leaves the TUN (the route to
# the concentrator's side stays); `uipsec up`
# brings it back; keyingtries = 0 retries a refused set-up until it is
# accepted, close_action = start restarts after the peer's delete; a peer whose ID
# the concentrator does not accept is refused with a log line; a bad
# swanctl.conf line stops uipsecd with its file and line.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"

uipsec_bins "${1:-}" || exit 1

A=uipsec-ike-ccu-$$ B=uipsec-ike-conc-$$
work=$(mktemp -d /tmp/uipsec-ike.XXXXXX)
PID_A='' PID_B='' SOCK_A='' SOCK_B=
cleanup() {
	netns_cleanup "$A" "$B"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 25 "$*" "$work"/*.log
}

netns_pair "$A" "$B" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"
head -c 10M /dev/urandom >"$work/data" || fail "no test data"

# One swanctl tree for both (each side names its own certificate; the
# engine takes the key in private/ that matches it).
pki=$work/pki
"$cli" pki init-ca --dir "$pki" --dn "C=DE, O=uipsec test, CN=Test Root" \
    >/dev/null || fail "pki init-ca"
"$cli" pki issue --dir "$pki" --profile ccu --name ccu >/dev/null ||
	fail "pki issue ccu"
"$cli" pki issue --dir "$pki" --profile concentrator --name conc \
    >/dev/null || fail "pki issue conc"

# ccu_swanctl FILE [CONN_LINE [CHILD_LINE]]: the CCU's connection, with
# one more key for the connection and one for its child.
ccu_swanctl() {
	cat >"$1" <<-EOF
	connections {
	  ccu {
	    version = 2
	    ${2:-}
	    local_addrs = ${OA:-10.0.0.1}
	    remote_addrs = ${OB:-10.0.0.2}
	    proposals = aes256-sha256-ecp256
	    vips = 0.0.0.0
	    dpd_delay = 30s
	    local {
	      auth = pubkey
	      certs = ccu.pem
	    }
	    remote {
	      auth = pubkey
	      id = "C=DE, O=uipsec test, CN=conc"
	    }
	    children {
	      svc {
	        remote_ts = 10.10.2.0/24
	        esp_proposals = aes256-sha1
	        start_action = start
	        ${3:-}
	      }
	    }
	  }
	}
	EOF
}

# conc_swanctl FILE PEER_ID: the concentrator, accepting PEER_ID.
conc_swanctl() {
	cat >"$1" <<-EOF
	connections {
	  conc {
	    local_addrs = ${OB:-10.0.0.2}
	    proposals = aes256-sha256-ecp256
	    pools = ccus
	    local {
	      certs = conc.pem
	    }
	    remote {
	      id = "$2"
	    }
	    children {
	      svc {
	        local_ts = 10.10.2.0/24
	        esp_proposals = aes256-sha1
	      }
	    }
	  }
	}
	pools {
	  ccus {
	    addrs = 10.10.1.0/24
	  }
	}
	EOF
}

# conc_start PEER_ID: the concentrator's uipsecd, accepting PEER_ID.
conc_start() {
	conc_swanctl "$work/conc-swanctl.conf" "$1"
	uipsecd_ike_conf "$work/conc.conf" conc-swanctl.conf "$pki" 10.10.2.1/32
	uipsecd_start "$B" "$bin" "$work/conc.conf" "$work/conc.log" ||
		fail "uipsecd in $B"
	PID_B=$UIPSECD_PID SOCK_B=$UIPSECD_SOCK
}

# start PEER_ID [CCU_CONN_LINE [CCU_CHILD_LINE]]: both daemons.
start() {
	ccu_swanctl "$work/ccu-swanctl.conf" "${2:-}" "${3:-}"
	uipsecd_ike_conf "$work/ccu.conf" ccu-swanctl.conf "$pki"
	"$bin" --check-config "$work/ccu.conf" >/dev/null 2>&1 ||
		fail "ccu.conf: --check-config"
	conc_start "$1"
	uipsecd_start "$A" "$bin" "$work/ccu.conf" "$work/ccu.log" ||
		fail "uipsecd in $A"
	PID_A=$UIPSECD_PID SOCK_A=$UIPSECD_SOCK
}

stop() {
	uipsecd_stop "$PID_A" || fail "uipsecd in $A did not exit cleanly"
	uipsecd_stop "$PID_B" || fail "uipsecd in $B did not exit cleanly"
	PID_A='' PID_B=
}

# child_up SOCK: the status lists an installed IKE CHILD_SA.
child_up() {
	"$cli" status -s "$1" | grep -q '^  svc: IKE, INSTALLED'
}
child_gone() {
	! "$cli" status -s "$1" | grep -q 'INSTALLED'
}

# transfer FROM_NS SRC TO_NS DST: 10 MB, compared by SHA-256.
transfer() {
	xfer_check "$1" "$2" "$3" "$4" "$work/data"
}

start "C=DE, O=uipsec test, CN=ccu"
wait_for child_up "$SOCK_A" || fail "no CHILD_SA on the ccu"
wait_for child_up "$SOCK_B" || fail "no CHILD_SA on the concentrator"
"$cli" status -s "$SOCK_A" | grep -q '^ccu: #[0-9]*, ESTABLISHED, IKEv2' ||
	fail "status: no ESTABLISHED IKE SA"
"$cli" status --json -s "$SOCK_B" | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
sa = s["ike_sas"][0]
assert sa["state"] == "ESTABLISHED" and not sa["initiator"], sa
ch = sa["child_sas"][0]
assert ch["proposal"] == "ESP:AES_CBC_256/HMAC_SHA1_96", ch
assert ch["remote_ts"] == ["10.10.1.1/32"], ch
' || fail "status --json: not what was negotiated"
echo "ok: CHILD_SA up (start_action = start), status text and JSON"

ping_from "$A" 10.10.1.1 10.10.2.1 || fail "ping ccu->conc"
ping_from "$B" 10.10.2.1 10.10.1.1 || fail "ping conc->ccu"
transfer "$A" 10.10.1.1 "$B" 10.10.2.1 ||
	fail "10 MB ccu->conc differs or did not arrive"
transfer "$B" 10.10.2.1 "$A" 10.10.1.1 ||
	fail "10 MB conc->ccu differs or did not arrive"
"$cli" status --json -s "$SOCK_A" | /usr/bin/python3 -c '
import json, sys
ch = json.load(sys.stdin)["ike_sas"][0]["child_sas"][0]
assert ch["in"]["packets"] > 1000 and ch["out"]["packets"] > 1000, ch
' || fail "status: the CHILD_SA did not count the transfer"
echo "ok: virtual IP 10.10.1.1 from the pool, ping both ways, 10 MB each way identical"

"$cli" down ccu -s "$SOCK_A" >/dev/null || fail "uipsec down ccu"
wait_for child_gone "$SOCK_A" || fail "down: CHILD_SA still on the ccu"
wait_for child_gone "$SOCK_B" || fail "down: CHILD_SA still on the concentrator"
ping_from "$A" 10.10.1.1 10.10.2.1 && fail "ping passed after down"
ip -n "$A" addr show dev uipsec0 | grep -q 10.10.1.1 &&
	fail "down: the virtual IP stayed on the TUN"
# With its last IPv4 address the kernel dropped the TUN's IPv4 routes;
# uipsecd, which asks for each route once, put them back.
ip -n "$A" route show 10.10.2.0/24 dev uipsec0 | grep -q . ||
	fail "down: the route to 10.10.2.0/24 left with the virtual IP"
"$cli" status -s "$SOCK_A" | grep -q "^ccu: no IKE SA: held down" ||
	fail "down: status does not say the connection is held down"
"$cli" up ccu -s "$SOCK_A" >/dev/null || fail "uipsec up ccu"
wait_for child_up "$SOCK_A" || fail "up: no CHILD_SA again"
# The pool may hand out another address: ping from the one now agreed.
vip=$("$cli" status --json -s "$SOCK_A" | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["ike_sas"][0]["child_sas"][0]["local_ts"][0].split("/")[0])
') || fail "up: no virtual IP in status"
ping_from "$A" "$vip" 10.10.2.1 || fail "ping from $vip after down and up"
"$cli" up nosuch -s "$SOCK_A" 2>/dev/null && fail "up of an unknown name"
echo "ok: uipsec down closes both sides, uipsec up brings it back"
stop

# The concentrator accepts another CCU only: refused, and both say so.
start "C=DE, O=uipsec test, CN=other"
poll_for 30 grep -qi 'fail\|AUTHENTICATION_FAILED' "$work/ccu.log" ||
	fail "refused ID: no log line on the ccu"
grep -qi 'fail\|refus\|AUTHENTICATION_FAILED' "$work/conc.log" ||
	fail "refused ID: no log line on the concentrator"
child_up "$SOCK_A" && fail "a CHILD_SA with a refused ID"
stop
echo "ok: a peer ID the concentrator does not accept is refused, both log it"

# What keeps a CCU connected: keyingtries = 0 retries a refused set-up
# (after reconnect_min, 5 s less up to a tenth of jitter, then doubling)
# until the concentrator accepts it; close_action = start sets
# it up again when the concentrator closes it.
start "C=DE, O=uipsec test, CN=other" "keyingtries = 0" \
    "close_action = start"
poll_for 30 grep -q "attempt 2, next in [0-9.]* s" "$work/ccu.log" ||
	fail "keyingtries = 0: no retry scheduled after a refusal"
"$cli" status -s "$SOCK_A" |
    grep -q "^ccu: no IKE SA: 1 failed set-up, next attempt in [0-5]s" ||
	fail "keyingtries = 0: status does not show the next attempt"
uipsecd_stop "$PID_B" || fail "uipsecd in $B did not exit cleanly"
conc_start "C=DE, O=uipsec test, CN=ccu"
# the next attempt comes 4.5-5 s after the refusal; should the
# concentrator be slow to start again, the one after it 9-10 s later
poll_for 60 child_up "$SOCK_A" || fail "keyingtries = 0: never came up"
ping_from "$A" 10.10.1.1 10.10.2.1 || fail "ping after the retry"
"$cli" down conc -s "$SOCK_B" >/dev/null || fail "uipsec down conc"
poll_for 30 grep -q "deleted by peer): initiating again" "$work/ccu.log" ||
	fail "close_action = start: no restart after the peer's delete"
poll_for 30 child_up "$SOCK_A" || fail "close_action = start: not up again"
"$cli" status -s "$SOCK_A" | grep -Eq '^ccu: #([2-9]|[1-9][0-9]+),' ||
	fail "close_action = start: still the first IKE SA"
stop
echo "ok: keyingtries = 0 retries until accepted; close_action = start restarts"

# IPv6 outside (IKE and ESP in UDP over IPv6), IPv4 inside.
ip -n "$A" addr add fd00::1/64 dev "v-${A:0:10}" nodad
ip -n "$B" addr add fd00::2/64 dev "v-${B:0:10}" nodad
OA=fd00::1 OB=fd00::2 start "C=DE, O=uipsec test, CN=ccu"
wait_for child_up "$SOCK_A" || fail "IPv6 outer: no CHILD_SA"
"$cli" status -s "$SOCK_A" | grep -q "@ \[fd00::1\]:4500" ||
	fail "IPv6 outer: status does not show [fd00::1]:4500"
ping_from "$A" 10.10.1.1 10.10.2.1 || fail "IPv6 outer: ping ccu->conc"
xfer_check "$A" 10.10.1.1 "$B" 10.10.2.1 "$work/data" ||
	fail "IPv6 outer: 10 MB ccu->conc differs or did not arrive"
stop
echo "ok: IPv6 outer: IKE and ESP in UDP over IPv6, ping, 10 MB"

# A bad swanctl.conf line: uipsecd does not start and names file and line.
ccu_swanctl "$work/ccu-swanctl.conf"
sed -i 's/^    version = 2$/    version = 1/' "$work/ccu-swanctl.conf"
out=$("$bin" "$work/ccu.conf" 2>&1) && fail "started with version = 1"
echo "$out" | grep -q "ccu-swanctl.conf:3: connections.ccu.version: '1'" ||
	fail "bad swanctl.conf: no file:line (got: $out)"
echo "ok: bad swanctl.conf refused with file:line"
echo "PASS: ike_uipsec"
