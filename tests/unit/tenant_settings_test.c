/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the tenant settings (src/tenant/tenant_settings.c) on a
 * fresh, migrated database of the backend RATHAUS_TEST_DB names: parsing
 * and range checks per type with the message key for the form, defaults,
 * isolation between tenants, and values reaching the tenant cache.
 */
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

static const char TENANTS_JSON[] =
	"{\"tenants\": [\n"
	" {\"slug\": \"a-stadt\", \"name\": \"Stadt A\", \"kind\": \"stadt\",\n"
	"  \"ars\": \"033550001001\", \"parent\": null, \"languages\": [\"de\"],\n"
	"  \"theme\": {\"primary\": \"#2E6B30\"}},\n"
	" {\"slug\": \"b-dorf\", \"name\": \"Gemeinde B\", \"kind\": \"gemeinde\",\n"
	"  \"ars\": \"033550002002\", \"parent\": null, \"languages\": [\"de\"],\n"
	"  \"theme\": {\"primary\": \"#1F4E79\"}}\n"
	"]}\n";

static struct scratch_db g;

struct fixture {
	struct arena a;
	struct err e;
	struct tenant *ta, *tb;
	char out[512];
};

static int
group_setup(void **state)
{
	struct err e = {0};
	char json[600];
	int saved, changed;

	if (scratch_group_setup(state))
		return -1;
	snprintf(json, sizeof(json), "%s/tenants.json", scratch_dir());
	scratch_write(json, TENANTS_JSON);
	if (scratch_db_open(&g, true, &e) || tenant_import_json(g.db, json, &saved, &changed, &e)) {
		print_error("group setup: %s\n", e.detail);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	scratch_db_close(&g);
	return scratch_group_teardown(state);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	arena_init(&f->a);
	ASSERT_OK(&f->e, tenant_find_by_slug(g.db, "a-stadt", &f->a, &f->ta, &f->e));
	ASSERT_OK(&f->e, tenant_find_by_slug(g.db, "b-dorf", &f->a, &f->tb, &f->e));
	scratch_exec(g.db, "DELETE FROM tenant_setting");
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

/* The message key of a refused value, "" when it was accepted. */
static const char *
refusal(struct fixture *f, enum tenant_setting_id id, const char *in)
{
	err_clear(&f->e);
	if (tenant_setting_parse(id, in, f->out, sizeof(f->out), &f->e) == 0)
		return "";
	return f->e.user;
}

static void
test_integers_are_checked_against_their_range(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(refusal(f, TSET_APPT_PER_PERSON, " 5 "), "");
	assert_string_equal(f->out, "5");
	assert_string_equal(refusal(f, TSET_APPT_PER_PERSON, "20"), "");
	assert_string_equal(refusal(f, TSET_APPT_PER_PERSON, "21"), "set.err.range");
	assert_string_equal(refusal(f, TSET_APPT_PER_PERSON, "0"), "set.err.range");
	assert_string_equal(refusal(f, TSET_APPT_PER_PERSON, "-1"), "set.err.range");
	assert_string_equal(refusal(f, TSET_APPT_PER_PERSON, "drei"), "set.err.int");
	assert_string_equal(refusal(f, TSET_APPT_PER_PERSON, ""), "set.err.int");
	assert_string_equal(refusal(f, TSET_APPT_WINDOW_DAYS, "99999999999999999999"),
			    "set.err.int");
}

static void
test_durations_take_units_and_are_stored_in_seconds(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "30d"), "");
	assert_string_equal(f->out, "2592000");
	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "2w"), "");
	assert_string_equal(f->out, "1209600");
	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "48h"), "");
	assert_string_equal(f->out, "172800");
	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "86400"), "");
	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "12h"), "set.err.duration_range");
	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "4000d"), "set.err.duration_range");
	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "bald"), "set.err.duration");
	assert_string_equal(refusal(f, TSET_RETAIN_FORMS, "d"), "set.err.duration");
}

