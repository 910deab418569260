#!/bin/sh
# tests/certs/make_pki.sh DIR UIPSEC — the test PKI of the certs/ tests,
# made fresh at test time (CTest fixture certs_pki) by `uipsec pki` and,
# for what it refuses to make, by the openssl CLI:
#
#   root  (ECDSA P-384)  C=DE, O=uipsec test, CN=Test Root CA
#   int   (RSA 3072)     C=DE, O=uipsec test, CN=Test Fleet CA   <- root
#   other (ECDSA P-256)  C=DE, O=uipsec test, CN=Other CA        (untrusted)
#   int2  (ECDSA P-256)  C=DE, O=uipsec test, CN=Old Fleet CA    <- root, revoked
#   int/x509/NAME.pem, int/private/NAME.pem for the end entities below;
#   odd certificates (bad usage, SHA-1, forged, ...) in DIR/odd/;
#   trees to verify against: DIR/trust (root anchor, int, both CRLs).
set -eu
dir=$1
uipsec=$2
rm -rf "$dir"
mkdir -p "$dir/odd"
cd "$dir"
pki() { "$uipsec" pki "$@" >/dev/null; }
year=$(date -u +%Y)

pki init-ca --dir root --dn "C=DE, O=uipsec test, CN=Test Root CA" --key ecdsa384
pki init-ca --dir int --parent root --dn "C=DE, O=uipsec test, CN=Test Fleet CA" \
	--key rsa3072
pki init-ca --dir other --dn "C=DE, O=uipsec test, CN=Other CA" --key ecdsa256

# End entities of every key type, both profiles.
pki issue --dir int --profile ccu --name ccu-ec --key ecdsa256 \
	--san dns:ccu-ec.fleet.test --san ip:10.0.0.42 --san email:ccu-ec@fleet.test
pki issue --dir int --profile ccu --name ccu-rsa --key rsa2048 --san ccu-rsa.fleet.test
pki issue --dir int --profile ccu --name ccu-ed --key ed25519 --san ccu-ed.fleet.test
pki issue --dir int --profile ccu --name ccu-p521 --key ecdsa521
pki issue --dir int --profile concentrator --name vpn-ec384 --key ecdsa384 \
	--san dns:vpn1.fleet.test --san ip:2001:db8::1
pki issue --dir int --profile concentrator --name vpn-rsa4096 --key rsa4096
# An encrypted key (PKCS#8, AES-256-CBC) and its passphrase file.
printf 'correct horse battery staple\n' >pass.txt
printf 'wrong\n' >wrongpass.txt
pki issue --dir int --profile ccu --name ccu-enc --key-passphrase-file pass.txt

# Out of their time, and revoked.
pki issue --dir int --profile ccu --name expired \
	--not-before 2020-01-01 --not-after 2021-03-01
pki issue --dir int --profile ccu --name notyet \
	--not-before "$((year + 2))-01-01" --not-after "$((year + 3))-01-01"
pki issue --dir int --profile ccu --name revoked
cp int/x509/revoked.pem odd/revoked.pem
pki revoke --dir int --name revoked --reason keyCompromise
pki issue --dir other --profile ccu --name stranger
# A whole intermediate CA revoked by the root, and a CCU below it.
pki init-ca --dir int2 --parent root --dn "C=DE, O=uipsec test, CN=Old Fleet CA" \
	--key ecdsa256
pki issue --dir int2 --profile ccu --name orphan
pki revoke --dir root --name old-fleet-ca --reason cACompromise

# What `uipsec pki` will not make: the openssl CLI signs these with the
# Fleet CA's key (config in odd/*.ext).
cat >odd/badku.ext <<'X'
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
X
cat >odd/badeku.ext <<'X'
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
X
cat >odd/plain.ext <<'X'
keyUsage = critical, digitalSignature
X
cat >odd/noakid.ext <<'X'
keyUsage = critical, digitalSignature
subjectKeyIdentifier = none
authorityKeyIdentifier = none
X
oddcert() {	# NAME EXTFILE DIGEST [CA-CERT CA-KEY]
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "odd/$1.key" 2>/dev/null
	openssl req -new -key "odd/$1.key" -subj "/C=DE/O=uipsec test/CN=$1" \
		-out "odd/$1.csr"
	openssl x509 -req -in "odd/$1.csr" -CA "${4:-int/ca/cert.pem}" \
		-CAkey "${5:-int/ca/key.pem}" -set_serial "0x$(openssl rand -hex 8)" \
		-days 30 "-$3" -extfile "odd/$2" -out "odd/$1.pem" 2>/dev/null
}
oddcert badku badku.ext sha256
oddcert badeku badeku.ext sha256
oddcert sha1 plain.ext sha1
# A CA that is not one: the CCU's own key signs a certificate.
oddcert notca plain.ext sha256 int/x509/ccu-ec.pem int/private/ccu-ec.pem
# Forged: claims the Fleet CA as issuer (no authorityKeyIdentifier to
# tell them apart) but another RSA key signed it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out odd/forger.key 2>/dev/null
openssl req -x509 -new -key odd/forger.key -days 30 \
	-subj "/C=DE/O=uipsec test/CN=Test Fleet CA" -out odd/fakeint.pem
oddcert forged noakid.ext sha256 odd/fakeint.pem odd/forger.key
# Self-signed end entity.
openssl req -x509 -new -key odd/badku.key -days 30 \
	-subj "/C=DE/O=uipsec test/CN=selfie" -out odd/selfie.pem

# Broken encodings of ccu-ec.
openssl x509 -in int/x509/ccu-ec.pem -outform DER -out odd/ccu-ec.der
head -c 300 odd/ccu-ec.der >odd/truncated.der
printf 'this is not a certificate at all, just text\n' >odd/garbage.der
head -c 600 /dev/urandom | tr '\060' '\061' >odd/random.der
{ printf '\060\202\001\000'; head -c 256 /dev/urandom; } >odd/junkseq.der

# The Fleet CA's CRL with its signature broken (last byte flipped).
openssl crl -in int/x509crl/test-fleet-ca.crl -outform DER -out odd/crl.der
last=$(tail -c 1 odd/crl.der | od -An -tu1 | tr -d ' ')
{ head -c -1 odd/crl.der; printf "\\$(printf '%03o' $(( (last + 1) % 256 )))"; } \
	>odd/tampered.crl

# The tree a concentrator validates CCUs against.
mkdir -p trust/x509ca trust/x509 trust/x509crl
cp root/x509ca/*.pem trust/x509ca/
cp int/ca/cert.pem trust/x509/fleet-ca.pem
cp root/x509crl/*.crl int/x509crl/*.crl trust/x509crl/
