#!/usr/bin/env bash
# interop/tests/pki_strongswan.sh BUILD_DIR — `uipsec pki` and strongSwan
# agree on certificates, both ways:
#   1. a fleet PKI made by `uipsec pki` (ECDSA root, RSA intermediate;
#      ECDSA, RSA and Ed25519 end entities) passes strongSwan's
#      `pki --verify` with the CRLs; the revoked and the expired one fail;
#      DNs encode to the same DER as strongSwan's own (`pki --dn`);
#   2. charon, started in a private network and mount namespace as in
#      STRONGSWAN-NOTES.md, loads the uipsec tree with `swanctl --load-creds`
#      (certificates, CRLs, keys incl. an encrypted PKCS#8 Ed25519 key) and
#      lists every end entity with its private key;
#   3. a PKI made by strongSwan's `pki` (PKCS#1 and PSS signatures, Ed25519
#      and ECDSA end entities, a CRL) passes `uipsec pki verify`, which
#      refuses the revoked certificate saying who revoked it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"

build=$(cd "${1:?usage: pki_strongswan.sh BUILD_DIR}" && pwd) || exit 1
uipsec=$build/tools/uipsec
[ -x "$uipsec" ] || { echo "FAIL: no $uipsec" >&2; exit 1; }
command -v pki >/dev/null && command -v swanctl >/dev/null &&
	[ -x /usr/lib/ipsec/charon ] || { echo "FAIL: strongSwan missing" >&2; exit 1; }

NS=uipsec-pki-$$
work=$(mktemp -d /tmp/uipsec-pki.XXXXXX)
cleanup() {
	netns_cleanup "$NS"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	[ -e "$work/charon.log" ] && tail -20 "$work/charon.log" >&2
	exit 1
}
ok() { echo "ok: $*"; }
# strongSwan's tools print plugin load warnings on stderr; keep stdout.
sw_pki() { pki "$@" 2>/dev/null; }

# ---- 1. uipsec pki -> strongSwan pki --verify ----------------------------

cd "$work" || fail "no work directory"
printf 'interop secret\n' >pass
u() { "$uipsec" pki "$@" >/dev/null || fail "uipsec pki $*"; }
u init-ca --dir root --dn "C=DE, O=uipsec interop, CN=Interop Root CA" --key ecdsa384
u init-ca --dir fleet --parent root --dn "C=DE, O=uipsec interop, CN=Interop Fleet CA" \
	--key rsa3072
u issue --dir fleet --profile ccu --name ccu-ec --key ecdsa256 \
	--san dns:ccu-ec.interop.test --san ip:10.1.0.42
