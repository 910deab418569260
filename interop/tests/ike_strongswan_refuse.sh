#!/usr/bin/env bash
# interop/tests/ike_strongswan_refuse.sh BUILD_DIR — refused peers between
# uipsecd (10.0.0.1) and Debian's strongSwan (10.0.0.2), one namespace pair
# and one charon (connections reloaded with swanctl --load-all per case).
# Certificates from `uipsec pki`: a trusted CA and another one.
#
# Reasons: wrong CA (issuer not trusted), expired certificate (explicit
# dates in the past), revoked certificate (uipsec pki revoke, CRL loaded on
# the refusing side), wrong ID (a valid certificate, but not the ID the
# refusing side expects). Each in both roles:
#   uipsecd refuses: strongSwan initiates with the bad certificate / ID,
#     uipsecd (responder) answers AUTHENTICATION_FAILED and logs the reason
#     from certs/; charon logs the AUTHENTICATION_FAILED notify.
#   strongSwan refuses: uipsecd initiates with the bad certificate / ID,
#     charon (responder) logs its reason and answers AUTHENTICATION_FAILED;
#     uipsecd logs that the peer refused it.
# Each case: no CHILD_SA on either side, and both logs say so.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"

uipsec_bins "${1:-}" charon || exit 1

U=uipsec-rf-u-$$ S=uipsec-rf-s-$$
work=$(mktemp -d /tmp/uipsec-rf.XXXXXX)
ss=$work/ss
PID_U='' SOCK_U=''
cleanup() {
	[ -n "$PID_U" ] && uipsecd_stop "$PID_U"
	ss_cleanup "$ss"
	netns_cleanup "$U" "$S"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	[ -e "$work/u.log" ] && { echo "--- uipsecd" >&2; tail -20 "$work/u.log" >&2; }
	echo "--- charon" >&2
	ss_case_log | grep -v 'vici client' | tail -30 >&2
	exit 1
}

netns_pair "$U" "$S" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"

good=$work/good other=$work/other
"$cli" pki init-ca --dir "$good" --dn "C=DE, O=uipsec test, CN=Good Root" \
    >/dev/null || fail "pki init-ca good"
"$cli" pki init-ca --dir "$other" --dn "C=DE, O=uipsec test, CN=Other Root" \
    >/dev/null || fail "pki init-ca other"
for side in u s; do
	p=concentrator
	[ $side = u ] && p=ccu
	"$cli" pki issue --dir "$good" --profile $p --name $side-ok >/dev/null &&
	"$cli" pki issue --dir "$good" --profile $p --name $side-rev >/dev/null &&
	"$cli" pki issue --dir "$good" --profile $p --name $side-exp \
	    --not-before 2020-01-01 --not-after 2021-01-01 >/dev/null &&
	"$cli" pki issue --dir "$other" --profile $p --name $side-alien \
	    --dn "C=DE, O=uipsec test, CN=$side-alien" >/dev/null &&
	"$cli" pki revoke --dir "$good" --name $side-rev \
	    --reason keyCompromise >/dev/null || fail "pki for $side"
done
dn() { echo "C=DE, O=uipsec test, CN=$1"; }

# put CADIR NAME TREE: NAME's certificate and key into a swanctl tree
# (revoked ones are in CADIR/ca/revoked/).
put() {
	local cert=$1/x509/$2.pem key=$1/private/$2.pem
	if [ ! -f "$cert" ]; then
		cert=$(ls "$1/ca/revoked/$2"-*.x509.pem | tail -1)
		key=${cert%.x509.pem}.private.pem
	fi
	cp "$cert" "$3/x509/$2.pem" && install -m 600 "$key" "$3/private/$2.pem"
}

