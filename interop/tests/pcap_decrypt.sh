#!/usr/bin/env bash
# interop/tests/pcap_decrypt.sh BUILD_DIR — `uipsec pcap` and `uipsec trace`
# on live captures of uipsecd (10.0.0.1, inner 10.10.1.1) <-> Debian's
# strongSwan (10.0.0.2, inner 10.10.2.1), RSA-4096 certificates so that
# IKE_AUTH is fragmented both ways (charon fragment_size = 576, uipsecd
# 1280: RFC 7383 SKF{}). Two cases:
#   F  uipsecd initiates: IKE aes256-sha1-modp2048, ESP aes256gcm16
#   R  strongSwan initiates: IKE aes256gcm16-prfsha256-x25519, ESP
#      aes256-sha256
# Captured: uipsecd's veth (pcapng: every IKE message and ESP packet) and
# uipsecd's TUN (raw IP: the inner packets as they entered and left the
# tunnel); traffic: pings and 10 UDP datagrams with unique payloads each way;
# `uipsec trace 10.0.0.2` runs in uipsecd's namespace meanwhile: in case F
# with uipsecd's key-log file; in case R uipsecd writes no key log at all
# (keylog { trace = yes }) and trace fetches the keys from the running
# daemon over its control socket, through an IKE SA rekey and a CHILD_SA
# rekey (`uipsec rekey`) followed by more pings. Checked per case:
#   1. `uipsec pcap --check` verifies every IKE message (fragments each,
#      reassembled IKE_AUTH both ways) and ESP packet, once with uipsecd's
#      key log and once with charon's debug log (keys.log, ike=4 chd=4);
#   2. the inner packets it writes (--write-decrypted) are byte for byte
#      the packets captured on the TUN, and every UDP payload sent is among
#      them once, between the right addresses;
#   3. `uipsec trace` showed the ESP packets of the traffic verified, none
#      unknown or bad; in case R also the IKE messages of both rekeys and
#      pings over the new CHILD_SA, and charon's log is the only key file
#      checks 1 and 2 use. In case F, trace without --keys is refused by a
#      daemon that does not hand out keys.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"

uipsec_bins "${1:-}" charon || exit 1
command -v dumpcap >/dev/null || { echo "FAIL: no dumpcap" >&2; exit 1; }

U=uipsec-pd-u-$$ S=uipsec-pd-s-$$
work=$(mktemp -d /tmp/uipsec-pd.XXXXXX)
ss=$work/ss
PID_U='' SOCK_U='' PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$PID_U" ] && uipsecd_stop "$PID_U"
	ss_cleanup "$ss"
	netns_cleanup "$U" "$S"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 20 "$*" "$work"/u.log "$ss/charon.log" "$work"/pcap.out
}

netns_pair "$U" "$S" 10.0.0.1 10.0.0.2 24 || fail "cannot create namespaces"
pki=$work/pki
"$cli" pki init-ca --dir "$pki" --dn "C=DE, O=uipsec test, CN=Pcap Root" \
    >/dev/null || fail "pki init-ca"
"$cli" pki issue --dir "$pki" --profile ccu --name u --key rsa4096 \
    >/dev/null &&
"$cli" pki issue --dir "$pki" --profile concentrator --name s --key rsa4096 \
    >/dev/null || fail "pki issue"
ss_instance "$ss" fragment_size=576 >/dev/null &&
ss_certs_install "$pki" s "$ss" || fail "strongSwan instance"
ss_start "$S" "$ss" || fail "charon"
ip -n "$S" addr add 10.10.2.1/32 dev lo

# capture NS IFACE FILE: dumpcap in the background; its pid in LAST_PID.
capture() {
	ip netns exec "$1" dumpcap -q -i "$2" -w "$3" >/dev/null 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
	poll_for 30 test -s "$3" || fail "no capture on $2"
}
# stop PID...: libpcap hands over a partly filled block only after its
# timeout; give it a second, then SIGINT (trace prints its summary) and
# wait for each.
stop() {
	local p q keep=()
	sleep 1
	for p in "$@"; do kill -INT "$p" 2>/dev/null; done
	for p in "$@"; do wait "$p" 2>/dev/null; done
	for q in "${PIDS[@]}"; do
		[[ " $* " == *" $q "* ]] || keep+=("$q")
	done
	PIDS=("${keep[@]}")
}

