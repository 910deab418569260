#!/usr/bin/python3
"""tests/scapy/pcap_check.py UIPSEC — `uipsec pcap` on captures scapy made.

For every ESP suite, with and without ESN, scapy (an ESP implementation
independent of uipsec; cross_check.py's Case does the encryption and works
around scapy's gaps) encrypts IPv4 and IPv6 inner packets, raw ESP and ESP
in UDP 4500, with sequence numbers that cross 2^32 under ESN. They are
written to capture files of four link types (Ethernet, Linux cooked, raw
IP, BSD loopback) together with a NAT keepalive, an IKE header, a replayed
packet, a packet with a flipped bit and one of an SPI without keys. The
key file is uipsec's own key-log format (doc/keylog.md). Checked:

  every genuine packet "ok", the replay "replay", the flipped one "bad
  ICV", the stranger "unknown SPI", the keepalive and IKE recognised;
  --write-decrypted holds exactly the inner packets, byte for byte, in
  order; --check fails on that capture and passes on a clean one;
  the summary counts the packets and the gap left by a missing number;
  a capture cut inside a record and a record cut by the snap length are
  reported (exit 1 / "truncated"), never a crash;
  ESP in UDP datagrams of 3,000 and more bytes fragmented at the IP layer
  (IPv4 by scapy's fragment(), IPv6 by fragment6()), written in reverse
  order, reassembled and decrypted to the inner packets; a datagram with
  overlapping fragments dropped and --check failing.

Exit status 0 only if every check passed. Run with /usr/bin/python3.
"""
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cross_check as cc  # noqa: E402  (Case, SUITES, inner_packets...)

from scapy.layers.inet import IP, UDP, fragment  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment, \
    fragment6  # noqa: E402
from scapy.layers.l2 import CookedLinux, Ether, Loopback  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import rdpcap, wrpcap  # noqa: E402

UIPSEC = sys.argv[1] if len(sys.argv) > 1 else "uipsec"
# Key-log names of cross_check.SUITES (strongSwan's log names).
KEYLOG_ALGS = {
    "aes256-sha1": ("AES_CBC_256", "HMAC_SHA1_96"),
    "aes256-sha256": ("AES_CBC_256", "HMAC_SHA2_256_128"),
    "aes256gcm16": ("AES_GCM_16_256", "NONE"),
    "chacha20poly1305": ("CHACHA20_POLY1305_256", "NONE"),
}
LINKS = [
    ("ethernet", lambda p: Ether() / p, None),
    ("sll", lambda p: CookedLinux(proto=0x86DD if p.version == 6
                                  else 0x0800) / p, None),
    ("raw", lambda p: p, 101),
    ("null", lambda p: Loopback(type=2) / p, None),
]
IKE_HEADER = bytes(range(1, 9)) + bytes(8) + bytes([0, 0x20, 34, 0x08]) + \
    struct.pack("!II", 0, 28)

check = cc.check     # one tally (cc.checks, cc.failures) for both scripts


def run(args):
    r = subprocess.run([UIPSEC, "pcap"] + args, capture_output=True,
                       text=True, timeout=120)
    check(r.returncode < 128, "uipsec pcap %s: died (%d)" % (args,
                                                             r.returncode))
    return r


def key_line(case):
    encr, integ = KEYLOG_ALGS[case.token]
    return "ESP %s %s %08x %s %s %s %s %s\n" % (
        cc.OUTER["src"], cc.OUTER["dst"], cc.SPI, encr, integ,
        "esn" if case.esn else "noesn", case.enc_key.hex(),
        case.auth_key.hex() if case.auth_key else "-")


def outer_packets(case, version, udp):
    """(outer IP packets, their inner packets, sequence numbers): every
    inner packet but the third, whose number is left out (a gap)."""
    inners = cc.inner_packets(version)
    seqs = cc.inbound_seqs(case, len(inners))
    outs, kept, kept_seqs = [], [], []
    for i, (p, s) in enumerate(zip(inners, seqs)):
        if i == 2:
            continue
        if udp:
            payload = cc.nat_t_payload(case, p, s)
            outs.append(IP(**cc.OUTER) / UDP(sport=4500, dport=4500,
                                             chksum=0) / Raw(payload))
        else:
            outs.append(IP(proto=50, **cc.OUTER) /
                        Raw(case.scapy_encrypt(p, s)))
        kept.append(p)
        kept_seqs.append(s)
    return outs, kept, kept_seqs


