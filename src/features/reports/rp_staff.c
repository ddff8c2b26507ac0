/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff side of the defect reports under /verwaltung/maengel, for
 * admins and case workers of the tenant:
 *
 *	GET  /verwaltung/maengel                   the reports, filtered by status,
 *	                                           category and office
 *	GET  /verwaltung/maengel/:nr               one report with contact, text as
 *	                                           written, history, notes
 *	POST /verwaltung/maengel/:nr/status        append a status with a public note
 *	POST /verwaltung/maengel/:nr/text          approve or edit the public text
 *	POST /verwaltung/maengel/:nr/notiz         an internal note
 *	POST /verwaltung/maengel/:nr/weiterleiten  reroute to another office
 *	POST /verwaltung/maengel/:nr/nachricht     a message to the reporter by mail
 *	POST /verwaltung/maengel/:nr/zusammenfuehren  mark as duplicate of `original`
 *	POST /verwaltung/maengel/:nr/trennen           undo that: handled on its own again
 *
 * The report page offers open reports nearby (rp_nearby()) as possible
 * duplicates.  A duplicate takes the original's later states, and its
 * reporter gets their mails too.
 * Reports are addressed by the tenant's number only: a number of another
 * tenant is not found (404), and no form carries a row id.  A status
 * change is mailed to a reporter who gave an email address and consented.
 */
#include "features/reports/rp_int.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/civil.h"
#include "db/db.h"
#include "features/offices/office.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STAFF "/verwaltung/maengel"
#define STAFF_PAGE 50
#define STAFF_FORM_MAX (16 * 1024)

static bool
allowed(struct rq *q)
{
	return rp_staff_may(q, ROLE_ADMIN | ROLE_CASEWORKER);
}

static const char *
report_path(struct rq *q, int64_t number, const char *tail)
{
	return arena_printf(q->a, STAFF "/%lld%s", (long long)number, tail);
}

/* A text of the forms: at most `max` bytes, no control characters but TAB, LF and CR. */
static bool
text_ok(const char *s, size_t max)
{
	if (strlen(s) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
			return false;
	return true;
}

static void
crumbs(struct rq *q, const char *label)
{
	rq_staff_crumbs(q, "reports.staff.title", STAFF, label);
}

static void
office_options(struct rq *q, struct view_val *l, struct office *v, size_t n, int64_t selected)
{
	for (size_t i = 0; i < n; i++)
		rq_option(q, l, v[i].slug, v[i].name, v[i].id == selected);
}

/* ---- The list ----------------------------------------------------------- */

/* The list's filters from the query into *f; false when one is not understood (and ignored). */
static bool
read_filter(struct rq *q, const struct rp_category *cats, size_t nc, const struct office *offices,
	    size_t no, struct rp_filter *f, int64_t *page)
{
	const char *status = http_query(q->http, "status");
	const char *code = http_query(q->http, "kategorie");
	const char *office = http_query(q->http, "stelle"), *p = http_query(q->http, "seite");
	bool ok = true;
	char *end;
	size_t i;

	*page = 1;
	if (p && *p) {
		*page = strtoll(p, &end, 10);
		if (*end || *page < 1 || *page > 10000)
			*page = 1, ok = false;
	}
	if (status && *status && !(f->statuses = rp_status_parse(status)))
		ok = false;
	for (i = 0; code && *code && i < nc && strcmp(cats[i].code, code) != 0; i++)
		;
	if (code && *code && i < nc)
		memcpy(f->code, cats[i].code, strlen(cats[i].code) + 1);
	else if (code && *code)
		ok = false;
	for (i = 0; office && *office && i < no && strcmp(offices[i].slug, office) != 0; i++)
		;
	if (office && *office && i < no)
		f->office_id = offices[i].id;
	else if (office && *office)
		ok = false;
	f->offset = (*page - 1) * STAFF_PAGE;
	return ok;
}

static void
filter_options(struct rq *q, const struct rp_category *cats, size_t nc, struct office *offices,
	       size_t no, const struct rp_filter *f)
{
	rp_filter_options(q, cats, nc, f->code, f->statuses);
	office_options(q, view_set(q->page, "offices", view_list(q->a)), offices, no, f->office_id);
}

static const char *
office_slug(const struct office *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].slug;
	return "";
}

