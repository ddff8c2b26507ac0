/* SPDX-License-Identifier: EUPL-1.2 */
/* Unit tests of the pure parts of src/http: strict decoding, form pairs, the router, statuses. */
#include "http/http.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* After the headers it needs. */
#include <cmocka.h>

struct fixture {
	struct http_req r; /* only the arena, method and params are used */
	struct http_router *rt;
	struct http_kvs kvs;
};

static void
handler(void)
{
}

static void
add_route(struct fixture *f, unsigned methods, const char *pattern)
{
	struct http_route route = {.methods = methods, .pattern = pattern, .fn = handler};

	http_router_add(f->rt, &route);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	memset(&f->r, 0, sizeof(f->r));
	arena_init(&f->r.arena);
	f->rt = http_router_new();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	http_router_free(f->rt);
	arena_release(&f->r.arena);
	free(f);
	return 0;
}

/* The decoded form of `in`, asserting success; lives in the request arena. */
static struct str
decoded(struct fixture *f, const char *in, bool plus)
{
	struct str out = STR_NULL;

	assert_int_equal(http_decode(&f->r.arena, str_c(in), plus, &out), 0);
	assert_non_null(out.p);
	assert_int_equal(out.p[out.len], '\0');
	return out;
}

/* Assert that each string up to NULL fails to decode as ERR_INVALID, with and without plus. */
static void
assert_undecodable(struct fixture *f, ...)
{
	struct str out;
	const char *s;
	va_list ap;

	va_start(ap, f);
	while ((s = va_arg(ap, const char *))) {
		if (http_decode(&f->r.arena, str_c(s), false, &out) != ERR_INVALID ||
		    http_decode(&f->r.arena, str_c(s), true, &out) != ERR_INVALID)
			fail_msg("\"%s\" decoded", s);
	}
	va_end(ap);
}

static void
test_decode_turns_escapes_of_either_case_into_bytes(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(decoded(f, "a%2Fb%2f%41%7e", false).p, "a/b/A~");
	assert_int_equal(decoded(f, "a%2Fb%2f%41%7e", false).len, 6);
	assert_string_equal(decoded(f, "plain-text_.~", false).p, "plain-text_.~");
	assert_int_equal(decoded(f, "", false).len, 0);
	assert_int_equal(decoded(f, NULL, true).len, 0);
}

static void
test_percent_escape_that_is_truncated_or_not_hex_is_invalid(void **state)
{
	struct fixture *f = *state;
	struct str out;

	/* Cut by the view's length, with hex digits after it in memory. */
	assert_int_equal(http_decode(&f->r.arena, (struct str){"%41", 2}, false, &out),
			 ERR_INVALID);
	assert_int_equal(http_decode(&f->r.arena, (struct str){"a%41", 3}, false, &out),
			 ERR_INVALID);
	assert_undecodable(f, "%", "%4", "a%4", "abc%", "%G1", "%1G", "%%", "%%41", "% 41", "%+1",
			   "%-1", "%0x", NULL);
}

static void
test_decoded_nul_and_control_characters_are_invalid(void **state)
{
	assert_undecodable(*state, "%00", "a%00b", "%01", "%1B", "%1f", "%7F", "a\x01", "\x7f",
			   NULL);
}

static void
test_decoded_tab_cr_and_lf_are_kept_for_multi_line_fields(void **state)
{
	assert_string_equal(decoded(*state, "a%0D%0Ab%09c", true).p, "a\r\nb\tc");
}

static void
test_plus_is_a_space_only_when_asked_for(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(decoded(f, "a+b++", true).p, "a b  ");
	assert_string_equal(decoded(f, "a+b++", false).p, "a+b++");
	assert_string_equal(decoded(f, "1%2B1", true).p, "1+1");
	assert_string_equal(decoded(f, "%20", false).p, " ");
}

static void
test_decoded_invalid_utf8_is_invalid(void **state)
{
	/* Truncated, bad continuation, surrogate, overlong, never-used byte, raw. */
	assert_undecodable(*state, "%C3", "%C3%28", "%E2%82", "%ED%A0%80", "%C0%80", "%C0%AF",
			   "%F4%90%80%80", "%FF", "\xc3", "caf%E9", NULL);
}

static void
test_decoded_multibyte_utf8_is_kept_whether_escaped_or_raw(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(decoded(f, "%E2%82%AC", false).p, "\xe2\x82\xac");
	assert_string_equal(decoded(f, "K%C3%B6ln", true).p, "K\xc3\xb6ln");
	assert_string_equal(decoded(f, "K\xc3\xb6ln", true).p, "K\xc3\xb6ln");
	assert_string_equal(decoded(f, "%F0%9F%8F%9B", false).p, "\xf0\x9f\x8f\x9b");
	assert_int_equal(decoded(f, "%F0%9F%8F%9B", false).len, 4);
}

