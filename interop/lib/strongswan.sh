#!/usr/bin/env bash
# interop/lib/strongswan.sh — Debian's strongSwan (charon + swanctl) as an
# interop peer inside network namespaces. Source it after interop/lib/netns.sh.
# Facts behind each choice: ../shared/STRONGSWAN-NOTES.md.
#
# One strongSwan "instance" is a directory DIR (keep its path short: the vici
# socket lives in it and a UNIX socket path has at most 107 bytes):
#   DIR/strongswan.conf      charon, swanctl and pki sections (ss_conf_write)
#   DIR/swanctl/             SWANCTL_DIR: x509/ x509ca/ private/ x509crl/ conf.d/
#   DIR/charon.vici          vici socket (outside /run: charon's /run is private)
#   DIR/charon.log           charon's log, default level 1 (ike/cfg at loglevel)
#   DIR/keys.log             IKE and CHILD_SA keys, SPIs, proposals (ike=4 chd=4
#                            mgr=2 cfg=1) for Wireshark tables; keylog=no drops it
#   DIR/charon.out           charon's stdout/stderr
#   DIR/charon.pid           pid of the charon started by ss_start
#
# Configuration
#   ss_conf_write DIR [keylog=yes|no] [loglevel=N] [KEY=VALUE...]
#                                          strongswan.conf; loglevel: ike and cfg
#                                          in charon.log (2); other KEY=VALUE
#                                          lines go into charon { }
#   ss_swanctl_init DIR                    the credential tree and swanctl.conf
#   ss_conn_write DIR NAME KEY=VALUE...    conf.d/NAME.conf, one connection
#   ss_pool_write DIR NAME ADDRS           conf.d/pool-NAME.conf, an address pool
#   ss_instance DIR [OPTIONS...]           ss_conf_write + ss_swanctl_init
# Certificates (backend switch: SS_PKI=strongswan (default) or uipsec, with
# SS_UIPSEC=path/to/uipsec, as set by ss_pki_use_uipsec BUILD/tools/uipsec;
# both write the same tree as `uipsec pki`:
# CADIR/ca/{cert,key}.pem, CADIR/x509ca/ca.pem, CADIR/x509/NAME.pem,
# CADIR/private/NAME.pem, CADIR/x509crl/)
#   ss_pki_ca CADIR DN [KEYTYPE]           a root CA (KEYTYPE ecdsa256 default,
#                                          ecdsa384, rsa2048, rsa3072, ed25519)
#   ss_pki_issue CADIR NAME KEY=VALUE...   an end-entity cert: key= profile=
#                                          ccu|concentrator dn= san=TYPE:VALUE
#                                          (repeatable; dns: ip: email:)
#                                          not_before= not_after= (YYYY-MM-DD)
#   ss_pki_revoke CADIR NAME               revoke NAME, refresh the CRL
#   ss_certs_install CADIR NAME DIR        CA certs, CRLs, NAME's cert and key
#                                          into DIR's swanctl tree
# charon
#   ss_start NS DIR                        charon in NS with a private /run;
#                                          waits for vici, then ss_load
#   ss_swanctl DIR ARGS...                 swanctl against DIR's charon
#   ss_load DIR                            swanctl --load-all, flush cached CRLs
#   ss_initiate DIR CHILD [TIMEOUT_S]      initiate, then ss_wait_child_up
#   ss_wait_child_up DIR CHILD [TIMEOUT_S] poll until CHILD is INSTALLED
#   ss_child_up DIR CHILD                  true if CHILD is INSTALLED now
#   ss_terminate DIR IKE [TIMEOUT_S]       delete the IKE_SA, wait until gone
#   ss_ike_gone DIR IKE                    true if no IKE_SA IKE is listed
#   ss_list_sas DIR                        swanctl --list-sas
#   ss_rss_kb DIR                          charon's VmRSS in kB
#   ss_stop DIR                            SIGTERM, wait (SIGKILL after 5 s)
#   ss_cleanup DIR...                      ss_stop each; never fails
#   ss_poll SECONDS CMD...                 retry CMD every 50 ms until it succeeds

SS_CHARON=${SS_CHARON:-/usr/lib/ipsec/charon}
SS_PKI=${SS_PKI:-strongswan}