# udp_send NS SRC DST TAG: 10 datagrams "TAG-i-<random>" to DST:9; the
# payloads go to $work/sent.TAG, one per line.
udp_send() {
	ip netns exec "$1" /usr/bin/python3 -c '
import os, socket, sys
src, dst, tag, out = sys.argv[1:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
with open(out, "w") as f:
    for i in range(10):
        p = "%s-%d-%s" % (tag, i, os.urandom(8).hex())
        s.sendto(p.encode(), (dst, 9))
        f.write(p + "\n")
' "$2" "$3" "$4" "$work/sent.$4"
}

uipsecd_run() {	# IKE ESP START(yes|no) KEYLOG(file|trace)
	local start='' keylog="file = $work/u.keys"
	[ "$3" = yes ] && start="start_action = start"
	[ "$4" = trace ] && keylog="trace = yes"
	cat >"$work/u.swanctl" <<-EOF
	connections {
	  pd {
	    local_addrs = 10.0.0.1
	    remote_addrs = 10.0.0.2
	    proposals = $1
	    local {
	      certs = u.pem
	    }
	    remote {
	      id = "C=DE, O=uipsec test, CN=s"
	    }
	    children {
	      pd {
	        local_ts = 10.10.1.1/32
	        remote_ts = 10.10.2.0/24
	        esp_proposals = $2
	        $start
	      }
	    }
	  }
	}
	EOF
	uipsecd_ike_conf "$work/u.conf" "$work/u.swanctl" "$pki" 10.10.1.1/32 \
	    "keylog {
  $keylog
}"
	uipsecd_start "$U" "$bin" "$work/u.conf" "$work/u.log" ||
		fail "uipsecd refuses its configuration"
	PID_U=$UIPSECD_PID SOCK_U=$UIPSECD_SOCK
}

# pcap_check LABEL KEYS TAG: uipsec pcap verifies everything with KEYS;
# sets SUMMARY.
pcap_check() {
	"$cli" pcap "$work/outer.pcapng" --keys "$2" --check --summary \
	    --write-decrypted "$work/dec.$3.pcap" >"$work/pcap.out" 2>&1 ||
		fail "$1: uipsec pcap --check with $3's keys"
	SUMMARY=$(grep '^summary:' "$work/pcap.out")
	local ike ike_ok esp esp_ok
	read -r ike ike_ok esp esp_ok <<<"$(sed -E \
	    's/.* ([0-9]+) IKE \(([0-9]+) ok\), ([0-9]+) ESP \(([0-9]+) ok\).*/\1 \2 \3 \4/' \
	    <<<"$SUMMARY")"
	[ "$ike" -ge 8 ] && [ "$ike" = "$ike_ok" ] && [ "$esp" -ge 28 ] &&
	[ "$esp" = "$esp_ok" ] || fail "$1: with $3's keys: $SUMMARY"
	[ "$(grep -c 'reassembled [0-9]* fragments: IKE_AUTH' \
	    "$work/pcap.out")" = 2 ] ||
		fail "$1: IKE_AUTH not reassembled both ways ($3's keys)"
}

# inner_check LABEL: decrypted packets = TUN packets; payloads as sent.
inner_check() {
	/usr/bin/python3 - "$work" <<-'EOF' || fail "$1: inner packets differ"
	import collections, os, sys
	from scapy.all import IP, UDP, rdpcap
	w = sys.argv[1]
	dec = [bytes(p) for p in rdpcap(w + "/dec.s.pcap")]
	# what the kernel writes to the TUN outside the selectors (IPv6
	# neighbour discovery...) is not tunnelled: the tunnel's packets only
	tun = [bytes(p) for p in rdpcap(w + "/tun.pcap")
	       if bytes(p)[0] >> 4 == 4 and
	       {IP(bytes(p)).src, IP(bytes(p)).dst} <= {"10.10.1.1", "10.10.2.1"}]
	if os.path.exists(w + "/dec.u.pcap"):
	    assert dec == [bytes(p) for p in rdpcap(w + "/dec.u.pcap")], \
	        "uipsecd's and charon's keys decrypt differently"
	assert collections.Counter(dec) == collections.Counter(tun), \
	    "%d decrypted, %d on the TUN, %d in common; only decrypted: %s; " \
	    "only on the TUN: %s" % (len(dec), len(tun),
	    sum((collections.Counter(dec) & collections.Counter(tun)).values()),
	    [IP(p).summary() for p in collections.Counter(dec) -
	     collections.Counter(tun)],
	    [IP(p).summary() for p in collections.Counter(tun) -
	     collections.Counter(dec)])
	for tag, src, dst in (("u2s", "10.10.1.1", "10.10.2.1"),
	                      ("s2u", "10.10.2.1", "10.10.1.1")):
	    sent = open(w + "/sent." + tag).read().split()
	    got = [bytes(IP(p)[UDP].payload).decode() for p in dec
	           if IP(p).haslayer(UDP) and IP(p).src == src and
	           IP(p).dst == dst and IP(p)[UDP].dport == 9]
	    assert sorted(got) == sorted(sent), (tag, len(got), len(sent))
	print("  %d inner packets identical to the TUN's, 20 UDP payloads "
	      "as sent" % len(dec))
	EOF
}

