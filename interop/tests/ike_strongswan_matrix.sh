#!/usr/bin/env bash
# interop/tests/ike_strongswan_matrix.sh BUILD_DIR — uipsecd against Debian's
# strongSwan (charon + kernel-libipsec) over every IKE proposal and ESP suite
# of issue 4, in both directions, with RSA-2048 and ECDSA P-256 certificates
# from `uipsec pki`. One namespace pair (uipsecd 10.0.0.1, charon 10.0.0.2)
# and one charon for all cases: its connection is rewritten and reloaded
# (swanctl --load-all) between cases; uipsecd restarts (it does not reload).
#
# Covered:
#   F  uipsecd initiates (start_action = start, vips = 0.0.0.0) to strongSwan
#      (pools: 10.10.1.0/24, protects 10.10.2.0/24): every IKE proposal
#        aes256-sha1-modp2048, aes256-sha256-ecp256,
#        aes256gcm16-prfsha256-x25519, chacha20poly1305-prfsha256-x25519
#      x every ESP suite aes256-sha1, aes256gcm16, chacha20poly1305
#      (12 cases).
#   R  strongSwan initiates (swanctl --initiate, vips = 0.0.0.0) to uipsecd
#      (pools: 10.20.1.0/24, protects 10.20.2.0/24): the diagonal, each IKE
#      proposal once with ESP aes256-sha1, aes256gcm16, chacha20poly1305,
#      aes256-sha1 in turn (4 cases).
#   In the first F case strongSwan also rekeys the CHILD_SA (its TSr is
#   uipsecd's virtual IP): new SPIs on both sides, ping both ways.
#   Not covered: -esn. strongSwan's kernel-libipsec refuses to install an
#   ESN SA ("IPsec SA: ESN not supported", then NO_PROPOSAL_CHOSEN for the
#   CHILD_SA), and this kernel has no ESP for kernel-netlink.
#   Certificates: the cases cycle through the four pairs uipsecd/strongSwan
#   = ECDSA/ECDSA, RSA/ECDSA, ECDSA/RSA, RSA/RSA (P-256, RSA-2048), so each
#   direction uses both key types on both sides.
# Each case: CHILD_SA INSTALLED on both sides; the IKE and ESP algorithms
# (and ESN) as configured in swanctl --list-sas and in uipsec status --json;
# the virtual IP from the responder's pool on the initiator; both name the
# same SPI pair; ping both ways through the tunnel. One 4 MB TCP transfer
# checked by SHA-256 per direction (F: uipsecd -> strongSwan, in the first F
# case; R: strongSwan -> uipsecd, in the first R case), not per case.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"

uipsec_bins "${1:-}" charon || exit 1

U=uipsec-mx-u-$$ S=uipsec-mx-s-$$
work=$(mktemp -d /tmp/uipsec-mx.XXXXXX)
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
	for f in "$work"/u.log "$ss/charon.log"; do
		[ -e "$f" ] && { echo "--- $f" >&2; tail -30 "$f" >&2; }
	done
	ss_list_sas "$ss" >&2 2>/dev/null
	[ -n "$SOCK_U" ] && "$cli" status -s "$SOCK_U" >&2 2>/dev/null
	exit 1
}

netns_pair "$U" "$S" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"
head -c 4M /dev/urandom >"$work/data" || fail "no test data"

pki=$work/pki
"$cli" pki init-ca --dir "$pki" --dn "C=DE, O=uipsec test, CN=Matrix Root" \
    --key rsa2048 >/dev/null || fail "pki init-ca"
for k in ec rsa; do
	kt=ecdsa256
	[ $k = rsa ] && kt=rsa2048
	"$cli" pki issue --dir "$pki" --profile ccu --name u-$k --key $kt \
	    >/dev/null || fail "pki issue u-$k"
	"$cli" pki issue --dir "$pki" --profile concentrator --name s-$k \
	    --key $kt >/dev/null || fail "pki issue s-$k"
done
dn() { echo "C=DE, O=uipsec test, CN=$1"; }

ss_instance "$ss" >/dev/null || fail "strongSwan instance"
ss_certs_install "$pki" s-ec "$ss" && ss_certs_install "$pki" s-rsa "$ss" ||
	fail "strongSwan certificates"
