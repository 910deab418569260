/*
 * Known-answer tests for the ESP suites, from published vectors:
 *   RFC 3602 §4 cases 1-4 (AES-CBC) and case 5 (an ESP packet; AES-CBC
 *     only, so its ICV is not checked), RFC 2202 (HMAC-SHA1, -96),
 *   RFC 4868 §2.7.2.1 AUTH256-1..4 (HMAC-SHA256-128),
 *   RFC 7634 Appendix A (ChaCha20-Poly1305 ESP packet),
 *   draft-mcgrew-gcm-test-01 §4 (AES-GCM ESP packets, with and without
 *     ESN; its case 4 uses SPI 0, which RFC 4303 §2.1 forbids on the wire,
 *     so it is left out).
 * Packets go through esp_encap() with the vector's IV (esp_internal.h)
 * and must match byte for byte; then back through esp_decap().
 */
#include <criterion/criterion.h>
#include <string.h>

#include "esp/aead.h"
#include "esp/esp_internal.h"
#include "esp/hmac.h"
#include "test_esp_util.h"

struct esp_vector {
	const char	*name;
	enum esp_suite	 suite;
	const char	*enc_key;	/* with the salt for AEAD */
	uint32_t	 spi;
	uint64_t	 seq;
	bool		 esn;
	const char	*iv;
	const char	*plain;		/* payload, padding, pad len, NH */
	const char	*packet;	/* SPI .. ICV (.. ciphertext if !icv) */
	bool		 icv;
};

