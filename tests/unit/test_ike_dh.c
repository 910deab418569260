/*
 * Diffie-Hellman groups 14, 19, 31 against known answers — RFC 5903 §8.1
 * (ECP-256), RFC 7748 §6.1 (X25519), and MODP-2048 values computed with
 * Python integers from the RFC 3526 definition of the prime
 * (tests/vectors/ike_dh_modp.py) — plus the peer value checks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ike/dh.h"
#include "ike/ikev2_wire.h"
#include "ike_testlib.h"

static void
assert_kat(uint16_t group, const char *i_hex, const char *gi_hex,
    const char *r_hex, const char *gr_hex, const char *gir_hex)
{
	uint8_t i[256], gi[256], r[256], gr[256], gir[256];
	size_t ni = ike_unhex(i_hex, i, sizeof(i));
	size_t ngi = ike_unhex(gi_hex, gi, sizeof(gi));
	size_t nr = ike_unhex(r_hex, r, sizeof(r));
	size_t ngr = ike_unhex(gr_hex, gr, sizeof(gr));
	size_t ngir = ike_unhex(gir_hex, gir, sizeof(gir));
	struct ike_dh *a, *b;
	struct ike_dh_secret s;
	struct ike_view pub;

	cr_assert_eq(ike_dh_new_private(&a, group, i, ni), IKE_DH_OK);
	cr_assert_eq(ike_dh_new_private(&b, group, r, nr), IKE_DH_OK);
	cr_assert_eq(ike_dh_group(a), group);
	pub = ike_dh_public(a);
	cr_assert_eq(pub.len, ngi);
	cr_assert_eq(ike_dh_public_len(group), ngi);
	cr_assert_arr_eq(pub.p, gi, ngi, "initiator public value");
	pub = ike_dh_public(b);
	cr_assert_arr_eq(pub.p, gr, ngr, "responder public value");
	cr_assert_eq(ike_dh_shared(a, gr, ngr, &s), IKE_DH_OK);
	cr_assert_eq(s.len, ngir);
	cr_assert_arr_eq(s.b, gir, ngir, "g^ir at the initiator");
	cr_assert_eq(ike_dh_shared(b, gi, ngi, &s), IKE_DH_OK);
	cr_assert_arr_eq(s.b, gir, ngir, "g^ir at the responder");
	ike_dh_secret_wipe(&s);
	ike_dh_free(a);
	ike_dh_free(b);
}

/* RFC 5903 §8.1: g^ir is the x-coordinate only (§7, as corrected by the
 * RFC 5903 errata). */
