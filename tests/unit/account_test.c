/* SPDX-License-Identifier: EUPL-1.2 */
/* Citizen accounts: password rules (NIST SP 800-63B), addresses, tokens, throttling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "db/db.h"
#include "features/account/acct_int.h"
#include "scratch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct acct_pwlist *list;

static int
load_list(void **state)
{
	const char *share = getenv("RATHAUS_SHARE_DIR");
	char path[1024];
	struct err e = {0};

	(void)state;
	snprintf(path, sizeof(path), "%s/data/passwords/common-10k.txt", share ? share : ".");
	return acct_pwlist_load(path, &list, &e) == 0 && auth_init() == 0 ? 0 : -1;
}

static int
free_list(void **state)
{
	(void)state;
	acct_pwlist_free(list);
	return 0;
}

static void
test_the_bundled_list_has_ten_thousand_passwords(void **state)
{
	(void)state;
	assert_int_equal(acct_pwlist_count(list), 10000);
}

static void
test_length_is_counted_in_characters_from_8_to_128(void **state)
{
	char pw[600];

	(void)state;
	assert_string_equal(acct_password_check(list, "", NULL), "account.pw_missing");
	assert_string_equal(acct_password_check(list, "Kurz7!x", NULL), "account.pw_short");
	assert_null(acct_password_check(list, "Maus Haus", NULL));
	/* Seven umlauts are 14 bytes but 7 characters: too short. */
	assert_string_equal(acct_password_check(list, "äöüäöüß", NULL), "account.pw_short");
	assert_null(acct_password_check(list, "äöüäöüßx", NULL));
	memset(pw, 'q', 128);
	memcpy(pw, "Zwei Wörter", 12);
	pw[128] = 'z'; /* 129 bytes, 128 characters */
	pw[129] = '\0';
	assert_null(acct_password_check(list, pw, NULL));
	pw[129] = 'z';
	pw[130] = '\0';
	assert_string_equal(acct_password_check(list, pw, NULL), "account.pw_long");
	memset(pw, 'a', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	assert_string_equal(acct_password_check(list, pw, NULL), "account.pw_long");
}

static void
test_no_composition_rules_but_no_common_passwords(void **state)
{
	(void)state;
	/* Lower case only, spaces, no digits: fine. */
	assert_null(acct_password_check(list, "pferd batterie heftklammer", NULL));
	assert_null(acct_password_check(list, "korrektes pferd", NULL));
	/* On the list, in any case. */
	assert_string_equal(acct_password_check(list, "password1", NULL), "account.pw_common");
	assert_string_equal(acct_password_check(list, "PassWord1", NULL), "account.pw_common");
	assert_string_equal(acct_password_check(list, "qwertyuiop", NULL), "account.pw_common");
	assert_string_equal(acct_password_check(list, "iloveyou", NULL), "account.pw_common");
	/* One character repeated, or the address itself. */
	assert_string_equal(acct_password_check(list, "xxxxxxxxxxxx", NULL), "account.pw_common");
	assert_string_equal(acct_password_check(list, "ßßßßßßßß", NULL), "account.pw_common");
	assert_string_equal(
		acct_password_check(list, "Erika.Muster@example.org", "erika.muster@example.org"),
		"account.pw_common");
	assert_string_equal(acct_password_check(list, "erika.muster", "Erika.Muster@example.org"),
			    "account.pw_common");
	assert_null(acct_password_check(list, "erika.muster", "anna@example.org"));
	/* Control characters are no text. */
	assert_string_equal(acct_password_check(list, "abc\001defghij", NULL), "account.pw_text");
	assert_string_equal(acct_password_check(list,
						"abc\xff"
						"defghij",
						NULL),
			    "account.pw_text");
}