static void
list_page(struct rq *q)
{
	struct rp_filter f = {.limit = STAFF_PAGE, .any = true};
	struct rp_category *cats;
	struct office *offices;
	struct rp_report *v;
	struct view_val *l;
	size_t nc, no, n;
	int64_t page = 1, total = 0;
	int rc;

	if (!allowed(q))
		return;
	rc = rp_categories(q->db, q->tenant, q->a, &cats, &nc, &q->err);
	rc = rc ? rc : office_list(q->db, q->tenant, q->a, &offices, &no, &q->err);
	if (rc == 0) {
		view_set_bool(q->page, "bad_filter",
			      !read_filter(q, cats, nc, offices, no, &f, &page));
		rc = rp_list(q->db, q->tenant, &f, q->a, &v, &n, &total, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	filter_options(q, cats, nc, offices, no, &f);
	l = view_set(q->page, "reports", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_int(m, "number", v[i].number);
		view_set_text(m, "url", rq_url(q, report_path(q, v[i].number, "")));
		view_set_text(m, "category", v[i].category);
		view_set_text(m, "status", rp_status_label(q, v[i].status));
		view_set_text(m, "status_key", rp_status_name(v[i].status));
		view_set_text(m, "date", rq_date_time(q, v[i].created_at));
		view_set_text(m, "address", rp_address(q->a, &v[i]));
		view_set_text(m, "office", v[i].office);
		view_set_bool(m, "pending", !v[i].public_text[0]);
		view_set_bool(m, "unconfirmed", v[i].unconfirmed);
	}
	view_set_int(q->page, "total", total);
	if (total > page * STAFF_PAGE)
		view_set_text(
			q->page, "next_url",
			rq_url(q, arena_printf(q->a,
					       STAFF "?status=%s&kategorie=%s&stelle=%s&seite=%lld",
					       f.statuses ? rp_status_name(f.statuses) : "",
					       rq_urlencode(q, f.code),
					       office_slug(offices, no, f.office_id),
					       (long long)page + 1)));
	view_set_text(q->page, "action", rq_url(q, STAFF));
	if (q->user->roles & ROLE_ADMIN)
		view_set_text(q->page, "keys_url", rq_url(q, STAFF "/schluessel"));
	view_set_text(q->page, "title", rq_msg(q, "reports.staff.title"));
	crumbs(q, NULL);
	rq_render(q, "reports/staff_list");
}

/* ---- One report ---------------------------------------------------------- */

/* The report of path parameter :nr; NULL when 404 was answered. */
static struct rp_detail *
param_report(struct rq *q)
{
	const char *nr = http_param(q->http, "nr");
	struct rp_detail *d = NULL;
	char *end;
	long long number = strtoll(nr, &end, 10);
	int rc;

	if (*nr < '1' || *nr > '9' || *end || number > 1000000000000LL) {
		rq_error(q, 404, NULL);
		return NULL;
	}
	rc = rp_detail_get(q->db, q->tenant, number, q->a, &d, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return NULL;
	}
	return d;
}

static int
history_view(struct rq *q, const struct rp_detail *d)
{
	struct rp_history *h;
	struct rp_note *notes;
	struct view_val *l;
	size_t n, nn;
	int rc = rp_history_list(q->db, q->tenant, d->r.id, q->a, &h, &n, &q->err);

	rc = rc ? rc : rp_notes(q->db, q->tenant, d->r.id, q->a, &notes, &nn, &q->err);
	if (rc)
		return rc;
	rp_history_view(q, h, n, true);
	l = view_set(q->page, "notes", view_list(q->a));
	for (size_t i = 0; i < nn; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_bool(m, "message", notes[i].message);
		view_set_text(m, "body", notes[i].body);
		view_set_text(m, "author", notes[i].author);
		view_set_text(m, "date", rq_date_time(q, notes[i].at));
	}
	return 0;
}

/* Possible duplicates, the original of a duplicate and the duplicates of an original. */
static int
duplicates_view(struct rq *q, const struct rp_detail *d)
{
	struct rp_report *v;
	struct view_val *l;
	int64_t *dups;
	size_t n = 0, nd;
	int rc = d->duplicate_of ? 0 : rp_nearby(q->db, q->tenant, d, q->a, &v, &n, &q->err);

	rc = rc ? rc : rp_duplicates(q->db, q->tenant, d->r.id, q->a, &dups, &nd, &q->err);
	if (rc)
		return rc;
	l = view_set(q->page, "nearby", view_list(q->a));
	for (size_t i = 0; i < n && nd == 0; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_int(m, "number", v[i].number);
		view_set_text(m, "url", rq_url(q, report_path(q, v[i].number, "")));
		view_set_text(m, "status", rp_status_label(q, v[i].status));
		view_set_text(m, "date", rq_date_time(q, v[i].created_at));
		view_set_text(m, "address", rp_address(q->a, &v[i]));
		if (d->r.has_pos && v[i].has_pos)
			view_set_int(m, "metres",
				     (int64_t)(rp_distance_m(d->r.lat_e6, d->r.lon_e6, v[i].lat_e6,
							     v[i].lon_e6) +
					       0.5));
	}
	l = view_set(q->page, "duplicates", view_list(q->a));
	for (size_t i = 0; i < nd; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_int(m, "number", dups[i]);
		view_set_text(m, "url", rq_url(q, report_path(q, dups[i], "")));
	}
	if (d->duplicate_of) {
		view_set_int(q->page, "duplicate_of", d->duplicate_of);
		view_set_text(q->page, "original_url",
			      rq_url(q, report_path(q, d->duplicate_of, "")));
	}
	view_set_bool(q->page, "may_merge", !d->duplicate_of && nd == 0);
	view_set_text(q->page, "unmerge_url", rq_url(q, report_path(q, d->r.number, "/trennen")));
	view_set_text(q->page, "merge_url",
		      rq_url(q, report_path(q, d->r.number, "/zusammenfuehren")));
	return 0;
}

/* The name of value `key` of attribute `def`, or the key itself. */
static const char *
value_name(json_t *def, const char *key, size_t len, struct arena *a)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(def, "values"), i, x)
	{
		const char *k = json_string_value(json_object_get(x, "key"));
		const char *name = json_string_value(json_object_get(x, "name"));

		if (k && name && strlen(k) == len && strncmp(k, key, len) == 0)
			return name;
	}
	return arena_strndup(a, key, len);
}

