/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of src/auth and src/tenant on a fresh, migrated database of the
 * backend RATHAUS_TEST_DB names: a new SQLite file in a temporary directory,
 * or on PostgreSQL a schema of its own, created and dropped by this run.
 * Tests share tenants "a-kreis" (A) and its member "b-dorf" (B), imported once,
 * and the staff user anna@example.org, added once: Argon2id is slow.
 */
#include "auth/auth.h"
#include "tenant/tenant.h"

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* After the headers it needs. */
#include <cmocka.h>

#define TTL 3600
#define PASSWORD "correct horse battery"
#define EMAIL "anna@example.org"

static const char TENANTS_JSON[] =
	"{\"tenants\": [\n"
	/* The member comes first: the import must save parents first. */
	" {\"slug\": \"b-dorf\", \"name\": \"Gemeinde B-Dorf\", \"kind\": \"gemeinde\",\n"
	"  \"ars\": \"033550001001\", \"parent\": \"a-kreis\", \"languages\": [\"de\"],\n"
	"  \"theme\": {\"primary\": \"#2E6B30\", \"logo_text\": \"B\"}},\n"
	" {\"slug\": \"a-kreis\", \"name\": \"Landkreis A\", \"kind\": \"portal_network\",\n"
	"  \"ars\": \"033550000000\", \"parent\": null, \"host\": \"a.example\",\n"
	"  \"languages\": [\"de\", \"en\"], \"theme\": {\"primary\": \"#1F4E79\"},\n"
	"  \"contact\": {\"street\": \"Am Markt 1\", \"postal_code\": \"21335\",\n"
	"   \"city\": \"A-Stadt\", \"email\": \"info@a.example\"}}\n"
	"]}\n";

static struct {
	struct scratch_db s;
	char json[128];			/* tenants.json in the scratch directory */
	int first_saved, first_changed; /* of the import in group_setup */
	int64_t user_id;		/* anna */
} g;

struct fixture {
	struct arena a;
	struct err e;
	struct tenant *ta, *tb;
};

static int
group_setup(void **state)
{
	struct err e = {0};

	if (auth_init() || scratch_group_setup(state))
		return -1; /* cmocka still runs group_teardown() */
	snprintf(g.json, sizeof(g.json), "%s/tenants.json", scratch_dir());
	scratch_write(g.json, TENANTS_JSON);
	if (scratch_db_open(&g.s, true, &e) ||
	    tenant_import_json(g.s.db, g.json, &g.first_saved, &g.first_changed, &e) ||
	    user_add(g.s.db, EMAIL, "Anna Amt", PASSWORD, &g.user_id, &e)) {
		print_error("group setup: %s\n", e.detail);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	scratch_db_close(&g.s);
	return scratch_group_teardown(state);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	arena_init(&f->a);
	ASSERT_OK(&f->e, tenant_find_by_slug(g.s.db, "a-kreis", &f->a, &f->ta, &f->e));
	ASSERT_OK(&f->e, tenant_find_by_slug(g.s.db, "b-dorf", &f->a, &f->tb, &f->e));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->a);
	free(f);
	return 0;
}

static void
test_import_saves_parents_first_and_a_reimport_changes_nothing(void **state)
{
	struct fixture *f = *state;
	int saved = -1, changed = -1;

	assert_int_equal(g.first_saved, 2);
	assert_int_equal(g.first_changed, 2);
	ASSERT_OK(&f->e, tenant_import_json(g.s.db, g.json, &saved, &changed, &f->e));
	assert_int_equal(saved, 2);
	assert_int_equal(changed, 0);
	assert_int_equal(scratch_int64(g.s.db, "SELECT COUNT(*) FROM tenant"), 2);
}

