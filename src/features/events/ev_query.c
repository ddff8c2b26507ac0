/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The calendar's query parameters, read strictly: a value we do not know is
 * a 400 rather than a guess, so a link always shows what it says.
 *
 *   ansicht=liste|tag|woche|monat   (default liste: today and 30 days)
 *   datum=YYYY-MM-DD (monat also YYYY-MM)   the day or month to show
 *   von=YYYY-MM-DD&bis=YYYY-MM-DD   a range of at most EV_RANGE_MAX days (list)
 *   kategorie=<key>  kostenlos=1  barrierefrei=1  format=ics|atom
 */
#include "features/events/ev_int.h"

#include "core/civil.h"
#include "core/str.h"

#include <stdio.h>
#include <string.h>

const char *const ev_categories[] = {
	"markt", "musik", "kultur", "politik", "sport", "verein", "familie", "bildung", NULL,
};

bool
ev_category_valid(const char *s)
{
	return str_in_list(s, ev_categories);
}

bool
ev_slug_valid(const char *s)
{
	/* Not the paths of the submission form and its confirmation. */
	return str_slug_ok(s, 80) && strcmp(s, "melden") != 0 && strcmp(s, "bestaetigen") != 0;
}

static bool
empty(const char *s)
{
	return !s || !*s;
}

/* "1" is on; absent or "" is off; anything else is refused. */
static int
flag(const char *s, const char *name, bool *out, struct err *e)
{
	*out = !empty(s);
	if (*out && strcmp(s, "1") != 0)
		return err_set(e, ERR_INVALID, "ev.err.query", "%s", name);
	return 0;
}

static int
date(const char *s, const char *name, int64_t *out, struct err *e)
{
	if (!civil_date_valid(s) || !civil_parse_date(s, out))
		return err_set(e, ERR_INVALID, "ev.err.query", "%s", name);
	return 0;
}

static int
view_of(const char *s, enum ev_view *v, struct err *e)
{
	static const char *const NAMES[] = {"liste", "tag", "woche", "monat"};

	*v = EV_LIST;
	if (empty(s))
		return 0;
	for (int i = 0; i < 4; i++)
		if (strcmp(s, NAMES[i]) == 0) {
			*v = (enum ev_view)i;
			return 0;
		}
	return err_set(e, ERR_INVALID, "ev.err.query", "ansicht");
}

static int
format_of(const char *s, enum ev_format *f, struct err *e)
{
	*f = EV_HTML;
	if (empty(s) || strcmp(s, "html") == 0)
		return 0;
	if (strcmp(s, "ics") == 0)
		*f = EV_ICS;
	else if (strcmp(s, "atom") == 0)
		*f = EV_ATOM;
	else
		return err_set(e, ERR_INVALID, "ev.err.query", "format");
	return 0;
}

/* The month view's day: "YYYY-MM" is its first day; a full date works too. */
static int
month_anchor(const char *s, int64_t *out, struct err *e)
{
	char d[CIVIL_DATE_LEN + 1];

	if (s && strlen(s) == 7) {
		snprintf(d, sizeof(d), "%s-01", s);
		return date(d, "datum", out, e);
	}
	return date(s, "datum", out, e);
}

static void
view_range(struct ev_query *q)
{
	struct civil_local l;

	civil_day(q->anchor, &l);
	switch (q->view) {
	case EV_DAY:
		q->first = q->last = q->anchor;
		break;
	case EV_WEEK:
		q->first = q->anchor - (l.weekday - 1);
		q->last = q->first + 6;
		break;
	case EV_MONTH:
		q->first = q->anchor - (l.day - 1);
		q->last = civil_days(l.month == 12 ? l.year + 1 : l.year,
				     l.month == 12 ? 1 : l.month + 1, 1) -
			  1;
		break;
	default:
		q->first = q->anchor;
		q->last = q->anchor + EV_LIST_DAYS - 1;
	}
}

static int
range(const struct ev_query_in *in, struct ev_query *q, struct err *e)
{
	int64_t von = q->anchor, bis;

	if (!empty(in->von) && date(in->von, "von", &von, e))
		return ERR_INVALID;
	bis = von + EV_LIST_DAYS - 1;
	if (!empty(in->bis) && date(in->bis, "bis", &bis, e))
		return ERR_INVALID;
	if (bis < von || bis - von >= EV_RANGE_MAX)
		return err_set(e, ERR_INVALID, "ev.err.query", "bis");
	q->view = EV_LIST;
	q->ranged = true;
	q->anchor = q->first = von;
	q->last = bis;
	return 0;
}

int
ev_query_parse(const struct ev_query_in *in, int64_t today, struct ev_query *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->category = "";
	out->anchor = today;
	if (view_of(in->ansicht, &out->view, e) || format_of(in->format, &out->format, e))
		return ERR_INVALID;
	if (flag(in->kostenlos, "kostenlos", &out->free_only, e) ||
	    flag(in->barrierefrei, "barrierefrei", &out->accessible_only, e))
		return ERR_INVALID;
	if (!empty(in->kategorie)) {
		if (!ev_category_valid(in->kategorie))
			return err_set(e, ERR_INVALID, "ev.err.query", "kategorie");
		out->category = in->kategorie;
	}
	if (!empty(in->datum) &&
	    (out->view == EV_MONTH ? month_anchor(in->datum, &out->anchor, e)
				   : date(in->datum, "datum", &out->anchor, e)))
		return ERR_INVALID;
	if (!empty(in->von) || !empty(in->bis))
		return range(in, out, e);
	view_range(out);
	return 0;
}
