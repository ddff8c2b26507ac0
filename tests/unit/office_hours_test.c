/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the opening-hours logic (office_hours.c): open or closed at the
 * boundaries of intervals, lunch breaks, the next opening across weekends,
 * holidays and exceptions, summer-time switch days in Europe/Berlin, and
 * offices that see people by appointment only.  No database.
 *
 * The demo week: Mo 08:00-12:30, Di 08:00-12:30 and 14:00-16:00,
 * Mi 08:00-12:00, Do 08:00-12:30 and 14:00-18:00, Fr 08:00-12:00.
 */
#include "features/offices/office.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define HM(h, m) ((h)*60 + (m))

static const struct office_rule week[] = {
	{1, HM(8, 0), HM(12, 30), ""}, {2, HM(14, 0), HM(16, 0), ""}, {2, HM(8, 0), HM(12, 30), ""},
	{3, HM(8, 0), HM(12, 0), ""},  {4, HM(8, 0), HM(12, 30), ""}, {4, HM(14, 0), HM(18, 0), ""},
	{5, HM(8, 0), HM(12, 0), ""},
};

static struct office_hours
hours(void)
{
	return (struct office_hours){.rules = week, .n_rules = sizeof(week) / sizeof(week[0])};
}

/* Unix seconds of a UTC date and time. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = s};

	return (int64_t)timegm(&tm);
}

/* A local date and time as civil_local_at() would give it. */
static struct civil_local
at(int y, int mo, int d, int h, int mi)
{
	struct civil_local l;

	civil_day(utc(y, mo, d, 0, 0, 0) / 86400, &l);
	l.minute = HM(h, mi);
	return l;
}

static struct office_status
status(const struct office_hours *h, struct civil_local l)
{
	struct office_status st;

	office_status_at(h, &l, &st);
	return st;
}

static void
test_office_opens_on_the_minute_and_closes_on_the_minute(void **state)
{
	struct office_hours h = hours();
	struct office_status st;

	/* 2026-11-23 is a Monday. */
	st = status(&h, at(2026, 11, 23, 7, 59));
	assert_false(st.is_open);
	assert_true(st.has_next);
	assert_int_equal(st.next_days, 0);
	assert_int_equal(st.next_minute, HM(8, 0));
	st = status(&h, at(2026, 11, 23, 8, 0));
	assert_true(st.is_open);
	assert_int_equal(st.closes, HM(12, 30));
	assert_true(status(&h, at(2026, 11, 23, 12, 29)).is_open);
	st = status(&h, at(2026, 11, 23, 12, 30));
	assert_false(st.is_open);
	assert_int_equal(st.next_days, 1);
	assert_int_equal(st.next_weekday, 2);
	assert_int_equal(st.next_minute, HM(8, 0));
	assert_string_equal(st.next_date, "2026-11-24");
}

static void
test_lunch_break_is_closed_and_afternoon_opens_the_same_day(void **state)
{
	struct office_hours h = hours();
	struct office_status st = status(&h, at(2026, 11, 24, 13, 0));

	assert_false(st.is_open);
	assert_int_equal(st.next_days, 0);
	assert_int_equal(st.next_minute, HM(14, 0));
	st = status(&h, at(2026, 11, 24, 14, 0));
	assert_true(st.is_open);
	assert_int_equal(st.closes, HM(16, 0));
	st = status(&h, at(2026, 11, 24, 9, 0));
	assert_int_equal(st.closes, HM(12, 30)); /* rules given out of order are sorted */
}

static void
test_touching_intervals_close_at_the_end_of_the_last(void **state)
{
	static const struct office_rule v[] = {{1, HM(8, 0), HM(12, 0), ""},
					       {1, HM(12, 0), HM(15, 0), ""}};
	struct office_hours h = {.rules = v, .n_rules = 2};
	struct office_status st = status(&h, at(2026, 11, 23, 11, 0));

	assert_true(st.is_open);
	assert_int_equal(st.closes, HM(15, 0));
}