Test(ike_dh, ecp256_rfc5903)
{
	assert_kat(IKEV2_DH_ECP256,
	    "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	    "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
	    "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	    "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	    "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
	    "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	    "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
}

Test(ike_dh, x25519_rfc7748)
{
	assert_kat(IKEV2_DH_CURVE25519,
	    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

static struct {
	char p[600], xi[80], gi[600], xr[80], gr[600], gir[600];
} modp;

static void
load_modp(void)
{
	char line[1200], *eq;
	FILE *f = fopen(UIPSEC_SOURCE_DIR "/tests/vectors/ike_dh_modp2048.txt",
	    "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (eq = strstr(line, " = ")) == NULL)
			continue;
		*eq = '\0';
#define FIELD(k)	if (strcmp(line, #k) == 0) \
			snprintf(modp.k, sizeof(modp.k), "%s", eq + 3);
		FIELD(p) FIELD(xi) FIELD(gi) FIELD(xr) FIELD(gr) FIELD(gir)
#undef FIELD
	}
	fclose(f);
	cr_assert(modp.gir[0] != '\0');
}

Test(ike_dh, modp2048_python_vectors)
{
	load_modp();
	assert_kat(IKEV2_DH_MODP2048, modp.xi, modp.gi, modp.xr, modp.gr,
	    modp.gir);
}

/* 1 < y < p-1: 0, 1, p-1, p and 2^2048-1 are refused, 2 and p-2 taken. */
Test(ike_dh, modp_peer_range)
{
	uint8_t p[256], y[256];
	struct ike_dh *dh;
	struct ike_dh_secret s;

	load_modp();
	ike_unhex(modp.p, p, sizeof(p));
	cr_assert_eq(ike_dh_new(&dh, IKEV2_DH_MODP2048), IKE_DH_OK);
	memset(y, 0, sizeof(y));
	cr_assert_eq(ike_dh_shared(dh, y, 256, &s), IKE_DH_BAD_VALUE);
	cr_assert_eq(s.len, 0);
	y[255] = 1;
	cr_assert_eq(ike_dh_shared(dh, y, 256, &s), IKE_DH_BAD_VALUE);
	y[255] = 2;
	cr_assert_eq(ike_dh_shared(dh, y, 256, &s), IKE_DH_OK);
	memcpy(y, p, 256);
	cr_assert_eq(ike_dh_shared(dh, y, 256, &s), IKE_DH_BAD_VALUE);
	y[255] -= 1;				/* p - 1 */
	cr_assert_eq(ike_dh_shared(dh, y, 256, &s), IKE_DH_BAD_VALUE);
	y[255] -= 1;				/* p - 2 */
	cr_assert_eq(ike_dh_shared(dh, y, 256, &s), IKE_DH_OK);
	memset(y, 0xff, sizeof(y));
	cr_assert_eq(ike_dh_shared(dh, y, 256, &s), IKE_DH_BAD_VALUE);
	cr_assert_eq(ike_dh_shared(dh, y, 255, &s), IKE_DH_BAD_LENGTH);
	ike_dh_free(dh);
}

/* Points off the curve, coordinates not below p, the origin. */
Test(ike_dh, ecp_peer_on_curve)
{
	uint8_t pt[64];
	struct ike_dh *dh;
	struct ike_dh_secret s;

	cr_assert_eq(ike_dh_new(&dh, IKEV2_DH_ECP256), IKE_DH_OK);
	ike_unhex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
	    "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	    pt, sizeof(pt));
	cr_assert_eq(ike_dh_shared(dh, pt, 64, &s), IKE_DH_OK);
	pt[63] ^= 1;
	cr_assert_eq(ike_dh_shared(dh, pt, 64, &s), IKE_DH_BAD_VALUE);
	cr_assert_eq(s.len, 0);
	memset(pt, 0, sizeof(pt));
	cr_assert_eq(ike_dh_shared(dh, pt, 64, &s), IKE_DH_BAD_VALUE);
	/* x = p (the field prime of P-256), y anything. */
	ike_unhex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
	    pt, 32);
	cr_assert_eq(ike_dh_shared(dh, pt, 64, &s), IKE_DH_BAD_VALUE);
	cr_assert_eq(ike_dh_shared(dh, pt, 65, &s), IKE_DH_BAD_LENGTH);
	ike_dh_free(dh);
}

/* RFC 8031 §2 / RFC 7748 §6.1: small-order points give an all-zero
 * secret, which is refused. */
Test(ike_dh, x25519_zero_result)
{
	uint8_t u[32] = { 0 };
	struct ike_dh *dh;
	struct ike_dh_secret s;

	cr_assert_eq(ike_dh_new(&dh, IKEV2_DH_CURVE25519), IKE_DH_OK);
	cr_assert_eq(ike_dh_shared(dh, u, 32, &s), IKE_DH_BAD_VALUE);
	u[0] = 1;
	cr_assert_eq(ike_dh_shared(dh, u, 32, &s), IKE_DH_BAD_VALUE);
	cr_assert_eq(s.len, 0);
	u[0] = 9;				/* the base point */
	cr_assert_eq(ike_dh_shared(dh, u, 32, &s), IKE_DH_OK);
	cr_assert_eq(ike_dh_shared(dh, u, 31, &s), IKE_DH_BAD_LENGTH);
	ike_dh_free(dh);
}

/* Fresh key pairs of every group agree with each other. */
Test(ike_dh, random_pairs_agree)
{
	static const uint16_t groups[] = { IKEV2_DH_MODP2048, IKEV2_DH_ECP256,
	    IKEV2_DH_CURVE25519 };
	struct ike_dh *a, *b;
	struct ike_dh_secret sa, sb;
	struct ike_view pa, pb;
	size_t i;

	for (i = 0; i < 3; i++) {
		cr_assert_eq(ike_dh_new(&a, groups[i]), IKE_DH_OK);
		cr_assert_eq(ike_dh_new(&b, groups[i]), IKE_DH_OK);
		pa = ike_dh_public(a);
		pb = ike_dh_public(b);
		cr_assert(memcmp(pa.p, pb.p, pa.len) != 0);
		cr_assert_eq(ike_dh_shared(a, pb.p, pb.len, &sa), IKE_DH_OK);
		cr_assert_eq(ike_dh_shared(b, pa.p, pa.len, &sb), IKE_DH_OK);
		cr_assert_eq(sa.len, sb.len);
		cr_assert_arr_eq(sa.b, sb.b, sa.len, "group %u", groups[i]);
		ike_dh_free(a);
		ike_dh_free(b);
	}
}

Test(ike_dh, unsupported_groups)
{
	struct ike_dh *dh = (struct ike_dh *)1;

	cr_assert_eq(ike_dh_new(&dh, IKEV2_DH_ECP384), IKE_DH_UNSUPPORTED);
	cr_assert_null(dh);
	cr_assert_eq(ike_dh_new(&dh, IKEV2_DH_MODP1024), IKE_DH_UNSUPPORTED);
	cr_assert_eq(ike_dh_public_len(IKEV2_DH_CURVE448), 0);
	cr_assert_eq(ike_dh_public_len(IKEV2_DH_MODP2048), 256);
	cr_assert_eq(ike_dh_public_len(IKEV2_DH_ECP256), 64);
	cr_assert_eq(ike_dh_public_len(IKEV2_DH_CURVE25519), 32);
	cr_assert_eq(ike_dh_new_private(&dh, IKEV2_DH_CURVE25519,
	    (const uint8_t *)"short", 5), IKE_DH_BAD_LENGTH);
	ike_dh_free(NULL);
}
