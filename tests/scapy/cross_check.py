#!/usr/bin/python3
"""tests/scapy/cross_check.py ESP_TOOL — uipsec's ESP against scapy's.

scapy.layers.ipsec (python3-scapy, on python3-cryptography) is an ESP
implementation written independently of uipsec. For every suite, with and
without ESN, IPv4 and IPv6 inner packets, tunnel mode (next header 4 / 41):

  scapy encrypts   -> uipsec decaps to the identical inner packet
  uipsec encaps    -> scapy decrypts to the identical inner packet
  the same over UDP 4500 (RFC 3948): esp_udp_classify() sees ESP in the UDP
  payload, and it decaps; scapy dissects uipsec's ESP inside UDP 4500
  one flipped bit anywhere in a scapy packet -> uipsec drops it, and the
  genuine packet still decaps afterwards

Sequence numbers: with ESN they cross 2^32 both ways (uipsec infers the high
half on receipt, RFC 4303 Appendix A; late packets from below the wrap are
accepted); without ESN they reach 2^32-1 and the next encap must fail.

scapy 2.5 gaps this script works around, each named where it happens:
  * its ESP ICV for CBC+HMAC ignores ESN (it appends seq_hi for AH only), so
    for CBC+ESN the ICV is computed here with scapy's own HMAC object over
    SPI||seq||IV||ciphertext||seq_hi (RFC 4303 §2.2.1, §3.3.2.1);
  * its nat_t_header output carries UDP length 8 (it serialises the UDP
    header before attaching ESP), so the UDP datagram is rebuilt here;
  * its decrypt drops the padding unchecked, so uipsec's padding (RFC 4303
    §2.4: 1, 2, 3, ..., minimal, aligned) is checked here on a plaintext
    decrypted with scapy's cipher objects.

Exit status 0 only if every check passed. Run with Debian's /usr/bin/python3.
"""
import random
import struct
import subprocess
import sys

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import AUTH_ALGOS, ESP, SecurityAssociation
from scapy.packet import Raw

TOOL = sys.argv[1] if len(sys.argv) > 1 else "./esp_tool"
SPI = 0xC0FFEE01
OUTER = dict(src="192.0.2.1", dst="192.0.2.2")
NAT_T_PORT = 4500
WINDOW = 64

# token, scapy cipher, scapy MAC, encryption key bytes (with salt), MAC key
SUITES = [
    ("aes256-sha1", "AES-CBC", "HMAC-SHA1-96", 32, 20),
    ("aes256-sha256", "AES-CBC", "SHA2-256-128", 32, 32),
    ("aes256gcm16", "AES-GCM", None, 36, 0),
    ("chacha20poly1305", "CHACHA20-POLY1305", None, 36, 0),
]

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL " + what)
    return cond