static int
parse(struct fixture *f, const char *in)
{
	return http_parse_urlencoded(&f->r.arena, str_c(in), &f->kvs);
}

static void
assert_pair(const struct http_kvs *kvs, size_t i, const char *key, const char *val)
{
	assert_true(i < kvs->n);
	assert_int_equal(kvs->v[i].key.len, strlen(key));
	assert_memory_equal(kvs->v[i].key.p, key, strlen(key));
	assert_int_equal(kvs->v[i].val.len, strlen(val));
	assert_string_equal(kvs->v[i].val.p, val);
}

static void
test_urlencoded_pairs_are_decoded_in_order(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "name=Anna+M%C3%BCller&q=a%26b%3Dc&n=1"), 0);
	assert_int_equal(f->kvs.n, 3);
	assert_pair(&f->kvs, 0, "name", "Anna M\xc3\xbcller");
	assert_pair(&f->kvs, 1, "q", "a&b=c");
	assert_pair(&f->kvs, 2, "n", "1");
	assert_string_equal(http_kvs_get(&f->kvs, "q"), "a&b=c");
	assert_null(http_kvs_get(&f->kvs, "Q"));
}

static void
test_urlencoded_empty_pairs_are_skipped(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, ""), 0);
	assert_int_equal(f->kvs.n, 0);
	assert_int_equal(parse(f, "&&a=1&&&b=2&"), 0);
	assert_int_equal(f->kvs.n, 2);
	assert_pair(&f->kvs, 0, "a", "1");
	assert_pair(&f->kvs, 1, "b", "2");
}

static void
test_urlencoded_key_without_equals_has_an_empty_value(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "flag&x=&=v&y=a=b"), 0);
	assert_int_equal(f->kvs.n, 4);
	assert_pair(&f->kvs, 0, "flag", "");
	assert_pair(&f->kvs, 1, "x", "");
	assert_pair(&f->kvs, 2, "", "v");
	assert_pair(&f->kvs, 3, "y", "a=b"); /* only the first '=' splits */
	assert_string_equal(http_kvs_get(&f->kvs, "flag"), "");
}

static void
test_urlencoded_duplicate_keys_are_all_kept_in_order(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "k=1&other=x&k=2&k=3"), 0);
	assert_int_equal(f->kvs.n, 4);
	assert_pair(&f->kvs, 0, "k", "1");
	assert_pair(&f->kvs, 2, "k", "2");
	assert_pair(&f->kvs, 3, "k", "3");
	assert_string_equal(http_kvs_get(&f->kvs, "k"), "1"); /* the first one */
}

static void
test_urlencoded_bad_escape_anywhere_is_invalid(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "a=1&b=%zz"), ERR_INVALID);
	assert_int_equal(parse(f, "%zz=1"), ERR_INVALID);
	assert_int_equal(parse(f, "a=1&b=%00"), ERR_INVALID);
	assert_int_equal(parse(f, "a%C3=1"), ERR_INVALID);
}

/* "f0=0&f1=1&..." with n fields, in the arena. */
static struct str
many_fields(struct fixture *f, int n)
{
	struct buf b;
	struct str s;

	buf_init(&b, BUF_MAX_DEFAULT);
	for (int i = 0; i < n; i++)
		assert_int_equal(buf_addf(&b, "%sf%d=%d", i ? "&" : "", i, i), 0);
	s = (struct str){arena_strdup(&f->r.arena, b.p), b.len};
	buf_release(&b);
	return s;
}

static void
test_urlencoded_takes_at_most_http_fields_max_fields(void **state)
{
	struct fixture *f = *state;
	struct http_kvs more = {0};

	assert_int_equal(
		http_parse_urlencoded(&f->r.arena, many_fields(f, HTTP_FIELDS_MAX), &f->kvs), 0);
	assert_int_equal(f->kvs.n, HTTP_FIELDS_MAX);
	assert_pair(&f->kvs, HTTP_FIELDS_MAX - 1, "f255", "255");
	assert_int_equal(
		http_parse_urlencoded(&f->r.arena, many_fields(f, HTTP_FIELDS_MAX + 1), &more),
		ERR_TOOBIG);
}

/* The pattern of the route matching `method path`, or NULL; *allowed as the router set it. */
static const char *
match_route(struct fixture *f, enum http_method method, const char *path, unsigned *allowed)
{
	const struct http_route *rt;

	f->r.method = method;
	f->r.params = (struct http_kvs){0};
	*allowed = 0xdead;
	rt = http_router_match(f->rt, &f->r, str_c(path), allowed);
	if (rt)
		assert_ptr_equal(rt->fn, handler);
	return rt ? rt->pattern : NULL;
}

