#!/usr/bin/env bash
# interop/lib/faults.sh — fault injection on a namespace's link, for the
# suites that check a tunnel survives a bad network (interop/tests/faults.sh)
# and the benchmarks. Source it after interop/lib/netns.sh.
#
#   faults_loss NS IFACE IN_PCT OUT_PCT   drop IN_PCT % of the UDP datagrams
#                                         arriving on IFACE and OUT_PCT % of
#                                         those leaving it, each on its own
#                                         (nftables numgen random; replaces
#                                         earlier loss rules in NS)
#   faults_loss_clear NS                  no more loss
#   faults_loss_count NS                  "IN OUT": datagrams dropped so far
#   faults_relay_start NS LISTEN TO LOG [relay.py options...]
#                                         interop/lib/relay.py in NS, between
#                                         a CCU sending to LISTEN and the
#                                         concentrator at TO; sets RELAY_PID
#   faults_relay_stop                     SIGTERM; its counters end up in LOG
#
# Loss rules sit in the prerouting and postrouting hooks, so they hit
# datagrams of the namespace itself and forwarded ones (a NAT or router
# namespace) alike, before connection tracking sees them. Only UDP is
# dropped: IKE, ESP in UDP and keepalives, never ARP or neighbour discovery.

faults_loss() {
	local ns=$1 ifc=$2 pin=$3 pout=$4
	faults_loss_clear "$ns"
	ip netns exec "$ns" nft -f - <<-EOF
	table inet uipsec_faults {
		chain pre {
			type filter hook prerouting priority raw - 10;
			iifname "$ifc" meta l4proto udp numgen random mod 100 < $pin counter drop
		}
		chain post {
			type filter hook postrouting priority srcnat + 10;
			oifname "$ifc" meta l4proto udp numgen random mod 100 < $pout counter drop
		}
	}
	EOF
}

faults_loss_clear() {
	ip netns exec "$1" nft delete table inet uipsec_faults 2>/dev/null
	return 0
}

faults_loss_count() {
	ip netns exec "$1" nft list table inet uipsec_faults 2>/dev/null |
		awk '/counter packets/ { for (i = 1; i < NF; i++)
			if ($i == "packets") printf "%s%s", n++ ? " " : "", $(i + 1) }
			END { print "" }'
}

faults_relay_start() {
	local ns=$1 listen=$2 to=$3 log=$4
	shift 4
	rm -f "$log"	# an old one would say "listening" too early
	ip netns exec "$ns" /usr/bin/python3 \
	    "$(dirname "${BASH_SOURCE[0]}")/relay.py" --listen "$listen" \
	    --to "$to" "$@" >"$log" 2>&1 &
	RELAY_PID=$!
	wait_for grep -q listening "$log" ||
		{ echo "relay in $ns did not start:" >&2; cat "$log" >&2; return 1; }
}

faults_relay_stop() {
	[ -n "${RELAY_PID:-}" ] || return 0
	kill -TERM "$RELAY_PID" 2>/dev/null
	wait "$RELAY_PID" 2>/dev/null
	RELAY_PID=
}