# kernel-libipsec before kernel-netlink: the first kernel-ipsec backend
# registered wins (this kernel has no ESP); kernel-netlink is left with
# addresses, the policy-routing rule (table 220) and routes.
SS_CHARON_PLUGINS=${SS_CHARON_PLUGINS:-"random nonce openssl kdf pem pkcs1 \
pkcs8 x509 constraints pubkey revocation kernel-libipsec kernel-netlink \
socket-default vici"}
SS_TOOL_PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 pubkey"

ss_err() { echo "strongswan.sh: $*" >&2; return 1; }

# ss_conf_write DIR [keylog=yes|no] [loglevel=N] [KEY=VALUE...]
# STRONGSWAN_CONF replaces /etc/strongswan.conf and all it includes, so
# nothing of the host's configuration leaks in.
ss_conf_write() {
	local dir=$1 keylog=yes level=2 kv; shift
	local -a extra=()
	for kv in "$@"; do
		case $kv in
		keylog=yes|keylog=no) keylog=${kv#keylog=} ;;
		loglevel=*) level=${kv#loglevel=} ;;
		*=*) extra+=("$kv") ;;
		*) ss_err "ss_conf_write: '$kv' is not KEY=VALUE"; return 1 ;;
		esac
	done
	mkdir -p "$dir" || return 1
	{
		echo "charon {"
		echo "  load_modular = no"
		echo "  load = $SS_CHARON_PLUGINS"
		for kv in "${extra[@]}"; do echo "  ${kv%%=*} = ${kv#*=}"; done
		echo "  plugins {"
		echo "    vici { socket = unix://$dir/charon.vici }"
		echo "  }"
		echo "  filelog {"
		echo "    main {"
		echo "      path = $dir/charon.log"
		echo "      time_format = %T"
		echo "      time_add_ms = yes"
		echo "      ike_name = yes"
		echo "      append = no"
		echo "      flush_line = yes"
		echo "      default = 1"
		echo "      ike = $level"
		echo "      cfg = $level"
		echo "    }"
		if [ "$keylog" = yes ]; then
			# level 4 is what prints "Sk_ei secret => ..." and
			# "encryption initiator key => ..."; mgr=2 the SPIs.
			echo "    keys {"
			echo "      path = $dir/keys.log"
			echo "      time_format = %T"
			echo "      time_add_ms = yes"
			echo "      ike_name = yes"
			echo "      append = no"
			echo "      flush_line = yes"
			echo "      default = 0"
			echo "      ike = 4"
			echo "      chd = 4"
			echo "      mgr = 2"
			echo "      cfg = 1"
			echo "    }"
		fi
		echo "  }"
		echo "}"
		echo "swanctl { load = $SS_TOOL_PLUGINS }"
		echo "pki { load = $SS_TOOL_PLUGINS }"
	} >"$dir/strongswan.conf"
}

# ss_swanctl_init DIR
ss_swanctl_init() {
	local d=$1/swanctl sub
	# every directory --load-all reads: a missing one is an error line
	for sub in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private \
	    rsa ecdsa bliss pkcs8 pkcs12 conf.d; do
		mkdir -p "$d/$sub" || return 1
	done
	chmod 700 "$d/private" "$d/rsa" "$d/ecdsa" "$d/bliss" "$d/pkcs8" "$d/pkcs12"
	echo 'include conf.d/*.conf' >"$d/swanctl.conf"
}

ss_instance() {
	local dir=$1; shift
	ss_conf_write "$dir" "$@" && ss_swanctl_init "$dir"
}

