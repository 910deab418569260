#!/usr/bin/python3
"""tests/vectors/ike_kdf_vectors.py — an independent IKEv2 KDF (RFC 7296
§2.13, §2.14, §2.17, §2.18) in Python's hmac/hashlib, for the vectors in
ike_kdf_cavp.txt.

  --check FILE   recompute every value in FILE; exit 1 on any mismatch
  --fill FILE    print FILE with the values it lacks computed (this is how
                 the values marked "computed" in FILE were made)

Per [SHA-x] section the file holds NIST CAVP inputs (Ni, Nr, g^ir,
g^ir (new), SPIi, SPIr) and outputs (SKEYSEED, DKM, DKM(Child SA),
DKM(Child SA D-H), SKEYSEED(Rekey)); SK_d is the first hash-length bytes
of DKM, as in the CAVP test.
"""
import hashlib
import hmac
import sys

HASHES = {"SHA-1": hashlib.sha1, "SHA-256": hashlib.sha256,
          "SHA-384": hashlib.sha384, "SHA-512": hashlib.sha512}
OUTPUTS = ["SKEYSEED", "DKM", "DKM(Child SA)", "DKM(Child SA D-H)",
           "SKEYSEED(Rekey)"]


def prf(h, key, data):
    return hmac.new(key, data, h).digest()


def prf_plus(h, key, seed, length):
    out, t, n = b"", b"", 1
    while len(out) < length:
        t = prf(h, key, t + seed + bytes([n]))
        out += t
        n += 1
    return out[:length]


def compute(h, v, dkm_len, child_len):
    ni, nr = v["Ni"], v["Nr"]
    skeyseed = prf(h, ni + nr, v["g^ir"])
    dkm = prf_plus(h, skeyseed, ni + nr + v["SPIi"] + v["SPIr"], dkm_len)
    sk_d = dkm[:h().digest_size]
    return {
        "SKEYSEED": skeyseed,
        "DKM": dkm,
        "DKM(Child SA)": prf_plus(h, sk_d, ni + nr, child_len),
        "DKM(Child SA D-H)": prf_plus(h, sk_d, v["g^ir (new)"] + ni + nr,
                                      child_len),
        "SKEYSEED(Rekey)": prf(h, sk_d, v["g^ir (new)"] + ni + nr),
    }


def sections(path):
    """Yields (header, [(line, key or None, value bytes or None)])."""
    head, lines = None, []
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("["):
            if head or lines:
                yield head, lines
            head, lines = line.strip("[]"), []
            continue
        key = val = None
        if "=" in line and not line.startswith("#"):
            key, val = (s.strip() for s in line.split("=", 1))
            val = bytes.fromhex(val)
        lines.append((line, key, val))
    yield head, lines


def main():
    mode, path = sys.argv[1], sys.argv[2]
    bad = 0
    for head, lines in sections(path):
        v = {k: val for _, k, val in lines if k}
        if head is None:
            if mode == "--fill":
                print("\n".join(l for l, _, _ in lines))
            continue
        h = HASHES[head]
        got = compute(h, v, len(v["DKM"]),
                      len(v.get("DKM(Child SA)", v["DKM"])))
        if mode == "--fill":
            print("[%s]" % head)
            for line, _, _ in lines:
                print(line)
            for k in OUTPUTS:
                if k not in v:
                    print("# computed by ike_kdf_vectors.py, not NIST:")
                    print("%s = %s" % (k, got[k].hex()))
            continue
        for k in OUTPUTS:
            if k in v and v[k] != got[k]:
                print("%s %s: file %s, computed %s" % (head, k, v[k].hex(),
                                                       got[k].hex()))
                bad += 1
    if mode == "--check":
        print("ike_kdf_vectors: %s" % ("MISMATCH" if bad else "all agree"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
