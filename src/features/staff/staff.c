/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Staff login: a form with a CSRF token, Argon2id check, a fresh session id
 * on success, the same answer for every kind of failure, a per-IP rate limit
 * (ROUTE_LOGIN_LIMIT) and an audit entry for each attempt.  The start page
 * /verwaltung is the editor's (src/features/editor/).
 */
#include "features/staff/staff.h"

#include "app/app.h"
#include "core/log.h"
#include "jobs/jobs.h"

#include <string.h>

static const char *
first_of(const char *a, const char *b)
{
	return a ? a : b;
}

static void
login_form(struct rq *q, int status, const char *error_key)
{
	struct session *s;
	int rc = rq_session(q, true, &s);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", rq_msg(q, "login.title"));
	view_set_text(
		q->page, "next",
		rq_safe_next(first_of(http_query(q->http, "next"), http_form(q->http, "next")),
			     "/verwaltung"));
	if (error_key)
		view_set_text(q->page, "error", rq_msg(q, error_key));
	view_set_text(q->page, "email", first_of(http_form(q->http, "email"), ""));
	q->resp->status = status;
	rq_render(q, "login");
}

static void
login_get(struct rq *q)
{
	login_form(q, 200, NULL);
}

static void
login_post(struct rq *q)
{
	const char *email = http_form(q->http, "email"), *pw = http_form(q->http, "password");
	struct staff_user *u = NULL;
	int rc;

	if (!email || !pw || !email[0] || !pw[0]) {
		login_form(q, 422, "login.missing");
		return;
	}
	rc = user_login(q->db, q->tenant, email, pw, q->a, &u, &q->err);
	audit_log(q->db, q->tenant, u ? u->id : 0, rc ? "login.failed" : "login", email,
		  q->http->client_ip, NULL);
	if (rc == ERR_UNAUTHORIZED) {
		log_info("rid=%s %s", q->http->id, q->err.detail);
		login_form(q, 401, "login.failed");
		return;
	}
	if (rc == 0)
		rc = rq_session_renew(q, u->id);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rq_redirect(q, rq_safe_next(http_form(q->http, "next"), "/verwaltung"));
}

static void
logout_post(struct rq *q)
{
	struct session *s;

	if (rq_session(q, false, &s) == 0) {
		audit_log(q->db, q->tenant, s->user_id, "logout", "", q->http->client_ip, NULL);
		session_destroy(q->db, s, &q->err);
	}
	rq_session_clear_cookie(q);
	rq_redirect(q, "/");
}

static int
staff_init(struct app *app, struct err *e)
{
	(void)e;
	app_route(app, HTTP_GET, "/anmelden", login_get, 0, 0);
	app_route(app, HTTP_POST, "/anmelden", login_post, ROUTE_LOGIN_LIMIT, 16 * 1024);
	app_route(app, HTTP_POST, "/abmelden", logout_post, 0, 4096);
	return 0;
}

/* Delete expired sessions and old rate-limit windows; idempotent, so a retry is harmless. */
static int
purge_sessions(struct job_run *r, struct err *e)
{
	int64_t n = 0;
	int rc = session_purge(r->db, &n, e);

	return job_purged(rc, n, "expired sessions");
}

const struct feature staff_feature = {
	.name = "staff",
	.init = staff_init,
	.job = JOB_EVERY("session.purge", purge_sessions, 600),
};
