/* SPDX-License-Identifier: EUPL-1.2 */
/* Two-factor codes: the test vectors of RFC 6238 appendix B and RFC 4226 appendix D, base32, QR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "features/account/account.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char key20[] = "12345678901234567890";
static const unsigned char key32[] = "12345678901234567890123456789012";
static const unsigned char key64[] =
	"1234567890123456789012345678901234567890123456789012345678901234";

/* RFC 6238 appendix B: time, SHA-1, SHA-256, SHA-512 (eight digits). */
static const struct {
	int64_t t;
	uint32_t sha1, sha256, sha512;
} vectors[] = {
	{59, 94287082, 46119246, 90693936},	    {1111111109, 7081804, 68084774, 25091201},
	{1111111111, 14050471, 67062674, 99943326}, {1234567890, 89005924, 91819424, 93441116},
	{2000000000, 69279037, 90698825, 38618901}, {20000000000, 65353130, 77737706, 47863826},
};

static void
test_rfc6238_vectors_sha1(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		assert_int_equal(acct_totp(ACCT_OTP_SHA1, key20, 20, vectors[i].t, 8),
				 vectors[i].sha1);
}

static void
test_rfc6238_vectors_sha256_and_sha512(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		assert_int_equal(acct_totp(ACCT_OTP_SHA256, key32, 32, vectors[i].t, 8),
				 vectors[i].sha256);
		assert_int_equal(acct_totp(ACCT_OTP_SHA512, key64, 64, vectors[i].t, 8),
				 vectors[i].sha512);
	}
}

static void
test_rfc4226_hotp_vectors(void **state)
{
	static const uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
					254676, 287922, 162583, 399871, 520489};

	(void)state;
	for (uint64_t c = 0; c < 10; c++)
		assert_int_equal(acct_hotp(ACCT_OTP_SHA1, key20, 20, c, 6), want[c]);
}

static void
test_base32_round_trip_and_rfc4648_vectors(void **state)
{
	char out[64];
	unsigned char back[40];

	(void)state;
	assert_int_equal(acct_base32_encode((const unsigned char *)"foobar", 6, out, sizeof(out)),
			 10);
	assert_string_equal(out, "MZXW6YTBOI");
	assert_int_equal(acct_base32_encode(key20, 20, out, sizeof(out)), ACCT_TOTP_SECRET_LEN);
	assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(
		acct_base32_decode("gezd gnbv-gy3tqojq GEZDGNBVGY3TQOJQ", back, sizeof(back)), 20);
	assert_memory_equal(back, key20, 20);
	assert_int_equal(acct_base32_decode("MZXW6YTBOI======", back, sizeof(back)), 6);
	assert_memory_equal(back, "foobar", 6);
	assert_int_equal(acct_base32_decode("MZXW1", back, sizeof(back)), -1); /* 1 is no digit */
	assert_int_equal(acct_base32_decode("GEZDGNBVGY3TQOJQ", back, 4), -1);
}

static void
test_match_takes_one_step_either_side_and_each_step_once(void **state)
{
	const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	int64_t now = 1111111111, step = 0;
	char code[8];

	(void)state;
	for (int d = -2; d <= 2; d++) {
		snprintf(code, sizeof(code), "%06u",
			 (unsigned)acct_totp(ACCT_OTP_SHA1, key20, 20, now + d * 30, 6));
		assert_int_equal(acct_totp_match(secret, code, now, 0, &step), d >= -1 && d <= 1);
		if (d >= -1 && d <= 1)
			assert_int_equal(step, now / 30 + d);
	}
	snprintf(code, sizeof(code), "%06u", (unsigned)acct_totp(ACCT_OTP_SHA1, key20, 20, now, 6));
	/* Replay: the step used last is no longer taken, nor any earlier. */
	assert_false(acct_totp_match(secret, code, now, now / 30, &step));
	assert_true(acct_totp_match(secret, code, now, now / 30 - 1, &step));
	assert_false(acct_totp_match(secret, "12345", now, 0, &step));
	assert_false(acct_totp_match(secret, "12345a", now, 0, &step));
	assert_false(acct_totp_match(secret, "1234567", now, 0, &step));
	assert_false(acct_totp_match("!!", code, now, 0, &step));
	assert_false(acct_totp_match(secret, NULL, now, 0, &step));
}

static void
test_qr_path_has_finder_patterns(void **state)
{
	int size = 0;
	char *d = acct_qr_svg_path("otpauth://totp/Rathaus:a%40example.org?secret="
				   "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Rathaus",
				   &size);

	(void)state;
	assert_non_null(d);
	assert_true(size >= 21 + 8 && (size - 8 - 21) % 4 == 0); /* versions grow by 4 */
	/* The top left finder: a run of seven dark modules at the quiet zone. */
	assert_non_null(strstr(d, "M4 4h7v1h-7z"));
	assert_null(strpbrk(d, "<>\"&'"));
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors_sha1),
		cmocka_unit_test(test_rfc6238_vectors_sha256_and_sha512),
		cmocka_unit_test(test_rfc4226_hotp_vectors),
		cmocka_unit_test(test_base32_round_trip_and_rfc4648_vectors),
		cmocka_unit_test(test_match_takes_one_step_either_side_and_each_step_once),
		cmocka_unit_test(test_qr_path_has_finder_patterns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
