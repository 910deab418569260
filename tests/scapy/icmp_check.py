#!/usr/bin/python3
"""tests/scapy/icmp_check.py ICMP_TOOL — uipsecd's ICMP Destination
Unreachable (tools/uipsecd/icmp_unreachable.c) against scapy.

Packets are made with scapy (IPv4 and IPv6; TCP, UDP, ICMP queries and
errors, IPv4 options, IPv6 extension headers, fragments, multicast and
odd addresses, truncations). Each case says by hand whether an error may
be sent (RFC 1812 §4.3.2.7, RFC 4443 §2.4(e)); for each error the tool
builds, scapy dissects it and the script checks:
  type 3 code 1/13 (IPv4), type 1 code 3/1 (IPv6);
  the source is the offending packet's destination and the other way round;
  TTL / hop limit 64, the IPv4 identification the tool was given, TOS copied;
  the checksums, computed by scapy's own code (checksum(), in6_chksum()
  over the RFC 8200 §8.1 pseudo-header);
  the quote is the offending packet from its first byte, whole or cut at
  576 bytes of error (IPv4, RFC 1812 §4.3.2.3) / 1280 (IPv6, RFC 4443
  §2.4(c)), without bytes past the packet's own length field.

Exit status 0 only if every check passed. Run with Debian's /usr/bin/python3.
"""
import subprocess
import sys

from scapy.all import (ICMP, IP, TCP, UDP, ICMPv6DestUnreach, ICMPv6EchoRequest,
                       ICMPv6PacketTooBig, ICMPv6ParamProblem, ICMPv6TimeExceeded,
                       IPOption_Router_Alert, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                       Raw, checksum)
from scapy.layers.inet6 import in6_chksum

A4, B4 = "10.10.2.7", "10.192.0.5"
A6, B6 = "fd00:2::7", "fd00:192::5"


def v4(payload=UDP(sport=1234, dport=80) / Raw(b"x" * 10), **kw):
    kw.setdefault("src", A4)
    kw.setdefault("dst", B4)
    return bytes(IP(**kw) / payload)


def v6(payload=UDP(sport=1234, dport=80) / Raw(b"x" * 10), **kw):
    kw.setdefault("src", A6)
    kw.setdefault("dst", B6)
    return bytes(IPv6(**kw) / payload)


big = Raw(b"\xa5" * 1400)
cases = [  # (name, code, packet bytes, whether an error may be sent)
    ("v4 udp", "host", v4(), True),
    ("v4 tcp syn", "host", v4(TCP(sport=40000, dport=80, flags="S")), True),
    ("v4 options", "host", v4(TCP(dport=2001), options=[IPOption_Router_Alert()]),
     True),
    ("v4 big", "host", v4(UDP(dport=8181) / big), True),
    ("v4 echo request", "host", v4(ICMP(type=8) / Raw(b"ping")), True),
    ("v4 timestamp request", "host", v4(ICMP(type=13)), True),
    ("v4 first fragment", "host", v4(UDP() / big, flags="MF"), True),
    ("v4 padded", "host", v4() + b"\0" * 6, True),
    ("v4 tos", "host", v4(tos=0x28), True),
    ("v4 prohibited", "prohibited", v4(), True),
    ("v4 dest unreachable", "host", v4(ICMP(type=3, code=1) / Raw(v4()[:28])),
     False),
    ("v4 source quench", "host", v4(ICMP(type=4)), False),
    ("v4 redirect", "host", v4(ICMP(type=5)), False),
    ("v4 time exceeded", "host", v4(ICMP(type=11)), False),
    ("v4 parameter problem", "host", v4(ICMP(type=12)), False),
    ("v4 icmp without type", "host", v4(Raw(b""), proto=1), False),
    ("v4 later fragment", "host", v4(Raw(b"y" * 16), frag=10), False),
    ("v4 last fragment", "host", v4(Raw(b"y" * 16), frag=185), False),
    ("v4 to multicast", "host", v4(dst="224.0.0.1"), False),
    ("v4 to multicast 239", "host", v4(dst="239.1.2.3"), False),
    ("v4 to broadcast", "host", v4(dst="255.255.255.255"), False),
    ("v4 to class E", "host", v4(dst="240.0.0.1"), False),
    ("v4 from 0.0.0.0", "host", v4(src="0.0.0.0"), False),
    ("v4 from this network", "host", v4(src="0.1.2.3"), False),
    ("v4 from loopback", "host", v4(src="127.0.0.1"), False),
    ("v4 from multicast", "host", v4(src="224.0.0.5"), False),
    ("v4 from broadcast", "host", v4(src="255.255.255.255"), False),
    ("v4 truncated", "host", v4()[:30], False),
    ("v4 header only", "host", v4()[:19], False),
    ("v4 ihl 4", "host", bytes([0x44]) + v4()[1:], False),
    ("v4 total < ihl", "host", v4()[:2] + b"\x00\x10" + v4()[4:], False),
    ("v6 udp", "host", v6(), True),
    ("v6 tcp", "host", v6(TCP(dport=2010, flags="S")), True),
    ("v6 big", "host", v6(UDP() / big), True),
    ("v6 echo request", "host", v6(ICMPv6EchoRequest()), True),
    ("v6 ext headers", "host",
     v6(IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt() / UDP()),
     True),
    ("v6 first fragment", "host", v6(IPv6ExtHdrFragment(offset=0, m=1) / UDP() / big),
     True),
    ("v6 no next header", "host", v6(Raw(b""), nh=59), True),
    ("v6 prohibited", "prohibited", v6(), True),
    ("v6 dest unreachable", "host", v6(ICMPv6DestUnreach() / Raw(v6()[:48])),
     False),
    ("v6 packet too big", "host", v6(ICMPv6PacketTooBig()), False),
    ("v6 time exceeded", "host", v6(ICMPv6TimeExceeded()), False),
    ("v6 parameter problem", "host", v6(ICMPv6ParamProblem()), False),
    ("v6 error behind ext headers", "host",
     v6(IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / ICMPv6TimeExceeded()), False),
    ("v6 later fragment", "host",
     v6(IPv6ExtHdrFragment(offset=100, m=1, nh=17) / Raw(b"z" * 16)), False),
    ("v6 to multicast", "host", v6(dst="ff02::1"), False),
    ("v6 from unspecified", "host", v6(src="::"), False),
    ("v6 from loopback", "host", v6(src="::1"), False),
    ("v6 from multicast", "host", v6(src="ff05::2"), False),
    ("v6 truncated", "host", v6()[:50], False),
    ("v6 header only", "host", v6()[:39], False),
    ("v6 jumbogram", "host", v6(IPv6ExtHdrHopByHop() / UDP())[:4] + b"\0\0" +
     v6(IPv6ExtHdrHopByHop() / UDP())[6:], False),
    ("v6 truncated ext header", "host",
     v6(IPv6ExtHdrHopByHop(len=4) / Raw(b"\0" * 6)), False),
    ("v6 nine ext headers", "host",
     v6(IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
        IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
        IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() / UDP()),
     False),
    ("not IP", "host", bytes([0x50]) + v4()[1:], False),
]


