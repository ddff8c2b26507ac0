/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of civil time (core/civil.h): strict dates, days and weekdays,
 * Europe/Berlin summer time at its switches, local date-times both ways,
 * Easter, and the public holidays of every Land checked against the dated
 * list in data/feiertage/ for every year it covers.
 */
#include "core/civil.h"

#include "core/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

/* Unix seconds of a UTC date and time. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
		.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};

	return (int64_t)timegm(&tm);
}

static void
test_only_real_dates_parse(void **state)
{
	int64_t d = -1;

	assert_true(civil_parse_date("1970-01-01", &d) == false); /* before 2000 */
	assert_true(civil_parse_date("2000-01-01", &d));
	assert_int_equal(d, 10957);
	assert_true(civil_parse_date("2024-02-29", &d));
	assert_false(civil_parse_date("2100-02-29", &d));
	assert_true(civil_parse_date("2000-02-29", &d));
	assert_false(civil_parse_date("2026-04-31", &d));
	assert_false(civil_parse_date("2026-00-10", &d));
	assert_false(civil_parse_date("2026-1-10", &d));
	assert_false(civil_parse_date("2026-01-1", &d));
	assert_false(civil_parse_date("2200-01-01", &d));
	assert_true(civil_parse_date("2026-01-15T10:00", &d)); /* a prefix */
	assert_true(civil_date_valid("2026-01-15"));
	assert_false(civil_date_valid("2026-01-15T10:00"));
	assert_false(civil_date_valid("2026-02-29"));
	assert_false(civil_date_valid(""));
}

static void
test_days_round_trip_with_weekdays(void **state)
{
	struct civil_local l;
	char s[CIVIL_DATE_LEN + 1];

	assert_int_equal(civil_days(1970, 1, 1), 0);
	assert_int_equal(civil_weekday(0), 4); /* Thursday */
	assert_int_equal(civil_weekday(-1), 3);
	for (int64_t d = -800; d < 80000; d += 37) {
		civil_day(d, &l);
		assert_int_equal(civil_days(l.year, l.month, l.day), d);
		assert_int_equal(l.days, d);
	}
	civil_day(civil_days(2026, 12, 3), &l);
	assert_int_equal(l.weekday, 4);
	civil_format_date(&l, s);
	assert_string_equal(s, "2026-12-03");
}

static void
test_times_parse_and_format(void **state)
{
	char s[6];

	assert_int_equal(civil_parse_time("00:00"), 0);
	assert_int_equal(civil_parse_time("24:00"), 1440);
	assert_int_equal(civil_parse_time("24:01"), -1);
	assert_int_equal(civil_parse_time("12:60"), -1);
	assert_int_equal(civil_parse_time("1:00"), -1);
	assert_int_equal(civil_parse_time(NULL), -1);
	civil_format_time(8 * 60 + 5, s);
	assert_string_equal(s, "08:05");
	civil_format_time(-3, s);
	assert_string_equal(s, "00:00");
}

static void
test_summer_time_switches_at_one_utc_on_last_sundays(void **state)
{
	struct civil_local l;

	/* 2026: summer time from 29 March to 25 October. */
	assert_false(civil_berlin_dst(utc(2026, 3, 29, 0, 59)));
	assert_true(civil_berlin_dst(utc(2026, 3, 29, 1, 0)));
	assert_true(civil_berlin_dst(utc(2026, 10, 25, 0, 59)));
	assert_false(civil_berlin_dst(utc(2026, 10, 25, 1, 0)));
	civil_local_at(utc(2026, 3, 29, 1, 0), &l);
	assert_int_equal(l.minute, 3 * 60);
	civil_local_at(utc(2026, 12, 31, 23, 30), &l);
	assert_int_equal(l.year, 2027);
	assert_int_equal(l.minute, 30);
}

static void
test_local_date_times_convert_both_ways(void **state)
{
	char out[CIVIL_DATETIME_LEN + 1];
	int64_t t = 0;

	assert_int_equal(civil_local_to_utc("2026-01-15T12:00", &t), 0);
	assert_int_equal(t, utc(2026, 1, 15, 11, 0));
	civil_utc_to_local(t, true, out);
	assert_string_equal(out, "2026-01-15T12:00");
	assert_int_equal(civil_local_to_utc("2026-07-15T12:00", &t), 0);
	assert_int_equal(t, utc(2026, 7, 15, 10, 0));
	civil_utc_to_local(t, false, out);
	assert_string_equal(out, "2026-07-15 12:00");
	/* The skipped hour reads as winter time; the repeated one as its first time. */
	assert_int_equal(civil_local_to_utc("2026-03-29T02:30", &t), 0);
	assert_int_equal(t, utc(2026, 3, 29, 1, 30));
	assert_int_equal(civil_local_to_utc("2026-10-25T02:30", &t), 0);
	assert_int_equal(t, utc(2026, 10, 25, 0, 30));
	assert_int_equal(civil_local_to_utc("2026-10-25T24:00", &t), ERR_INVALID);
	assert_int_equal(civil_local_to_utc("2026-02-30T10:00", &t), ERR_INVALID);
	assert_int_equal(civil_local_to_utc("2026-01-15 12:00", &t), ERR_INVALID);
}

static void
test_easter_follows_gauss(void **state)
{
	static const int known[][3] = {{1961, 4, 2},  {2000, 4, 23}, {2008, 3, 23},
				       {2011, 4, 24}, {2024, 3, 31}, {2025, 4, 20},
				       {2026, 4, 5},  {2038, 4, 25}, {2285, 3, 22}};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_int_equal(civil_easter(known[i][0]),
				 civil_days(known[i][0], known[i][1], known[i][2]));
}

