/*
 * IKEv2 key derivation (RFC 7296 §2.13, §2.14, §2.17, §2.18) against the
 * NIST CAVP IKEv2 KDF vectors in tests/vectors/ike_kdf_cavp.txt (SHA-1,
 * SHA-256, SHA-384, SHA-512), whose values an independent Python KDF
 * re-checks (tests/vectors/ike_kdf_vectors.py).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ike/ikev2_wire.h"
#include "ike/keys.h"
#include "ike/prf.h"
#include "ike_testlib.h"

struct kdf_vector {
	uint16_t	prf;
	struct { uint8_t b[256]; size_t len; } ni, nr, gir, gir_new, spi_i,
	    spi_r, skeyseed, dkm, child, child_dh, rekey;
};

#define MAX_VECTORS	4
static struct kdf_vector vec[MAX_VECTORS];
static size_t n_vec;

static void
load_vectors(void)
{
	static const struct { const char *name; uint16_t prf; } hashes[] = {
		{ "[SHA-1]", IKEV2_PRF_HMAC_SHA1 },
		{ "[SHA-256]", IKEV2_PRF_HMAC_SHA2_256 },
		{ "[SHA-384]", IKEV2_PRF_HMAC_SHA2_384 },
		{ "[SHA-512]", IKEV2_PRF_HMAC_SHA2_512 },
	};
	char line[1024], *eq, hex[1024];
	struct kdf_vector *v = NULL;
	FILE *f;
	size_t i;

	f = fopen(UIPSEC_SOURCE_DIR "/tests/vectors/ike_kdf_cavp.txt", "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 4; i++)
			if (strcmp(line, hashes[i].name) == 0) {
				cr_assert_lt(n_vec, MAX_VECTORS);
				v = &vec[n_vec++];
				v->prf = hashes[i].prf;
			}
		if (line[0] == '#' || (eq = strstr(line, " = ")) == NULL)
			continue;
		cr_assert_not_null(v);
		*eq = '\0';
		snprintf(hex, sizeof(hex), "%s", eq + 3);
#define FIELD(key, f)	if (strcmp(line, key) == 0) \
			v->f.len = ike_unhex(hex, v->f.b, sizeof(v->f.b));
		FIELD("Ni", ni) FIELD("Nr", nr) FIELD("g^ir", gir)
		FIELD("g^ir (new)", gir_new) FIELD("SPIi", spi_i)
		FIELD("SPIr", spi_r) FIELD("SKEYSEED", skeyseed)
		FIELD("DKM", dkm) FIELD("DKM(Child SA)", child)
		FIELD("DKM(Child SA D-H)", child_dh)
		FIELD("SKEYSEED(Rekey)", rekey)
#undef FIELD
	}
	fclose(f);
	cr_assert_eq(n_vec, MAX_VECTORS);
}

TestSuite(ike_keys, .init = load_vectors);

#define VIEW(f)	((struct ike_view){ (f).b, (f).len })

static uint64_t
spi(const uint8_t *b)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static struct ike_kdf_input
input(const struct kdf_vector *v, bool new_gir)
{
	struct ike_kdf_input in = {
		new_gir ? VIEW(v->gir_new) : VIEW(v->gir), VIEW(v->ni),
		VIEW(v->nr), spi(v->spi_i.b), spi(v->spi_r.b),
	};

	return in;
}

/* SKEYSEED = prf(Ni | Nr, g^ir) and DKM = prf+(SKEYSEED, Ni|Nr|SPIi|SPIr) */
Test(ike_keys, prf_and_prf_plus)
{
	uint8_t key[512], out[512];
	size_t i;

	for (i = 0; i < n_vec; i++) {
		struct kdf_vector *v = &vec[i];
		struct ike_view seed[4] = { VIEW(v->ni), VIEW(v->nr),
		    VIEW(v->spi_i), VIEW(v->spi_r) };

		memcpy(key, v->ni.b, v->ni.len);
		memcpy(key + v->ni.len, v->nr.b, v->nr.len);
		cr_assert_eq(ike_prf(v->prf, key, v->ni.len + v->nr.len,
		    &(struct ike_view){ v->gir.b, v->gir.len }, 1, out), 0);
		cr_assert_eq(ike_prf_len(v->prf), v->skeyseed.len);
		cr_assert_arr_eq(out, v->skeyseed.b, v->skeyseed.len,
		    "SKEYSEED, vector %zu", i);
		cr_assert_eq(ike_prf_plus(v->prf, v->skeyseed.b,
		    v->skeyseed.len, seed, 4, out, v->dkm.len), 0);
		cr_assert_arr_eq(out, v->dkm.b, v->dkm.len, "DKM, vector %zu",
		    i);
	}
}

