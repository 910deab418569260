/*
 * tools/keylog/keylog_internal.h — what the format readers of keylog.c
 * share: the reading context with its "file:line: what" errors, record
 * allocation, bounded fields over one line, hex keys and algorithm names.
 */
#ifndef UIPSEC_KEYLOG_INTERNAL_H
#define UIPSEC_KEYLOG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "tools/keylog/keylog.h"

/* A line longer than this is an error in uipsec's and Wireshark's formats;
 * charon logs skip it (certificate dumps and such, never keys). */
#define KL_LINE_MAX	4096

struct kl_charon;

struct kl_ctx {
	struct keylog	*kl;
	const char	*path;
	unsigned	 line;		/* 1-based, of the line being read */
	char		*err;
	size_t		 errlen;
	struct kl_charon *charon;	/* charon-log state; NULL otherwise */
};

/* Sets "path:line: <fmt>" in c->err; returns -1. */
int	 kl_error(struct kl_ctx *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* A new zeroed record at the end of c->kl (owned by it), or NULL with an
 * error when memory runs out. Growing moves the records: the old array is
 * wiped before it is freed. */
struct keylog_ike *kl_new_ike(struct kl_ctx *c);
struct keylog_esp *kl_new_esp(struct kl_ctx *c);

/* The next field of a line up to `sep` (or the end), surrounding blanks
 * trimmed, the separator consumed. false at the end of the line. */
bool	 kl_field(struct buf_reader *r, char sep, const uint8_t **f,
	    size_t *n);
/* Skips blanks; true if the line holds nothing more. */
bool	 kl_at_end(struct buf_reader *r);
/* True if f[0..n) is the text s. */
bool	 kl_is(const uint8_t *f, size_t n, const char *s);

/* Hex key f[0..n) ("0x" prefix allowed, "" or "-" for none) into
 * out[0..cap); *len gets the byte count. 0, or -1 with an error naming
 * `what`. */
int	 kl_hex(struct kl_ctx *c, const uint8_t *f, size_t n, uint8_t *out,
	    size_t cap, size_t *len, const char *what);
/* Exactly `digits` hex digits into *v. */
int	 kl_hex_u64(struct kl_ctx *c, const uint8_t *f, size_t n,
	    unsigned digits, uint64_t *v, const char *what);
/* An IPv4 or IPv6 literal, or "*" (any: family 0). */
int	 kl_addr(struct kl_ctx *c, const uint8_t *f, size_t n, int *family,
	    uint8_t addr[16], const char *what);

/* Algorithms by strongSwan's log name ("AES_CBC_256", "HMAC_SHA1_96",
 * "NONE"), or by number as ike_transform_name() prints unknown ones
 * ("ENCR_99_256", "INTEG_99"). key_len is the key length uipsec knows for
 * it (encryption incl. salt), 0 when unknown; *aead for AEAD ciphers. */
int	 kl_encr_by_name(const uint8_t *f, size_t n, uint16_t *id,
	    uint16_t *bits, size_t *key_len, bool *aead);
int	 kl_integ_by_name(const uint8_t *f, size_t n, uint16_t *id,
	    size_t *key_len);
/* Key lengths checked against the algorithms (where uipsec knows them). */
int	 kl_check_ike(struct kl_ctx *c, const struct keylog_ike *k);
int	 kl_check_esp(struct kl_ctx *c, const struct keylog_esp *k);

/* Writes a record's algorithm names (strongSwan's log style). */
void	 kl_encr_name(uint16_t id, uint16_t bits, char *out, size_t cap);
void	 kl_integ_name(uint16_t id, char *out, size_t cap);

/* The readers: one line each (NUL-free, without its newline). */
int	 kl_text_line(struct kl_ctx *c, const uint8_t *p, size_t n);
int	 kl_uat_ike_line(struct kl_ctx *c, const uint8_t *p, size_t n);
int	 kl_uat_esp_line(struct kl_ctx *c, const uint8_t *p, size_t n);
/* charon: state lives in c->charon between lines; the finish call reports
 * what was left half-read and frees (and wipes) the state. */
int	 kl_charon_start(struct kl_ctx *c);
int	 kl_charon_line(struct kl_ctx *c, const uint8_t *p, size_t n);
int	 kl_charon_finish(struct kl_ctx *c, bool ok);
/* True if the line looks like charon's log ("NN[IKE] ..." after an
 * optional time stamp). */
bool	 kl_charon_detect(const uint8_t *p, size_t n);

#endif
