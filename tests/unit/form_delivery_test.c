/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the pure parts of form deliveries (src/features/forms/form_delivery*.c):
 * which endpoint URLs and secrets are taken, the signature a receiver recomputes, and
 * the retry schedule.
 */
#include "features/forms/form_delivery.h"

#include "core/arena.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* After the headers it needs. */
#include <cmocka.h>

static void
test_endpoints_are_https_and_http_only_to_loopback_when_allowed(void **state)
{
	(void)state;
	assert_true(form_delivery_url_ok("https://fach.example/eingang?x=1", false));
	assert_true(form_delivery_url_ok("https://10.0.0.7:8443/in", false));
	assert_false(form_delivery_url_ok("http://fach.example/eingang", false));
	assert_false(form_delivery_url_ok("http://fach.example/eingang", true));
	assert_false(form_delivery_url_ok("http://127.0.0.1:9000/in", false));
	assert_true(form_delivery_url_ok("http://127.0.0.1:9000/in", true));
	assert_true(form_delivery_url_ok("http://localhost/in", true));
	assert_true(form_delivery_url_ok("http://[::1]:80/in", true));
	assert_false(form_delivery_url_ok("http://127.0.0.1.example/in", true));
	assert_false(form_delivery_url_ok("https://user:pw@fach.example/", false));
	assert_false(form_delivery_url_ok("https://user@fach.example/", false));
	assert_false(form_delivery_url_ok("https://fach.example/#top", false));
	assert_false(form_delivery_url_ok("ftp://fach.example/", true));
	assert_false(form_delivery_url_ok("file:///etc/passwd", true));
	assert_false(form_delivery_url_ok("fach.example/in", false));
	assert_false(form_delivery_url_ok("https://fach example/", false));
	assert_false(form_delivery_url_ok("https://fach.example/\r\nX: 1", false));
	assert_false(form_delivery_url_ok("https://", false));
	assert_false(form_delivery_url_ok("", false));
}

static void
test_overlong_endpoint_is_refused(void **state)
{
	char url[FORM_DELIVERY_URL_MAX + 2];
	size_t n = (size_t)snprintf(url, sizeof(url), "https://fach.example/");

	(void)state;
	memset(url + n, 'a', sizeof(url) - 1 - n);
	url[FORM_DELIVERY_URL_MAX] = '\0';
	assert_true(form_delivery_url_ok(url, false));
	url[FORM_DELIVERY_URL_MAX] = 'a';
	url[FORM_DELIVERY_URL_MAX + 1] = '\0';
	assert_false(form_delivery_url_ok(url, false));
}

static void
test_secrets_are_16_to_200_printable_characters(void **state)
{
	char s[FORM_DELIVERY_SECRET_MAX + 2];

	(void)state;
	assert_true(form_delivery_secret_ok("0123456789abcdef"));
	assert_false(form_delivery_secret_ok("0123456789abcde"));
	assert_false(form_delivery_secret_ok("0123456789 abcdef"));
	assert_false(form_delivery_secret_ok("0123456789abcdef\n"));
	assert_false(form_delivery_secret_ok("0123456789abcdefä"));
	memset(s, 'x', FORM_DELIVERY_SECRET_MAX);
	s[FORM_DELIVERY_SECRET_MAX] = '\0';
	assert_true(form_delivery_secret_ok(s));
	s[FORM_DELIVERY_SECRET_MAX] = 'x';
	s[FORM_DELIVERY_SECRET_MAX + 1] = '\0';
	assert_false(form_delivery_secret_ok(s));
}

static void
test_signature_is_the_hmac_of_time_dot_body(void **state)
{
	/* Python: hmac.new(secret, b"1796400000." + body, hashlib.sha256).hexdigest() */
	static const char body[] = "{\"case\":\"LUE-2026-000001\"}";
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(
		form_delivery_sign("whsec-0123456789abcdef", 1796400000, body, strlen(body), &a),
		"t=1796400000,v1=20d6f3430e2b4780e4c14651b8b19b7de9559c6e9e113b64cfc194d1463ae822");
	arena_release(&a);
}

static void
test_retries_wait_1_5_30_120_720_times_the_base(void **state)
{
	(void)state;
	assert_int_equal(form_delivery_backoff(1, 60), 60);
	assert_int_equal(form_delivery_backoff(2, 60), 300);
	assert_int_equal(form_delivery_backoff(3, 60), 1800);
	assert_int_equal(form_delivery_backoff(4, 60), 7200);
	assert_int_equal(form_delivery_backoff(5, 60), 43200);
	assert_int_equal(form_delivery_backoff(9, 60), 43200);
	assert_int_equal(form_delivery_backoff(0, 60), 60);
	assert_int_equal(form_delivery_backoff(3, 0), 0);
	assert_int_equal(FORM_DELIVERY_ATTEMPTS, 6);
	for (unsigned st = DELIVERY_PENDING; st <= DELIVERY_FAILED; st <<= 1)
		assert_int_equal(form_delivery_state_parse(form_delivery_state_name(st)), st);
	assert_int_equal(form_delivery_state_parse("Delivered"), 0);
	assert_null(form_delivery_state_name(DELIVERY_PENDING | DELIVERY_FAILED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoints_are_https_and_http_only_to_loopback_when_allowed),
		cmocka_unit_test(test_overlong_endpoint_is_refused),
		cmocka_unit_test(test_secrets_are_16_to_200_printable_characters),
		cmocka_unit_test(test_signature_is_the_hmac_of_time_dot_body),
		cmocka_unit_test(test_retries_wait_1_5_30_120_720_times_the_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
