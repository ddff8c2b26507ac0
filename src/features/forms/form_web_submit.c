/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The end of the citizen's way through a form: the summary with every
 * answer and its "Ändern" link, the consent, the submission (the draft is
 * the idempotency key, so a double click or a reload makes one case) and
 * the confirmation page with the case number.
 */
#include "features/forms/form_int.h"

#include "features/account/account.h"

#include <string.h>
#include <time.h>

#define SUMMARY_BODY_MAX (64u * 1024)

static const char *
cookie_name(struct rq *q, const struct form *f)
{
	return arena_printf(q->a, "rf_%s_%s", q->tenant->slug, f->id);
}

/* The form and the draft of the request; false when the request was answered. */
static bool
open_draft(struct rq *q, struct form **f, struct form_draft *d, const char **url)
{
	struct session *s;
	char hash[65];
	int rc = form_load(q->db, q->tenant, http_param(q->http, "id"), q->a, f, NULL, &q->err);

	if (rc == 0 && q->http->method == HTTP_GET)
		rc = rq_session(q, true, &s);
	if (rc) {
		rq_fail(q, rc);
		return false;
	}
	if (!form_web_trusted(q, *f))
		return false;
	*url = arena_printf(q->a, "/formulare/%s", (*f)->id);
	view_set_text(q->page, "form_title", (*f)->title);
	view_set_text(q->page, "form_url", rq_url(q, *url));
	rc = form_token_hash(http_cookie(q->http, cookie_name(q, *f)), hash)
		     ? form_draft_load(q->db, q->tenant, (*f)->id, hash, (int64_t)time(NULL), q->a,
				       d, &q->err)
		     : ERR_NOTFOUND;
	if (rc == ERR_NOTFOUND)
		rq_redirect(q, *url);
	else if (rc)
		rq_fail(q, rc);
	return rc == 0;
}

/* Check every step; on issues send the citizen to the first step with one. */
static bool
all_valid(struct rq *q, struct form *f, struct form_draft *d, const char *url, struct form_check *c)
{
	struct form_req_env re;
	struct form_env env;
	int rc;

	form_env_init(&env, &re, q);
	rc = form_check_answers(f, d->answers, &env, FORM_CHECK_ALL, 0, q->a, c, &q->err);
	arena_defer(q->a, form_json_free, c->clean);
	if (rc == ERR_UNPROCESSABLE && c->n_issues) {
		rq_redirect(q, arena_printf(q->a, "%s/schritt/%zu?pruefen=1", url,
					    c->issues[0].step + 1));
		return false;
	}
	if (rc)
		rq_fail(q, rc);
	return rc == 0;
}

static void
render_summary(struct rq *q, struct form *f, struct form_check *c, const char *url,
	       bool consent_missing)
{
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", rq_msg(q, "forms.summary"), f->title));
	view_set(q->page, "steps", form_web_summary(q, f, c->clean));
	view_set_text(q->page, "action", rq_url(q, arena_printf(q->a, "%s/absenden", url)));
	if (f->consent[0])
		view_set_text(q->page, "consent", f->consent);
	if (consent_missing) {
		struct view_val *errs = view_list(q->a), *e = view_map(q->a);

		view_set_text(e, "href", "#f-consent");
		view_set_text(e, "text", rq_msg(q, "forms.err.consent"));
		view_push(errs, e);
		view_set(q->page, "errors", errs);
		view_set_text(q->page, "consent_error", rq_msg(q, "forms.err.consent"));
		q->resp->status = 422;
	}
	form_web_timeout(q, url);
	rq_render(q, "forms/summary");
}

static void
summary_page(struct rq *q)
{
	struct form *f;
	struct form_draft d;
	struct form_check c;
	const char *url;

	if (!open_draft(q, &f, &d, &url))
		return;
	if (d.case_no[0]) {
		rq_redirect(q, arena_printf(q->a, "%s/eingang", url));
		return;
	}
	if (all_valid(q, f, &d, url, &c))
		render_summary(q, f, &c, url, false);
}

static void
submit_post(struct rq *q)
{
	struct form *f;
	struct form_draft d;
	struct form_check c;
	struct form_submission s = {0};
	const char *url, *case_no;
	struct form_mail_ctx mc = {q, NULL, NULL, false, 0, false};
	bool replayed;
	int rc;

	if (!open_draft(q, &f, &d, &url))
		return;
	mc.f = f;
	if (d.case_no[0]) { /* a reload or a second click */
		rq_redirect(q, arena_printf(q->a, "%s/eingang", url));
		return;
	}
	if (!all_valid(q, f, &d, url, &c))
		return;
	if (f->consent[0] && !http_form(q->http, "consent")) {
		render_summary(q, f, &c, url, true);
		return;
	}
	mc.clean = c.clean;
	s = (struct form_submission){.form = f,
				     .answers = c.clean,
				     .channel = "web",
				     .idem_key = arena_printf(q->a, "web:%s", d.token_hash),
				     .fingerprint = "web",
				     .now = (int64_t)time(NULL),
				     .with_case = form_case_made,
				     .cls = &mc};
	if (!account_citizen(q, &s.citizen_id, &(const char *){NULL}))
		s.citizen_id = 0;
	mc.now = s.now;
	rc = form_submit(q->db, q->tenant, &s, q->a, &case_no, &replayed, &q->err);
	if (rc == 0)
		form_mail_sent(&mc);
	if (rc == 0 && !replayed)
		rc = form_keep_uploads(q, f, c.clean);
	if (rc == 0) {
		d.case_no = case_no;
		rc = form_draft_save(q->db, q->tenant, &d, s.now, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rq_redirect(q, arena_printf(q->a, "%s/eingang", url));
}

/*
 * As open_draft() for a draft that made its case; else false after sending
 * the browser to the summary (`page`) or answering 404.
 */
static bool
open_sent(struct rq *q, struct form **f, struct form_draft *d, const char **url, bool page)
{
	if (!open_draft(q, f, d, url))
		return false;
	if (d->case_no[0])
		return true;
	if (page)
		rq_redirect(q, arena_printf(q->a, "%s/zusammenfassung", *url));
	else
		rq_error(q, 404, NULL);
	return false;
}

static void
done_page(struct rq *q)
{
	struct form *f;
	struct form_draft d;
	const char *url;

	if (!open_sent(q, &f, &d, &url, true))
		return;
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", rq_msg(q, "forms.done_title"), f->title));
	view_set_text(q->page, "case_no", d.case_no);
	view_set_text(q->page, "receipt_url",
		      rq_url(q, arena_printf(q->a, "%s/eingang/quittung.pdf", url)));
	rq_render(q, "forms/done");
}

/* The receipt, for the browser whose draft made the case only. */
static void
receipt_download(struct rq *q)
{
	struct form *f;
	struct form_draft d;
	const char *url;

	if (open_sent(q, &f, &d, &url, false))
		form_receipt_send(q, d.case_no);
}

void
form_web_summary_register(struct app *app)
{
	app_route(app, HTTP_GET, "/formulare/:id/zusammenfassung", summary_page, 0, 0);
	app_route(app, HTTP_POST, "/formulare/:id/absenden", submit_post, 0, SUMMARY_BODY_MAX);
	app_route(app, HTTP_GET, "/formulare/:id/eingang", done_page, 0, 0);
	app_route(app, HTTP_GET, "/formulare/:id/eingang/quittung.pdf", receipt_download, 0, 0);
}
