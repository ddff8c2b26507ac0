/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Sending an issue of the newsletter: staff pick a published article on
 * /verwaltung/newsletter; the issue row and its first "news.issue" job are
 * written in one transaction.  Each run of the job mails the next
 * ISSUE_BATCH confirmed subscribers through the outbox (each mail with its
 * own one-click unsubscribe link), moves the issue's last_subscriber on and
 * queues the next batch, all in one transaction, so a run that is repeated
 * sends no one a second copy.  Pending and unsubscribed addresses get
 * nothing.  No tracking: the mails have no pixels and no per-reader links
 * but the unsubscribe one.
 */
#include "features/news/news_int.h"

#include "db/db.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define ISSUE_BATCH 50
#define ISSUE_JOB "news.issue"
#define ISSUES_SHOWN 20

struct batch {
	struct app *app;
	const struct tenant *t;
	const struct news_article *n;
	struct db *db;
	struct arena *a;
	int64_t now, last, sent;
};

static int
send_one(struct db_stmt *st, void *ctx, struct err *e)
{
	struct batch *b = ctx;
	struct view_val *data = view_map(b->a);
	const char *unsub = NULL;
	struct mail m;
	struct buf link;
	int64_t id = db_col_int64(st, 0);
	const char *to = arena_strdup(b->a, db_col_text(st, 1));
	int rc;

	b->last = id;
	buf_init(&link, 2048);
	(void)mail_link(b->app->mail, b->t, arena_printf(b->a, "/aktuelles/%s", b->n->slug), &link);
	view_set_text(data, "title", b->n->title);
	view_set_text(data, "teaser", b->n->teaser);
	view_set_text(data, "url", link.p);
	buf_release(&link);
	rc = news_unsub_link(b->db, b->app->mail, b->t, id, b->now, b->a, &unsub, e);
	if (rc == 0)
		view_set_text(data, "unsubscribe", unsub);
	if (rc == 0)
		rc = mail_compose(b->app->mail, b->t, "news_issue", "de", data, to, b->a, &m, e);
	if (rc)
		return rc;
	m.subject = arena_printf(b->a, "%s: %s", b->t->name, b->n->title);
	m.unsubscribe = unsub;
	rc = mail_queue(b->app->mail, b->db, b->t, &m, NULL, e);
	if (rc == ERR_INVALID) /* an address the mailer refuses: skip it, not the issue */
		return 0;
	b->sent += rc == 0;
	return rc;
}

/* One batch inside the caller's transaction, and the next batch's job when some are left. */
static int
batch(struct batch *b, int64_t issue, struct err *e)
{
	static const char subs[] = "SELECT id, email FROM newsletter_subscriber WHERE "
				   "tenant_id = $1 AND state = 'confirmed' AND id > $2 "
				   "ORDER BY id LIMIT $3";
	static const char move[] =
		"UPDATE newsletter_issue SET last_subscriber = $3, sent = sent + "
		"$4, done_at = $5 WHERE tenant_id = $1 AND id = $2";
	int64_t before = b->sent, left = 0;
	char payload[96];
	int rc = db_each(b->db, e, subs, send_one, b, DB_INT(b->t->id), DB_INT(b->last),
			 DB_INT(ISSUE_BATCH));

	if (rc == 0)
		rc = db_int64(b->db, e, &left,
			      "SELECT count(*) FROM newsletter_subscriber WHERE tenant_id = $1 AND "
			      "state = 'confirmed' AND id > $2",
			      DB_INT(b->t->id), DB_INT(b->last));
	if (rc)
		return rc;
	rc = db_run(b->db, e, move, DB_INT(b->t->id), DB_INT(issue), DB_INT(b->last),
		    DB_INT(b->sent - before), DB_INT(left ? 0 : b->now));
	if (rc || !left)
		return rc;
	snprintf(payload, sizeof(payload), "{\"issue\": %lld, \"tenant\": \"%s\"}",
		 (long long)issue, b->t->slug);
	return job_enqueue(b->db, ISSUE_JOB, b->t->id, payload, 0, NULL, e);
}

