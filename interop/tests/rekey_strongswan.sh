#!/usr/bin/env bash
# interop/tests/rekey_strongswan.sh BUILD_DIR — rekeying between uipsecd and
# strongSwan's charon (RFC 7296 §1.3.2, §1.3.3, §2.8) under continuous
# traffic, both ways round (uipsecd as CCU/initiator, then charon):
#   CHILD_SA rekey started by uipsecd (`uipsec rekey`) and by charon
#   (`swanctl --rekey --child`), then both at once; the same with PFS
#   (ESP aes256-sha1-ecp256, both ways round); IKE SA rekey started by each, then both at
#   once. "Both at once" is made a real collision (§2.8.1, §2.8.2):
#   uipsecd's outgoing IKE messages (UDP 4500 with the non-ESP marker; ESP
#   still flows) are dropped while both start, so it answers charon's
#   request before it gets its own answer, and charon sees uipsecd's only
#   after answering its own... both must then keep the same one SA (the
#   nonce rule), and uipsecd logs the collision.
# Then a connection with three children, both ways round (RFC 7296
# §1.3.1): "bench" from IKE_AUTH, "bench2" (no PFS) and "bench3" (PFS,
# ecp256) by CREATE_CHILD_SA without REKEY_SA (uipsecd brings them all up on
# `uipsec up`; charon is asked for each with swanctl --initiate --child);
# the responder lists them the other way round, so it must pick each by
# its traffic selectors. Both ends must agree on three CHILD_SAs under one
# IKE SA, each carrying a ping both ways; charon then rekeys bench2 alone
# (the others keep their SPIs), uipsecd bench3 alone (`uipsec rekey
# bench/bench3`; bench/nope is refused) and then all three, each by its
# own exchange.
# Pings run every 20 ms through the tunnel the whole time: every echo
# request must be answered (no sequence number missing: make-before-break).
# After each rekey both ends must settle on one IKE SA and one CHILD_SA
# whose SPIs they agree on (uipsecd's status against swanctl --list-sas),
# new SPIs each time, and traffic goes on flowing over the new keys.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/netns.sh"
. "$top/interop/lib/strongswan.sh"
. "$top/interop/lib/peers.sh"

uipsec_bins "${1:-}" charon || exit 1
UIPSECD=$bin UIPSEC=$cli

NS_I=uipsec-rk-i-$$ NS_R=uipsec-rk-r-$$
OUT_I=10.0.0.1 OUT_R=10.0.0.2 IN_I=10.30.1.1 IN_R=10.30.2.1
IN_I2=10.30.1.2 IN_R2=10.30.2.2 IN_I3=10.30.1.3 IN_R3=10.30.2.3
PEER_WORK=$(mktemp -d /tmp/uipsec-rekey.XXXXXX)
DI=$PEER_WORK/i DR=$PEER_WORK/r
PING_PID=''
cleanup() {
	[ -n "$PING_PID" ] && kill "$PING_PID" 2>/dev/null
	peer_uipsec_stop "$DI" 2>/dev/null; peer_uipsec_stop "$DR" 2>/dev/null
	ss_cleanup "$DI" "$DR"
	netns_cleanup "$NS_I" "$NS_R"
	rm -rf "$PEER_WORK"
}
trap cleanup EXIT
fail() {
	fail_with_logs 30 "$*" "$DI"/*.log "$DR"/*.log "$DI"/charon.log "$DR"/charon.log
}

netns_pair "$NS_I" "$NS_R" $OUT_I $OUT_R 24 || fail "namespaces"
for a in $IN_I $IN_I2 $IN_I3; do ip -n "$NS_I" addr add $a/32 dev lo || fail "inner addresses"; done
for a in $IN_R $IN_R2 $IN_R3; do ip -n "$NS_R" addr add $a/32 dev lo || fail "inner addresses"; done
peer_certs ecdsa || fail "certificates"

# u_view DIR: "IKE_SAS CHILD_SAS IKE_SPI_I CHILD_IN CHILD_OUT" of uipsecd
u_view() {
	"$UIPSEC" status --json -s "$1/uipsecd.sock" 2>/dev/null |
	/usr/bin/python3 -c 'import json, sys
s = [x for x in json.load(sys.stdin)["ike_sas"] if x["state"] == "ESTABLISHED"]
c = [k for x in s for k in x["child_sas"]]
print(len(s), len(c), s[0]["spi_i"] if s else "-",
    c[0]["in"]["spi"] if c else "-", c[0]["out"]["spi"] if c else "-")'
}
# s_view DIR: the same of charon (swanctl --list-sas)
s_view() {
	ss_list_sas "$1" 2>/dev/null | awk '
	/^bench: #/ { n++; if (match($0, /[0-9a-f]+_i/)) spi = substr($0, RSTART, RLENGTH - 2) }
	/^  bench: #.*INSTALLED/ { c++ }
	$1 == "in" { sub(/,.*/, "", $2); sub(/\(.*/, "", $2); cin = $2 }
	$1 == "out" { sub(/,.*/, "", $2); sub(/\(.*/, "", $2); cout = $2 }
	END { print n + 0, c + 0, spi ? spi : "-", cin ? cin : "-", cout ? cout : "-" }'
}

