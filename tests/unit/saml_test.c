/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The SAML service provider (core/saml.h) against the responses of
 * tests/fuzz/corpus/fuzz_saml/, signed by the IdP of saml_fixture.h: what
 * counts, what is refused and why, the time boundaries with their clock
 * skew, our metadata and a signed AuthnRequest with a fresh key pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../fuzz/saml_fixture.h"
#include "core/file.h"
#include "core/saml.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct saml_sp fixture_sp = SAML_FIXTURE_SP;

/* The seed `name` as the HTTP-POST binding carries it (base64); caller frees. */
static char *
seed(const char *name)
{
	const char *share = getenv("RATHAUS_SHARE_DIR");
	char path[1024], *xml = NULL, *b64;
	size_t n = 0, m;
	struct err e = {0};

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/fuzz_saml/%s", share ? share : ".",
		 name);
	assert_int_equal(file_read(path, 1 << 20, &xml, &n, &e), 0);
	m = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(m);
	sodium_bin2base64(b64, m, (const unsigned char *)xml, n, sodium_base64_VARIANT_ORIGINAL);
	free(xml);
	return b64;
}

/* Check seed `name` at `now` with `sp`; the code, the assertion in *out (arena `a`). */
static int
check_at(const struct saml_sp *sp, const char *name, int64_t now, struct arena *a,
	 struct saml_assertion *out)
{
	const struct saml_expect x = SAML_FIXTURE_EXPECT(now);
	struct err e = {0};
	char *b64 = seed(name);
	int rc = saml_response_check(sp, IDP_METADATA, b64, &x, a, out, &e);

	free(b64);
	return rc;
}

static int
check_seed(const char *name, int64_t now)
{
	struct arena a;
	struct saml_assertion out;
	int rc;

	arena_init(&a);
	rc = check_at(&fixture_sp, name, now, &a, &out);
	arena_release(&a);
	return rc;
}

static void
test_signed_assertion_gives_subject_address_and_level(void **state)
{
	static const char *const good[] = {"valid", "encrypted", "response_signed"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct arena a;
		struct saml_assertion out;

		arena_init(&a);
		assert_int_equal(check_at(&fixture_sp, good[i], SAML_FIXTURE_NOW, &a, &out), 0);
		assert_string_equal(out.id, "_a1");
		assert_string_equal(out.issuer, "https://idp.example/metadata");
		assert_string_equal(out.subject, "sub-1");
		assert_string_equal(out.email, "erika@example.org");
		assert_string_equal(out.authn_context, "http://eidas.europa.eu/LoA/substantial");
		assert_int_equal(out.expires_at, SAML_FIXTURE_END);
		arena_release(&a);
	}
}

static void
test_broken_or_foreign_responses_are_refused(void **state)
{
	assert_int_equal(check_seed("tampered", SAML_FIXTURE_NOW), ERR_FORBIDDEN);
	assert_int_equal(check_seed("unsigned", SAML_FIXTURE_NOW), ERR_FORBIDDEN);
	assert_int_equal(check_seed("wrong_audience", SAML_FIXTURE_NOW), ERR_FORBIDDEN);
	assert_int_equal(check_seed("status_denied", SAML_FIXTURE_NOW), ERR_FORBIDDEN);
	assert_int_equal(check_seed("two_assertions", SAML_FIXTURE_NOW), ERR_FORBIDDEN);
	assert_int_equal(check_seed("other_request", SAML_FIXTURE_NOW), ERR_NOTFOUND);
}

static void
test_what_is_no_response_is_invalid(void **state)
{
	const struct saml_expect x = SAML_FIXTURE_EXPECT(SAML_FIXTURE_NOW);
	static const char *const junk[] = {"", "kein base64!", "PG5pY2h0Lz4=" /* <nicht/> */};
	struct saml_assertion out;
	struct arena a;
	struct err e = {0};

	arena_init(&a);
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_int_equal(
			saml_response_check(&fixture_sp, IDP_METADATA, junk[i], &x, &a, &out, &e),
			ERR_INVALID);
	arena_release(&a);
}