/* A document that adds "c-neu", renames A, then holds `bad`; it must change nothing. */
static void
assert_import_refused(struct fixture *f, const char *bad)
{
	char json[2048], path[sizeof(g.json) + 16];
	struct tenant *t = NULL;
	int saved, changed;

	snprintf(path, sizeof(path), "%s/bad.json", scratch_dir());
	snprintf(json, sizeof(json),
		 "{\"tenants\": [{\"slug\": \"c-neu\", \"name\": \"C\", \"kind\": \"stadt\"},\n"
		 " {\"slug\": \"a-kreis\", \"name\": \"Renamed\", \"kind\": \"portal_network\"},\n"
		 " %s]}",
		 bad);
	scratch_write(path, json);
	assert_int_equal(tenant_import_json(g.s.db, path, &saved, &changed, &f->e), ERR_INVALID);
	assert_int_equal(tenant_find_by_slug(g.s.db, "c-neu", &f->a, &t, &f->e), ERR_NOTFOUND);
	ASSERT_OK(&f->e, tenant_find_by_slug(g.s.db, "a-kreis", &f->a, &t, &f->e));
	assert_string_equal(t->name, "Landkreis A");
	assert_int_equal(scratch_int64(g.s.db, "SELECT COUNT(*) FROM tenant"), 2);
}

static void
test_import_with_one_invalid_tenant_rolls_back_the_whole_document(void **state)
{
	struct fixture *f = *state;

	assert_import_refused(f, "{\"slug\": \"Bad_Slug\", \"name\": \"X\", \"kind\": \"stadt\"}");
	assert_import_refused(f, "{\"slug\": \"-x\", \"name\": \"X\", \"kind\": \"stadt\"}");
	assert_import_refused(f, "{\"slug\": \"x\", \"name\": \"X\", \"kind\": \"stadt\", "
				 "\"ars\": \"03355000000\"}");
	assert_import_refused(f, "{\"slug\": \"x\", \"name\": \"X\", \"kind\": \"stadt\", "
				 "\"ars\": \"03355000000a\"}");
	assert_import_refused(f, "{\"slug\": \"x\", \"name\": \"X\", \"kind\": \"stadt\", "
				 "\"theme\": {\"primary\": \"#12345g\"}}");
	assert_import_refused(f, "{\"slug\": \"x\", \"name\": \"X\", \"kind\": \"stadt\", "
				 "\"theme\": {\"primary\": \"1F4E79A\"}}");
	assert_import_refused(f, "{\"slug\": \"x\", \"name\": \"X\", \"kind\": \"stadt\", "
				 "\"parent\": \"nowhere\"}");
	assert_import_refused(f, "{\"slug\": \"x\", \"name\": \"X\", \"kind\": \"dorf\"}");
	assert_import_refused(f, "{\"slug\": \"x\", \"name\": \"\", \"kind\": \"stadt\"}");
}

static void
test_tenants_are_found_by_slug_and_by_host_with_all_fields(void **state)
{
	struct fixture *f = *state;
	struct tenant *t = NULL;

	assert_string_equal(f->ta->name, "Landkreis A");
	assert_int_equal(f->ta->kind, TENANT_NETWORK);
	assert_string_equal(f->ta->ars, "033550000000");
	assert_int_equal(f->ta->parent_id, 0);
	assert_string_equal(f->ta->parent_slug, "");
	assert_string_equal(f->ta->languages, "de,en");
	assert_string_equal(f->ta->primary, "#1F4E79");
	assert_string_equal(f->ta->contact.city, "A-Stadt");
	assert_string_equal(f->ta->contact.email, "info@a.example");
	assert_string_equal(f->ta->contact.phone, "");
	assert_int_equal(f->tb->parent_id, f->ta->id);
	assert_string_equal(f->tb->parent_slug, "a-kreis");
	assert_string_equal(f->tb->languages, "de");
	assert_string_equal(f->tb->host, "");
	ASSERT_OK(&f->e, tenant_find_by_host(g.s.db, "a.example", &f->a, &t, &f->e));
	assert_true(t->id == f->ta->id);
	assert_string_equal(t->slug, "a-kreis");
	/* B has no host of its own: an empty Host header must not find it. */
	assert_int_equal(tenant_find_by_host(g.s.db, "", &f->a, &t, &f->e), ERR_NOTFOUND);
	assert_int_equal(tenant_find_by_host(g.s.db, "b.example", &f->a, &t, &f->e), ERR_NOTFOUND);
	assert_int_equal(tenant_find_by_host(g.s.db, "a-kreis", &f->a, &t, &f->e), ERR_NOTFOUND);
	assert_int_equal(tenant_find_by_slug(g.s.db, "c-neu", &f->a, &t, &f->e), ERR_NOTFOUND);
}