static void
test_friday_afternoon_opens_again_on_monday(void **state)
{
	struct office_hours h = hours();
	struct office_status st = status(&h, at(2026, 11, 27, 12, 0));

	assert_false(st.is_open);
	assert_int_equal(st.next_days, 3);
	assert_int_equal(st.next_weekday, 1);
	assert_int_equal(st.next_minute, HM(8, 0));
	assert_string_equal(st.next_date, "2026-11-30");
	st = status(&h, at(2026, 11, 29, 10, 0)); /* Sunday */
	assert_false(st.is_open);
	assert_int_equal(st.next_days, 1);
}

static void
test_holidays_close_and_the_next_opening_skips_them(void **state)
{
	static const struct office_holiday hol[] = {{"2026-12-25", "1. Weihnachtstag"},
						    {"2026-04-06", "Ostermontag"}};
	struct office_hours h = hours();
	struct office_status st;
	const char *note;
	struct office_rule v[4];
	struct civil_local l = at(2026, 4, 6, 9, 0);

	h.holidays = hol;
	h.n_holidays = 2;
	st = status(&h, l);
	assert_false(st.is_open);
	assert_int_equal(st.next_weekday, 2);
	assert_string_equal(st.next_date, "2026-04-07");
	assert_int_equal(office_day_intervals(&h, &l, v, 4, &note), 0);
	assert_string_equal(note, "Ostermontag");
	/* Thursday evening before Christmas: Friday is a holiday, then the weekend. */
	st = status(&h, at(2026, 12, 24, 18, 0));
	assert_int_equal(st.next_days, 4);
	assert_string_equal(st.next_date, "2026-12-28");
}

static void
test_exception_overrides_the_weekday_and_a_holiday(void **state)
{
	static const struct office_exception x[] = {
		{"2026-11-25", true, -1, -1, "Betriebsausflug"},
		{"2026-11-26", false, HM(10, 0), HM(11, 0), "Personalversammlung"},
		{"2026-12-25", false, HM(9, 0), HM(10, 0), "Sonderöffnung"},
	};
	static const struct office_holiday hol[] = {{"2026-12-25", "1. Weihnachtstag"}};
	struct office_hours h = hours();
	struct office_status st;

	h.exceptions = x;
	h.n_exceptions = 3;
	h.holidays = hol;
	h.n_holidays = 1;
	st = status(&h, at(2026, 11, 25, 9, 0)); /* a Wednesday, normally open */
	assert_false(st.is_open);
	assert_string_equal(st.next_date, "2026-11-26");
	assert_int_equal(st.next_minute, HM(10, 0));
	st = status(&h, at(2026, 11, 26, 15, 0)); /* Thursday afternoon replaced */
	assert_false(st.is_open);
	assert_int_equal(st.next_weekday, 5);
	assert_true(status(&h, at(2026, 11, 26, 10, 30)).is_open);
	assert_true(status(&h, at(2026, 12, 25, 9, 30)).is_open);
	assert_false(status(&h, at(2026, 12, 25, 10, 0)).is_open);
}

static void
test_summer_time_starts_and_ends_at_one_utc_on_the_last_sunday(void **state)
{
	struct civil_local l;

	assert_false(civil_berlin_dst(utc(2026, 3, 29, 0, 59, 59)));
	assert_true(civil_berlin_dst(utc(2026, 3, 29, 1, 0, 0)));
	assert_true(civil_berlin_dst(utc(2026, 10, 25, 0, 59, 59)));
	assert_false(civil_berlin_dst(utc(2026, 10, 25, 1, 0, 0)));
	assert_false(civil_berlin_dst(utc(2027, 1, 15, 12, 0, 0)));
	assert_true(civil_berlin_dst(utc(2027, 3, 28, 1, 0, 0))); /* last Sunday 2027 */
	civil_local_at(utc(2026, 3, 29, 0, 59, 0), &l);
	assert_int_equal(l.minute, HM(1, 59));
	civil_local_at(utc(2026, 3, 29, 1, 0, 0), &l);
	assert_int_equal(l.minute, HM(3, 0)); /* 02:00 local does not exist */
	civil_local_at(utc(2026, 10, 25, 0, 30, 0), &l);
	assert_int_equal(l.minute, HM(2, 30));
	civil_local_at(utc(2026, 10, 25, 1, 30, 0), &l);
	assert_int_equal(l.minute, HM(2, 30)); /* 02:30 local happens twice */
	assert_int_equal(l.weekday, 7);
}