# ss_conn_write DIR NAME KEY=VALUE...
# Keys (strongSwan's meaning; defaults in brackets):
#   connection: local_addrs remote_addrs proposals [default] vips pools
#     dpd_delay rekey_time reauth_time send_cert encap mobike fragmentation
#     version [2], and any other connection-level swanctl key
#   local_id local_cert (file in x509/) local_auth [pubkey]
#   remote_id remote_auth [pubkey] remote_cacerts remote_revocation
#   child [NAME] local_ts remote_ts esp_proposals [default] start_action
#     child_rekey_time dpd_action close_action mode [tunnel]
#   local.K=V remote.K=V child.K=V  any other key of those sections
# A child=NAME after child keys starts another child: the child keys that
# follow are its own (several children of one connection).
ss_conn_write() {
	local dir=$1 name=$2 kv k v i nc=0; shift 2
	local -a conn=() loc=() rem=() cname=("$name") cbody=("")
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		[ "$k" = "$kv" ] && { ss_err "ss_conn_write: '$kv' is not KEY=VALUE"; return 1; }
		case $k in
		child)
			if [ -n "${cbody[nc]}" ]; then
				nc=$((nc + 1)) cbody[nc]=''
			fi
			cname[nc]=$v ;;
		local_id) loc+=("id = $v") ;;
		local_cert) loc+=("certs = $v") ;;
		local_auth) loc+=("auth = $v") ;;
		remote_id) rem+=("id = $v") ;;
		remote_auth) rem+=("auth = $v") ;;
		remote_cacerts) rem+=("cacerts = $v") ;;
		remote_revocation) rem+=("revocation = $v") ;;
		local_ts|remote_ts|esp_proposals|start_action|dpd_action|\
		close_action|mode) cbody[nc]+="        $k = $v"$'\n' ;;
		child_rekey_time) cbody[nc]+="        rekey_time = $v"$'\n' ;;
		local.*) loc+=("${k#local.} = $v") ;;
		remote.*) rem+=("${k#remote.} = $v") ;;
		child.*) cbody[nc]+="        ${k#child.} = $v"$'\n' ;;
		*) conn+=("$k = $v") ;;
		esac
	done
	printf '%s\n' "${loc[@]}" | grep -q '^auth =' || loc+=("auth = pubkey")
	printf '%s\n' "${rem[@]}" | grep -q '^auth =' || rem+=("auth = pubkey")
	printf '%s\n' "${conn[@]}" | grep -q '^version =' || conn+=("version = 2")
	{
		echo "connections {"
		echo "  $name {"
		printf '    %s\n' "${conn[@]}"
		echo "    local {"
		printf '      %s\n' "${loc[@]}"
		echo "    }"
		echo "    remote {"
		printf '      %s\n' "${rem[@]}"
		echo "    }"
		echo "    children {"
		for ((i = 0; i <= nc; i++)); do
			echo "      ${cname[i]} {"
			printf '%s' "${cbody[i]}"
			echo "      }"
		done
		echo "    }"
		echo "  }"
		echo "}"
	} >"$dir/swanctl/conf.d/$name.conf"
}

# ss_pool_write DIR NAME ADDRS (e.g. 10.3.0.0/24 or 10.3.0.1-10.3.0.9)
ss_pool_write() {
	printf 'pools {\n  %s {\n    addrs = %s\n  }\n}\n' "$2" "$3" \
	    >"$1/swanctl/conf.d/pool-$2.conf"
}

# --- certificates -----------------------------------------------------------

# strongSwan's pki prints a line per plugin it cannot load unless it reads a
# strongswan.conf with an explicit list: give it one of its own.
ss_pki_sw() {
	STRONGSWAN_CONF=$SS_PKI_CONF pki "$@"
}

# ss_pki_use_uipsec UIPSEC: switch the generator to `UIPSEC pki` if that
# binary has the pki command (false, and no switch, otherwise).
ss_pki_use_uipsec() {
	"$1" pki --help 2>&1 | grep -q init-ca || return 1
	SS_PKI=uipsec SS_UIPSEC=$1
}

# ss_pki_keytype KEYTYPE: "TYPE SIZE" for strongSwan's pki --gen
ss_pki_keytype() {
	case $1 in
	ecdsa256|ecdsa384|ecdsa521) echo "ecdsa ${1#ecdsa}" ;;
	rsa2048|rsa3072|rsa4096) echo "rsa ${1#rsa}" ;;
	ed25519) echo "ed25519 0" ;;
	*) ss_err "unknown key type '$1'" ;;
	esac
}

ss_pki_sw_gen() {	# KEYTYPE OUTFILE
	local t s
	read -r t s <<<"$(ss_pki_keytype "$1")" || return 1
	[ -n "$t" ] || return 1
	if [ "$t" = ed25519 ]; then
		ss_pki_sw --gen --type "$t" --outform pem >"$2"
	else
		ss_pki_sw --gen --type "$t" --size "$s" --outform pem >"$2"
	fi && chmod 600 "$2"
}

