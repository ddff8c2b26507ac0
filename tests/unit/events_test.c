/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the event calendar's pure parts (features/events/ev_int.h): the
 * RRULE subset, the expansion of recurring events in Europe/Berlin (summer
 * time changes, the 31st, leap days, COUNT, UNTIL, exception dates) and the
 * calendar's query parameters.
 */
#include "features/events/ev_int.h"

#include "core/civil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static int64_t
day(const char *iso)
{
	int64_t d = 0;

	assert_true(civil_parse_date(iso, &d));
	return d;
}

/* Expand and return the count; *out lives in `a`. */
static size_t
expand(struct arena *a, const char *starts, const char *ends, const char *rrule,
       const char *exdates, const char *horizon, struct ev_occ **out)
{
	struct ev_when w = {starts, ends, false, rrule, exdates};
	struct err e = {0};
	size_t n = 0;

	assert_int_equal(ev_expand(&w, day(horizon), a, out, &n, &e), 0);
	return n;
}

static void
assert_local(int64_t utc, const char *want)
{
	char s[CIVIL_DATETIME_LEN + 1];

	civil_utc_to_local(utc, true, s);
	assert_string_equal(s, want);
}

static void
test_weekly_ten_oclock_stays_ten_across_both_clock_changes(void **state)
{
	struct arena a;
	struct ev_occ *o;
	size_t n;

	(void)state;
	arena_init(&a);
	/* Sundays around the last Sunday of October 2026 (25th): summer, then winter time. */
	n = expand(&a, "2026-10-18T10:00", "2026-10-18T11:30", "FREQ=WEEKLY;BYDAY=SU", "",
		   "2026-11-01", &o);
	assert_int_equal(n, 3);
	assert_local(o[0].starts_at, "2026-10-18T10:00");
	assert_local(o[1].starts_at, "2026-10-25T10:00");
	assert_local(o[2].starts_at, "2026-11-01T10:00");
	assert_int_equal(o[1].starts_at - o[0].starts_at, 7 * 86400 + 3600);
	assert_int_equal(o[2].ends_at - o[2].starts_at, 90 * 60);
	/* And across the last Sunday of March 2027 (28th): one hour shorter a week. */
	n = expand(&a, "2027-03-21T10:00", "2027-03-21T11:00", "FREQ=WEEKLY;BYDAY=SU", "",
		   "2027-04-04", &o);
	assert_int_equal(n, 3);
	assert_local(o[1].starts_at, "2027-03-28T10:00");
	assert_local(o[2].starts_at, "2027-04-04T10:00");
	assert_int_equal(o[1].starts_at - o[0].starts_at, 7 * 86400 - 3600);
	arena_release(&a);
}

static void
test_monthly_on_the_31st_skips_shorter_months(void **state)
{
	struct arena a;
	struct ev_occ *o;
	size_t n;

	(void)state;
	arena_init(&a);
	n = expand(&a, "2027-01-31T18:00", "2027-01-31T20:00", "FREQ=MONTHLY;BYMONTHDAY=31", "",
		   "2027-12-31", &o);
	assert_int_equal(n, 7); /* Jan, Mar, May, Jul, Aug, Oct, Dec */
	assert_local(o[1].starts_at, "2027-03-31T18:00");
	assert_local(o[4].starts_at, "2027-08-31T18:00");
	assert_local(o[6].starts_at, "2027-12-31T18:00");
	arena_release(&a);
}

static void
test_monthly_on_the_29th_meets_the_leap_day_only_in_leap_years(void **state)
{
	struct arena a;
	struct ev_occ *o;
	size_t n;

	(void)state;
	arena_init(&a);
	n = expand(&a, "2027-01-29T09:00", "2027-01-29T10:00", "FREQ=MONTHLY;BYMONTHDAY=29", "",
		   "2028-03-31", &o);
	/* 2027: Jan, Mar..Dec (no 29 Feb) = 11; 2028: Jan, Feb 29, Mar = 3. */
	assert_int_equal(n, 14);
	assert_local(o[1].starts_at, "2027-03-29T09:00");
	assert_local(o[12].starts_at, "2028-02-29T09:00");
	arena_release(&a);
}

