/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The public pages of the reports: the list at /maengel with filters by
 * category and status, one report at /maengel/<number> with its status
 * history, and an Atom feed of the newest reports at /maengel.atom.  They
 * show what Open311 shows: no contact, the description only as staff
 * approved it.
 */
#include "features/reports/rp_int.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/civil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_MAX 1000

const char *
rp_status_label(struct rq *q, unsigned st)
{
	return rq_msg(q, arena_printf(q->a, "reports.status.%s", rp_status_name(st)));
}

const char *
rp_date(struct rq *q, int64_t t)
{
	struct civil_local l;

	civil_local_at(t, &l);
	return arena_printf(q->a, "%02d.%02d.%d", l.day, l.month, l.year);
}

void
rp_history_view(struct rq *q, const struct rp_history *h, size_t n, bool with_time)
{
	struct view_val *l = view_set(q->page, "history", view_list(q->a));

	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "status", rp_status_label(q, h[i].status));
		view_set_text(m, "date",
			      with_time ? rq_date_time(q, h[i].at) : rp_date(q, h[i].at));
		view_set_text(m, "note", h[i].note);
	}
}

void
rp_status_options(struct rq *q, unsigned status)
{
	struct view_val *l = view_set(q->page, "states", view_list(q->a));

	for (unsigned bit = 1; bit <= RP_FORWARDED; bit <<= 1)
		rq_option(q, l, rp_status_name(bit), rp_status_label(q, bit), status == bit);
}

void
rp_filter_options(struct rq *q, const struct rp_category *cats, size_t nc, const char *code,
		  unsigned status)
{
	struct view_val *l = view_set(q->page, "categories", view_list(q->a));

	for (size_t i = 0; i < nc; i++)
		rq_option(q, l, cats[i].code, cats[i].name, strcmp(code, cats[i].code) == 0);
	rp_status_options(q, status);
}

/* The list's filters from the query; false when one is not understood. */
static bool
read_filter(struct rq *q, const struct rp_category *cats, size_t nc, struct rp_filter *f,
	    int64_t *page)
{
	const char *code = http_query(q->http, "kategorie");
	const char *status = http_query(q->http, "status");
	const char *p = http_query(q->http, "seite");
	char *end;
	bool ok = true;

	*page = 1;
	if (p && *p) {
		*page = strtoll(p, &end, 10);
		if (*end || *page < 1 || *page > PAGE_MAX)
			*page = 1, ok = false;
	}
	if (status && *status && !(f->statuses = rp_status_parse(status)))
		ok = false;
	if (code && *code) {
		size_t i = 0;

		while (i < nc && strcmp(cats[i].code, code) != 0)
			i++;
		if (i < nc)
			memcpy(f->code, cats[i].code, strlen(cats[i].code) + 1);
		else
			ok = false;
	}
	f->limit = RP_PAGE_SIZE;
	f->offset = (*page - 1) * RP_PAGE_SIZE;
	return ok;
}

static const char *
page_url(struct rq *q, const struct rp_filter *f, int64_t page)
{
	return rq_url(q, arena_printf(q->a, "/maengel?kategorie=%s&status=%s&seite=%lld",
				      rq_urlencode(q, f->code),
				      f->statuses ? rp_status_name(f->statuses) : "",
				      (long long)page));
}

void
rp_view_report(struct rq *q, struct view_val *m, const struct rp_report *r, const char *path)
{
	view_set_int(m, "number", r->number);
	view_set_text(m, "url",
		      rq_url(q, arena_printf(q->a, "%s/%lld", path, (long long)r->number)));
	view_set_text(m, "category", r->category);
	view_set_text(m, "status", rp_status_label(q, r->status));
	view_set_text(m, "date", rp_date(q, r->created_at));
	view_set_text(m, "address", rp_address(q->a, r));
	view_set_text(m, "text", r->public_text);
	view_set_text(m, "office", r->office);
}

