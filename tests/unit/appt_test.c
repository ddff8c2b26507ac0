/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the slot logic (appt_slots.c) and the booking request parser
 * (appt_request.c): counters per grid unit from the weekly schedule,
 * exceptions, blocked times and public holidays; starts across the
 * summer-time changes in Europe/Berlin; free places from booked units; and
 * strict parsing of instants and request bodies.  No database: booking
 * under load is tested against both backends in
 * tests/integration/test_appointments.py.
 */
#include "features/appointments/appt.h"

#include "core/buf.h"
#include "core/civil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define HM(h, m) ((h)*60 + (m))
#define N(v) (sizeof(v) / sizeof((v)[0]))

/* Monday to Friday 08:00-12:00 with 3 counters, Sunday night for the clock changes. */
static const struct appt_window week[] = {
	{1, 0, HM(8, 0), HM(12, 0), 3}, {2, 0, HM(8, 0), HM(12, 0), 3},
	{3, 0, HM(8, 0), HM(12, 0), 3}, {4, 0, HM(8, 0), HM(12, 0), 3},
	{5, 0, HM(8, 0), HM(12, 0), 3}, {7, 0, HM(0, 0), HM(6, 0), 1},
};

static struct appt_schedule
schedule(int slot, const struct appt_window *exc, size_t n_exc)
{
	return (struct appt_schedule){slot, week, N(week), exc, n_exc, "05"};
}

static const char *
iso(int64_t utc, char *buf)
{
	appt_format_iso(utc, buf);
	return buf;
}

static void
test_weekday_offers_every_grid_start_with_its_counters(void **state)
{
	struct appt_schedule s = schedule(15, NULL, 0);
	struct appt_slot v[APPT_DAY_UNITS_MAX];
	char b[APPT_ISO_LEN + 1];
	size_t n = appt_day_slots(&s, civil_days(2026, 3, 2), 1, 15, NULL, 0, false, v, N(v));

	(void)state;
	assert_int_equal(n, 16);
	assert_string_equal(iso(v[0].starts_at, b), "2026-03-02T08:00:00+01:00");
	assert_string_equal(iso(v[0].ends_at, b), "2026-03-02T08:15:00+01:00");
	assert_string_equal(iso(v[15].starts_at, b), "2026-03-02T11:45:00+01:00");
	assert_int_equal(v[0].free, 3);
	/* Two units: the last start is 11:30; a Saturday has none. */
	assert_int_equal(appt_day_slots(&s, civil_days(2026, 3, 2), 2, 30, NULL, 0, false, v, N(v)),
			 15);
	assert_int_equal(appt_day_slots(&s, civil_days(2026, 3, 7), 1, 15, NULL, 0, false, v, N(v)),
			 0);
}

static void
test_booked_units_lower_free_and_full_ones_disappear(void **state)
{
	struct appt_schedule s = schedule(15, NULL, 0);
	struct appt_slot v[APPT_DAY_UNITS_MAX];
	int64_t eight = civil_days(2026, 3, 2) * 86400 + HM(7, 0) * 60; /* 08:00 CET */
	struct appt_unit booked[] = {{eight, 3, 3}, {eight + 900, 3, 2}};
	size_t n = appt_day_slots(&s, civil_days(2026, 3, 2), 1, 15, booked, N(booked), false, v,
				  N(v));

	(void)state;
	assert_int_equal(n, 15);
	assert_int_equal(v[0].starts_at, eight + 900);
	assert_int_equal(v[0].free, 1);
	assert_int_equal(v[1].free, 3);
	/* A two-unit booking from 07:45 would need the full 08:00 unit: none before 08:15. */
	n = appt_day_slots(&s, civil_days(2026, 3, 2), 2, 30, booked, N(booked), true, v, N(v));
	assert_int_equal(v[0].starts_at, eight);
	assert_int_equal(v[0].free, 0);
	assert_int_equal(v[1].free, 1);
}

static void
test_holidays_close_and_exceptions_open_or_block(void **state)
{
	/* Karfreitag 2026 is 3 April, a Friday; NRW ("05") closes. */
	int64_t good_friday = civil_days(2026, 4, 3), monday = civil_days(2026, 3, 2);
	struct appt_window exc[] = {
		{0, good_friday, HM(9, 0), HM(10, 0), 2},
		{0, monday, HM(10, 0), HM(11, 0), 0},
	};
	struct appt_schedule closed = schedule(15, NULL, 0), s = schedule(15, exc, N(exc));
	struct appt_slot v[APPT_DAY_UNITS_MAX];
	int cap[APPT_DAY_UNITS_MAX];

	(void)state;
	assert_int_equal(appt_day_slots(&closed, good_friday, 1, 15, NULL, 0, false, v, N(v)), 0);
	assert_int_equal(appt_day_slots(&s, good_friday, 1, 15, NULL, 0, false, v, N(v)), 4);
	assert_int_equal(v[0].free, 2);
	appt_day_capacity(&s, monday, cap);
	assert_int_equal(cap[HM(9, 45) / 15], 3);
	assert_int_equal(cap[HM(10, 0) / 15], 0);
	assert_int_equal(cap[HM(10, 45) / 15], 0);
	assert_int_equal(cap[HM(11, 0) / 15], 3);
	assert_int_equal(appt_day_slots(&s, monday, 1, 15, NULL, 0, false, v, N(v)), 12);
}