static void
test_tenant_list_gives_all_by_name_or_the_members_of_one(void **state)
{
	struct fixture *f = *state;
	struct tenant *list = NULL;
	size_t n = 99;

	ASSERT_OK(&f->e, tenant_list(g.s.db, -1, &f->a, &list, &n, &f->e));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].slug, "b-dorf"); /* "Gemeinde B-Dorf" < "Landkreis A" */
	assert_string_equal(list[1].slug, "a-kreis");
	ASSERT_OK(&f->e, tenant_list(g.s.db, f->ta->id, &f->a, &list, &n, &f->e));
	assert_int_equal(n, 1);
	assert_string_equal(list[0].slug, "b-dorf");
	ASSERT_OK(&f->e, tenant_list(g.s.db, f->tb->id, &f->a, &list, &n, &f->e));
	assert_int_equal(n, 0);
}

static void
test_session_loads_for_its_tenant_only(void **state)
{
	struct fixture *f = *state;
	struct session s, got;
	char sql[256];

	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, 0, TTL, &s, &f->e));
	assert_true(s.is_new);
	assert_int_equal(strlen(s.token), AUTH_TOKEN_LEN);
	assert_int_equal(strlen(s.csrf), AUTH_TOKEN_LEN);
	assert_string_not_equal(s.token, s.csrf);
	ASSERT_OK(&f->e, session_load(g.s.db, f->ta, s.token, TTL, &got, &f->e));
	assert_false(got.is_new);
	assert_string_equal(got.csrf, s.csrf);
	assert_string_equal(got.id_hash, s.id_hash);
	assert_true(got.tenant_id == f->ta->id);
	assert_true(got.user_id == 0);
	assert_int_equal(session_load(g.s.db, f->tb, s.token, TTL, &got, &f->e), ERR_NOTFOUND);
	assert_string_equal(got.csrf, ""); /* nothing of A's session shows */
	/* The table holds the hash, never the token. */
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM session WHERE id_hash = '%s'", s.token);
	assert_int_equal(scratch_int64(g.s.db, sql), 0);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM session WHERE id_hash = '%s'", s.id_hash);
	assert_int_equal(scratch_int64(g.s.db, sql), 1);
}

static void
test_tampered_short_or_missing_token_is_not_found(void **state)
{
	struct fixture *f = *state;
	char bad[AUTH_TOKEN_LEN + 2];
	struct session s, got;

	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, g.user_id, TTL, &s, &f->e));
	snprintf(bad, sizeof(bad), "%s", s.token);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_int_equal(session_load(g.s.db, f->ta, bad, TTL, &got, &f->e), ERR_NOTFOUND);
	snprintf(bad, sizeof(bad), "%.*s", AUTH_TOKEN_LEN - 1, s.token);
	assert_int_equal(session_load(g.s.db, f->ta, bad, TTL, &got, &f->e), ERR_NOTFOUND);
	snprintf(bad, sizeof(bad), "%s=", s.token);
	assert_int_equal(session_load(g.s.db, f->ta, bad, TTL, &got, &f->e), ERR_NOTFOUND);
	snprintf(bad, sizeof(bad), "%.*s.", AUTH_TOKEN_LEN - 1, s.token);
	assert_int_equal(session_load(g.s.db, f->ta, bad, TTL, &got, &f->e), ERR_NOTFOUND);
	assert_int_equal(session_load(g.s.db, f->ta, "", TTL, &got, &f->e), ERR_NOTFOUND);
	assert_int_equal(session_load(g.s.db, f->ta, NULL, TTL, &got, &f->e), ERR_NOTFOUND);
	ASSERT_OK(&f->e, session_load(g.s.db, f->ta, s.token, TTL, &got, &f->e));
	assert_true(got.user_id == g.user_id);
}