# settled U S OLD: one IKE SA and one CHILD_SA on each side, the same SPIs
# seen from both ends, and a state other than OLD ("IKE_SPI CHILD_IN").
VIEW=''
settled() {
	local u s
	read -r -a u <<<"$(u_view "$1")"
	read -r -a s <<<"$(s_view "$2")"
	[ "${u[0]}" = 1 ] && [ "${u[1]}" = 1 ] && [ "${s[0]}" = 1 ] &&
	[ "${s[1]}" = 1 ] && [ "${u[2]}" = "${s[2]}" ] &&
	[ "${u[3]}" = "${s[4]}" ] && [ "${u[4]}" = "${s[3]}" ] &&
	[ "${u[2]} ${u[3]}" != "$3" ] || return 1
	VIEW="${u[2]} ${u[3]}"
}

# ping_start NS SRC DST / ping_lost: every 20 ms; lost = sequence numbers
# below the last answered one that got no answer.
ping_start() {
	ip netns exec "$1" ping -i 0.02 -I "$2" "$3" >"$PEER_WORK/ping.out" 2>&1 &
	PING_PID=$!
}
ping_lost() {
	sleep 0.5
	kill -INT "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null
	PING_PID=''
	awk -F'icmp_seq=' 'NF > 1 { split($2, a, " "); got[a[1]] = 1; if (a[1] > max) max = a[1] }
	    END { for (i = 1; i < max; i++) if (!(i in got)) lost++
		  print lost + 0, max + 0 }' "$PEER_WORK/ping.out"
}

# ike_block on|off: drop uipsecd's IKE messages (not its ESP) for a while
ike_block() {
	if [ "$1" = on ]; then
		ip netns exec "$NS_U" nft -f - <<-NFT
		table inet rekeytest {
			chain out {
				type filter hook output priority 0;
				udp dport 4500 @th,64,32 0 drop
				udp sport 4500 @th,64,32 0 drop
			}
		}
		NFT
	else
		ip netns exec "$NS_U" nft delete table inet rekeytest
	fi
}

more_lines() { [ "$(grep -c "$1" "$DU/uipsecd.log")" -gt "$2" ]; }