/* The SK_* keys are the DKM stream cut in RFC order (§2.14); compare every
 * key with the part of the 132-byte DKM it covers. */
Test(ike_keys, sa_keys_from_dkm)
{
	struct ike_sa_keys k;
	struct ike_auth_keys a;
	size_t i, j, off;

	for (i = 0; i < n_vec; i++) {
		struct kdf_vector *v = &vec[i];
		struct ike_kdf_input in = input(v, false);
		size_t pl = ike_prf_len(v->prf);
		const uint8_t *keys[7] = { k.sk_d, k.sk_ai, k.sk_ar, k.sk_ei,
		    k.sk_er, a.sk_pi, a.sk_pr };
		const size_t lens[7] = { pl, pl, pl, 32, 32, pl, pl };

		cr_assert_eq(ike_sa_keys_derive(&k, &a, v->prf, pl, 32, &in),
		    0);
		cr_assert(k.prf == v->prf && k.prf_len == pl &&
		    k.integ_len == pl && k.encr_len == 32);
		for (j = 0, off = 0; j < 7 && off < v->dkm.len; j++) {
			size_t n = lens[j] < v->dkm.len - off ? lens[j] :
			    v->dkm.len - off;
			cr_assert_arr_eq(keys[j], v->dkm.b + off, n,
			    "vector %zu key %zu", i, j);
			off += lens[j];
		}
		ike_sa_keys_wipe(&k);
		ike_auth_keys_wipe(&a);
	}
}

/* encr_i | integ_i | encr_r | integ_r of 16 + 50 bytes each way. */
static void
keymat_cat(const struct ike_child_keys *k, uint8_t cat[132])
{
	memcpy(cat, k->encr_i, 16);
	memcpy(cat + 16, k->integ_i, 50);
	memcpy(cat + 66, k->encr_r, 16);
	memcpy(cat + 82, k->integ_r, 50);
}

/* KEYMAT = prf+(SK_d, Ni | Nr) and, with PFS, prf+(SK_d, g^ir (new) | Ni |
 * Nr) (§2.17): encr_i | integ_i | encr_r | integ_r of 16 + 50 bytes make
 * exactly the 132-byte DKM(Child SA). */
Test(ike_keys, child_keys)
{
	struct ike_sa_keys sa;
	struct ike_child_keys k;
	uint8_t cat[132];
	size_t i;

	for (i = 0; i < n_vec; i++) {
		struct kdf_vector *v = &vec[i];
		struct ike_kdf_input in = input(v, false);

		memset(&sa, 0, sizeof(sa));
		sa.prf = v->prf;
		sa.prf_len = ike_prf_len(v->prf);
		memcpy(sa.sk_d, v->dkm.b, sa.prf_len);
		cr_assert_eq(v->child.len, sizeof(cat));

		in.gir.len = 0;
		cr_assert_eq(ike_child_keys_derive(&k, &sa, 16, 50, &in), 0);
		keymat_cat(&k, cat);
		cr_assert_arr_eq(cat, v->child.b, sizeof(cat),
		    "DKM(Child SA), vector %zu", i);

		in = input(v, true);
		cr_assert_eq(ike_child_keys_derive(&k, &sa, 16, 50, &in), 0);
		keymat_cat(&k, cat);
		cr_assert_arr_eq(cat, v->child_dh.b, sizeof(cat),
		    "DKM(Child SA D-H), vector %zu", i);
		ike_child_keys_wipe(&k);
	}
}

