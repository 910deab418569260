#!/usr/bin/env bash
# interop/tests/keylog_tshark.sh BUILD_DIR — key logs checked by an
# independent decrypter: tshark (Debian's Wireshark 4.0) decrypts a capture
# of uipsecd <-> strongSwan with the keys each side logged.
#
# uipsecd 10.0.0.1 (keylog { file, wireshark_dir }) initiates to charon
# 10.0.0.2 (its debug log at ike=4 chd=4 mgr=2 cfg=1, interop/lib/
# strongswan.sh's keys.log), inner 10.10.1.1 <-> 10.10.2.1, for ESP
# aes256-sha1 (IKE aes256-sha256-ecp256) and aes256gcm16 (IKE
# aes256gcm16-prfsha256-ecp256). Captured on uipsecd's veth: IKE_SA_INIT,
# IKE_AUTH, pings with a known payload both ways, a Delete from `uipsec down`;
# in the aes256gcm16 case strongSwan also rekeys the IKE SA and the CHILD_SA
# between two rounds of pings.
# Checked, per case:
#   1. tshark with the Wireshark tables uipsecd wrote: every encrypted IKE
#      message's ICV correct, every ESP packet's ICV good, the ICMP inside
#      each one, echo requests and replies with the payload that was sent;
#   2. the same with tables `uipsec keylog -w` made from charon's own debug
#      log (keylog_read's charon reader), and from uipsecd's uipsec-format
#      key log (its reader);
#   3. uipsecd's and charon's logs hold the same keys (uipsec keylog output,
#      records sorted) — two implementations agreeing on every key;
#   4. `uipsec pcap` (if built): with uipsecd's key log it verifies (--check)
#      as many IKE messages and ESP packets as tshark sees, the inner packets
#      it writes (--write-decrypted) are the ICMP tshark decrypted; with
#      charon's debug log it verifies every packet too.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/tshark.sh"

uipsec_bins "${1:-}" charon || exit 1
command -v tshark >/dev/null && command -v dumpcap >/dev/null ||
	{ echo "FAIL: no tshark/dumpcap" >&2; exit 1; }

U=uipsec-kl-u-$$ S=uipsec-kl-s-$$
work=$(mktemp -d /tmp/uipsec-kl.XXXXXX)
ss=$work/ss
PID_U='' SOCK_U='' PID_CAP='' REKEY=0
PATTERN=6b65796c6f672d74
cleanup() {
	[ -n "$PID_CAP" ] && kill "$PID_CAP" 2>/dev/null
	[ -n "$PID_U" ] && uipsecd_stop "$PID_U"
	ss_cleanup "$ss"
	netns_cleanup "$U" "$S"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 20 "$*" "$work"/u.log "$ss/charon.log"
}

netns_pair "$U" "$S" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"
pki=$work/pki
"$cli" pki init-ca --dir "$pki" --dn "C=DE, O=uipsec test, CN=Keylog Root" \
    >/dev/null || fail "pki init-ca"
"$cli" pki issue --dir "$pki" --profile ccu --name u >/dev/null &&
"$cli" pki issue --dir "$pki" --profile concentrator --name s >/dev/null ||
	fail "pki issue"
ss_instance "$ss" >/dev/null && ss_certs_install "$pki" s "$ss" ||
	fail "strongSwan instance"
ss_start "$S" "$ss" || fail "charon"
ip -n "$S" addr add 10.10.2.1/32 dev lo

has_pcap=''
"$cli" pcap --help >/dev/null 2>&1 && has_pcap=1

