#!/usr/bin/python3
"""Independent check of uipsec's SK{} payloads (RFC 7296 §3.14, RFC 5282,
RFC 7634) with python3-cryptography: verifies the ICV, decrypts and
compares the inner payload chain with the one expected.

usage: ike_sk_check.py ENCR KEYBITS INTEG ENCR_KEY AUTH_KEY MESSAGE INNER
(numbers as IANA assigns them; keys, message and inner chain in hex; "-"
for no integrity key). Exit 0 when everything matches."""
import hmac
import hashlib
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

ENCR_AES_CBC, ENCR_AES_GCM_16, ENCR_CHACHA = 12, 20, 28
INTEG = {2: (hashlib.sha1, 12), 12: (hashlib.sha256, 16)}


def main():
    encr, bits, integ = (int(x) for x in sys.argv[1:4])
    ek = bytes.fromhex(sys.argv[4])
    ak = b"" if sys.argv[5] == "-" else bytes.fromhex(sys.argv[5])
    msg = bytes.fromhex(sys.argv[6])
    want = bytes.fromhex(sys.argv[7])
    if msg[16] != 46:
        sys.exit("first payload is not SK")
    sk_len = int.from_bytes(msg[30:32], "big")
    assert 28 + sk_len == len(msg), "SK must end the message"
    body = msg[32:]
    if encr == ENCR_AES_CBC:
        digest, icv_len = INTEG[integ]
        iv, ct, icv = body[:16], body[16:-icv_len], body[-icv_len:]
        mac = hmac.new(ak, msg[:-icv_len], digest).digest()[:icv_len]
        if not hmac.compare_digest(mac, icv):
            sys.exit("ICV mismatch")
        dec = Cipher(algorithms.AES(ek), modes.CBC(iv)).decryptor()
        plain = dec.update(ct) + dec.finalize()
    else:
        iv, ct = body[:8], body[8:]
        nonce = ek[-4:] + iv
        aead = AESGCM(ek[:-4]) if encr == ENCR_AES_GCM_16 else \
            ChaCha20Poly1305(ek[:-4])
        assert len(ek[:-4]) * 8 == bits
        plain = aead.decrypt(nonce, ct, msg[:32])	# raises on a bad tag
    pad = plain[-1]
    inner = plain[:len(plain) - 1 - pad]
    if inner != want:
        sys.exit("inner payloads differ:\n%s\n%s" % (inner.hex(), want.hex()))
    print("ok", len(msg), "bytes")


main()
