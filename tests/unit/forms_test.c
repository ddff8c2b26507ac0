/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the forms (src/features/forms/): definition errors with
 * their JSON paths, the condition language, the value checks, the answer
 * validation per field type with conditions and groups, and on a migrated
 * database of the backend under test the case numbers and idempotency keys.
 */
#include "features/forms/form_int.h"
#include "features/forms/forms.h"

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

static const char FORM[] =
	"{\"id\": \"probe\", \"version\": 1, \"title\": \"Probe\", \"leika\": \"99102013000000\","
	" \"steps\": ["
	"  {\"title\": \"Eins\", \"fields\": ["
	"   {\"key\": \"name\", \"type\": \"text\", \"label\": \"Name\", \"required\": true,"
	"    \"max\": 10},"
	"   {\"key\": \"plz\", \"type\": \"text\", \"label\": \"PLZ\", \"pattern\": \"[0-9]{5}\"},"
	"   {\"key\": \"art\", \"type\": \"radio\", \"label\": \"Art\", \"required\": true,"
	"    \"options\": [{\"value\": \"a\", \"label\": \"A\"}, {\"value\": \"b\", \"label\": "
	"\"B\"}]},"
	"   {\"key\": \"nur_b\", \"type\": \"number\", \"label\": \"Nur B\", \"min\": 1, \"max\": "
	"9,"
	"    \"visible_if\": \"art == \\\"b\\\"\", \"required\": true}]},"
	"  {\"title\": \"Zwei\", \"fields\": ["
	"   {\"key\": \"tag\", \"type\": \"date\", \"label\": \"Tag\", \"min\": 0, \"max\": 30},"
	"   {\"key\": \"wahl\", \"type\": \"checkbox\", \"label\": \"Wahl\","
	"    \"options\": [{\"value\": \"x\", \"label\": \"X\"}, {\"value\": \"y\", \"label\": "
	"\"Y\"}]},"
	"   {\"key\": \"grund\", \"type\": \"textarea\", \"label\": \"Grund\","
	"    \"required_if\": \"wahl == \\\"y\\\" and not (art == \\\"b\\\")\"},"
	"   {\"key\": \"leute\", \"type\": \"group\", \"label\": \"Leute\", \"max\": 2, "
	"\"fields\": ["
	"     {\"key\": \"name\", \"type\": \"text\", \"label\": \"Name\", \"required\": true},"
	"     {\"key\": \"alter\", \"type\": \"number\", \"label\": \"Alter\","
	"      \"required_if\": \"name == \\\"Kind\\\"\"}]}]}]}";

