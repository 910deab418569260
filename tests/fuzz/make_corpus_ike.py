#!/usr/bin/python3
"""tests/fuzz/make_corpus_ike.py — writes the seed corpus of
fuzz_ike_message (corpus_ike/), encoded here with struct from the layouts
of RFC 7296 §3 and RFC 7383 §2.5, independently of ike/'s builder.

Seeds named valid-* are whole messages ike_msg_parse() must accept;
inner-* are a payload type byte followed by an SK{} plaintext chain that
ike_msg_parse_inner() must accept (test_ike_message checks both).

  make_corpus_ike.py DIR
"""
import hashlib
import os
import struct
import sys

SPI_I = 0x0123456789ABCDEF
SPI_R = 0xFEDCBA9876543210
I, R = 0x08, 0x20                         # header flags
SA, KE, IDI, IDR, CERT, CERTREQ, AUTH, NONCE, N, D, V, TSI, TSR, SK, CP, \
    EAP = range(33, 49)
SKF = 53


def fill(label, n):
    out = b""
    while len(out) < n:
        out += hashlib.sha256((label + str(len(out))).encode()).digest()
    return out[:n]


def chain(payloads, end=0):
    """payloads: (type, body[, critical[, next override]]) tuples."""
    out = b""
    for i, p in enumerate(payloads):
        t, body = p[0], p[1]
        crit = p[2] if len(p) > 2 else False
        nxt = payloads[i + 1][0] if i + 1 < len(payloads) else end
        if len(p) > 3:
            nxt = p[3]
        out += struct.pack("!BBH", nxt, 0x80 if crit else 0, 4 + len(body))
        out += body
    return out


def message(exch, flags, mid, payloads, spi_r=0):
    body = chain(payloads)
    first = payloads[0][0] if payloads else 0
    return struct.pack("!QQBBBBII", SPI_I, spi_r, first, 0x20, exch, flags,
                       mid, 28 + len(body)) + body


def transform(xtype, xid, key_bits=None, last=False):
    attr = struct.pack("!HH", 0x800E, key_bits) if key_bits else b""
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attr), xtype,
                       0, xid) + attr


def proposal(num, proto, xforms, spi=b"", last=False):
    body = b"".join(transform(*x, last=(i == len(xforms) - 1))
                    for i, x in enumerate(xforms))
    head = struct.pack("!BBBB", num, proto, len(spi), len(xforms)) + spi
    return struct.pack("!BBH", 0 if last else 2, 0, 4 + len(head) + len(body)) \
        + head + body


def sa(*props):
    return (SA, b"".join(proposal(*p, last=(i == len(props) - 1))
                         for i, p in enumerate(props)))


def notify(ntype, data=b"", proto=0, spi=b""):
    return (N, struct.pack("!BBH", proto, len(spi), ntype) + spi + data)


def typed(ptype, t, data):            # ID, AUTH: type byte, 3 reserved
    return (ptype, struct.pack("!B3x", t) + data)


def ts(ptype, selectors):
    body = b""
    for t, proto, sport, eport, start, end in selectors:
        body += struct.pack("!BBHHH", t, proto, 8 + 2 * len(start), sport,
                            eport) + start + end
    return (ptype, struct.pack("!B3x", len(selectors)) + body)


def cp(cfg_type, attrs):
    return (CP, struct.pack("!B3x", cfg_type) + b"".join(
        struct.pack("!HH", t, len(v)) + v for t, v in attrs))


IKE_SA = [(1, 12, 256), (3, 2), (2, 2), (4, 14)]
IKE_AEAD = [(1, 20, 256), (2, 5), (4, 31)]
ESP = [(1, 20, 256), (5, 0), (5, 1)]
V4 = (7, 0, 0, 65535, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 1]))
V6 = (8, 17, 500, 4500, bytes(15) + b"\x01", b"\xfd" + bytes(14) + b"\xff")
NATD = fill("natd", 20)


def seeds():
    yield "valid-ike_sa_init_req", message(34, I, 0, [
        sa((1, 1, IKE_SA), (2, 1, IKE_AEAD)), (KE, struct.pack("!HH", 14, 0)
        + fill("ke", 256)), (NONCE, fill("ni", 32)), notify(16388, NATD),
        notify(16389, NATD), notify(16430), notify(16431, b"\x00\x02\x00\x03"),
        (V, b"uipsec-seed")])
    yield "valid-ike_sa_init_resp", message(34, R, 0, [
        sa((2, 1, [(1, 20, 256), (2, 5), (4, 31)])),
        (KE, struct.pack("!HH", 31, 0) + fill("ke", 32)),
        (NONCE, fill("nr", 32)), (CERTREQ, b"\x04" + fill("ca", 40)),
        notify(16388, NATD), notify(16389, NATD)], spi_r=SPI_R)
    yield "valid-ike_sa_init_invalid_ke", message(34, R, 0, [
        notify(17, b"\x00\x13")], spi_r=0)
    yield "valid-ike_sa_init_cookie", message(34, R, 0, [
        notify(16390, fill("cookie", 16))])
    yield "valid-ike_auth_sk", message(35, I, 1, [
        (SK, fill("iv-ct-icv", 16 + 96 + 12), False, IDI)], SPI_R)
    yield "valid-ike_auth_skf", message(35, I, 1, [
        (SKF, struct.pack("!HH", 1, 2) + fill("frag", 16 + 48 + 12), False,
         IDI)], SPI_R)
    yield "valid-informational_empty", message(37, I, 2, [
        (SK, fill("empty", 16 + 16 + 12), False, 0)], SPI_R)
    yield "valid-unknown_noncritical", message(34, I, 0, [
        (99, b"skip me"), (V, b"v")])
    yield "crit-unknown_critical", message(34, I, 0, [(99, b"x", True)])
    yield "inner-ike_auth", bytes([IDI]) + chain([
        typed(IDI, 9, fill("dn", 40)), (CERT, b"\x04" + fill("cert", 300)),
        (CERTREQ, b"\x04" + fill("ca", 20)), typed(IDR, 2, b"vpn.example"),
        typed(AUTH, 14, fill("sig", 80)),
        cp(1, [(1, b""), (8, b""), (3, b"")]),
        sa((1, 3, ESP, b"\xc0\x01\xd0\x0d")), ts(TSI, [V4, V6]), ts(TSR, [V4]),
        notify(16384)])
    yield "inner-create_child_sa", bytes([N]) + chain([
        notify(16393, proto=3, spi=b"\x01\x02\x03\x04"),
        sa((1, 3, ESP + [(4, 19)], b"\x0a\x0b\x0c\x0d")),
        (NONCE, fill("ni2", 32)), (KE, struct.pack("!HH", 19, 0)
        + fill("ke19", 64)), ts(TSI, [V4]), ts(TSR, [V6])])
    yield "inner-informational", bytes([D]) + chain([
        (D, struct.pack("!BBH", 3, 4, 2) + b"\x00\x00\x00\x01\x00\x00\x00\x02"),
        (D, struct.pack("!BBH", 1, 0, 0)), notify(24),
        (EAP, b"\x02\x07\x00\x05\x01"), cp(2, [(1, b"\x0a\x00\x00\x05")])])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
