#!/usr/bin/python3
"""tests/vectors/ike_dh_modp.py — MODP-2048 (group 14) known answers for
ike/dh_modp.c, computed with Python integers only.

The prime is derived from its definition in RFC 3526 §3,
  p = 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 },
with pi from Machin's formula, and compared with the hex printed there.

  --check FILE   recompute the values in FILE; exit 1 on any mismatch
  --write FILE   write FILE
"""
import hashlib
import sys

RFC3526_P2048 = (
    "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
    "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
    "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
    "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
    "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
    "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
    "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
    "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
    "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
    "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
    "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF")


def arctan_inv(x, scale):
    """arctan(1/x) * 2^scale, by its Taylor series."""
    total, term, k = 0, (1 << scale) // x, 0
    while term:
        total += term // (2 * k + 1) if k % 2 == 0 else -(term // (2 * k + 1))
        term //= x * x
        k += 1
    return total


def prime_from_definition():
    guard = 64
    pi = 4 * (4 * arctan_inv(5, 1918 + guard) - arctan_inv(239, 1918 + guard))
    floor_pi = pi >> guard            # [2^1918 pi]
    return 2**2048 - 2**1984 - 1 + 2**64 * (floor_pi + 124476)


def private(label):
    return int.from_bytes(hashlib.sha256(label.encode()).digest(), "big")


def values():
    p = prime_from_definition()
    assert p == int(RFC3526_P2048.replace(" ", ""), 16), "RFC 3526 prime"
    xi, xr = private("uipsec modp2048 xi"), private("uipsec modp2048 xr")
    gi, gr = pow(2, xi, p), pow(2, xr, p)
    gir = pow(gr, xi, p)
    assert gir == pow(gi, xr, p)
    out = [("p", p, 256), ("xi", xi, 32), ("gi", gi, 256), ("xr", xr, 32),
           ("gr", gr, 256), ("gir", gir, 256)]
    return [(k, v.to_bytes(n, "big").hex()) for k, v, n in out]


def main():
    mode, path = sys.argv[1], sys.argv[2]
    vals = values()
    if mode == "--write":
        with open(path, "w") as f:
            f.write("# MODP-2048 (RFC 3526 §3) known answers, written by "
                    "ike_dh_modp.py: p, private\n# exponents xi/xr, public "
                    "values gi/gr and g^ir, big-endian hex, 256 or 32 bytes.\n")
            for k, v in vals:
                f.write("%s = %s\n" % (k, v))
        return
    have = {}
    for line in open(path):
        if "=" in line and not line.startswith("#"):
            k, v = (s.strip() for s in line.split("=", 1))
            have[k] = v
    bad = [k for k, v in vals if have.get(k) != v]
    print("ike_dh_modp: %s" % ("MISMATCH " + ", ".join(bad) if bad
                               else "all agree"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
