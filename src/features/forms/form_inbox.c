/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff case inbox under /verwaltung/antraege, for admins and case
 * workers of the tenant (an editor alone gets 403):
 *
 *	GET  /verwaltung/antraege                the cases, filtered by form, state
 *	                                         and day of submission, newest first
 *	GET  /verwaltung/antraege.csv            the same filter as CSV
 *	GET  /verwaltung/antraege/:nr            one case: answers, files, history
 *	GET  /verwaltung/antraege/:nr/dateien/:id  a file of the case
 *	POST /verwaltung/antraege/:nr/status     the next state with a note
 *	POST /verwaltung/antraege/:nr/notiz      an internal note
 *	POST /verwaltung/antraege/:nr/nachricht  a message to the citizen
 *
 * Cases are addressed by their case number within the tenant: another
 * tenant's number is not found (404).
 */
#include "features/forms/form_inbox.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/civil.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STAFF INBOX_URL

bool
inbox_allowed(struct rq *q)
{
	return rq_staff_may(q, ROLE_ADMIN | ROLE_CASEWORKER);
}

/* ---- The list ----------------------------------------------------------- */

static bool
id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > FORM_KEY_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* The start of Berlin day `s` (YYYY-MM-DD) into *out; false when malformed. */
static bool
day_start(const char *s, int64_t plus_days, int64_t *out)
{
	struct civil_local l;
	char date[CIVIL_DATE_LEN + 1], local[CIVIL_DATE_LEN + 8];
	int64_t days;

	if (!civil_date_valid(s) || !civil_parse_date(s, &days))
		return false;
	civil_day(days + plus_days, &l);
	civil_format_date(&l, date);
	snprintf(local, sizeof(local), "%sT00:00", date);
	return civil_local_to_utc(local, out) == 0;
}

/* The filter from the query into *f and the echo of it into the page; false when a part is bad. */
static bool
read_filter(struct rq *q, struct inbox_filter *f, int64_t *page)
{
	const char *id = http_query(q->http, "formular"), *st = http_query(q->http, "status");
	const char *from = http_query(q->http, "von"), *until = http_query(q->http, "bis");
	const char *p = http_query(q->http, "seite");
	bool ok = true;
	char *end;

	*f = (struct inbox_filter){.form_id = "",
				   .until = INT64_MAX,
				   .limit = INBOX_PAGE,
				   .from_day = "",
				   .until_day = ""};
	*page = 1;
	if (p && *p) {
		*page = strtoll(p, &end, 10);
		if (*end || *page < 1 || *page > 10000)
			*page = 1, ok = false;
	}
	if (id && *id && id_ok(id))
		f->form_id = id;
	else if (id && *id)
		ok = false;
	if (st && *st && !(f->status = inbox_status_parse(st)))
		ok = false;
	if (from && *from && day_start(from, 0, &f->from))
		f->from_day = from;
	else if (from && *from)
		ok = false;
	if (until && *until && day_start(until, 1, &f->until))
		f->until_day = until;
	else if (until && *until)
		ok = false;
	view_set_text(q->page, "from", f->from_day);
	view_set_text(q->page, "until", f->until_day);
	f->offset = (*page - 1) * INBOX_PAGE;
	return ok;
}

static const char *
filter_query(struct rq *q, const struct inbox_filter *f)
{
	return arena_printf(q->a, "formular=%s&status=%s&von=%s&bis=%s", f->form_id,
			    f->status ? inbox_status_name(f->status) : "", f->from_day,
			    f->until_day);
}

static int
filter_options(struct rq *q, const struct inbox_filter *f)
{
	struct form_item *forms;
	struct view_val *l;
	size_t n;
	int rc = form_list(q->db, q->tenant, q->a, &forms, &n, &q->err);

	if (rc)
		return rc;
	l = view_set(q->page, "forms", view_list(q->a));
	for (size_t i = 0; i < n; i++)
		rq_option(q, l, forms[i].id, forms[i].title, strcmp(f->form_id, forms[i].id) == 0);
	l = view_set(q->page, "states", view_list(q->a));
	for (unsigned bit = 1; bit <= INBOX_STATUS_LAST; bit <<= 1)
		rq_option(q, l, inbox_status_name(bit), inbox_status_label(q, bit),
			  f->status == bit);
	return 0;
}

static void
list_page(struct rq *q)
{
	struct inbox_filter f;
	struct inbox_case *v;
	struct view_val *l;
	size_t n;
	int64_t page, total = 0;
	int rc;

	if (!inbox_allowed(q))
		return;
	view_set_bool(q->page, "bad_filter", !read_filter(q, &f, &page));
	rc = filter_options(q, &f);
	rc = rc ? rc : inbox_list(q->db, q->tenant, &f, q->a, &v, &n, &total, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	l = view_set(q->page, "cases", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "case_no", v[i].case_no);
		view_set_text(m, "url", inbox_case_url(q, v[i].case_no, ""));
		view_set_text(m, "form", v[i].title);
		view_set_text(m, "status", inbox_status_label(q, v[i].status));
		view_set_text(m, "status_key", inbox_status_name(v[i].status));
		view_set_text(m, "date", rq_date_time(q, v[i].created_at));
	}
	view_set_int(q->page, "total", total);
	if (total > page * INBOX_PAGE)
		view_set_text(q->page, "next_url",
			      rq_url(q, arena_printf(q->a, STAFF "?%s&seite=%lld",
						     filter_query(q, &f), (long long)page + 1)));
	view_set_text(q->page, "csv_url",
		      rq_url(q, arena_printf(q->a, STAFF ".csv?%s", filter_query(q, &f))));
	view_set_text(q->page, "action", rq_url(q, STAFF));
	view_set_text(q->page, "title", rq_msg(q, "forms.inbox.title"));
	rq_staff_crumbs(q, "forms.inbox.title", STAFF, NULL);
	rq_render(q, "forms/inbox_list");
}

static void
csv_page(struct rq *q)
{
	struct inbox_filter f;
	struct inbox_case *v;
	size_t n;
	int64_t page;
	int rc;

	if (!inbox_allowed(q))
		return;
	if (!read_filter(q, &f, &page)) {
		rq_error(q, 400, "forms.inbox.err.filter");
		return;
	}
	f.limit = INBOX_EXPORT_MAX;
	f.offset = 0;
	rc = inbox_list(q->db, q->tenant, &f, q->a, &v, &n, NULL, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	inbox_csv(q, v, n);
}

void
form_inbox_register(struct app *app)
{
	app_route(app, HTTP_GET, STAFF, list_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_GET, STAFF ".csv", csv_page, ROUTE_STAFF, 0);
	form_inbox_case_register(app);
}
