/*
 * tools/keylog/keylog.c — see keylog.h: reading a key log file line by
 * line through a fixed buffer (wiped afterwards: it held keys), telling
 * the format from its first line, the record arrays, lookups.
 */
#include "tools/keylog/keylog_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#define KL_READ_BUF	(64 * 1024)

enum kl_format { KL_NONE, KL_TEXT, KL_UAT_IKE, KL_UAT_ESP, KL_CHARON };

int
kl_error(struct kl_ctx *c, const char *fmt, ...)
{
	char what[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (c->errlen > 0)
		snprintf(c->err, c->errlen, "%s:%u: %s", c->path, c->line,
		    what);
	return -1;
}

/* Grows an array of secrets without realloc (which would leave the old
 * copy behind unwiped). */
static void *
kl_grow(void *old, size_t n, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return old;
	if (ncap > SIZE_MAX / size || (p = calloc(ncap, size)) == NULL)
		return NULL;
	if (old != NULL) {
		memcpy(p, old, n * size);
		sodium_memzero(old, n * size);
		free(old);
	}
	*cap = ncap;
	return p;
}

struct keylog_ike *
kl_new_ike(struct kl_ctx *c)
{
	struct keylog *kl = c->kl;
	struct keylog_ike *p;

	if ((p = kl_grow(kl->ike, kl->n_ike, &kl->cap_ike, sizeof(*p))) ==
	    NULL) {
		kl_error(c, "out of memory");
		return NULL;
	}
	kl->ike = p;
	memset(&p[kl->n_ike], 0, sizeof(*p));
	return &p[kl->n_ike++];
}

struct keylog_esp *
kl_new_esp(struct kl_ctx *c)
{
	struct keylog *kl = c->kl;
	struct keylog_esp *p;

	if ((p = kl_grow(kl->esp, kl->n_esp, &kl->cap_esp, sizeof(*p))) ==
	    NULL) {
		kl_error(c, "out of memory");
		return NULL;
	}
	kl->esp = p;
	memset(&p[kl->n_esp], 0, sizeof(*p));
	return &p[kl->n_esp++];
}

void
keylog_free(struct keylog *kl)
{
	if (kl == NULL)
		return;
	if (kl->ike != NULL)
		sodium_memzero(kl->ike, kl->cap_ike * sizeof(*kl->ike));
	if (kl->esp != NULL)
		sodium_memzero(kl->esp, kl->cap_esp * sizeof(*kl->esp));
	free(kl->ike);
	free(kl->esp);
	memset(kl, 0, sizeof(*kl));
}

/* The format of a file, from its first line that is neither empty nor a
 * '#' comment (both Wireshark and uipsec write comment headers). */
static enum kl_format
kl_detect(const uint8_t *p, size_t n)
{
	size_t i;

	if (n >= 4 && (memcmp(p, "IKE ", 4) == 0 || memcmp(p, "ESP ", 4) == 0))
		return KL_TEXT;
	if (n >= 6 && (memcmp(p, "\"IPv4\"", 6) == 0 ||
	    memcmp(p, "\"IPv6\"", 6) == 0))
		return KL_UAT_ESP;
	/* ikev2_decryption_table: SPIi, 16 hex digits, maybe quoted */
	i = n > 0 && p[0] == '"';
	if (n >= i + 17) {
		size_t j;

		for (j = i; j < i + 16; j++)
			if (!((p[j] >= '0' && p[j] <= '9') ||
			    ((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'f')))
				break;
		if (j == i + 16 && (p[j] == ',' || (i && p[j] == '"')))
			return KL_UAT_IKE;
	}
	if (kl_charon_detect(p, n))
		return KL_CHARON;
	return KL_NONE;
}

static bool
kl_skippable(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i == n || p[i] == '#';
}

static int
kl_line(struct kl_ctx *c, enum kl_format *fmt, const uint8_t *p, size_t n,
    bool too_long)
{
	if (*fmt == KL_CHARON)	/* anything may be in a daemon's log */
		return too_long || memchr(p, '\0', n) != NULL ? 0 :
		    kl_charon_line(c, p, n);
	if (too_long)
		return kl_error(c, "line longer than %d bytes", KL_LINE_MAX);
	if (memchr(p, '\0', n) != NULL)
		return kl_error(c, "NUL byte in a text line");
	while (n > 0 && p[n - 1] == '\r')
		n--;
	if (kl_skippable(p, n))
		return 0;
	if (*fmt == KL_NONE) {
		*fmt = kl_detect(p, n);
		if (*fmt == KL_NONE)
			return kl_error(c, "neither a uipsec key log, a "
			    "Wireshark ikev2_decryption_table or esp_sa "
			    "file, nor a charon log");
		if (*fmt == KL_CHARON) {
			if (kl_charon_start(c) < 0)
				return -1;
			return kl_charon_line(c, p, n);
		}
	}
	switch (*fmt) {
	case KL_TEXT:
		return kl_text_line(c, p, n);
	case KL_UAT_IKE:
		return kl_uat_ike_line(c, p, n);
	case KL_UAT_ESP:
		return kl_uat_esp_line(c, p, n);
	default:
		return kl_error(c, "internal: no format");
	}
}

/* Feeds every line of fd to kl_line(); buf holds KL_READ_BUF bytes. A
 * line that does not fit KL_LINE_MAX is passed on as too long (its start
 * only) and the rest of it skipped. */
static int
kl_read_lines(struct kl_ctx *c, int fd, uint8_t *buf, enum kl_format *fmt)
{
	size_t start = 0, end = 0;
	bool eof = false, skipping = false;
	ssize_t got;
	uint8_t *nl;

	for (;;) {
		nl = memchr(buf + start, '\n', end - start);
		if (nl == NULL && !eof && end - start <= KL_LINE_MAX) {
			memmove(buf, buf + start, end - start);
			end -= start;
			start = 0;
			got = read(fd, buf + end, KL_READ_BUF - end);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return kl_error(c, "read: %s", strerror(errno));
			eof = got == 0;
			end += (size_t)got;
			continue;
		}
		if (nl == NULL && eof && start == end)
			return 0;
		if (nl == NULL && !eof) {	/* over-long: report, skip */
			if (!skipping) {
				c->line++;
				if (kl_line(c, fmt, buf + start, KL_LINE_MAX,
				    true) < 0)
					return -1;
			}
			skipping = true;
			start = end;
			continue;
		}
		if (nl == NULL)
			nl = buf + end;
		if (!skipping) {
			c->line++;
			if (kl_line(c, fmt, buf + start,
			    (size_t)(nl - (buf + start)),
			    nl - (buf + start) > KL_LINE_MAX) < 0)
				return -1;
		}
		skipping = false;
		start = nl < buf + end ? (size_t)(nl - buf) + 1 : end;
	}
}

int
keylog_read(struct keylog *kl, const char *path, char *err, size_t errlen)
{
	struct kl_ctx c = { .kl = kl, .path = path, .err = err,
	    .errlen = errlen };
	enum kl_format fmt = KL_NONE;
	uint8_t *buf;
	int fd, ret;

	if (errlen > 0)
		err[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(KL_READ_BUF)) == NULL) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	ret = kl_read_lines(&c, fd, buf, &fmt);
	if (fmt == KL_CHARON && kl_charon_finish(&c, ret == 0) < 0)
		ret = -1;
	sodium_memzero(buf, KL_READ_BUF);
	free(buf);
	close(fd);
	return ret;
}

int
keylog_read_line(struct keylog *kl, const char *line, size_t len,
    const char *what, unsigned lineno, char *err, size_t errlen)
{
	struct kl_ctx c = { .kl = kl, .path = what, .line = lineno,
	    .err = err, .errlen = errlen };
	const uint8_t *p = (const uint8_t *)line;

	if (errlen > 0)
		err[0] = '\0';
	if (len > KL_LINE_MAX)
		return kl_error(&c, "line longer than %d bytes", KL_LINE_MAX);
	if (memchr(p, '\0', len) != NULL)
		return kl_error(&c, "NUL byte in a text line");
	while (len > 0 && p[len - 1] == '\r')
		len--;
	if (kl_skippable(p, len))
		return 0;
	return kl_text_line(&c, p, len);
}

const struct keylog_ike *
keylog_find_ike(const struct keylog *kl, uint64_t spi_i, uint64_t spi_r)
{
	size_t i;

	/* The newest first: a key log may outlive SPI reuse. */
	for (i = kl->n_ike; i-- > 0;)
		if (kl->ike[i].spi_i == spi_i && kl->ike[i].spi_r == spi_r)
			return &kl->ike[i];
	return NULL;
}

static bool
kl_addr_match(const struct keylog_esp *k, int family, const uint8_t *src,
    const uint8_t *dst)
{
	size_t alen = family == AF_INET6 ? 16 : 4;

	if (k->family == 0)
		return true;
	if (k->family != family || src == NULL || dst == NULL)
		return false;
	return memcmp(k->src, src, alen) == 0 && memcmp(k->dst, dst, alen) == 0;
}

const struct keylog_esp *
keylog_find_esp(const struct keylog *kl, uint32_t spi, int family,
    const uint8_t *src, const uint8_t *dst)
{
	const struct keylog_esp *any = NULL;
	size_t i;

	for (i = kl->n_esp; i-- > 0;) {
		if (kl->esp[i].spi != spi)
			continue;
		if (kl_addr_match(&kl->esp[i], family, src, dst))
			return &kl->esp[i];
		if (any == NULL)
			any = &kl->esp[i];
	}
	return any;
}
