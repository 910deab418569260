/*
 * tools/uipsecd/keylog_out.c — see keylog_out.h. Each record is flushed at
 * once (a capture is decrypted while the daemon runs) through a stdio
 * buffer of our own, wiped after every flush: it held keys.
 */
#include "keylog_out.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "control.h"
#include "ike/ikev2_wire.h"
#include "keylog_store.h"
#include "tools/keylog/keylog.h"

enum { KO_TEXT, KO_WS_IKE, KO_WS_ESP, KO_COUNT };

struct keylog_out_file {
	FILE	*f;
	char	 path[512];
	bool	 failed;		/* a write error was logged */
	char	 buf[BUFSIZ];
};

struct keylog_out {
	struct keylog_out_file file[KO_COUNT];
	struct keylog_store *store;	/* trace = yes; NULL otherwise */
};

static int
ko_open(struct keylog_out_file *o, const char *path, const char *header)
{
	struct stat st;
	int fd;

	snprintf(o->path, sizeof(o->path), "%s", path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) < 0 || !(o->f = fdopen(fd, "a"))) {
		log_err("keylog: cannot open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setvbuf(o->f, o->buf, _IOFBF, sizeof(o->buf));
	if (st.st_mode & 077)
		log_warn("keylog: %s is readable by others (mode %03o): "
		    "chmod 600", path, (unsigned)(st.st_mode & 0777));
	if (st.st_size == 0 && header != NULL)
		fprintf(o->f, "%s\n", header);
	fflush(o->f);
	return 0;
}

struct keylog_out *
keylog_out_open(const struct cfg_keylog *cfg)
{
	struct keylog_out *o = calloc(1, sizeof(*o));
	char path[512];

	if (!o) {
		log_err("keylog: out of memory");
		return NULL;
	}
	if (cfg->file[0] && ko_open(&o->file[KO_TEXT], cfg->file,
	    "# uipsec key log (doc/keylog.md)") < 0)
		goto fail;
	if (cfg->wireshark_dir[0]) {
		if (mkdir(cfg->wireshark_dir, 0700) < 0 && errno != EEXIST) {
			log_err("keylog: cannot make %s: %s",
			    cfg->wireshark_dir, strerror(errno));
			goto fail;
		}
		snprintf(path, sizeof(path), "%s/ikev2_decryption_table",
		    cfg->wireshark_dir);
		if (ko_open(&o->file[KO_WS_IKE], path, NULL) < 0)
			goto fail;
		snprintf(path, sizeof(path), "%s/esp_sa", cfg->wireshark_dir);
		if (ko_open(&o->file[KO_WS_ESP], path, NULL) < 0)
			goto fail;
	}
	if (cfg->file[0] || cfg->wireshark_dir[0])
		log_warn("keylog: WRITING IKE AND ESP KEYS to %s%s%s: whoever "
		    "reads them can decrypt the traffic; remove the keylog "
		    "section when done", cfg->file, cfg->file[0] &&
		    cfg->wireshark_dir[0] ? " and " : "", cfg->wireshark_dir);
	if (cfg->trace) {
		if (!(o->store = keylog_store_new())) {
			log_err("keylog: out of memory");
			goto fail;
		}
		log_warn("keylog: KEEPING IKE AND ESP KEYS in memory for "
		    "`uipsec trace` (keylog.trace = yes): root on this host "
		    "can fetch them over the control socket");
	}
	return o;
fail:
	keylog_out_close(o);
	return NULL;
}

void
keylog_out_close(struct keylog_out *o)
{
	int i;

	if (!o)
		return;
	for (i = 0; i < KO_COUNT; i++)
		if (o->file[i].f)
			fclose(o->file[i].f);
	keylog_store_free(o->store);
	sodium_memzero(o, sizeof(*o));
	free(o);
}

/* After a record: out to the file, the stdio buffer wiped. */
static void
ko_flush(struct keylog_out_file *o, int written)
{
	if ((written < 0 || fflush(o->f) != 0) && !o->failed) {
		log_err("keylog: cannot write %s: %s", o->path,
		    strerror(errno));
		o->failed = true;
	}
	sodium_memzero(o->buf, sizeof(o->buf));
}

/* "# 2026-11-27T08:32:24Z conn[7] WHAT": when and for what, above each
 * record of uipsec's key log. */
static void
ko_comment(struct keylog_out_file *o, const char *conn, uint64_t ike_id,
    const char *what)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&now, &tm));
	fprintf(o->f, "# %s %s[%llu] %s\n", when, conn,
	    (unsigned long long)ike_id, what);
}

