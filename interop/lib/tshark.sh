#!/usr/bin/env bash
# interop/lib/tshark.sh — Debian's tshark (Wireshark 4.0) as an independent
# decrypter of IKEv2 and ESP, with Wireshark's key tables (doc/keylog.md).
#
#   tshark_keys DIR        TSHARK_KEYS=(-o uat:... ...) from
#                          DIR/ikev2_decryption_table and DIR/esp_sa (as
#                          uipsecd's keylog.wireshark_dir or `uipsec keylog
#                          -w DIR` write them), ESP decryption and ICV checks on
#   tshark_counts PCAP     with TSHARK_KEYS: "IKE_ENC IKE_OK ESP ESP_OK ICMP":
#                          encrypted IKE messages, those whose ICV tshark
#                          found correct, ESP packets, those with a good ICV,
#                          ICMP packets seen (inside ESP once decrypted)
#   tshark_icmp PCAP       with TSHARK_KEYS: one line per ICMP packet:
#                          "TYPE SEQ DATA_HEX" (echo request 8, reply 0)

tshark_keys() {
	local dir=$1 l
	TSHARK_KEYS=()
	while IFS= read -r l; do
		[ -n "$l" ] && TSHARK_KEYS+=(-o "uat:ikev2_decryption_table:$l")
	done < <(grep -v '^#' "$dir/ikev2_decryption_table")
	while IFS= read -r l; do
		[ -n "$l" ] && TSHARK_KEYS+=(-o "uat:esp_sa:$l")
	done < <(grep -v '^#' "$dir/esp_sa")
	TSHARK_KEYS+=(-o esp.enable_encryption_decode:TRUE
	    -o esp.enable_authentication_check:TRUE)
}

tshark_counts() {
	local pcap=$1 ike_enc ike_ok esp esp_ok icmp
	ike_enc=$(tshark -r "$pcap" -Y 'isakmp && isakmp.exchangetype != 34' \
	    2>/dev/null | wc -l)
	ike_ok=$(tshark -r "$pcap" "${TSHARK_KEYS[@]}" -V 2>/dev/null |
	    grep -c 'Integrity Checksum Data.*\[correct\]')
	esp=$(tshark -r "$pcap" -Y esp 2>/dev/null | wc -l)
	esp_ok=$(tshark -r "$pcap" "${TSHARK_KEYS[@]}" -T fields \
	    -e esp.icv_good 2>/dev/null | grep -c 1)
	icmp=$(tshark -r "$pcap" "${TSHARK_KEYS[@]}" -Y icmp 2>/dev/null |
	    wc -l)
	echo "$ike_enc $ike_ok $esp $esp_ok $icmp"
}

tshark_icmp() {
	tshark -r "$1" "${TSHARK_KEYS[@]}" -Y icmp -T fields -e icmp.type \
	    -e icmp.seq -e data.data 2>/dev/null
}