/* The answers to the category's extra questions (Open311 attributes), by the definitions. */
static void
answers_view(struct rq *q, const struct rp_detail *d)
{
	json_t *defs = json_loads(d->attributes, 0, NULL),
	       *answers = json_loads(d->answers, 0, NULL);
	struct view_val *l = view_set(q->page, "answers", view_list(q->a));
	json_t *def;
	size_t i, n = 0;

	json_array_foreach(defs, i, def)
	{
		const char *code = json_string_value(json_object_get(def, "code"));
		const char *v = json_string_value(json_object_get(answers, code ? code : ""));
		const char *type = json_string_value(json_object_get(def, "datatype"));
		const char *question;
		struct view_val *m;
		struct buf b;

		if (!code || !v || !v[0])
			continue;
		buf_init(&b, RP_LINE_MAX * 4);
		for (const char *p = v; *p;) { /* a multivaluelist is comma separated */
			size_t len = type && strcmp(type, "multivaluelist") == 0 ? strcspn(p, ",")
										 : strlen(p);

			buf_adds(&b, b.len ? ", " : "");
			buf_adds(&b, value_name(def, p, len, q->a));
			p += len + (p[len] == ',');
		}
		m = view_push(l, view_map(q->a));
		question = json_string_value(json_object_get(def, "description"));
		view_set_text(m, "question", question ? question : code);
		view_set_text(m, "answer", b.p);
		buf_release(&b);
		n++;
	}
	view_set_bool(q->page, "has_answers", n > 0);
	json_decref(defs);
	json_decref(answers);
}

/* The photos, through the staff route: staff see them before approval too. */
static int
photos_view(struct rq *q, const struct rp_detail *d)
{
	const char **ids;
	size_t n;
	struct view_val *pl;
	int rc = rp_photo_ids(q->db, q->tenant, d->r.id, q->a, &ids, &n, &q->err);

	pl = view_set(q->page, "photos", view_list(q->a));
	view_set_bool(q->page, "has_photos", rc == 0 && n > 0);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct view_val *m = view_push(pl, view_map(q->a));

		view_set_text(m, "url", rq_url(q, arena_printf(q->a, STAFF "/foto/%s", ids[i])));
		view_set_int(m, "n", (int64_t)i + 1);
	}
	return rc;
}