# rekey WHO KIND LABEL: WHO uipsec|ss|both, KIND child|ike; waits until
# both ends settled on new SPIs (IKE SPI for ike, CHILD_SA's for child).
rekey() {
	local who=$1 kind=$2 before=$VIEW flag='' sflag=--child n0 r0 q0
	[ "$kind" = ike ] && flag=--ike sflag=--ike
	n0=$(grep -c 'both ends at once' "$DU/uipsecd.log")
	r0=$(grep -c 'rekeying' "$DU/uipsecd.log")
	q0=$(grep -c 'received CREATE_CHILD_SA request' "$DU/uipsecd.log")
	[ "$who" = both ] && { ike_block on || fail "nft"; }
	if [ "$who" != ss ]; then
		"$UIPSEC" rekey $flag bench -s "$DU/uipsecd.sock" >/dev/null ||
			fail "$3: uipsec rekey refused"
	fi
	# both: charon's request reaches uipsecd once uipsecd's own is out
	[ "$who" = both ] && { ss_poll 30 more_lines rekeying "$r0" ||
		fail "$3: uipsecd did not start"; }
	if [ "$who" != uipsec ]; then
		ss_swanctl "$DS" --rekey $sflag bench >/dev/null 2>&1 ||
			fail "$3: swanctl --rekey failed"
	fi
	# both: the block stays until charon's request is in (swanctl only
	# queues the rekey: on a busy machine charon may send it later than
	# uipsecd's retransmit, and then there is no collision)
	[ "$who" = both ] && { ss_poll 30 more_lines \
	    'received CREATE_CHILD_SA request' "$q0" ||
		fail "$3: charon's request did not reach uipsecd"; ike_block off; }
	ss_poll 30 settled "$DU" "$DS" "$before" ||
		fail "$3: not settled after the rekey (uipsecd: $(u_view "$DU");" \
		    "charon: $(s_view "$DS"))"
	case $kind in
	ike) [ "${VIEW% *}" != "${before% *}" ] ||
		fail "$3: the IKE SPI did not change" ;;
	child) [ "${VIEW#* }" != "${before#* }" ] ||
		fail "$3: the CHILD_SA SPI did not change" ;;
	esac
	[ "$who" != both ] ||
	    [ "$(grep -c 'both ends at once' "$DU/uipsecd.log")" -gt "$n0" ] ||
		fail "$3: uipsecd saw no collision"
	sleep 0.3	# traffic over the new keys before the next one
	echo "  $3: IKE ${VIEW% *}, CHILD_SA ${VIEW#* }"
}

# run_case CCU_IMPL [child]: the CCU (initiator) is uipsec or ss, the
# other side the other implementation; "child": CHILD_SA rekeys only.
run_case() {
	local ccu=$1 conc lost n=7
	conc=$([ "$ccu" = uipsec ] && echo ss || echo uipsec)
	rm -rf "$DI" "$DR"
	mkdir -p "$DI" "$DR"
	peer_${ccu}_start init "$NS_I" "$DI" ecdsa || fail "$ccu init start"
	peer_${conc}_start resp "$NS_R" "$DR" ecdsa || fail "$conc resp start"
	peer_${ccu}_up "$DI" || fail "$ccu: no tunnel"
	if [ "$ccu" = uipsec ]; then
		DU=$DI DS=$DR NS_U=$NS_I
	else
		DU=$DR DS=$DI NS_U=$NS_R
	fi
	VIEW=''
	ss_poll 30 settled "$DU" "$DS" "" || fail "$ccu -> $conc: not up"
	ping_from "$NS_I" $IN_I $IN_R || fail "$ccu -> $conc: no ping"
	ping_start "$NS_I" $IN_I $IN_R
	sleep 0.3
	rekey uipsec child "CHILD rekey by uipsecd"
	rekey ss child "CHILD rekey by charon"
	rekey both child "CHILD rekey by both at once"
	if [ "${2:-}" = child ]; then
		n=3
	else
		rekey uipsec ike "IKE rekey by uipsecd"
		rekey ss ike "IKE rekey by charon"
		rekey both ike "IKE rekey by both at once"
		rekey uipsec child "CHILD rekey by uipsecd over the rekeyed IKE SA"
	fi
	read -r lost sent <<<"$(ping_lost)"
	[ "$sent" -gt 50 ] || fail "$ccu -> $conc: only $sent pings answered"
	[ "$lost" = 0 ] || fail "$ccu -> $conc: $lost of $sent pings lost"
	ping_from "$NS_R" $IN_R $IN_I || fail "$ccu -> $conc: no ping back"
	if [ -n "${PEER_ESP:-}" ]; then	# PFS both ways: a KE each time
		grep -q 'rekeying CHILD_SA .* with PFS' "$DU/uipsecd.log" &&
		grep -q 'received CREATE_CHILD_SA request .*REKEY_SA.* KE ' \
		    "$DU/uipsecd.log" || fail "$ccu -> $conc: rekeys without PFS"
	fi
	grep -h 'both ends at once\|collision' "$DU/uipsecd.log" |
		sed 's/^/  uipsecd: /'
	grep -hi 'collision' "$DS/charon.log" | head -4 | sed 's/^/  charon: /'
	echo "ok: $ccu ccu -> $conc${PEER_ESP:+ ($PEER_ESP)}: $n rekeys, $sent pings, none lost"
	peer_${ccu}_stop "$DI"
	peer_${conc}_stop "$DR"
}