/* Set the expiry of session `s` in the table. */
static void
set_expiry(const struct session *s, int64_t at)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "UPDATE session SET expires_at = %lld WHERE id_hash = '%s'",
		 (long long)at, s->id_hash);
	scratch_exec(g.s.db, sql);
}

static void
test_expired_session_is_not_found_and_purged(void **state)
{
	struct fixture *f = *state;
	struct session old, live, now_ended, got;
	int64_t n = -1;
	char sql[128];

	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, 0, TTL, &old, &f->e));
	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, 0, TTL, &live, &f->e));
	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, 0, 0, &now_ended, &f->e));
	set_expiry(&old, 0);
	assert_int_equal(session_load(g.s.db, f->ta, old.token, TTL, &got, &f->e), ERR_NOTFOUND);
	assert_int_equal(session_load(g.s.db, f->ta, now_ended.token, TTL, &got, &f->e),
			 ERR_NOTFOUND);
	ASSERT_OK(&f->e, session_purge(g.s.db, &n, &f->e));
	assert_true(n == 2);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM session WHERE expires_at <= %lld",
		 (long long)time(NULL));
	assert_int_equal(scratch_int64(g.s.db, sql), 0);
	ASSERT_OK(&f->e, session_load(g.s.db, f->ta, live.token, TTL, &got, &f->e));
	ASSERT_OK(&f->e, session_purge(g.s.db, &n, &f->e));
	assert_true(n == 0);
}

static void
test_session_near_its_end_is_extended_on_load(void **state)
{
	struct fixture *f = *state;
	struct session s, got;
	char sql[256];
	int64_t now = (int64_t)time(NULL);

	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, 0, TTL, &s, &f->e));
	set_expiry(&s, now + 30);
	ASSERT_OK(&f->e, session_load(g.s.db, f->ta, s.token, TTL, &got, &f->e));
	assert_true(got.expires_at >= now + TTL && got.expires_at <= now + TTL + 5);
	snprintf(sql, sizeof(sql), "SELECT expires_at FROM session WHERE id_hash = '%s'",
		 s.id_hash);
	assert_true(scratch_int64(g.s.db, sql) == got.expires_at);
}

static void
test_destroyed_session_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct session s, got;

	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, g.user_id, TTL, &s, &f->e));
	ASSERT_OK(&f->e, session_destroy(g.s.db, &s, &f->e));
	assert_int_equal(session_load(g.s.db, f->ta, s.token, TTL, &got, &f->e), ERR_NOTFOUND);
	ASSERT_OK(&f->e, session_destroy(g.s.db, &s, &f->e)); /* twice is harmless */
}

static void
test_csrf_token_must_match_exactly(void **state)
{
	struct fixture *f = *state;
	char other[AUTH_TOKEN_LEN + 2];
	struct session s, empty = {0};

	ASSERT_OK(&f->e, session_create(g.s.db, f->ta, 0, TTL, &s, &f->e));
	assert_true(session_csrf_ok(&s, s.csrf));
	snprintf(other, sizeof(other), "%s", s.csrf);
	other[AUTH_TOKEN_LEN - 1] ^= 1;
	assert_false(session_csrf_ok(&s, other));
	snprintf(other, sizeof(other), "%.*s", AUTH_TOKEN_LEN - 1, s.csrf);
	assert_false(session_csrf_ok(&s, other));
	snprintf(other, sizeof(other), "%sx", s.csrf);
	assert_false(session_csrf_ok(&s, other));
	assert_false(session_csrf_ok(&s, ""));
	assert_false(session_csrf_ok(&s, NULL));
	assert_false(session_csrf_ok(&s, s.token));
	/* A session without a token accepts nothing, not even the empty string. */
	assert_false(session_csrf_ok(&empty, ""));
	assert_false(session_csrf_ok(&empty, NULL));
}