# u_spis: uipsecd's IKE SA (SPIi) and CHILD_SA (inbound SPI) in use.
u_spis() {
	"$cli" status --json -s "$SOCK_U" 2>/dev/null | /usr/bin/python3 -c '
import json, sys
for s in json.load(sys.stdin)["ike_sas"]:
    if s["state"] == "ESTABLISHED":
        for c in s["child_sas"]:
            if c["state"] == "INSTALLED":
                print(s["spi_i"], c["in"]["spi"])'
}
# rekeyed BEFORE: one IKE SA and one CHILD_SA, both with SPIs not in BEFORE.
rekeyed() {
	local now
	now=$(u_spis)
	[ "$(wc -l <<<"$now")" = 1 ] && [ -n "$now" ] &&
	[ "${now% *}" != "${1% *}" ] && [ "${now#* }" != "${1#* }" ] &&
	SPIS=$now
}
# traced_ping SPI: a ping from strongSwan's side, until trace shows an echo
# request that came in on our CHILD_SA SPI, verified.
traced_ping() {
	ping_from "$S" 10.10.2.1 10.10.1.1
	grep -Eq "ESP spi 0x0*${1#0x} seq [0-9]+ 10\.10\.2\.1 > 10\.10\.1\.1 ICMP echo request .* ok$" \
	    "$work/trace.out"
}
# trace_up: trace is attached once it shows a packet of a ping.
trace_up() {
	ping_from "$U" 10.10.1.1 10.10.2.1
	grep -q ' ESP spi ' "$work/trace.out"
}