static void
list_page(struct rq *q)
{
	struct rp_category *cats;
	struct rp_report *v;
	struct rp_filter f = {0};
	struct view_val *items;
	size_t nc, n;
	int64_t page, total = 0, pages;
	int rc;

	if (!rp_offered(q))
		return;
	rc = rp_categories(q->db, q->tenant, q->a, &cats, &nc, &q->err);
	if (rc == 0) {
		view_set_bool(q->page, "bad_filter", !read_filter(q, cats, nc, &f, &page));
		rc = rp_list(q->db, q->tenant, &f, q->a, &v, &n, &total, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rp_filter_options(q, cats, nc, f.code, f.statuses);
	items = view_set(q->page, "reports", view_list(q->a));
	for (size_t i = 0; i < n; i++)
		rp_view_report(q, view_push(items, view_map(q->a)), &v[i], "/maengel");
	pages = (total + RP_PAGE_SIZE - 1) / RP_PAGE_SIZE;
	view_set_int(q->page, "total", total);
	if (pages > 1) {
		view_set_int(q->page, "pages", pages);
		view_set_int(q->page, "page", page);
		if (page > 1)
			view_set_text(q->page, "prev_url", page_url(q, &f, page - 1));
		if (page < pages)
			view_set_text(q->page, "next_url", page_url(q, &f, page + 1));
	}
	view_set_text(q->page, "feed_url", rq_url(q, "/maengel.atom"));
	view_set_text(q->page, "new_url", rq_url(q, "/maengel/melden"));
	view_set_text(q->page, "open311_url", rq_url(q, "/open311/discovery.json"));
	view_set_text(q->page, "title", rq_msg(q, "reports.title"));
	rq_render(q, "reports/list");
}

/* The photos of an approved report; answers the error itself. */
static int
set_photos(struct rq *q, const struct rp_report *r)
{
	const char **ids;
	size_t n;
	struct view_val *pl;
	int rc = rp_photo_ids(q->db, q->tenant, r->id, q->a, &ids, &n, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return rc;
	}
	pl = view_set(q->page, "photos", view_list(q->a));
	view_set_bool(q->page, "has_photos", n > 0);
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(pl, view_map(q->a));

		view_set_text(m, "url", rq_url(q, arena_printf(q->a, "/maengel/foto/%s", ids[i])));
		view_set_int(m, "n", (int64_t)i + 1);
	}
	return 0;
}

/*
 * Report `number` with its history; `own` is the reporter's own text
 * (tracking link, which shows a report waiting for its confirmation too)
 * or NULL.
 */
void
rp_show_report(struct rq *q, int64_t number, const char *own, bool in_account)
{
	struct rp_report *r;
	struct rp_history *h;
	size_t n;
	int rc = rp_get(q->db, q->tenant, number, own != NULL, q->a, &r, &q->err);

	if (rc == 0)
		rc = rp_history_list(q->db, q->tenant, r->id, q->a, &h, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rp_view_report(q, q->page, r, "/maengel");
	view_set_bool(q->page, "unconfirmed", r->unconfirmed);
	if (own)
		view_set_text(q->page, in_account ? "account_text" : "own_text", own);
	if (r->has_pos)
		view_set_text(q->page, "position",
			      arena_printf(q->a, "%.5f, %.5f", (double)r->lat_e6 / 1e6,
					   (double)r->lon_e6 / 1e6));
	rp_history_view(q, h, n, false);
	if (r->public_text[0] && set_photos(q, r) != 0)
		return;
	view_set_text(q->page, "list_url", rq_url(q, in_account ? "/konto/meldungen" : "/maengel"));
	view_set_text(q->page, "back_label",
		      rq_msg(q, in_account ? "reports.mine.back" : "reports.back"));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s %lld: %s", rq_msg(q, "reports.number"),
				   (long long)r->number, r->category));
	rq_render(q, "reports/report");
}

static void
report_page(struct rq *q)
{
	const char *nr = http_param(q->http, "nr");
	char *end;
	long long number;

	if (!rp_offered(q))
		return;
	number = strtoll(nr, &end, 10);
	if (*nr < '1' || *nr > '9' || *end || number > 1000000000000LL) {
		rq_error(q, 404, NULL);
		return;
	}
	rp_show_report(q, number, NULL, false);
}

/*
 * The report of a mailed link, found by the token's hash: the tracking
 * link shows it with the reporter's own text; the confirmation link
 * publishes it first.
 */