class Case:
    """One suite, ESN on or off, with its keys and scapy SAs."""

    def __init__(self, suite, esn):
        self.token, self.crypt, self.auth, enc_len, auth_len = suite
        self.esn = esn
        rnd = random.Random(self.token + str(esn))
        self.enc_key = bytes(rnd.randrange(256) for _ in range(enc_len))
        self.auth_key = bytes(rnd.randrange(256) for _ in range(auth_len))
        self.name = self.token + ("-esn" if esn else "-noesn")
        self.runs = 0
        # CBC+ESN: scapy encrypts and pads, the ICV is added here.
        self.manual_icv = esn and self.auth is not None
        self.sa = self._scapy_sa(self.auth if not self.manual_icv else None)

    def _scapy_sa(self, auth, nat_t=False):
        kw = dict(crypt_algo=self.crypt, crypt_key=self.enc_key,
                  tunnel_header=IP(**OUTER), seq_num=0)
        if auth:
            kw.update(auth_algo=auth, auth_key=self.auth_key)
        if nat_t:
            kw.update(nat_t_header=UDP(sport=NAT_T_PORT, dport=NAT_T_PORT))
        return SecurityAssociation(ESP, spi=SPI, **kw)

    def icv(self, covered, seq_hi):
        """RFC 4303 §3.3.2.1: HMAC over the packet and the implicit seq_hi."""
        algo = AUTH_ALGOS[self.auth]
        mac = algo.new_mac(self.auth_key)
        mac.update(covered + struct.pack("!I", seq_hi))
        return mac.finalize()[:algo.icv_size]

    def tool(self, mode, packets, seq=None, udp=False):
        args = [TOOL, mode, "--suite", self.name, "--spi", "%x" % SPI,
                "--enc-key", self.enc_key.hex(), "--window", str(WINDOW)]
        if self.auth_key:
            args += ["--auth-key", self.auth_key.hex()]
        if seq is not None:
            args += ["--seq", str(seq)]
        if udp:
            args.append("--udp")
        # Every other run through a contended context cache (esp_tool
        # --evict): each packet meets a context re-keyed for it.
        self.runs += 1
        if self.runs % 2 == 0:
            args.append("--evict")
        run = subprocess.run(args, input="".join(bytes(p).hex() + "\n"
                             for p in packets), capture_output=True,
                             text=True, timeout=60)
        if run.returncode != 0 or len(run.stdout.splitlines()) != len(packets):
            raise SystemExit("esp_tool %s failed (%d): %s" %
                             (" ".join(args[:4]), run.returncode, run.stderr))
        return run.stdout.splitlines()

    def scapy_encrypt(self, inner, seq):
        """scapy's ESP packet (SPI to ICV) carrying inner at 64-bit seq."""
        hi, lo = seq >> 32, seq & 0xFFFFFFFF
        pkt = self.sa.encrypt(inner, seq_num=lo, esn_en=self.esn, esn=hi)
        esp = bytes(pkt[ESP])
        if self.manual_icv:
            esp += self.icv(esp, hi)
        return esp

    def scapy_decrypt(self, esp, seq_hi, udp=False):
        """The inner packet scapy finds in uipsec's ESP bytes, or raises."""
        if self.manual_icv:
            n = AUTH_ALGOS[self.auth].icv_size
            if self.icv(esp[:-n], seq_hi) != esp[-n:]:
                raise ValueError("ICV (with seq_hi) does not verify")
            esp = esp[:-n]
        if udp:
            wire = IP(**OUTER) / UDP(sport=NAT_T_PORT, dport=NAT_T_PORT,
                                     chksum=0) / Raw(esp)
        else:
            wire = IP(proto=50, **OUTER) / Raw(esp)
        pkt = IP(bytes(wire))
        if not pkt.haslayer(ESP):
            raise ValueError("scapy does not see ESP")
        return self.sa.decrypt(pkt, esn_en=self.esn, esn=seq_hi)

    def plaintext(self, esp, seq_hi):
        """Payload || padding || pad length || next header of an ESP packet
        whose ICV scapy has verified, decrypted with scapy's cipher objects:
        scapy's own decrypt drops the padding unchecked (and mis-slices it)."""
        algo = self.sa.crypt_algo
        icv_len = algo.icv_size or AUTH_ALGOS[self.auth].icv_size
        iv = esp[8:8 + algo.iv_size]
        ct = esp[8 + algo.iv_size:len(esp) - icv_len]
        if algo.is_aead:
            aad = esp[:4] + (struct.pack("!I", seq_hi) if self.esn else b"") \
                + esp[4:8]
            return algo.cipher(self.sa.crypt_key).decrypt(
                self.sa.crypt_salt + iv, ct + esp[len(esp) - icv_len:], aad)
        dec = algo.new_cipher(self.sa.crypt_key, iv).decryptor()
        return dec.update(ct) + dec.finalize()


