#!/usr/bin/env bash
# interop/ss_selfcheck.sh — checks interop/lib/strongswan.sh against itself:
# strongSwan <-> strongSwan in namespaces ssa and ssb joined by a veth
# (outer 172.29.0.1 <-> 172.29.0.2), inner addresses 10.29.1.1 (ssa) and
# 10.29.2.1 (ssb) on lo. ssa initiates; ping through the tunnel; the SA's
# algorithms, UDP encapsulation and the key log are checked. A second case
# gives ssa a virtual IP from ssb's pool; a third revokes ssb's certificate
# and expects ssa to refuse it. Not in CI (tests/run.sh runs
# interop/tests/ only): the uipsec suites of issue 4 build on these helpers.
#
#   interop/ss_selfcheck.sh [-k ecdsa|rsa] [-u UIPSEC]
#     -k ecdsa  ECDSA P-256 certs, IKE aes256-sha256-ecp256 (default)
#     -k rsa    RSA-2048 certs,    IKE aes256-sha1-modp2048
#     -u        certificates from `UIPSEC pki` (default: strongSwan's pki)
#
# Pitfalls met on the way (and handled here or in the library):
# - The inner addresses sit on lo (this kernel has no dummy driver) and
#   must be there before the CHILD_SA comes up: kernel-netlink picks the
#   source of the route it installs (table 220, via ipsec0) from the local
#   addresses inside local_ts, and with none it fails the whole CHILD_SA
#   ("no local address found in traffic selector", "unable to install IPsec
#   policies (SPD) in kernel"; a responder answers TS_UNACCEPTABLE and keeps
#   the IKE_SA). ping needs -I INNER, else the kernel picks the veth
#   address, which no traffic selector covers, and the packet goes out
#   unprotected (and unanswered).
# - kernel-libipsec fakes NAT detection: both ends log "remote host is
#   behind NAT", IKE moves to 4500 after IKE_SA_INIT and ESP travels in UDP.
#   A firewall in such a test must allow 4500 as well as 500.
# - The vici socket path must be outside /run (charon's /run is a private
#   tmpfs no other process sees) and shorter than 108 bytes.
# - swanctl wants --uri after the command; --load-all exits 0 even when a
#   connection was refused, so ss_load greps its output.
# - swanctl --initiate returns 0 once the IKE_SA and CHILD_SA are up, but
#   kernel-libipsec installs the routes a moment later; ss_initiate waits for
#   INSTALLED in --list-sas, and the first ping may still be lost (-c 3, and
#   one reply is enough).
# - strongSwan's pki tool, like swanctl, loads every plugin of
#   /etc/strongswan.conf and complains about the missing ones: it gets a
#   strongswan.conf of its own. Its --reason applies to the next --serial;
#   --lastcrl carries old entries over (listing them again duplicates them).
# - A CRL loaded after charon once used an older one is ignored: the
#   revocation check stops at the first valid CRL and searches charon's
#   cache first ("using cached crl"). ss_load flushes cached CRLs.
# - Tests that send SIGINT to a script started from a non-interactive shell
#   with & see no trap run: such children start with SIGINT ignored, and a
#   shell cannot trap a signal ignored on entry.
# - ip netns exec, unshare and sh all exec, so $! is charon's pid; charon
#   must be started from the shell that stops it (not inside $(...)).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"

kind=ecdsa
while getopts "k:u:h" o; do
	case $o in
	k) kind=$OPTARG ;;
	u) ss_pki_use_uipsec "$OPTARG" ||
		{ echo "ss_selfcheck: $OPTARG has no pki command" >&2; exit 2; } ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
case $kind in
ecdsa) keytype=ecdsa256 ike=aes256-sha256-ecp256 ;;
rsa) keytype=rsa2048 ike=aes256-sha1-modp2048 ;;
*) echo "ss_selfcheck: -k ecdsa or rsa" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "ss_selfcheck: needs root" >&2; exit 1; }

A=ssa B=ssb
work=$(mktemp -d /tmp/ss.XXXXXX)
a=$work/a b=$work/b
trap 'ss_cleanup "$a" "$b"; netns_cleanup $A $B; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
fail() { echo "ss_selfcheck: FAIL: $*" >&2; exit 1; }
for ns in $A $B; do
	ip netns list | grep -qw "^$ns" && fail "namespace $ns exists already"
done

echo "== certificates ($SS_PKI pki, $keytype), namespaces $A and $B"
ss_pki_ca "$work/ca" "C=DE, O=uipsec, CN=ss selfcheck CA" "$keytype" &&
ss_pki_issue "$work/ca" a key=$keytype profile=ccu san=dns:a.uipsec.test &&
ss_pki_issue "$work/ca" b key=$keytype profile=concentrator \
    san=dns:b.uipsec.test || fail "certificates"