static void
report_page(struct rq *q)
{
	struct rp_detail *d;
	struct office *offices;
	size_t no;
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	rc = history_view(q, d);
	rc = rc ? rc : duplicates_view(q, d);
	rc = rc ? rc : photos_view(q, d);
	answers_view(q, d);
	rc = rc ? rc : office_list(q->db, q->tenant, q->a, &offices, &no, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	view_set_int(q->page, "number", d->r.number);
	view_set_text(q->page, "category", d->r.category);
	view_set_text(q->page, "status", rp_status_label(q, d->r.status));
	view_set_text(q->page, "date", rq_date_time(q, d->r.created_at));
	view_set_text(q->page, "address", rp_address(q->a, &d->r));
	if (d->r.has_pos)
		view_set_text(q->page, "position",
			      arena_printf(q->a, "%.5f, %.5f", (double)d->r.lat_e6 / 1e6,
					   (double)d->r.lon_e6 / 1e6));
	view_set_text(q->page, "office", d->r.office);
	view_set_text(q->page, "description", d->description);
	view_set_text(q->page, "public_text", d->approved ? d->r.public_text : d->description);
	view_set_bool(q->page, "approved", d->approved);
	view_set_text(q->page, "contact_name", d->contact_name);
	view_set_text(q->page, "contact_email", d->contact_email);
	view_set_text(q->page, "contact_phone", d->contact_phone);
	view_set_bool(q->page, "may_mail",
		      d->consent_at && d->confirmed && mail_addr_valid(d->contact_email));
	view_set_bool(q->page, "unconfirmed", !d->confirmed);
	rp_status_options(q, d->r.status);
	office_options(q, view_set(q->page, "offices", view_list(q->a)), offices, no, d->office_id);
	view_set_text(q->page, "public_url",
		      rq_url(q, arena_printf(q->a, "/maengel/%lld", (long long)d->r.number)));
	view_set_text(q->page, "status_url", rq_url(q, report_path(q, d->r.number, "/status")));
	view_set_text(q->page, "text_url", rq_url(q, report_path(q, d->r.number, "/text")));
	view_set_text(q->page, "note_url", rq_url(q, report_path(q, d->r.number, "/notiz")));
	view_set_text(q->page, "route_url",
		      rq_url(q, report_path(q, d->r.number, "/weiterleiten")));
	view_set_text(q->page, "message_url", rq_url(q, report_path(q, d->r.number, "/nachricht")));
	view_set_text(q->page, "done", http_query(q->http, "erledigt") ? "1" : "");
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s %lld: %s", rq_msg(q, "reports.number"),
				   (long long)d->r.number, d->r.category));
	crumbs(q,
	       arena_printf(q->a, "%s %lld", rq_msg(q, "reports.number"), (long long)d->r.number));
	rq_render(q, "reports/staff_report");
}

/* ---- Writes --------------------------------------------------------------- */

/* Queue mail `tpl` to the reporter of `d` if they gave an address and consented. */
static int
reporter_mail(struct rq *q, const struct rp_detail *d, const char *tpl, const char *status,
	      const char *text)
{
	struct view_val *data;
	struct mail m;
	struct buf link;
	int rc;

	/* An address nobody confirmed may be anyone's: no mail to it. */
	if (!q->app->mail || !d->consent_at || !d->confirmed || !mail_addr_valid(d->contact_email))
		return 0;
	data = view_map(q->a);
	buf_init(&link, 256);
	if (mail_link(q->app->mail, q->tenant,
		      arena_printf(q->a, "/maengel/%lld", (long long)d->r.number), &link) == 0)
		view_set_text(data, "report_url", link.p);
	buf_release(&link);
	view_set_int(data, "number", d->r.number);
	view_set_text(data, "category", d->r.category);
	view_set_text(data, "name", d->contact_name);
	view_set_text(data, "status", status ? status : "");
	view_set_text(data, "text", text);
	rc = mail_compose(q->app->mail, q->tenant, tpl, q->lang, data, d->contact_email, q->a, &m,
			  &q->err);
	return rc ? rc : mail_queue(q->app->mail, q->db, q->tenant, &m, NULL, &q->err);
}