static int
issue_run(struct job_run *r, struct err *e)
{
	struct batch b = {.app = r->ctx, .db = r->db, .now = r->now};
	json_t *p = json_loads(r->payload, 0, NULL);
	int64_t issue = json_integer_value(json_object_get(p, "issue")), news_id = 0;
	const char *slug = json_string_value(json_object_get(p, "tenant"));
	struct news_article *n = NULL;
	struct tenant *t = NULL;
	struct arena a;
	int rc;

	arena_init(&a);
	b.a = &a;
	rc = slug && b.app->mail ? tenant_find_by_slug(r->db, slug, &a, &t, e)
				 : err_set(e, ERR_INVALID, NULL, "bad issue job payload");
	if (rc == 0)
		rc = db_int64(
			r->db, e, &news_id,
			"SELECT news_id FROM newsletter_issue WHERE tenant_id = $1 AND id = $2 "
			"AND done_at = 0",
			DB_INT(t->id), DB_INT(issue));
	if (rc == 0)
		rc = db_int64(r->db, e, &b.last,
			      "SELECT last_subscriber FROM newsletter_issue WHERE id = $1",
			      DB_INT(issue));
	if (rc == 0)
		rc = news_find_id(r->db, t, news_id, &a, &n, e);
	b.t = t;
	b.n = n;
	if (rc == 0 && (rc = db_begin(r->db, e)) == 0)
		rc = db_end(r->db, batch(&b, issue, e), e);
	if (rc == ERR_NOTFOUND || rc == ERR_INVALID) { /* done already, or gone */
		r->give_up = rc == ERR_INVALID;
		rc = rc == ERR_NOTFOUND ? 0 : rc;
	}
	json_decref(p);
	arena_release(&a);
	return rc;
}

static const struct job_kind issue_kind = {
	.name = ISSUE_JOB,
	.run = issue_run,
	.max_attempts = 8,
	.backoff_s = 30,
};

/* ---- The staff page ------------------------------------------------------ */

static void
issues_page(struct rq *q)
{
	static const char issues_sql[] =
		"SELECT i.created_at, n.title, i.sent, i.done_at FROM newsletter_issue i "
		"JOIN news n ON n.id = i.news_id WHERE i.tenant_id = $1 ORDER BY i.id DESC LIMIT "
		"$2";
	struct news_query nq = {.limit = 50, .now = (int64_t)time(NULL)};
	struct news_article *v = NULL;
	struct view_val *l;
	struct db_stmt *st = NULL;
	int64_t total = 0, subs = 0;
	size_t n = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = db_int64(q->db, &q->err, &subs,
		      "SELECT count(*) FROM newsletter_subscriber WHERE tenant_id = $1 AND "
		      "state = 'confirmed'",
		      DB_INT(q->tenant->id));
	if (rc == 0)
		rc = news_list(q->db, q->tenant, &nq, q->a, &v, &n, &total, &q->err);
	if (rc == 0)
		rc = db_prepare(q->db, issues_sql, &st, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	db_bind_int64(st, 1, q->tenant->id);
	db_bind_int64(st, 2, ISSUES_SHOWN);
	l = view_set(q->page, "issues", view_list(q->a));
	while ((rc = db_step(st, &q->err)) == DB_ROW) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "when", ed_when(q, db_col_int64(st, 0)));
		view_set_text(m, "title", db_col_text(st, 1));
		view_set_int(m, "sent", db_col_int64(st, 2));
		view_set_bool(m, "done", db_col_int64(st, 3) > 0);
	}
	db_finalize(st);
	if (rc != DB_DONE) {
		rq_fail(q, rc);
		return;
	}
	l = view_set(q->page, "articles", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "slug", v[i].slug);
		view_set_text(m, "title", v[i].title);
	}
	view_set_int(q->page, "subscribers", subs);
	view_set_bool(q->page, "queued", http_query(q->http, "gesendet") != NULL);
	ed_render(q, "news.nl.staff", "editor/newsletter");
}

static void
issues_post(struct rq *q)
{
	const char *slug = http_form(q->http, "artikel");
	struct news_article *n = NULL;
	int64_t now = (int64_t)time(NULL), id = 0;
	char payload[96];
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!slug || !tenant_slug_valid(slug) || strlen(slug) > NEWS_SLUG_MAX) {
		rq_error(q, 422, "news.nl.err.article");
		return;
	}
	rc = news_find(q->db, q->tenant, slug, now, q->a, &n, &q->err);
	if (rc == ERR_NOTFOUND) {
		rq_error(q, 422, "news.nl.err.article");
		return;
	}
	if (rc == 0)
		rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = db_int64(q->db, &q->err, &id,
			      "INSERT INTO newsletter_issue (tenant_id, news_id, created_by, "
			      "created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			      DB_INT(q->tenant->id), DB_INT(n->id), DB_INT(q->user->id),
			      DB_INT(now));
		snprintf(payload, sizeof(payload), "{\"issue\": %lld, \"tenant\": \"%s\"}",
			 (long long)id, q->tenant->slug);
		if (rc == 0)
			rc = job_enqueue(q->db, ISSUE_JOB, q->tenant->id, payload, 0, NULL,
					 &q->err);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	jobs_nudge(q->app->jobs);
	ed_audit(q, "news.issue", arena_printf(q->a, "%s issue %lld", slug, (long long)id));
	rq_redirect(q, "/verwaltung/newsletter?gesendet=1");
}

void
news_issue_register(struct app *app)
{
	if (app->jobs)
		jobs_add_kind(app->jobs, &issue_kind, app);
	app_route(app, HTTP_GET, "/verwaltung/newsletter", issues_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/newsletter", issues_post, ROUTE_STAFF, 4096);
}
