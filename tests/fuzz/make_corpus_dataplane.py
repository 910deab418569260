#!/usr/bin/python3
"""tests/fuzz/make_corpus_dataplane.py DIR — the seeds of fuzz_dataplane: a
mode byte, then what fuzz_dataplane.c's header comment says for the mode.
The harness seals the inner packets itself, so these are plain bytes:
pings over each connection (c carries 10.0.0.0/16, fd00::/64 to and from
10.c+1.0.0/16, fd0c+1::/64), from the TUN to an SA, to a pool address no
SA carries and from a source the SA refuses, and non-ESP datagrams.
"""
import ipaddress
import os
import struct
import sys

RAW, RAW_TRAIN, ENCAP, SEAL, TRAIN, TUN = range(6)
ALIGN = [16, 4, 4, 16]                  # per connection: CBC, GCM, ChaCha, CBC


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ping4(src, dst, payload=b"uipsec"):
    icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1,
                      0, ipaddress.ip_address(src).packed,
                      ipaddress.ip_address(dst).packed)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + icmp


def ping6(src, dst, payload=b"uipsec"):
    s, d = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    icmp = struct.pack("!BBHHH", 128, 0, 0, 1, 1) + payload
    pseudo = s + d + struct.pack("!I3xB", len(icmp), 58)
    icmp = icmp[:2] + struct.pack("!H", csum(pseudo + icmp)) + icmp[4:]
    return struct.pack("!IHBB", 0x60000000, len(icmp), 58, 64) + s + d + icmp


def trailer(inner, conn, nh):
    """inner || 1, 2, 3, ... || pad length || next header (RFC 4303 §2.4)."""
    pad = -(len(inner) + 2) % ALIGN[conn]
    return inner + bytes(range(1, pad + 1)) + bytes([pad, nh])


def record(pkt):
    return struct.pack("!H", len(pkt)) + pkt


SEEDS = {
    "raw-keepalive": bytes([RAW, 0xFF]),
    "raw-ike": bytes([RAW]) + bytes(4) + bytes(28),
    "raw-esp-bad-icv": bytes([RAW]) + struct.pack("!II", 0x2000, 1) + bytes(48),
    "raw-train-keepalives": bytes([RAW_TRAIN, 1, 0xFF, 0xFF, 0xFF]),
    "encap-ping4-sha1": bytes([ENCAP, 0, 0]) + ping4("10.1.0.1", "10.0.0.1"),
    "encap-ping4-gcm": bytes([ENCAP, 1, 0]) + ping4("10.2.0.1", "10.0.0.1"),
    "encap-ping6-chacha": bytes([ENCAP, 2, 0]) + ping6("fd03::1", "fd00::1"),
    "encap-ping6-sha256": bytes([ENCAP, 3, 0]) + ping6("fd04::1", "fd00::1"),
    "encap-outside-ts": bytes([ENCAP, 0, 0]) + ping4("10.7.0.1", "10.0.0.1"),
    "encap-dummy": bytes([ENCAP, 1, 59]) + bytes(16),
    "encap-replay": bytes([ENCAP, 32 << 2, 0]) + ping4("10.1.0.1", "10.0.0.1"),
    "seal-ping4-sha1": bytes([SEAL, 0]) +
    trailer(ping4("10.1.0.1", "10.0.0.1"), 0, 4),
    "seal-ping6-chacha": bytes([SEAL, 2]) +
    trailer(ping6("fd03::1", "fd00::1"), 2, 41),
    "train-gcm": bytes([TRAIN, 1, 40 - 20]) +
    3 * ping4("10.2.0.1", "10.0.0.1", b"train-" * 2),
    "tun-ping4": bytes([TUN]) + record(ping4("10.0.0.1", "10.1.0.1")),
    "tun-ping6": bytes([TUN]) + record(ping6("fd00::1", "fd02::1")),
    "tun-gso-group": bytes([TUN]) +
    4 * record(ping4("10.0.0.1", "10.3.0.1", bytes(100))),
    "tun-unreachable": bytes([TUN]) + record(ping4("10.0.0.1", "10.9.0.1")) +
    record(ping6("fd00::1", "fd09::1")),
    "tun-unreachable-big": bytes([TUN]) +
    record(ping4("10.0.0.1", "10.9.0.2", bytes(700))) +
    record(ping6("fd00::1", "fd09::2", bytes(1300))),
    "tun-prohibited": bytes([TUN]) + record(ping4("10.5.0.1", "10.1.0.1")),
}

for name, data in SEEDS.items():
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(data)