netns_pair $A $B 172.29.0.1 172.29.0.2 24 || fail "namespaces"
ip -n $A addr add 10.29.1.1/32 dev lo && ip -n $B addr add 10.29.2.1/32 dev lo ||
	fail "inner addresses"

# conf SELF PEER LOCAL_ADDR REMOTE_ADDR LOCAL_TS REMOTE_TS KEY=VALUE...:
# SELF's instance in $work/SELF, connection "net" to PEER
conf() {
	local self=$1 peer=$2 dir=$work/$1
	ss_instance "$dir" && ss_certs_install "$work/ca" "$self" "$dir" &&
	ss_conn_write "$dir" net local_addrs="$3" remote_addrs="$4" \
	    local_id="$self.uipsec.test" local_cert="$self.pem" \
	    remote_id="$peer.uipsec.test" proposals=$ike \
	    esp_proposals=aes256-sha1 local_ts="$5" remote_ts="$6" \
	    dpd_delay=60s "${@:7}"
}
conf a b 172.29.0.1 172.29.0.2 10.29.1.1/32 10.29.2.1/32 start_action=none &&
conf b a 172.29.0.2 172.29.0.1 10.29.2.1/32 10.29.1.1/32 start_action=none ||
	fail "configuration"
ss_start $A "$a" || fail "charon in $A"
ss_start $B "$b" || fail "charon in $B"
echo "charon RSS idle: $A $(ss_rss_kb "$a") kB, $B $(ss_rss_kb "$b") kB"

echo "== $A initiates 'net' ($ike, ESP aes256-sha1)"
ss_initiate "$a" net 10 || fail "initiate"
ss_list_sas "$a"
sas=$(ss_list_sas "$a")
grep -q "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256\|AES_CBC-256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048" <<<"$sas" ||
	fail "IKE algorithms not as proposed"
grep -q "TUNNEL-in-UDP.*ESP:AES_CBC-256/HMAC_SHA1_96" <<<"$sas" ||
	fail "CHILD_SA not ESP-in-UDP aes256-sha1"
ss_child_up "$b" net || fail "responder has no CHILD_SA"

echo "== ping 10.29.1.1 -> 10.29.2.1 through the tunnel"
ip netns exec $A ping -c 3 -i 0.2 -W 2 -I 10.29.1.1 10.29.2.1 || fail "ping"
pk=$(ss_swanctl "$b" --list-sas | sed -n 's/.*in .*, *\([0-9]*\) bytes, *\([0-9]*\) packets.*/\2/p' | head -1)
[ "${pk:-0}" -ge 2 ] || fail "responder's CHILD_SA counted ${pk:-no} inbound packets"
grep -q 'Sk_ei secret =>' "$a/keys.log" &&
grep -q 'encryption initiator key =>' "$a/keys.log" ||
	fail "no keys in $a/keys.log"
grep -q 'remote host is behind NAT' "$a/charon.log" ||
	fail "no faked NAT: is kernel-libipsec loaded?"

echo "== virtual IP: $A asks (vips = 0.0.0.0), $B assigns from pool 10.29.9.0/24"
ss_terminate "$a" net || fail "terminate"
conf a b 172.29.0.1 172.29.0.2 dynamic 10.29.2.1/32 start_action=none \
    vips=0.0.0.0 &&
conf b a 172.29.0.2 172.29.0.1 10.29.2.1/32 dynamic start_action=none \
    pools=vpool &&
ss_pool_write "$b" vpool 10.29.9.0/24 &&
ss_load "$a" && ss_load "$b" || fail "reload"
ss_initiate "$a" net 10 || fail "initiate with a virtual IP"
# "local  'a.uipsec.test' @ 172.29.0.1[4500] [10.29.9.1]": the last [] is the VIP
vip=$(ss_list_sas "$a" | sed -n 's/^  local .*\] \[\([0-9.]*\)\]$/\1/p' | head -1)
[ -n "$vip" ] || { ss_list_sas "$a"; fail "no virtual IP in --list-sas"; }
echo "virtual IP $vip on: $(ip -n $A -o addr show | awk -v v="$vip" '$4 ~ "^"v"/" {print $2}')"
ip netns exec $A ping -c 3 -i 0.2 -W 2 -I "$vip" 10.29.2.1 || fail "ping from the virtual IP"
echo "== refused peer: $B's certificate revoked, the new CRL loaded into $A"
ss_terminate "$a" net || fail "terminate"
ss_pki_revoke "$work/ca" b && ss_certs_install "$work/ca" a "$a" &&
ss_load "$a" || fail "revoke and reload"
ss_initiate "$a" net 5 2>/dev/null && fail "$A accepted a revoked certificate"
grep -q 'certificate was revoked' "$a/charon.log" ||
	fail "no 'certificate was revoked' in $a/charon.log"
grep 'certificate was revoked' "$a/charon.log" | tail -1
echo "ss_selfcheck: PASS ($kind, $SS_PKI pki)"
