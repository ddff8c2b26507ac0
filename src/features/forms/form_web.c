/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The citizen's pages of a form, without JavaScript: a start page, one
 * page per step, a summary with "Ändern" links and the consent, and the
 * confirmation with the case number.  The answers wait in a draft on the
 * server, found by a secret token in a cookie; the same token in a link
 * resumes the draft on another day or device until it expires.  Every step
 * is checked by form_check_answers(), the API's validation; a submission
 * uses the draft as its idempotency key, so a double click or a reload
 * makes one case.
 */
#include "features/forms/form_int.h"

#include "app/rq_page.h"
#include "features/account/account.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define STEP_BODY_MAX (26u << 20) /* a step with files */
#define SMALL_BODY_MAX (64u * 1024)
/* Seconds before the session ends that the page warns, at most half the session. */
#define TIMEOUT_LEAD_S 300

struct page {
	struct form *f;
	struct form_draft d;
	const char *url; /* "/formulare/<id>" of the tenant */
};

static const char *
cookie_name(struct rq *q, const struct form *f)
{
	return arena_printf(q->a, "rf_%s_%s", q->tenant->slug, f->id);
}

static void
set_cookie(struct rq *q, const struct form *f, const char *token)
{
	unsigned flags = HTTP_COOKIE_HTTPONLY | HTTP_COOKIE_LAX;

	if (q->http->https)
		flags |= HTTP_COOKIE_SECURE;
	http_set_cookie(q->http, q->resp, cookie_name(q, f), token, FORM_DRAFT_TTL_S, flags);
}

bool
form_web_trusted(struct rq *q, const struct form *f)
{
	int have;

	if (f->trust_level <= 0 || (have = account_trust(q)) >= f->trust_level)
		return true;
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	q->resp->status = 403;
	view_set_text(q->page, "title", f->title);
	view_set_text(
		q->page, "level",
		rq_msg(q, arena_printf(q->a, "forms.trust.level.%lld", (long long)f->trust_level)));
	view_set_bool(q->page, "logged_in", have >= 0);
	view_set_text(q->page, "login_url",
		      rq_url(q, arena_printf(q->a, "/konto/anmelden?next=%s",
					     rq_urlencode(q, arena_printf(q->a, "/formulare/%s",
									  f->id)))));
	rq_render(q, "forms/trust");
	return false;
}

/* The form of the path and, when `draft`, the citizen's draft.  False when answered. */
static bool
open_page(struct rq *q, struct page *p, bool draft)
{
	struct session *s;
	char hash[65];
	const char *token;
	int rc = form_load(q->db, q->tenant, http_param(q->http, "id"), q->a, &p->f, NULL, &q->err);

	if (rc == 0 && q->http->method == HTTP_GET)
		rc = rq_session(q, true, &s); /* the form token of the POSTs */
	if (rc) {
		rq_fail(q, rc);
		return false;
	}
	if (!form_web_trusted(q, p->f))
		return false;
	p->url = arena_printf(q->a, "/formulare/%s", p->f->id);
	view_set_text(q->page, "title", p->f->title);
	view_set_text(q->page, "form_title", p->f->title);
	view_set_text(q->page, "form_url", rq_url(q, p->url));
	if (!draft)
		return true;
	token = http_cookie(q->http, cookie_name(q, p->f));
	rc = form_token_hash(token, hash)
		     ? form_draft_load(q->db, q->tenant, p->f->id, hash, (int64_t)time(NULL), q->a,
				       &p->d, &q->err)
		     : ERR_NOTFOUND;
	if (rc == ERR_NOTFOUND)
		rq_redirect(q, p->url);
	else if (rc)
		rq_fail(q, rc);
	return rc == 0;
}

static void
list_page(struct rq *q)
{
	struct form_item *v;
	struct view_val *items = view_list(q->a);
	size_t n;
	int rc = form_list(q->db, q->tenant, q->a, &v, &n, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_map(q->a);

		view_set_text(m, "title", v[i].title);
		view_set_text(m, "url", rq_url(q, arena_printf(q->a, "/formulare/%s", v[i].id)));
		view_push(items, m);
	}
	view_set(q->page, "forms", items);
	view_set_text(q->page, "title", rq_msg(q, "forms.list_title"));
	rq_render(q, "forms/list");
}