#define GCM	ESP_SUITE_AES_GCM_16
static const struct esp_vector vectors[] = {
	{ "RFC 3602 case 5", ESP_SUITE_AES_CBC_HMAC_SHA1_96,
	  "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 1, false,
	  "e96e8c08ab465763fd098d45dd3ff893",
	  "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f1011121314151617"
	  "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637"
	  "0102030405060708090a0b0c0d0e0e01",
	  "0000432100000001e96e8c08ab465763fd098d45dd3ff893"
	  "f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856"
	  "a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874a"
	  "a269add047ad2d5913ac19b7cfbad4a6", false },
	{ "RFC 7634 appendix A", ESP_SUITE_CHACHA20_POLY1305,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	  "a0a1a2a3", 0x01020304, 5, false, "1011121314151617",
	  "45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
	  "0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
	  "2425262728292a2b2c2d2e2f303132333435363701020204",
	  "01020304000000051011121314151617"
	  "24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
	  "14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3"
	  "cbec163fac469b502773f6fb94e664da9165b82829f641e0"
	  "76aaa8266b7fb0f7b11b369907e1ad43", true },
	{ "GCM case 1 (ESN)", GCM, "4c80cdefbb5d10da906ac73c3613a634"
	  "2e443b68", 0x4321, 0x8765432100000000, true, "4956ed7e3b244cfe",
	  "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
	  "00000000045f736970045f756470037369700963796265726369747902646b00"
	  "0021000101020201",
	  "00004321000000004956ed7e3b244cfe"
	  "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
	  "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
	  "61bc17d768fd9732459018148f6cbe722fd04796562dfdb4", true },
	{ "GCM case 2", GCM, "feffe9928665731c6d6a8f9467308308cafebabe",
	  0xa5f8, 0xa, false, "facedbaddecaf888",
	  "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	  "0001000000000000037369700963796265726369747902646b00000100010001",
	  "0000a5f80000000afacedbaddecaf888"
	  "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
	  "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
	  "83b70d3aa8bc6ee4c309e9d85a41ad4a", true },
	{ "GCM case 3", GCM, "abbccddef00112233445566778899aab"
	  "abbccddef00112233445566778899aab11223344", 0x4a2cbfe3, 2, false,
	  "0102030405060708",
	  "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	  "7002400020bf0000020405b40101040201020201",
	  "4a2cbfe3000000020102030405060708"
	  "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
	  "748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49"
	  "15956c96", true },
	{ "GCM case 5 (ESN)", GCM, "3de09874b388e6491988d0c3607eae1f57690e43",
	  0x42f67e3f, 0x1010101010101010, true, "4e280000a2fca1a3",
	  "4500003c99c300008001cb7c40679318010101010800085c0200430061626364"
	  "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	  "42f67e3f101010104e280000a2fca1a3"
	  "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c357917"
	  "65acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a"
	  "e0d731cc978ecafaeae88f00e80d6e48", true },
	{ "GCM case 6 (ESN)", GCM, "3de09874b388e6491988d0c3607eae1f57690e43",
	  0x42f67e3f, 0x1010101010101010, true, "4e280000a2fca1a3",
	  "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
	  "42f67e3f101010104e280000a2fca1a3"
	  "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed369f071f"
	  "35e034be95f112e4e7d05d35", true },
	{ "GCM case 7", GCM, "feffe9928665731c6d6a8f9467308308feffe9928665731c"
	  "cafebabe", 0xa5f8, 0xa, false, "facedbaddecaf888",
	  "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e"
	  "501016d075680001",
	  "0000a5f80000000afacedbaddecaf888"
	  "a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0"
	  "315b27452144cc7795457b9652037f5318027b5b4cd7a636", true },
	{ "GCM case 8 (ESN)", GCM, "abbccddef00112233445566778899aabdecaf888",
	  0x100, 1, true, "cafedebaceface74",
	  "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d5"
	  "00004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec95"
	  "9b6266c04722b14923010101",
	  "0000010000000001cafedebaceface74"
	  "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f"
	  "9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c22"
	  "6f2127b27db35724e7845d68651f57e65f354f75ff17015769623436", true },
	{ "GCM case 9 (ESN)", GCM, "abbccddef00112233445566778899aab"
	  "abbccddef00112233445566778899aab73616c74", 0x17405e67,
	  0x156f3126dd0db99b, true, "616e640169766563",
	  "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
	  "50101f646d540001",
	  "17405e67dd0db99b616e640169766563"
	  "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57f"
	  "f4d3a31ce673119e451626c2415771e3b7eebca614c89b35", true },
	{ "GCM case 10 (ESN)", GCM, "3de09874b388e6491988d0c3607eae1f57690e43",
	  0x42f67e3f, 0x1010101010101010, true, "4e280000a2fca1a3",
	  "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b"
	  "000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b32"
	  "5ae270c03899493915010101",
	  "42f67e3f101010104e280000a2fca1a3"
	  "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d541828"
	  "00cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39"
	  "ab533163aad4550ee5160975cdb608c5769189609763b8e18caa81e2", true },
	{ "GCM case 11 (ESN)", GCM, "abbccddef00112233445566778899aab"
	  "abbccddef00112233445566778899aab73616c74", 0x17405e67,
	  0x156f3126dd0db99b, true, "616e640169766563",
	  "636973636f0172756c65730174686501" "6e6574776501646566696e6501746865"
	  "746563686e6f6c6f6769657301746861" "7477696c6c01646566696e65746f6d6f"
	  "72726f7701020201",
	  "17405e67dd0db99b616e640169766563"
	  "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18"
	  "d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b0"
	  "12a49363412364f8c0cac587f249e56b11e24f30e44ccc76", true },
	{ "GCM case 12", GCM, "7d773d00c144c525ac619d18c84a3f47d9664267",
	  0x335467ae, 0xffffffff, false, "43457e9182443bc6", "01020201",
	  "335467aeffffffff43457e9182443bc6"
	  "437f866bcb3f699fe9b0822bac961c4504bef270", true },
	{ "GCM case 13 (ESN)", GCM, "abbccddef00112233445566778899aabdecaf888",
	  0x100, 1, true, "cafedebaceface74",
	  "746f016265016f72016e6f7401746f0162650001",
	  "0000010000000001cafedebaceface74"
	  "29c9fc69a197d038ccdd14e2ddfcaa0543332164412503524303ed3c6c5f2838"
	  "43af8c3e", true },
	{ "GCM case 14 (ESN)", GCM, "6c6567616c697a656d6172696a75616e"
	  "61616e64646f69746265666f726569617475726e", 0x796b6963,
	  UINT64_MAX, true, "333021696765746d",
	  "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
	  "65666768696a6b6c6d6e6f707172737401020201",
	  "796b6963ffffffff333021696765746d"
	  "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a86"
	  "4cd3d78ca4ae68a32b42458fb57dbe821dcc63b9d0937ba2945f669368661a32"
	  "9fb4c053", true },
};

/* Takes the cache's one slot for an SA of other keys (ESP_DIR_OUT). */
static void
evict(struct esp_sa *decoy)
{
	uint8_t inner[20] = { 0x45 }, buf[TEST_BUF_LEN];

	if (decoy != NULL)
		test_encap(decoy, buf, inner, sizeof(inner), ESP_NH_IPV4);
}

/* The vector's packet out of esp_encap(), then its payload out of
 * esp_decap() with the sequence window placed just before it. With a
 * cache, SAs of one slot that another SA takes before each packet: the
 * vector must come out of a re-keyed context as well. */