static void
test_nth_weekday_count_until_and_exceptions(void **state)
{
	struct arena a;
	struct ev_occ *o;
	size_t n;

	(void)state;
	arena_init(&a);
	n = expand(&a, "2026-12-05T09:00", "2026-12-05T14:00", "FREQ=MONTHLY;BYDAY=1SA;COUNT=3", "",
		   "2027-12-31", &o);
	assert_int_equal(n, 3);
	assert_local(o[1].starts_at, "2027-01-02T09:00");
	assert_local(o[2].starts_at, "2027-02-06T09:00");
	n = expand(&a, "2026-12-25T19:00", "2026-12-25T21:00", "FREQ=MONTHLY;BYDAY=-1FR", "",
		   "2027-03-31", &o);
	assert_int_equal(n, 4);
	assert_local(o[3].starts_at, "2027-03-26T19:00");
	n = expand(&a, "2026-12-01T07:00", "2026-12-01T13:00",
		   "FREQ=WEEKLY;BYDAY=TU,SA;UNTIL=20261215", "2026-12-08, 2026-12-12", "2027-12-31",
		   &o);
	/* Tue 1, Sat 5, (Tue 8), (Sat 12), Tue 15 */
	assert_int_equal(n, 3);
	assert_local(o[2].starts_at, "2026-12-15T07:00");
	arena_release(&a);
}