static void
test_spring_forward_skips_the_missing_hour(void **state)
{
	struct appt_schedule s = schedule(60, NULL, 0);
	struct appt_slot v[APPT_DAY_UNITS_MAX];
	char b[APPT_ISO_LEN + 1];
	size_t n = appt_day_slots(&s, civil_days(2026, 3, 29), 2, 120, NULL, 0, false, v, N(v));

	(void)state;
	/* 00:00, then 03:00 and 04:00: 01:00 would run into 02:00, which does not exist. */
	assert_int_equal(n, 3);
	assert_string_equal(iso(v[0].starts_at, b), "2026-03-29T00:00:00+01:00");
	assert_string_equal(iso(v[1].starts_at, b), "2026-03-29T03:00:00+02:00");
	assert_string_equal(iso(v[2].starts_at, b), "2026-03-29T04:00:00+02:00");
	assert_int_equal(v[1].starts_at - v[0].starts_at, 7200);
	n = appt_day_slots(&s, civil_days(2026, 3, 29), 1, 60, NULL, 0, false, v, N(v));
	assert_int_equal(n, 5);
}

static void
test_fall_back_never_straddles_the_repeated_hour(void **state)
{
	struct appt_schedule s = schedule(60, NULL, 0);
	struct appt_slot v[APPT_DAY_UNITS_MAX];
	char b[APPT_ISO_LEN + 1];
	size_t n = appt_day_slots(&s, civil_days(2026, 10, 25), 2, 120, NULL, 0, false, v, N(v));

	(void)state;
	/* 00:00, 01:00, 03:00, 04:00: from 02:00 (summer time) to 03:00 are two hours. */
	assert_int_equal(n, 4);
	assert_string_equal(iso(v[1].starts_at, b), "2026-10-25T01:00:00+02:00");
	assert_string_equal(iso(v[2].starts_at, b), "2026-10-25T03:00:00+01:00");
	assert_int_equal(v[1].ends_at - v[1].starts_at, 7200);
	n = appt_day_slots(&s, civil_days(2026, 10, 25), 1, 60, NULL, 0, false, v, N(v));
	assert_int_equal(n, 6);
	assert_string_equal(iso(v[2].starts_at, b), "2026-10-25T02:00:00+02:00");
}

static void
test_units_add_up_persons_and_buffer(void **state)
{
	(void)state;
	assert_int_equal(appt_units_needed(15, 10, 1, 0), 1);
	assert_int_equal(appt_units_needed(15, 15, 1, 0), 1);
	assert_int_equal(appt_units_needed(15, 15, 3, 5), 4);
	assert_int_equal(appt_units_needed(5, 15, 2, 0), 6);
}

static void
test_instants_parse_strictly_with_offsets(void **state)
{
	int64_t at = 0, nine = civil_days(2026, 3, 2) * 86400 + HM(8, 0) * 60;

	(void)state;
	assert_int_equal(appt_parse_iso("2026-03-02T09:00:00+01:00", &at), 0);
	assert_int_equal(at, nine);
	assert_int_equal(appt_parse_iso("2026-03-02T09:00+01:00", &at), 0);
	assert_int_equal(at, nine);
	assert_int_equal(appt_parse_iso("2026-03-02T08:00:00Z", &at), 0);
	assert_int_equal(at, nine);
	assert_int_equal(appt_parse_iso("2026-03-02T03:30:00-04:30", &at), 0);
	assert_int_equal(at, nine);
	static const char *const bad[] = {
		"2026-03-02T09:00:00",	      "2026-02-30T09:00:00Z",
		"2026-03-02T24:00:00Z",	      "2026-03-02T09:60:00Z",
		"2026-03-02 09:00:00Z",	      "2026-03-02T09:00:00+1:00",
		"2026-03-02T09:00:00+01:00x", "2026-03-02T09:00:00+15:00",
		"2026-03-02T09:00:",	      "",
	};
	for (size_t i = 0; i < N(bad); i++)
		assert_int_equal(appt_parse_iso(bad[i], &at), ERR_INVALID);
}