ss_pki_sw_init() {	# CADIR: the pki tool's own strongswan.conf
	SS_PKI_CONF=$1/ca/strongswan.conf
	[ -f "$SS_PKI_CONF" ] ||
		echo "pki { load = $SS_TOOL_PLUGINS }" >"$SS_PKI_CONF"
}

# ss_pki_ca CADIR DN [KEYTYPE]
ss_pki_ca() {
	local ca=$1 dn=$2 kt=${3:-ecdsa256} sub
	case $SS_PKI in
	uipsec)
		"$SS_UIPSEC" pki init-ca --dir "$ca" --dn "$dn" --key "$kt" \
		    >/dev/null &&
		mv "$ca"/x509ca/*.pem "$ca/x509ca/ca.pem"  # one name for both
		return ;;
	strongswan) ;;
	*) ss_err "SS_PKI is strongswan or uipsec, not '$SS_PKI'"; return 1 ;;
	esac
	for sub in ca x509 x509ca private x509crl; do
		mkdir -p "$ca/$sub" || return 1
	done
	ss_pki_sw_init "$ca"
	ss_pki_sw_gen "$kt" "$ca/ca/key.pem" &&
	ss_pki_sw --self --ca --lifetime 3650 --in "$ca/ca/key.pem" \
	    --dn "$dn" --outform pem >"$ca/ca/cert.pem" &&
	cp "$ca/ca/cert.pem" "$ca/x509ca/ca.pem" && ss_pki_sw_crl "$ca"
}

# ss_pki_sw_crl CADIR [SERIAL]: a fresh CRL, with SERIAL (hex) added to the
# ones of the last CRL. --lastcrl carries the old entries over and counts up
# the CRL number, so a peer prefers the new CRL to a cached one; --reason
# applies to the --serial after it.
ss_pki_sw_crl() {
	local ca=$1 crl=$1/x509crl/ca.crl
	local -a args=()
	[ -n "${2:-}" ] && args+=(--reason key-compromise --serial "$2")
	[ -f "$crl" ] && mv "$crl" "$ca/ca/last.crl" &&
		args+=(--lastcrl "$ca/ca/last.crl")
	ss_pki_sw --signcrl --cacert "$ca/ca/cert.pem" --cakey "$ca/ca/key.pem" \
	    --lifetime 15 "${args[@]}" --outform pem >"$crl"
}

# ss_pki_issue CADIR NAME [key=KEYTYPE] [profile=ccu|concentrator] [dn=DN]
#              [san=TYPE:VALUE]... [not_before=DATE not_after=DATE]
# DATE is YYYY-MM-DD (UTC midnight). The SANs make good IKE identities.
ss_pki_issue() {
	local ca=$1 name=$2 kv kt=ecdsa256 profile=ccu dn='' nb='' na=''; shift 2
	local -a sans=()
	for kv in "$@"; do
		case $kv in
		key=*) kt=${kv#key=} ;;
		profile=*) profile=${kv#profile=} ;;
		dn=*) dn=${kv#dn=} ;;
		san=*) sans+=("${kv#san=}") ;;
		not_before=*) nb=${kv#not_before=} ;;
		not_after=*) na=${kv#not_after=} ;;
		*) ss_err "ss_pki_issue: unknown '$kv'"; return 1 ;;
		esac
	done
	case $SS_PKI in
	uipsec) ss_pki_uipsec_issue ;;
	strongswan) ss_pki_sw_issue ;;
	*) ss_err "SS_PKI is strongswan or uipsec, not '$SS_PKI'" ;;
	esac
}

ss_pki_uipsec_issue() {	# variables from ss_pki_issue
	local s
	local -a args=(--dir "$ca" --name "$name" --profile "$profile" --key "$kt")
	[ -n "$dn" ] && args+=(--dn "$dn")
	for s in "${sans[@]}"; do args+=(--san "$s"); done
	[ -n "$nb" ] && args+=(--not-before "$nb" --not-after "$na")
	"$SS_UIPSEC" pki issue "${args[@]}" >/dev/null
}

ss_pki_sw_issue() {	# variables from ss_pki_issue
	local s eku=clientAuth key=$ca/private/$name.pem
	local -a args=()
	ss_pki_sw_init "$ca"
	[ "$profile" = concentrator ] && eku=serverAuth
	[ -n "$dn" ] || dn="$(ss_pki_sw --print --in "$ca/ca/cert.pem" |
	    sed -n 's/^ *subject: *"\(.*\)"$/\1/p' | sed 's/CN=[^,]*$//')CN=$name"
	# pki --san takes the bare value and guesses its type
	for s in "${sans[@]}"; do args+=(--san "${s#*:}"); done
	[ -n "$nb" ] && args+=(--dateform %Y-%m-%d --not-before "$nb" \
	    --not-after "$na")
	ss_pki_sw_gen "$kt" "$key" &&
	ss_pki_sw --pub --in "$key" --outform der |
	ss_pki_sw --issue --cacert "$ca/ca/cert.pem" --cakey "$ca/ca/key.pem" \
	    --dn "$dn" "${args[@]}" --flag "$eku" --outform pem \
	    >"$ca/x509/$name.pem"
}

# ss_pki_revoke CADIR NAME. The uipsec backend moves the revoked cert and key
# to CADIR/ca/revoked/; ss_certs_install finds them there.
ss_pki_revoke() {
	local ca=$1 name=$2 serial
	if [ "$SS_PKI" = uipsec ]; then
		"$SS_UIPSEC" pki revoke --dir "$ca" --name "$name" \
		    --reason keyCompromise >/dev/null
		return
	fi
	ss_pki_sw_init "$ca"
	serial=$(ss_pki_sw --print --in "$ca/x509/$name.pem" |
	    sed -n 's/^ *serial: *//p' | tr -d ':') || return 1
	[ -n "$serial" ] || { ss_err "no serial in $ca/x509/$name.pem"; return 1; }
	ss_pki_sw_crl "$ca" "$serial"
}

