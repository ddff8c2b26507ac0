/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of core/ical.c: the calendar frame with and without the Berlin time
 * zone, TEXT escaping, folding at 75 octets between UTF-8 characters, UTC
 * date-times (also before 1970) and local ones on both sides of a clock
 * change.  Whole files are checked by tests/tools/ical_check.mjs in the
 * integration tests of appointments and events.
 */
#include "core/civil.h"
#include "core/ical.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void
test_frame_names_the_product_and_carries_the_zone_only_when_asked(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64 * 1024);
	assert_int_equal(ical_begin(&b, "Kurse", false), 0);
	assert_int_equal(ical_end(&b), 0);
	assert_string_equal(b.p,
			    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rathaus//Kurse//DE\r\n"
			    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n");
	buf_reset(&b);
	assert_int_equal(ical_begin(&b, "Kurse", true), 0);
	assert_non_null(strstr(b.p, "\r\nTZID:Europe/Berlin\r\n"));
	assert_non_null(strstr(b.p, "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
				    "END:VTIMEZONE\r\n"));
	buf_release(&b);
}

static void
test_text_is_escaped_and_control_characters_dropped(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(ical_text(&b, "SUMMARY", "a;b,c\\d\ne\tf\x7f"), 0);
	assert_string_equal(b.p, "SUMMARY:a\\;b\\,c\\\\d\\nef\r\n");
	buf_reset(&b);
	assert_int_equal(ical_text(&b, "LOCATION", NULL), 0);
	assert_string_equal(b.p, "LOCATION:\r\n");
	buf_release(&b);
}

static void
test_long_lines_fold_before_75_octets_between_characters(void **state)
{
	char value[400];
	const char *line, *end;
	struct buf b;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < 130; i++) { /* "ü" is two octets */
		value[n++] = (char)0xc3;
		value[n++] = (char)0xbc;
	}
	value[n] = '\0';
	buf_init(&b, 4096);
	assert_int_equal(ical_text(&b, "DESCRIPTION", value), 0);
	for (line = b.p; *line; line = end + 2) {
		end = strstr(line, "\r\n");
		assert_non_null(end);
		assert_true(end - line <= 75);
		if (line != b.p) {
			assert_int_equal(line[0], ' ');
			assert_true(((unsigned char)line[1] & 0xc0) != 0x80);
		}
	}
	buf_release(&b);
}

static void
test_times_in_utc_and_in_berlin_across_the_clock_changes(void **state)
{
	char v[ICAL_UTC_LEN + 1];
	struct buf b;
	/* 2026-03-29: 01:30 UTC is 03:30 CEST; 2026-10-25: 01:30 UTC is 02:30 CET. */
	int64_t spring = civil_days(2026, 3, 29) * 86400 + 5400;
	int64_t autumn = civil_days(2026, 10, 25) * 86400 + 5400;

	(void)state;
	ical_utc_format(-1, v);
	assert_string_equal(v, "19691231T235959Z");
	ical_utc_format(spring, v);
	assert_string_equal(v, "20260329T013000Z");
	buf_init(&b, 4096);
	assert_int_equal(ical_local(&b, "DTSTART", spring, false, 0), 0);
	assert_int_equal(ical_local(&b, "DTEND", autumn, false, 0), 0);
	assert_int_equal(ical_local(&b, "DTSTART", 0, true, civil_days(2028, 2, 29)), 0);
	assert_int_equal(ical_utc(&b, "DTSTAMP", autumn), 0);
	assert_string_equal(b.p, "DTSTART;TZID=Europe/Berlin:20260329T033000\r\n"
				 "DTEND;TZID=Europe/Berlin:20261025T023000\r\n"
				 "DTSTART;VALUE=DATE:20280229\r\n"
				 "DTSTAMP:20261025T013000Z\r\n");
	buf_release(&b);
}

static void
test_a_full_buffer_is_reported(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 40);
	assert_int_equal(ical_text(&b, "SUMMARY", "eine Zusammenfassung, die zu lang ist"),
			 ERR_TOOBIG);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_names_the_product_and_carries_the_zone_only_when_asked),
		cmocka_unit_test(test_text_is_escaped_and_control_characters_dropped),
		cmocka_unit_test(test_long_lines_fold_before_75_octets_between_characters),
		cmocka_unit_test(test_times_in_utc_and_in_berlin_across_the_clock_changes),
		cmocka_unit_test(test_a_full_buffer_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