struct fixture {
	struct arena a;
	struct err e;
	struct form *f;
	struct form_def_errors errs;
	struct form_env env;
	struct form_check c;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	arena_init(&fx->a);
	fx->env.today = 20000;
	assert_int_equal(form_def_parse(FORM, strlen(FORM), &fx->a, &fx->f, &fx->errs, &fx->e), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	form_check_release(&fx->c);
	arena_release(&fx->a);
	free(fx);
	return 0;
}

/* Check `answers` (JSON text); returns the issues joined as "key:msg;". */
static const char *
check(struct fixture *fx, const char *answers)
{
	json_t *j = json_loads(answers, 0, NULL);
	char *out = arena_strdup(&fx->a, "");
	int rc;

	assert_non_null(j);
	form_check_release(&fx->c);
	rc = form_check_answers(fx->f, j, &fx->env, FORM_CHECK_ALL, 0, &fx->a, &fx->c, &fx->e);
	json_decref(j);
	assert_true(rc == 0 || rc == ERR_UNPROCESSABLE);
	for (size_t i = 0; i < fx->c.n_issues; i++)
		out = arena_printf(&fx->a, "%s%s:%s;", out, fx->c.issues[i].key,
				   fx->c.issues[i].msg + strlen("forms.err."));
	return out;
}

static const char *
def_errors(struct fixture *fx, const char *json)
{
	struct form *f;
	char *out = arena_strdup(&fx->a, "");

	if (form_def_parse(json, strlen(json), &fx->a, &f, &fx->errs, &fx->e) == 0)
		return "ok";
	for (size_t i = 0; i < fx->errs.n; i++)
		out = arena_printf(&fx->a, "%s%s|", out, fx->errs.v[i].path);
	return out;
}

static void
test_definition_errors_name_their_json_path(void **state)
{
	struct fixture *fx = *state;

	assert_string_equal(def_errors(fx, "[]"), "$|");
	assert_string_equal(def_errors(fx, "{\"id\": \"x\"}"), "$.version|$.title|$.steps|");
	assert_string_equal(
		def_errors(fx,
			   "{\"id\": \"x\", \"version\": 1, \"title\": \"T\", \"steps\": "
			   "[{\"title\": \"S\", \"fields\": [{\"key\": \"a\", \"type\": \"txt\", "
			   "\"label\": \"A\"}, {\"key\": \"a\", \"type\": \"select\", \"label\": "
			   "\"B\", \"visible_if\": \"zz == 1\"}]}], \"colour\": 1}"),
		"$.colour|$.steps[0].fields[0].type|$.steps[0].fields[1].key|"
		"$.steps[0].fields[1].visible_if|$.steps[0].fields[1].options|");
	assert_string_equal(
		def_errors(fx,
			   "{\"id\": \"x\", \"version\": 1, \"title\": \"T\", \"steps\": "
			   "[{\"title\": \"S\", \"fields\": [{\"key\": \"g\", \"type\": \"group\", "
			   "\"label\": \"G\", \"fields\": [{\"key\": \"h\", \"type\": \"group\", "
			   "\"label\": \"H\", \"fields\": []}]}, {\"key\": \"p\", \"type\": "
			   "\"text\", \"label\": \"P\", \"pattern\": \"(\"}]}]}"),
		"$.steps[0].fields[0].fields[0].type|$.steps[0].fields[1].pattern|");
	assert_string_equal(def_errors(fx, FORM), "ok");
}

static void
test_conditions_parse_safely_and_evaluate(void **state)
{
	struct fixture *fx = *state;
	struct form_expr *x;
	char deep[200];

	assert_int_equal(form_expr_parse("a == \"b\" and (c > 2 or not d)", &fx->a, &x, &fx->e), 0);
	assert_int_equal(form_expr_parse("a ==", &fx->a, &x, &fx->e), ERR_INVALID);
	assert_int_equal(form_expr_parse("a = b", &fx->a, &x, &fx->e), ERR_INVALID);
	assert_int_equal(form_expr_parse("system(\"rm\")", &fx->a, &x, &fx->e), ERR_INVALID);
	memset(deep, '(', 100);
	snprintf(deep + 100, sizeof(deep) - 100, "a");
	assert_int_equal(form_expr_parse(deep, &fx->a, &x, &fx->e), ERR_INVALID);
	assert_non_null(strstr(fx->e.detail, "deeply"));
}

static void
test_values_are_checked_by_their_rules(void **state)
{
	char iban[40];
	int64_t d;
	char out[11];

	(void)state;
	assert_true(form_iban_ok("de89 3704 0044 0532 0130 00", iban, sizeof(iban)));
	assert_string_equal(iban, "DE89370400440532013000");
	assert_false(form_iban_ok("DE89370400440532013001", NULL, 0));
	assert_false(form_iban_ok("DE8937040044053201300", NULL, 0)); /* one digit short */
	assert_true(form_iban_ok("AT611904300234573201", NULL, 0));
	assert_true(form_email_ok("a.b@stadt.de"));
	assert_false(form_email_ok("a@b"));
	assert_false(form_email_ok("<a@b.de>"));
	assert_true(form_phone_ok("+49 4131 123456"));
	assert_false(form_phone_ok("0800-CALL"));
	assert_false(form_phone_ok("12+34"));
	assert_true(form_date_parse("29.02.2024", &d));
	form_date_format(d, out);
	assert_string_equal(out, "2024-02-29");
	assert_false(form_date_parse("2023-02-29", &d));
	assert_false(form_date_parse("2023-13-01", &d));
}

static void
test_answers_are_validated_per_type_with_conditions(void **state)
{
	struct fixture *fx = *state;

	assert_string_equal(check(fx, "{}"), "name:required;art:required;");
	assert_string_equal(check(fx, "{\"name\": \"Erika\", \"art\": \"a\", \"nur_b\": \"x\"}"),
			    "");
	assert_string_equal(check(fx, "{\"name\": \"Erika\", \"art\": \"b\"}"), "nur_b:required;");
	assert_string_equal(check(fx, "{\"name\": \"Erika\", \"art\": \"b\", \"nur_b\": \"3,0\"}"),
			    "");
	assert_int_equal(json_integer_value(json_object_get(fx->c.clean, "nur_b")), 3);
	assert_string_equal(check(fx, "{\"name\": \"Erika Mustermann\", \"art\": \"c\", "
				      "\"plz\": \"1234a\"}"),
			    "name:too_long;plz:pattern;art:option;");
	assert_string_equal(check(fx, "{\"name\": \"E\", \"art\": \"a\", \"tag\": \"1970-01-01\"}"),
			    "tag:date_min;");
	assert_string_equal(check(fx, "{\"name\": \"E\", \"art\": \"a\", \"wahl\": [\"y\"]}"),
			    "grund:required;");
	assert_string_equal(check(fx, "{\"name\": \"E\", \"art\": \"b\", \"nur_b\": 2, "
				      "\"wahl\": [\"y\", \"z\"]}"),
			    "wahl:option;");
	assert_string_equal(check(fx, "{\"name\": \"E\\u0007\", \"art\": \"a\"}"), "name:control;");
}

static void
test_groups_check_each_entry_with_its_own_conditions(void **state)
{
	struct fixture *fx = *state;

	assert_string_equal(check(fx, "{\"name\": \"E\", \"art\": \"a\", \"leute\": "
				      "[{\"name\": \"Kind\"}, {\"name\": \"Oma\"}]}"),
			    "leute[0].alter:required;");
	assert_string_equal(check(fx, "{\"name\": \"E\", \"art\": \"a\", \"leute\": "
				      "[{\"name\": \"A\"}, {\"name\": \"B\"}, {\"name\": \"C\"}]}"),
			    "leute:many;");
	assert_string_equal(check(fx, "{\"name\": \"E\", \"art\": \"a\", \"leute\": [1]}"),
			    "leute[0]:type;");
	assert_string_equal(check(fx, "{\"name\": \"E\", \"art\": \"a\", \"leute\": "
				      "[{\"name\": \"Kind\", \"alter\": 4}]}"),
			    "");
}

/* ---- On the database ----------------------------------------------------- */

static const char TENANTS_JSON[] =
	"{\"tenants\": [\n"
	" {\"slug\": \"luenen\", \"name\": \"Stadt Lünen\", \"kind\": \"stadt\",\n"
	"  \"ars\": \"059780024024\", \"parent\": null, \"languages\": [\"de\"],\n"
	"  \"theme\": {\"primary\": \"#2E6B30\"}}\n"
	"]}\n";

static void
test_cases_are_numbered_per_tenant_and_keys_replay(void **state)
{
	struct fixture *fx = *state;
	struct scratch_db g;
	struct tenant *t;
	struct form *f;
	struct form_submission s = {0};
	const char *n1, *n2, *n3;
	char path[600], prefix[16];
	bool changed, replayed;
	int saved, upd;
	json_t *ans = json_object();

	snprintf(path, sizeof(path), "%s/tenants.json", scratch_dir());
	scratch_write(path, TENANTS_JSON);
	ASSERT_OK(&fx->e, scratch_db_open(&g, true, &fx->e));
	ASSERT_OK(&fx->e, tenant_import_json(g.db, path, &saved, &upd, &fx->e));
	ASSERT_OK(&fx->e, tenant_find_by_slug(g.db, "luenen", &fx->a, &t, &fx->e));
	form_case_prefix(t, prefix, sizeof(prefix));
	assert_string_equal(prefix, "LUE");
	ASSERT_OK(&fx->e, form_save(g.db, t, FORM, strlen(FORM), 1, &fx->errs, &changed, &fx->e));
	assert_true(changed);
	ASSERT_OK(&fx->e, form_save(g.db, t, FORM, strlen(FORM), 2, &fx->errs, &changed, &fx->e));
	assert_false(changed);
	ASSERT_OK(&fx->e, form_load(g.db, t, "probe", &fx->a, &f, NULL, &fx->e));
	s = (struct form_submission){.form = f,
				     .answers = ans,
				     .channel = "api",
				     .idem_key = "k1",
				     .fingerprint = "fp",
				     .now = 1798761600}; /* 2027-01-01 */
	ASSERT_OK(&fx->e, form_submit(g.db, t, &s, &fx->a, &n1, &replayed, &fx->e));
	assert_false(replayed);
	ASSERT_OK(&fx->e, form_submit(g.db, t, &s, &fx->a, &n2, &replayed, &fx->e));
	assert_true(replayed);
	assert_string_equal(n1, "LUE-2027-000001");
	assert_string_equal(n2, n1);
	s.fingerprint = "other";
	assert_int_equal(form_submit(g.db, t, &s, &fx->a, &n3, &replayed, &fx->e),
			 ERR_UNPROCESSABLE);
	s.idem_key = NULL;
	ASSERT_OK(&fx->e, form_submit(g.db, t, &s, &fx->a, &n3, &replayed, &fx->e));
	assert_string_equal(n3, "LUE-2027-000002");
	assert_int_equal(scratch_int64(g.db, "SELECT count(*) FROM form_case"), 2);
	json_decref(ans);
	scratch_db_close(&g);
}

/* A copy of FORM whose id is `id` (5 characters, like "probe"), in `a`. */
static const char *
form_with_id(struct arena *a, const char *id)
{
	char *s = arena_strdup(a, FORM);

	memcpy(strstr(s, "probe"), id, 5);
	return s;
}

static void
test_stored_definitions_are_parsed_once_and_shared(void **state)
{
	struct fixture *fx = *state;
	struct arena keep, other;
	struct form *f1, *f2, *f3, *g;

	arena_init(&keep);
	arena_init(&other);
	ASSERT_OK(&fx->e, form_def_cached(form_with_id(&fx->a, "probe"), &keep, &f1, &fx->e));
	ASSERT_OK(&fx->e, form_def_cached(form_with_id(&fx->a, "probe"), &other, &f2, &fx->e));
	assert_ptr_equal(f1, f2);
	ASSERT_OK(&fx->e, form_def_cached(form_with_id(&fx->a, "other"), &other, &g, &fx->e));
	assert_ptr_not_equal(f1, g);
	assert_string_equal(g->id, "other");
	assert_int_equal(form_def_cached("{\"id\": 1}", &other, &g, &fx->e), ERR_UNPROCESSABLE);
	arena_release(&other);
	/* Thousands of other versions push it out of the table, but its user keeps it. */
	for (int i = 0; i < 4000; i++) {
		arena_init(&other);
		ASSERT_OK(&fx->e,
			  form_def_cached(form_with_id(&other, arena_printf(&other, "p%04d", i)),
					  &other, &g, &fx->e));
		arena_release(&other);
	}
	assert_string_equal(f1->id, "probe");
	assert_int_equal(f1->n_steps, 2);
	arena_init(&other);
	ASSERT_OK(&fx->e, form_def_cached(form_with_id(&fx->a, "probe"), &other, &f3, &fx->e));
	assert_ptr_not_equal(f1, f3);
	assert_string_equal(f3->id, "probe");
	arena_release(&other);
	arena_release(&keep);
}

int
main(void)
{
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		TEST(test_definition_errors_name_their_json_path),
		TEST(test_conditions_parse_safely_and_evaluate),
		TEST(test_values_are_checked_by_their_rules),
		TEST(test_answers_are_validated_per_type_with_conditions),
		TEST(test_groups_check_each_entry_with_its_own_conditions),
		TEST(test_cases_are_numbered_per_tenant_and_keys_replay),
		TEST(test_stored_definitions_are_parsed_once_and_shared),
	};
#undef TEST
	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
