/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Slugs and the category list of an article as an editor types it
 * ("Verkehr, Kultur und Freizeit").  Pure: the fuzz target calls these
 * with any bytes.
 */
#include "features/news/news_int.h"

#include "core/str.h"

#include <string.h>

/* The ASCII spelling of a German letter at `p` (two UTF-8 bytes), or NULL. */
static const char *
fold_letter(const unsigned char *p)
{
	static const struct {
		unsigned char b;
		const char *ascii;
	} map[] = {{0xa4, "ae"}, {0xb6, "oe"}, {0xbc, "ue"}, {0x84, "ae"},
		   {0x96, "oe"}, {0x9c, "ue"}, {0x9f, "ss"}};

	if (p[0] != 0xc3)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (p[1] == map[i].b)
			return map[i].ascii;
	return NULL;
}

char *
news_slugify(const char *text, size_t max, struct arena *a)
{
	const unsigned char *p = (const unsigned char *)text;
	char *out = arena_alloc(a, max + 1);
	size_t n = 0;
	bool gap = false;

	for (; *p && n < max; p++) {
		const char *fold = fold_letter(p);
		char c = (char)*p;

		if (fold || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (c >= 'A' && c <= 'Z')) {
			size_t need = (fold ? 2 : 1) + (gap && n > 0);

			if (n + need > max)
				break; /* end at a whole letter, never at a dash */
			if (gap && n > 0)
				out[n++] = '-';
			gap = false;
			if (fold) {
				out[n++] = fold[0];
				out[n++] = fold[1];
				p++;
			} else {
				out[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			}
		} else {
			gap = true;
		}
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	return out;
}

static bool
has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

int
news_categories_parse(const char *text, struct arena *a, struct news_category *out, size_t max)
{
	struct str rest = str_c(text);
	size_t n = 0;

	if (!str_valid_utf8(rest))
		return -1;
	while (rest.len > 0) {
		const char *comma = memchr(rest.p, ',', rest.len);
		size_t len = comma ? (size_t)(comma - rest.p) : rest.len;
		struct str name = str_trim((struct str){rest.p, len});
		bool seen = false;
		char *slug;

		rest = comma ? (struct str){comma + 1, rest.len - len - 1} : (struct str){"", 0};
		if (name.len == 0)
			continue;
		if (name.len > NEWS_CATEGORY_MAX || has_control(name.p, name.len))
			return -1;
		slug = news_slugify(arena_strndup(a, name.p, name.len), NEWS_CATEGORY_MAX, a);
		if (!slug[0])
			return -1;
		for (size_t i = 0; i < n; i++)
			seen = seen || strcmp(out[i].slug, slug) == 0;
		if (seen)
			continue;
		if (n == max)
			return -1;
		out[n].slug = slug;
		out[n].name = arena_strndup(a, name.p, name.len);
		n++;
	}
	return (int)n;
}