static void
start_page(struct rq *q)
{
	struct page p = {0};
	struct view_val *steps = view_list(q->a);

	if (!open_page(q, &p, false))
		return;
	for (size_t i = 0; i < p.f->n_steps; i++)
		view_push(steps, view_text(q->a, p.f->steps[i].title));
	view_set(q->page, "steps", steps);
	view_set_int(q->page, "draft_days", FORM_DRAFT_TTL_S / 86400);
	rq_render(q, "forms/start");
}

/*
 * Prefill a new draft from the citizen account: its confirmed address in
 * the form's e-mail fields (top level).  The citizen may change it.
 */
static int
prefill(struct rq *q, const struct form *f, const char *hash, int64_t now)
{
	struct form_draft d = {.step = 0, .case_no = ""};
	const char *email = NULL;
	int64_t id = 0;
	bool any = false;
	int rc;

	if (!account_citizen(q, &id, &email))
		return 0;
	d.answers = json_object();
	for (size_t s = 0; s < f->n_steps; s++)
		for (size_t i = 0; i < f->steps[s].n_fields; i++)
			if (f->steps[s].fields[i].type == FT_EMAIL) {
				json_object_set_new(d.answers, f->steps[s].fields[i].key,
						    json_string(email));
				any = true;
			}
	snprintf(d.token_hash, sizeof(d.token_hash), "%s", hash);
	rc = any ? form_draft_save(q->db, q->tenant, &d, now, &q->err) : 0;
	json_decref(d.answers);
	return rc;
}

static void
start_post(struct rq *q)
{
	struct page p = {0};
	char token[FORM_TOKEN_LEN + 1], hash[65];
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (!open_page(q, &p, false))
		return;
	form_token_new(token);
	(void)form_token_hash(token, hash);
	rc = form_draft_create(q->db, q->tenant, p.f, hash, now, &q->err);
	rc = rc ? rc : prefill(q, p.f, hash, now);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	set_cookie(q, p.f, token);
	rq_redirect(q, arena_printf(q->a, "%s/schritt/1", p.url));
}

void
form_web_timeout(struct rq *q, const char *form_url)
{
	int ttl = q->app->cfg.session_ttl_s;
	int lead = ttl / 2 < TIMEOUT_LEAD_S ? ttl / 2 : TIMEOUT_LEAD_S;
	struct view_val *m = view_set(q->page, "timeout", view_map(q->a));

	view_set_int(m, "warn_s", ttl - lead);
	view_set_int(m, "ttl_s", ttl);
	view_set_int(m, "minutes", (ttl + 59) / 60);
	view_set_int(m, "lead_minutes", (lead + 59) / 60);
	view_set_text(m, "keepalive", rq_url(q, arena_printf(q->a, "%s/sitzung", form_url)));
	rq_page_script(q, "/static/js/form-timeout.js");
}

/* GET .../sitzung: the request itself extends the session (its expiry slides); nothing to say. */
static void
keepalive(struct rq *q)
{
	struct session *s;
	int rc = rq_session(q, false, &s);

	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	if (rc == 0)
		q->resp->status = 204;
	else if (rc == ERR_NOTFOUND) /* none, or it ended: nothing to extend */
		rq_error(q, 404, NULL);
	else
		rq_fail(q, rc);
}

/* Whether condition `x` names a field of step `s` (then the field stays on the page). */
struct step_ref {
	const struct form_step *s;
	bool found;
};

static int
on_step(const char *key, void *cls)
{
	struct step_ref *r = cls;

	for (size_t i = 0; i < r->s->n_fields; i++)
		r->found |= strcmp(r->s->fields[i].key, key) == 0;
	return 0;
}

static json_t *
look_clean(const char *key, void *cls)
{
	return json_object_get(cls, key);
}