void
keylog_out_ike(struct keylog_out *o, const struct ike_keys_report *r)
{
	struct keylog_ike k = { .spi_i = r->spi_i, .spi_r = r->spi_r,
	    .encr = r->encr, .encr_bits = r->encr_bits, .integ = r->integ,
	    .encr_len = r->encr_len, .integ_len = r->integ_len };
	struct keylog_out_file *f;
	char what[KEYLOG_STORE_LABEL];

	if (!o || k.encr_len > sizeof(k.sk_ei) ||
	    k.integ_len > sizeof(k.sk_ai))
		return;
	memcpy(k.sk_ei, r->sk_ei, k.encr_len);
	memcpy(k.sk_er, r->sk_er, k.encr_len);
	if (k.integ_len) {
		memcpy(k.sk_ai, r->sk_ai, k.integ_len);
		memcpy(k.sk_ar, r->sk_ar, k.integ_len);
	}
	if ((f = &o->file[KO_TEXT])->f) {
		ko_comment(f, r->conn, r->ike_id, "IKE SA");
		ko_flush(f, keylog_write_ike(f->f, &k));
	}
	if ((f = &o->file[KO_WS_IKE])->f)
		ko_flush(f, keylog_write_wireshark_ike(f->f, &k));
	if (o->store && r->remote) {
		snprintf(what, sizeof(what), "%s[%llu] IKE SA", r->conn,
		    (unsigned long long)r->ike_id);
		if (keylog_store_ike(o->store, &k, r->ike_id, r->remote,
		    what) < 0)
			log_err("%s: keylog: no memory to keep the keys of IKE "
			    "SA %llu for trace", r->conn,
			    (unsigned long long)r->ike_id);
	}
	sodium_memzero(&k, sizeof(k));
}

/* IANA's numbers for an ESP suite (RFC 7296 §3.3.2). */
static void
ko_esp_algs(const struct esp_sa_config *s, struct keylog_esp *k)
{
	switch (s->suite) {
	case ESP_SUITE_AES_CBC_HMAC_SHA1_96:
	case ESP_SUITE_AES_CBC_HMAC_SHA256_128:
		k->encr = IKEV2_ENCR_AES_CBC;
		k->encr_bits = (uint16_t)(s->enc_key_len * 8);
		k->integ = s->suite == ESP_SUITE_AES_CBC_HMAC_SHA1_96 ?
		    IKEV2_AUTH_HMAC_SHA1_96 : IKEV2_AUTH_HMAC_SHA2_256_128;
		break;
	case ESP_SUITE_AES_GCM_16:
		k->encr = IKEV2_ENCR_AES_GCM_16;
		k->encr_bits = (uint16_t)((s->enc_key_len - 4) * 8);
		break;
	default:
		k->encr = IKEV2_ENCR_CHACHA20_POLY1305;
		break;
	}
}

