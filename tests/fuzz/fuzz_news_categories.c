/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the category list of a news article as an editor types it, and the
 * slugs made of it: every category parsed has a non-empty slug of
 * [a-z0-9-] without a dash at either end, and no two share one.
 */
#include "features/news/news_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
check_slug(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NEWS_CATEGORY_MAX || s[0] == '-' || s[n - 1] == '-' ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct news_category cats[NEWS_CATEGORIES_MAX];
	char *copy = malloc(size + 1);
	struct arena a;
	int n;

	memcpy(copy, data, size);
	copy[size] = '\0';
	arena_init(&a);
	n = news_categories_parse(copy, &a, cats, NEWS_CATEGORIES_MAX);
	if (n > NEWS_CATEGORIES_MAX)
		__builtin_trap();
	for (int i = 0; i < n; i++) {
		check_slug(cats[i].slug);
		for (int j = 0; j < i; j++)
			if (strcmp(cats[i].slug, cats[j].slug) == 0)
				__builtin_trap();
	}
	(void)news_slugify(copy, NEWS_SLUG_MAX, &a);
	arena_release(&a);
	free(copy);
	return 0;
}