# u_kids DIR / s_kids DIR: "NAME IN OUT" of each installed CHILD_SA (our
# SPIs in, out), sorted, of uipsecd / of charon (with an "ike N" line: its
# IKE SAs established)
u_kids() {
	"$UIPSEC" status --json -s "$1/uipsecd.sock" 2>/dev/null |
	/usr/bin/python3 -c 'import json, sys
s = [x for x in json.load(sys.stdin)["ike_sas"] if x["state"] == "ESTABLISHED"]
for n, i, o in sorted((k["name"], k["in"]["spi"], k["out"]["spi"]) for x in s
        for k in x["child_sas"] if k["state"] == "INSTALLED"):
    print(n, i, o)'
}
s_kids() {
	ss_list_sas "$1" 2>/dev/null | awk '
	/^bench: #.*ESTABLISHED/ { n++ }
	/^  [a-z0-9]+: #[0-9]+, reqid/ { name = $1; sub(/:$/, "", name); ok = /INSTALLED/ }
	ok && $1 == "in" { sub(/,.*/, "", $2); sub(/\(.*/, "", $2); cin = $2 }
	ok && $1 == "out" { sub(/,.*/, "", $2); sub(/\(.*/, "", $2); print name, cin, $2 | "sort" }
	END { print "ike", n + 0 }' | sort
}
# kids_agree U S WANT: one IKE SA each, the CHILD_SAs WANT (names) on both
# sides, each pair's SPIs crossed; KIDS= uipsecd's view ("NAME IN OUT")
KIDS=''
kids_agree() {
	local u s names
	u=$(u_kids "$1") s=$(s_kids "$2")
	grep -qx 'ike 1' <<<"$s" || return 1
	[ "$("$UIPSEC" status -s "$1/uipsecd.sock" 2>/dev/null | grep -c '^bench: #')" = 1 ] ||
		return 1
	names=$(cut -d' ' -f1 <<<"$u" | tr '\n' ' ')
	[ "$names" = "$3 " ] || return 1
	[ "$(awk '{ print $1, $3, $2 }' <<<"$u")" = "$(grep -v '^ike' <<<"$s")" ] ||
		return 1
	KIDS=$u
}
spi_of() { awk -v n="$2" '$1 == n { print $2 }' <<<"$1"; }

# rekeyed_alone CHILD CMD...: (in run_children) CMD rekeys CHILD alone: new
# SPIs on both ends, the other two keep theirs
rekeyed_alone() {
	local k=$1 o
	shift
	before=$KIDS
	"$@" >/dev/null 2>&1 || fail "$ccu -> $conc: $* failed"
	ss_poll 30 eval 'kids_agree "$DU" "$DS" "bench bench2 bench3" &&
	    [ "$(spi_of "$KIDS" "$k")" != "$(spi_of "$before" "$k")" ]' ||
		fail "$ccu -> $conc: $k not rekeyed by $1"
	for o in bench bench2 bench3; do
		[ "$o" = "$k" ] ||
		[ "$(spi_of "$KIDS" $o)" = "$(spi_of "$before" $o)" ] ||
			fail "$ccu -> $conc: $o rekeyed with $k by $1"
	done
}

# run_children CCU_IMPL: see the top; the CCU is uipsec or ss
run_children() {
	local ccu=$1 conc i before k
	local -a mine=(child=bench2 local_ts=$IN_I2/32 remote_ts=$IN_R2/32
	    esp_proposals=aes256-sha1 child=bench3 local_ts=$IN_I3/32
	    remote_ts=$IN_R3/32 esp_proposals=aes256-sha1-ecp256)
	local -a theirs=(child=bench3 local_ts=$IN_R3/32 remote_ts=$IN_I3/32
	    esp_proposals=aes256-sha1-ecp256 child=bench2 local_ts=$IN_R2/32
	    remote_ts=$IN_I2/32 esp_proposals=aes256-sha1)
	conc=$([ "$ccu" = uipsec ] && echo ss || echo uipsec)
	rm -rf "$DI" "$DR"
	mkdir -p "$DI" "$DR"
	peer_${ccu}_start init "$NS_I" "$DI" ecdsa "${mine[@]}" || fail "$ccu init start"
	peer_${conc}_start resp "$NS_R" "$DR" ecdsa "${theirs[@]}" ||
		fail "$conc resp start"
	peer_${ccu}_up "$DI" || fail "$ccu: no tunnel"
	if [ "$ccu" = uipsec ]; then
		DU=$DI DS=$DR
	else
		DU=$DR DS=$DI
		for k in bench2 bench3; do
			ss_swanctl "$DI" --initiate --child $k --timeout 30 >/dev/null 2>&1 ||
				fail "ss -> uipsec: swanctl --initiate --child $k failed"
		done
	fi
	ss_poll 30 kids_agree "$DU" "$DS" "bench bench2 bench3" ||
		fail "$ccu -> $conc: three CHILD_SAs not up on both ends" \
		    "(uipsecd: $(u_kids "$DU" | tr '\n' ';')" \
		    "charon: $(s_kids "$DS" | tr '\n' ';'))"
	grep -q 'creating CHILD_SA bench3 with PFS\|received CREATE_CHILD_SA request [0-9]* \[ SK { SA No KE TSi TSr } \]' \
	    "$DU/uipsecd.log" || fail "$ccu -> $conc: bench3 without a KE (PFS)"
	for i in "$IN_I $IN_R" "$IN_I2 $IN_R2" "$IN_I3 $IN_R3"; do
		set -- $i
		ping_from "$NS_I" "$1" "$2" && ping_from "$NS_R" "$2" "$1" ||
			fail "$ccu -> $conc: no ping between $1 and $2"
	done
	echo "  three CHILD_SAs: $(tr '\n' ';' <<<"$KIDS")"
	rekeyed_alone bench2 ss_swanctl "$DS" --rekey --child bench2
	rekeyed_alone bench3 "$UIPSEC" rekey bench/bench3 -s "$DU/uipsecd.sock"
	"$UIPSEC" rekey bench/nope -s "$DU/uipsecd.sock" >/dev/null 2>&1 &&
		fail "$ccu -> $conc: uipsec rekey bench/nope accepted"
	before=$KIDS
	"$UIPSEC" rekey bench -s "$DU/uipsecd.sock" >/dev/null ||
		fail "$ccu -> $conc: uipsec rekey refused"
	ss_poll 30 eval 'kids_agree "$DU" "$DS" "bench bench2 bench3" &&
	    [ "$(spi_of "$KIDS" bench)" != "$(spi_of "$before" bench)" ] &&
	    [ "$(spi_of "$KIDS" bench2)" != "$(spi_of "$before" bench2)" ] &&
	    [ "$(spi_of "$KIDS" bench3)" != "$(spi_of "$before" bench3)" ]' ||
		fail "$ccu -> $conc: not all three rekeyed by uipsecd" \
		    "(uipsecd: $(u_kids "$DU" | tr '\n' ';'))"
	for i in "$IN_I $IN_R" "$IN_I2 $IN_R2" "$IN_I3 $IN_R3"; do
		set -- $i
		ping_from "$NS_I" "$1" "$2" && ping_from "$NS_R" "$2" "$1" ||
			fail "$ccu -> $conc: no ping between $1 and $2 after the rekeys"
	done
	echo "ok: $ccu ccu -> $conc: three CHILD_SAs, rekeyed alone (charon, uipsec rekey NAME/CHILD) and all together"
	peer_${ccu}_stop "$DI"
	peer_${conc}_stop "$DR"
}

run_children uipsec
run_children ss
run_case uipsec
run_case ss
PEER_ESP=aes256-sha1-ecp256	# PFS: a KE in every CHILD_SA rekey
run_case uipsec child
run_case ss child
echo "PASS: rekey_strongswan"