static void
ko_addr(const struct sockaddr_storage *ss, int *family, uint8_t a[16])
{
	*family = ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(a, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else if (ss->ss_family == AF_INET6)
		memcpy(a, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	else
		*family = 0;
}

/* One direction: what `s` protects, from `from` to `to`. */
static int
ko_esp(const struct esp_sa_config *s, const struct sockaddr_storage *from,
    const struct sockaddr_storage *to, struct keylog_esp *k)
{
	int family2;

	memset(k, 0, sizeof(*k));
	if (s->enc_key_len > sizeof(k->encr_key) ||
	    s->auth_key_len > sizeof(k->integ_key))
		return -1;
	ko_esp_algs(s, k);
	ko_addr(from, &k->family, k->src);
	ko_addr(to, &family2, k->dst);
	if (family2 != k->family)
		k->family = 0;
	k->spi = s->spi;
	k->esn = s->esn;
	k->encr_len = s->enc_key_len;
	memcpy(k->encr_key, s->enc_key, s->enc_key_len);
	k->integ_len = s->auth_key_len;
	if (s->auth_key_len)
		memcpy(k->integ_key, s->auth_key, s->auth_key_len);
	return 0;
}

void
keylog_out_child(struct keylog_out *o, const struct ike_child_install *c)
{
	struct keylog_esp k[2];		/* out, in */
	struct keylog_out_file *f;
	char what[96];
	int i;

	if (!o)
		return;
	if (ko_esp(&c->out, &c->local, &c->remote, &k[0]) < 0 ||
	    ko_esp(&c->in, &c->remote, &c->local, &k[1]) < 0)
		goto out;
	if ((f = &o->file[KO_TEXT])->f) {
		snprintf(what, sizeof(what), "CHILD_SA %s", c->child);
		ko_comment(f, c->conn, c->ike_id, what);
		for (i = 0; i < 2; i++)
			ko_flush(f, keylog_write_esp(f->f, &k[i]));
	}
	if ((f = &o->file[KO_WS_ESP])->f)
		for (i = 0; i < 2; i++)
			ko_flush(f, keylog_write_wireshark_esp(f->f, &k[i]));
	if (o->store) {
		snprintf(what, sizeof(what), "%s[%llu] CHILD_SA %s", c->conn,
		    (unsigned long long)c->ike_id, c->child);
		if (keylog_store_child(o->store, k, c->ike_id, &c->remote,
		    what) < 0)
			log_err("%s: keylog: no memory to keep the keys of "
			    "CHILD_SA %s for trace", c->conn, c->child);
	}
out:
	sodium_memzero(k, sizeof(k));
}

void
keylog_out_child_gone(struct keylog_out *o, uint32_t spi_in)
{
	if (o)
		keylog_store_child_gone(o->store, spi_in);
}

void
keylog_out_ike_gone(struct keylog_out *o, uint64_t ike_id)
{
	if (o)
		keylog_store_ike_gone(o->store, ike_id);
}

void
keylog_out_peer_moved(struct keylog_out *o, uint64_t ike_id,
    const struct sockaddr_storage *remote)
{
	if (o)
		keylog_store_moved(o->store, ike_id, remote);
}

/* A `keys` reply being written: its lines, the count. */
struct ko_keys {
	struct control_reply	*r;
	unsigned		 n_ike, n_child;
};

static void
ko_keys_line(void *arg, uint64_t seq, const char *label,
    const struct keylog_ike *ike, const struct keylog_esp *esp)
{
	struct ko_keys *q = arg;
	char line[1024];
	int i;

	control_line(q->r, "# %llu %s", (unsigned long long)seq, label);
	if (ike) {
		if (keylog_format_ike(line, sizeof(line), ike) > 0)
			control_line(q->r, "%s", line);
		q->n_ike++;
	}
	for (i = 0; esp && i < 2; i++)
		if (keylog_format_esp(line, sizeof(line), &esp[i]) > 0)
			control_line(q->r, "%s", line);
	q->n_child += esp != NULL;
	sodium_memzero(line, sizeof(line));
}

int
keylog_out_keys(struct keylog_out *o, const char *peer, uint64_t since,
    struct control_reply *r, char *msg, size_t cap)
{
	struct ko_keys q = { .r = r };
	uint8_t addr[16];
	int family = strchr(peer, ':') ? AF_INET6 : AF_INET;

	if (!o || !o->store) {
		snprintf(msg, cap, "keys are not handed out: uipsecd's "
		    "configuration needs keylog { trace = yes }");
		return CONTROL_FORBIDDEN;
	}
	if (inet_pton(family, peer, addr) != 1) {
		snprintf(msg, cap, "usage: keys ADDRESS [SINCE]: '%s' is not "
		    "an IP address", peer);
		return CONTROL_BAD_REQUEST;
	}
	control_reply_secret(r);
	if (keylog_store_peer(o->store, family, addr, since, ko_keys_line,
	    &q) < 0) {
		snprintf(msg, cap, "out of memory");
		return CONTROL_UNAVAILABLE;
	}
	if (q.n_ike || q.n_child)
		log_warn("keylog: HANDED THE KEYS of %u IKE SA%s and %u "
		    "CHILD_SA%s of peer %s to a control client (uipsec trace; "
		    "keylog.trace = yes)", q.n_ike, q.n_ike == 1 ? "" : "s",
		    q.n_child, q.n_child == 1 ? "" : "s", peer);
	snprintf(msg, cap, "ok seq %llu",
	    (unsigned long long)keylog_store_seq(o->store));
	return CONTROL_OK;
}