ss_pool_write "$ss" ccus 10.10.1.0/24
ss_start "$S" "$ss" || fail "charon"
# The inner address strongSwan protects in F (uipsecd's TUN has R's).
ip -n "$S" addr add 10.10.2.1/32 dev lo

# Expected names: uipsec status (ike/transforms.c) and swanctl --list-sas.
declare -A U_ALG=(
	[aes256-sha1-modp2048]=AES_CBC_256/PRF_HMAC_SHA1/HMAC_SHA1_96/MODP_2048
	[aes256-sha256-ecp256]=AES_CBC_256/PRF_HMAC_SHA2_256/HMAC_SHA2_256_128/ECP_256
	[aes256gcm16-prfsha256-x25519]=AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519
	[chacha20poly1305-prfsha256-x25519]=CHACHA20_POLY1305_256/PRF_HMAC_SHA2_256/CURVE_25519
	[aes256-sha1]=AES_CBC_256/HMAC_SHA1_96
	[aes256gcm16]=AES_GCM_16_256
	[chacha20poly1305]=CHACHA20_POLY1305
)
declare -A S_ALG=(
	[aes256-sha1-modp2048]=AES_CBC-256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048
	[aes256-sha256-ecp256]=AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256
	[aes256gcm16-prfsha256-x25519]=AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519
	[chacha20poly1305-prfsha256-x25519]=CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_25519
	[aes256-sha1]=AES_CBC-256/HMAC_SHA1_96
	[aes256gcm16]=AES_GCM_16-256
	[chacha20poly1305]=CHACHA20_POLY1305
)

# uipsecd_conf SWANCTL_BODY [TUN_ADDRS]: start uipsecd with that swanctl.conf
uipsecd_run() {
	printf '%s\n' "$1" >"$work/u.swanctl"
	{
		echo "tun {"
		echo "  name = uipsec0"
		[ -n "${2:-}" ] && echo "  addrs = $2"
		echo "}"
		echo "ike {"
		echo "  swanctl_conf = $work/u.swanctl"
		echo "  swanctl_dir = $pki"
		echo "}"
	} >"$work/u.conf"
	chmod 600 "$work/u.conf"
	uipsecd_start "$U" "$bin" "$work/u.conf" "$work/u.log" ||
		fail "uipsecd refuses its configuration"
	PID_U=$UIPSECD_PID SOCK_U=$UIPSECD_SOCK
}

uipsec_child_up() {
	"$cli" status -s "$SOCK_U" | grep -q "^  $1: IKE, INSTALLED"
}

