#!/usr/bin/env bash
# interop/tests/ike_conf_strongswan.sh BUILD_DIR — one swanctl.conf drives
# both: the same connection files are loaded by uipsecd (its `ike`
# section) and by Debian's strongSwan (swanctl --load-all), and the two
# daemons talk to each other with them. "ccu" 10.0.0.1 initiates
# (start_action = start, asks for a virtual IP), "conc" 10.0.0.2 answers
# from its pool and protects 10.10.2.0/24; certificates from `uipsec pki`.
#
# Cases: uipsecd ccu -> strongSwan conc; strongSwan ccu -> uipsecd conc.
# Each: the CHILD_SA is installed on both sides, ping both ways, 10 MB
# each way byte-identical, uipsec status agrees with swanctl --list-sas.
# Then both again with RSA-4096 certificates and charon's fragment_size =
# 576: IKE_AUTH (> 1280 bytes) goes as SKF{} fragments (RFC 7383) both
# ways, charon's at 576, uipsecd's at its default 1280; charon logs
# "splitting IKE message" and "received fragment", uipsecd "as N
# fragments" and "received fragment".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"

uipsec_bins "${1:-}" charon || exit 1

A=uipsec-icf-ccu-$$ B=uipsec-icf-conc-$$
work=$(mktemp -d /tmp/uipsec-icf.XXXXXX)
ss=$work/ss
PID_U=''
cleanup() {
	ss_cleanup "$ss"
	netns_cleanup "$A" "$B"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 25 "$*" "$work"/*.log "$ss/charon.log"
}

netns_pair "$A" "$B" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"
head -c 10M /dev/urandom >"$work/data" || fail "no test data"
pki=$work/pki
"$cli" pki init-ca --dir "$pki" --dn "C=DE, O=uipsec test, CN=Test Root" \
    >/dev/null || fail "pki init-ca"
for n in ccu conc; do
	p=concentrator
	[ $n = ccu ] && p=ccu
	"$cli" pki issue --dir "$pki" --profile $p --name $n >/dev/null ||
		fail "pki issue $n"
done

# The two connection files, written once, read by both implementations.
cat >"$work/ccu.swanctl" <<EOF
connections {
  ccu {
    version = 2
    local_addrs = 10.0.0.1
    remote_addrs = 10.0.0.2
    proposals = aes256-sha256-ecp256
    vips = 0.0.0.0
    encap = yes
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
      }
    }
  }
}
EOF
cat >"$work/conc.swanctl" <<EOF
connections {
  conc {
    version = 2
    local_addrs = 10.0.0.2
    proposals = aes256-sha256-ecp256
    pools = ccus
    encap = yes
    local {
      auth = pubkey
      certs = conc.pem
    }
    remote {
      auth = pubkey
      id = "C=DE, O=uipsec test, CN=ccu"
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

# uipsecd_up NS NAME: uipsecd with NAME.swanctl; sets PID_U and SOCK_U.
uipsecd_up() {
	local tun_addr=''
	[ "$2" = conc ] && tun_addr="  addrs = 10.10.2.1/32"
	printf 'tun {\n  name = uipsec0\n%s\n}\nike {\n  swanctl_conf = %s\n  swanctl_dir = %s\n}\n' \
	    "$tun_addr" "$2.swanctl" "$pki" >"$work/$2.conf"
	chmod 600 "$work/$2.conf"
	"$bin" --check-config "$work/$2.conf" >/dev/null 2>&1 ||
		fail "uipsecd refuses $2.swanctl"
	uipsecd_start "$1" "$bin" "$work/$2.conf" "$work/$2.log" ||
		fail "uipsecd in $1"
	PID_U=$UIPSECD_PID SOCK_U=$UIPSECD_SOCK
}

# strongswan_up NS NAME [KEY=VALUE...]: charon with NAME.swanctl as it is
# (KEY=VALUE: strongswan.conf charon options).
strongswan_up() {
	rm -rf "$ss"
	ss_instance "$ss" "${@:3}" >/dev/null || fail "strongSwan instance"
	ss_certs_install "$pki" "$2" "$ss" || fail "strongSwan certificates"
	cp "$work/$2.swanctl" "$ss/swanctl/conf.d/$2.conf"
	ss_start "$1" "$ss" || fail "strongSwan refuses $2.swanctl"
}

down_both() {
	uipsecd_stop "$PID_U" || fail "uipsecd did not exit cleanly"
	PID_U=''
	ss_stop "$ss"
}

uipsec_child_up() {
	"$cli" status -s "$SOCK_U" | grep -q '^  svc: IKE, INSTALLED'
}

# check LABEL: the CHILD_SA on both sides, then traffic both ways.
check() {
	ss_poll 30 uipsec_child_up || fail "$1: no CHILD_SA in uipsecd"
	ss_wait_child_up "$ss" svc 30 || fail "$1: no CHILD_SA in strongSwan"
	ping_from "$A" 10.10.1.1 10.10.2.1 || fail "$1: ping ccu->conc"
	ping_from "$B" 10.10.2.1 10.10.1.1 || fail "$1: ping conc->ccu"
	xfer_check "$A" 10.10.1.1 "$B" 10.10.2.1 "$work/data" ||
		fail "$1: 10 MB ccu->conc differs or did not arrive"
	xfer_check "$B" 10.10.2.1 "$A" 10.10.1.1 "$work/data" ||
		fail "$1: 10 MB conc->ccu differs or did not arrive"
	# Both name the same SPI pair (ours in = theirs out).
	spi=$("$cli" status --json -s "$SOCK_U" | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["ike_sas"][0]["child_sas"][0]["in"]["spi"])')
	ss_list_sas "$ss" | grep -q "out $spi" ||
		fail "$1: strongSwan does not send to uipsecd's inbound SPI $spi"
}

# uipsecd ccu -> strongSwan conc (inner 10.10.2.1 on the conc's lo).
ip -n "$B" addr add 10.10.2.1/32 dev lo
strongswan_up "$B" conc
uipsecd_up "$A" ccu
check "uipsecd -> strongSwan"
# A stopping uipsecd deletes its IKE SA with the peer (RFC 7296 §1.4.1), so
# the concentrator frees it at once rather than after DPD.
uipsecd_stop "$PID_U" || fail "uipsecd did not exit cleanly"
PID_U=''
ss_poll 30 ss_ike_gone "$ss" conc ||
	fail "strongSwan kept the IKE SA after uipsecd stopped (no Delete sent)"
ss_stop "$ss"
ip -n "$B" addr del 10.10.2.1/32 dev lo
echo "ok: uipsecd ccu -> strongSwan conc: same swanctl.conf files, ping, 10 MB each way, Delete on SIGTERM"

# strongSwan ccu -> uipsecd conc (strongSwan puts its virtual IP on lo).
uipsecd_up "$B" conc
strongswan_up "$A" ccu
check "strongSwan -> uipsecd"
down_both
echo "ok: strongSwan ccu -> uipsecd conc: same swanctl.conf files, ping, 10 MB each way"

# IKE fragmentation (RFC 7383): RSA-4096 certificates, charon splits at
# 576, uipsecd at 1280. fragmented LABEL LOG (LOG: uipsecd's).
fragmented() {
	ss_poll 30 uipsec_child_up || fail "$1: no CHILD_SA in uipsecd"
	ss_wait_child_up "$ss" svc 30 || fail "$1: no CHILD_SA in strongSwan"
	ping_from "$A" 10.10.1.1 10.10.2.1 || fail "$1: ping ccu->conc"
	ping_from "$B" 10.10.2.1 10.10.1.1 || fail "$1: ping conc->ccu"
	grep -q 'splitting IKE message' "$ss/charon.log" ||
		fail "$1: strongSwan did not fragment IKE_AUTH"
	grep -q 'received fragment' "$ss/charon.log" ||
		fail "$1: strongSwan received no fragments"
	grep -q 'sending IKE_AUTH .* as [0-9]* fragments' "$2" ||
		fail "$1: uipsecd did not fragment IKE_AUTH"
	grep -q 'received fragment' "$2" ||
		fail "$1: uipsecd received no fragments"
	echo "  $1: charon $(grep -o 'splitting IKE message.*' \
	    "$ss/charon.log" | head -1); uipsecd $(grep -o \
	    'sending IKE_AUTH.*fragments.*' "$2" | head -1)"
}
pki=$work/pki-rsa
"$cli" pki init-ca --dir "$pki" --dn "C=DE, O=uipsec test, CN=Test Root" \
    >/dev/null || fail "pki init-ca (RSA)"
for n in ccu conc; do
	p=concentrator
	[ $n = ccu ] && p=ccu
	"$cli" pki issue --dir "$pki" --profile $p --name $n --key rsa4096 \
	    >/dev/null || fail "pki issue $n (RSA)"
done
ip -n "$B" addr add 10.10.2.1/32 dev lo
strongswan_up "$B" conc fragment_size=576
uipsecd_up "$A" ccu
fragmented "uipsecd -> strongSwan, fragmented" "$work/ccu.log"
down_both
ip -n "$B" addr del 10.10.2.1/32 dev lo
echo "ok: uipsecd ccu -> strongSwan conc: IKE_AUTH in fragments both ways, ping"
uipsecd_up "$B" conc
strongswan_up "$A" ccu fragment_size=576
fragmented "strongSwan -> uipsecd, fragmented" "$work/conc.log"
down_both
echo "ok: strongSwan ccu -> uipsecd conc: IKE_AUTH in fragments both ways, ping"
echo "PASS: ike_conf_strongswan"