static void
link_page(struct rq *q, bool confirm)
{
	const char *token = http_param(q->http, "token");
	const char *own = NULL;
	char hash[65];
	int64_t number = 0;
	int rc = ERR_NOTFOUND;

	if (!rp_offered(q))
		return;
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	if (strlen(token) == AUTH_TOKEN_LEN) {
		auth_token_hash(token, hash);
		rc = confirm ? rp_confirm(q->db, q->tenant, hash, (int64_t)time(NULL), &number,
					  &q->err)
			     : rp_by_token(q->db, q->tenant, hash, q->a, &number, &own, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (confirm)
		view_set_bool(q->page, "confirmed", true);
	rp_show_report(q, number, own, false);
}

static void
track_page(struct rq *q)
{
	link_page(q, false);
}

static void
confirm_page(struct rq *q)
{
	link_page(q, true);
}

/* One <entry> of the feed. */
static void
feed_entry(struct rq *q, struct xml_writer *x, const char *origin, const struct rp_report *r)
{
	const char *url =
		arena_printf(q->a, "%s%s/maengel/%lld", origin, q->base, (long long)r->number);
	char updated[XML_TIME_LEN + 1], published[XML_TIME_LEN + 1];

	xml_time_format(r->updated_at, updated);
	xml_time_format(r->created_at, published);
	xml_open(x, "entry", NULL);
	xml_text(x, "id", url);
	xml_text(x, "title",
		 arena_printf(q->a, "%s %lld: %s, %s", rq_msg(q, "reports.number"),
			      (long long)r->number, r->category, rp_address(q->a, r)));
	xml_text(x, "updated", updated);
	xml_text(x, "published", published);
	xml_empty(x, "link", (const char *const[]){"rel", "alternate", "href", url, NULL});
	xml_empty(x, "category",
		  (const char *const[]){"term", r->code, "label", r->category, NULL});
	xml_open(x, "content", (const char *const[]){"type", "text", NULL});
	xml_escape(&q->resp->body,
		   arena_printf(q->a, "%s. %s", rp_status_label(q, r->status),
				r->public_text[0] ? r->public_text
						  : rq_msg(q, "reports.text_pending")));
	xml_close(x);
	xml_close(x);
}

static void
feed(struct rq *q)
{
	struct rp_filter f = {.limit = RP_FEED_SIZE};
	struct rp_report *v;
	struct xml_writer x;
	const char *origin = rp_origin(q);
	const char *list = arena_printf(q->a, "%s%s/maengel", origin, q->base);
	char updated[XML_TIME_LEN + 1];
	size_t n;
	int rc;

	if (!rp_offered(q))
		return;
	rc = rp_list(q->db, q->tenant, &f, q->a, &v, &n, NULL, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	xml_time_format(n ? v[0].created_at : 0, updated);
	for (size_t i = 0; i < n; i++)
		if (v[i].updated_at > v[0].created_at)
			xml_time_format(v[i].updated_at, updated);
	q->resp->content_type = "application/atom+xml";
	xml_begin(&x, &q->resp->body);
	xml_open(&x, "feed",
		 (const char *const[]){"xmlns", "http://www.w3.org/2005/Atom", "xml:lang", q->lang,
				       NULL});
	xml_text(&x, "id", list);
	xml_text(&x, "title",
		 arena_printf(q->a, "%s – %s", rq_msg(q, "reports.title"), q->tenant->name));
	xml_text(&x, "updated", updated);
	xml_empty(&x, "link",
		  (const char *const[]){"rel", "self", "href", arena_printf(q->a, "%s.atom", list),
					NULL});
	xml_empty(
		&x, "link",
		(const char *const[]){"rel", "alternate", "type", "text/html", "href", list, NULL});
	xml_open(&x, "author", NULL);
	xml_text(&x, "name", q->tenant->name);
	xml_close(&x);
	for (size_t i = 0; i < n; i++)
		feed_entry(q, &x, origin, &v[i]);
	xml_close(&x);
}

void
rp_web_register(struct app *app)
{
	app_route(app, HTTP_GET | HTTP_HEAD, "/maengel", list_page, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/maengel.atom", feed, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/maengel/verfolgen/:token", track_page, 0, 0);
	app_route(app, HTTP_GET, "/maengel/bestaetigen/:token", confirm_page, 0, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/maengel/:nr", report_page, ROUTE_CACHE, 0);
}
