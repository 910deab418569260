#!/usr/bin/env bash
# interop/demo.sh — a CCU dialling out to its concentrator, as in the field.
# Two namespaces, "ccu" (outer 10.0.0.1) and "concentrator" (10.0.0.2),
# joined by a veth. A fleet CA made with `uipsec pki` issues both
# certificates (ECDSA P-256); one uipsecd in each namespace reads a
# swanctl.conf (doc/ike-config.md). The CCU sets up IKEv2 with certificate
# authentication (aes256-sha256-ecp256) and an ESP CHILD_SA
# (aes256-sha1 by default, in UDP), asks for a virtual IP from the
# concentrator's pool and serves HTTP on it; the concentrator's side
# (10.10.2.1, where apps and voice assistants would be) fetches a page from
# the CCU through the tunnel, with no port forwarding at the CCU's end.
# Then: TCP throughput and a 64-byte UDP packet rate with iperf3, a CHILD_SA
# and an IKE SA rekey under a running ping, what IKE cost on the wire,
# uipsecd's memory; everything is removed at the end.
#
#   interop/demo.sh [-t SECONDS] [-p ESP_PROPOSAL] [-b BUILD_DIR] [-m MTU]
#
# -p picks another ESP proposal (aes256gcm16, chacha20poly1305, ...); -m sets
# the veth's (outer) MTU, 1500 by default; uipsecd derives its TUN MTU.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/interop/deps.sh"
. "$top/interop/lib/netns.sh"

secs=10 esp=aes256-sha1 build=$top/build mtu=1500
while getopts "t:p:b:m:h" o; do
	case $o in
	t) secs=$OPTARG ;;
	p) esp=$OPTARG ;;
	b) build=$OPTARG ;;
	m) mtu=$OPTARG ;;
	*) sed -n '2,19p' "$0"; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "demo: needs root (namespaces, TUN)" >&2; exit 1; }

