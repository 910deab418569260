/*
 * tools/keylog/keylog.h — key logs: the keys of IKE SAs and CHILD_SAs as
 * text, written by uipsecd (opt-in) and read by `uipsec pcap`/`trace`.
 *
 * Formats (doc/keylog.md describes each line):
 *   - uipsec's own line-oriented key log (written and read);
 *   - Wireshark's UAT files ikev2_decryption_table and esp_sa, as
 *     strongSwan's save-keys plugin writes them (written and read);
 *   - charon's debug log at ike = 4, chd = 4, mgr = 2, cfg = 1 (read only):
 *     Sk_* secrets, CHILD_SA keys, SPIs and the selected proposals.
 *
 * Algorithm numbers are IANA's IKEv2 transform IDs (RFC 7296 §3.3.2), so a
 * record maps directly onto ike/ and esp/ suites. Records hold secrets:
 * keylog_free() wipes them (sodium_memzero).
 */
#ifndef UIPSEC_KEYLOG_H
#define UIPSEC_KEYLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KEYLOG_ENCR_KEY_MAX	36	/* AES-256 + 4-byte AEAD salt */
#define KEYLOG_INTEG_KEY_MAX	64

/* One IKE SA, both directions (i = sent by the original initiator). */
struct keylog_ike {
	uint64_t	spi_i, spi_r;
	uint16_t	encr, encr_bits;	/* ENCR_*, its Key Length
						 * attribute (0: none) */
	uint16_t	integ;			/* AUTH_*; 0 with an AEAD */
	size_t		encr_len, integ_len;	/* bytes; encr incl. salt */
	uint8_t		sk_ei[KEYLOG_ENCR_KEY_MAX], sk_er[KEYLOG_ENCR_KEY_MAX];
	uint8_t		sk_ai[KEYLOG_INTEG_KEY_MAX], sk_ar[KEYLOG_INTEG_KEY_MAX];
};

/* One direction of a CHILD_SA: packets from src to dst with this SPI. An
 * unspecified address (family 0) matches any. */
struct keylog_esp {
	int		family;			/* AF_INET, AF_INET6 or 0 */
	uint8_t		src[16], dst[16];
	uint32_t	spi;
	uint16_t	encr, encr_bits;
	uint16_t	integ;			/* 0 with an AEAD */
	bool		esn;
	size_t		encr_len, integ_len;
	uint8_t		encr_key[KEYLOG_ENCR_KEY_MAX];
	uint8_t		integ_key[KEYLOG_INTEG_KEY_MAX];
};

/* Start from all zeroes: struct keylog kl = { 0 }. */
struct keylog {
	size_t			 n_ike, n_esp;
	struct keylog_ike	*ike;		/* owned */
	struct keylog_esp	*esp;		/* owned */
	size_t			 cap_ike, cap_esp;	/* allocated */
};

/* Reads one file in any of the formats above (told apart by content) and
 * appends its records to kl. Returns 0, or -1 with a one-line reason
 * ("file:line: what is wrong") in err; records read before the error stay
 * in kl. Lines are at most 4096 bytes (longer ones: an error, except in
 * a charon log, which skips them). */
int	 keylog_read(struct keylog *kl, const char *path, char *err,
	    size_t errlen);
/* One line of uipsec's key log (as `uipsec trace` receives them from the
 * daemon, doc/pcap.md): its record appended to kl; empty and '#' lines
 * are skipped. 0, or -1 with "what:lineno: what is wrong" in err. */
int	 keylog_read_line(struct keylog *kl, const char *line, size_t len,
	    const char *what, unsigned lineno, char *err, size_t errlen);
/* Wipes and frees every record; kl is empty afterwards. */
void	 keylog_free(struct keylog *kl);

/* Lookups return records borrowed from kl until the next keylog_read() or
 * keylog_free(); the newest matching record wins. */
const struct keylog_ike *keylog_find_ike(const struct keylog *kl,
	    uint64_t spi_i, uint64_t spi_r);
/* By SPI, preferring a record whose addresses match (NULL: any). */
const struct keylog_esp *keylog_find_esp(const struct keylog *kl,
	    uint32_t spi, int family, const uint8_t *src, const uint8_t *dst);

/* Writers: one record as a line of uipsec's key log, or as one row of
 * Wireshark's ikev2_decryption_table / esp_sa UAT file (a '#' comment
 * line instead when Wireshark 4.0 has no name for an algorithm, e.g.
 * ChaCha20-Poly1305). 0, or -1 on a write error. */
int	 keylog_write_ike(FILE *f, const struct keylog_ike *k);
int	 keylog_write_esp(FILE *f, const struct keylog_esp *k);
/* The same line of uipsec's key log without its newline into out[cap]:
 * its length, or -1 if it does not fit. The caller wipes out. */
int	 keylog_format_ike(char *out, size_t cap, const struct keylog_ike *k);
int	 keylog_format_esp(char *out, size_t cap, const struct keylog_esp *k);
int	 keylog_write_wireshark_ike(FILE *f, const struct keylog_ike *k);
int	 keylog_write_wireshark_esp(FILE *f, const struct keylog_esp *k);

#endif