def inner_packets(version):
    """Inner packets whose lengths cover every padding residue mod 16."""
    out = []
    for i, n in enumerate(list(range(16)) + [1372 - (20 if version == 6 else 0)]):
        body = bytes((i * 7 + k) & 0xFF for k in range(n))
        if version == 4:
            out.append(IP(src="10.1.0.1", dst="10.2.0.1", id=i) /
                       UDP(sport=40000 + i, dport=2001) / Raw(body))
        else:
            out.append(IPv6(src="fd00:1::1", dst="fd00:2::1") /
                       UDP(sport=40000 + i, dport=8181) / Raw(body))
    return [IP(bytes(p)) if version == 4 else IPv6(bytes(p)) for p in out]


def inbound_seqs(case, count):
    """Sequence numbers for scapy -> uipsec; the last ones cross 2^32 with
    ESN (and one comes late from below it), reach 2^32-1 without. With ESN
    the receiver infers the high half from its window (RFC 4303 Appendix
    A), so the window first moves to 2^31: seen from near 0, 2^32-2 would
    be a late packet of the epoch before 0, not one just below 2^32."""
    if not case.esn:
        return list(range(1, count - 1)) + [0xFFFFFFFE, 0xFFFFFFFF]
    tail = [2**31, 2**32 - 2, 2**32 - 1, 2**32, 2**32 + 1, 2**32 - 3]
    return list(range(1, count - len(tail) + 1)) + tail


def decap_answer_ok(case, what, answer, inner):
    nh = 41 if inner.version == 6 else 4
    return check(answer == "ok %d %s" % (nh, bytes(inner).hex()),
                 "%s: %s: got '%s'" % (case.name, what, answer[:60]))


def scapy_to_uipsec(case, version, udp):
    inners = inner_packets(version)
    seqs = inbound_seqs(case, len(inners))
    make = nat_t_payload if udp else Case.scapy_encrypt
    esps = [make(case, p, s) for p, s in zip(inners, seqs)]
    answers = case.tool("decap", esps, udp=udp)
    tag = "scapy->uipsec IPv%d%s" % (version, " UDP" if udp else "")
    for p, s, a in zip(inners, seqs, answers):
        decap_answer_ok(case, "%s seq %#x" % (tag, s), a, p)
    # The same packet again is a replay (RFC 4303 §3.4.3).
    again = case.tool("decap", esps[:1] * 2, udp=udp)
    check(again[1].startswith("drop"), "%s: %s replay accepted: %s" %
          (case.name, tag, again[1]))


def nat_t_payload(case, inner, seq):
    """scapy's ESP-in-UDP (nat_t_header), the UDP length repaired (scapy 2.5
    writes 8), then the UDP payload as a socket would return it."""
    sa = case._scapy_sa(case.auth if not case.manual_icv else None, True)
    pkt = sa.encrypt(inner, seq_num=seq & 0xFFFFFFFF, esn_en=case.esn,
                     esn=seq >> 32)
    esp = bytes(pkt[ESP])
    if case.manual_icv:
        esp += case.icv(esp, seq >> 32)
    check(pkt[UDP].dport == NAT_T_PORT, "%s: scapy NAT-T port" % case.name)
    wire = IP(bytes(IP(**OUTER) / UDP(sport=pkt[UDP].sport,
                                      dport=pkt[UDP].dport, chksum=0) /
                    Raw(esp)))
    return bytes(wire[UDP].payload)


