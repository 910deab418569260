/*
 * ike/resp_store.h — where an engine keeps the last response of each SA
 * for a retransmitted request (RFC 7296 §2.1; not public).
 *
 * Why not malloc: on a concentrator the IKE_AUTH response (certificate,
 * AUTH: 1-2 KB) is made during the set-up, between the allocations that
 * stay for the SA's life, and dropped seconds later (ike/idle.c). On the
 * heap each dropped response leaves a hole between live chunks: glibc
 * keeps those pages (malloc_trim returns only whole free pages, and there
 * are few), so the memory of every response ever cached stays resident.
 * Here responses are packed in order of creation into chunks mapped
 * apart from the heap; responses made together are dropped together, and
 * a chunk goes back to the system (munmap) when its last one is released.
 */
#ifndef UIPSEC_IKE_RESP_STORE_H
#define UIPSEC_IKE_RESP_STORE_H

#include <stddef.h>

#define IKE_RESP_CHUNK	(64 * 1024)	/* bytes mapped at a time */

struct ike_resp_chunk;

struct ike_resp_store {
	struct ike_resp_chunk	*cur;		/* being filled; NULL: none */
	size_t			 chunks;	/* mapped, cur included */
};

/* Room for len bytes (8-aligned), or NULL: no memory, or too large for a
 * chunk (the caller then uses malloc). Released with
 * ike_resp_store_release(). */
void	*ike_resp_store_alloc(struct ike_resp_store *s, size_t len);
/* Gives p back; its chunk is unmapped once nothing in it is in use. */
void	 ike_resp_store_release(void *p);
/* Unmaps the chunk being filled. Every allocation must have been
 * released (the engine frees its SAs first). */
void	 ike_resp_store_free(struct ike_resp_store *s);

#endif
