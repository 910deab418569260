#!/usr/bin/env bash
# interop/lib/peers.sh — one tunnel between an initiator ("init", the CCU)
# and a responder ("resp", the concentrator), driven the same way whether a
# side is strongSwan's charon (IMPL "ss", kernel-libipsec) or uipsecd (IMPL
# "uipsec"). Used by interop/bench.sh, interop/wire_budget.sh and
# interop/soak.sh. Source it after interop/lib/netns.sh and
# interop/lib/strongswan.sh.
#
# The caller sets:
#   PEER_WORK        a directory; certificates go to PEER_WORK/ca-SUITE
#   OUT_I OUT_R      outer addresses of initiator and responder
#   PEER_REMOTE_I    the responder's remote_addrs (default OUT_I; %any when
#                    the initiator sits behind a NAT)
#   PEER_REMOTE_R    the initiator's remote_addrs (default OUT_R; a relay's
#                    address when one sits between them)
#   IN_I IN_R        inner addresses (/32 on lo of each namespace)
#   UIPSECD UIPSEC   uipsecd and uipsec binaries (IMPL uipsec)
#   PEER_SS_OPTS     (optional array) KEY=VALUE lines for charon { } in
#                    strongswan.conf, e.g. keep_alive=20s
#   PEER_UIPSECD_IKE (optional array) "KEY = VALUE" lines for the ike { }
#                    section of uipsecd's own configuration
#   PEER_UIPSECD_CONF (optional array) more lines of uipsecd's own
#                    configuration, e.g. a keylog { } section
#   PEER_CHILD_KEYS  (optional array) KEY=VALUE of ss_conn_write for every
#                    connection written (both implementations read it)
#
#   PEER_ESP         (optional) ESP proposals instead of aes256-sha1, e.g.
#                    aes256-sha1-ecp256 for PFS in CHILD_SA rekeys
# Suites (peer_suite SUITE sets keytype, ike, esp; ESP aes256-sha1 in all):
#   ecdsa   ECDSA P-256 certificates, IKE aes256-sha256-ecp256
#   rsa     RSA-2048 certificates, IKE aes256-sha1-modp2048
#
#   peer_certs SUITE                   CA, init and resp certificates
#   peer_IMPL_start ROLE NS DIR SUITE [KEY=VALUE...]
#                                      ROLE init or resp; write the
#                                      connection "bench" (KEY=VALUE as
#                                      ss_conn_write's) and start the daemon
#   peer_IMPL_up DIR                   initiate; return when the CHILD_SA is up
#   peer_IMPL_child_up DIR             true if the CHILD_SA is installed now
#   peer_IMPL_down DIR                 delete the IKE_SA; return when it is gone
#   peer_IMPL_sa_gone DIR              true when DIR's side holds no IKE_SA
#   peer_IMPL_rss_kb DIR               the daemon's VmRSS in kB
#   peer_IMPL_pid DIR                  the daemon's pid
#   peer_IMPL_spis DIR                 "ike SPI" (initiator's SPI) and
#                                      "child SPI" (inbound) lines, one per
#                                      SA in use (an IKE SA whose Delete is
#                                      still being retransmitted is not)
#   peer_IMPL_stop DIR                 stop the daemon
#   peer_setup_wire PCAP               IKE set-ups in a capture (see there)
# Identities: init.bench.test and resp.bench.test.

peer_say() { echo "${0##*/}: $*" >&2; }

# peer_suite SUITE: sets keytype, ike, esp
peer_suite() {
	esp=${PEER_ESP:-aes256-sha1}
	case $1 in
	ecdsa) keytype=ecdsa256 ike=aes256-sha256-ecp256 ;;
	rsa) keytype=rsa2048 ike=aes256-sha1-modp2048 ;;
	*) peer_say "unknown suite '$1'"; return 1 ;;
	esac
}