static void
test_all_day_and_multi_day_events_end_at_local_midnight(void **state)
{
	struct ev_when w = {"2026-12-24T00:00", "2026-12-26T00:00", true, "", ""};
	struct arena a;
	struct ev_occ *o;
	struct err e = {0};
	size_t n;

	(void)state;
	arena_init(&a);
	assert_int_equal(ev_expand(&w, day("2027-01-01"), &a, &o, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_local(o[0].starts_at, "2026-12-24T00:00");
	assert_local(o[0].ends_at, "2026-12-27T00:00");
	assert_int_equal(o[0].end_day - o[0].start_day, 2);
	arena_release(&a);
}

static void
test_rules_outside_the_subset_are_refused(void **state)
{
	static const char *const bad[] = {
		"FREQ=DAILY",
		"FREQ=YEARLY;BYMONTH=2",
		"FREQ=WEEKLY;BYDAY=1MO",
		"FREQ=MONTHLY;BYDAY=5FR",
		"FREQ=MONTHLY;BYDAY=-2FR",
		"FREQ=MONTHLY;BYDAY=1MO,2TU",
		"FREQ=MONTHLY;BYMONTHDAY=32",
		"FREQ=MONTHLY;BYMONTHDAY=15;BYDAY=1MO",
		"FREQ=WEEKLY;COUNT=3;UNTIL=20270101",
		"FREQ=WEEKLY;FREQ=WEEKLY",
		"FREQ=WEEKLY;INTERVAL=0",
		"FREQ=WEEKLY;BYHOUR=10",
		"BYDAY=MO",
		"FREQ=WEEKLY;BYDAY=MO,MO",
		"FREQ=WEEKLY;UNTIL=20270230",
		"FREQ=WEEKLY;;",
		"FREQ",
	};
	struct ev_rrule r;
	struct err e = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ev_rrule_parse(bad[i], &r, &e) != ERR_INVALID)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(ev_rrule_parse("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;WKST=MO", &r, &e),
			 0);
	assert_int_equal(r.interval, 2);
	assert_int_equal(r.weekdays, (1u << 1) | (1u << 5));
}

static void
test_bad_times_are_refused_with_the_field(void **state)
{
	struct ev_when w = {"2026-12-05T10:00", "2026-12-05T09:00", false, "", ""};
	struct err e = {0};

	(void)state;
	assert_int_equal(ev_when_check(&w, &e), ERR_INVALID);
	assert_string_equal(e.user, "ev.err.ends");
	w.starts = "2026-13-05T10:00";
	assert_int_equal(ev_when_check(&w, &e), ERR_INVALID);
	assert_string_equal(e.user, "ev.err.starts");
	w = (struct ev_when){"2026-12-05T10:00", "2027-02-05T09:00", false, "", ""};
	assert_int_equal(ev_when_check(&w, &e), ERR_INVALID);
	assert_string_equal(e.user, "ev.err.span");
	w = (struct ev_when){"2026-12-05T10:00", "2026-12-05T11:00", false, "", "2026-12-06"};
	assert_int_equal(ev_when_check(&w, &e), ERR_INVALID);
	assert_string_equal(e.user, "ev.err.exdates");
}

static void
test_query_views_cover_their_days(void **state)
{
	struct ev_query q;
	struct err e = {0};
	int64_t today = day("2026-12-03"); /* a Thursday */
	struct ev_query_in in = {0};

	(void)state;
	assert_int_equal(ev_query_parse(&in, today, &q, &e), 0);
	assert_int_equal(q.view, EV_LIST);
	assert_int_equal(q.first, today);
	assert_int_equal(q.last, today + 30);
	in.ansicht = "woche";
	assert_int_equal(ev_query_parse(&in, today, &q, &e), 0);
	assert_int_equal(q.first, day("2026-11-30"));
	assert_int_equal(q.last, day("2026-12-06"));
	in.ansicht = "monat";
	in.datum = "2028-02";
	assert_int_equal(ev_query_parse(&in, today, &q, &e), 0);
	assert_int_equal(q.first, day("2028-02-01"));
	assert_int_equal(q.last, day("2028-02-29"));
	in = (struct ev_query_in){.von = "2026-12-10",
				  .bis = "2026-12-12",
				  .kategorie = "markt",
				  .kostenlos = "1",
				  .format = "ics"};
	assert_int_equal(ev_query_parse(&in, today, &q, &e), 0);
	assert_true(q.ranged && q.free_only && !q.accessible_only);
	assert_int_equal(q.last - q.first, 2);
	assert_int_equal(q.format, EV_ICS);
	assert_string_equal(q.category, "markt");
}

static void
test_query_refuses_what_it_does_not_know(void **state)
{
	static const struct ev_query_in bad[] = {
		{.ansicht = "jahr"},
		{.datum = "2026-12"},
		{.ansicht = "monat", .datum = "2026-13"},
		{.datum = "2026-02-30"},
		{.kategorie = "<script>"},
		{.kostenlos = "ja"},
		{.barrierefrei = "0"},
		{.format = "pdf"},
		{.von = "2026-12-10", .bis = "2026-12-09"},
		{.von = "2026-01-01", .bis = "2027-06-01"},
		{.von = "1999-12-31"},
	};
	struct ev_query q;
	struct err e = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ev_query_parse(&bad[i], day("2026-12-03"), &q, &e) != ERR_INVALID)
			fail_msg("accepted query %zu", i);
}

/* The paths beside the event pages are never event slugs. */
static void
test_slugs_leave_out_the_form_paths(void **state)
{
	(void)state;
	assert_true(ev_slug_valid("wochenmarkt"));
	assert_true(ev_slug_valid("melden-2"));
	assert_false(ev_slug_valid("melden"));
	assert_false(ev_slug_valid("bestaetigen"));
	assert_false(ev_slug_valid("-a"));
	assert_false(ev_slug_valid("a-"));
	assert_false(ev_slug_valid("A"));
	assert_false(ev_slug_valid(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekly_ten_oclock_stays_ten_across_both_clock_changes),
		cmocka_unit_test(test_monthly_on_the_31st_skips_shorter_months),
		cmocka_unit_test(test_monthly_on_the_29th_meets_the_leap_day_only_in_leap_years),
		cmocka_unit_test(test_nth_weekday_count_until_and_exceptions),
		cmocka_unit_test(test_all_day_and_multi_day_events_end_at_local_midnight),
		cmocka_unit_test(test_rules_outside_the_subset_are_refused),
		cmocka_unit_test(test_bad_times_are_refused_with_the_field),
		cmocka_unit_test(test_query_views_cover_their_days),
		cmocka_unit_test(test_query_refuses_what_it_does_not_know),
		cmocka_unit_test(test_slugs_leave_out_the_form_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
