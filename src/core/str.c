/* SPDX-License-Identifier: EUPL-1.2 */
/* Views of bytes: comparison, trimming, splitting, number and UTF-8 checks. */
#include "core/str.h"

#include "core/err.h"

#include <string.h>

struct str
str_c(const char *s)
{
	return s ? (struct str){s, strlen(s)} : STR_NULL;
}

bool
str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool
str_eq_c(struct str a, const char *b)
{
	return str_eq(a, str_c(b));
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool
str_ieq_c(struct str a, const char *b)
{
	size_t n = strlen(b);

	if (a.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a.p[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

bool
str_starts(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

bool
str_ends(struct str s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len >= n && memcmp(s.p + s.len - n, suffix, n) == 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

struct str
str_trim(struct str s)
{
	while (s.len && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

struct str
str_cut(struct str s, char sep, struct str *head)
{
	const char *q = s.len ? memchr(s.p, sep, s.len) : NULL;

	if (!q) {
		*head = s;
		return STR_NULL;
	}
	*head = (struct str){s.p, (size_t)(q - s.p)};
	return (struct str){q + 1, s.len - (size_t)(q - s.p) - 1};
}

int
str_to_int64(struct str s, int64_t min, int64_t max, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;

	if (s.len == 0)
		return ERR_INVALID;
	if (s.p[0] == '-' || s.p[0] == '+') {
		neg = s.p[0] == '-';
		if (neg && min >= 0)
			return ERR_INVALID;
		i = 1;
	}
	if (i == s.len)
		return ERR_INVALID;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < s.len; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';

		if (d > 9 || v > (lim - d) / 10)
			return ERR_INVALID;
		v = v * 10 + d;
	}
	int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
	if (r < min || r > max)
		return ERR_INVALID;
	*out = r;
	return 0;
}

/* Length of the UTF-8 sequence at p (of n bytes), or 0 when malformed. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xf4 && p[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

bool
str_valid_utf8(struct str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	while (i < s.len) {
		size_t k = utf8_seq(p + i, s.len - i);

		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

size_t
str_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

bool
str_valid_text(struct str s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			return false;
	}
	return str_valid_utf8(s);
}

bool
str_line_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= max && str_valid_line((struct str){s, n});
}

bool
str_valid_line(struct str s)
{
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
			return false;
	return str_valid_utf8(s);
}

bool
str_slug_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= max && s[0] != '-' && s[n - 1] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool
str_in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

int
str_count(const char *s, int max)
{
	int64_t n = 0;

	return s && str_to_int64(str_trim(str_c(s)), 1, max, &n) == 0 ? (int)n : 0;
}