static void
test_user_add_refuses_a_weak_password_a_bad_email_and_a_duplicate(void **state)
{
	struct fixture *f = *state;
	int64_t id = -1;

	assert_int_equal(user_add(g.s.db, "ben@example.org", "Ben", "elevenchars", &id, &f->e),
			 ERR_INVALID);
	assert_string_equal(f->e.user, "auth.weak_password");
	assert_int_equal(user_add(g.s.db, "no-at-sign", "Ben", PASSWORD, &id, &f->e), ERR_INVALID);
	assert_string_equal(f->e.user, "auth.bad_email");
	assert_int_equal(user_add(g.s.db, "ben@localhost", "Ben", PASSWORD, &id, &f->e),
			 ERR_INVALID);
	assert_int_equal(user_add(g.s.db, "b en@example.org", "Ben", PASSWORD, &id, &f->e),
			 ERR_INVALID);
	assert_true(id == -1);
	assert_true(g.user_id > 0);
	assert_int_equal(user_add(g.s.db, "ben@.", "Ben", PASSWORD, &id, &f->e), ERR_INVALID);
	assert_int_equal(user_add(g.s.db, "ben@example.", "Ben", PASSWORD, &id, &f->e),
			 ERR_INVALID);
	assert_int_equal(user_add(g.s.db, EMAIL, "Anna Again", PASSWORD, &id, &f->e), ERR_CONFLICT);
	assert_string_equal(f->e.user, "auth.user_exists");
	/* Addresses differ only in case: the same person. */
	assert_int_equal(user_add(g.s.db, "Anna@Example.ORG", "Anna", PASSWORD, &id, &f->e),
			 ERR_CONFLICT);
	assert_int_equal(scratch_int64(g.s.db, "SELECT COUNT(*) FROM staff_user"), 1);
}

static void
test_login_with_a_role_in_the_tenant_gives_user_and_roles(void **state)
{
	struct fixture *f = *state;
	struct staff_user *u = NULL;

	ASSERT_OK(&f->e, user_grant(g.s.db, g.user_id, f->ta, ROLE_EDITOR, &f->e));
	ASSERT_OK(&f->e, user_grant(g.s.db, g.user_id, f->ta, ROLE_EDITOR, &f->e)); /* again */
	ASSERT_OK(&f->e, user_login(g.s.db, f->ta, "ANNA@example.org", PASSWORD, &f->a, &u, &f->e));
	assert_true(u->id == g.user_id);
	assert_string_equal(u->email, EMAIL);
	assert_string_equal(u->name, "Anna Amt");
	assert_int_equal(u->roles, ROLE_EDITOR);
	/* The password is stored as an Argon2id hash only. */
	assert_int_equal(scratch_int64(g.s.db,
				       "SELECT COUNT(*) FROM staff_user WHERE password_hash LIKE "
				       "'$argon2id$%' AND password_hash NOT LIKE '%horse%'"),
			 1);
}

static void
test_login_fails_alike_for_wrong_password_no_role_or_unknown_user(void **state)
{
	struct fixture *f = *state;
	struct staff_user *u = NULL;

	ASSERT_OK(&f->e, user_grant(g.s.db, g.user_id, f->ta, ROLE_EDITOR, &f->e));
	assert_int_equal(
		user_login(g.s.db, f->ta, EMAIL, "correct horse batterz", &f->a, &u, &f->e),
		ERR_UNAUTHORIZED);
	assert_string_equal(f->e.user, "auth.login_failed");
	assert_int_equal(user_login(g.s.db, f->tb, EMAIL, PASSWORD, &f->a, &u, &f->e),
			 ERR_UNAUTHORIZED);
	assert_string_equal(f->e.user, "auth.login_failed");
	assert_int_equal(
		user_login(g.s.db, f->ta, "nobody@example.org", PASSWORD, &f->a, &u, &f->e),
		ERR_UNAUTHORIZED);
	assert_string_equal(f->e.user, "auth.login_failed");
}

/* One window for the whole run, so the test cannot straddle a window's end. */
#define WINDOW_S (1 << 30)

static void
test_rate_limit_refuses_the_hit_after_the_limit_per_bucket(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 3; i++)
		ASSERT_OK(&f->e, ratelimit_hit(g.s.db, "login:192.0.2.1", WINDOW_S, 3, &f->e));
	assert_int_equal(ratelimit_hit(g.s.db, "login:192.0.2.1", WINDOW_S, 3, &f->e),
			 ERR_RATELIMIT);
	assert_string_equal(f->e.user, "error.rate_limit");
	assert_int_equal(ratelimit_hit(g.s.db, "login:192.0.2.1", WINDOW_S, 3, &f->e),
			 ERR_RATELIMIT);
	ASSERT_OK(&f->e, ratelimit_hit(g.s.db, "login:192.0.2.2", WINDOW_S, 3, &f->e));
}

