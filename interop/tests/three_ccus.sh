#!/usr/bin/env bash
# interop/tests/three_ccus.sh BUILD_DIR — three CCUs at once on one uipsecd
# concentrator: "ccua" is strongSwan (charon, kernel-libipsec), "ccub" and
# "ccuc" are uipsecd, each in its own namespace; all four namespaces hang
# on a bridge in a fifth. The concentrator (10.0.0.2) accepts any
# certificate of the CA, gives each CCU a virtual IP from 10.10.1.0/24 and
# protects 10.10.2.0/24 (10.10.2.1 on its TUN).
#
# Checked: all three CHILD_SAs up at once; then, CCU by CCU, pings from the
# concentrator to that CCU's virtual IP are answered, and
#   - on the concentrator, only that CCU's CHILD_SA counts them (out and in
#     packets of the two others do not move);
#   - a capture on the bridge (tshark) sees every ESP packet the
#     concentrator sends go to that CCU's outer address, under the SPI of
#     that CCU's CHILD_SA: a packet for CCU A never leaves on B's SA;
# and each CCU pings the concentrator from its own virtual IP. Then the
# concentrator rekeys all three CHILD_SAs (each CCU answers for its
# virtual IP) and the pings go on. Then one CCU goes offline: its address
# and a free one of the pool answer with ICMP Destination Unreachable (ping
# and TCP connect fail at once), and so does an address of an IPv6 pool
# (ICMPv6).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"

uipsec_bins "${1:-}" charon || exit 1