# uipsecd's tree: trusts the good CA only, with its CRL.
ut=$work/ut
mkdir -p "$ut/x509" "$ut/x509ca" "$ut/x509crl" "$ut/private" &&
cp "$good"/x509ca/* "$ut/x509ca/" && cp "$good"/x509crl/* "$ut/x509crl/" ||
	fail "uipsecd's tree"
for c in ok rev exp; do put "$good" u-$c "$ut" || fail "u-$c"; done
put "$other" u-alien "$ut" || fail "u-alien"

# strongSwan: trusts the good CA only, with its CRL.
ss_instance "$ss" >/dev/null || fail "strongSwan instance"
ss_certs_install "$good" s-ok "$ss" || fail "strongSwan certificates"
for c in rev exp; do put "$good" s-$c "$ss/swanctl" || fail "s-$c"; done
put "$other" s-alien "$ss/swanctl" || fail "s-alien"
ss_start "$S" "$ss" || fail "charon"

ss_case_log() { tail -n +"${SS_MARK:-1}" "$ss/charon.log" 2>/dev/null; }
ss_case_log_has() { ss_case_log | grep -q "$1"; }

uipsecd_run() {	# SWANCTL_BODY
	printf '%s\n' "$1" >"$work/u.swanctl"
	printf 'tun {\n  name = uipsec0\n}\nike {\n  swanctl_conf = %s\n  swanctl_dir = %s\n}\n' \
	    "$work/u.swanctl" "$ut" >"$work/u.conf"
	chmod 600 "$work/u.conf"
	uipsecd_start "$U" "$bin" "$work/u.conf" "$work/u.log" ||
		fail "uipsecd refuses its configuration"
	PID_U=$UIPSECD_PID SOCK_U=$UIPSECD_SOCK
}

uipsecd_down() {
	uipsecd_stop "$PID_U" || fail "uipsecd did not exit cleanly"
	PID_U=''
}

no_child() {	# LABEL
	"$cli" status -s "$SOCK_U" | grep -q INSTALLED &&
		fail "$1: a CHILD_SA in uipsecd"
	ss_child_up "$ss" c && fail "$1: a CHILD_SA in strongSwan"
	return 0
}

# uipsec_refuses LABEL SS_CERT ACCEPTED_ID U_PATTERN: strongSwan initiates
# with SS_CERT; uipsecd accepts ACCEPTED_ID and must refuse with U_PATTERN.
uipsec_refuses() {
	local label="uipsecd refuses: $1"
	SS_MARK=$(($(wc -l <"$ss/charon.log") + 1))
	uipsecd_run "connections {
  c {
    local_addrs = 10.0.0.1
    proposals = aes256-sha256-ecp256
    local {
      certs = u-ok.pem
    }
    remote {
      id = \"$3\"
    }
    children {
      c {
        local_ts = 10.20.2.0/24
        esp_proposals = aes256-sha1
      }
    }
  }
}"
	ss_conn_write "$ss" c local_addrs=10.0.0.2 remote_addrs=10.0.0.1 \
	    proposals=aes256-sha256-ecp256 local_cert="$2.pem" \
	    remote_id="\"$(dn u-ok)\"" remote_ts=10.20.2.0/24 \
	    esp_proposals=aes256-sha1 || fail "$label: conn"
	ss_load "$ss" || fail "$label: swanctl --load-all"
	# swanctl returns as soon as the set-up failed (30 s: only a bound)
	ss_initiate "$ss" c 30 2>/dev/null && fail "$label: strongSwan got through"
	poll_for 30 grep -q "AUTHENTICATION_FAILED: peer .* refused" \
	    "$work/u.log" || fail "$label: uipsecd logs no refusal"
	grep "AUTHENTICATION_FAILED: peer .* refused" "$work/u.log" |
	    grep -Eqi "$4" || fail "$label: uipsecd's reason is not /$4/"
	poll_for 30 ss_case_log_has "received AUTHENTICATION_FAILED notify error" ||
		fail "$label: charon did not get AUTHENTICATION_FAILED"
	no_child "$label"
	echo "ok: $label: $(grep -o 'AUTHENTICATION_FAILED: peer .*' "$work/u.log" | head -1)"
	uipsecd_down
	ss_terminate "$ss" c 5 >/dev/null 2>&1
}

# ss_refuses LABEL U_CERT ACCEPTED_ID SS_PATTERN: uipsecd initiates with
# U_CERT; strongSwan accepts ACCEPTED_ID and must refuse with SS_PATTERN.
ss_refuses() {
	local label="strongSwan refuses: $1"
	SS_MARK=$(($(wc -l <"$ss/charon.log") + 1))
	ss_conn_write "$ss" c local_addrs=10.0.0.2 \
	    proposals=aes256-sha256-ecp256 local_cert=s-ok.pem \
	    remote_id="\"$3\"" local_ts=10.10.2.0/24 \
	    esp_proposals=aes256-sha1 || fail "$label: conn"
	ss_load "$ss" || fail "$label: swanctl --load-all"
	uipsecd_run "connections {
  c {
    local_addrs = 10.0.0.1
    remote_addrs = 10.0.0.2
    proposals = aes256-sha256-ecp256
    local {
      certs = $2.pem
    }
    remote {
      id = \"$(dn s-ok)\"
    }
    children {
      c {
        remote_ts = 10.10.2.0/24
        esp_proposals = aes256-sha1
        start_action = start
      }
    }
  }
}"
	poll_for 30 grep -q "AUTHENTICATION_FAILED: the peer refused" \
	    "$work/u.log" || fail "$label: uipsecd logs no refusal"
	ss_case_log | grep -Eq "$4" || fail "$label: charon's log has no /$4/"
	ss_case_log | grep -q "generating IKE_AUTH response .*N(AUTH_FAILED)" ||
		fail "$label: charon sent no AUTHENTICATION_FAILED"
	no_child "$label"
	echo "ok: $label: charon: $(ss_case_log | grep -Eo "$4.*" | head -1)"
	uipsecd_down
}

uipsec_refuses "wrong CA" s-alien "$(dn s-alien)" "not trusted|untrusted"
uipsec_refuses "expired" s-exp "$(dn s-exp)" "expired"
uipsec_refuses "revoked" s-rev "$(dn s-rev)" "revoked"
uipsec_refuses "wrong ID" s-ok "$(dn s-someone-else)" "identity mismatch"
ss_refuses "wrong CA" u-alien "$(dn u-alien)" "no issuer certificate found"
ss_refuses "expired" u-exp "$(dn u-exp)" "certificate invalid \\(valid from"
ss_refuses "revoked" u-rev "$(dn u-rev)" "certificate was revoked"
ss_refuses "wrong ID" u-ok "$(dn u-someone-else)" "no matching peer config found"
echo "PASS: ike_strongswan_refuse"