static void
test_a_list_from_text_skips_blank_lines_and_ignores_case(void **state)
{
	static const char text[] = "Sommer2024\r\n\nwinter2024\n";
	struct acct_pwlist *l = acct_pwlist_parse(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(acct_pwlist_count(l), 2);
	assert_string_equal(acct_password_check(l, "SOMMER2024", NULL), "account.pw_common");
	assert_string_equal(acct_password_check(l, "Winter2024", NULL), "account.pw_common");
	assert_null(acct_password_check(l, "herbst2024", NULL));
	acct_pwlist_free(l);
	assert_null(acct_password_check(NULL, "herbst2024", NULL));
}

static void
test_addresses_are_trimmed_lower_case_and_checked(void **state)
{
	char out[ACCT_EMAIL_MAX + 1];

	(void)state;
	assert_true(acct_email_norm("  Erika.Muster@Example.ORG ", out, sizeof(out)));
	assert_string_equal(out, "erika.muster@example.org");
	assert_false(acct_email_norm("", out, sizeof(out)));
	assert_false(acct_email_norm(NULL, out, sizeof(out)));
	assert_false(acct_email_norm("keine-adresse", out, sizeof(out)));
	assert_false(acct_email_norm("a b@example.org", out, sizeof(out)));
	assert_false(acct_email_norm("a@b\r\nBcc: c@example.org", out, sizeof(out)));
	assert_false(acct_email_norm("a@example.org", out, 5));
}

static void
test_tokens_are_single_use_expire_and_are_stored_hashed(void **state)
{
	struct scratch_fixture *f = *state;
	struct arena a;
	char token[AUTH_TOKEN_LEN + 1], token2[AUTH_TOKEN_LEN + 1], h[65];
	int64_t id = 0, who = 0, n = -1;

	arena_init(&a);
	ASSERT_OK(&f->e, acct_create(f->s.db, "t@example.org", "x", &id, &f->e));
	assert_true(id > 0);
	ASSERT_OK(&f->e, acct_create(f->s.db, "t@example.org", "y", &who, &f->e));
	assert_int_equal(who, 0); /* known: nothing made */
	ASSERT_OK(&f->e, acct_token_new(f->s.db, id, "reset", NULL, 3600, token, &f->e));
	auth_token_hash(token, h);
	ASSERT_OK(&f->e,
		  db_int64(f->s.db, &f->e, &n,
			   "SELECT count(*) FROM citizen_token WHERE token_hash = $1", DB_TEXT(h)));
	assert_int_equal(n, 1);
	/* Not the other purpose; then once, then never again. */
	assert_int_equal(acct_token_use(f->s.db, token, "verify", &who, NULL, NULL, &a, &f->e),
			 ERR_NOTFOUND);
	ASSERT_OK(&f->e, acct_token_peek(f->s.db, token, "reset", &f->e));
	ASSERT_OK(&f->e, acct_token_use(f->s.db, token, "reset", &who, NULL, NULL, &a, &f->e));
	assert_int_equal(who, id);
	assert_int_equal(acct_token_use(f->s.db, token, "reset", &who, NULL, NULL, &a, &f->e),
			 ERR_NOTFOUND);
	/* A newer reset link voids the older one; an expired one is refused. */
	ASSERT_OK(&f->e, acct_token_new(f->s.db, id, "reset", NULL, 3600, token, &f->e));
	ASSERT_OK(&f->e, acct_token_new(f->s.db, id, "reset", NULL, 3600, token2, &f->e));
	assert_int_equal(acct_token_peek(f->s.db, token, "reset", &f->e), ERR_NOTFOUND);
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "UPDATE citizen_token SET expires_at = 1"));
	assert_int_equal(acct_token_peek(f->s.db, token2, "reset", &f->e), ERR_NOTFOUND);
	assert_int_equal(acct_token_peek(f->s.db, "kurz", "reset", &f->e), ERR_NOTFOUND);
	arena_release(&a);
}

