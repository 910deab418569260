/*
 * common/buf.h — the one bounds-checked reader and writer for every wire
 * format in uipsec (ESP, UDP encapsulation, IKEv2, pcap).
 *
 * Every getter fails (returns false) without moving the cursor when fewer
 * bytes remain than asked for, so a parser reads as one `||` chain:
 *
 *     if (!buf_get_u32(&r, &spi) || !buf_get_u32(&r, &seq))
 *             return -1;
 *
 * All integers are network byte order. Nothing here allocates; views handed
 * out by buf_get_bytes()/buf_sub() borrow the underlying buffer.
 */
#ifndef UIPSEC_COMMON_BUF_H
#define UIPSEC_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reader: [p, p + len) with `off` bytes consumed from the front and `tail`
 * bytes consumed from the back (ICV, padding, next header live at the tail). */
struct buf_reader {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	size_t		 tail;
};

void	 buf_reader_init(struct buf_reader *r, const void *p, size_t len);
size_t	 buf_remaining(const struct buf_reader *r);
const uint8_t *buf_cursor(const struct buf_reader *r);	/* borrowed */

bool	 buf_get_u8(struct buf_reader *r, uint8_t *v);
bool	 buf_get_u16(struct buf_reader *r, uint16_t *v);
bool	 buf_get_u32(struct buf_reader *r, uint32_t *v);
bool	 buf_get_u64(struct buf_reader *r, uint64_t *v);
/* Zero-copy: *v points into the reader's buffer (borrowed). */
bool	 buf_get_bytes(struct buf_reader *r, size_t n, const uint8_t **v);
/* Copying variant for fixed-size fields. */
bool	 buf_copy_bytes(struct buf_reader *r, void *dst, size_t n);
bool	 buf_skip(struct buf_reader *r, size_t n);
/* A sub-reader over the next n bytes; the parent moves past them. */
bool	 buf_sub(struct buf_reader *r, size_t n, struct buf_reader *sub);
/* From the tail: the last n unread bytes (e.g. the ICV); shrinks the view. */
bool	 buf_get_bytes_end(struct buf_reader *r, size_t n, const uint8_t **v);
bool	 buf_get_u8_end(struct buf_reader *r, uint8_t *v);

/* Writer over [p, p + cap). A failed put sets `overflow` and writes nothing;
 * callers may check once at the end (buf_writer_ok). */
struct buf_writer {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	bool		 overflow;
};

void	 buf_writer_init(struct buf_writer *w, void *p, size_t cap);
bool	 buf_writer_ok(const struct buf_writer *w);
bool	 buf_put_u8(struct buf_writer *w, uint8_t v);
bool	 buf_put_u16(struct buf_writer *w, uint16_t v);
bool	 buf_put_u32(struct buf_writer *w, uint32_t v);
bool	 buf_put_u64(struct buf_writer *w, uint64_t v);
bool	 buf_put_bytes(struct buf_writer *w, const void *v, size_t n);
bool	 buf_put_zero(struct buf_writer *w, size_t n);
/* Reserve n bytes to fill later (a length field written after the body);
 * returns a pointer into the buffer or NULL on overflow. */
uint8_t	*buf_reserve(struct buf_writer *w, size_t n);
/* Store helpers for a reserved slot. */
void	 buf_store_u16(uint8_t *at, uint16_t v);
void	 buf_store_u32(uint8_t *at, uint32_t v);

#endif