def uipsec_to_scapy(case, version, udp):
    inners = inner_packets(version)
    start = 2**32 - 8 if case.esn else 2**32 - len(inners)
    answers = case.tool("encap", inners + inners[:1], seq=start)
    tag = "uipsec->scapy IPv%d%s" % (version, " UDP" if udp else "")
    ivs = set()
    for i, (p, a) in enumerate(zip(inners, answers)):
        seq = start + i
        if not check(a.startswith("ok "), "%s: %s encap seq %#x: %s" %
                     (case.name, tag, seq, a)):
            continue
        esp = bytes.fromhex(a[3:])
        spi, lo = struct.unpack("!II", esp[:8])
        check(spi == SPI and lo == seq & 0xFFFFFFFF,
              "%s: %s header spi %#x seq %#x" % (case.name, tag, spi, lo))
        ivs.add(esp[8:16] if case.auth is None else esp[8:24])
        try:
            got = case.scapy_decrypt(esp, seq >> 32, udp)
            plain = case.plaintext(esp, seq >> 32)
        except Exception as e:  # scapy raises several types on bad input
            check(False, "%s: %s seq %#x: scapy: %s" % (case.name, tag, seq, e))
            continue
        check(bytes(got) == bytes(p), "%s: %s seq %#x: inner differs" %
              (case.name, tag, seq))
        check_padding(case, tag, seq, plain, p)
    check(len(ivs) == len(inners), "%s: %s IVs repeat" % (case.name, tag))
    # Without ESN the counter must not wrap (RFC 4303 §3.3.3).
    last = answers[len(inners)]
    if case.esn:
        check(last.startswith("ok "), "%s: encap past 2^32: %s" %
              (case.name, last))
    else:
        check(last == "err sequence numbers exhausted",
              "%s: encap after 2^32-1: %s" %
              (case.name, last))


def check_padding(case, tag, seq, plain, inner):
    """RFC 4303 §2.4: padding 1, 2, 3, ..., payload + trailer aligned to
    the block (CBC) or to 4 bytes (AEAD), no more padding than that needs."""
    n, nh = plain[-2], plain[-1]
    align = 16 if case.auth else 4
    check(plain[-2 - n:-2] == bytes(range(1, n + 1)) and
          len(plain) == len(bytes(inner)) + n + 2 and
          len(plain) % align == 0 and n < align and
          nh == (41 if inner.version == 6 else 4),
          "%s: %s seq %#x: padding %s, next header %d" %
          (case.name, tag, seq, plain[-2 - n:-2].hex(), nh))


def flipped_bits(case):
    """Every flipped bit (one per byte, spread over header, IV, ciphertext,
    trailer and ICV) and a truncation are dropped; the genuine packet still
    decaps afterwards: drops leave the replay window alone."""
    inner = inner_packets(4)[5]
    esp = case.scapy_encrypt(inner, 7)
    forged = []
    for off in range(len(esp)):
        b = bytearray(esp)
        b[off] ^= 1 << (off % 8)
        forged.append(bytes(b))
    forged.append(esp[:-1])
    answers = case.tool("decap", forged + [esp])
    for off, a in enumerate(answers[:-1]):
        # A changed SPI names another SA (the last line is the truncated
        # packet); a change anywhere else must fail the ICV.
        if 4 <= off < len(esp):
            ok = a == "drop ICV mismatch"
        else:
            ok = a.startswith("drop")
        check(ok, "%s: flipped byte %d: %s" % (case.name, off, a[:40]))
    decap_answer_ok(case, "genuine after forgeries", answers[-1], inner)


def classify(case):
    """RFC 3948 §2: what arrives on UDP 4500."""
    esp = nat_t_payload(case, inner_packets(4)[0], 1)
    ike_header = bytes(range(1, 9)) + bytes(8) + bytes([33, 0x20, 34, 0x08]) + \
        struct.pack("!II", 0, 28)
    lines = [esp, bytes(4) + ike_header, b"\xff"]
    answers = case.tool("classify", lines)
    check(answers == ["esp", "ike", "keepalive"],
          "%s: esp_udp_classify: %s" % (case.name, answers))


def main():
    for suite in SUITES:
        for esn in (False, True):
            case = Case(suite, esn)
            for version in (4, 6):
                for udp in (False, True):
                    scapy_to_uipsec(case, version, udp)
                    uipsec_to_scapy(case, version, udp)
            flipped_bits(case)
            classify(case)
            print("%-24s done" % case.name)
    print("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
