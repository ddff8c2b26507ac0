/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The workflow rules (who may do what in which state) and the dates of the
 * editing forms.  Pure: no database, no HTTP.
 */
#include "features/editor/editor.h"

#include "auth/auth.h"
#include "features/offices/office.h"

#include <string.h>

static bool
is(const char *state, const char *name)
{
	return state && strcmp(state, name) == 0;
}

int
ed_flow_check(enum ed_action action, unsigned roles, const char *state, bool is_author)
{
	bool admin = roles & ROLE_ADMIN, editor = admin || (roles & ROLE_EDITOR);

	if (!editor)
		return ERR_FORBIDDEN;
	switch (action) {
	case ED_SAVE:
	case ED_SUBMIT:
	case ED_RESTORE:
		return 0;
	case ED_PUBLISH:
		if (admin)
			return 0;
		/* Four eyes: an editor approves only what someone else submitted. */
		return is(state, "review") && !is_author ? 0 : ERR_FORBIDDEN;
	case ED_REJECT:
		if (!is(state, "review"))
			return ERR_CONFLICT;
		return admin || !is_author ? 0 : ERR_FORBIDDEN;
	}
	return ERR_FORBIDDEN;
}

int
ed_action_parse(const char *s)
{
	static const char *const names[] = {"speichern", "einreichen", "veroeffentlichen",
					    "zurueckweisen", "wiederherstellen"};

	for (int i = 0; s && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "YYYY-MM-DD" at the start of `s` into days since 1970-01-01. */
static bool
parse_date(const char *s, int64_t *days)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

bool
ed_date_valid(const char *s)
{
	int64_t days;

	return strlen(s) == 10 && parse_date(s, &days);
}

int
ed_local_to_utc(const char *s, int64_t *out)
{
	int64_t days, local, utc;
	int minute;

	if (strlen(s) != 16 || s[10] != 'T' || !parse_date(s, &days))
		return ERR_INVALID;
	minute = office_parse_time(s + 11);
	if (minute < 0 || minute >= 24 * 60)
		return ERR_INVALID;
	local = days * 86400 + minute * 60;
	utc = local - 7200; /* summer time, unless that instant is in winter */
	if (!office_berlin_dst(utc))
		utc = local - 3600;
	*out = utc;
	return 0;
}

void
ed_utc_to_local(int64_t utc, bool iso, char out[17])
{
	struct office_local l;
	char date[OFFICE_DATE_LEN + 1];
	int m;

	office_local_at(utc, &l);
	office_format_date(&l, date);
	m = l.minute >= 0 && l.minute < 24 * 60 ? l.minute : 0;

	memcpy(out, date, OFFICE_DATE_LEN);
	out[10] = iso ? 'T' : ' ';
	office_format_time(m, out + 11);
}