def one_case(case, version, udp, link, work):
    name = "%s IPv%d %s %s" % (case.name, version, "UDP" if udp else "raw",
                               link[0])
    outs, inners, seqs = outer_packets(case, version, udp)
    keys = os.path.join(work, "keys")
    with open(keys, "w") as f:
        f.write("# scapy-made SA\n" + key_line(case))
    cap = os.path.join(work, "clean.pcap")
    dec = os.path.join(work, "dec.pcap")
    wrap, lt = link[1], link[2]
    wrpcap(cap, [wrap(p) for p in outs], linktype=lt)
    r = run([cap, "--keys", keys, "--write-decrypted", dec, "--summary",
             "--check"])
    lines = r.stdout.splitlines()
    check(r.returncode == 0, "%s: --check on a clean capture: %d %s" %
          (name, r.returncode, r.stderr.strip()))
    oks = [ln for ln in lines if " ESP spi 0x%08x " % cc.SPI in ln and
           ln.endswith(" ok")]
    check(len(oks) == len(outs), "%s: %d of %d ok:\n%s" %
          (name, len(oks), len(outs), r.stdout))
    got = [bytes(p) for p in rdpcap(dec)] if os.path.exists(dec) else []
    check(got == [bytes(p) for p in inners],
          "%s: decrypted packets differ (%d vs %d)" %
          (name, len(got), len(inners)))
    lo = [s & 0xFFFFFFFF for s in seqs]
    check(all(" seq %d " % s in ln for s, ln in zip(lo, oks)),
          "%s: sequence numbers on the lines" % name)
    span = max(seqs) - min(seqs) + 1
    check(", gaps %d," % (span - len(seqs)) in r.stdout,
          "%s: gaps (want %d): %s" % (name, span - len(seqs),
                                      r.stdout[-400:]))

    # The same with the bad ones and the extras mixed in.
    stranger = bytes(outs[0][Raw].load)
    stranger = b"\xde\xad\xbe\xef" + stranger[4:]
    flipped = bytearray(bytes(outs[-1][Raw].load))
    flipped[-1] ^= 1
    extra = [IP(**cc.OUTER) / UDP(sport=4500, dport=4500) / Raw(b"\xff"),
             IP(**cc.OUTER) / UDP(sport=500, dport=500) / Raw(IKE_HEADER),
             (IP(proto=50, **cc.OUTER) / Raw(stranger)) if not udp else
             IP(**cc.OUTER) / UDP(sport=4500, dport=4500) / Raw(stranger)]
    bad = (IP(proto=50, **cc.OUTER) if not udp else
           IP(**cc.OUTER) / UDP(sport=4500, dport=4500)) / Raw(bytes(flipped))
    mixed = os.path.join(work, "mixed.pcap")
    # outs[1] again right after itself (a replay, inside the window);
    # the flipped copy of the last packet before the genuine one.
    wrpcap(mixed, [wrap(p) for p in outs[:2] + [outs[1]] + outs[2:-1] +
                   extra + [bad, outs[-1]]], linktype=lt)
    r = run([mixed, "--keys", keys, "--check"])
    out = r.stdout
    check(r.returncode == 1, "%s: --check passes a capture with bad "
          "packets" % name)
    check(out.count(" ok\n") == len(outs) + 1, "%s: ok count (+IKE):\n%s" %
          (name, out))
    for want in (" replay\n", " bad ICV\n", "ESP spi 0xdeadbeef ",
                 " unknown SPI\n", " NAT keepalive\n",
                 " IKE 0102030405060708/0000000000000000 initiator "
                 "IKE_SA_INIT request 0 [ ] ok\n"):
        check(want in out, "%s: no '%s' in:\n%s" % (name, want.strip(), out))


def truncated(work, case):
    """A capture cut inside a record, and a record cut by the snap length."""
    outs, _, _ = outer_packets(case, 4, True)
    cap = os.path.join(work, "t.pcap")
    wrpcap(cap, outs, linktype=101)
    whole = open(cap, "rb").read()
    keys = os.path.join(work, "keys")
    with open(keys, "w") as f:
        f.write(key_line(case))
    for cut in (len(whole) - 7, 24 + 10, 24 + 16 + 5, 20):
        with open(cap, "wb") as f:
            f.write(whole[:cut])
        r = run([cap, "--keys", keys])
        check(r.returncode == 1 and "uipsec pcap" in r.stderr,
              "cut at %d: rc %d, stderr %r" % (cut, r.returncode, r.stderr))
    # One record: 60 bytes captured of a longer datagram.
    pkt = bytes(outs[0])
    rec = struct.pack("<IIII", 1, 0, 60, len(pkt)) + pkt[:60]
    hdr = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 60, 101)
    with open(cap, "wb") as f:
        f.write(hdr + rec)
    r = run([cap, "--keys", keys, "--summary"])
    check(r.returncode == 0 and " truncated: " in r.stdout and
          "1 truncated" in r.stdout, "snap length: %s" % r.stdout)