u issue --dir fleet --profile ccu --name ccu-ed --key ed25519 --key-passphrase-file pass
u issue --dir fleet --profile concentrator --name vpn --key rsa2048 --san vpn.interop.test
u issue --dir fleet --profile ccu --name lost
cp fleet/x509/lost.pem lost.pem
u revoke --dir fleet --name lost --reason keyCompromise
u issue --dir fleet --profile ccu --name old --not-before 2020-01-01 --not-after 2021-01-01
cp root/x509crl/*.crl fleet/x509crl/

ca_args=(--cacert root/x509ca/interop-root-ca.pem --cacert fleet/ca/cert.pem
	--crl fleet/x509crl/interop-fleet-ca.crl --crl fleet/x509crl/interop-root-ca.crl)
for ee in ccu-ec ccu-ed vpn; do
	out=$(sw_pki --verify --in "fleet/x509/$ee.pem" "${ca_args[@]}") ||
		fail "strongSwan refuses uipsec's $ee: $out"
	case $out in *"certificate trusted, lifetimes valid"*) ;;
		*) fail "strongSwan on $ee: $out" ;; esac
	ok "strongSwan pki --verify accepts uipsec's $ee"
done
sw_pki --verify --in fleet/ca/cert.pem "${ca_args[@]}" >/dev/null ||
	fail "strongSwan refuses uipsec's intermediate CA"
ok "strongSwan pki --verify accepts uipsec's intermediate CA"
out=$(pki --verify --in lost.pem "${ca_args[@]}" 2>&1) &&
	fail "strongSwan accepts a certificate uipsec revoked"
case $out in *"certificate was revoked"*"key compromise"*) ;;
	*) fail "strongSwan on lost: $out" ;; esac
ok "strongSwan sees uipsec's revocation (key compromise)"
sw_pki --verify --in fleet/x509/old.pem "${ca_args[@]}" >/dev/null &&
	fail "strongSwan accepts uipsec's expired certificate"
ok "strongSwan refuses uipsec's expired certificate"

# The same DN text gives the same DER in both, so `id =` strings match.
sw_pki --gen --type ecdsa --size 256 --outform pem >dn.key || fail "pki --gen"
for dn in "C=DE, O=uipsec interop, OU=ccu, CN=ccu-0042" \
	"C=DE, ST=Niedersachsen, L=Leer, O=eQ-3 AG, E=ops@interop.test, CN=ccu 1" \
	"C=DE, O=Caf$(printf '\303\251'), CN=*"; do
	u issue --dir fleet --profile ccu --name dn --dn "$dn"
	mine=$(sw_pki --dn --in fleet/x509/dn.pem --format hex)
	theirs=$(sw_pki --self --in dn.key --dn "$dn" --outform pem |
		pki --dn --format hex 2>/dev/null)
	[ -n "$mine" ] && [ "$mine" = "$theirs" ] ||
		fail "DN \"$dn\": uipsec $mine, strongSwan $theirs"
	rm -f fleet/x509/dn.pem fleet/private/dn.pem
done
ok "DNs encode to strongSwan's DER"

# ---- 2. charon loads the uipsec tree (swanctl --load-creds) --------------

cat >"$work/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs8 x509 constraints revocation pubkey kernel-libipsec kernel-netlink socket-default vici
  plugins {
    vici {
      socket = unix://$work/charon.vici
    }
  }
  filelog {
    log {
      path = $work/charon.log
      default = 1
    }
  }
}
swanctl {
  load = random openssl pem pkcs1 pkcs8 x509 pubkey
}
EOF
cat >fleet/swanctl.conf <<EOF
secrets {
  private-ccu-ed {
    file = ccu-ed.pem
    secret = "interop secret"
  }
}
EOF
ip netns add "$NS" && ip -n "$NS" link set lo up || fail "cannot create namespace"
ip netns exec "$NS" env STRONGSWAN_CONF="$work/strongswan.conf" \
	unshare --mount --propagation private \
	sh -c 'mount -t tmpfs none /run && exec /usr/lib/ipsec/charon' \
	>"$work/charon.out" 2>&1 &
wait_for test -S "$work/charon.vici" || fail "charon did not start"
swanctl_() {
	SWANCTL_DIR="$work/fleet" STRONGSWAN_CONF="$work/strongswan.conf" \
		swanctl "$@" --uri "unix://$work/charon.vici" 2>&1 |
		grep -v "^opening directory .* failed: No such file"
}
out=$(swanctl_ --load-creds) || fail "swanctl --load-creds: $out"
case $out in *failed*|*error*) fail "swanctl --load-creds: $out" ;; esac
for f in x509ca/interop-root-ca.pem x509/interop-fleet-ca.pem x509/ccu-ec.pem \
	x509/vpn.pem x509crl/interop-fleet-ca.crl x509crl/interop-root-ca.crl; do
	case $out in *"loaded certificate from '$work/fleet/$f'"*) ;;
		*) fail "charon did not load $f: $out" ;; esac
done
for k in "ECDSA key from '$work/fleet/private/ccu-ec.pem'" \
	"ED25519 key from '$work/fleet/private/ccu-ed.pem'" \
	"RSA key from '$work/fleet/private/vpn.pem'"; do
	case $out in *"loaded $k"*) ;; *) fail "charon did not load $k: $out" ;; esac
done
ok "swanctl --load-creds loads uipsec's tree (certificates, CRLs, keys)"
out=$(swanctl_ --list-certs)
[ "$(grep -c 'has private key' <<<"$out")" -eq 4 ] ||
	fail "charon lacks private keys: $out"
grep -q 'subject:  "C=DE, O=uipsec interop, CN=ccu-ed"' <<<"$out" &&
	grep -q 'flags:     CA CRLSign self-signed' <<<"$out" &&
	grep -q 'issuer:   "C=DE, O=uipsec interop, CN=Interop Fleet CA"' <<<"$out" ||
	fail "swanctl --list-certs: $out"
ok "charon lists uipsec's end entities with their private keys"

# ---- 3. strongSwan pki -> uipsec pki verify -------------------------------

mkdir sw && cd sw || fail "no sw directory"
sw_pki --gen --type ecdsa --size 384 --outform pem >root.key &&
sw_pki --self --ca --lifetime 3650 --in root.key \
	--dn "C=CH, O=strongSwan, CN=sw Root CA" --outform pem >root.pem &&
sw_pki --gen --type rsa --size 3072 --outform pem >int.key &&
sw_pki --issue --cacert root.pem --cakey root.key --in int.key --type priv \
	--dn "C=CH, O=strongSwan, CN=sw Fleet CA" --ca --outform pem >int.pem &&
sw_pki --gen --type ed25519 --outform pem >ed.key &&
sw_pki --issue --cacert int.pem --cakey int.key --in ed.key --type priv \
	--dn "C=CH, O=strongSwan, CN=sw-ccu-ed" --san sw-ccu-ed.strongswan.test \
	--flag clientAuth --outform pem >ed.pem &&
sw_pki --gen --type ecdsa --size 256 --outform pem >ec.key &&
sw_pki --issue --cacert int.pem --cakey int.key --in ec.key --type priv \
	--dn "C=CH, O=strongSwan, CN=sw-gw" --san 192.0.2.1 --flag serverAuth \
	--rsa-padding pss --outform pem >ec.pem &&
sw_pki --gen --type ecdsa --size 256 --outform pem >rev.key &&
sw_pki --issue --cacert int.pem --cakey int.key --in rev.key --type priv \
	--dn "C=CH, O=strongSwan, CN=sw-lost" --outform pem >rev.pem &&
sw_pki --signcrl --cacert int.pem --cakey int.key --reason key-compromise \
	--cert rev.pem --outform pem >int.crl &&
sw_pki --signcrl --cacert root.pem --cakey root.key --outform pem >root.crl ||
	fail "strongSwan pki could not make its PKI"

v() { "$uipsec" pki verify --cacert root.pem --crl int.crl --crl root.crl "$@"; }
out=$(v --strict --id "C=CH, O=strongSwan, CN=sw-ccu-ed" ed.pem int.pem) ||
	fail "uipsec refuses strongSwan's Ed25519 end entity: $out"
out=$(v --strict --id sw-ccu-ed.strongswan.test ed.pem int.pem) ||
	fail "uipsec refuses strongSwan's SAN: $out"
ok "uipsec pki verify accepts strongSwan's Ed25519 certificate (strict CRLs)"
out=$(v --strict --id 192.0.2.1 ec.pem int.pem) ||
	fail "uipsec refuses strongSwan's PSS-signed ECDSA end entity: $out"
ok "uipsec pki verify accepts strongSwan's RSA-PSS-signed certificate"
out=$(v rev.pem int.pem) && fail "uipsec accepts strongSwan's revoked certificate"
case $out in *"revoked by CRL of C=CH, O=strongSwan, CN=sw Fleet CA"*keyCompromise*) ;;
	*) fail "uipsec on the revoked certificate: $out" ;; esac
ok "uipsec pki verify refuses strongSwan's revoked certificate: ${out#REFUSED }"
out=$(v --id sw-other.strongswan.test ed.pem int.pem) &&
	fail "uipsec accepts a wrong identity"
ok "uipsec pki verify refuses a wrong identity"
echo "PASS: pki_strongswan"