# expect LABEL WHAT COUNTS: all encrypted IKE messages and ESP packets
# verified, ICMP inside, payloads as sent.
expect() {
	local label=$1 what=$2 ike_enc ike_ok esp esp_ok icmp bad
	read -r ike_enc ike_ok esp esp_ok icmp <<<"$3"
	[ "$ike_enc" -ge 4 ] && [ "$esp" -ge 12 ] ||
		fail "$label: capture too small (IKE $ike_enc, ESP $esp)"
	[ "$ike_ok" = "$ike_enc" ] ||
		fail "$label: $what: tshark verified $ike_ok of $ike_enc IKE messages"
	[ "$esp_ok" = "$esp" ] ||
		fail "$label: $what: tshark verified $esp_ok of $esp ESP packets"
	[ "$icmp" = "$esp" ] ||
		fail "$label: $what: $icmp ICMP packets inside $esp ESP packets"
	# 3 requests and 3 replies each way carry the pattern (-p) as sent
	bad=$(tshark_icmp "$work/cap.pcap" | awk -v p="$PATTERN" '
		index($3, p p p) { n[$1]++ }
		END { if (n[8] != w || n[0] != w) print n[8]+0, n[0]+0 }' \
		w=$((REKEY ? 12 : 6)))
	[ -z "$bad" ] ||
		fail "$label: $what: echo requests/replies with the payload: $bad, want $((REKEY ? 12 : 6)) each"
	echo "ok: $label: $what: IKE $ike_ok/$ike_enc, ESP $esp_ok/$esp, ICMP payloads as sent"
}

# keylog_has KIND N: uipsecd's key log holds N records of KIND (IKE, ESP)
keylog_has() {
	[ "$("$cli" keylog "$work/u.keys" 2>/dev/null | grep -c "^$1 ")" = "$2" ]
}
one_child_sa() {
	[ "$(ss_swanctl "$ss" --list-sas 2>/dev/null | grep -c '^  kl: #')" = 1 ]
}

run_case() {
	local ike=$1 esp=$2 label="$2 (IKE $1)" vip sas
	rm -rf "$work/ws" "$work/u.keys" "$work/cap.pcap"
	ss_conn_write "$ss" kl local_addrs=10.0.0.2 proposals="$ike" \
	    remote_ts=10.10.1.1/32 local_cert=s.pem \
	    remote_id="\"C=DE, O=uipsec test, CN=u\"" \
	    local_ts=10.10.2.0/24 esp_proposals="$esp" || fail "$label: conn"
	ss_load "$ss" || fail "$label: swanctl --load-all"
	ip netns exec "$U" dumpcap -q -i "v-${U:0:10}" -f udp \
	    -w "$work/cap.pcap" >/dev/null 2>&1 &
	PID_CAP=$!
	poll_for 30 test -s "$work/cap.pcap" || fail "$label: no capture"
	cat >"$work/u.swanctl" <<-EOF
	connections {
	  kl {
	    local_addrs = 10.0.0.1
	    remote_addrs = 10.0.0.2
	    proposals = $ike
	    local {
	      certs = u.pem
	    }
	    remote {
	      id = "C=DE, O=uipsec test, CN=s"
	    }
	    children {
	      kl {
	        local_ts = 10.10.1.1/32
	        remote_ts = 10.10.2.0/24
	        esp_proposals = $esp
	        start_action = start
	      }
	    }
	  }
	}
	EOF
	uipsecd_ike_conf "$work/u.conf" "$work/u.swanctl" "$pki" 10.10.1.1/32 \
	    "keylog {
  file = $work/u.keys
  wireshark_dir = $work/ws
}"
	uipsecd_start "$U" "$bin" "$work/u.conf" "$work/u.log" ||
		fail "$label: uipsecd refuses its configuration"
	PID_U=$UIPSECD_PID SOCK_U=$UIPSECD_SOCK
	grep -q "warning: keylog: WRITING IKE AND ESP KEYS" "$work/u.log" ||
		fail "$label: no warning about the key log in uipsecd's log"
	ss_wait_child_up "$ss" kl 30 || fail "$label: no CHILD_SA in strongSwan"
	vip=10.10.1.1
	# routes come a moment after the CHILD_SA: warm up without the pattern
	poll_for 30 ip netns exec "$U" ping -c 1 -W 1 -I "$vip" 10.10.2.1 \
	    >/dev/null || fail "$label: tunnel does not carry pings"
	ip netns exec "$U" ping -q -c 3 -i 0.2 -W 2 -p "$PATTERN" -I "$vip" \
	    10.10.2.1 >/dev/null || fail "$label: ping uipsecd -> strongSwan"
	ip netns exec "$S" ping -q -c 3 -i 0.2 -W 2 -p "$PATTERN" \
	    -I 10.10.2.1 "$vip" >/dev/null ||
		fail "$label: ping strongSwan -> uipsecd"
	if [ "$REKEY" = 1 ]; then
		# strongSwan rekeys the IKE SA, then the CHILD_SA: uipsecd logs
		# the new SAs' keys (ike_io.ike_keys, child_install) too
		ss_swanctl "$ss" --rekey --ike kl >/dev/null ||
			fail "$label: IKE SA rekey"
		poll_for 30 keylog_has IKE 2 ||
			fail "$label: IKE SA rekey: uipsecd logged no new keys"
		ss_swanctl "$ss" --rekey --child kl >/dev/null ||
			fail "$label: CHILD_SA rekey"
		poll_for 30 keylog_has ESP 4 ||
			fail "$label: CHILD_SA rekey: uipsecd logged no new keys"
		# the old CHILD_SA's Delete is answered before the pings
		poll_for 30 one_child_sa ||
			fail "$label: CHILD_SA rekey: the old SA stays in strongSwan"
		ip netns exec "$U" ping -q -c 3 -i 0.2 -W 2 -p "$PATTERN" \
		    -I "$vip" 10.10.2.1 >/dev/null ||
			fail "$label: ping uipsecd -> strongSwan after rekeying"
		ip netns exec "$S" ping -q -c 3 -i 0.2 -W 2 -p "$PATTERN" \
		    -I 10.10.2.1 "$vip" >/dev/null ||
			fail "$label: ping strongSwan -> uipsecd after rekeying"
	fi
	"$cli" down kl -s "$SOCK_U" >/dev/null || fail "$label: uipsec down"
	ss_poll 30 ss_ike_gone "$ss" kl || fail "$label: IKE_SA left in strongSwan"
	sleep 1		# the Delete's response reaches the capture
	kill "$PID_CAP"; wait "$PID_CAP" 2>/dev/null; PID_CAP=''
	uipsecd_stop "$PID_U" || fail "$label: uipsecd did not exit cleanly"
	PID_U=''
	[ "$(stat -c %a "$work/u.keys")" = 600 ] &&
	[ "$(stat -c %a "$work/ws/esp_sa")" = 600 ] ||
		fail "$label: key logs not mode 600"
	echo "$label: $(tshark -r "$work/cap.pcap" 2>/dev/null | wc -l) frames"
}

