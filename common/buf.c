/* common/buf.c — bounds-checked cursor; see buf.h for the contract. */
#include "buf.h"

#include <string.h>

void
buf_reader_init(struct buf_reader *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
	r->tail = 0;
}

size_t
buf_remaining(const struct buf_reader *r)
{
	return r->len - r->off - r->tail;
}

const uint8_t *
buf_cursor(const struct buf_reader *r)
{
	return r->p + r->off;
}

bool
buf_get_bytes(struct buf_reader *r, size_t n, const uint8_t **v)
{
	if (buf_remaining(r) < n)
		return false;
	*v = r->p + r->off;
	r->off += n;
	return true;
}

bool
buf_copy_bytes(struct buf_reader *r, void *dst, size_t n)
{
	const uint8_t *v;

	if (!buf_get_bytes(r, n, &v))
		return false;
	memcpy(dst, v, n);
	return true;
}

bool
buf_skip(struct buf_reader *r, size_t n)
{
	const uint8_t *v;

	return buf_get_bytes(r, n, &v);
}

bool
buf_get_u8(struct buf_reader *r, uint8_t *v)
{
	const uint8_t *b;

	if (!buf_get_bytes(r, 1, &b))
		return false;
	*v = b[0];
	return true;
}

bool
buf_get_u16(struct buf_reader *r, uint16_t *v)
{
	const uint8_t *b;

	if (!buf_get_bytes(r, 2, &b))
		return false;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

bool
buf_get_u32(struct buf_reader *r, uint32_t *v)
{
	const uint8_t *b;

	if (!buf_get_bytes(r, 4, &b))
		return false;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return true;
}

bool
buf_get_u64(struct buf_reader *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (buf_remaining(r) < 8 || !buf_get_u32(r, &hi) ||
	    !buf_get_u32(r, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

bool
buf_sub(struct buf_reader *r, size_t n, struct buf_reader *sub)
{
	const uint8_t *v;

	if (!buf_get_bytes(r, n, &v))
		return false;
	buf_reader_init(sub, v, n);
	return true;
}

bool
buf_get_bytes_end(struct buf_reader *r, size_t n, const uint8_t **v)
{
	if (buf_remaining(r) < n)
		return false;
	r->tail += n;
	*v = r->p + r->len - r->tail;
	return true;
}

bool
buf_get_u8_end(struct buf_reader *r, uint8_t *v)
{
	const uint8_t *b;

	if (!buf_get_bytes_end(r, 1, &b))
		return false;
	*v = b[0];
	return true;
}

void
buf_writer_init(struct buf_writer *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p ? cap : 0;
	w->len = 0;
	w->overflow = false;
}

bool
buf_writer_ok(const struct buf_writer *w)
{
	return !w->overflow;
}

uint8_t *
buf_reserve(struct buf_writer *w, size_t n)
{
	uint8_t *at;

	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return NULL;
	}
	at = w->p + w->len;
	w->len += n;
	return at;
}

bool
buf_put_bytes(struct buf_writer *w, const void *v, size_t n)
{
	uint8_t *at = buf_reserve(w, n);

	if (at == NULL)
		return false;
	if (n)
		memcpy(at, v, n);
	return true;
}

bool
buf_put_zero(struct buf_writer *w, size_t n)
{
	uint8_t *at = buf_reserve(w, n);

	if (at == NULL)
		return false;
	memset(at, 0, n);
	return true;
}

void
buf_store_u16(uint8_t *at, uint16_t v)
{
	at[0] = (uint8_t)(v >> 8);
	at[1] = (uint8_t)v;
}

void
buf_store_u32(uint8_t *at, uint32_t v)
{
	at[0] = (uint8_t)(v >> 24);
	at[1] = (uint8_t)(v >> 16);
	at[2] = (uint8_t)(v >> 8);
	at[3] = (uint8_t)v;
}

bool
buf_put_u8(struct buf_writer *w, uint8_t v)
{
	return buf_put_bytes(w, &v, 1);
}

bool
buf_put_u16(struct buf_writer *w, uint16_t v)
{
	uint8_t *at = buf_reserve(w, 2);

	if (at == NULL)
		return false;
	buf_store_u16(at, v);
	return true;
}

bool
buf_put_u32(struct buf_writer *w, uint32_t v)
{
	uint8_t *at = buf_reserve(w, 4);

	if (at == NULL)
		return false;
	buf_store_u32(at, v);
	return true;
}

bool
buf_put_u64(struct buf_writer *w, uint64_t v)
{
	uint8_t *at = buf_reserve(w, 8);

	if (at == NULL)
		return false;
	buf_store_u32(at, (uint32_t)(v >> 32));
	buf_store_u32(at + 4, (uint32_t)v);
	return true;
}