static void
check_vector(const struct esp_vector *v, struct esp_ctx_cache *cache)
{
	static const uint8_t auth[ESP_AUTH_KEY_MAX];
	uint8_t key[64], iv[16], plain[256], want[512], buf[TEST_BUF_LEN];
	size_t key_len = test_unhex(v->enc_key, key, sizeof(key));
	size_t iv_len = test_unhex(v->iv, iv, sizeof(iv));
	size_t plain_len = test_unhex(v->plain, plain, sizeof(plain));
	size_t want_len = test_unhex(v->packet, want, sizeof(want));
	size_t pad = plain[plain_len - 2], inner_len = plain_len - 2 - pad;
	uint8_t nh = plain[plain_len - 1], got_nh, other[64];
	struct esp_sa_config cfg = { .spi = v->spi, .suite = v->suite,
	    .enc_key = key, .enc_key_len = key_len, .auth_key = auth,
	    .auth_key_len = esp_suite_auth_key_len(v->suite), .esn = v->esn,
	    .cache = cache };
	struct esp_sa *out = test_sa_new(&cfg, ESP_DIR_OUT), *in, *decoy = NULL;
	struct esp_pkt pkt;

	cfg.replay_window = 64;
	in = test_sa_new(&cfg, ESP_DIR_IN);
	if (cache != NULL) {
		for (size_t i = 0; i < key_len; i++)
			other[i] = (uint8_t)~key[i];
		cfg.enc_key = other;
		decoy = test_sa_new(&cfg, ESP_DIR_OUT);
	}
	cr_assert_eq(esp_sa_test_fix_iv(out, iv, iv_len), 0, "%s", v->name);
	esp_sa_test_set_seq(out, v->seq);
	evict(decoy);
	pkt = test_encap(out, buf, plain, inner_len, nh);
	cr_assert_eq(pkt.len, want_len + (v->icv ? 0 :
	    esp_suite_ops(v->suite)->icv_len), "%s: length %zu", v->name,
	    pkt.len);
	cr_assert_arr_eq(&pkt.base[pkt.off], want, want_len, "%s: packet",
	    v->name);

	/* Decap the published packet (or ours, for ICV-less vectors). */
	if (v->icv)
		memcpy(&pkt.base[pkt.off], want, want_len);
	esp_sa_test_set_replay_top(in, v->seq - 1);
	evict(decoy);
	cr_assert_eq(esp_decap(in, &pkt, &got_nh), ESP_OK, "%s: decap",
	    v->name);
	cr_assert_eq(got_nh, nh, "%s", v->name);
	cr_assert_eq(pkt.len, inner_len, "%s", v->name);
	cr_assert_arr_eq(&pkt.base[pkt.off], plain, inner_len, "%s", v->name);
	esp_sa_free(out);
	esp_sa_free(in);
	esp_sa_free(decoy);
}

Test(esp_vectors, packets)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(&vectors[i], NULL);
}

Test(esp_vectors, packets_through_a_contended_cache)
{
	struct esp_ctx_cache *cache;

	cr_assert_eq(esp_ctx_cache_new(&cache, 1), ESP_OK);
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		check_vector(&vectors[i], cache);
	cr_assert_geq(esp_ctx_cache_stats(cache)->evictions, 4);
	esp_ctx_cache_free(cache);
}

/* RFC 3602 §4 cases 1-4 through the CBC suite's seal(): the ciphertext
 * must match (the ICV is ours, keyed with zeros), and open() inverts it;
 * also once the contexts carry another packet's CBC chain. */
Test(esp_vectors, rfc3602_aes_cbc)
{
	static const struct { const char *key, *iv, *pt, *ct; } c[] = {
		{ "06a9214036b8a15b512e03d534120006",
		  "3dafba429d9eb430b422da802c9fac41",
		  "53696e676c6520626c6f636b206d7367",	/* "Single block msg" */
		  "e353779c1079aeb82708942dbe77181a" },
		{ "c286696d887c9aa0611bbb3e2025a45a",
		  "562e17996d093d28ddb3ba695a2e6f58",
		  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
		{ "6c3ea0477630ce21a2ce334aa746c2cd",
		  "c782dc4c098c66cbd9cd27d825682c81",
		  /* "This is a 48-byte message (exactly 3 AES blocks)" */
		  "5468697320697320612034382d62797465206d657373616765202865786163"
		  "746c792033204145532062"
		  "6c6f636b7329",
		  "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
		  "021c19216bad525c8579695d83ba2684" },
		{ "56e47a38c5598974bc46903dba290349",
		  "8ce82eefbea0da3c44699ed7db51b7d9",
		  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
		  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
		  "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
		  "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55" },
	};
	const struct esp_aead_ops *ops =
	    esp_suite_ops(ESP_SUITE_AES_CBC_HMAC_SHA1_96);

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct esp_keys keys = { .auth_len = ESP_SHA1_KEY_LEN };
		struct esp_aad aad = { .len = ESP_HDR_LEN };
		uint8_t iv[16], pt[64], ct[64], data[64], icv[ESP_ICV_MAX];
		size_t len = test_unhex(c[i].pt, pt, sizeof(pt));
		void *enc, *dec;

		keys.enc_len = (uint8_t)test_unhex(c[i].key, keys.enc,
		    sizeof(keys.enc));
		test_unhex(c[i].iv, iv, sizeof(iv));
		cr_assert_eq(test_unhex(c[i].ct, ct, sizeof(ct)), len);
		cr_assert_not_null(enc = ops->new(&keys, true));
		cr_assert_not_null(dec = ops->new(&keys, false));
		/* Three times: later rounds run on the contexts' chain. */
		for (int round = 0; round < 3; round++) {
			memcpy(data, pt, len);
			cr_assert_eq(ops->seal(enc, &keys, &aad, iv, data, len,
			    icv), ESP_OK);
			cr_assert_arr_eq(data, ct, len, "RFC 3602 case %zu/%d",
			    i + 1, round);
			cr_assert_eq(ops->open(dec, &keys, &aad, iv, data, len,
			    icv), ESP_OK);
			cr_assert_arr_eq(data, pt, len,
			    "RFC 3602 case %zu/%d back", i + 1, round);
		}
		ops->free(enc);
		ops->free(dec);
	}
}