# check_case LABEL: what the capture shows with each key source.
check_case() {
	local label=$1 t=$work/t
	tshark_keys "$work/ws"
	expect "$label" "uipsecd's Wireshark tables" "$(tshark_counts "$work/cap.pcap")"
	rm -rf "$t"; mkdir -p "$t"
	"$cli" keylog -w "$t" "$ss/keys.log" 2>/dev/null ||
		fail "$label: uipsec keylog cannot read charon's log"
	tshark_keys "$t"
	expect "$label" "charon's debug log" "$(tshark_counts "$work/cap.pcap")"
	rm -rf "$t"; mkdir -p "$t"
	"$cli" keylog -w "$t" "$work/u.keys" 2>/dev/null ||
		fail "$label: uipsec keylog cannot read uipsecd's key log"
	tshark_keys "$t"
	expect "$label" "uipsecd's key log" "$(tshark_counts "$work/cap.pcap")"
	# every record uipsecd logged, charon logged too (its log holds the
	# earlier cases as well)
	"$cli" keylog "$work/u.keys" 2>/dev/null | sort >"$work/u.rec"
	"$cli" keylog "$ss/keys.log" 2>/dev/null | sort >"$work/s.rec"
	nike=$((REKEY ? 2 : 1)) nesp=$((REKEY ? 4 : 2))
	[ "$(grep -c '^IKE ' "$work/u.rec")" = $nike ] &&
	[ "$(grep -c '^ESP ' "$work/u.rec")" = $nesp ] ||
		fail "$label: uipsecd's key log: $(wc -l <"$work/u.rec") records, want $nike IKE + $nesp ESP"
	[ -z "$(comm -23 "$work/u.rec" "$work/s.rec")" ] ||
		fail "$label: uipsecd and charon logged different keys"
	echo "ok: $label: uipsecd's and charon's key logs agree ($nike IKE SAs, $nesp ESP SAs)"
	[ -n "$has_pcap" ] || return 0
	# uipsec pcap, when it exists: with uipsecd's key log it verifies as
	# many IKE messages and ESP packets as tshark sees, and the inner
	# packets it writes out are the ones tshark decrypted.
	"$cli" pcap "$work/cap.pcap" --keys "$work/u.keys" --check --quiet \
	    --summary --write-decrypted "$work/inner.pcap" >"$work/pcap.out" \
	    2>&1 || fail "$label: uipsec pcap --check: $(tail -3 "$work/pcap.out")"
	want="$(tshark -r "$work/cap.pcap" -Y isakmp 2>/dev/null | wc -l) IKE"
	want="$want ($(tshark -r "$work/cap.pcap" -Y isakmp 2>/dev/null | wc -l) ok)"
	esp=$(tshark -r "$work/cap.pcap" -Y esp 2>/dev/null | wc -l)
	want="$want, $esp ESP ($esp ok)"
	grep -q "^summary: [0-9]* frames: $want" "$work/pcap.out" ||
		fail "$label: uipsec pcap: $(grep '^summary:' "$work/pcap.out"), tshark: $want"
	TSHARK_KEYS=()
	tshark_icmp "$work/inner.pcap" >"$work/inner.uipsec"
	tshark_keys "$work/ws"
	tshark_icmp "$work/cap.pcap" >"$work/inner.tshark"
	cmp -s "$work/inner.uipsec" "$work/inner.tshark" ||
		fail "$label: inner packets of uipsec pcap and tshark differ"
	"$cli" pcap "$work/cap.pcap" --keys "$ss/keys.log" --check --quiet \
	    >"$work/pcap.out" 2>&1 ||
		fail "$label: uipsec pcap --check with charon's log: $(tail -3 "$work/pcap.out")"
	echo "ok: $label: uipsec pcap: $want verified (with uipsecd's and with charon's key log), inner ICMP as tshark's"
}

REKEY=0
run_case aes256-sha256-ecp256 aes256-sha1
check_case aes256-sha1
REKEY=1
run_case aes256gcm16-prfsha256-ecp256 aes256gcm16
check_case "aes256gcm16, rekeyed"
echo "PASS: keylog_tshark"
