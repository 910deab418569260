/*
 * tests/unit/test_keylog_out.c — uipsecd's opt-in key log: the `keylog`
 * section (off without it, file:line errors), and what keylog_out writes
 * for an IKE SA and a CHILD_SA read back by keylog_read() in both of its
 * formats, directions and addresses as the data plane uses them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "ike/ikev2_wire.h"
#include "tools/keylog/keylog.h"
#include "tools/uipsecd/config.h"
#include "tools/uipsecd/keylog_out.h"

#define K32	"0x000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"
#define MANUAL	"tun { name = u0 }\nmanual {\n c {\n  local_addrs = 192.0.2.1\n" \
		"  remote_addrs = 192.0.2.2\n  local_ts = 10.1.0.0/24\n" \
		"  remote_ts = 10.2.0.0/24\n  esp_proposals = aes256gcm16\n" \
		"  out { spi = 0x1001\n enc_key = " K32 "01020304\n }\n" \
		"  in { spi = 0x1002\n enc_key = " K32 "01020304\n }\n }\n}\n"

static struct cfg *
load(const char *text, struct conf_errors *err)
{
	memset(err, 0, sizeof(*err));
	return cfg_parse(text, strlen(text), "/etc/uipsec/u.conf", err);
}

Test(keylog_out, off_unless_configured)
{
	struct conf_errors err;
	struct cfg *cfg = load(MANUAL, &err);

	cr_assert(cfg != NULL, "%s", err.msg[0]);
	cr_expect(cfg->keylog == NULL);
	cfg_free(cfg);
}

Test(keylog_out, section_paths_relative_to_the_file)
{
	struct conf_errors err;
	struct cfg *cfg = load(MANUAL "keylog {\n file = k.log\n"
	    " wireshark_dir = /tmp/ws\n}\n", &err);

	cr_assert(cfg != NULL, "%s", err.msg[0]);
	cr_assert(cfg->keylog != NULL);
	cr_expect_str_eq(cfg->keylog->file, "/etc/uipsec/k.log");
	cr_expect_str_eq(cfg->keylog->wireshark_dir, "/tmp/ws");
	cfg_free(cfg);
}

Test(keylog_out, section_errors_name_the_line)
{
	struct conf_errors err;
	struct cfg *cfg = load(MANUAL "keylog {\n}\n", &err);

	cr_expect(cfg == NULL);
	cr_expect(err.count >= 1 && strstr(err.msg[0], "u.conf:17: keylog: "
	    "give file, wireshark_dir, trace = yes, or several") != NULL, "%s",
	    err.msg[0]);
	cfg_free(cfg);
	cfg = load(MANUAL "keylog {\n trace = maybe\n}\n", &err);
	cr_expect(cfg == NULL);
	cr_expect(err.count >= 1 && strstr(err.msg[0], "u.conf:18: keylog."
	    "trace: want yes or no") != NULL, "%s", err.msg[0]);
	cfg_free(cfg);
	cfg = load(MANUAL "keylog {\n trace = yes\n}\n", &err);
	cr_assert(cfg != NULL && cfg->keylog != NULL, "%s", err.msg[0]);
	cr_expect(cfg->keylog->trace);
	cr_expect_str_eq(cfg->keylog->file, "");
	cfg_free(cfg);
	cfg = load(MANUAL "keylog {\n path = x\n}\n", &err);
	cr_expect(cfg == NULL);
	cr_expect(err.count >= 1 && strstr(err.msg[0], "u.conf:18:") != NULL,
	    "%s", err.msg[0]);
	cfg_free(cfg);
}

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed ^ (i * 13));
}

Test(keylog_out, writes_what_keylog_read_reads)
{
	char dir[] = "/tmp/test_keylog_out.XXXXXX", path[256], err[512];
	struct cfg_keylog kc = { 0 };
	uint8_t ei[36], er[36], ein[32], eout[32], ain[20], aout[20];
	struct ike_keys_report r = { .conn = "ccu", .ike_id = 7,
	    .spi_i = 0x1122334455667788ULL, .spi_r = 0x99aabbccddeeff00ULL,
	    .encr = IKEV2_ENCR_AES_GCM_16, .encr_bits = 256,
	    .prf = IKEV2_PRF_HMAC_SHA2_256, .sk_ei = ei, .sk_er = er,
	    .encr_len = 36 };
	struct ike_child_install c = { .conn = "ccu", .child = "svc",
	    .ike_id = 7, .udp_encap = true };
	struct sockaddr_in *l = (struct sockaddr_in *)&c.local;
	struct sockaddr_in *rm = (struct sockaddr_in *)&c.remote;
	const char *files[2] = { "k.log", "ws/esp_sa" };
	struct keylog_out *o;
	struct stat st;
	int i;

	cr_assert(mkdtemp(dir) != NULL);
	snprintf(kc.file, sizeof(kc.file), "%s/k.log", dir);
	snprintf(kc.wireshark_dir, sizeof(kc.wireshark_dir), "%s/ws", dir);
	fill(ei, 36, 1);
	fill(er, 36, 2);
	fill(ein, 32, 3);
	fill(eout, 32, 4);
	fill(ain, 20, 5);
	fill(aout, 20, 6);
	l->sin_family = rm->sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &l->sin_addr);
	inet_pton(AF_INET, "192.0.2.2", &rm->sin_addr);
	c.in = (struct esp_sa_config){ .spi = 0xc0000001,
	    .suite = ESP_SUITE_AES_CBC_HMAC_SHA1_96, .enc_key = ein,
	    .enc_key_len = 32, .auth_key = ain, .auth_key_len = 20 };
	c.out = (struct esp_sa_config){ .spi = 0xc0000002,
	    .suite = ESP_SUITE_AES_CBC_HMAC_SHA1_96, .enc_key = eout,
	    .enc_key_len = 32, .auth_key = aout, .auth_key_len = 20 };

	cr_assert((o = keylog_out_open(&kc)) != NULL);
	keylog_out_ike(o, &r);
	keylog_out_child(o, &c);
	keylog_out_close(o);

	for (i = 0; i < 2; i++) {
		struct keylog kl = { 0 };
		const struct keylog_esp *e;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		cr_assert(stat(path, &st) == 0);
		cr_expect_eq(st.st_mode & 0777, 0600);
		cr_assert_eq(keylog_read(&kl, path, err, sizeof(err)), 0,
		    "%s", err);
		if (i == 1) {
			snprintf(path, sizeof(path), "%s/ws/"
			    "ikev2_decryption_table", dir);
			cr_assert_eq(keylog_read(&kl, path, err, sizeof(err)),
			    0, "%s", err);
		}
		cr_assert_eq(kl.n_ike, 1);
		cr_expect_eq(kl.ike[0].spi_r, r.spi_r);
		cr_expect_eq(kl.ike[0].encr, IKEV2_ENCR_AES_GCM_16);
		cr_expect(memcmp(kl.ike[0].sk_er, er, 36) == 0);
		cr_assert_eq(kl.n_esp, 2);
		/* inbound: from the peer to us, our SPI, the in keys */
		e = keylog_find_esp(&kl, 0xc0000001, AF_INET,
		    (uint8_t *)&rm->sin_addr, (uint8_t *)&l->sin_addr);
		cr_assert(e != NULL);
		cr_expect(memcmp(e->src, &rm->sin_addr, 4) == 0);
		cr_expect(memcmp(e->encr_key, ein, 32) == 0);
		cr_expect(memcmp(e->integ_key, ain, 20) == 0);
		cr_expect_eq(e->encr_bits, 256);
		cr_expect_eq(e->integ, IKEV2_AUTH_HMAC_SHA1_96);
		e = keylog_find_esp(&kl, 0xc0000002, 0, NULL, NULL);
		cr_assert(e != NULL);
		cr_expect(memcmp(e->src, &l->sin_addr, 4) == 0);
		cr_expect(memcmp(e->integ_key, aout, 20) == 0);
		keylog_free(&kl);
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	cr_expect_eq(system(path), 0);
}
