#!/usr/bin/env bash
# interop/lib/netns.sh — network-namespace helpers for uipsec's demos and
# namespace tests. Source it; every function works only inside namespaces
# the caller names and creates, and netns_cleanup removes them again.
#
#   netns_pair A B ADDR_A ADDR_B PREFIXLEN   two namespaces joined by a veth
#   netns_nat CCU NAT CONC                    CCU behind a masquerading NAT
#                                             namespace, CONC outside it
#   netns_nat_remap NAT [NEW_OUTSIDE_ADDR]    the NAT forgets its mappings:
#                                             new outer address and/or port
#   netns_cleanup NS...                       kill what runs there, delete
#   rand_hex BYTES                            fresh key material, as hex
#   uipsecd_ike_conf FILE CONF DIR [ADDRS]    a uipsecd config for IKE (below)
#   uipsecd_manual_conf ...                   a uipsecd config (see below)
#   uipsecd_start NS UIPSECD CONF LOG         start uipsecd, wait until up
#                                             (control socket: LOG's .sock)
#   uipsecd_stop PID                          SIGTERM, wait, its exit status
#   uipsecd_conc_conf DIR PKI POOL [ST [L]]   a concentrator for any CCU of a CA
#   fail_with_logs N MESSAGE FILE...          FAIL: MESSAGE, the last N lines
#                                             of each FILE there is, exit 1
#   wait_for CMD...                           retry a command for up to 30 s
#   poll_for SECONDS CMD...                   the same, for up to SECONDS
#   ping_from NS SRC DST                      two pings from inner address SRC
#   xfer_check FROM_NS SRC TO_NS DST FILE     FILE over TCP arrives identical

# netns_pair A B ADDR_A ADDR_B PREFIXLEN
netns_pair() {
	local a=$1 b=$2 addr_a=$3 addr_b=$4 plen=$5
	local va="v-${a:0:10}" vb="v-${b:0:10}"

	ip netns add "$a" && ip netns add "$b" || return 1
	ip link add "$va" netns "$a" type veth peer name "$vb" netns "$b" ||
		return 1
	ip -n "$a" link set lo up && ip -n "$b" link set lo up &&
	ip -n "$a" addr add "$addr_a/$plen" dev "$va" &&
	ip -n "$b" addr add "$addr_b/$plen" dev "$vb" &&
	ip -n "$a" link set "$va" up && ip -n "$b" link set "$vb" up
}

# netns_nat CCU NAT CONC: three namespaces in a line, the CCU on a private
# network behind NAT, which masquerades it toward CONC (a home router or a
# mobile carrier's NAT, RFC 3948 §2.3):
#
#   CCU 192.168.77.2/24 --- 192.168.77.1 NAT 10.0.0.1 --- 10.0.0.2/24 CONC
#
# The CCU's default route points at NAT; CONC has no route back into
# 192.168.77.0/24, so only masqueraded packets reach it. Masquerading picks a
# random source port for each new mapping ("random"), so a new mapping shows
# as a new address or port to CONC. Sets NAT_CCU_ADDR, NAT_INSIDE_ADDR,
# NAT_OUTSIDE_ADDR, NAT_CONC_ADDR and NAT_OUT_IF (the NAT's outer device).
netns_nat() {
	local ccu=$1 nat=$2 conc=$3
	NAT_CCU_ADDR=192.168.77.2 NAT_INSIDE_ADDR=192.168.77.1
	NAT_OUTSIDE_ADDR=10.0.0.1 NAT_CONC_ADDR=10.0.0.2
	NAT_OUT_IF="vo-${nat:0:9}"
	local vc="v-${ccu:0:10}" vi="vi-${nat:0:9}" vs="v-${conc:0:10}"

	ip netns add "$ccu" && ip netns add "$nat" && ip netns add "$conc" ||
		return 1
	ip link add "$vc" netns "$ccu" type veth peer name "$vi" netns "$nat" &&
	ip link add "$NAT_OUT_IF" netns "$nat" type veth peer name "$vs" \
	    netns "$conc" || return 1
	ip -n "$ccu" link set lo up && ip -n "$nat" link set lo up &&
	ip -n "$conc" link set lo up &&
	ip -n "$ccu" addr add "$NAT_CCU_ADDR/24" dev "$vc" &&
	ip -n "$nat" addr add "$NAT_INSIDE_ADDR/24" dev "$vi" &&
	ip -n "$nat" addr add "$NAT_OUTSIDE_ADDR/24" dev "$NAT_OUT_IF" &&
	ip -n "$conc" addr add "$NAT_CONC_ADDR/24" dev "$vs" &&
	ip -n "$ccu" link set "$vc" up && ip -n "$nat" link set "$vi" up &&
	ip -n "$nat" link set "$NAT_OUT_IF" up &&
	ip -n "$conc" link set "$vs" up &&
	ip -n "$ccu" route add default via "$NAT_INSIDE_ADDR" || return 1
	ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1 || return 1
	ip netns exec "$nat" nft -f - <<-EOF || return 1
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "$NAT_OUT_IF" masquerade random
		}
	}
	EOF
}

