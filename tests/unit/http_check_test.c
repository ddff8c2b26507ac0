/* SPDX-License-Identifier: EUPL-1.2 */
/* Unit tests of the strict request-head checks (RFC 9112): Host, framing, target, fields. */
#include "http/http.h"

#include "core/str.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* After the headers it needs. */
#include <cmocka.h>

#define FIELD(k, v)                                                                                \
	{                                                                                          \
		{k, sizeof(k) - 1},                                                                \
		{                                                                                  \
			v, sizeof(v) - 1                                                           \
		}                                                                                  \
	}

/* The status of a head with `fields`; *close as the check said. */
static int
check_head(const char *target, const char *version, const struct http_kv *fields, size_t n,
	   bool *close)
{
	struct http_head h = {.target = str_c(target),
			      .version = str_c(version),
			      .fields = fields,
			      .n_fields = n};

	return http_head_check(&h, close);
}

static void
test_exactly_one_host_in_http11(void **state)
{
	const struct http_kv one[] = {FIELD("Host", "x")};
	const struct http_kv two[] = {FIELD("Host", "a"), FIELD("host", "b")};
	bool close;

	(void)state;
	assert_int_equal(check_head("/", "HTTP/1.1", one, 1, &close), 0);
	assert_false(close);
	assert_int_equal(check_head("/", "HTTP/1.1", NULL, 0, &close), 400);
	assert_int_equal(check_head("/", "HTTP/1.1", two, 2, &close), 400);
	assert_int_equal(check_head("/", "HTTP/1.0", NULL, 0, &close), 0);
}

static void
test_content_length_with_chunked_is_400_and_closes(void **state)
{
	const struct http_kv f[] = {FIELD("Host", "x"), FIELD("Content-Length", "40"),
				    FIELD("Transfer-Encoding", "chunked")};
	bool close = false;

	(void)state;
	assert_int_equal(check_head("/", "HTTP/1.1", f, 3, &close), 400);
	assert_true(close);
}

static void
test_only_a_final_chunked_coding_is_understood(void **state)
{
	struct http_kv f[] = {FIELD("Host", "x"), FIELD("Transfer-Encoding", "chunked")};
	bool close;

	(void)state;
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 0);
	f[1].val = STR("gzip, chunked");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 501);
	assert_true(close);
	f[1].val = STR("chunked, gzip");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
	f[1].val = STR("identity");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
	f[1].val = STR("chunked, chunked");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
	f[1].val = STR("chunked");
	assert_int_equal(check_head("/", "HTTP/1.0", f, 2, &close), 400);
}

static void
test_content_length_must_be_one_number(void **state)
{
	struct http_kv f[] = {FIELD("Host", "x"), FIELD("Content-Length", "12"),
			      FIELD("Content-Length", "12")};
	bool close;

	(void)state;
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 0);
	assert_int_equal(check_head("/", "HTTP/1.1", f, 3, &close), 400);
	f[1].val = STR("abc");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
	f[1].val = STR("-1");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
}

static void
test_target_is_visible_ascii(void **state)
{
	const struct http_kv f[] = {FIELD("Host", "x")};
	struct http_head h = {.version = STR("HTTP/1.1"), .fields = f, .n_fields = 1};
	bool close;

	(void)state;
	h.target = STR("/t/luenen/\0x");
	assert_int_equal(http_head_check(&h, &close), 400);
	h.target = STR("/a b");
	assert_int_equal(http_head_check(&h, &close), 400);
	h.target = STR("/\xc3\xa4");
	assert_int_equal(http_head_check(&h, &close), 400);
	h.target = STR("*");
	assert_int_equal(http_head_check(&h, &close), 0);
	h.target = STR("http://x/");
	assert_int_equal(http_head_check(&h, &close), 400);
}

static void
test_field_names_are_tokens_and_values_have_no_controls(void **state)
{
	struct http_kv f[] = {FIELD("Host", "x"), FIELD("Accept", "a\tb")};
	bool close;

	(void)state;
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 0);
	f[1].key = STR("Host ");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
	f[1].key = STR("Accept");
	f[1].val = STR("a\x01");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
	f[0].val = STR("luenen.example\0.evil");
	f[1].val = STR("b");
	assert_int_equal(check_head("/", "HTTP/1.1", f, 2, &close), 400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exactly_one_host_in_http11),
		cmocka_unit_test(test_content_length_with_chunked_is_400_and_closes),
		cmocka_unit_test(test_only_a_final_chunked_coding_is_understood),
		cmocka_unit_test(test_content_length_must_be_one_number),
		cmocka_unit_test(test_target_is_visible_ascii),
		cmocka_unit_test(test_field_names_are_tokens_and_values_have_no_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