static int
parse(const char *json, const char **key)
{
	struct arena a;
	struct appt_request r;
	struct err e = {0};
	int rc;

	arena_init(&a);
	rc = appt_request_parse(json, strlen(json), &a, &r, &e);
	*key = rc ? e.user : "";
	if (rc == 0)
		assert_int_equal(r.persons >= 1 && r.persons <= 10, 1);
	arena_release(&a);
	return rc;
}

static void
test_request_fields_are_checked_one_by_one(void **state)
{
	const char *key;

	(void)state;
	assert_int_equal(parse("{\"type\":\"personalausweis\",\"location\":\"buergerbuero\","
			       "\"start\":\"2026-03-02T09:00:00+01:00\",\"name\":\"Erika\","
			       "\"email\":\"e@example.org\"}",
			       &key),
			 0);
	assert_int_equal(parse("{\"type\":\"A\"}", &key), ERR_INVALID);
	assert_string_equal(key, "appt.err.type");
	assert_int_equal(parse("{\"type\":\"a\",\"type\":\"a\"}", &key), ERR_INVALID);
	assert_string_equal(key, "appt.err.json");
	assert_int_equal(
		parse("{\"type\":\"a\",\"location\":\"b\",\"start\":\"2026-03-02T09:00:00Z\","
		      "\"persons\":11,\"name\":\"E\",\"email\":\"e@example.org\"}",
		      &key),
		ERR_INVALID);
	assert_string_equal(key, "appt.err.persons");
	assert_int_equal(
		parse("{\"type\":\"a\",\"location\":\"b\",\"start\":\"2026-03-02T09:00:00Z\","
		      "\"name\":\"E\\u0007x\",\"email\":\"e@example.org\"}",
		      &key),
		ERR_INVALID);
	assert_string_equal(key, "appt.err.name");
	assert_int_equal(
		parse("{\"type\":\"a\",\"location\":\"b\",\"start\":\"2026-03-02T09:00:00Z\","
		      "\"name\":\"E\",\"email\":\"e@@example.org\"}",
		      &key),
		ERR_INVALID);
	assert_string_equal(key, "appt.err.email");
}

static void
test_calendar_lines_are_escaped_folded_and_in_utc(void **state)
{
	/* 2026-03-29 09:00 CEST is 07:00 UTC; a long name forces folds inside "ü". */
	int64_t start = civil_days(2026, 3, 29) * 86400 + HM(7, 0) * 60;
	struct appt_ics ev = {"abc@example.org",
			      start - 86400,
			      start,
			      start + 900,
			      "Führungszeugnis; Anmeldung, Ausweis\\neu",
			      "Bürgerbüro üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü",
			      "Zeile 1\nZeile 2",
			      2};
	struct buf b;
	const char *line, *end;

	(void)state;
	buf_init(&b, 64 * 1024);
	assert_int_equal(appt_ics_render(&ev, &b), 0);
	assert_non_null(strstr(b.p, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	assert_non_null(strstr(b.p, "DTSTART:20260329T070000Z\r\n"));
	assert_non_null(strstr(b.p, "DTEND:20260329T071500Z\r\n"));
	assert_non_null(strstr(b.p, "SEQUENCE:2\r\n"));
	assert_non_null(strstr(b.p, "SUMMARY:Führungszeugnis\\; Anmeldung\\, Ausweis\\\\neu"));
	assert_non_null(strstr(b.p, "DESCRIPTION:Zeile 1\\nZeile 2\r\n"));
	assert_non_null(strstr(b.p, "\r\n "));
	for (line = b.p; *line; line = end + 2) {
		end = strstr(line, "\r\n");
		assert_non_null(end);
		assert_true(end - line <= 75);
		assert_true(((unsigned char)line[0] & 0xc0) != 0x80 || line == b.p);
		if (line[0] == ' ')
			assert_true(((unsigned char)line[1] & 0xc0) != 0x80);
	}
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekday_offers_every_grid_start_with_its_counters),
		cmocka_unit_test(test_booked_units_lower_free_and_full_ones_disappear),
		cmocka_unit_test(test_holidays_close_and_exceptions_open_or_block),
		cmocka_unit_test(test_spring_forward_skips_the_missing_hour),
		cmocka_unit_test(test_fall_back_never_straddles_the_repeated_hour),
		cmocka_unit_test(test_units_add_up_persons_and_buffer),
		cmocka_unit_test(test_instants_parse_strictly_with_offsets),
		cmocka_unit_test(test_request_fields_are_checked_one_by_one),
		cmocka_unit_test(test_calendar_lines_are_escaped_folded_and_in_utc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
