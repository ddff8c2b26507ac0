/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the pure parts of the appointments' staff side: CSV cells that
 * no spreadsheet runs as a formula, the steps a booking's status may take,
 * local midnight across the summer-time changes, and conflicts of bookings
 * with a blocked time.  The pages and storage are tested against both
 * backends in tests/integration/test_appointments_staff.py.
 */
#include "features/appointments/appt_staff.h"

#include "core/buf.h"
#include "core/civil.h"
#include "core/csv_out.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define HM(h, m) ((h)*60 + (m))

static void
assert_cell(const char *in, const char *want)
{
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(csv_cell(&b, in), 0);
	assert_string_equal(b.p, want);
	buf_release(&b);
}

static void
test_csv_cells_are_quoted_and_formulas_defused(void **state)
{
	(void)state;
	assert_cell("Erika Mustermann", "\"Erika Mustermann\"");
	assert_cell("", "\"\"");
	assert_cell("Müller; \"Max\", Jr.", "\"Müller; \"\"Max\"\", Jr.\"");
	assert_cell("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_cell("+49 1", "\"'+49 1\"");
	assert_cell("-2+3", "\"'-2+3\"");
	assert_cell("@SUM(A1)", "\"'@SUM(A1)\"");
	assert_cell("\tcmd", "\"'\tcmd\"");
	assert_cell("a=b", "\"a=b\"");
	assert_cell("Zeile 1\r\nZeile 2", "\"Zeile 1\r\nZeile 2\"");
}

static void
test_a_full_buffer_refuses_the_cell(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(csv_cell(&b, "a long name"), ERR_TOOBIG);
	buf_release(&b);
}

static void
test_status_steps_follow_the_visit(void **state)
{
	(void)state;
	assert_true(appt_status_may(APPT_BOOKED, APPT_CHECKED_IN));
	assert_true(appt_status_may(APPT_BOOKED, APPT_NO_SHOW));
	assert_false(appt_status_may(APPT_BOOKED, APPT_CALLED));
	assert_false(appt_status_may(APPT_BOOKED, APPT_DONE));
	assert_true(appt_status_may(APPT_CHECKED_IN, APPT_CALLED));
	assert_true(appt_status_may(APPT_CALLED, APPT_CALLED));
	assert_true(appt_status_may(APPT_CALLED, APPT_DONE));
	assert_true(appt_status_may(APPT_NO_SHOW, APPT_CHECKED_IN));
	assert_false(appt_status_may(APPT_DONE, APPT_CHECKED_IN));
	assert_false(appt_status_may(APPT_DONE, APPT_NO_SHOW));
	for (int to = 0; to < APPT_STATUS_N; to++)
		assert_false(appt_status_may(APPT_CANCELLED, (enum appt_status)to));
	assert_false(appt_status_may(APPT_CHECKED_IN, APPT_BOOKED));
	assert_false(appt_status_may(APPT_CHECKED_IN, APPT_CANCELLED));
}

static void
test_status_names_round_trip(void **state)
{
	enum appt_status s;

	(void)state;
	for (int i = 0; i < APPT_STATUS_N; i++) {
		assert_int_equal(appt_status_parse(appt_status_name((enum appt_status)i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(appt_status_parse("Checked_in", &s), ERR_INVALID);
	assert_int_equal(appt_status_parse(NULL, &s), ERR_INVALID);
}

static void
test_local_midnight_across_the_clock_changes(void **state)
{
	(void)state;
	/* 2026-03-29 starts in winter time, 2026-03-30 in summer time. */
	assert_int_equal(appt_day_start(civil_days(2026, 3, 29)), 1774738800);
	assert_int_equal(appt_day_start(civil_days(2026, 3, 30)), 1774821600);
	/* 2026-10-25 starts in summer time, 2026-10-26 in winter time. */
	assert_int_equal(appt_day_start(civil_days(2026, 10, 25)), 1792879200);
	assert_int_equal(appt_day_start(civil_days(2026, 10, 26)), 1792969200);
}

static void
test_bookings_inside_a_block_are_conflicts(void **state)
{
	static const struct appt_window week[] = {{1, 0, HM(8, 0), HM(12, 0), 2}};
	int64_t monday = civil_days(2026, 12, 7);
	struct appt_window block = {0, monday, HM(10, 0), HM(11, 0), 0};
	struct appt_location loc = {.schedule = {15, week, 1, &block, 1, NULL}};
	int64_t at8 = appt_day_start(monday) + 8 * 3600;
	struct appt_entry v[] = {
		{.starts_at = at8 + 3600, .units = 4, .status = APPT_BOOKED},	  /* 09:00-10:00 */
		{.starts_at = at8 + 6300, .units = 2, .status = APPT_CHECKED_IN}, /* 09:45-10:15 */
		{.starts_at = at8 + 9000, .units = 1, .status = APPT_CANCELLED},  /* 10:30 */
		{.starts_at = at8 + 10800, .units = 1, .status = APPT_BOOKED},	  /* 11:00 */
	};

	(void)state;
	appt_entries_mark(&loc, v, 4);
	assert_false(v[0].conflict);
	assert_true(v[1].conflict);
	assert_false(v[2].conflict);
	assert_false(v[3].conflict);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cells_are_quoted_and_formulas_defused),
		cmocka_unit_test(test_a_full_buffer_refuses_the_cell),
		cmocka_unit_test(test_status_steps_follow_the_visit),
		cmocka_unit_test(test_status_names_round_trip),
		cmocka_unit_test(test_local_midnight_across_the_clock_changes),
		cmocka_unit_test(test_bookings_inside_a_block_are_conflicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
