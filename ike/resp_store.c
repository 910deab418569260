/*
 * ike/resp_store.c — cached responses packed into chunks of their own
 * (resp_store.h says why): a bump allocator per chunk with a count of the
 * allocations still in use. Each allocation is preceded by a pointer to
 * its chunk, so that releasing needs neither the engine nor a search.
 * Single-threaded, as the engine is.
 */
#include "ike/resp_store.h"

#include <stdint.h>
#include <sys/mman.h>

struct ike_resp_chunk {
	struct ike_resp_store	*store;
	uint32_t		 used;		/* bytes, this header included */
	uint32_t		 live;		/* allocations not released */
};

#define HDR	sizeof(struct ike_resp_chunk *)

static size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static struct ike_resp_chunk *
chunk_new(struct ike_resp_store *s)
{
	struct ike_resp_chunk *c = mmap(NULL, IKE_RESP_CHUNK,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (c == MAP_FAILED)
		return NULL;
	c->store = s;
	c->used = (uint32_t)round8(sizeof(*c));
	c->live = 0;
	s->chunks++;
	return c;
}

static void
chunk_unmap(struct ike_resp_chunk *c)
{
	c->store->chunks--;
	munmap(c, IKE_RESP_CHUNK);
}

void *
ike_resp_store_alloc(struct ike_resp_store *s, size_t len)
{
	struct ike_resp_chunk *c = s->cur;
	size_t need = HDR + round8(len);
	uint8_t *p;

	if (len > IKE_RESP_CHUNK || need > IKE_RESP_CHUNK - round8(sizeof(*c)))
		return NULL;
	if (c == NULL || c->used + need > IKE_RESP_CHUNK) {
		if (c != NULL && c->live == 0) {
			c->used = (uint32_t)round8(sizeof(*c));	/* empty */
		} else {
			/* a full chunk stays until its last release */
			if ((c = chunk_new(s)) == NULL)
				return NULL;
			s->cur = c;
		}
	}
	p = (uint8_t *)c + c->used;
	*(struct ike_resp_chunk **)(void *)p = c;
	c->used += (uint32_t)need;
	c->live++;
	return p + HDR;
}

void
ike_resp_store_release(void *p)
{
	struct ike_resp_chunk *c;

	if (p == NULL)
		return;
	c = *(struct ike_resp_chunk **)(void *)((uint8_t *)p - HDR);
	if (--c->live != 0)
		return;
	if (c->store->cur == c)
		c->used = (uint32_t)round8(sizeof(*c));	/* filled again */
	else
		chunk_unmap(c);
}

void
ike_resp_store_free(struct ike_resp_store *s)
{
	if (s->cur != NULL)
		chunk_unmap(s->cur);
	s->cur = NULL;
}