run_case() {	# LABEL F|R IKE ESP
	local label=$1 dir=$2 ike=$3 esp=$4 n outer tun trace keys
	rm -f "$work"/outer.pcapng "$work"/tun.pcap "$work"/u.keys \
	    "$work"/trace.out "$work"/dec.?.pcap
	if [ "$dir" = F ]; then
		ss_conn_write "$ss" pd local_addrs=10.0.0.2 proposals="$ike" \
		    local_cert=s.pem remote_id="\"C=DE, O=uipsec test, CN=u\"" \
		    local_ts=10.10.2.0/24 remote_ts=10.10.1.1/32 \
		    esp_proposals="$esp" || fail "$label: conn"
	else
		ss_conn_write "$ss" pd local_addrs=10.0.0.2 \
		    remote_addrs=10.0.0.1 proposals="$ike" local_cert=s.pem \
		    remote_id="\"C=DE, O=uipsec test, CN=u\"" \
		    local_ts=10.10.2.0/24 remote_ts=10.10.1.1/32 \
		    esp_proposals="$esp" || fail "$label: conn"
	fi
	ss_load "$ss" || fail "$label: swanctl --load-all"
	capture "$U" "v-${U:0:10}" "$work/outer.pcapng"
	outer=$LAST_PID
	if [ "$dir" = F ]; then
		uipsecd_run "$ike" "$esp" yes file
		keys=(--keys "$work/u.keys")
	else
		uipsecd_run "$ike" "$esp" no trace
		keys=(--socket "$SOCK_U")
	fi
	# the TUN from before the first packet through it
	capture "$U" uipsec0 "$work/tun.pcap"
	tun=$LAST_PID
	if [ "$dir" = R ]; then
		ss_initiate "$ss" pd 30 || fail "$label: strongSwan's initiate"
	fi
	ss_wait_child_up "$ss" pd 30 || fail "$label: no CHILD_SA in strongSwan"
	poll_for 30 ip netns exec "$U" ping -c 1 -W 1 -I 10.10.1.1 10.10.2.1 ||
		fail "$label: the tunnel carries no ping"
	if [ "$dir" = F ]; then	# this daemon hands out no keys
		! ip netns exec "$U" "$cli" trace 10.0.0.2 --socket "$SOCK_U" \
		    --count 1 >"$work/trace.out" 2>&1 &&
		grep -q 'keys are not handed out' "$work/trace.out" ||
			fail "$label: trace without --keys: $(cat "$work/trace.out")"
		echo "ok: $label: trace without a key log refused: keylog.trace is off"
	fi
	ip netns exec "$U" "$cli" trace 10.0.0.2 "${keys[@]}" \
	    --seconds 600 --summary >"$work/trace.out" 2>&1 &
	trace=$!
	PIDS+=("$trace")
	poll_for 30 trace_up || fail "$label: uipsec trace shows no ping"
	ping_from "$U" 10.10.1.1 10.10.2.1 || fail "$label: ping u -> s"
	ping_from "$S" 10.10.2.1 10.10.1.1 || fail "$label: ping s -> u"
	udp_send "$U" 10.10.1.1 10.10.2.1 u2s || fail "$label: UDP u -> s"
	udp_send "$S" 10.10.2.1 10.10.1.1 s2u || fail "$label: UDP s -> u"
	if [ "$dir" = R ]; then	# rekeys while tracing, keys from the daemon
		SPIS=$(u_spis)
		"$cli" rekey --ike pd -s "$SOCK_U" >/dev/null &&
		poll_for 30 rekeyed "$SPIS x" ||
			fail "$label: no IKE SA rekey ($(u_spis))"
		"$cli" rekey pd -s "$SOCK_U" >/dev/null &&
		poll_for 30 rekeyed "x $SPIS" ||
			fail "$label: no CHILD_SA rekey ($(u_spis))"
		poll_for 30 traced_ping "${SPIS#* }" ||
			fail "$label: trace shows no ping over the new CHILD_SA ${SPIS#* }"
		ping_from "$U" 10.10.1.1 10.10.2.1 || fail "$label: ping u -> s"
	fi
	stop "$tun" "$trace"
	"$cli" down pd -s "$SOCK_U" >/dev/null || fail "$label: uipsec down"
	ss_poll 30 ss_ike_gone "$ss" pd || fail "$label: IKE_SA left in strongSwan"
	stop "$outer"	# with the Delete's response
	uipsecd_stop "$PID_U" || fail "$label: uipsecd did not exit cleanly"
	PID_U=''

	if [ "$dir" = F ]; then
		pcap_check "$label" "$work/u.keys" u
		echo "ok: $label: every IKE message and ESP packet verified with uipsecd's key log: $SUMMARY"
	else
		[ ! -e "$work/u.keys" ] || fail "$label: uipsecd wrote a key log"
	fi
	pcap_check "$label" "$ss/keys.log" s
	echo "ok: $label: every IKE message and ESP packet verified with charon's keys: $SUMMARY"
	inner_check "$label"
	n=$(grep -c ' ESP spi 0x[0-9a-f]* seq [0-9]* .* ok$' "$work/trace.out")
	[ "$n" -ge 28 ] && ! grep -Eq 'unknown SPI$|bad ICV$|replay$' \
	    "$work/trace.out" ||
		fail "$label: uipsec trace: $n ESP packets ok: $(tail -5 "$work/trace.out")"
	echo "ok: $label: uipsec trace showed $n ESP packets verified"
	[ "$dir" = R ] || return 0
	n=$(grep -c ' CREATE_CHILD_SA .* ok$' "$work/trace.out")
	[ "$n" -ge 4 ] && ! grep -Eq '^[0-9:.]+ .* IKE .*[^k]$' "$work/trace.out" ||
		fail "$label: uipsec trace: $n CREATE_CHILD_SA messages ok: $(grep ' IKE ' "$work/trace.out" | tail -5)"
	[ "$(grep -Eo 'ESP spi 0x[0-9a-f]+ seq [0-9]+ 10\.10\.2\.1 > 10\.10\.1\.1 .* ok$' \
	    "$work/trace.out" | cut -d' ' -f3 | sort -u | wc -l)" -ge 2 ] ||
		fail "$label: uipsec trace: no packets of two CHILD_SAs"
	grep -q 'HANDED THE KEYS' "$work/u.log" ||
		fail "$label: uipsecd did not warn that it handed out keys"
	echo "ok: $label: uipsec trace without a key log: keys from uipsecd, $n CREATE_CHILD_SA messages (IKE SA and CHILD_SA rekey) and both CHILD_SAs' packets verified"
}

run_case "F aes256-sha1-modp2048 / aes256gcm16" F \
    aes256-sha1-modp2048 aes256gcm16
run_case "R aes256gcm16-prfsha256-x25519 / aes256-sha256" R \
    aes256gcm16-prfsha256-x25519 aes256-sha256
echo "PASS: pcap_decrypt"
