/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the form editor's pure side (src/features/forms/
 * form_def_edit.c): the body staff edit, composing it into a checked
 * definition, and the top-level three-way merge of an adopted form.
 */
#include "features/forms/forms.h"

#include "core/arena.h"
#include "core/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* After the headers it needs. */
#include <cmocka.h>

static const char STEPS_A[] = "[{\"title\": \"S\", \"fields\": [{\"key\": \"a\", \"type\": "
			      "\"text\", \"label\": \"A\"}]}]";
static const char STEPS_B[] = "[{\"title\": \"S\", \"fields\": [{\"key\": \"b\", \"type\": "
			      "\"text\", \"label\": \"B\"}]}]";

static json_t *
doc(const char *title, const char *steps, const char *consent)
{
	json_t *o = json_pack("{s:s, s:o}", "title", title, "steps", json_loads(steps, 0, NULL));

	if (consent)
		json_object_set_new(o, "consent", json_string(consent));
	return o;
}

static bool
listed(const char **v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], key) == 0)
			return true;
	return false;
}

static void
test_a_change_on_one_side_wins_and_local_changes_stay(void **state)
{
	json_t *base = doc("T", STEPS_A, "x"), *ours = doc("T", STEPS_A, "lokal"),
	       *theirs = doc("Neu", STEPS_B, "x");
	struct form_merge m;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(form_merge3(base, ours, theirs, &a, &m), 0);
	assert_int_equal(m.n_conflicts, 0);
	assert_string_equal(json_string_value(json_object_get(m.result, "consent")), "lokal");
	assert_string_equal(json_string_value(json_object_get(m.result, "title")), "Neu");
	assert_true(
		json_equal(json_object_get(m.result, "steps"), json_object_get(theirs, "steps")));
	assert_true(listed(m.kept, m.n_kept, "consent"));
	assert_true(listed(m.taken, m.n_taken, "steps") && listed(m.taken, m.n_taken, "title"));
	json_decref(m.result);
	json_decref(base);
	json_decref(ours);
	json_decref(theirs);
	arena_release(&a);
}

static void
test_different_changes_of_one_member_conflict_and_keep_the_local_value(void **state)
{
	json_t *base = doc("T", STEPS_A, NULL), *ours = doc("T", STEPS_B, NULL),
	       *theirs = doc("T", "[]", "neu");
	struct form_merge m;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(form_merge3(base, ours, theirs, &a, &m), 0);
	assert_int_equal(m.n_conflicts, 1);
	assert_string_equal(m.conflicts[0], "steps");
	assert_true(json_equal(json_object_get(m.result, "steps"), json_object_get(ours, "steps")));
	assert_string_equal(json_string_value(json_object_get(m.result, "consent")), "neu");
	json_decref(m.result);
	json_decref(base);
	json_decref(ours);
	json_decref(theirs);
	arena_release(&a);
}

static void
test_a_member_removed_upstream_goes_and_one_removed_locally_stays_gone(void **state)
{
	json_t *base = doc("T", STEPS_A, "x"), *ours = doc("T", STEPS_A, "x"),
	       *theirs = doc("T", STEPS_A, NULL);
	struct form_merge m;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(form_merge3(base, ours, theirs, &a, &m), 0);
	assert_null(json_object_get(m.result, "consent"));
	json_decref(m.result);
	assert_int_equal(form_merge3(base, theirs, base, &a, &m), 0);
	assert_null(json_object_get(m.result, "consent"));
	assert_int_equal(m.n_conflicts, 0);
	json_decref(m.result);
	json_decref(ours);
	ours = json_array();
	assert_int_equal(form_merge3(base, ours, base, &a, &m), ERR_INVALID);
	json_decref(base);
	json_decref(ours);
	json_decref(theirs);
	arena_release(&a);
}

static void
test_the_body_is_composed_with_the_managed_members_and_checked(void **state)
{
	static const char body[] = "{\"id\": \"anders\", \"version\": 9, \"title\": \"Alt\", "
				   "\"steps\": [{\"title\": \"S\", \"fields\": [{\"key\": \"a\", "
				   "\"type\": \"txt\", \"label\": \"A\"}]}]}";
	struct form_def_errors errs;
	struct form *f = NULL;
	const char *json = NULL;
	struct arena a;
	struct err e = {0};

	(void)state;
	arena_init(&a);
	assert_int_equal(form_def_compose(body, strlen(body), "baum", 3, "Baum", "", &a, &json, &f,
					  &errs, &e),
			 ERR_UNPROCESSABLE);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].path, "$.steps[0].fields[0].type");
	assert_int_equal(form_def_compose("{\"steps\": [", 11, "baum", 3, "Baum", "", &a, &json, &f,
					  &errs, &e),
			 ERR_INVALID);
	assert_string_equal(errs.v[0].path, "$");
	assert_non_null(strstr(errs.v[0].msg, "line 1"));
	assert_int_equal(form_def_compose(STEPS_A, strlen(STEPS_A), "baum", 3, "Baum", "", &a,
					  &json, &f, &errs, &e),
			 ERR_INVALID);
	arena_release(&a);
}

static void
test_a_valid_body_gets_id_version_and_title_of_the_editor(void **state)
{
	static const char body[] = "{\"id\": \"anders\", \"version\": 9, \"title\": \"Alt\", "
				   "\"steps\": [{\"title\": \"S\", \"fields\": [{\"key\": \"a\", "
				   "\"type\": \"text\", \"label\": \"A\"}]}]}";
	struct form_def_errors errs;
	struct form *f = NULL;
	const char *json = NULL;
	json_t *def, *b;
	struct arena a;
	struct err e = {0};

	(void)state;
	arena_init(&a);
	assert_int_equal(form_def_compose(body, strlen(body), "baum", 3, "Baum", "99102013000000",
					  &a, &json, &f, &errs, &e),
			 0);
	assert_string_equal(f->id, "baum");
	assert_int_equal(f->version, 3);
	assert_string_equal(f->title, "Baum");
	assert_string_equal(f->leika, "99102013000000");
	def = json_loads(json, 0, NULL);
	b = form_def_body(def);
	assert_int_equal(json_object_size(b), 1);
	assert_non_null(json_object_get(b, "steps"));
	json_decref(b);
	json_decref(def);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_change_on_one_side_wins_and_local_changes_stay),
		cmocka_unit_test(
			test_different_changes_of_one_member_conflict_and_keep_the_local_value),
		cmocka_unit_test(
			test_a_member_removed_upstream_goes_and_one_removed_locally_stays_gone),
		cmocka_unit_test(test_the_body_is_composed_with_the_managed_members_and_checked),
		cmocka_unit_test(test_a_valid_body_gets_id_version_and_title_of_the_editor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
