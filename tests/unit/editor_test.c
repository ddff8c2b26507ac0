/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the editor's pure parts: the LCS line diff, the workflow rules
 * (who may save, submit, publish and reject in which state), and the dates
 * of the editing forms (review-due dates, publication times in Berlin time).
 */
#include "features/editor/editor.h"

#include "auth/auth.h"
#include "core/civil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* The diff as one string: "=a|-b|+c|". */
static const char *
diff_str(const char *old, const char *new, struct arena *a)
{
	struct ed_diff_line *d;
	size_t n;
	const char *s = "";

	ed_diff(old, new, a, &d, &n);
	for (size_t i = 0; i < n; i++)
		s = arena_printf(a, "%s%c%s|", s, "=-+"[d[i].op], d[i].text);
	return s;
}

static void
test_diff_of_equal_texts_is_all_same(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(diff_str("a\nb\nc\n", "a\nb\nc\n", &a), "=a|=b|=c|");
	assert_string_equal(diff_str("", "", &a), "");
	arena_release(&a);
}

static void
test_diff_finds_a_changed_line_in_the_middle(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(diff_str("a\nb\nc\n", "a\nB\nc\n", &a), "=a|-b|+B|=c|");
	arena_release(&a);
}

static void
test_diff_of_insertions_and_deletions_keeps_the_common_subsequence(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	/* LCS of ABCABBA and CBABAC has length 4. */
	{
		const char *s = diff_str("A\nB\nC\nA\nB\nB\nA", "C\nB\nA\nB\nA\nC", &a);
		int same = 0, del = 0, ins = 0;

		for (const char *p = s; *p; p = strchr(p, '|') + 1) {
			same += *p == '=';
			del += *p == '-';
			ins += *p == '+';
		}
		assert_int_equal(same, 4);
		assert_int_equal(del, 3);
		assert_int_equal(ins, 2);
	}
	assert_string_equal(diff_str("", "x\ny\n", &a), "+x|+y|");
	assert_string_equal(diff_str("x\ny\n", "", &a), "-x|-y|");
	assert_string_equal(diff_str("x\ny\nz", "y", &a), "-x|=y|-z|");
	/* A missing final newline is no change of the last line. */
	assert_string_equal(diff_str("x\ny", "x\ny\n", &a), "=x|=y|");
	arena_release(&a);
}

static void
test_diff_of_long_texts_stays_bounded_and_complete(void **state)
{
	struct arena a;
	struct ed_diff_line *d;
	size_t n, del = 0, ins = 0, same = 0;
	char *x = NULL, *y = NULL;
	size_t lines = ED_DIFF_MAX_LINES + 500;

	(void)state;
	arena_init(&a);
	x = arena_alloc(&a, lines * 8 + 1);
	y = arena_alloc(&a, lines * 8 + 1);
	x[0] = y[0] = '\0';
	for (size_t i = 0; i < lines; i++) {
		snprintf(x + strlen(x), 9, "x%06zu\n", i);
		snprintf(y + strlen(y), 9, "y%06zu\n", i);
	}
	/* A shared first and last line around a middle that differs everywhere. */
	x[0] = y[0] = 's';
	ed_diff(x, y, &a, &d, &n);
	for (size_t i = 0; i < n; i++) {
		del += d[i].op == ED_DEL;
		ins += d[i].op == ED_INS;
		same += d[i].op == ED_SAME;
	}
	assert_int_equal(same, 1);
	assert_int_equal(del, lines - 1);
	assert_int_equal(ins, lines - 1);
	arena_release(&a);
}

static void
test_editors_save_and_submit_but_only_admins_publish_their_own(void **state)
{
	(void)state;
	assert_int_equal(ed_flow_check(ED_SAVE, ROLE_EDITOR, NULL, true), 0);
	assert_int_equal(ed_flow_check(ED_SUBMIT, ROLE_EDITOR, "draft", true), 0);
	assert_int_equal(ed_flow_check(ED_RESTORE, ROLE_EDITOR, "published", false), 0);
	assert_int_equal(ed_flow_check(ED_PUBLISH, ROLE_EDITOR, "review", true), ERR_FORBIDDEN);
	assert_int_equal(ed_flow_check(ED_PUBLISH, ROLE_EDITOR, "draft", false), ERR_FORBIDDEN);
	assert_int_equal(ed_flow_check(ED_PUBLISH, ROLE_EDITOR, NULL, true), ERR_FORBIDDEN);
	assert_int_equal(ed_flow_check(ED_PUBLISH, ROLE_ADMIN, NULL, true), 0);
	assert_int_equal(ed_flow_check(ED_PUBLISH, ROLE_ADMIN, "review", true), 0);
}