# check LABEL CHILD IKE ESP ESN(yes|no) VIP_POOL_PREFIX: algorithms, virtual
# IP and SPIs on both sides; sets VIP.
check() {
	local label=$1 child=$2 ike=$3 esp=$4 esn=$5 pfx=$6 sas want
	ss_poll 30 uipsec_child_up "$child" || fail "$label: no CHILD_SA in uipsecd"
	ss_wait_child_up "$ss" "$child" 30 || fail "$label: no CHILD_SA in strongSwan"
	sas=$(ss_list_sas "$ss")
	echo "$sas" | grep -q "^  *${S_ALG[$ike]}\$" ||
		fail "$label: strongSwan's IKE SA is not ${S_ALG[$ike]}"
	want=${S_ALG[$esp]}
	[ "$esn" = yes ] && want=$want/ESN
	echo "$sas" | grep -Eq "^  *$child: #[0-9]+, reqid [0-9]+, INSTALLED, TUNNEL-in-UDP, ESP:$want\$" ||
		fail "$label: strongSwan's CHILD_SA is not ESP:$want"
	VIP=$("$cli" status --json -s "$SOCK_U" | /usr/bin/python3 -c '
import json, sys
ike, esp, esn, child, pfx, sas = sys.argv[1:] + [None]
sa = json.load(sys.stdin)["ike_sas"][0]
assert sa["state"] == "ESTABLISHED", sa
assert sa["proposal"] == ike, ("IKE", sa["proposal"], ike)
ch = sa["child_sas"][0]
assert ch["name"] == child and ch["state"] == "INSTALLED", ch
p = ch["proposal"]
want = "ESP:" + esp
assert p in (want + "/ESN", want + "/EXTENDED_SEQUENCE") if esn == "yes" \
    else p in (want, want + "/NO_EXT_SEQ"), ("ESP", p, want, esn)
ts = ch["local_ts"] + ch["remote_ts"]
vip = [t.split("/")[0] for t in ts if t.startswith(pfx)]
assert vip, ("no address of the pool", pfx, ts)
print(vip[0], ch["in"]["spi"], ch["out"]["spi"])
' "${U_ALG[$ike]}" "${U_ALG[$esp]}" "$esn" "$child" "$pfx") ||
		fail "$label: uipsec status --json is not what was negotiated"
	read -r VIP spi_in spi_out <<<"$VIP"
	echo "$sas" | grep -Eq "^ +in +$spi_out[ ,]" &&
	echo "$sas" | grep -Eq "^ +out +$spi_in[ ,]" ||
		fail "$label: SPIs differ (uipsecd in $spi_in out $spi_out)"
}

# rekey_by_concentrator LABEL: (in case_f) charon, the concentrator, rekeys
# the CHILD_SA (§2.8). Its TSr is uipsecd's virtual IP, which uipsecd's
# `dynamic` local_ts stands for (refused with TS_UNACCEPTABLE before
# eb6d2a4); uipsecd must end with one CHILD_SA under new SPIs that
# strongSwan names too, and the tunnel must carry a ping each way.
rekey_by_concentrator() {
	local label=$1 old_in new_in
	old_in=$(u_spi_in)
	ss_swanctl "$ss" --rekey --child f >/dev/null 2>&1 ||
		fail "$label: swanctl --rekey --child f failed"
	rekeyed() { new_in=$(u_spi_in) && [ -n "$new_in" ] &&
	    [ "$new_in" != "$old_in" ]; }
	ss_poll 30 rekeyed || fail "$label: CHILD_SA not rekeyed by strongSwan"
	ss_poll 10 ss_names_spi "$new_in" ||
		fail "$label: strongSwan does not name uipsecd's new SPI $new_in"
	! grep -q TS_UNACCEPTABLE "$work"/u*.log ||
		fail "$label: uipsecd refused the rekey"
	ping_from "$U" "$VIP" 10.10.2.1 || fail "$label: ping after the rekey"
	ping_from "$S" 10.10.2.1 "$VIP" || fail "$label: ping back after the rekey"
	echo "ok: $label: CHILD_SA rekeyed by strongSwan (uipsecd in $old_in -> $new_in), ping both ways"
}

# u_spi_in: uipsecd's inbound SPI, when it holds exactly one CHILD_SA.
u_spi_in() {
	"$cli" status --json -s "$SOCK_U" | /usr/bin/python3 -c '
import json, sys
chs = [c for sa in json.load(sys.stdin)["ike_sas"] for c in sa["child_sas"]]
assert len(chs) == 1 and chs[0]["state"] == "INSTALLED", chs
print(chs[0]["in"]["spi"])' 2>/dev/null
}

# ss_names_spi SPI: strongSwan's CHILD_SA sends to that SPI.
ss_names_spi() {
	ss_list_sas "$ss" | grep -Eq "^ +out +$1[ ,]"
}

# down NAME: `uipsec down` deletes the IKE SA (uipsecd sends no delete when
# it stops), charon has none left, uipsecd stops.
down() {
	"$cli" down "$1" -s "$SOCK_U" >/dev/null || fail "$1: uipsec down"
	ss_poll 30 ss_ike_gone "$ss" "$1" || fail "$1: IKE_SA left in strongSwan"
	uipsecd_stop "$PID_U" || fail "$1: uipsecd did not exit cleanly"
	PID_U=''
}

n=0
certs_for_case() {	# sets UC SC: the case number picks the key types
	local uk=ec sk=ec
	((n % 2)) && uk=rsa
	(((n / 2) % 2)) && sk=rsa
	UC=u-$uk SC=s-$sk
	n=$((n + 1))
}

# F: uipsecd initiates to strongSwan.
case_f() {
	local ike=$1 esp=$2 esn=no label
	certs_for_case
	[[ $esp == *-esn ]] && esn=yes
	label="F $ike / $esp ($UC -> $SC)"
	rm -f "$ss"/swanctl/conf.d/r.conf
	ss_conn_write "$ss" f local_addrs=10.0.0.2 proposals="$ike" pools=ccus \
	    local_cert="$SC.pem" remote_id="\"$(dn "$UC")\"" \
	    local_ts=10.10.2.0/24 esp_proposals="$esp" || fail "$label: conn"
	ss_load "$ss" || fail "$label: swanctl --load-all"
	uipsecd_run "connections {
  f {
    local_addrs = 10.0.0.1
    remote_addrs = 10.0.0.2
    proposals = $ike
    vips = 0.0.0.0
    local {
      certs = $UC.pem
    }
    remote {
      id = \"$(dn "$SC")\"
    }
    children {
      f {
        remote_ts = 10.10.2.0/24
        esp_proposals = $esp
        start_action = start
      }
    }
  }
}"
	check "$label" f "$ike" "${esp%-esn}" "$esn" 10.10.1.
	ping_from "$U" "$VIP" 10.10.2.1 || fail "$label: ping uipsecd -> strongSwan"
	ping_from "$S" 10.10.2.1 "$VIP" || fail "$label: ping strongSwan -> uipsecd"
	if [ -n "${XFER_F:-}" ]; then
		xfer_check "$U" "$VIP" "$S" 10.10.2.1 "$work/data" ||
			fail "$label: 4 MB uipsecd -> strongSwan differs or did not arrive"
		XFER_F=''
		echo "ok: $label: 4 MB uipsecd -> strongSwan identical"
	fi
	if [ -n "${REKEY_F:-}" ]; then
		rekey_by_concentrator "$label"
		REKEY_F=''
	fi
	down f
	echo "ok: $label: virtual IP $VIP, ping both ways"
}