struct hmac_case {
	const char	*key;
	const char	*data;
	const char	*mac;		/* as published; may be truncated */
};

static void
check_hmac(enum esp_hmac_alg alg, const struct hmac_case *c, size_t n,
    const char *rfc)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t key[80], data[80], want[32], mac[ESP_HMAC_MAX_LEN];
		size_t key_len = test_unhex(c[i].key, key, sizeof(key));
		size_t data_len = test_unhex(c[i].data, data, sizeof(data));
		size_t want_len = test_unhex(c[i].mac, want, sizeof(want));
		struct esp_hmac *h = esp_hmac_new(alg, key, key_len);

		cr_assert_not_null(h);
		/* Twice: the keyed state must survive a message. */
		for (int round = 0; round < 2; round++) {
			esp_hmac_start(h);
			esp_hmac_update(h, data, data_len / 2);
			esp_hmac_update(h, &data[data_len / 2],
			    data_len - data_len / 2);
			esp_hmac_finish(h, mac);
			cr_assert_arr_eq(mac, want, want_len, "%s case %zu",
			    rfc, i + 1);
		}
		esp_hmac_free(h);
	}
}

#define AA20	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define AA80	AA20 AA20 AA20 AA20
#define DD50	"dddddddddddddddddddddddddddddddddddddddddddddddddd" \
		"dddddddddddddddddddddddddddddddddddddddddddddddddd"
#define CD50	"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" \
		"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"

Test(esp_vectors, rfc2202_hmac_sha1)
{
	static const struct hmac_case c[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		  "4869205468657265",			/* "Hi There" */
		  "b617318655057264e28bc0b6fb378c8ef146be00" },
		{ "4a656665",				/* "Jefe" */
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
		{ AA20, DD50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819", CD50,
		  "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
		/* "Test With Truncation", digest-96 as ESP uses it */
		{ "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
		  "546573742057697468205472756e636174696f6e",
		  "4c1a03424b55e07fe7f27be1" },
		/* "Test Using Larger Than Block-Size Key - Hash Key First" */
		{ AA80, "54657374205573696e67204c6172676572205468616e20426c6f63"
		  "6b2d53697a65204b6579202d2048617368204b6579204669727374",
		  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
		/* "... Key and Larger Than One Block-Size Data" */
		{ AA80, "54657374205573696e67204c6172676572205468616e20426c6f63"
		  "6b2d53697a65204b657920616e64204c6172676572205468616e204f"
		  "6e6520426c6f636b2d53697a652044617461",
		  "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
	};

	check_hmac(ESP_HMAC_SHA1, c, sizeof(c) / sizeof(c[0]), "RFC 2202");
}

Test(esp_vectors, rfc4868_hmac_sha256_128)
{
	static const struct hmac_case c[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
		  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		  "4869205468657265", "198a607eb44bfbc69903a0f1cf2bbdc5" },
		{ "4a6566654a6566654a6566654a6566654a6566654a6566654a6566654a656665",
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "167f928588c5cc2eef8e3093caa0e87c" },
		{ AA20 "aaaaaaaaaaaaaaaaaaaaaaaa", DD50,
		  "cdcb1220d1ecccea91e53aba3092f962" },
		{ "0102030405060708090a0b0c0d0e0f10"
		  "1112131415161718191a1b1c1d1e1f20", CD50,
		  "372efcf9b40b35c2115b1346903d2ef4" },
	};

	check_hmac(ESP_HMAC_SHA256, c, sizeof(c) / sizeof(c[0]), "RFC 4868");
}
