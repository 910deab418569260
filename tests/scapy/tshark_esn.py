#!/usr/bin/python3
"""tests/scapy/tshark_esn.py UIPSEC — what Wireshark 4.0 (Debian 12's
tshark) can do with the esp_sa rows `uipsec keylog -w` writes, for every
ESP suite uipsec has, with and without ESN (doc/keylog.md):

  - without ESN, AES-CBC with HMAC-SHA1-96 / HMAC-SHA2-256-128 and AES-GCM-16:
    tshark decrypts every packet and finds every ICV good;
  - with ESN (sequence numbers crossing 2^32; esp_sa has no ESN field):
    the HMAC rows leave the ICV unchecked and tshark decrypts every
    packet, none reported bad; the AES-GCM row decrypts every packet (its
    ICV, over a 32-bit sequence number, is reported bad: documented);
  - ChaCha20-Poly1305 (RFC 7634) has no name in Wireshark 4.0: esp_sa
    holds only a comment, tshark decrypts nothing;
  - `uipsec pcap --check` with uipsec's own key log verifies every packet
    of every case, ChaCha20 and ESN included.

scapy (cross_check.Case) encrypts; exit status 0 only if every check
passed. Run with /usr/bin/python3.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cross_check as cc  # noqa: E402
import pcap_check as pc  # noqa: E402  (key_line)

from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import wrpcap  # noqa: E402

UIPSEC = sys.argv[1] if len(sys.argv) > 1 else "uipsec"
check = cc.check


def tshark(cap, rows):
    """Per packet: (inner UDP source port or None, ICV good, ICV bad)."""
    args = ["tshark", "-r", cap, "-o", "esp.enable_encryption_decode:TRUE",
            "-o", "esp.enable_authentication_check:TRUE", "-T", "fields",
            "-e", "udp.srcport", "-e", "esp.icv_good", "-e", "esp.icv_bad"]
    for r in rows:
        args += ["-o", "uat:esp_sa:" + r]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "tshark: %s" % r.stderr.strip()[-300:])
    out = []
    for ln in r.stdout.splitlines():
        ports, good, bad = (ln.split("\t") + ["", ""])[:3]
        ports = ports.split(",")
        out.append((int(ports[1]) if len(ports) > 1 else None,
                    good == "1", bad == "1"))
    return out


def one(work, case):
    inners = cc.inner_packets(4)
    seqs = cc.inbound_seqs(case, len(inners))
    outs = [IP(**cc.OUTER) / UDP(sport=4500, dport=4500, chksum=0) /
            Raw(cc.nat_t_payload(case, p, s)) for p, s in zip(inners, seqs)]
    cap = os.path.join(work, "c.pcap")
    keys = os.path.join(work, "keys")
    ws = os.path.join(work, "ws")
    os.makedirs(ws, exist_ok=True)
    wrpcap(cap, outs)
    with open(keys, "w") as f:
        f.write(pc.key_line(case))
    r = subprocess.run([UIPSEC, "keylog", "-w", ws, keys],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "%s: uipsec keylog -w: %s" % (case.name,
                                                            r.stderr))
    lines = open(os.path.join(ws, "esp_sa")).read().splitlines()
    rows = [ln for ln in lines if not ln.startswith("#")]
    got = tshark(cap, rows)
    want_ports = [p[UDP].sport for p in inners]
    decrypted = [g[0] for g in got] == want_ports
    name = case.name
    if case.token == "chacha20poly1305":
        check(not rows and "no name in Wireshark 4.0" in lines[0],
              "%s: esp_sa: %s" % (name, lines))
        check(all(g[0] is None for g in got), "%s: tshark decrypted "
              "ChaCha20-Poly1305?" % name)
    elif not case.esn:
        check(decrypted and all(g[1] for g in got), "%s: tshark: %s" %
              (name, got))
    else:
        check(len(rows) == 1 and "has ESN" in lines[0], "%s: esp_sa: %s" %
              (name, lines))
        check(decrypted, "%s: tshark does not decrypt: %s" % (name, got))
        if case.auth:
            check("[no checking]" in rows[0] and
                  not any(g[1] or g[2] for g in got),
                  "%s: ICV not left unchecked: %s %s" % (name, rows, got))
    r = subprocess.run([UIPSEC, "pcap", cap, "--keys", keys, "--check",
                        "--quiet", "--summary"], capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 0 and "%d ESP (%d ok)" % (len(outs), len(outs))
          in r.stdout, "%s: uipsec pcap: %s %s" % (name, r.stdout,
                                                   r.stderr))
    print("%-24s tshark: %s, uipsec pcap: all ok" % (
        name, "no name" if not rows else
        "decrypted, ICV %s" % ("good" if all(g[1] for g in got) else
                               "bad" if any(g[2] for g in got) else
                               "unchecked")))


def main():
    with tempfile.TemporaryDirectory() as work:
        for suite in cc.SUITES:
            for esn in (False, True):
                one(work, cc.Case(suite, esn))
    print("%d checks, %d failed" % (cc.checks, len(cc.failures)))
    return 1 if cc.failures else 0


if __name__ == "__main__":
    sys.exit(main())