static void
test_times_hold_within_the_clock_skew(void **state)
{
	const int64_t not_before = SAML_FIXTURE_END - 11 * 60; /* 2025-12-31T23:59:00Z */

	assert_int_equal(check_seed("valid", SAML_FIXTURE_END + SAML_SKEW_S - 1), 0);
	assert_int_equal(check_seed("valid", SAML_FIXTURE_END + SAML_SKEW_S), ERR_FORBIDDEN);
	assert_int_equal(check_seed("valid", not_before - SAML_SKEW_S), 0);
	assert_int_equal(check_seed("valid", not_before - SAML_SKEW_S - 1), ERR_FORBIDDEN);
}

static void
test_another_acs_or_entity_refuses(void **state)
{
	struct saml_sp sp = fixture_sp;
	struct saml_assertion out;
	struct arena a;

	arena_init(&a);
	sp.acs_url = "https://portal.example/t/other/konto/saml/acs";
	assert_int_equal(check_at(&sp, "valid", SAML_FIXTURE_NOW, &a, &out), ERR_FORBIDDEN);
	sp = fixture_sp;
	sp.entity_id = "https://portal.example/t/other/konto/saml/metadata";
	assert_int_equal(check_at(&sp, "valid", SAML_FIXTURE_NOW, &a, &out), ERR_FORBIDDEN);
	arena_release(&a);
}

static void
test_unusable_idp_metadata_is_refused(void **state)
{
	const struct saml_expect x = SAML_FIXTURE_EXPECT(SAML_FIXTURE_NOW);
	struct saml_assertion out;
	struct arena a;
	struct err e = {0};
	char *b64 = seed("valid");

	arena_init(&a);
	assert_int_equal(saml_response_check(&fixture_sp, "<kaputt", b64, &x, &a, &out, &e),
			 ERR_FORBIDDEN);
	free(b64);
	arena_release(&a);
}

static void
test_time_parse(void **state)
{
	int64_t t = 0;

	assert_true(saml_time_parse("2026-01-01T00:10:00Z", &t));
	assert_int_equal(t, SAML_FIXTURE_END);
	assert_true(saml_time_parse("2026-01-01T00:10:00.123Z", &t));
	assert_int_equal(t, SAML_FIXTURE_END);
	assert_true(saml_time_parse("2026-01-01T00:10:00", &t));
	assert_false(saml_time_parse("2026-01-01T00:10:00+02:00", &t));
	assert_false(saml_time_parse("gestern", &t));
	assert_false(saml_time_parse("", &t));
	assert_false(saml_time_parse(NULL, &t));
}

static void
test_new_pair_signs_a_request_and_shows_in_metadata(void **state)
{
	struct saml_sp sp = fixture_sp;
	const char *url = NULL, *id = NULL;
	struct arena a;
	struct buf md;
	struct err e = {0};

	arena_init(&a);
	assert_int_equal(saml_keypair_new("Rathaus test", &a, &sp.key_pem, &sp.cert_pem, &e), 0);
	sp.entity_id = "https://portal.example/konto/saml/metadata?a=1&b=\"2\"";
	assert_int_equal(saml_request(&sp, IDP_METADATA, "weiter", &a, &url, &id, &e), 0);
	assert_true(strncmp(url, "https://idp.example/sso?SAMLRequest=", 36) == 0);
	assert_non_null(strstr(url, "&RelayState=weiter"));
	assert_non_null(strstr(url, "&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%"
				    "23rsa-sha256&Signature="));
	assert_true(id[0] != '\0');
	buf_init(&md, 64 * 1024);
	assert_int_equal(saml_sp_metadata(&sp, &md), 0);
	assert_non_null(strstr(md.p, "entityID=\"https://portal.example/konto/saml/"
				     "metadata?a=1&amp;b=&quot;2&quot;\""));
	assert_non_null(strstr(md.p, "Location=\"https://portal.example/konto/saml/acs\""));
	assert_null(strstr(md.p, "PRIVATE"));
	buf_release(&md);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_assertion_gives_subject_address_and_level),
		cmocka_unit_test(test_broken_or_foreign_responses_are_refused),
		cmocka_unit_test(test_what_is_no_response_is_invalid),
		cmocka_unit_test(test_times_hold_within_the_clock_skew),
		cmocka_unit_test(test_another_acs_or_entity_refuses),
		cmocka_unit_test(test_unusable_idp_metadata_is_refused),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_new_pair_signs_a_request_and_shows_in_metadata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
