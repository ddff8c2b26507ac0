/* SPDX-License-Identifier: EUPL-1.2 */
/* Tests of the news feature's pure parts: slugs and the category list an editor types. */
#include "features/news/news_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void
test_slug_folds_umlauts_and_joins_words_with_one_dash(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_string_equal(news_slugify("Größere Straßen – für Bürger!", 80, &a),
			    "groessere-strassen-fuer-buerger");
	assert_string_equal(news_slugify("  --Ärger  ", 80, &a), "aerger");
	assert_string_equal(news_slugify("<>!?", 80, &a), "");
	assert_string_equal(news_slugify("abc def ghi", 7, &a), "abc-def");
	assert_string_equal(news_slugify("abc def", 4, &a), "abc");
	arena_release(&a);
}

static void
test_categories_are_trimmed_deduplicated_and_limited(void **state)
{
	struct news_category c[NEWS_CATEGORIES_MAX];
	struct arena a;
	char long_name[NEWS_CATEGORY_MAX + 2];

	(void)state;
	arena_init(&a);
	assert_int_equal(news_categories_parse(" Verkehr , Kultur und Freizeit,, verkehr", &a, c,
					       NEWS_CATEGORIES_MAX),
			 2);
	assert_string_equal(c[0].name, "Verkehr");
	assert_string_equal(c[0].slug, "verkehr");
	assert_string_equal(c[1].slug, "kultur-und-freizeit");
	assert_int_equal(news_categories_parse("", &a, c, NEWS_CATEGORIES_MAX), 0);
	assert_int_equal(news_categories_parse("a,b,c,d,e,f", &a, c, NEWS_CATEGORIES_MAX), -1);
	assert_int_equal(news_categories_parse("gut, ???", &a, c, NEWS_CATEGORIES_MAX), -1);
	assert_int_equal(news_categories_parse("Zeile\nzwei", &a, c, NEWS_CATEGORIES_MAX), -1);
	assert_int_equal(news_categories_parse("\xff", &a, c, NEWS_CATEGORIES_MAX), -1);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(news_categories_parse(long_name, &a, c, NEWS_CATEGORIES_MAX), -1);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug_folds_umlauts_and_joins_words_with_one_dash),
		cmocka_unit_test(test_categories_are_trimmed_deduplicated_and_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