# netns_nat_remap NAT [NEW_OUTSIDE_ADDR]: the NAT loses its mappings, as a
# router does when it reboots or its binding times out: the outer address
# is taken away (masquerading then drops every mapping made with it) and
# put back, or replaced by NEW_OUTSIDE_ADDR (same /24 as CONC). The next
# packet of the CCU gets a new random port (and the new address).
netns_nat_remap() {
	local nat=$1 new=${2:-$NAT_OUTSIDE_ADDR}
	ip -n "$nat" addr del "$NAT_OUTSIDE_ADDR/24" dev "$NAT_OUT_IF" &&
	ip -n "$nat" addr add "$new/24" dev "$NAT_OUT_IF" || return 1
	NAT_OUTSIDE_ADDR=$new
}

# netns_cleanup NS...: SIGTERM to every process in the namespaces, then
# SIGKILL to what is left after 2 s, then the namespaces go (and with them
# the veth and TUN devices).
netns_cleanup() {
	local ns pids i
	for ns in "$@"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	for i in $(seq 20); do
		pids=$(for ns in "$@"; do ip netns pids "$ns" 2>/dev/null; done)
		[ -z "$pids" ] && break
		sleep 0.1
	done
	[ -n "$pids" ] && echo "$pids" | xargs -r kill -9 2>/dev/null
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# fail_with_logs N MESSAGE FILE...: how a suite fails: one line saying why,
# then the end of each log that exists (globs that matched nothing stay
# unexpanded and are skipped).
fail_with_logs() {
	local n=$1 msg=$2 f
	shift 2
	echo "FAIL: $msg" >&2
	for f in "$@"; do
		[ -e "$f" ] && { echo "--- $f" >&2; tail -"$n" "$f" >&2; }
	done
	exit 1
}

rand_hex() {
	od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
}

# uipsecd_ike_conf FILE SWANCTL_CONF SWANCTL_DIR [TUN_ADDRS [SECTION...]]:
# a uipsecd.conf (mode 0600) with TUN uipsec0 (TUN_ADDRS on it, if not
# empty) and its IKE connections from SWANCTL_CONF, credentials under
# SWANCTL_DIR; each SECTION (e.g. "keylog { ... }") is appended as it is.
uipsecd_ike_conf() {
	local f=$1 conf=$2 dir=$3 addrs=${4:-}
	shift 3
	[ $# -gt 0 ] && shift
	{
		printf 'tun {\n  name = uipsec0\n'
		[ -n "$addrs" ] && printf '  addrs = %s\n' "$addrs"
		printf '}\nike {\n  swanctl_conf = %s\n  swanctl_dir = %s\n}\n' \
		    "$conf" "$dir"
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} >"$f" && chmod 600 "$f"
}

# uipsecd_manual_conf FILE TUN_NAME TUN_ADDR LOCAL REMOTE LOCAL_TS REMOTE_TS
#                     PROPOSAL OUT_SPI IN_SPI OUT_ENC OUT_AUTH IN_ENC IN_AUTH
# (an empty *_AUTH leaves auth_key out, as AEAD suites want)
uipsecd_manual_conf() {
	local f=$1
	{
		echo "tun {"
		echo "  name = $2"
		echo "  addrs = $3"
		echo "  mtu = auto"
		echo "}"
		echo "manual {"
		echo "  tunnel {"
		echo "    local_addrs = $4"
		echo "    remote_addrs = $5"
		echo "    local_ts = $6"
		echo "    remote_ts = $7"
		echo "    esp_proposals = $8"
		echo "    replay_window = 1024"
		echo "    out {"
		echo "      spi = $9"
		echo "      enc_key = 0x${11}"
		[ -n "${12}" ] && echo "      auth_key = 0x${12}"
		echo "    }"
		echo "    in {"
		echo "      spi = ${10}"
		echo "      enc_key = 0x${13}"
		[ -n "${14}" ] && echo "      auth_key = 0x${14}"
		echo "    }"
		echo "  }"
		echo "}"
	} >"$f"
	chmod 600 "$f"
}

# uipsecd_conc_conf DIR PKI POOL [SIGN_THREADS [IKE_LINES]]: DIR/conc.conf and
# DIR/conc-swanctl.conf, a
# uipsecd concentrator on 10.0.0.2 that accepts any certificate of the CA in
# PKI (no remote id), gives each CCU a virtual IP from POOL and protects
# 10.10.2.0/24 (10.10.2.1 on its TUN); its own certificate is PKI's conc.pem.
# SIGN_THREADS: ike.sign_threads (none given: uipsecd's default).
# IKE_LINES: more "key = value" lines for its ike section, e.g. "\n"-separated.
uipsecd_conc_conf() {
	cat >"$1/conc-swanctl.conf" <<-EOF
	connections {
	  conc {
	    local_addrs = 10.0.0.2
	    proposals = aes256-sha256-ecp256
	    pools = ccus
	    local {
	      certs = conc.pem
	    }
	    children {
	      svc {
	        local_ts = 10.10.2.0/24
	        esp_proposals = aes256-sha1
	      }
	    }
	  }
	}
	pools {
	  ccus {
	    addrs = $3
	  }
	}
	EOF
	printf 'tun {\n  name = uipsec0\n  addrs = 10.10.2.1/32\n}\nike {\n  swanctl_conf = conc-swanctl.conf\n  swanctl_dir = %s\n%b%b}\n' \
	    "$2" "${4:+  sign_threads = $4\n}" "${5:+$5\n}" >"$1/conc.conf"
	chmod 600 "$1/conc.conf"
}

# wait_for CMD...: CMD must come true (a daemon up, a socket listening):
# 30 s, so that a loaded 2-core CI machine is not taken for a failure; it
# costs nothing when CMD succeeds at once. Never for things that must NOT
# happen (use a fixed sleep for those).
wait_for() {
	local i
	for i in $(seq 300); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# uipsecd_start NS UIPSECD CONF LOG: starts the daemon in NS and waits
# until it reports its tunnel up (device, addresses, routes). Sets
# UIPSECD_PID (not printed: the daemon must stay this shell's child).
uipsecd_start() {
	local ns=$1 bin=$2 conf=$3 log=$4
	# /run is shared between namespaces: each daemon its own control
	# socket beside its log (uipsec status -s "$UIPSECD_SOCK").
	UIPSECD_SOCK=${log%.log}.sock
	# the background job truncates LOG only when it gets to run: a LOG
	# left by an earlier daemon would say "up:" before this one is
	rm -f "$log"
	ip netns exec "$ns" "$bin" -s "$UIPSECD_SOCK" "$conf" >"$log" 2>&1 &
	UIPSECD_PID=$!
	# "up:" comes once the control socket listens; a daemon that exits
	# (a refused config) ends the wait at once
	wait_for uipsecd_ready "$log" "$UIPSECD_PID"
	if ! grep -q '^info: up:' "$log"; then
		echo "uipsecd in $ns did not come up:" >&2
		cat "$log" >&2
		return 1
	fi
}

uipsecd_ready() {	# LOG PID
	grep -q '^info: up:' "$1" || ! kill -0 "$2" 2>/dev/null
}

# uipsecd_stop PID: SIGTERM, then its exit status (0: it shut down cleanly).
# uipsec_bins BUILD_DIR [charon]: sets bin (uipsecd) and cli (uipsec) from
# BUILD_DIR; with "charon", strongSwan's charon must be there too. Says what
# is missing and returns 1 otherwise.
uipsec_bins() {
	local b
	b=$(cd "${1:?usage: ${0##*/} BUILD_DIR}" && pwd) || return 1
	bin=$b/tools/uipsecd cli=$b/tools/uipsec
	if [ ! -x "$bin" ] || [ ! -x "$cli" ]; then
		echo "FAIL: no $bin or $cli" >&2
		return 1
	fi
	if [ "${2:-}" = charon ] && [ ! -x "${SS_CHARON:-}" ]; then
		echo "FAIL: no strongSwan charon (${SS_CHARON:-})" >&2
		return 1
	fi
}

uipsecd_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

# ping_from NS SRC DST: two pings from inner address SRC (lo or TUN).
ping_from() {
	ip netns exec "$1" ping -q -c 2 -i 0.2 -W 2 -I "$2" "$3" >/dev/null
}

# xfer_check FROM_NS SRC TO_NS DST FILE: FILE over TCP (port 5001, through
# interop/lib/xfer.py) from SRC to DST, received byte-identical by SHA-256;
# FILE.got and FILE.recv hold what arrived and the receiver's output.
xfer_check() {
	local from=$1 src=$2 to=$3 dst=$4 file=$5 rpid
	local xfer
	xfer="$(dirname "${BASH_SOURCE[0]}")/xfer.py"
	rm -f "$file.got" "$file.recv"
	ip netns exec "$to" timeout 60 /usr/bin/python3 "$xfer" recv "$dst" \
	    5001 "$file.got" >"$file.recv" 2>&1 &
	rpid=$!
	wait_for grep -q listening "$file.recv" || return 1
	ip netns exec "$from" timeout 60 /usr/bin/python3 "$xfer" send "$src" \
	    "$dst" 5001 "$file" || return 1
	wait "$rpid" || return 1
	[ "$(sha256sum <"$file.got")" = "$(sha256sum <"$file")" ]
}

# poll_for SECONDS CMD...: retry CMD every 100 ms until it succeeds.
poll_for() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