# R: strongSwan initiates to uipsecd.
case_r() {
	local ike=$1 esp=$2 esn=no label
	certs_for_case
	[[ $esp == *-esn ]] && esn=yes
	label="R $ike / $esp ($SC -> $UC)"
	uipsecd_run "connections {
  r {
    local_addrs = 10.0.0.1
    proposals = $ike
    pools = ccus
    local {
      certs = $UC.pem
    }
    remote {
      id = \"$(dn "$SC")\"
    }
    children {
      r {
        local_ts = 10.20.2.0/24
        esp_proposals = $esp
      }
    }
  }
}
pools {
  ccus {
    addrs = 10.20.1.0/24
  }
}" 10.20.2.1/32
	rm -f "$ss"/swanctl/conf.d/f.conf
	ss_conn_write "$ss" r local_addrs=10.0.0.2 remote_addrs=10.0.0.1 \
	    proposals="$ike" vips=0.0.0.0 local_cert="$SC.pem" \
	    remote_id="\"$(dn "$UC")\"" remote_ts=10.20.2.0/24 \
	    esp_proposals="$esp" || fail "$label: conn"
	ss_load "$ss" || fail "$label: swanctl --load-all"
	ss_initiate "$ss" r 30 || fail "$label: strongSwan's initiate failed"
	check "$label" r "$ike" "${esp%-esn}" "$esn" 10.20.1.
	ss_list_sas "$ss" | grep -q "local  *.*$VIP" ||
	ss_list_sas "$ss" | grep -q "$VIP/32 ===" ||
		fail "$label: strongSwan does not use the virtual IP $VIP"
	ping_from "$S" "$VIP" 10.20.2.1 || fail "$label: ping strongSwan -> uipsecd"
	ping_from "$U" 10.20.2.1 "$VIP" || fail "$label: ping uipsecd -> strongSwan"
	if [ -n "${XFER_R:-}" ]; then
		xfer_check "$S" "$VIP" "$U" 10.20.2.1 "$work/data" ||
			fail "$label: 4 MB strongSwan -> uipsecd differs or did not arrive"
		XFER_R=''
		echo "ok: $label: 4 MB strongSwan -> uipsecd identical"
	fi
	down r
	echo "ok: $label: virtual IP $VIP, ping both ways"
}

IKES="aes256-sha1-modp2048 aes256-sha256-ecp256 aes256gcm16-prfsha256-x25519 chacha20poly1305-prfsha256-x25519"
ESPS="aes256-sha1 aes256gcm16 chacha20poly1305"

XFER_F=1 REKEY_F=1
for ike in $IKES; do
	for esp in $ESPS; do
		case_f "$ike" "$esp"
	done
done

XFER_R=1
set -- aes256-sha1 aes256gcm16 chacha20poly1305 aes256-sha1
for ike in $IKES; do
	case_r "$ike" "$1"
	shift
done
echo "PASS: ike_strongswan_matrix ($n cases)"