static bool
shown(const struct form_field *fd, const struct form_step *s, json_t *clean)
{
	struct step_ref r = {s, false};

	if (!fd->visible_if || form_expr_eval(fd->visible_if, look_clean, clean))
		return true;
	(void)form_expr_keys(fd->visible_if, on_step, &r);
	return r.found;
}

/* Render step `n` (0-based) with the draft's answers and the issues in `c`, if any. */
static void
render_step(struct rq *q, struct page *p, size_t n, const struct form_check *c,
	    const struct form_check *shown_issues)
{
	const struct form_step *s = &p->f->steps[n];
	struct view_val *fields = view_list(q->a);
	bool files = false;

	for (size_t i = 0; i < s->n_fields; i++) {
		const struct form_field *fd = &s->fields[i];

		if (!shown(fd, s, c->clean))
			continue;
		files |= fd->type == FT_FILE;
		for (size_t k = 0; fd->type == FT_GROUP && k < fd->n_fields; k++)
			files |= fd->fields[k].type == FT_FILE;
		view_push(fields, form_web_field(q, fd, json_object_get(p->d.answers, fd->key),
						 shown_issues, fd->key));
	}
	view_set_text(q->page, "title", arena_printf(q->a, "%s – %s", s->title, p->f->title));
	view_set_text(q->page, "step_title", s->title);
	view_set_int(q->page, "step_no", (int64_t)n + 1);
	view_set_int(q->page, "step_total", (int64_t)p->f->n_steps);
	view_set_text(q->page, "action",
		      rq_url(q, arena_printf(q->a, "%s/schritt/%zu", p->url, n + 1)));
	view_set_bool(q->page, "multipart", files);
	view_set_bool(q->page, "first", n == 0);
	view_set(q->page, "fields", fields);
	if (shown_issues && shown_issues->n_issues) {
		view_set(q->page, "errors", form_web_errors(q, p->f, shown_issues, (long)n));
		q->resp->status = 422;
	}
	form_web_timeout(q, p->url);
	rq_render(q, "forms/step");
}

/* The step number of the path, 0-based, or -1 when there is no such step. */
static long
step_of(struct rq *q, const struct form *f)
{
	int64_t n;

	if (str_to_int64(str_c(http_param(q->http, "n")), 1, (int64_t)f->n_steps, &n))
		return -1;
	return (long)n - 1;
}

static int
check_upto(struct rq *q, struct page *p, size_t n, struct form_check *c)
{
	struct form_req_env re;
	struct form_env env;
	int rc;

	form_env_init(&env, &re, q);
	rc = form_check_answers(p->f, p->d.answers, &env, FORM_CHECK_UPTO, n, q->a, c, &q->err);
	arena_defer(q->a, form_json_free, c->clean);
	return rc == ERR_UNPROCESSABLE ? 0 : rc;
}

/* Only the issues of step n. */
static void
keep_step(struct form_check *c, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < c->n_issues; i++)
		if (c->issues[i].step == n)
			c->issues[k++] = c->issues[i];
	c->n_issues = k;
}

static void
step_page(struct rq *q)
{
	struct page p = {0};
	struct form_check c;
	long n;
	int rc;

	if (!open_page(q, &p, true))
		return;
	if (p.d.case_no[0]) {
		rq_redirect(q, arena_printf(q->a, "%s/eingang", p.url));
		return;
	}
	n = step_of(q, p.f);
	if (n < 0 || n > p.d.step) {
		rq_redirect(q,
			    arena_printf(q->a, "%s/schritt/%lld", p.url, (long long)p.d.step + 1));
		return;
	}
	rc = check_upto(q, &p, (size_t)n, &c);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	keep_step(&c, (size_t)n);
	render_step(q, &p, (size_t)n, &c, http_query(q->http, "pruefen") ? &c : NULL);
}

static void resume_link(struct rq *q, struct page *p);

/* After a valid "Weiter": the next step, or the summary after the last. */
static void
advance(struct rq *q, struct page *p, size_t n)
{
	if (n + 1 < p->f->n_steps)
		rq_redirect(q, arena_printf(q->a, "%s/schritt/%zu", p->url, n + 2));
	else
		rq_redirect(q, arena_printf(q->a, "%s/zusammenfassung", p->url));
}