static void
test_router_matches_literal_paths_exactly(void **state)
{
	struct fixture *f = *state;
	unsigned allowed;

	add_route(f, HTTP_GET, "/");
	add_route(f, HTTP_GET, "/leistungen");
	assert_string_equal(match_route(f, HTTP_GET, "/", &allowed), "/");
	assert_int_equal(allowed, 0);
	assert_string_equal(match_route(f, HTTP_GET, "/leistungen", &allowed), "/leistungen");
	assert_int_equal(f->r.params.n, 0);
	assert_null(match_route(f, HTTP_GET, "/leistungen/x", &allowed));
	assert_null(match_route(f, HTTP_GET, "/leistung", &allowed));
	assert_null(match_route(f, HTTP_GET, "/Leistungen", &allowed));
	assert_null(match_route(f, HTTP_GET, "//", &allowed));
	assert_null(match_route(f, HTTP_GET, "", &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_router_param_takes_one_nonempty_segment(void **state)
{
	struct fixture *f = *state;
	unsigned allowed;

	add_route(f, HTTP_GET, "/t/:slug/leistungen/:key");
	assert_string_equal(match_route(f, HTTP_GET, "/t/adendorf/leistungen/99123", &allowed),
			    "/t/:slug/leistungen/:key");
	assert_int_equal(f->r.params.n, 2);
	assert_string_equal(http_param(&f->r, "slug"), "adendorf");
	assert_string_equal(http_param(&f->r, "key"), "99123");
	assert_null(http_param(&f->r, "other"));
	assert_null(match_route(f, HTTP_GET, "/t//leistungen/99123", &allowed));
	assert_null(match_route(f, HTTP_GET, "/t/adendorf/leistungen/", &allowed));
	assert_null(match_route(f, HTTP_GET, "/t/adendorf/leistungen", &allowed));
	assert_null(match_route(f, HTTP_GET, "/t/a/leistungen/1/2", &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_router_rest_takes_the_rest_of_the_path_even_when_empty(void **state)
{
	struct fixture *f = *state;
	unsigned allowed;

	add_route(f, HTTP_GET, "/static/*path");
	assert_string_equal(match_route(f, HTTP_GET, "/static/css/site.css", &allowed),
			    "/static/*path");
	assert_string_equal(http_param(&f->r, "path"), "css/site.css");
	assert_string_equal(match_route(f, HTTP_GET, "/static/a//b/", &allowed), "/static/*path");
	assert_string_equal(http_param(&f->r, "path"), "a//b/");
	assert_string_equal(match_route(f, HTTP_GET, "/static/", &allowed), "/static/*path");
	assert_string_equal(http_param(&f->r, "path"), "");
	assert_null(match_route(f, HTTP_GET, "/statics/x", &allowed));
	assert_string_equal(match_route(f, HTTP_GET, "/static", &allowed), "/static/*path");
	assert_string_equal(http_param(&f->r, "path"), "");
	/* A path of more segments than a pattern may have still reaches the rest. */
	assert_string_equal(match_route(f, HTTP_GET,
					"/static/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18",
					&allowed),
			    "/static/*path");
	assert_string_equal(http_param(&f->r, "path"),
			    "1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18");
	add_route(f, HTTP_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p");
	assert_string_equal(match_route(f, HTTP_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p", &allowed),
			    "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p");
	assert_null(match_route(f, HTTP_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", &allowed));
	assert_null(match_route(f, HTTP_GET, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o", &allowed));
}

static void
test_router_trailing_slash_is_a_different_path(void **state)
{
	struct fixture *f = *state;
	unsigned allowed;

	add_route(f, HTTP_GET, "/about");
	add_route(f, HTTP_GET, "/faq/");
	assert_null(match_route(f, HTTP_GET, "/about/", &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match_route(f, HTTP_GET, "/faq", &allowed));
	assert_string_equal(match_route(f, HTTP_GET, "/faq/", &allowed), "/faq/");
}

static void
test_router_method_mismatch_tells_the_allowed_methods(void **state)
{
	struct fixture *f = *state;
	unsigned allowed;

	add_route(f, HTTP_GET, "/form/:id");
	add_route(f, HTTP_POST | HTTP_PUT, "/form/:key");
	add_route(f, HTTP_DELETE, "/other");
	assert_null(match_route(f, HTTP_PATCH, "/form/7", &allowed));
	assert_int_equal(allowed, HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT);
	assert_int_equal(f->r.params.n, 0); /* nothing left from the failed matches */
	assert_null(match_route(f, HTTP_GET, "/other", &allowed));
	assert_int_equal(allowed, HTTP_DELETE);
	assert_string_equal(match_route(f, HTTP_PUT, "/form/7", &allowed), "/form/:key");
	assert_int_equal(f->r.params.n, 1);
	assert_string_equal(http_param(&f->r, "key"), "7");
}

static void
test_router_answers_head_wherever_get_is_routed(void **state)
{
	struct fixture *f = *state;
	unsigned allowed;

	add_route(f, HTTP_GET, "/leistungen");
	add_route(f, HTTP_POST, "/login");
	assert_string_equal(match_route(f, HTTP_HEAD, "/leistungen", &allowed), "/leistungen");
	assert_null(match_route(f, HTTP_HEAD, "/login", &allowed));
	assert_int_equal(allowed, HTTP_POST);
}

static void
test_router_first_registered_route_wins(void **state)
{
	struct fixture *f = *state;
	unsigned allowed;

	add_route(f, HTTP_GET, "/a/:x/edit");
	add_route(f, HTTP_GET, "/a/:x");
	add_route(f, HTTP_GET, "/a/new");
	assert_string_equal(match_route(f, HTTP_GET, "/a/new", &allowed), "/a/:x");
	assert_int_equal(f->r.params.n, 1);
	assert_string_equal(http_param(&f->r, "x"), "new");
	assert_string_equal(match_route(f, HTTP_GET, "/a/3/edit", &allowed), "/a/:x/edit");
	assert_string_equal(http_param(&f->r, "x"), "3");
}

static void
test_router_copies_the_patterns_it_is_given(void **state)
{
	struct fixture *f = *state;
	char pattern[] = "/copy/:id";
	unsigned allowed;

	add_route(f, HTTP_GET, pattern);
	pattern[1] = 'X';
	assert_string_equal(match_route(f, HTTP_GET, "/copy/1", &allowed), "/copy/:id");
}

static void
test_every_error_code_maps_to_its_status(void **state)
{
	static const int want[][2] = {
		{0, 200},
		{ERR_INVALID, 400},
		{ERR_UNPROCESSABLE, 422},
		{ERR_UNAUTHORIZED, 401},
		{ERR_FORBIDDEN, 403},
		{ERR_NOTFOUND, 404},
		{ERR_METHOD, 405},
		{ERR_CONFLICT, 409},
		{ERR_TOOBIG, 413},
		{ERR_RATELIMIT, 429},
		{ERR_DB, 503},
		{ERR_IO, 500},
		{ERR_INTERNAL, 500},
		{-1, 500},
		{9999, 500},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(http_status_of(want[i][0]), want[i][1]);
}

static void
test_status_text_is_the_reason_phrase_or_unknown(void **state)
{
	assert_string_equal(http_status_text(200), "OK");
	assert_string_equal(http_status_text(303), "See Other");
	assert_string_equal(http_status_text(404), "Not Found");
	assert_string_equal(http_status_text(413), "Content Too Large");
	assert_string_equal(http_status_text(422), "Unprocessable Content");
	assert_string_equal(http_status_text(429), "Too Many Requests");
	assert_string_equal(http_status_text(503), "Service Unavailable");
	assert_string_equal(http_status_text(418), "Unknown");
	assert_string_equal(http_status_text(0), "Unknown");
	/* Every status http_status_of() gives has a phrase of its own. */
	for (int code = 0; code <= ERR_INTERNAL; code++)
		assert_string_not_equal(http_status_text(http_status_of(code)), "Unknown");
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_decode_turns_escapes_of_either_case_into_bytes),
		TEST(test_percent_escape_that_is_truncated_or_not_hex_is_invalid),
		TEST(test_decoded_nul_and_control_characters_are_invalid),
		TEST(test_decoded_tab_cr_and_lf_are_kept_for_multi_line_fields),
		TEST(test_plus_is_a_space_only_when_asked_for),
		TEST(test_decoded_invalid_utf8_is_invalid),
		TEST(test_decoded_multibyte_utf8_is_kept_whether_escaped_or_raw),
		TEST(test_urlencoded_pairs_are_decoded_in_order),
		TEST(test_urlencoded_empty_pairs_are_skipped),
		TEST(test_urlencoded_key_without_equals_has_an_empty_value),
		TEST(test_urlencoded_duplicate_keys_are_all_kept_in_order),
		TEST(test_urlencoded_bad_escape_anywhere_is_invalid),
		TEST(test_urlencoded_takes_at_most_http_fields_max_fields),
		TEST(test_router_matches_literal_paths_exactly),
		TEST(test_router_param_takes_one_nonempty_segment),
		TEST(test_router_rest_takes_the_rest_of_the_path_even_when_empty),
		TEST(test_router_trailing_slash_is_a_different_path),
		TEST(test_router_method_mismatch_tells_the_allowed_methods),
		TEST(test_router_answers_head_wherever_get_is_routed),
		TEST(test_router_first_registered_route_wins),
		TEST(test_router_copies_the_patterns_it_is_given),
		TEST(test_every_error_code_maps_to_its_status),
		TEST(test_status_text_is_the_reason_phrase_or_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
