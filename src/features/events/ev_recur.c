/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Recurrence: our RRULE subset is checked by our own strict parser, then
 * handed to libical in canonical form for the iteration.  libical iterates
 * in floating local time; each occurrence is then placed in Europe/Berlin
 * by core/civil, so the wall-clock time stays put across summer-time
 * changes.  The subset keeps libical's iterator on rules that always match
 * within a few months (no fifth weekdays, INTERVAL at most 12), and the
 * horizon and EV_OCC_MAX bound every expansion.
 */
#include "features/events/ev_int.h"

#include "core/civil.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>

static const char *const WD[] = {"", "MO", "TU", "WE", "TH", "FR", "SA", "SU"};

static int
weekday_of(const char *s, size_t n)
{
	for (int i = 1; i <= 7; i++)
		if (n == 2 && memcmp(s, WD[i], 2) == 0)
			return i;
	return 0;
}

/* A decimal number of 1..4 digits in [min, max]. */
static bool
num(const char *s, size_t n, int min, int max, int *out)
{
	int v = 0;

	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v >= min && v <= max;
}

/* UNTIL: YYYYMMDD, optionally followed by THHMMSS and an optional Z. */
static bool
until_day(const char *s, size_t n, int64_t *out)
{
	char d[CIVIL_DATE_LEN + 1];

	if (n != 8 && n != 15 && n != 16)
		return false;
	if (n > 8) {
		int x;

		if (s[8] != 'T' || !num(s + 9, 2, 0, 23, &x) || !num(s + 11, 2, 0, 59, &x) ||
		    !num(s + 13, 2, 0, 60, &x) || (n == 16 && s[15] != 'Z'))
			return false;
	}
	snprintf(d, sizeof(d), "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	return civil_date_valid(d) && civil_parse_date(d, out);
}

static int
parse_byday(struct ev_rrule *r, const char *v, size_t n, struct err *e)
{
	size_t i = 0;
	int entries = 0;

	while (i <= n) {
		size_t j = i;
		int sign = 1, ord = 0, wd;

		while (j < n && v[j] != ',')
			j++;
		const char *p = v + i;
		size_t len = j - i;

		if (len && (p[0] == '-' || p[0] == '+')) {
			sign = p[0] == '-' ? -1 : 1;
			p++, len--;
		}
		if (len == 3 && p[0] >= '1' && p[0] <= '4')
			ord = p[0] - '0', p++, len--;
		else if (len == 3 || sign < 0)
			return err_set(e, ERR_INVALID, "ev.err.rrule", "bad BYDAY ordinal");
		wd = weekday_of(p, len);
		if (!wd || (sign < 0 && ord != 1))
			return err_set(e, ERR_INVALID, "ev.err.rrule", "bad BYDAY entry");
		if (ord) {
			r->nth = sign * ord;
			r->nth_weekday = wd;
		} else if (r->weekdays & (1u << wd)) {
			return err_set(e, ERR_INVALID, "ev.err.rrule", "BYDAY weekday twice");
		} else {
			r->weekdays |= 1u << wd;
		}
		entries++;
		i = j + 1;
	}
	if (r->nth && entries != 1)
		return err_set(e, ERR_INVALID, "ev.err.rrule", "an nth weekday stands alone");
	return 0;
}

static int
parse_part(struct ev_rrule *r, const char *k, size_t kn, const char *v, size_t vn, unsigned *seen,
	   struct err *e)
{
	static const char *const KEYS[] = {"FREQ",  "INTERVAL",	  "COUNT", "UNTIL",
					   "BYDAY", "BYMONTHDAY", "WKST"};
	size_t key = 0;

	while (key < sizeof(KEYS) / sizeof(KEYS[0]) &&
	       !(strlen(KEYS[key]) == kn && memcmp(KEYS[key], k, kn) == 0))
		key++;
	if (key == sizeof(KEYS) / sizeof(KEYS[0]))
		return err_set(e, ERR_INVALID, "ev.err.rrule", "RRULE part not supported");
	if (*seen & (1u << key))
		return err_set(e, ERR_INVALID, "ev.err.rrule", "RRULE part twice");
	*seen |= 1u << key;
	switch (key) {
	case 0:
		if (vn == 6 && memcmp(v, "WEEKLY", 6) == 0)
			r->freq = EV_WEEKLY;
		else if (vn == 7 && memcmp(v, "MONTHLY", 7) == 0)
			r->freq = EV_MONTHLY;
		else
			return err_set(e, ERR_INVALID, "ev.err.rrule", "FREQ not supported");
		return 0;
	case 1:
		return num(v, vn, 1, 12, &r->interval)
			       ? 0
			       : err_set(e, ERR_INVALID, "ev.err.rrule", "bad INTERVAL");
	case 2:
		return num(v, vn, 1, EV_OCC_MAX, &r->count)
			       ? 0
			       : err_set(e, ERR_INVALID, "ev.err.rrule", "bad COUNT");
	case 3:
		return until_day(v, vn, &r->until_day)
			       ? 0
			       : err_set(e, ERR_INVALID, "ev.err.rrule", "bad UNTIL");
	case 4:
		return parse_byday(r, v, vn, e);
	case 5:
		return num(v, vn, 1, 31, &r->monthday)
			       ? 0
			       : err_set(e, ERR_INVALID, "ev.err.rrule", "bad BYMONTHDAY");
	default:
		return weekday_of(v, vn) ? 0 : err_set(e, ERR_INVALID, "ev.err.rrule", "bad WKST");
	}
}

static int
rule_consistent(const struct ev_rrule *r, struct err *e)
{
	if (r->freq == EV_ONCE)
		return err_set(e, ERR_INVALID, "ev.err.rrule", "RRULE without FREQ");
	if (r->count && r->until_day >= 0)
		return err_set(e, ERR_INVALID, "ev.err.rrule", "COUNT and UNTIL together");
	if (r->freq == EV_WEEKLY && (r->nth || r->monthday))
		return err_set(e, ERR_INVALID, "ev.err.rrule", "weekly rule by month day");
	if (r->freq == EV_MONTHLY && (r->weekdays || (r->nth && r->monthday)))
		return err_set(e, ERR_INVALID, "ev.err.rrule", "monthly rule by two days");
	return 0;
}

int
ev_rrule_parse(const char *s, struct ev_rrule *out, struct err *e)
{
	size_t n = strlen(s), i = 0;
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	out->until_day = -1;
	out->interval = 1;
	if (n == 0)
		return 0;
	if (n > EV_RRULE_MAX)
		return err_set(e, ERR_INVALID, "ev.err.rrule", "RRULE too long");
	if (n > 6 && memcmp(s, "RRULE:", 6) == 0)
		i = 6;
	while (i < n) {
		size_t j = i, eq;
		int rc;

		while (j < n && s[j] != ';')
			j++;
		eq = i;
		while (eq < j && s[eq] != '=')
			eq++;
		if (eq == j || eq == i)
			return err_set(e, ERR_INVALID, "ev.err.rrule", "RRULE part without '='");
		rc = parse_part(out, s + i, eq - i, s + eq + 1, j - eq - 1, &seen, e);
		if (rc)
			return rc;
		i = j + 1;
	}
	return rule_consistent(out, e);
}

void
ev_rrule_format(const struct ev_rrule *r, bool with_until, char *out, size_t n)
{
	struct buf b;

	buf_init(&b, n);
	(void)buf_adds(&b, r->freq == EV_MONTHLY ? "FREQ=MONTHLY" : "FREQ=WEEKLY");
	if (r->interval > 1)
		(void)buf_addf(&b, ";INTERVAL=%d", r->interval);
	if (r->count)
		(void)buf_addf(&b, ";COUNT=%d", r->count);
	if (with_until && r->until_day >= 0) {
		struct civil_local d;

		civil_day(r->until_day, &d);
		(void)buf_addf(&b, ";UNTIL=%04d%02d%02d", d.year, d.month, d.day);
	}
	if (r->weekdays) {
		(void)buf_adds(&b, ";BYDAY=");
		for (int i = 1, first = 1; i <= 7; i++)
			if (r->weekdays & (1u << i)) {
				(void)buf_addf(&b, "%s%s", first ? "" : ",", WD[i]);
				first = 0;
			}
	}
	if (r->nth)
		(void)buf_addf(&b, ";BYDAY=%d%s", r->nth, WD[r->nth_weekday]);
	if (r->monthday)
		(void)buf_addf(&b, ";BYMONTHDAY=%d", r->monthday);
	snprintf(out, n, "%s", b.p);
	buf_release(&b);
}

int
ev_exdates_parse(const char *s, int64_t *days, size_t *n, struct err *e)
{
	*n = 0;
	while (*s) {
		char d[CIVIL_DATE_LEN + 1];
		size_t len;

		while (*s == ' ' || *s == ',')
			s++;
		len = strcspn(s, ", ");
		if (len == 0)
			break;
		if (len != CIVIL_DATE_LEN || *n >= EV_EXDATES_MAX)
			return err_set(e, ERR_INVALID, "ev.err.exdates", "bad exception date");
		memcpy(d, s, len);
		d[len] = '\0';
		if (!civil_date_valid(d) || !civil_parse_date(d, &days[*n]))
			return err_set(e, ERR_INVALID, "ev.err.exdates", "bad exception date");
		(*n)++;
		s += len;
	}
	return 0;
}
