/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the pure parts of the reports' staff side: the distance that
 * decides which reports are offered as duplicates, and the comparison of
 * streets as typed.  The pages and storage are tested against both
 * backends in tests/integration/test_reports_staff.py.
 */
#include "features/reports/reports.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void
test_distance_in_metres(void **state)
{
	(void)state;
	/* 0.0003 degrees of latitude at Lünen: about 33.4 m, whatever the direction. */
	assert_true(rp_distance_m(51616600, 7523700, 51616900, 7523700) > 33.3);
	assert_true(rp_distance_m(51616600, 7523700, 51616900, 7523700) < 33.4);
	assert_true(rp_distance_m(51616900, 7523700, 51616600, 7523700) > 33.3);
	/* 0.0014 degrees: about 155.7 m, beyond RP_NEAR_M. */
	assert_true(rp_distance_m(51616600, 7523700, 51618000, 7523700) > RP_NEAR_M * 3);
	/* A degree of longitude shrinks with the latitude: 0.0007 degrees is about 48.4 m. */
	assert_true(rp_distance_m(51616600, 7523700, 51616600, 7524400) > 48.0);
	assert_true(rp_distance_m(51616600, 7523700, 51616600, 7524400) < RP_NEAR_M);
	assert_true(rp_distance_m(51616600, 7523700, 51616600, 7523700) == 0.0);
	/* Berlin to Munich, about 504 km. */
	assert_true(rp_distance_m(52520000, 13405000, 48137000, 11575000) > 503000);
	assert_true(rp_distance_m(52520000, 13405000, 48137000, 11575000) < 506000);
}

static void
test_streets_compare_without_house_number_and_case(void **state)
{
	(void)state;
	assert_true(rp_same_street("Am Dublettenweg 7", "am dublettenweg 9"));
	assert_true(rp_same_street("Lange Str. 3a", "LANGE STR. 12"));
	assert_true(rp_same_street("Marktplatz", "Marktplatz 1"));
	assert_true(rp_same_street("Lange Straße 3, ", "Lange Straße 4"));
	assert_false(rp_same_street("Lange Straße 3", "Lange Gasse 3"));
	assert_false(rp_same_street("Lange Straße 3", "Kurze Straße 3"));
	assert_false(rp_same_street("", ""));
	assert_false(rp_same_street("7", "7"));
	assert_false(rp_same_street("Straße des 17. Juni 3", "Straße des 18. Juni 3"));
	assert_true(rp_same_street("Straße des 17. Juni 3", "straße des 17. juni 5"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance_in_metres),
		cmocka_unit_test(test_streets_compare_without_house_number_and_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
