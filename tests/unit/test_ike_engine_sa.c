/*
 * The IKE SA object (ike/ike_sa.c): the one state setter refuses moves
 * outside the diagram of ike_sa.h (retransmission timing:
 * test_ike_retransmit.c); the table finds SAs by our SPI and, for responders, by
 * the initiator's SPI and address.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "ike/ike_sa.h"

Test(ike_sa, state_setter)
{
	struct ike_sa *sa = ike_sa_new(true, 1, 0);

	cr_assert_not_null(sa);
	cr_assert_str_eq(ike_state_name(sa->state), "IDLE");
	/* IDLE -> ESTABLISHED is an IKE SA made by a rekey (§1.3.2). */
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_DELETING));
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_AUTH_SENT));
	cr_assert(ike_sa_set_state(sa, IKE_STATE_SA_INIT_SENT));
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_SA_INIT_DONE));
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_SA_INIT_SENT));
	cr_assert(ike_sa_set_state(sa, IKE_STATE_AUTH_SENT));
	cr_assert(ike_sa_set_state(sa, IKE_STATE_ESTABLISHED));
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_IDLE));
	cr_assert(ike_sa_set_state(sa, IKE_STATE_DELETING));
	cr_assert(ike_sa_set_state(sa, IKE_STATE_CLOSED));
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_ESTABLISHED));
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_CLOSED));
	cr_assert_eq(sa->state, IKE_STATE_CLOSED);
	ike_sa_free(sa);
	ike_sa_free(NULL);
}

Test(ike_sa, responder_path_and_failure)
{
	struct ike_sa *sa = ike_sa_new(false, 2, 0);

	cr_assert_neq(sa->spi_r, 0);
	cr_assert_eq(sa->spi_i, 0);
	cr_assert(ike_sa_set_state(sa, IKE_STATE_SA_INIT_DONE));
	cr_assert_not(ike_sa_set_state(sa, IKE_STATE_AUTH_SENT));
	cr_assert(ike_sa_set_state(sa, IKE_STATE_CLOSED));
	ike_sa_free(sa);
}

/* 3000 SAs: the buckets double twice on the way (1024 -> 4096). */
#define N_TABLE	3000

Test(ike_sa, table)
{
	static struct ike_sa_table t;
	static struct ike_sa *sa[N_TABLE];
	struct sockaddr_storage a, b;
	size_t i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.ss_family = b.ss_family = AF_INET;
	((struct sockaddr_in *)&b)->sin_port = htons(4500);
	cr_assert_eq(ike_sa_table_init(&t), 0);
	for (i = 0; i < N_TABLE; i++) {
		sa[i] = ike_sa_new(i % 2 == 0, i, 0);
		if (i % 2) {
			sa[i]->spi_i = 0x1000 + i;
			ike_sockaddr_set(&sa[i]->remote, &a);
		}
		ike_sa_table_add(&t, sa[i]);
	}
	cr_assert_eq(t.n, N_TABLE);
	cr_assert_geq(t.nb, N_TABLE);
	for (i = 0; i < N_TABLE; i++)
		cr_assert_eq(ike_sa_table_find(&t, ike_sa_spi_ours(sa[i])), sa[i]);
	cr_assert_eq(ike_sa_table_find_init(&t, 0x1000 + 5, &a), sa[5]);
	cr_assert_null(ike_sa_table_find_init(&t, 0x1000 + 5, &b));
	cr_assert_null(ike_sa_table_find_init(&t, 0x1000 + 4, &a));
	for (i = 0; i < N_TABLE; i += 3) {
		ike_sa_table_remove(&t, sa[i]);
		cr_assert_null(ike_sa_table_find(&t, ike_sa_spi_ours(sa[i])));
		ike_sa_free(sa[i]);
		sa[i] = NULL;
	}
	cr_assert_null(ike_sa_table_find_init(&t, 0x1000 + 3, &a));
	for (i = 0; i < N_TABLE; i++)
		if (sa[i] != NULL) {
			cr_assert_eq(ike_sa_table_find(&t,
			    ike_sa_spi_ours(sa[i])), sa[i]);
			ike_sa_table_remove(&t, sa[i]);
			ike_sa_free(sa[i]);
		}
	cr_assert_eq(t.n, 0);
	ike_sa_table_free(&t);
}

/* union ike_sockaddr (ike.h), also uipsecd's data-plane address: a
 * storage goes in and comes back; equality is family, port and address
 * (an IPv6 scope id or flow label does not count); the socket length
 * follows the family. */
Test(ike_sa, sockaddr_round_trip_and_equality)
{
	struct sockaddr_storage s4 = { 0 }, s6 = { 0 }, back, other;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&s4;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&s6;
	union ike_sockaddr u;

	a4->sin_family = AF_INET;
	a4->sin_port = htons(4500);
	inet_pton(AF_INET, "192.0.2.7", &a4->sin_addr);
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(61000);
	inet_pton(AF_INET6, "2001:db8::7", &a6->sin6_addr);

	ike_sockaddr_set(&u, &s4);
	cr_assert_eq(ike_sockaddr_len(&u), sizeof(struct sockaddr_in));
	cr_assert_eq(u.sa.sa_family, AF_INET);
	cr_assert(ike_sockaddr_equal(&u, &s4));
	cr_assert(ike_addr_equal(ike_sockaddr_get(&u, &back), &s4));
	other = s4;
	((struct sockaddr_in *)&other)->sin_port = htons(4501);
	cr_assert_not(ike_sockaddr_equal(&u, &other));
	cr_assert_not(ike_sockaddr_equal(&u, &s6));

	ike_sockaddr_set(&u, &s6);
	cr_assert_eq(ike_sockaddr_len(&u), sizeof(struct sockaddr_in6));
	cr_assert(ike_sockaddr_equal(&u, &s6));
	cr_assert(ike_addr_equal(ike_sockaddr_get(&u, &back), &s6));
	other = s6;
	((struct sockaddr_in6 *)&other)->sin6_scope_id = 3;
	((struct sockaddr_in6 *)&other)->sin6_flowinfo = 9;
	cr_assert(ike_sockaddr_equal(&u, &other));
	((struct sockaddr_in6 *)&other)->sin6_addr.s6_addr[15] = 8;
	cr_assert_not(ike_sockaddr_equal(&u, &other));
	cr_assert_not(ike_sockaddr_equal(&u, &s4));
}