static void
test_emails_bools_and_texts_are_checked(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(refusal(f, TSET_MAIL_FROM, "rathaus@stadt-a.de"), "");
	assert_string_equal(refusal(f, TSET_MAIL_FROM, ""), "");
	assert_string_equal(refusal(f, TSET_MAIL_FROM, "kein-at"), "set.err.email");
	assert_string_equal(refusal(f, TSET_MAIL_FROM, "a@b"), "set.err.email");
	assert_string_equal(refusal(f, TSET_MAIL_FROM, "a b@c.de"), "set.err.email");
	assert_string_equal(refusal(f, TSET_MAIL_FROM, "<a@c.de>"), "set.err.email");
	assert_string_equal(refusal(f, TSET_FEATURE_NEWS, "1"), "");
	assert_string_equal(refusal(f, TSET_FEATURE_NEWS, "ja"), "set.err.bool");
	assert_string_equal(refusal(f, TSET_MAIL_FROM_NAME, "Stadt A\nBcc: x"), "set.err.line");
	assert_string_equal(refusal(f, TSET_LOGO_FILE, "../../etc/passwd"), "set.err.file");
	{
		char long_name[300];

		memset(long_name, 'x', sizeof(long_name) - 1);
		long_name[sizeof(long_name) - 1] = '\0';
		assert_string_equal(refusal(f, TSET_MAIL_FROM_NAME, long_name), "set.err.too_long");
	}
}

static void
test_map_tiles_and_centres_are_checked(void **state)
{
	struct fixture *f = *state;
	static const char *const bad_tiles[] = {
		"http://t.example.org/{z}/{x}/{y}.png",
		"https://t.example.org/{z}/{x}.png",
		"https://{s}.t.example.org/{z}/{x}/{y}.png",
		"https://user@t.example.org/{z}/{x}/{y}.png",
		"https://t.example.org/{z}/{x}/{y}/{y}.png",
		"https://t.example.org/{z}/{x}/{y}.png\" onerror=\"x",
		"https://t.example.org/{z}/{x}/{y}.png?k=<b>",
		"https://T.EXAMPLE.org/{z}/{x}/{y}.png",
		"https:///{z}/{x}/{y}.png",
		"https://t.example.org",
	};

	assert_string_equal(refusal(f, TSET_MAP_TILES, ""), "");
	assert_string_equal(refusal(f, TSET_MAP_TILES,
				    "https://tiles.example.org:8443/a/{z}/{x}/{y}.png?key=1"),
			    "");
	assert_string_equal(f->out, "https://tiles.example.org:8443/a/{z}/{x}/{y}.png?key=1");
	for (size_t i = 0; i < sizeof(bad_tiles) / sizeof(bad_tiles[0]); i++)
		assert_string_equal(refusal(f, TSET_MAP_TILES, bad_tiles[i]), "set.err.tiles");
	assert_string_equal(refusal(f, TSET_MAP_CENTER, " 51.6166,7.5237 "), "");
	assert_string_equal(f->out, "51.616600, 7.523700");
	assert_string_equal(refusal(f, TSET_MAP_CENTER, ""), "");
	assert_string_equal(f->out, "");
	assert_string_equal(refusal(f, TSET_MAP_CENTER, "91, 7"), "set.err.position");
	assert_string_equal(refusal(f, TSET_MAP_CENTER, "51.6"), "set.err.position");
	assert_string_equal(refusal(f, TSET_MAP_CENTER, "51.6, 7.5x"), "set.err.position");
	assert_string_equal(refusal(f, TSET_MAP_CENTER, "nan, 7"), "set.err.position");
	assert_string_equal(refusal(f, TSET_MAP_CENTER, ",7"), "set.err.position");
}

static void
test_unset_keys_have_their_defaults(void **state)
{
	struct fixture *f = *state;
	const struct tenant_settings *s = NULL;

	ASSERT_OK(&f->e, tenant_settings_load(g.db, f->ta, &f->a, &s, &f->e));
	assert_string_equal(tenant_settings_value(s, TSET_APPT_PER_PERSON), "3");
	assert_int_equal(tenant_setting_int(f->ta, TSET_APPT_WINDOW_DAYS), 60);
	assert_true(tenant_setting_bool(f->ta, TSET_FEATURE_FORMS));
	assert_false(tenant_setting_bool(f->ta, TSET_FEATURE_DEFECTS));
	assert_string_equal(tenant_setting_str(f->ta, TSET_LOGO_FILE), "");
	assert_non_null(tenant_setting_find("retain_uploads", NULL));
	assert_null(tenant_setting_find("tenant_id", NULL));
}

