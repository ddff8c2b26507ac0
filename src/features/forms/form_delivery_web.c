/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff side of deliveries: tenant admins set each form's endpoint
 * and shared secret under /verwaltung/formulare/zustellung (the secret is
 * never shown back, only its last characters), and the case page shows
 * the delivery's state with "Erneut zustellen" for a failed one
 * (form_inbox_case.c routes that button here).
 */
#include "features/forms/form_delivery.h"
#include "features/forms/form_inbox.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/log.h"
#include "jobs/jobs.h"

#include <string.h>
#include <time.h>

#define TARGETS_URL "/verwaltung/formulare/zustellung"
#define TARGET_FORM_MAX (8 * 1024) /* bytes of the posted target form */

static bool
admin(struct rq *q)
{
	return rq_staff_may(q, ROLE_ADMIN);
}

static void
crumbs(struct rq *q, const char *here)
{
	rq_staff_crumbs(q, "forms.delivery.targets", TARGETS_URL, here);
}

static void
list_page(struct rq *q)
{
	struct form_delivery_target *v;
	struct form_item *forms;
	struct view_val *l;
	size_t n;
	int rc;

	if (!admin(q))
		return;
	rc = form_delivery_targets(q->db, q->tenant, q->a, &v, &forms, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	l = view_set(q->page, "forms", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "id", forms[i].id);
		view_set_text(m, "title", forms[i].title);
		view_set_text(m, "url", v[i].url);
		view_set_text(m, "edit",
			      rq_url(q, arena_printf(q->a, TARGETS_URL "/%s", forms[i].id)));
	}
	view_set_bool(q->page, "saved", http_query(q->http, "gespeichert") != NULL);
	view_set_text(q->page, "title", rq_msg(q, "forms.delivery.targets"));
	crumbs(q, NULL);
	rq_render(q, "forms/delivery_targets");
}

/* For an admin, the form of :form and its target; false when the request was answered. */
static bool
open_target(struct rq *q, struct form **f, struct form_delivery_target *t)
{
	int rc;

	if (!admin(q))
		return false;
	rc = form_load(q->db, q->tenant, http_param(q->http, "form"), q->a, f, NULL, &q->err);
	if (rc == 0)
		rc = form_delivery_target_get(q->db, q->tenant, (*f)->id, q->a, t, &q->err);
	if (rc)
		rq_fail(q, rc);
	return rc == 0;
}

static void
edit_render(struct rq *q, const struct form *f, const struct form_delivery_target *t,
	    const char *url, const char *url_error, const char *secret_error)
{
	struct view_val *errors = view_set(q->page, "errors", view_list(q->a));

	rq_field(q, view_set(q->page, "url", view_map(q->a)), url, url_error);
	rq_field(q, view_set(q->page, "secret", view_map(q->a)), "", secret_error);
	if (url_error)
		view_set_text(view_push(errors, view_map(q->a)), "text", rq_msg(q, url_error));
	if (secret_error)
		view_set_text(view_push(errors, view_map(q->a)), "text", rq_msg(q, secret_error));
	view_set_bool(q->page, "has_errors", url_error || secret_error);
	if (t->secret_len > 0)
		view_set_text(q->page, "secret_stored", t->secret_end);
	view_set_int(q->page, "secret_len", t->secret_len);
	view_set_bool(q->page, "http_local", q->app->cfg.form_delivery_http_local);
	view_set_text(q->page, "form", f->title);
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s: %s", rq_msg(q, "forms.delivery.target"), f->title));
	view_set_text(q->page, "back", rq_url(q, TARGETS_URL));
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	crumbs(q, f->title);
	if (url_error || secret_error)
		q->resp->status = 422;
	rq_render(q, "forms/delivery_target");
}

static void
edit_page(struct rq *q)
{
	struct form_delivery_target t;
	struct form *f;

	if (open_target(q, &f, &t))
		edit_render(q, f, &t, t.url, NULL, NULL);
}

static void
edit_post(struct rq *q)
{
	const char *url = rq_form_text(q, "url"), *secret = rq_form_text(q, "secret");
	const char *url_error = NULL, *secret_error = NULL;
	struct form_delivery_target t;
	struct form *f;
	int rc;

	if (!open_target(q, &f, &t))
		return;
	if (url[0] && !form_delivery_url_ok(url, q->app->cfg.form_delivery_http_local))
		url_error = "forms.delivery.err.url";
	if (secret[0] ? !form_delivery_secret_ok(secret) : url[0] && t.secret_len == 0)
		secret_error = "forms.delivery.err.secret";
	if (url_error || secret_error) {
		edit_render(q, f, &t, url, url_error, secret_error);
		return;
	}
	rc = form_delivery_target_save(q->db, q->tenant, f->id, url, secret, (int64_t)time(NULL),
				       &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (audit_log(q->db, q->tenant, q->user->id, "forms.delivery.target", f->id,
		      q->http->client_ip, &q->err))
		log_error("rid=%s audit forms.delivery.target: %s", q->http->id, q->err.detail);
	rq_redirect(q, TARGETS_URL "?gespeichert=1");
}

int
form_delivery_view(struct rq *q, int64_t case_id, const char *case_no)
{
	struct form_delivery d;
	struct view_val *m;
	const char *key;
	int rc = form_delivery_get(q->db, q->tenant, case_id, q->a, &d, &q->err);

	if (rc == ERR_NOTFOUND)
		return 0; /* the form had no endpoint when the case came in */
	if (rc)
		return rc;
	key = form_delivery_state_name(d.state);
	m = view_set(q->page, "delivery", view_map(q->a));
	view_set_text(m, "state_key", key ? key : "");
	view_set_text(m, "state",
		      rq_msg(q, arena_printf(q->a, "forms.delivery.state.%s", key ? key : "")));
	view_set_int(m, "attempts", d.attempts);
	view_set_text(m, "last_error", d.last_error);
	if (d.state == DELIVERY_DELIVERED)
		view_set_text(m, "delivered_at", rq_date_time(q, d.delivered_at));
	if (d.state == DELIVERY_PENDING && d.next_at > 0)
		view_set_text(m, "next_at", rq_date_time(q, d.next_at));
	if (d.state == DELIVERY_FAILED)
		view_set_text(m, "retry_url", inbox_case_url(q, case_no, "/zustellen"));
	return 0;
}

void
form_delivery_register(struct app *app)
{
	if (app->jobs)
		jobs_add_kind(app->jobs, &form_delivery_kind, app);
	app_route(app, HTTP_GET, TARGETS_URL, list_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_GET, TARGETS_URL "/:form", edit_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, TARGETS_URL "/:form", edit_post, ROUTE_STAFF, TARGET_FORM_MAX);
}