static void
test_status_follows_local_time_around_midnight_and_switch_days(void **state)
{
	struct office_hours h = hours();
	struct civil_local l;
	struct office_status st;

	civil_local_at(utc(2026, 3, 30, 6, 0, 0), &l); /* Monday 08:00 CEST */
	assert_int_equal(l.weekday, 1);
	office_status_at(&h, &l, &st);
	assert_true(st.is_open);
	civil_local_at(utc(2026, 10, 26, 6, 59, 0), &l); /* Monday 07:59 CET */
	office_status_at(&h, &l, &st);
	assert_false(st.is_open);
	assert_int_equal(st.next_minute, HM(8, 0));
	civil_local_at(utc(2026, 11, 22, 23, 30, 0), &l); /* Monday 00:30 CET */
	assert_int_equal(l.weekday, 1);
	assert_int_equal(l.day, 23);
	assert_int_equal(l.minute, 30);
}

static void
test_appointment_only_office_is_never_open_but_names_its_next_times(void **state)
{
	struct office_hours h = hours();
	struct office_status st;

	h.appointment_only = true;
	st = status(&h, at(2026, 11, 23, 9, 0));
	assert_false(st.is_open);
	assert_true(st.appointment_only);
	assert_true(st.has_next);
	assert_int_equal(st.next_weekday, 2);
	assert_int_equal(st.next_minute, HM(8, 0));
}

static void
test_office_without_hours_has_no_next_opening(void **state)
{
	struct office_hours h = {0};
	struct office_status st = status(&h, at(2026, 11, 23, 9, 0));

	assert_false(st.is_open);
	assert_false(st.has_next);
}

static void
test_times_dates_and_lands_parse_strictly(void **state)
{
	char out[16];
	struct civil_local l;

	assert_int_equal(civil_parse_time("08:30"), HM(8, 30));
	assert_int_equal(civil_parse_time("24:00"), HM(24, 0));
	assert_int_equal(civil_parse_time("24:01"), -1);
	assert_int_equal(civil_parse_time("8:30"), -1);
	assert_int_equal(civil_parse_time("08:60"), -1);
	assert_int_equal(civil_parse_time("08-30"), -1);
	assert_int_equal(civil_parse_time(""), -1);
	civil_format_time(HM(7, 5), out);
	assert_string_equal(out, "07:05");
	civil_day(utc(2028, 2, 29, 0, 0, 0) / 86400, &l);
	civil_format_date(&l, out);
	assert_string_equal(out, "2028-02-29");
	assert_int_equal(l.weekday, 2);
	civil_day(0, &l);
	assert_int_equal(l.weekday, 4); /* 1970-01-01 was a Thursday */
	assert_string_equal(office_land_of_ars("033550022022"), "NI");
	assert_string_equal(office_land_of_ars("059780024024"), "NW");
	assert_string_equal(office_land_of_ars("160000000000"), "TH");
	assert_null(office_land_of_ars("000000000000"));
	assert_null(office_land_of_ars("170000000000"));
	assert_null(office_land_of_ars(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_office_opens_on_the_minute_and_closes_on_the_minute),
		cmocka_unit_test(test_lunch_break_is_closed_and_afternoon_opens_the_same_day),
		cmocka_unit_test(test_touching_intervals_close_at_the_end_of_the_last),
		cmocka_unit_test(test_friday_afternoon_opens_again_on_monday),
		cmocka_unit_test(test_holidays_close_and_the_next_opening_skips_them),
		cmocka_unit_test(test_exception_overrides_the_weekday_and_a_holiday),
		cmocka_unit_test(test_summer_time_starts_and_ends_at_one_utc_on_the_last_sunday),
		cmocka_unit_test(test_status_follows_local_time_around_midnight_and_switch_days),
		cmocka_unit_test(
			test_appointment_only_office_is_never_open_but_names_its_next_times),
		cmocka_unit_test(test_office_without_hours_has_no_next_opening),
		cmocka_unit_test(test_times_dates_and_lands_parse_strictly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
