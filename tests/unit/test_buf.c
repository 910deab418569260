/* Unit tests for the bounded reader/writer every parser stands on. */
#include <criterion/criterion.h>

#include "common/buf.h"
#include "common/hex.h"

Test(buf, reads_network_order_integers)
{
	const uint8_t in[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
	struct buf_reader r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	buf_reader_init(&r, in, sizeof(in));
	cr_assert(buf_get_u8(&r, &u8) && u8 == 0x01);
	cr_assert(buf_get_u16(&r, &u16) && u16 == 0x0203);
	cr_assert(buf_get_u32(&r, &u32) && u32 == 0x04050607);
	cr_assert(buf_get_u64(&r, &u64) && u64 == 0x08090a0b0c0d0e0fULL);
	cr_assert_eq(buf_remaining(&r), 0);
	cr_assert_not(buf_get_u8(&r, &u8));
}

Test(buf, short_read_fails_without_moving)
{
	const uint8_t in[] = { 0xaa, 0xbb, 0xcc };
	struct buf_reader r;
	uint32_t u32;
	uint16_t u16;

	buf_reader_init(&r, in, sizeof(in));
	cr_assert_not(buf_get_u32(&r, &u32));
	cr_assert_eq(buf_remaining(&r), 3);
	cr_assert(buf_get_u16(&r, &u16) && u16 == 0xaabb);
	cr_assert_not(buf_get_u32(&r, &u32));
	cr_assert_eq(buf_remaining(&r), 1);
}

Test(buf, tail_reads_shrink_the_view)
{
	const uint8_t in[] = { 1, 2, 3, 4, 5, 6 };
	struct buf_reader r;
	const uint8_t *icv;
	uint8_t nh, b;

	buf_reader_init(&r, in, sizeof(in));
	cr_assert(buf_get_bytes_end(&r, 2, &icv));
	cr_assert(icv[0] == 5 && icv[1] == 6);
	cr_assert(buf_get_u8_end(&r, &nh) && nh == 4);
	cr_assert_eq(buf_remaining(&r), 3);
	cr_assert(buf_get_u8(&r, &b) && b == 1);
	cr_assert_not(buf_get_bytes_end(&r, 3, &icv));
	cr_assert(buf_get_bytes_end(&r, 2, &icv) && icv[0] == 2);
	cr_assert_eq(buf_remaining(&r), 0);
}

Test(buf, sub_reader_is_bounded_and_advances_parent)
{
	const uint8_t in[] = { 0, 4, 9, 9, 7 };
	struct buf_reader r, sub;
	uint16_t len;
	uint32_t u32;

	buf_reader_init(&r, in, sizeof(in));
	cr_assert(buf_get_u16(&r, &len));
	cr_assert(buf_sub(&r, 2, &sub));
	cr_assert_not(buf_get_u32(&sub, &u32));
	cr_assert_eq(buf_remaining(&sub), 2);
	cr_assert_eq(buf_remaining(&r), 1);
	cr_assert_not(buf_sub(&r, len, &sub));
}

Test(buf, writer_overflow_is_sticky)
{
	uint8_t out[6];
	struct buf_writer w;
	uint8_t *len_at;

	buf_writer_init(&w, out, sizeof(out));
	len_at = buf_reserve(&w, 2);
	cr_assert_not_null(len_at);
	cr_assert(buf_put_u32(&w, 0xdeadbeef));
	buf_store_u16(len_at, (uint16_t)w.len);
	cr_assert(buf_writer_ok(&w));
	cr_assert_eq(out[1], 6);
	cr_assert_eq(out[2], 0xde);
	cr_assert_not(buf_put_u8(&w, 1));
	cr_assert_not(buf_writer_ok(&w));
	cr_assert_eq(w.len, 6);
}

Test(hex, round_trip_and_rejects)
{
	uint8_t out[4];
	char text[9];

	cr_assert_eq(hex_decode("0xdeadBEEF", out, sizeof(out)), 4);
	hex_encode(out, 4, text, sizeof(text));
	cr_assert_str_eq(text, "deadbeef");
	cr_assert_eq(hex_decode("de:ad", out, sizeof(out)), 2);
	cr_assert_eq(hex_decode("abc", out, sizeof(out)), -1);
	cr_assert_eq(hex_decode("zz", out, sizeof(out)), -1);
	cr_assert_eq(hex_decode("0011223344", out, sizeof(out)), -1);
}
