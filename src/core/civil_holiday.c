/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Public holidays of the German Länder by rule: the fixed dates, those that
 * move with Easter, Buß- und Bettag, and the days a Land kept once (Berlin's
 * anniversaries).  Each holiday is a row of the table below with the Länder
 * that keep it and the years it holds in, so a change of law is one row.
 *
 * Caveat: only what holds for a whole Land is here.  Holidays of parts of a
 * Land (Augsburg's Friedensfest; Fronleichnam in Catholic parts of Saxony
 * and Thuringia; Mariä Himmelfahrt only in Catholic communities of Bavaria,
 * but listed for all of it, as the official lists do) follow those lists.
 */
#include "core/civil.h"

#include <assert.h>

/* Land bits by key: 1 << 1 is "01" (Schleswig-Holstein) .. 1 << 16 "16" (Thuringia). */
enum {
	SH = 1 << 1,
	HH = 1 << 2,
	NI = 1 << 3,
	HB = 1 << 4,
	NW = 1 << 5,
	HE = 1 << 6,
	RP = 1 << 7,
	BW = 1 << 8,
	BY = 1 << 9,
	SL = 1 << 10,
	BE = 1 << 11,
	BB = 1 << 12,
	MV = 1 << 13,
	SN = 1 << 14,
	ST = 1 << 15,
	TH = 1 << 16,
	ALL = (1 << 17) - 2,
};

/* How a holiday's day is found in a year. */
enum rule_kind {
	FIXED,	    /* month and day */
	EASTER,	    /* days after Easter Sunday (negative: before) */
	REPENTANCE, /* the Wednesday before 23 November (Buß- und Bettag) */
};

struct rule {
	const char *name;
	enum rule_kind kind;
	int month, day; /* FIXED: the date; EASTER: day is the offset */
	unsigned lands; /* Land bits */
	int from, to;	/* years it holds in, inclusive; 0 = open */
};

#define ANY 0

static const struct rule rules[] = {
	{"Neujahr", FIXED, 1, 1, ALL, ANY, ANY},
	{"Heilige Drei Könige", FIXED, 1, 6, BW | BY | ST, ANY, ANY},
	/* Berlin since 2019, Mecklenburg-Vorpommern since 2023. */
	{"Internationaler Frauentag", FIXED, 3, 8, BE, 2019, ANY},
	{"Internationaler Frauentag", FIXED, 3, 8, MV, 2023, ANY},
	{"Karfreitag", EASTER, 0, -2, ALL, ANY, ANY},
	{"Ostersonntag", EASTER, 0, 0, BB, ANY, ANY},
	{"Ostermontag", EASTER, 0, 1, ALL, ANY, ANY},
	{"Tag der Arbeit", FIXED, 5, 1, ALL, ANY, ANY},
	/* Berlin kept the 75th and 80th anniversaries of the end of the war. */
	{"Tag der Befreiung", FIXED, 5, 8, BE, 2020, 2020},
	{"Tag der Befreiung", FIXED, 5, 8, BE, 2025, 2025},
	{"Christi Himmelfahrt", EASTER, 0, 39, ALL, ANY, ANY},
	{"Pfingstsonntag", EASTER, 0, 49, BB, ANY, ANY},
	{"Pfingstmontag", EASTER, 0, 50, ALL, ANY, ANY},
	{"Fronleichnam", EASTER, 0, 60, BW | BY | HE | NW | RP | SL, ANY, ANY},
	{"75-jährige Jubiläum des Volksaufstands in der DDR", FIXED, 6, 17, BE, 2028, 2028},
	{"Mariä Himmelfahrt", FIXED, 8, 15, BY | SL, ANY, ANY},
	{"Weltkindertag", FIXED, 9, 20, TH, 2019, ANY},
	{"Tag der Deutschen Einheit", FIXED, 10, 3, ALL, ANY, ANY},
	/* The five eastern Länder; the four northern ones since 2018; all in 2017. */
	{"Reformationstag", FIXED, 10, 31, BB | MV | SN | ST | TH, ANY, ANY},
	{"Reformationstag", FIXED, 10, 31, HB | HH | NI | SH, 2018, ANY},
	{"Reformationstag", FIXED, 10, 31, ALL & ~(BB | MV | SN | ST | TH), 2017, 2017},
	{"Allerheiligen", FIXED, 11, 1, BW | BY | NW | RP | SL, ANY, ANY},
	{"Buß- und Bettag", REPENTANCE, 0, 0, SN, ANY, ANY},
	{"1. Weihnachtsfeiertag", FIXED, 12, 25, ALL, ANY, ANY},
	{"2. Weihnachtsfeiertag", FIXED, 12, 26, ALL, ANY, ANY},
};

/*
 * Gauss's Easter rule for the Gregorian calendar in the form J. Meeus gives
 * it (Astronomical Algorithms, ch. 8), valid for every year from 1583.
 */
int64_t
civil_easter(int year)
{
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return civil_days(year, month, day);
}

static int64_t
rule_day(const struct rule *r, int year, int64_t easter)
{
	int64_t nov22;

	switch (r->kind) {
	case EASTER:
		return easter + r->day;
	case REPENTANCE:
		/* The last Wednesday (weekday 3) on or before 22 November. */
		nov22 = civil_days(year, 11, 22);
		return nov22 - (civil_weekday(nov22) - 3 + 7) % 7;
	default:
		return civil_days(year, r->month, r->day);
	}
}

/* The Land bit of key "01".."16", or 0. */
static unsigned
land_bit(const char *key)
{
	if (!civil_land_code(key))
		return 0;
	return 1u << ((key[0] - '0') * 10 + (key[1] - '0'));
}

size_t
civil_holidays(const char *key, int year, struct civil_holiday *out)
{
	unsigned bit = land_bit(key);
	int64_t easter = civil_easter(year);
	size_t n = 0;

	if (!bit)
		return 0;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];

		if (!(r->lands & bit) || (r->from && year < r->from) || (r->to && year > r->to))
			continue;
		assert(n < CIVIL_HOLIDAYS_MAX);
		out[n].days = rule_day(r, year, easter);
		out[n].name = r->name;
		/* Keep them by date: an Easter holiday may fall before a fixed one. */
		for (size_t j = n; j > 0 && out[j - 1].days > out[j].days; j--) {
			struct civil_holiday x = out[j];

			out[j] = out[j - 1];
			out[j - 1] = x;
		}
		n++;
	}
	return n;
}

const char *
civil_holiday_on(const char *key, int64_t days)
{
	struct civil_holiday v[CIVIL_HOLIDAYS_MAX];
	struct civil_local l;
	size_t n;

	civil_day(days, &l);
	n = civil_holidays(key, l.year, v);
	for (size_t i = 0; i < n; i++)
		if (v[i].days == days)
			return v[i].name;
	return NULL;
}
