/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Checks of single values: IBAN (ISO 13616, mod 97), e-mail address shape,
 * phone number, calendar dates.  Pure functions, used by form_check.c.
 */
#include "features/forms/forms.h"

#include "core/civil.h"

#include <stdio.h>
#include <string.h>

#define IBAN_MIN 15
#define IBAN_MAX 34
#define EMAIL_MAX 254 /* RFC 5321 4.5.3.1.3 */
#define PHONE_DIGITS_MIN 5
#define PHONE_DIGITS_MAX 20 /* ITU-T E.164 has 15; room for extensions */

/* IBAN lengths of the SEPA countries (SWIFT IBAN registry). */
static const struct {
	char cc[3];
	int len;
} IBAN_LENGTHS[] = {
	{"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24},
	{"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27}, {"GB", 22},
	{"GI", 23}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27},
	{"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18},
	{"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
	{"SM", 27}, {"VA", 22},
};

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
form_iban_ok(const char *s, char *compact, size_t cap)
{
	char v[IBAN_MAX + 1];
	size_t n = 0;
	unsigned rem = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (n >= IBAN_MAX || !(is_upper(c) || is_digit(c)))
			return false;
		v[n++] = c;
	}
	v[n] = '\0';
	if (n < IBAN_MIN || !is_upper(v[0]) || !is_upper(v[1]) || !is_digit(v[2]) ||
	    !is_digit(v[3]))
		return false;
	for (size_t i = 0; i < sizeof(IBAN_LENGTHS) / sizeof(IBAN_LENGTHS[0]); i++)
		if (memcmp(IBAN_LENGTHS[i].cc, v, 2) == 0 && (size_t)IBAN_LENGTHS[i].len != n)
			return false;
	/* ISO 7064 mod 97-10: the first four characters moved to the end, letters as 10..35. */
	for (size_t k = 0; k < n; k++) {
		char c = v[(k + 4) % n];

		if (is_digit(c))
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	if (rem != 1)
		return false;
	if (compact)
		snprintf(compact, cap, "%s", v);
	return true;
}

/* local@domain.tld without blanks or the characters mail headers would need quoted. */
bool
form_email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot;
	size_t n = strlen(s);

	if (!at || at == s || n > EMAIL_MAX || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>\"(),;:[]\\", *p) ||
		    (unsigned char)*p >= 0x7f)
			return false;
	dot = strrchr(at, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

bool
form_phone_ok(const char *s)
{
	size_t digits = 0;

	for (const char *p = s; *p; p++) {
		if (is_digit(*p))
			digits++;
		else if (!strchr(" +/-()", *p) || (*p == '+' && p != s))
			return false;
	}
	return digits >= PHONE_DIGITS_MIN && digits <= PHONE_DIGITS_MAX;
}

static bool
digits_at(const char *s, size_t n, int64_t *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

bool
form_date_parse(const char *s, int64_t *days)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t y, m, d;
	size_t n = strlen(s);

	if (n == 10 && s[4] == '-' && s[7] == '-') {
		if (!digits_at(s, 4, &y) || !digits_at(s + 5, 2, &m) || !digits_at(s + 8, 2, &d))
			return false;
	} else if (n == 10 && s[2] == '.' && s[5] == '.') {
		if (!digits_at(s, 2, &d) || !digits_at(s + 3, 2, &m) || !digits_at(s + 6, 4, &y))
			return false;
	} else {
		return false;
	}
	if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	*days = civil_days(y, (int)m, (int)d);
	return true;
}

void
form_date_format(int64_t z, char out[11])
{
	struct civil_local l;

	civil_day(z, &l);
	civil_format_date(&l, out);
}