def fragmented(work, case):
    """Large ESP-in-UDP datagrams fragmented at the IP layer, IPv4 and
    IPv6, last fragment first; then overlapping fragments."""
    inners = [IP(src="10.1.0.1", dst="10.2.0.1", id=i) /
              UDP(sport=40000, dport=2001) /
              Raw(bytes((i + k) & 0xFF for k in range(n)))
              for i, n in enumerate((3000, 5000, 500))]
    inners = [IP(bytes(p)) for p in inners]
    seqs = [1, 2, 3]
    keys = os.path.join(work, "keys")
    with open(keys, "w") as f:
        f.write(key_line(case).replace(
            "%s %s " % (cc.OUTER["src"], cc.OUTER["dst"]), "* * ", 1))
    for version in (4, 6):
        frames = []
        for p, s in zip(inners, seqs):
            payload = cc.nat_t_payload(case, p, s)
            if version == 4:
                outer = IP(id=s, **cc.OUTER) / UDP(sport=4500, dport=4500,
                                                   chksum=0) / Raw(payload)
                parts = fragment(outer, fragsize=1480)
            else:
                v6 = dict(src="2001:db8::1", dst="2001:db8::2")
                udp = UDP(sport=4500, dport=4500, chksum=0) / Raw(payload)
                parts = [IPv6(**v6) / udp]
                if len(parts[0]) > 1280:
                    parts = fragment6(IPv6(**v6) / IPv6ExtHdrFragment(id=s)
                                      / udp, 1280)
            frames += [bytes(x) for x in reversed(parts)]
        cap = os.path.join(work, "frag.pcap")
        dec = os.path.join(work, "frag-dec.pcap")
        wrpcap(cap, [IP(b) if version == 4 else IPv6(b) for b in frames],
               linktype=101)
        r = run([cap, "--keys", keys, "--write-decrypted", dec, "--summary",
                 "--check"])
        name = "%s IPv%d fragments" % (case.name, version)
        check(r.returncode == 0, "%s: --check: %d %s\n%s" % (
            name, r.returncode, r.stderr.strip(), r.stdout))
        oks = [ln for ln in r.stdout.splitlines() if "[IP " in ln and
               " fragments] ESP spi 0x%08x " % cc.SPI in ln and
               ln.endswith(" ok")]
        check(len(oks) == 2, "%s: reassembled and ok:\n%s" % (name,
                                                               r.stdout))
        got = [bytes(p) for p in rdpcap(dec)] if os.path.exists(dec) else []
        check(got == [bytes(p) for p in inners], "%s: decrypted packets "
              "differ" % name)
        check("2 datagrams reassembled" in r.stdout, "%s: summary:\n%s" %
              (name, r.stdout))
    # Overlapping: the second fragment starts 8 bytes into the first.
    payload = cc.nat_t_payload(case, inners[0], 1)
    whole = bytes(IP(id=9, flags=0, **cc.OUTER) /
                  UDP(sport=4500, dport=4500, chksum=0) / Raw(payload))
    body = whole[20:]
    a = IP(id=9, flags="MF", frag=0, proto=17, **cc.OUTER) / \
        Raw(body[:1480])
    b = IP(id=9, frag=1472 // 8, proto=17, **cc.OUTER) / Raw(body[1472:])
    cap = os.path.join(work, "overlap.pcap")
    wrpcap(cap, [a, b], linktype=101)
    r = run([cap, "--keys", keys, "--check", "--summary"])
    check(r.returncode == 1 and "overlapping fragments" in r.stdout and
          "1 overlapping" in r.stdout and "ESP spi" not in r.stdout,
          "overlapping fragments: %d\n%s" % (r.returncode, r.stdout))


def main():
    with tempfile.TemporaryDirectory() as work:
        n = 0
        for suite in cc.SUITES:
            for esn in (False, True):
                case = cc.Case(suite, esn)
                for version in (4, 6):
                    for udp in (False, True):
                        one_case(case, version, udp,
                                 LINKS[n % len(LINKS)], work)
                        n += 1
                print("%-24s done" % case.name)
        truncated(work, cc.Case(cc.SUITES[2], False))
        for suite in cc.SUITES:
            fragmented(work, cc.Case(suite, True))
    print("%d checks, %d failed" % (cc.checks, len(cc.failures)))
    return 1 if cc.failures else 0


if __name__ == "__main__":
    sys.exit(main())