# peer_certs SUITE: PEER_WORK/ca-SUITE with x509/init.pem and x509/resp.pem
peer_certs() {
	local ca=$PEER_WORK/ca-$1
	peer_suite "$1" || return 1
	ss_pki_ca "$ca" "C=DE, O=uipsec, CN=bench CA" "$keytype" &&
	ss_pki_issue "$ca" init key="$keytype" profile=ccu \
	    san=dns:init.bench.test &&
	ss_pki_issue "$ca" resp key="$keytype" profile=concentrator \
	    san=dns:resp.bench.test
}

# peer_ss_conn ROLE DIR SUITE [KEY=VALUE...]: DIR/swanctl/conf.d/bench.conf,
# the connection both implementations read
peer_ss_conn() {
	local role=$1 dir=$2 suite=$3 peer local_addr remote_addr lts rts
	shift 3
	peer_suite "$suite" || return 1
	if [ "$role" = init ]; then
		peer=resp local_addr=$OUT_I remote_addr=${PEER_REMOTE_R:-$OUT_R}
		lts=$IN_I rts=$IN_R
	else
		peer=init local_addr=$OUT_R remote_addr=${PEER_REMOTE_I:-$OUT_I}
		lts=$IN_R rts=$IN_I
	fi
	ss_conn_write "$dir" bench local_addrs="$local_addr" \
	    remote_addrs="$remote_addr" local_id="$role.bench.test" \
	    local_cert="$role.pem" remote_id="$peer.bench.test" \
	    proposals="$ike" esp_proposals="$esp" local_ts="$lts/32" \
	    remote_ts="$rts/32" start_action=none \
	    ${PEER_CHILD_KEYS[@]+"${PEER_CHILD_KEYS[@]}"} "$@"
}

peer_ss_start() {
	local role=$1 ns=$2 dir=$3 suite=$4
	shift 4
	# no key log and level-1 logging: both are written in the set-up path
	ss_instance "$dir" keylog=no loglevel=1 \
	    ${PEER_SS_OPTS[@]+"${PEER_SS_OPTS[@]}"} &&
	ss_certs_install "$PEER_WORK/ca-$suite" "$role" "$dir" &&
	peer_ss_conn "$role" "$dir" "$suite" "$@" &&
	ss_start "$ns" "$dir"
}
# swanctl --initiate exits 0 only once the CHILD_SA is established
peer_ss_up() {
	ss_swanctl "$1" --initiate --child bench --timeout 30 >/dev/null 2>&1 ||
		{ peer_say "swanctl --initiate failed"; return 1; }
}
peer_ss_child_up() { ss_child_up "$1" bench; }
peer_ss_down() { ss_terminate "$1" bench 10; }
peer_ss_sa_gone() { ss_ike_gone "$1" bench; }
peer_ss_rss_kb() { ss_rss_kb "$1"; }
peer_ss_pid() { cat "$1/charon.pid"; }
peer_ss_spis() {
	ss_swanctl "$1" --list-sas 2>/dev/null | sed -nE \
	    -e 's/^bench: #[0-9]+, [A-Z_]+, IKEv2, ([0-9a-f]+)_i.*/ike \1/p' \
	    -e 's/^ +in +([0-9a-f]+)[ ,(].*/child \1/p'
}
peer_ss_stop() { ss_stop "$1"; }