static void
step_post(struct rq *q)
{
	struct page p = {0};
	struct form_check c = {0}, up = {0};
	const char *action = http_form(q->http, "action");
	long n;
	int rc;

	if (!open_page(q, &p, true))
		return;
	n = step_of(q, p.f);
	if (n < 0 || n > p.d.step || p.d.case_no[0]) {
		rq_error(q, 404, NULL);
		return;
	}
	rc = form_web_read_step(q, p.f, (size_t)n, p.d.answers, &up);
	if (rc == 0)
		rc = check_upto(q, &p, (size_t)n, &c);
	keep_step(&c, (size_t)n);
	if (rc == 0 && !action && !c.n_issues && !up.n_issues && p.d.step <= n)
		p.d.step = n + 1 < (long)p.f->n_steps ? n + 1 : n;
	if (rc == 0)
		rc = form_draft_save(q->db, q->tenant, &p.d, (int64_t)time(NULL), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (action && strcmp(action, "back") == 0) {
		rq_redirect(q, n ? arena_printf(q->a, "%s/schritt/%ld", p.url, n) : p.url);
	} else if (action && strcmp(action, "save") == 0) {
		resume_link(q, &p);
	} else if (action) { /* add or remove an entry of a group */
		rq_redirect(q, arena_printf(q->a, "%s/schritt/%ld", p.url, n + 1));
	} else if (c.n_issues || up.n_issues) {
		for (size_t i = 0; i < up.n_issues; i++) {
			c.issues =
				arena_grow(q->a, c.issues, c.n_issues, &c.cap, sizeof(*c.issues));
			c.issues[c.n_issues++] = up.issues[i];
			c.issues[c.n_issues - 1].step = (size_t)n;
		}
		render_step(q, &p, (size_t)n, &c, &c);
	} else {
		advance(q, &p, (size_t)n);
	}
}

static void
resume_link(struct rq *q, struct page *p)
{
	const char *token = http_cookie(q->http, cookie_name(q, p->f));
	const char *host = q->http->host[0] ? q->http->host : "localhost";

	view_set_text(
		q->page, "resume_url",
		arena_printf(q->a, "%s://%s%s", q->http->https ? "https" : "http", host,
			     rq_url(q, arena_printf(q->a, "%s/fortsetzen/%s", p->url, token))));
	view_set_int(q->page, "draft_days", FORM_DRAFT_TTL_S / 86400);
	view_set_text(q->page, "title", rq_msg(q, "forms.saved_title"));
	rq_render(q, "forms/saved");
}

static void
resume(struct rq *q)
{
	struct page p = {0};
	const char *token = http_param(q->http, "token");
	char hash[65];
	int rc;

	if (!open_page(q, &p, false))
		return;
	rc = form_token_hash(token, hash)
		     ? form_draft_load(q->db, q->tenant, p.f->id, hash, (int64_t)time(NULL), q->a,
				       &p.d, &q->err)
		     : ERR_NOTFOUND;
	if (rq_failed_as(q, rc, ERR_NOTFOUND, "forms.resume_expired"))
		return;
	set_cookie(q, p.f, token);
	rq_redirect(q, arena_printf(q->a, "%s/schritt/%lld", p.url, (long long)p.d.step + 1));
}

void
form_web_register(struct app *app)
{
	app_route(app, HTTP_GET, "/formulare", list_page, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/formulare/:id", start_page, 0, 0);
	app_route(app, HTTP_POST, "/formulare/:id", start_post, 0, SMALL_BODY_MAX);
	app_route(app, HTTP_GET, "/formulare/:id/schritt/:n", step_page, 0, 0);
	app_route(app, HTTP_POST, "/formulare/:id/schritt/:n", step_post, 0, STEP_BODY_MAX);
	app_route(app, HTTP_GET, "/formulare/:id/fortsetzen/:token", resume, 0, 0);
	app_route(app, HTTP_GET, "/formulare/:id/sitzung", keepalive, 0, 0);
	form_web_summary_register(app);
}