A=ccu B=concentrator
work=$(mktemp -d /tmp/uipsec-demo.XXXXXX)
pid_a='' pid_b='' pid_http=''
cleanup() {
	[ -n "$pid_http" ] && kill "$pid_http" 2>/dev/null
	netns_cleanup $A $B
	rm -rf "$work"
}
trap cleanup EXIT
die() {
	echo "demo: $*" >&2
	for f in "$work"/*.log; do
		[ -e "$f" ] && { echo "--- $f" >&2; tail -15 "$f" >&2; }
	done
	exit 1
}
for ns in $A $B; do
	ip netns list | grep -qw "^$ns" && die "namespace $ns exists already"
done

uipsec_install_deps || die "cannot install dependencies"
echo "== building uipsec in $build"
uipsec_build "$build" || die "build failed"
bin=$build/tools/uipsecd cli=$build/tools/uipsec

echo "== a fleet CA and two certificates (uipsec pki, doc/pki.md)"
pki=$work/pki
"$cli" pki init-ca --dir "$pki" --key ecdsa256 \
    --dn "C=DE, O=Demo Fleet, CN=Demo Fleet CA" >/dev/null &&
"$cli" pki issue --dir "$pki" --profile concentrator --name vpn1 >/dev/null &&
"$cli" pki issue --dir "$pki" --profile ccu --name ccu-0042 >/dev/null ||
	die "uipsec pki failed"
"$cli" pki show "$pki/x509/ccu-0042.pem" | sed 's/^/   /' | head -8

# The CCU: dials out to one concentrator, asks for a virtual IP, reaches
# the concentrator's network. The concentrator: any CCU of the fleet CA
# (a wildcard identity), a virtual IP each from its pool.
cat >"$work/ccu-swanctl.conf" <<EOF
connections {
  ccu {
    local_addrs = 10.0.0.1
    remote_addrs = 10.0.0.2
    proposals = aes256-sha256-ecp256
    vips = 0.0.0.0
    local {
      certs = ccu-0042.pem
    }
    remote {
      id = "C=DE, O=Demo Fleet, CN=vpn1"
    }
    children {
      home {
        remote_ts = 10.10.2.0/24
        esp_proposals = $esp
        start_action = start
      }
    }
  }
}
EOF
cat >"$work/conc-swanctl.conf" <<EOF
connections {
  fleet {
    local_addrs = 10.0.0.2
    proposals = aes256-sha256-ecp256
    pools = ccus
    unique = replace
    local {
      certs = vpn1.pem
    }
    remote {
      id = "C=DE, O=Demo Fleet, CN=*"
    }
    children {
      home {
        local_ts = 10.10.2.0/24
        esp_proposals = $esp
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
uipsecd_ike_conf "$work/ccu.conf" "$work/ccu-swanctl.conf" "$pki"
uipsecd_ike_conf "$work/conc.conf" "$work/conc-swanctl.conf" "$pki" 10.10.2.1/32
echo "-- the CCU's swanctl.conf:"
sed 's/^/   /' "$work/ccu-swanctl.conf"
"$bin" --check-config "$work/ccu.conf" >/dev/null &&
"$bin" --check-config "$work/conc.conf" >/dev/null || die "--check-config"

echo "== namespaces $A (10.0.0.1) and $B (10.0.0.2), outer MTU $mtu"
netns_pair $A $B 10.0.0.1 10.0.0.2 24 || die "cannot create namespaces"
ip -n $A link set "v-$A" mtu "$mtu" && ip -n $B link set "v-${B:0:10}" mtu "$mtu" ||
	die "cannot set MTU $mtu"
uipsecd_start $B "$bin" "$work/conc.conf" "$work/conc.log" || die "uipsecd $B"
pid_b=$UIPSECD_PID sock_b=$UIPSECD_SOCK
uipsecd_start $A "$bin" "$work/ccu.conf" "$work/ccu.log" || die "uipsecd $A"
pid_a=$UIPSECD_PID sock_a=$UIPSECD_SOCK
child_up() { "$cli" status -s "$1" | grep -q '^  home: IKE, INSTALLED'; }
poll_for 20 child_up "$sock_a" && poll_for 10 child_up "$sock_b" ||
	die "no CHILD_SA within 20 s"
grep -h -E 'established|installed' "$work/ccu.log" | sed 's/^/   ccu: /'
vip=$(ip -n $A -4 -o addr show dev uipsec0 | awk '{ sub("/.*", "", $4); print $4; exit }')
[ -n "$vip" ] || die "no virtual IP on the CCU's TUN"
echo "-- uipsec status on the concentrator:"
"$cli" status -s "$sock_b" | sed 's/^/   /'

echo "== the concentrator reaches the CCU's web server ($vip:80) through the tunnel"
mkdir -p "$work/www" && echo "HomeMatic CCU ccu-0042: hello through IPsec" \
    >"$work/www/index.html"
ip netns exec $A /usr/bin/python3 -m http.server 80 --bind "$vip" \
    --directory "$work/www" >"$work/http.log" 2>&1 &
pid_http=$!
http_get() {
	ip netns exec $B /usr/bin/python3 - "$vip" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=3,
                             source_address=("10.10.2.1", 0))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = b""
while chunk := s.recv(4096):
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
print("  ", head.split(b"\r\n")[0].decode(), "|", body.decode().strip())
PY
}
poll_for 10 http_get || die "HTTP through the tunnel failed"
http_get

echo "== iperf3 TCP, $secs s, $A -> $B"
ip netns exec $B iperf3 -s -D -B 10.10.2.1 -I "$work/iperf.pid" >/dev/null
wait_for ip netns exec $B ss -ltn sport = :5201 | grep -q 5201
ip netns exec $A iperf3 -c 10.10.2.1 -B "$vip" -t "$secs" -f m |
	grep -E 'sender|receiver' || die "iperf3 TCP failed"

echo "== iperf3 UDP, 64-byte datagrams, unlimited rate, 5 s, $A -> $B"
ip netns exec $A iperf3 -c 10.10.2.1 -B "$vip" -u -l 64 -b 0 -t 5 \
    --json >"$work/udp.json" || die "iperf3 UDP failed"
/usr/bin/python3 - "$work/udp.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["end"]["sum"]
secs = s["seconds"] or 1
got = s["packets"] - s["lost_packets"]
print(f"   sent {s['packets'] / secs / 1000:.0f} kpps, received {got / secs / 1000:.0f} kpps"
      f" ({s['lost_percent']:.1f} % lost)")
PY

echo "== rekeying under a ping every 50 ms: CHILD_SA, then IKE SA (uipsec rekey)"
spis() {
	"$cli" status --json -s "$sock_a" | /usr/bin/python3 -c '
import json, sys
for sa in json.load(sys.stdin)["ike_sas"]:
    print("IKE", sa["spi_i"], " ".join("CHILD " + c["in"]["spi"] for c in sa["child_sas"]))'
}
before=$(spis)
ip netns exec $B ping -q -c 80 -i 0.05 -I 10.10.2.1 "$vip" >"$work/ping.out" &
pid_ping=$!
sleep 1
"$cli" rekey ccu -s "$sock_a" >/dev/null || die "uipsec rekey ccu"
sleep 1
"$cli" rekey --ike ccu -s "$sock_a" >/dev/null || die "uipsec rekey --ike ccu"
wait $pid_ping
echo "   SPIs before: $before"
echo "   SPIs after:  $(spis)"
grep -E 'rekeyed' "$work/ccu.log" | sed 's/^info: /   ccu: /'
grep -E 'packets transmitted' "$work/ping.out" | sed 's/^/   ping: /'

echo "== what IKE cost: every IKE message either side sent (UDP payload bytes)"
for side in ccu conc; do
	sed -nE 's/.*: sending ([A-Z_]+) (request|response) [0-9]+ \(([0-9]+) bytes\)/\1 \3/p' \
	    "$work/$side.log" |
	awk -v side=$side '{ n[$1]++; b[$1] += $2; t += $2 }
	    END { printf "   %-4s sent %5d B:", side, t
		for (x in b) printf " %s %d x, %d B;", x, n[x], b[x]; print "" }'
done
echo "   (set-up, then one CHILD_SA rekey and one IKE SA rekey with their Deletes)"

rss() { awk '/VmRSS/ { r = $2 } /RssAnon/ { a = $2 }
	END { print r " kB (private " a " kB)" }' "/proc/$1/status"; }
echo "== uipsecd memory: $A $(rss $pid_a), $B $(rss $pid_b)"

"$cli" down ccu -s "$sock_a" >/dev/null || die "uipsec down"
uipsecd_stop $pid_a && uipsecd_stop $pid_b || die "uipsecd did not exit cleanly"
grep -h -E '^info: (out|in) ' "$work/ccu.log" | sed 's/^info: /   ccu: /'
echo "== done; namespaces removed"
