#!/usr/bin/python3
"""tests/fuzz/make_corpus_pcap.py DIR — the seed captures of fuzz_pcap,
made with scapy (Debian's python3-scapy: run with /usr/bin/python3) and
python3-cryptography, with the keys fuzz_pcap.c holds (AES-GCM-16, 256-bit:
ESP key byte i = i, SK_ei byte i = 0x10 + i), so that ESP and SK{} verify
and the fuzzer starts from inside the decrypt paths.
"""
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.layers.inet import IP, UDP, fragment
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment, fragment6
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.layers.l2 import CookedLinux, Ether
from scapy.packet import Raw
from scapy.utils import wrpcap

SPI_I, SPI_R, ESP_SPI = 0x0123456789ABCDEF, 0xFEDCBA9876543210, 0xC0FFEE01
ESP_KEY = bytes(range(36))
SK_EI = bytes(0x10 + i for i in range(36))


def ike_sk(msg_id=1):
    """IKE_AUTH request [ SK { No } ] sealed with SK_ei (RFC 5282)."""
    inner = struct.pack("!BBH", 0, 0, 4 + 16) + bytes(range(16))
    plain = inner + b"\x00"                      # Pad Length 0
    iv = bytes(8)
    sk_len = 4 + len(iv) + len(plain) + 16
    hdr = struct.pack("!QQBBBBII", SPI_I, SPI_R, 46, 0x20, 35, 0x08, msg_id,
                      28 + sk_len)
    sk_hdr = struct.pack("!BBH", 40, 0, sk_len)
    aad = hdr + sk_hdr
    ct = AESGCM(SK_EI[:32]).encrypt(SK_EI[32:] + iv, plain, aad)
    return aad + iv + ct


def ike_init():
    hdr = struct.pack("!QQBBBBII", SPI_I, 0, 40, 0x20, 34, 0x08, 0, 28 + 8)
    return hdr + struct.pack("!BBH", 0, 0, 8) + b"abcd"


def esp_packets(outer, size=40):
    sa = SecurityAssociation(ESP, spi=ESP_SPI, crypt_algo="AES-GCM",
                             crypt_key=ESP_KEY)
    inner = IP(src="10.1.0.1", dst="10.2.0.1") / UDP(sport=1, dport=2) / \
        Raw(b"x" * size)
    out = []
    for seq in (1, 2, 2, 5):
        esp = bytes(sa.encrypt(IP(bytes(inner)), seq_num=seq)[ESP])
        out.append(outer / UDP(sport=4500, dport=4500, chksum=0) / Raw(esp))
    return out


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    v4 = IP(src="192.0.2.1", dst="192.0.2.2")
    v6 = IPv6(src="2001:db8::1", dst="2001:db8::2")
    ike = [v4 / UDP(sport=500, dport=500, chksum=0) / Raw(ike_init()),
           v4 / UDP(sport=4500, dport=4500, chksum=0) /
           Raw(bytes(4) + ike_sk()),
           v4 / UDP(sport=4500, dport=4500, chksum=0) / Raw(b"\xff")]
    esp4 = esp_packets(v4)
    wrpcap(os.path.join(d, "eth-ipv4"), [Ether() / p for p in ike + esp4])
    wrpcap(os.path.join(d, "sll-ipv6"),
           [CookedLinux(proto=0x86DD) / p for p in esp_packets(v6)])
    raw_esp = [IP(src="192.0.2.1", dst="192.0.2.2", proto=50) /
               Raw(bytes(p[UDP].payload)) for p in esp4[:2]]
    wrpcap(os.path.join(d, "raw-ipv4"), ike + raw_esp, linktype=101)
    # IP fragments (pcap_frag.c): an ESP-in-UDP datagram of 1,500 bytes in
    # 8-byte-aligned IPv4 pieces, last first, with a duplicate; the same
    # over IPv6 (Fragment header); an overlapping pair.
    big = esp_packets(v4, 1400)[0]
    parts = fragment(IP(bytes(big)), fragsize=512)
    v6big = IPv6(src="2001:db8::1", dst="2001:db8::2") / \
        IPv6ExtHdrFragment(id=7) / big[UDP]
    parts6 = fragment6(IPv6(bytes(v6big)), 600)
    over = IP(bytes(v4 / UDP(sport=4500, dport=4500, chksum=0) /
                    Raw(bytes(range(200)) * 4)))
    ov = fragment(over, fragsize=400)
    ov[1].frag -= 1
    wrpcap(os.path.join(d, "fragments"),
           list(reversed(parts)) + [parts[0]] + ov, linktype=101)
    wrpcap(os.path.join(d, "fragments-ipv6"), list(reversed(parts6)),
           linktype=101)
    with open(os.path.join(d, "eth-ipv4"), "rb") as f:
        whole = f.read()
    with open(os.path.join(d, "truncated"), "wb") as f:
        f.write(whole[:len(whole) - 30])


if __name__ == "__main__":
    main()