def own_length(pkt):
    if pkt[0] >> 4 == 4:
        return int.from_bytes(pkt[2:4], "big")
    return 40 + int.from_bytes(pkt[4:6], "big")


def check_v4(name, code, pkt, err, ident):
    p = IP(err)
    assert p.version == 4 and p.ihl == 5, "header"
    assert p.len == len(err) <= 576, ("length", p.len, len(err))
    assert p.proto == 1 and p.ttl == 64 and p.id == ident, "proto/ttl/id"
    assert p.flags == 0 and p.frag == 0, "fragment fields"
    assert p.tos == IP(pkt).tos, "tos"
    assert p.src == IP(pkt).dst and p.dst == IP(pkt).src, "addresses"
    assert checksum(err[:20]) == 0, "IPv4 header checksum"
    assert checksum(err[20:]) == 0, "ICMP checksum"
    icmp = p[ICMP]
    assert icmp.type == 3, "type"
    assert icmp.code == (1 if code == "host" else 13), ("code", icmp.code)
    assert err[24:28] == b"\0\0\0\0", "unused"
    want = pkt[:own_length(pkt)][:576 - 28]
    assert err[28:] == want, "quote"


def check_v6(name, code, pkt, err):
    p = IPv6(err)
    assert p.version == 6 and p.nh == 58 and p.hlim == 64, "header"
    assert p.plen == len(err) - 40 and len(err) <= 1280, "length"
    assert p.tc == 0 and p.fl == 0, "class/flow"
    assert p.src == IPv6(pkt).dst and p.dst == IPv6(pkt).src, "addresses"
    du = p[ICMPv6DestUnreach]
    assert du.code == (3 if code == "host" else 1), ("code", du.code)
    zeroed = err[40:42] + b"\0\0" + err[44:]
    assert in6_chksum(58, p, zeroed) == int.from_bytes(err[42:44], "big"), \
        "ICMPv6 checksum"
    assert err[44:48] == b"\0\0\0\0", "unused"
    want = pkt[:own_length(pkt)][:1280 - 48]
    assert err[48:] == want, "quote"


def main():
    tool = sys.argv[1]
    text = "".join(f"{c} {p.hex()}\n" for _, c, p, _ in cases)
    out = subprocess.run([tool], input=text, capture_output=True, text=True,
                         check=True).stdout.split("\n")
    failed = 0
    for i, (name, code, pkt, want) in enumerate(cases):
        got = out[i]
        try:
            if not want:
                assert got == "-", "an error for a packet that must get none"
                continue
            assert got != "-", "no error"
            err = bytes.fromhex(got)
            if pkt[0] >> 4 == 4:
                check_v4(name, code, pkt, err, i + 1)
            else:
                check_v6(name, code, pkt, err)
        except AssertionError as e:
            failed += 1
            print(f"FAIL {name}: {e}")
            continue
    sent = sum(1 for c in cases if c[3])
    print(f"{len(cases)} cases: {sent} errors checked by scapy, "
          f"{len(cases) - sent} refusals; {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