static void
test_wait_of_two_keys_is_the_longer_one(void **state)
{
	struct scratch_fixture *f = *state;
	int64_t wait = 0, longer = 0;

	for (int i = 0; i < 7; i++)
		ASSERT_OK(&f->e, acct_throttle_fail(f->s.db, "a:k", 5, &f->e));
	ASSERT_OK(&f->e, acct_throttle_fail(f->s.db, "i:ip", 0, &f->e));
	ASSERT_OK(&f->e, acct_throttle_wait(f->s.db, "a:k", NULL, &longer, &f->e));
	ASSERT_OK(&f->e, acct_throttle_wait(f->s.db, "i:ip", NULL, &wait, &f->e));
	assert_true(wait > 0 && wait < longer);
	ASSERT_OK(&f->e, acct_throttle_wait(f->s.db, "i:ip", "a:k", &wait, &f->e));
	assert_true(wait <= longer && wait >= longer - 1); /* a second may pass between */
	ASSERT_OK(&f->e, acct_throttle_wait(f->s.db, "i:other", NULL, &wait, &f->e));
	assert_int_equal(wait, 0);
}

static void
test_failures_back_off_after_the_free_ones_and_success_clears(void **state)
{
	struct scratch_fixture *f = *state;
	int64_t wait = 0, prev = 0;

	for (int i = 0; i < 4; i++)
		ASSERT_OK(&f->e, acct_throttle_fail(f->s.db, "a:k", 5, &f->e));
	ASSERT_OK(&f->e, acct_throttle_wait(f->s.db, "a:k", NULL, &wait, &f->e));
	assert_int_equal(wait, 0);
	for (int i = 0; i < 6; i++) {
		ASSERT_OK(&f->e, acct_throttle_fail(f->s.db, "a:k", 5, &f->e));
		ASSERT_OK(&f->e, acct_throttle_wait(f->s.db, "a:k", NULL, &wait, &f->e));
		assert_true(wait >= 9 && wait <= 900);
		assert_true(wait >= prev); /* doubling, up to a cap */
		prev = wait;
	}
	assert_true(prev >= 300);
	ASSERT_OK(&f->e, acct_throttle_clear(f->s.db, "a:k", &f->e));
	ASSERT_OK(&f->e, acct_throttle_wait(f->s.db, "a:k", NULL, &wait, &f->e));
	assert_int_equal(wait, 0);
	ASSERT_OK(&f->e, acct_purge(f->s.db, (int64_t)time(NULL), &f->e));
}

static void
test_acr_values_map_to_trust_levels(void **state)
{
	(void)state;
	assert_int_equal(account_trust_level("http://eidas.europa.eu/LoA/substantial"), 3);
	assert_int_equal(account_trust_level("http://eidas.europa.eu/LoA/high"), 4);
	assert_int_equal(account_trust_level("http://eidas.europa.eu/LoA/low"), 2);
	assert_int_equal(account_trust_level("STORK-QAA-Level-1"), 1);
	assert_int_equal(account_trust_level("4"), 4);
	/* Unknown or missing: no level, never a guess. */
	assert_int_equal(account_trust_level("http://eidas.europa.eu/LoA/High"), 0);
	assert_int_equal(account_trust_level("5"), 0);
	assert_int_equal(account_trust_level(""), 0);
	assert_int_equal(account_trust_level(NULL), 0);
}

#define TEST(fn) cmocka_unit_test(fn)
#define TEST_DB(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup_migrated, scratch_teardown)

static int
group_setup(void **state)
{
	return load_list(state) ? -1 : scratch_group_setup(state);
}

static int
group_teardown(void **state)
{
	free_list(state);
	return scratch_group_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_the_bundled_list_has_ten_thousand_passwords),
		TEST(test_length_is_counted_in_characters_from_8_to_128),
		TEST(test_no_composition_rules_but_no_common_passwords),
		TEST(test_a_list_from_text_skips_blank_lines_and_ignores_case),
		TEST(test_addresses_are_trimmed_lower_case_and_checked),
		TEST(test_acr_values_map_to_trust_levels),
		TEST_DB(test_tokens_are_single_use_expire_and_are_stored_hashed),
		TEST_DB(test_failures_back_off_after_the_free_ones_and_success_clears),
		TEST_DB(test_wait_of_two_keys_is_the_longer_one),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