static void
done(struct rq *q, const struct rp_detail *d, const char *action, bool mailed)
{
	if (mailed && q->app->jobs)
		jobs_nudge(q->app->jobs);
	audit_log(q->db, q->tenant, q->user->id, action,
		  arena_printf(q->a, "%lld", (long long)d->r.number), q->http->client_ip, NULL);
	rq_redirect(q, arena_printf(q->a, STAFF "/%lld?erledigt=%s", (long long)d->r.number,
				    strchr(action, '.') + 1));
}

/* After the change of `d` with result `rc`: its failure answered, else done(). */
static void
done_or_fail(struct rq *q, const struct rp_detail *d, int rc, const char *action, bool mailed)
{
	if (rc)
		rq_fail(q, rc);
	else
		done(q, d, action, mailed);
}

/* Give `d` status `st` with `note`, routed to `office_id` (0: none), and mail its reporter. */
static int
set_status(struct rq *q, const struct rp_detail *d, unsigned st, const char *note,
	   int64_t office_id)
{
	int rc = rp_status_append(q->db, q->tenant, d->r.id, st, note, office_id, q->user->id,
				  (int64_t)time(NULL), &q->err);

	return rc ? rc : reporter_mail(q, d, "report_status", rp_status_label(q, st), note);
}

/* Give the duplicates of `d` status `st` with `note` too, and mail their reporters. */
static int
follow(struct rq *q, const struct rp_detail *d, unsigned st, const char *note)
{
	int64_t *dups;
	size_t n;
	int rc = rp_duplicates(q->db, q->tenant, d->r.id, q->a, &dups, &n, &q->err);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct rp_detail *dup;

		rc = rp_detail_get(q->db, q->tenant, dups[i], q->a, &dup, &q->err);
		rc = rc ? rc : set_status(q, dup, st, note, 0);
	}
	return rc;
}

static void
status_post(struct rq *q)
{
	const char *note = rq_form_text(q, "notiz");
	unsigned st = rp_status_parse(rq_form_text(q, "status"));
	struct rp_detail *d;
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	if (!st) {
		rq_error(q, 422, "reports.staff.err.status");
		return;
	}
	if (!text_ok(note, RP_NOTE_MAX)) {
		rq_error(q, 422, "reports.staff.err.note");
		return;
	}
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = set_status(q, d, st, note, 0);
		rc = db_end(q->db, rc ? rc : follow(q, d, st, note), &q->err);
	}
	done_or_fail(q, d, rc, "report.status", true);
}

static void
text_post(struct rq *q)
{
	const char *text = rq_form_text(q, "text");
	struct rp_detail *d;
	bool withdraw = http_form(q->http, "zurueckziehen") != NULL;
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	if (!withdraw && (strlen(text) < RP_TEXT_MIN || !text_ok(text, RP_TEXT_MAX))) {
		rq_error(q, 422, "reports.staff.err.text");
		return;
	}
	rc = rp_public_text_set(q->db, q->tenant, d->r.id, withdraw ? NULL : text,
				(int64_t)time(NULL), &q->err);
	done_or_fail(q, d, rc, withdraw ? "report.withdraw" : "report.text", false);
}

static void
note_post(struct rq *q)
{
	const char *note = rq_form_text(q, "notiz");
	struct rp_detail *d;
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	if (!note[0] || !text_ok(note, RP_NOTE_MAX)) {
		rq_error(q, 422, "reports.staff.err.note");
		return;
	}
	rc = rp_note_add(q->db, q->tenant, d->r.id, false, note, q->user->id, (int64_t)time(NULL),
			 &q->err);
	done_or_fail(q, d, rc, "report.note", false);
}

