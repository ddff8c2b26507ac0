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

bool
ed_date_valid(const char *s)
{
	int64_t days;

	return strlen(s) == 10 && office_parse_date(s, &days);
}

int
ed_local_to_utc(const char *s, int64_t *out)
{
	int64_t days, local, utc;
	int minute;

	if (strlen(s) != 16 || s[10] != 'T' || !office_parse_date(s, &days))
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
