#!/usr/bin/python3
"""interop/lib/ike_half_open.py SRC DST COUNT [SPORT] — half-open IKE SAs.

Sends COUNT IKE_SA_INIT requests (RFC 7296 §1.2) from SRC:SPORT (default
5000) to DST:500, each with a fresh SPIi, nonce and a random MODP-2048
(group 14) public value, offering aes256-sha1-modp2048 (prf sha1, integ
hmac-sha1-96), and never continues with IKE_AUTH: each answered request
leaves a half-open IKE SA at the responder. Prints one line:
"answered N cookie C" — N responses, C of them N(COOKIE) alone. It waits
until QUIET seconds passed without a response (after the last request or
response; at most LIMIT in all): a loaded machine may answer late, and one
that answers no more stays quiet.
"""
import os
import socket
import struct
import sys
import time

NOTIFY, SA, KE, NONCE = 41, 33, 34, 40
COOKIE = 16390
QUIET, LIMIT = 3.0, 30.0


def transform(last, xtype, xid, attr=b""):
    body = struct.pack("!BxH", xtype, xid) + attr
    return struct.pack("!BxH", 0 if last else 3, 4 + len(body)) + body


def sa_payload():
    xf = (transform(False, 1, 12, struct.pack("!HH", 0x800E, 256)) +
          transform(False, 2, 2) + transform(False, 3, 2) +
          transform(True, 4, 14))
    prop = struct.pack("!BxHBBBB", 0, 8 + len(xf), 1, 1, 0, 4) + xf
    return struct.pack("!BxH", KE, 4 + len(prop)) + prop


def request():
    ke_data = bytes([0x7F]) + os.urandom(255)  # 1 < y < p - 1
    ke = struct.pack("!BxHHxx", NONCE, 8 + len(ke_data), 14) + ke_data
    nonce = struct.pack("!BxH", 0, 4 + 32) + os.urandom(32)
    body = sa_payload() + ke + nonce
    hdr = struct.pack("!8s8sBBBBII", os.urandom(8), bytes(8), SA, 0x20, 34,
                      0x08, 0, 28 + len(body))
    return hdr + body


def is_cookie(msg):
    """A response whose first payload is N(COOKIE)."""
    if len(msg) < 28 + 8 or msg[16] != NOTIFY:
        return False
    return struct.unpack("!H", msg[28 + 6:28 + 8])[0] == COOKIE


def main():
    src, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sport = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, sport))
    for _ in range(count):
        s.sendto(request(), (dst, 500))
        time.sleep(0.05)
    answered = cookies = 0
    last, limit = time.time(), time.time() + LIMIT
    while time.time() < min(last + QUIET, limit):
        s.settimeout(max(0.01, min(last + QUIET, limit) - time.time()))
        try:
            msg, _ = s.recvfrom(4096)
        except socket.timeout:
            break
        last = time.time()
        answered += 1
        cookies += is_cookie(msg)
    print(f"answered {answered} cookie {cookies}")


if __name__ == "__main__":
    main()
