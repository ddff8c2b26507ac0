/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A day or a week of a location as CSV for staff (RFC 4180 quoting, CRLF,
 * UTF-8 with a byte order mark and ';' between cells, which is what
 * spreadsheet programs in German settings open without asking).  Names and
 * notes come from citizens, so a cell that a spreadsheet would run as a
 * formula (= + - @, tab, CR first) gets a leading apostrophe (OWASP "CSV
 * Injection").
 */
#include "features/appointments/appt_staff.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "core/buf.h"
#include "core/civil.h"
#include "core/csv_out.h"

#include <string.h>

#define WEEK_DAYS 7

/* Column headings (message keys), in the order of row(). */
static const char *const HEADINGS[] = {
	"appt.staff.col.date",	 "appt.staff.col.time",	    "appt.staff.col.end",
	"appt.staff.col.type",	 "appt.staff.col.persons",  "appt.staff.col.name",
	"appt.staff.col.email",	 "appt.staff.col.phone",    "appt.staff.col.status",
	"appt.staff.col.number", "appt.staff.col.conflict",
};

static int
row(struct rq *q, struct buf *out, const struct appt_entry *x)
{
	struct civil_local l;
	const char *cells[sizeof(HEADINGS) / sizeof(HEADINGS[0])];

	civil_local_at(x->starts_at, &l);
	cells[0] = appt_web_date(q, l.days);
	cells[1] = appt_staff_time(q, x->starts_at);
	cells[2] = appt_staff_time(q, x->ends_at);
	cells[3] = x->type_name;
	cells[4] = arena_printf(q->a, "%d", x->persons);
	cells[5] = x->name;
	cells[6] = x->email;
	cells[7] = x->phone;
	cells[8] =
		rq_msg(q, arena_printf(q->a, "appt.staff.status.%s", appt_status_name(x->status)));
	cells[9] = x->number ? arena_printf(q->a, "%d", x->number) : "";
	cells[10] = x->conflict ? rq_msg(q, "appt.staff.conflict") : "";
	return csv_line(out, cells, sizeof(cells) / sizeof(cells[0]));
}

static int
render(struct rq *q, const struct appt_entry *v, size_t n)
{
	const char *head[sizeof(HEADINGS) / sizeof(HEADINGS[0])];
	int rc;

	for (size_t i = 0; i < sizeof(HEADINGS) / sizeof(HEADINGS[0]); i++)
		head[i] = rq_msg(q, HEADINGS[i]);
	rc = buf_adds(&q->resp->body, "\xEF\xBB\xBF");
	if (rc == 0)
		rc = csv_line(&q->resp->body, head, sizeof(head) / sizeof(head[0]));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = row(q, &q->resp->body, &v[i]);
	return rc;
}

static void
csv_export(struct rq *q)
{
	const char *span = http_query(q->http, "zeitraum");
	struct appt_location *loc;
	struct appt_entry *v;
	int64_t day, days = 1;
	size_t n;
	int rc;

	if (!appt_staff_allowed(q) || !(loc = appt_staff_location(q)) ||
	    !appt_staff_day(q, "datum", &day))
		return;
	if (span && strcmp(span, "woche") == 0) {
		day -= civil_weekday(day) - 1;
		days = WEEK_DAYS;
	} else if (span && strcmp(span, "tag") != 0) {
		rq_error(q, 400, "appt.staff.err.span");
		return;
	}
	rc = appt_entries_load(q->db, q->tenant, loc, appt_day_start(day),
			       appt_day_start(day + days), q->a, &v, &n, &q->err);
	if (rc == 0) {
		appt_entries_mark(loc, v, n);
		buf_reset(&q->resp->body);
		rc = render(q, v, n);
	}
	rq_download(q, rc, "text/csv; charset=utf-8; header=present",
		    arena_printf(q->a, "termine-%s-%s%s.csv", loc->slug, appt_web_date(q, day),
				 days > 1 ? "-woche" : ""));
}

void
appt_staff_csv_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/termine/:location/export.csv", csv_export,
		  ROUTE_STAFF, 0);
}