# ss_certs_install CADIR NAME DIR
ss_certs_install() {
	local ca=$1 name=$2 d=$3/swanctl cert key
	cert=$ca/x509/$name.pem key=$ca/private/$name.pem
	if [ ! -f "$cert" ]; then	# revoked by the uipsec backend
		cert=$(ls "$ca/ca/revoked/$name"-*.x509.pem 2>/dev/null | tail -1)
		key=${cert%.x509.pem}.private.pem
	fi
	[ -f "$cert" ] && [ -f "$key" ] ||
		{ ss_err "no certificate/key '$name' in $ca"; return 1; }
	cp "$ca"/x509ca/*.pem "$d/x509ca/" &&
	cp "$cert" "$d/x509/$name.pem" &&
	install -m 600 "$key" "$d/private/$name.pem" &&
	{ ls "$ca"/x509crl/* >/dev/null 2>&1 || return 0; } &&
	cp "$ca"/x509crl/* "$d/x509crl/"
}

# --- charon -----------------------------------------------------------------

# ss_swanctl DIR ARGS...: the vici URI must come after the command.
ss_swanctl() {
	local dir=$1; shift
	STRONGSWAN_CONF=$dir/strongswan.conf SWANCTL_DIR=$dir/swanctl \
	    swanctl "$@" --uri "unix://$dir/charon.vici"
}

# ss_load DIR: (re)load everything, then drop charon's cached CRLs. The
# revocation check takes the first valid CRL it finds and the cache is
# searched first, so a CRL that was used once would hide a newer one loaded
# later ("using cached crl") until it expires.
ss_load() {
	local out
	out=$(ss_swanctl "$1" --load-all --noprompt 2>&1) ||
		{ echo "$out" >&2; ss_err "swanctl --load-all failed in $1"; return 1; }
	# swanctl exits 0 even when a connection was refused
	if echo "$out" | grep -qiE 'failed|error|invalid'; then
		echo "$out" >&2
		ss_err "swanctl --load-all in $1 reported an error"
		return 1
	fi
	ss_swanctl "$1" --flush-certs --type x509_crl >/dev/null
}

# ss_start NS DIR: sets SS_PID. charon's pid file (/var/run/charon.pid) is
# compiled in, so each charon gets a private tmpfs on /run; ip, unshare and
# sh all exec, so $! is charon itself. Run it from the shell that will call
# ss_stop (not inside $(...)): only a parent can wait for it.
ss_start() {
	local ns=$1 dir=$2
	[ -f "$dir/strongswan.conf" ] || { ss_err "no $dir/strongswan.conf"; return 1; }
	rm -f "$dir/charon.vici"
	ip netns exec "$ns" env STRONGSWAN_CONF="$dir/strongswan.conf" \
	    unshare --mount --propagation private \
	    sh -c "mount -t tmpfs none /run && exec $SS_CHARON" \
	    >"$dir/charon.out" 2>&1 </dev/null &
	SS_PID=$!
	echo "$SS_PID" >"$dir/charon.pid"
	ss_poll 30 ss_started "$dir" "$SS_PID"
	if ! kill -0 "$SS_PID" 2>/dev/null; then
		cat "$dir/charon.out" "$dir/charon.log" >&2 2>/dev/null
		ss_err "charon in $ns exited during start-up"
		return 1
	fi
	ss_vici_up "$dir" || { ss_err "charon's vici in $ns never answered"; return 1; }
	ss_load "$dir"
}

ss_vici_up() { ss_swanctl "$1" --stats >/dev/null 2>&1; }
ss_started() { ss_vici_up "$1" || ! kill -0 "$2" 2>/dev/null; }	# DIR PID

# ss_child_up DIR CHILD
ss_child_up() {
	ss_swanctl "$1" --list-sas --child "$2" 2>/dev/null |
		grep -Eq "^ +$2: #[0-9]+, reqid [0-9]+, INSTALLED"
}

# ss_poll SECONDS CMD...: retry CMD every 50 ms until it succeeds (0) or
# SECONDS have passed (1). netns.sh's wait_for has a fixed 30 s.
ss_poll() {
	local n=$(( $1 * 20 )) i; shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# ss_wait_child_up DIR CHILD [TIMEOUT_S]
ss_wait_child_up() {
	ss_poll "${3:-10}" ss_child_up "$1" "$2" ||
		ss_err "CHILD_SA $2 not up in $1 after ${3:-10} s"
}

# ss_initiate DIR CHILD [TIMEOUT_S]: swanctl returns when the CHILD_SA is
# up or has failed; --timeout bounds a peer that never answers.
ss_initiate() {
	local dir=$1 child=$2 t=${3:-10}
	ss_swanctl "$dir" --initiate --child "$child" --timeout "$t" \
	    >>"$dir/swanctl.out" 2>&1 || {
		tail -5 "$dir/swanctl.out" >&2
		ss_err "initiating $child from $dir failed"
		return 1
	}
	ss_wait_child_up "$dir" "$child" "$t"
}

# ss_ike_gone DIR IKE: true if DIR's charon lists no IKE_SA named IKE
ss_ike_gone() {
	! ss_swanctl "$1" --list-sas --ike "$2" 2>/dev/null | grep -q "^$2:"
}

# ss_terminate DIR IKE [TIMEOUT_S]: delete the IKE_SA (and its children) and
# wait until this charon lists no SA of that name.
ss_terminate() {
	local dir=$1 ike=$2 t=${3:-10}
	ss_swanctl "$dir" --terminate --ike "$ike" --timeout "$t" \
	    >>"$dir/swanctl.out" 2>&1
	ss_poll "$t" ss_ike_gone "$dir" "$ike" ||
		ss_err "IKE_SA $ike still listed in $dir after $t s"
}

ss_list_sas() {
	ss_swanctl "$1" --list-sas
}

ss_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$1/charon.pid")/status"
}

# ss_stop DIR: 0 if charon was running and has gone.
ss_stop() {
	local dir=$1 pid i
	pid=$(cat "$dir/charon.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || { rm -f "$dir/charon.pid"; return 0; }
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$dir/charon.pid"
	return 0
}

ss_cleanup() {
	local dir
	for dir in "$@"; do
		[ -d "$dir" ] && ss_stop "$dir"
	done
	return 0
}