static void
test_a_tenants_settings_are_its_own(void **state)
{
	struct fixture *f = *state;
	const struct tenant_settings *sa = NULL, *sb = NULL;
	int64_t now = (int64_t)time(NULL);

	ASSERT_OK(&f->e,
		  tenant_setting_save(g.db, f->ta, TSET_APPT_PER_PERSON, "7", 0, now, &f->e));
	ASSERT_OK(&f->e,
		  tenant_setting_save(g.db, f->ta, TSET_APPT_PER_PERSON, "8", 0, now, &f->e));
	ASSERT_OK(&f->e,
		  tenant_setting_save(g.db, f->tb, TSET_MAIL_FROM, "b@b-dorf.de", 0, now, &f->e));
	ASSERT_OK(&f->e, tenant_settings_load(g.db, f->ta, &f->a, &sa, &f->e));
	ASSERT_OK(&f->e, tenant_settings_load(g.db, f->tb, &f->a, &sb, &f->e));
	assert_string_equal(tenant_settings_value(sa, TSET_APPT_PER_PERSON), "8");
	assert_string_equal(tenant_settings_value(sb, TSET_APPT_PER_PERSON), "3");
	assert_string_equal(tenant_settings_value(sa, TSET_MAIL_FROM), "");
	assert_string_equal(tenant_settings_value(sb, TSET_MAIL_FROM), "b@b-dorf.de");
	assert_int_equal(scratch_int64(g.db, "SELECT count(*) FROM tenant_setting"), 2);
	/* Only canonical, valid values are stored. */
	assert_int_equal(
		tenant_setting_save(g.db, f->ta, TSET_APPT_PER_PERSON, "99", 0, now, &f->e),
		ERR_INVALID);
	assert_int_equal(tenant_setting_save(g.db, f->ta, TSET_RETAIN_FORMS, "30d", 0, now, &f->e),
			 ERR_INVALID);
}

static void
test_the_tenant_cache_carries_the_settings(void **state)
{
	struct fixture *f = *state;
	struct tenant_cache *c = tenant_cache_new(0);
	const struct tenant *ta = NULL, *tb = NULL;
	int64_t now = (int64_t)time(NULL);

	ASSERT_OK(&f->e, tenant_setting_save(g.db, f->ta, TSET_FEATURE_NEWS, "0", 0, now, &f->e));
	ASSERT_OK(&f->e, tenant_cache_by_slug(c, g.db, "a-stadt", &f->a, &ta, &f->e));
	ASSERT_OK(&f->e, tenant_cache_by_slug(c, g.db, "b-dorf", &f->a, &tb, &f->e));
	assert_false(tenant_setting_bool(ta, TSET_FEATURE_NEWS));
	assert_true(tenant_setting_bool(tb, TSET_FEATURE_NEWS));
	/* A value an older release stored and this one would refuse reads as the default. */
	scratch_exec(g.db, "UPDATE tenant_setting SET value = 'kaputt'");
	ASSERT_OK(&f->e, tenant_cache_by_slug(c, g.db, "a-stadt", &f->a, &ta, &f->e));
	assert_true(tenant_setting_bool(ta, TSET_FEATURE_NEWS));
	tenant_cache_free(c);
}

int
main(void)
{
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		TEST(test_integers_are_checked_against_their_range),
		TEST(test_durations_take_units_and_are_stored_in_seconds),
		TEST(test_emails_bools_and_texts_are_checked),
		TEST(test_map_tiles_and_centres_are_checked),
		TEST(test_unset_keys_have_their_defaults),
		TEST(test_a_tenants_settings_are_its_own),
		TEST(test_the_tenant_cache_carries_the_settings),
	};
#undef TEST
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
