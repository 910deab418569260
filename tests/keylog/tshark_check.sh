#!/bin/sh
# tests/keylog/tshark_check.sh UIPSEC DIR IKE_ENC ESP ICMP — tshark decrypts
# DIR/capture.pcap with the Wireshark tables `UIPSEC keylog -w` makes from
# DIR/initiator.log: IKE_ENC encrypted IKE messages with a correct ICV, ESP
# packets with a good ICV, ICMP packets inside. Exit 0 if all counts match.
set -u
uipsec=$1 dir=$2 want_ike=$3 want_esp=$4 want_icmp=$5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$uipsec" keylog -w "$tmp" "$dir/initiator.log" || exit 1
set --
while IFS= read -r l; do
	set -- "$@" -o "uat:ikev2_decryption_table:$l"
done <<EOT
$(grep -v '^#' "$tmp/ikev2_decryption_table")
EOT
while IFS= read -r l; do
	set -- "$@" -o "uat:esp_sa:$l"
done <<EOT
$(grep -v '^#' "$tmp/esp_sa")
EOT
set -- "$@" -o esp.enable_encryption_decode:TRUE \
    -o esp.enable_authentication_check:TRUE
ike=$(tshark -r "$dir/capture.pcap" "$@" -V 2>/dev/null |
    grep -c 'Integrity Checksum Data.*\[correct\]')
esp=$(tshark -r "$dir/capture.pcap" "$@" -T fields -e esp.icv_good \
    2>/dev/null | grep -c 1)
icmp=$(tshark -r "$dir/capture.pcap" "$@" -Y icmp 2>/dev/null | wc -l)
echo "IKE verified $ike/$want_ike, ESP good $esp/$want_esp, ICMP $icmp/$want_icmp"
[ "$ike" = "$want_ike" ] && [ "$esp" = "$want_esp" ] &&
    [ "$icmp" = "$want_icmp" ]