# uipsecd: the same swanctl tree and connection file as charon's, read
# through uipsecd's own config; inner addresses stay on lo, uipsecd routes
# the remote selector into its TUN.
peer_uipsec_start() {
	local role=$1 ns=$2 dir=$3 suite=$4
	shift 4
	mkdir -p "$dir" && ss_swanctl_init "$dir" &&
	ss_certs_install "$PEER_WORK/ca-$suite" "$role" "$dir" &&
	peer_ss_conn "$role" "$dir" "$suite" encap=yes "$@" || return 1
	{
		printf 'tun {\n  name = uipsec0\n}\nike {\n'
		printf '  swanctl_conf = %s\n  swanctl_dir = %s\n' \
		    "$dir/swanctl/conf.d/bench.conf" "$dir/swanctl"
		[ -n "${PEER_UIPSECD_IKE[*]:-}" ] &&
			printf '  %s\n' "${PEER_UIPSECD_IKE[@]}"
		printf '}\n'
		[ -n "${PEER_UIPSECD_CONF[*]:-}" ] &&
			printf '%s\n' "${PEER_UIPSECD_CONF[@]}"
		:
	} >"$dir/uipsecd.conf"
	chmod 600 "$dir/uipsecd.conf"
	uipsecd_start "$ns" "$UIPSECD" "$dir/uipsecd.conf" "$dir/uipsecd.log" ||
		return 1
	echo "$UIPSECD_PID" >"$dir/uipsecd.pid"
}
peer_uipsec_child_up() {
	"$UIPSEC" status -s "$1/uipsecd.sock" 2>/dev/null |
		grep -q '^  bench: IKE, INSTALLED'
}
# `uipsec up` returns once the initiation started: poll for the CHILD_SA
peer_uipsec_up() {
	local i
	"$UIPSEC" up bench -s "$1/uipsecd.sock" >/dev/null ||
		{ peer_say "uipsec up failed"; return 1; }
	for ((i = 0; i < 6000; i++)); do
		peer_uipsec_child_up "$1" && return 0
		sleep 0.005
	done
	peer_say "uipsecd: no CHILD_SA 30 s after uipsec up"
	return 1
}
peer_uipsec_sa_gone() {
	! "$UIPSEC" status -s "$1/uipsecd.sock" 2>/dev/null | grep -q '^bench: #'
}
peer_uipsec_down() {
	"$UIPSEC" down bench -s "$1/uipsecd.sock" >/dev/null &&
	ss_poll 30 peer_uipsec_sa_gone "$1" ||
		{ peer_say "uipsec down: IKE_SA still there"; return 1; }
}
peer_uipsec_pid() { cat "$1/uipsecd.pid"; }
peer_uipsec_spis() {
	"$UIPSEC" status --json -s "$1/uipsecd.sock" 2>/dev/null |
	/usr/bin/python3 -c 'import json, sys
for s in json.load(sys.stdin)["ike_sas"]:
    if s["state"] != "ESTABLISHED":
        continue
    print("ike", s["spi_i"])
    for c in s["child_sas"]:
        if c["state"] in ("INSTALLED", "REKEYING"):
            print("child", c["in"]["spi"])'
}
peer_uipsec_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(peer_uipsec_pid "$1")/status"
}
peer_uipsec_stop() {
	[ -f "$1/uipsecd.pid" ] || return 0
	uipsecd_stop "$(cat "$1/uipsecd.pid")"
	rm -f "$1/uipsecd.pid"
}

# peer_setup_wire PCAP: one line per IKE_SA set-up in the capture, "MS
# BYTES FRAMES": first IKE_SA_INIT request (exchange 34) to the last
# IKE_AUTH (35) response, IP bytes and frames in between (the deletes
# between two set-ups fall outside). tshark reads the IKE header on 500 and
# on 4500 (after the non-ESP marker) and sees IKE_AUTH fragments as
# exchange 35.
peer_setup_wire() {
	tshark -r "$1" -Y isakmp -T fields -E separator=' ' -e frame.time_epoch \
	    -e ip.len -e isakmp.exchangetype -e isakmp.flag_r 2>/dev/null |
	awk '
	function flush() { if (t1) printf "%.3f %d %d\n", (t1 - t0) * 1000, bt, ft; t1 = 0 }
	{ r = ($4 == "True" || $4 == "1") }
	$3 == 34 && !r && (!t0 || t1) { flush(); t0 = $1; by = fr = 0 }
	t0 { by += $2; fr++ }
	$3 == 35 && r && t0 { t1 = $1; bt = by; ft = fr }
	END { flush() }'
}