static void
test_land_codes_come_from_the_ars_prefix(void **state)
{
	assert_string_equal(civil_land_code("01"), "SH");
	assert_string_equal(civil_land_code("033550022022"), "NI");
	assert_string_equal(civil_land_code("16"), "TH");
	assert_null(civil_land_code("00"));
	assert_null(civil_land_code("17"));
	assert_null(civil_land_code("1"));
	assert_null(civil_land_code(NULL));
	assert_int_equal(civil_holidays("17", 2026, NULL), 0);
}

static void
test_repentance_day_and_one_off_days(void **state)
{
	/* Buß- und Bettag: the Wednesday before 23 November, also when that is a Wednesday. */
	assert_string_equal(civil_holiday_on("14", civil_days(2026, 11, 18)), "Buß- und Bettag");
	assert_string_equal(civil_holiday_on("14", civil_days(2033, 11, 16)), "Buß- und Bettag");
	assert_null(civil_holiday_on("03", civil_days(2026, 11, 18)));
	assert_string_equal(civil_holiday_on("03", civil_days(2017, 10, 31)), "Reformationstag");
	assert_null(civil_holiday_on("03", civil_days(2016, 10, 31)));
	assert_null(civil_holiday_on("11", civil_days(2026, 5, 8)));
	assert_null(civil_holiday_on("13", civil_days(2022, 3, 8)));
	assert_string_equal(civil_holiday_on("13", civil_days(2023, 3, 8)),
			    "Internationaler Frauentag");
}

/* ---- The rule against data/feiertage/ ---------------------------------- */

#define LIST_MAX 4096
#define YEAR_FIRST 2020
#define YEAR_LAST 2030

struct listed {
	char line[160]; /* "YYYY-MM-DD,CODE,name" */
};

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->line, ((const struct listed *)b)->line);
}

/* The list's whole-Land rows as "date,code,name", sorted. */
static size_t
read_list(struct listed *v)
{
	const char *share = getenv("RATHAUS_SHARE_DIR");
	char path[512], row[512];
	size_t n = 0;
	FILE *f;
	int w;

	snprintf(path, sizeof(path), "%s/data/feiertage/feiertage_de_laender.csv",
		 share && *share ? share : RATHAUS_SHARE_DIR_DEFAULT);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(row, sizeof(row), f)); /* the header */
	while (fgets(row, sizeof(row), f)) {
		/* datum,land,teilgebiet,name,...; teilgebiet is empty for a whole Land. */
		char *field[4] = {row};

		for (int i = 1; i < 4; i++) {
			char *p = strchr(field[i - 1], ',');

			assert_non_null(p);
			*p = '\0';
			field[i] = p + 1;
		}
		*strchrnul(field[3], ',') = '\0';
		if (*field[2])
			continue; /* a part of a Land: not a rule for all of it */
		assert_true(n < LIST_MAX);
		w = snprintf(v[n++].line, sizeof(v[0].line), "%s,%s,%s", field[0], field[1],
			     field[3]);
		assert_true(w > 0 && (size_t)w < sizeof(v[0].line));
	}
	fclose(f);
	qsort(v, n, sizeof(*v), cmp_line);
	return n;
}

/* What the rule gives for every Land and year of the list, sorted the same way. */
static size_t
compute(struct listed *v)
{
	size_t n = 0;

	for (int year = YEAR_FIRST; year <= YEAR_LAST; year++)
		for (int k = 1; k <= 16; k++) {
			struct civil_holiday h[CIVIL_HOLIDAYS_MAX];
			char key[3] = {(char)('0' + k / 10), (char)('0' + k % 10), '\0'};
			size_t m = civil_holidays(key, year, h);

			for (size_t i = 0; i < m; i++) {
				struct civil_local l;
				char date[CIVIL_DATE_LEN + 1];

				civil_day(h[i].days, &l);
				civil_format_date(&l, date);
				assert_true(n < LIST_MAX);
				snprintf(v[n++].line, sizeof(v[0].line), "%s,%s,%s", date,
					 civil_land_code(key), h[i].name);
			}
		}
	qsort(v, n, sizeof(*v), cmp_line);
	return n;
}

static void
test_rule_gives_exactly_the_listed_holidays(void **state)
{
	struct listed *list = calloc(LIST_MAX, sizeof(*list));
	struct listed *rule = calloc(LIST_MAX, sizeof(*rule));
	size_t nl = read_list(list), nr = compute(rule), i = 0, j = 0;
	int missing = 0, extra = 0;

	while (i < nl || j < nr) {
		int c = i == nl ? 1 : j == nr ? -1 : strcmp(list[i].line, rule[j].line);

		if (c < 0) {
			printf("listed, not by rule: %s\n", list[i++].line);
			missing++;
		} else if (c > 0) {
			printf("by rule, not listed: %s\n", rule[j++].line);
			extra++;
		} else {
			i++;
			j++;
		}
	}
	assert_true(nl > 1800);
	assert_int_equal(missing, 0);
	assert_int_equal(extra, 0);
	free(list);
	free(rule);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_real_dates_parse),
		cmocka_unit_test(test_days_round_trip_with_weekdays),
		cmocka_unit_test(test_times_parse_and_format),
		cmocka_unit_test(test_summer_time_switches_at_one_utc_on_last_sundays),
		cmocka_unit_test(test_local_date_times_convert_both_ways),
		cmocka_unit_test(test_easter_follows_gauss),
		cmocka_unit_test(test_land_codes_come_from_the_ars_prefix),
		cmocka_unit_test(test_repentance_day_and_one_off_days),
		cmocka_unit_test(test_rule_gives_exactly_the_listed_holidays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