R=uipsec-3ccu-br-$$ C=uipsec-3ccu-conc-$$
A=uipsec-3ccu-a-$$ B=uipsec-3ccu-b-$$ D=uipsec-3ccu-c-$$
work=$(mktemp -d /tmp/uipsec-3ccu.XXXXXX)
ss=$work/ss
cleanup() {
	ss_cleanup "$ss"
	netns_cleanup "$A" "$B" "$D" "$C" "$R"
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	fail_with_logs 20 "$*" "$work"/*.log "$ss/charon.log"
}

# The bridge namespace and one leg per host.
ip netns add "$R" && ip -n "$R" link add br0 type bridge &&
ip -n "$R" link set br0 up || fail "bridge"
leg() {	# NS ADDR TAG
	ip netns add "$1" &&
	ip link add "v-$3-$$" netns "$1" type veth peer name "p-$3" netns "$R" &&
	ip -n "$R" link set "p-$3" master br0 up &&
	ip -n "$1" link set lo up &&
	ip -n "$1" addr add "$2/24" dev "v-$3-$$" &&
	ip -n "$1" link set "v-$3-$$" up
}
leg "$C" 10.0.0.2 c && leg "$A" 10.0.0.11 a && leg "$B" 10.0.0.12 b &&
leg "$D" 10.0.0.13 d || fail "namespaces"

pki=$work/pki
"$cli" pki init-ca --dir "$pki" --key ecdsa256 \
    --dn "C=DE, O=uipsec test, CN=Test Root" >/dev/null || fail "init-ca"
for n in conc ccua ccub ccuc; do
	p=ccu
	[ "$n" = conc ] && p=concentrator
	"$cli" pki issue --dir "$pki" --profile "$p" --name "$n" >/dev/null ||
		fail "pki issue $n"
done

# uipsecd_conf FILE SWANCTL_FILE: a CCU's daemon (its address from vips).
uipsecd_conf() {
	printf 'tun {\n  name = uipsec0\n}\nike {\n  swanctl_conf = %s\n  swanctl_dir = %s\n}\n' \
	    "$2" "$pki" >"$1"
	chmod 600 "$1"
}

uipsecd_conc_conf "$work" "$pki" 10.10.1.0/24
# An IPv6 pool beside it (no CCU asks for one): its addresses are nobody's.
sed -i 's/pools = ccus/pools = ccus, ccus6/
s/^pools {/pools {\n  ccus6 {\n    addrs = fd00:10::\/120\n  }/' \
    "$work/conc-swanctl.conf"
grep -q "fd00:10::/120" "$work/conc-swanctl.conf" || fail "IPv6 pool"
uipsecd_start "$C" "$bin" "$work/conc.conf" "$work/conc.log" || fail "conc"
SOCK_C=$UIPSECD_SOCK

# The two uipsec CCUs.
for x in b:"$B":10.0.0.12 c:"$D":10.0.0.13; do
	IFS=: read -r t ns addr <<<"$x"
	cat >"$work/ccu$t-swanctl.conf" <<-EOF
	connections {
	  ccu$t {
	    local_addrs = $addr
	    remote_addrs = 10.0.0.2
	    proposals = aes256-sha256-ecp256
	    vips = 0.0.0.0
	    local {
	      certs = ccu$t.pem
	    }
	    remote {
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
	uipsecd_conf "$work/ccu$t.conf" "ccu$t-swanctl.conf"
	uipsecd_start "$ns" "$bin" "$work/ccu$t.conf" "$work/ccu$t.log" ||
		fail "ccu$t"
	[ "$t" = c ] && PID_CCUC=$UIPSECD_PID
done

# The strongSwan CCU.
ss_instance "$ss" >/dev/null || fail "strongSwan instance"
ss_certs_install "$pki" ccua "$ss" || fail "strongSwan certificates"
ss_conn_write "$ss" ccua local_addrs=10.0.0.11 remote_addrs=10.0.0.2 \
    proposals=aes256-sha256-ecp256 vips=0.0.0.0 local_cert=ccua.pem \
    remote_id='"C=DE, O=uipsec test, CN=conc"' child=svc \
    remote_ts=10.10.2.0/24 esp_proposals=aes256-sha1 || fail "ss conn"
ss_start "$A" "$ss" || fail "charon"
ss_initiate "$ss" svc 30 || fail "strongSwan CCU: no CHILD_SA"

# sas: one line per IKE SA of the concentrator: CN VIP OUTER OUT_SPI
# OUT_PACKETS IN_PACKETS (OUT_SPI: the CCU's inbound SPI).
sas() {
	"$cli" status --json -s "$SOCK_C" | /usr/bin/python3 -c '
import json, sys
for sa in json.load(sys.stdin)["ike_sas"]:
    cn = sa["remote_id"].split("CN=")[-1]
    for ch in sa.get("child_sas", []):
        print(cn, ch["remote_ts"][0].split("/")[0],
              ch["remote"].rsplit(":", 1)[0].strip("[]"), ch["out"]["spi"],
              ch["out"]["packets"], ch["in"]["packets"])'
}
three_up() { [ "$(sas | wc -l)" = 3 ]; }
poll_for 60 three_up || fail "not three CHILD_SAs on the concentrator: $(sas)"
sas >"$work/sas0"
for t in a b c; do
	grep -q "^ccu$t 10\.10\.1\." "$work/sas0" ||
		fail "no CHILD_SA with a virtual IP for ccu$t: $(cat "$work/sas0")"
done
echo "ok: three CCUs up at once (strongSwan ccua, uipsec ccub and ccuc)"

# Each CCU pings the concentrator from its own virtual IP.
vip() { awk -v n="ccu$1" '$1 == n { print $2 }' "$work/sas0"; }
ping_from "$A" "$(vip a)" 10.10.2.1 || fail "ping ccua -> concentrator"
ping_from "$B" "$(vip b)" 10.10.2.1 || fail "ping ccub -> concentrator"
ping_from "$D" "$(vip c)" 10.10.2.1 || fail "ping ccuc -> concentrator"
echo "ok: each CCU reaches the concentrator from its own virtual IP"

# Pings to one CCU: only its SA counts them, and on the wire every ESP
# packet from the concentrator goes to it under its SPI.
for t in a b c; do
	read -r _ v outer spi _ _ < <(grep "^ccu$t " "$work/sas0")
	sas >"$work/before"
	ip netns exec "$R" timeout 30 tshark -q -i br0 -c 1000 -a duration:6 \
	    -f "udp and src host 10.0.0.2" -w "$work/cap-$t.pcap" \
	    >"$work/tshark-$t.log" 2>&1 &
	cap=$!
	poll_for 30 grep -q "Capturing on" "$work/tshark-$t.log" ||
		fail "tshark did not start"
	ip netns exec "$C" ping -q -c 5 -i 0.2 -W 2 -I 10.10.2.1 "$v" \
	    >/dev/null || fail "ping concentrator -> ccu$t ($v)"
	wait "$cap"
	sas >"$work/after"
	/usr/bin/python3 - "$work/before" "$work/after" "ccu$t" <<'EOF' ||
import sys
def load(p):
    return {l.split()[0]: l.split() for l in open(p)}
before, after, me = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
for cn in after:
    d_out = int(after[cn][4]) - int(before[cn][4])
    d_in = int(after[cn][5]) - int(before[cn][5])
    if cn == me:
        assert d_out >= 5 and d_in >= 5, (cn, d_out, d_in)
    else:
        assert d_out == 0 and d_in == 0, ("another SA moved", cn, d_out, d_in)
EOF
		fail "pings to ccu$t: counters of the wrong SA moved ($(cat "$work/before") / $(cat "$work/after"))"
	ip netns exec "$R" tshark -r "$work/cap-$t.pcap" -d udp.port==4500,udpencap \
	    -Y esp -T fields -e ip.dst -e esp.spi 2>/dev/null | sort -u \
	    >"$work/esp-$t"
	[ -s "$work/esp-$t" ] || fail "pings to ccu$t: no ESP captured"
	want=$(printf '%s\t0x%s\n' "$outer" "$spi")
	[ "$(cat "$work/esp-$t")" = "$want" ] ||
		fail "pings to ccu$t: ESP on the wire: $(cat "$work/esp-$t"), want only $want"
	echo "ok: pings to ccu$t ($v) leave only on its own SA (SPI 0x$spi to $outer), counters and capture agree"
done
# The concentrator rekeys every CHILD_SA (RFC 7296 §2.8): its TSr is
# each CCU's virtual IP, which the CCU's `dynamic` local_ts stands for;
# strongSwan and uipsecd must both accept, and the concentrator must take
# their answers. Each CCU ends with one CHILD_SA under new SPIs and still
# reaches the concentrator.
"$cli" rekey conc -s "$SOCK_C" >/dev/null || fail "uipsec rekey conc"
rekeyed() {
	sas >"$work/sas1"
	for t in a b c; do
		[ "$(grep -c "^ccu$t " "$work/sas1")" = 1 ] || return 1
		[ "$(awk -v n="ccu$t" '$1 == n { print $4 }' "$work/sas0")" != \
		    "$(awk -v n="ccu$t" '$1 == n { print $4 }' "$work/sas1")" ] ||
			return 1
	done
}
poll_for 30 rekeyed || fail "CHILD_SAs not rekeyed by the concentrator: $(sas)"
! grep -E 'TS_UNACCEPTABLE|not within ours' "$work"/*.log ||
	fail "a CHILD_SA rekey was refused"
ping_from "$A" "$(vip a)" 10.10.2.1 || fail "ping ccua -> concentrator after the rekey"
ping_from "$B" "$(vip b)" 10.10.2.1 || fail "ping ccub -> concentrator after the rekey"
ping_from "$D" "$(vip c)" 10.10.2.1 || fail "ping ccuc -> concentrator after the rekey"
echo "ok: the concentrator rekeyed the three CHILD_SAs (new SPIs: $(awk '{ printf "%s ", $4 }' "$work/sas1")), each CCU still reaches it"
# ccuc goes offline. Packets to its virtual IP, and to an address of the
# pool that nobody holds, are answered by the concentrator with an ICMP
# Destination Unreachable (host unreachable) from that address: the
# kernel's ping and TCP take it (a bad checksum or quote would be dropped),
# so an app fails at once instead of waiting for its own timeout.
vc=$(vip c)
uipsecd_stop "$PID_CCUC" || fail "ccuc did not shut down cleanly"
two_up() { [ "$(sas | wc -l)" = 2 ]; }
poll_for 30 two_up || fail "ccuc's CHILD_SA still on the concentrator: $(sas)"
for dst in "$vc" 10.10.1.200; do
	out=$(ip netns exec "$C" ping -c 1 -W 5 -I 10.10.2.1 "$dst" 2>&1)
	grep -q "From $dst icmp_seq=1 Destination Host Unreachable" <<<"$out" ||
		fail "ping $dst, no CCU there: $out"
	ip netns exec "$C" /usr/bin/python3 - "$dst" <<'EOF' ||
import errno, socket, sys
s = socket.socket()
s.settimeout(20)
s.bind(("10.10.2.1", 0))
try:
    s.connect((sys.argv[1], 80))
except OSError as e:
    sys.exit(0 if e.errno == errno.EHOSTUNREACH else f"connect: {e!r}")
sys.exit("connect succeeded")
EOF
		fail "TCP connect to $dst, no CCU there: not EHOSTUNREACH"
done
ip -n "$C" addr add fd00:2::1/64 dev "v-c-$$" nodad || fail "IPv6 address"
out=$(ip netns exec "$C" ping -6 -c 1 -W 5 -I fd00:2::1 fd00:10::5 2>&1)
grep -q "From fd00:10::5 icmp_seq=1 Destination unreachable: Address unreachable" \
    <<<"$out" || fail "ping fd00:10::5, no CCU there: $out"
sent=$("$cli" status --json -s "$SOCK_C" | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)["dataplane"]["out"]["icmp_unreachable"])')
[ "$sent" -ge 5 ] || fail "ICMP unreachable counted $sent, want >= 5"
ping_from "$B" "$(vip b)" 10.10.2.1 || fail "ping ccub -> concentrator after ccuc left"
echo "ok: ccuc offline: its address and a free pool address answer 'Destination Host Unreachable' at once (ping, TCP connect: EHOSTUNREACH), an IPv6 pool address 'Address unreachable' ($sent sent)"
echo "PASS: three_ccus"
