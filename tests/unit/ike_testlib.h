/*
 * tests/unit/ike_testlib.h — helpers shared by the ike/ unit tests: sample
 * payloads of every type, a field-by-field payload comparison, hex input and
 * wrapping a payload body into a message.
 */
#ifndef UIPSEC_TESTS_IKE_TESTLIB_H
#define UIPSEC_TESTS_IKE_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "ike/message.h"

#define IKE_TEST_SPI_I	0x0123456789abcdefULL
#define IKE_TEST_SPI_R	0xfedcba9876543210ULL

/* Decodes hex (no separators needed) into out; the test fails on bad hex. */
size_t	ike_unhex(const char *hex, uint8_t *out, size_t cap);

/* The payloads of an IKE_SA_INIT request plus CERTREQ and Vendor ID, and of
 * the inner chain of an IKE_AUTH request plus CP, Delete and EAP: between
 * them every payload type but SK/SKF. Static storage; returns the count. */
size_t	ike_sample_outer(struct ike_payload *pl, size_t cap);
size_t	ike_sample_inner(struct ike_payload *pl, size_t cap);

/* Fails the test unless got carries the same fields as want. */
void	ike_assert_payload_eq(const struct ike_payload *want,
	    const struct ike_payload *got);

/* A message: IKE header (IKE_SA_INIT request, sample SPIs) and one payload
 * of `type` with generic-header flags `flags` around body. Returns the
 * length. */
size_t	ike_wrap_payload(uint8_t *out, size_t cap, uint8_t type, uint8_t flags,
	    const uint8_t *body, size_t len);

/* Builds a message from header h and payloads pl[0..n); fails the test on
 * a builder error. Returns the length. */
size_t	ike_build_sample(uint8_t *out, size_t cap, const struct ike_header *h,
	    const struct ike_payload *pl, size_t n);

#endif
