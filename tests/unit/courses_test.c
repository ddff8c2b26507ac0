/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the pure parts of the courses: the fee as typed by staff, the
 * sessions one a line in Europe/Berlin (across the change to winter time),
 * the whole staff form with its field errors, and slugs.  Booking, the
 * waiting list and the pages are tested against both backends in
 * tests/integration/test_courses.py and test_courses_staff.py.
 */
#include "features/courses/crs_int.h"

#include "core/civil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void
test_fees_in_euros_and_cents(void **state)
{
	(void)state;
	assert_int_equal(crs_fee_parse("0"), 0);
	assert_int_equal(crs_fee_parse("45"), 4500);
	assert_int_equal(crs_fee_parse("45,5"), 4550);
	assert_int_equal(crs_fee_parse("45,50"), 4550);
	assert_int_equal(crs_fee_parse("45.05"), 4505);
	assert_int_equal(crs_fee_parse("100000"), 10000000);
	assert_int_equal(crs_fee_parse(""), -1);
	assert_int_equal(crs_fee_parse("-5"), -1);
	assert_int_equal(crs_fee_parse("45,505"), -1);
	assert_int_equal(crs_fee_parse("45 €"), -1);
	assert_int_equal(crs_fee_parse("100001"), -1);
	assert_int_equal(crs_fee_parse("9999999"), -1);
	assert_int_equal(crs_fee_parse(",50"), -1);
}

static void
test_sessions_are_local_times_in_order(void **state)
{
	struct crs_session s[CRS_SESSIONS_MAX];
	size_t n = 0;
	int64_t t;

	(void)state;
	/* The Saturday before and the Monday after the change to winter time 2026. */
	assert_int_equal(
		crs_sessions_parse("2026-10-24 18:00-19:30\r\n\n2026-10-26 18:00\xe2\x80\x93"
				   "19:30\n",
				   s, &n),
		0);
	assert_int_equal(n, 2);
	assert_int_equal(civil_local_to_utc("2026-10-24T18:00", &t), 0);
	assert_int_equal(s[0].starts_at, t);
	assert_int_equal(s[0].ends_at - s[0].starts_at, 90 * 60);
	assert_int_equal(s[1].starts_at - s[0].starts_at, 2 * 86400 + 3600);
	assert_int_equal(crs_sessions_parse("", s, &n), -1);
	assert_int_equal(crs_sessions_parse("2026-10-24 19:00-18:00", s, &n), -1);
	assert_int_equal(
		crs_sessions_parse("2026-10-26 18:00-19:00\n2026-10-24 18:00-19:00", s, &n), -1);
	assert_int_equal(
		crs_sessions_parse("2026-10-24 18:00-19:00\n2026-10-24 18:00-19:00", s, &n), -1);
	assert_int_equal(crs_sessions_parse("2026-02-30 18:00-19:00", s, &n), -1);
	assert_int_equal(crs_sessions_parse("24.10.2026 18:00-19:00", s, &n), -1);
	assert_int_equal(crs_sessions_parse("2026-10-24 18:00-19:00 und mehr", s, &n), -1);
}

static void
test_too_many_sessions_are_refused(void **state)
{
	struct crs_session s[CRS_SESSIONS_MAX];
	char text[(CRS_SESSIONS_MAX + 1) * 24 + 1], *p = text;
	size_t n = 0;

	(void)state;
	for (int i = 0; i <= CRS_SESSIONS_MAX; i++) {
		struct civil_local l;

		civil_day(civil_days(2027, 1, 1) + i, &l);
		p += snprintf(p, 24, "%04d-%02d-%02d 10:00-11:00\n", l.year, l.month, l.day);
	}
	assert_int_equal(crs_sessions_parse(text, s, &n), -1);
}

static void
test_the_form_names_each_bad_field(void **state)
{
	struct crs_form f = {.value = {"Kurs", "kurs-1", "", "", "VHS", "sprache", "12,00", "8",
				       "2027-01-01T08:00", "2027-01-10T08:00", "VHS-Haus", "",
				       "2027-01-12 18:00-19:30"}};
	struct crs_course c = {0};
	struct arena a;

	(void)state;
	arena_init(&a);
	crs_form_check(&f, &a, &c);
	assert_int_equal(f.n_errors, 0);
	assert_int_equal(c.fee_cents, 1200);
	assert_int_equal(c.capacity, 8);
	assert_int_equal(c.n_sessions, 1);
	assert_true(c.registration_opens < c.registration_closes);
	f.value[CRS_F_TITLE] = "";
	f.value[CRS_F_SLUG] = "Kurs 1";
	f.value[CRS_F_CATEGORY] = "zauberei";
	f.value[CRS_F_CAPACITY] = "8x";
	f.value[CRS_F_CLOSES] = "2026-12-31T08:00";
	f.value[CRS_F_SUMMARY] = "zwei\nZeilen";
	crs_form_check(&f, &a, &c);
	assert_int_equal(f.n_errors, 6);
	assert_string_equal(f.error[CRS_F_TITLE], "crs.staff.err.title");
	assert_string_equal(f.error[CRS_F_CLOSES], "crs.staff.err.closes");
	assert_null(f.error[CRS_F_OPENS]);
	arena_release(&a);
}

static void
test_slugs(void **state)
{
	(void)state;
	assert_true(crs_slug_valid("englisch-a1"));
	assert_false(crs_slug_valid(""));
	assert_false(crs_slug_valid("-a"));
	assert_false(crs_slug_valid("a-"));
	assert_false(crs_slug_valid("A"));
	assert_false(crs_slug_valid("a/b"));
	assert_true(crs_category_valid("edv"));
	assert_false(crs_category_valid(NULL));
	assert_false(crs_category_valid("EDV"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fees_in_euros_and_cents),
		cmocka_unit_test(test_sessions_are_local_times_in_order),
		cmocka_unit_test(test_too_many_sessions_are_refused),
		cmocka_unit_test(test_the_form_names_each_bad_field),
		cmocka_unit_test(test_slugs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