static void
test_audit_log_appends_one_row_per_call(void **state)
{
	static const char sql[] = "SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.import' "
				  "AND detail = '2 tenants' AND ip = '192.0.2.7'";
	struct fixture *f = *state;
	char by_user[256];

	ASSERT_OK(&f->e, audit_log(g.s.db, f->ta, g.user_id, "tenant.import", "2 tenants",
				   "192.0.2.7", &f->e));
	assert_int_equal(scratch_int64(g.s.db, sql), 1);
	snprintf(by_user, sizeof(by_user), "%s AND tenant_id = %lld AND user_id = %lld", sql,
		 (long long)f->ta->id, (long long)g.user_id);
	assert_int_equal(scratch_int64(g.s.db, by_user), 1);
	ASSERT_OK(&f->e, audit_log(g.s.db, NULL, 0, "system.start", NULL, NULL, &f->e));
	assert_int_equal(scratch_int64(g.s.db,
				       "SELECT COUNT(*) FROM audit_log WHERE action = "
				       "'system.start' AND tenant_id IS NULL AND user_id IS NULL "
				       "AND detail = '' AND ip = ''"),
			 1);
	assert_int_equal(scratch_int64(g.s.db, "SELECT COUNT(*) FROM audit_log"), 2);
}

/*
 * A Gemeinde listed before its Kreis, and the Kreis before its Land: the
 * import saves parents first at any depth.  Last in the list: it adds tenants.
 */
static void
test_import_saves_a_grandchild_listed_before_its_parent(void **state)
{
	struct fixture *f = *state;
	char path[sizeof(g.json) + 16];
	struct tenant *t = NULL;
	int saved = 0, changed = 0;

	snprintf(path, sizeof(path), "%s/levels.json", scratch_dir());
	scratch_write(path, "{\"tenants\": [\n"
			    " {\"slug\": \"g-x\", \"name\": \"G\", \"kind\": \"gemeinde\", "
			    "\"parent\": \"k-y\"},\n"
			    " {\"slug\": \"k-y\", \"name\": \"K\", \"kind\": \"kreis\", "
			    "\"parent\": \"l-z\"},\n"
			    " {\"slug\": \"l-z\", \"name\": \"L\", \"kind\": \"land\"}]}\n");
	ASSERT_OK(&f->e, tenant_import_json(g.s.db, path, &saved, &changed, &f->e));
	assert_int_equal(changed, 3);
	ASSERT_OK(&f->e, tenant_find_by_slug(g.s.db, "g-x", &f->a, &t, &f->e));
	assert_string_equal(t->parent_slug, "k-y");
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_import_saves_parents_first_and_a_reimport_changes_nothing),
		TEST(test_import_with_one_invalid_tenant_rolls_back_the_whole_document),
		TEST(test_tenants_are_found_by_slug_and_by_host_with_all_fields),
		TEST(test_tenant_list_gives_all_by_name_or_the_members_of_one),
		TEST(test_session_loads_for_its_tenant_only),
		TEST(test_tampered_short_or_missing_token_is_not_found),
		TEST(test_expired_session_is_not_found_and_purged),
		TEST(test_session_near_its_end_is_extended_on_load),
		TEST(test_destroyed_session_is_not_found),
		TEST(test_csrf_token_must_match_exactly),
		TEST(test_user_add_refuses_a_weak_password_a_bad_email_and_a_duplicate),
		TEST(test_login_with_a_role_in_the_tenant_gives_user_and_roles),
		TEST(test_login_fails_alike_for_wrong_password_no_role_or_unknown_user),
		TEST(test_rate_limit_refuses_the_hit_after_the_limit_per_bucket),
		TEST(test_audit_log_appends_one_row_per_call),
		TEST(test_import_saves_a_grandchild_listed_before_its_parent),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
