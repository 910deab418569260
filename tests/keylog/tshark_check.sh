#!/usr/bin/env bash
# tests/keylog/tshark_check.sh UIPSEC DIR IKE_ENC ESP ICMP — tshark decrypts
# DIR/capture.pcap with the Wireshark tables `UIPSEC keylog -w` makes from
# DIR/initiator.log: all IKE_ENC encrypted IKE messages with a correct ICV,
# all ESP packets with a good ICV, ICMP packets inside. Exit 0 if so.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/interop/lib/tshark.sh"
uipsec=$1 dir=$2 want_ike=$3 want_esp=$4 want_icmp=$5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$uipsec" keylog -w "$tmp" "$dir/initiator.log" || exit 1
tshark_keys "$tmp"
read -r ike_enc ike_ok esp esp_ok icmp < <(tshark_counts "$dir/capture.pcap")
echo "IKE encrypted $ike_enc verified $ike_ok, ESP $esp good $esp_ok, ICMP $icmp"
[ "$ike_enc" = "$want_ike" ] && [ "$ike_ok" = "$want_ike" ] &&
    [ "$esp" = "$want_esp" ] && [ "$esp_ok" = "$want_esp" ] &&
    [ "$icmp" = "$want_icmp" ]