static void
route_post(struct rq *q)
{
	const char *slug = rq_form_text(q, "stelle"), *note = rq_form_text(q, "notiz");
	struct rp_detail *d;
	struct office *v;
	size_t n, i = 0;
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	if (!text_ok(note, RP_NOTE_MAX)) {
		rq_error(q, 422, "reports.staff.err.note");
		return;
	}
	rc = office_list(q->db, q->tenant, q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	while (i < n && strcmp(v[i].slug, slug) != 0)
		i++;
	if (i == n) { /* an office of another tenant is not among them */
		rq_error(q, 422, "reports.staff.err.office");
		return;
	}
	if (!note[0])
		note = arena_printf(q->a, "%s %s", rq_msg(q, "reports.staff.routed_to"), v[i].name);
	rc = db_begin(q->db, &q->err);
	if (rc == 0)
		rc = db_end(q->db, set_status(q, d, RP_FORWARDED, note, v[i].id), &q->err);
	done_or_fail(q, d, rc, "report.route", true);
}

static void
message_post(struct rq *q)
{
	const char *msg = rq_form_text(q, "nachricht");
	struct rp_detail *d;
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	if (!d->consent_at || !d->confirmed || !mail_addr_valid(d->contact_email)) {
		rq_error(q, 422, "reports.staff.err.no_email");
		return;
	}
	if (!msg[0] || !text_ok(msg, RP_NOTE_MAX)) {
		rq_error(q, 422, "reports.staff.err.message");
		return;
	}
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = rp_note_add(q->db, q->tenant, d->r.id, true, msg, q->user->id,
				 (int64_t)time(NULL), &q->err);
		rc = rc ? rc : reporter_mail(q, d, "report_message", NULL, msg);
		rc = db_end(q->db, rc, &q->err);
	}
	done_or_fail(q, d, rc, "report.message", true);
}

static void
merge_post(struct rq *q)
{
	const char *nr = rq_form_text(q, "original");
	struct rp_detail *d, *orig = NULL;
	const char *note;
	char *end;
	long long number = strtoll(nr, &end, 10);
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	if (*nr < '1' || *nr > '9' || *end || number > 1000000000000LL ||
	    rp_detail_get(q->db, q->tenant, number, q->a, &orig, &q->err) != 0) {
		rq_error(q, 422, "reports.staff.err.merge_target");
		return;
	}
	note = arena_printf(q->a, "%s %lld.", rq_msg(q, "reports.staff.merged_into"),
			    (long long)orig->r.number);
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = rp_merge(q->db, q->tenant, d->r.id, orig->r.id, &q->err);
		rc = rc ? rc
			: rp_status_append(q->db, q->tenant, d->r.id, orig->r.status, note, 0,
					   q->user->id, (int64_t)time(NULL), &q->err);
		rc = rc ? rc
			: reporter_mail(q, d, "report_status", rp_status_label(q, orig->r.status),
					note);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rq_failed_as(q, rc, ERR_CONFLICT, "reports.staff.err.merge"))
		return;
	done(q, d, "report.merge", true);
}

/* Undo a merge: the report is handled on its own again; an internal note says so. */
static void
unmerge_post(struct rq *q)
{
	struct rp_detail *d;
	int64_t original = 0;
	int rc;

	if (!allowed(q) || !(d = param_report(q)))
		return;
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = rp_unmerge(q->db, q->tenant, d->r.id, &original, &q->err);
		rc = rc ? rc
			: rp_note_add(q->db, q->tenant, d->r.id, false,
				      arena_printf(q->a, "%s %lld.",
						   rq_msg(q, "reports.staff.unmerged_from"),
						   (long long)original),
				      q->user->id, (int64_t)time(NULL), &q->err);
		/* The public history no longer points to the other report. */
		rc = rc ? rc
			: rp_status_append(q->db, q->tenant, d->r.id, d->r.status,
					   rq_msg(q, "reports.staff.unmerged_public"), 0,
					   q->user->id, (int64_t)time(NULL), &q->err);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rq_failed_as(q, rc, ERR_CONFLICT, "reports.staff.err.unmerge"))
		return;
	done(q, d, "report.unmerge", false);
}

void
rp_staff_register(struct app *app)
{
	app_route(app, HTTP_GET, STAFF, list_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_GET, STAFF "/:nr", report_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, STAFF "/:nr/status", status_post, ROUTE_STAFF, STAFF_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/text", text_post, ROUTE_STAFF, STAFF_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/notiz", note_post, ROUTE_STAFF, STAFF_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/weiterleiten", route_post, ROUTE_STAFF,
		  STAFF_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/nachricht", message_post, ROUTE_STAFF,
		  STAFF_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/zusammenfuehren", merge_post, ROUTE_STAFF,
		  STAFF_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/trennen", unmerge_post, ROUTE_STAFF, STAFF_FORM_MAX);
}