/* SKEYSEED(Rekey) = prf(SK_d (old), g^ir (new) | Ni | Nr) (§2.18); the new
 * SK_d is then the first block of prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). */
Test(ike_keys, rekey)
{
	struct ike_sa_keys old, k;
	uint8_t out[IKE_PRF_MAX_LEN], want_d[IKE_PRF_MAX_LEN];
	size_t i;

	for (i = 0; i < n_vec; i++) {
		struct kdf_vector *v = &vec[i];
		struct ike_kdf_input in = input(v, true);
		struct ike_view parts[3] = { in.gir, in.ni, in.nr };
		struct ike_view seed[4] = { VIEW(v->ni), VIEW(v->nr),
		    VIEW(v->spi_i), VIEW(v->spi_r) };

		memset(&old, 0, sizeof(old));
		old.prf = v->prf;
		old.prf_len = ike_prf_len(v->prf);
		memcpy(old.sk_d, v->dkm.b, old.prf_len);
		cr_assert_eq(ike_prf(v->prf, old.sk_d, old.prf_len, parts, 3,
		    out), 0);
		cr_assert_arr_eq(out, v->rekey.b, v->rekey.len,
		    "SKEYSEED(Rekey), vector %zu", i);

		cr_assert_eq(ike_prf_plus(v->prf, v->rekey.b, v->rekey.len,
		    seed, 4, want_d, old.prf_len), 0);
		cr_assert_eq(ike_sa_keys_rekey(&k, &old, v->prf, 20, 16, &in),
		    0);
		cr_assert_arr_eq(k.sk_d, want_d, old.prf_len);
	}
}

Test(ike_keys, refusals_wipe)
{
	struct ike_sa_keys k;
	struct ike_auth_keys a;
	struct ike_kdf_input in = input(&vec[0], false);
	static const uint8_t zero[sizeof(k)];
	uint8_t out[255 * 20 + 1];

	memset(&k, 0xa5, sizeof(k));
	memset(&a, 0xa5, sizeof(a));
	cr_assert_eq(ike_sa_keys_derive(&k, &a, IKEV2_PRF_AES128_XCBC, 20, 16,
	    &in), -1);
	cr_assert_arr_eq(&k, zero, sizeof(k));
	cr_assert_arr_eq(&a, zero, sizeof(a));
	memset(&k, 0xa5, sizeof(k));
	cr_assert_eq(ike_sa_keys_derive(&k, &a, IKEV2_PRF_HMAC_SHA1, 20,
	    IKE_ENCR_KEY_MAX + 1, &in), -1);
	cr_assert_arr_eq(&k, zero, sizeof(k));
	cr_assert_eq(ike_sa_keys_derive(&k, &a, IKEV2_PRF_HMAC_SHA1, 20, 16,
	    &in), 0);
	ike_sa_keys_wipe(&k);
	cr_assert_arr_eq(&k, zero, sizeof(k));

	/* prf+ stops at 255 blocks (§2.13). */
	cr_assert_eq(ike_prf_plus(IKEV2_PRF_HMAC_SHA1, vec[0].skeyseed.b, 20,
	    &in.ni, 1, out, 255 * 20), 0);
	cr_assert_eq(ike_prf_plus(IKEV2_PRF_HMAC_SHA1, vec[0].skeyseed.b, 20,
	    &in.ni, 1, out, 255 * 20 + 1), -1);
	cr_assert_eq(ike_prf_len(IKEV2_PRF_HMAC_MD5), 0);
}