static void
test_another_editor_approves_or_rejects_a_submitted_change(void **state)
{
	(void)state;
	assert_int_equal(ed_flow_check(ED_PUBLISH, ROLE_EDITOR, "review", false), 0);
	assert_int_equal(ed_flow_check(ED_REJECT, ROLE_EDITOR, "review", false), 0);
	assert_int_equal(ed_flow_check(ED_REJECT, ROLE_EDITOR, "review", true), ERR_FORBIDDEN);
	assert_int_equal(ed_flow_check(ED_REJECT, ROLE_ADMIN, "review", true), 0);
	assert_int_equal(ed_flow_check(ED_REJECT, ROLE_ADMIN, "draft", false), ERR_CONFLICT);
	assert_int_equal(ed_flow_check(ED_REJECT, ROLE_ADMIN, NULL, false), ERR_CONFLICT);
}

static void
test_case_workers_and_strangers_may_do_nothing(void **state)
{
	(void)state;
	for (int a = ED_SAVE; a <= ED_RESTORE; a++) {
		assert_int_equal(ed_flow_check(a, ROLE_CASEWORKER, "review", false), ERR_FORBIDDEN);
		assert_int_equal(ed_flow_check(a, 0, "review", false), ERR_FORBIDDEN);
	}
	assert_int_equal(ed_action_parse("veroeffentlichen"), ED_PUBLISH);
	assert_int_equal(ed_action_parse("speichern"), ED_SAVE);
	assert_int_equal(ed_action_parse("publish"), -1);
	assert_int_equal(ed_action_parse(NULL), -1);
}

static void
test_dates_and_berlin_times_parse_strictly(void **state)
{
	int64_t t;
	char out[17];

	(void)state;
	assert_true(civil_date_valid("2026-02-28"));
	assert_true(civil_date_valid("2028-02-29"));
	assert_false(civil_date_valid("2026-02-29"));
	assert_false(civil_date_valid("2100-02-29"));
	assert_false(civil_date_valid("2026-13-01"));
	assert_false(civil_date_valid("2026-1-01"));
	assert_false(civil_date_valid("2026-01-01x"));
	assert_false(civil_date_valid("1999-12-31"));
	assert_false(civil_date_valid(""));
	/* Winter: UTC+1; summer: UTC+2. */
	assert_int_equal(civil_local_to_utc("2026-01-15T12:00", &t), 0);
	assert_int_equal(t, 1768474800);
	civil_utc_to_local(t, true, out);
	assert_string_equal(out, "2026-01-15T12:00");
	assert_int_equal(civil_local_to_utc("2026-07-01T08:30", &t), 0);
	assert_int_equal(t, 1782887400);
	civil_utc_to_local(t, false, out);
	assert_string_equal(out, "2026-07-01 08:30");
	assert_int_equal(civil_local_to_utc("2026-07-01T24:00", &t), ERR_INVALID);
	assert_int_equal(civil_local_to_utc("2026-07-01 08:30", &t), ERR_INVALID);
	assert_int_equal(civil_local_to_utc("2026-07-01T8:30", &t), ERR_INVALID);
	assert_int_equal(civil_local_to_utc("2026-07-01T08:30:00", &t), ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_of_equal_texts_is_all_same),
		cmocka_unit_test(test_diff_finds_a_changed_line_in_the_middle),
		cmocka_unit_test(
			test_diff_of_insertions_and_deletions_keeps_the_common_subsequence),
		cmocka_unit_test(test_diff_of_long_texts_stays_bounded_and_complete),
		cmocka_unit_test(test_editors_save_and_submit_but_only_admins_publish_their_own),
		cmocka_unit_test(test_another_editor_approves_or_rejects_a_submitted_change),
		cmocka_unit_test(test_case_workers_and_strangers_may_do_nothing),
		cmocka_unit_test(test_dates_and_berlin_times_parse_strictly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
