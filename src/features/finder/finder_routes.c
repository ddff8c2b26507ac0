/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * /finder: a form with a concern and a place that works without
 * JavaScript.  An ambiguous concern or place (a postal code shared by
 * several municipalities, a name several carry) becomes a list of links to
 * choose from; once both are known the page shows the responsible
 * authority, its office with opening hours, the online service and why.
 * Deep links: /finder?leistung=<LeiKa key>&ars=<ARS>.
 *
 * The chosen place is remembered in the cookie "ort" (the ARS only,
 * SameSite=Lax, 30 days), so a citizen needs to give it once.
 */
#include "features/finder/finder.h"

#include "app/app.h"
#include "features/catalog/svc.h"
#include "features/finder/finder_view.h"
#include "features/offices/office.h"
#include "features/search/search.h"

#include <string.h>

#define PLACE_COOKIE "ort"
#define PLACE_COOKIE_AGE (30 * 24 * 3600)
#define CHOICES_MAX 20
#define INPUT_MAX 100 /* characters of a concern or place */

struct finder_form {
	const char *anliegen, *ort; /* what was typed, "" if nothing */
	const char *leika, *ars;    /* what is settled, NULL until then */
	bool ars_kept;		    /* ars comes from the cookie */
	int status;		    /* the first problem's, else 200 */
	struct view_val *messages;  /* what the page says about the input */
};

static const char *
param(struct rq *q, const char *name)
{
	const char *v = http_query(q->http, name);

	size_t n;

	if (!v)
		return "";
	n = strlen(v);
	if (n <= INPUT_MAX)
		return v;
	for (n = INPUT_MAX; n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80; n--)
		; /* cut before a character, never inside one */
	return arena_strndup(q->a, v, n);
}

static void
say(struct rq *q, struct finder_form *f, int status, const char *key, const char *arg)
{
	if (!f->messages)
		f->messages = view_set(q->page, "messages", view_list(q->a));
	view_push(f->messages, view_text(q->a, finder_msg(q, key, arg, NULL)));
	if (f->status == 200)
		f->status = status;
}

/* /finder with the settled and typed parts of the form. */
static const char *
link(struct rq *q, const struct finder_form *f, const char *leika, const char *ars)
{
	const char *s = "";

	if (leika)
		s = arena_printf(q->a, "leistung=%s", leika);
	else if (f->anliegen[0])
		s = arena_printf(q->a, "anliegen=%s", rq_urlencode(q, f->anliegen));
	if (ars)
		s = arena_printf(q->a, "%s%sars=%s", s, s[0] ? "&" : "", ars);
	else if (f->ort[0])
		s = arena_printf(q->a, "%s%sort=%s", s, s[0] ? "&" : "", rq_urlencode(q, f->ort));
	return rq_url(q, arena_printf(q->a, "/finder?%s", s));
}

static int
settle_place(struct rq *q, struct finder_form *f)
{
	struct region *v = NULL;
	size_t n = 0;
	int rc;

	if (f->ars) {
		rc = region_find(q->db, f->ars, q->a, &v, &q->err);
		if (rc == ERR_NOTFOUND) {
			err_clear(&q->err);
			if (!f->ars_kept) /* a stale cookie is forgotten quietly */
				say(q, f, 404, "finder.unknown_place", "");
			f->ars = NULL;
			return 0;
		}
		if (rc == 0 && !f->ort[0])
			f->ort = v->display_name;
		return rc;
	}
	if (!f->ort[0])
		return 0;
	rc = region_suggest(q->db, f->ort, CHOICES_MAX, q->a, &v, &n, &q->err);
	if (rc)
		return rc;
	if (n == 0) {
		say(q, f, 200, "finder.no_place", f->ort);
	} else if (n == 1) {
		f->ars = v[0].ars;
	} else {
		struct view_val *l = view_set(q->page, "places", view_list(q->a));

		for (size_t i = 0; i < n; i++) {
			struct view_val *m = view_push(l, finder_place_view(q, &v[i]));

			view_set_text(m, "url", link(q, f, f->leika, v[i].ars));
		}
	}
	return 0;
}

static int
settle_concern(struct rq *q, struct finder_form *f)
{
	struct finder_service *v = NULL;
	size_t n = 0;
	int rc;

	if (f->leika || !f->anliegen[0])
		return 0;
	rc = finder_concerns(search_cache_of(q->app), q->db, q->tenant, f->anliegen, CHOICES_MAX,
			     q->a, &v, &n, &q->err);
	if (rc)
		return rc;
	if (n == 0) {
		say(q, f, 200, "finder.no_service", f->anliegen);
	} else if (n == 1) {
		f->leika = v[0].leika;
	} else {
		struct view_val *l = view_set(q->page, "services", view_list(q->a));

		for (size_t i = 0; i < n; i++) {
			struct view_val *m = view_push(l, view_map(q->a));

			view_set_text(m, "title", v[i].title);
			view_set_text(m, "url", link(q, f, v[i].leika, f->ars));
		}
	}
	return 0;
}

static void
remember(struct rq *q, const char *ars)
{
	const char *old = http_cookie(q->http, PLACE_COOKIE);

	if (old && strcmp(old, ars) == 0)
		return;
	http_set_cookie(q->http, q->resp, PLACE_COOKIE, ars, PLACE_COOKIE_AGE,
			HTTP_COOKIE_LAX | HTTP_COOKIE_HTTPONLY |
				(q->http->https ? HTTP_COOKIE_SECURE : 0));
}

static void
answer(struct rq *q, struct finder_form *f)
{
	struct finder_answer ans;
	int rc = finder_answer(q->db, q->app->tenants, app_state(q->app, &finder_feature), f->leika,
			       f->ars, q->a, &ans, &q->err);

	if (rc == ERR_NOTFOUND) {
		say(q, f, 404, q->err.user ? q->err.user : "finder.unknown_place", "");
		err_clear(&q->err);
		return;
	}
	if (rc) {
		rq_log_failure(q, rc);
		say(q, f, 503, "finder.failed", "");
		return;
	}
	remember(q, ans.place->ars);
	view_set(q->page, "answer", finder_answer_view(q, &ans));
	if (ans.office)
		view_set(q->page, "office", finder_office_view(q, ans.tenant, ans.office));
	view_set_text(q->page, "other_place",
		      rq_url(q, arena_printf(q->a, "/finder?leistung=%s&ort=", ans.service.leika)));
	f->ort = ans.place->display_name;
	f->anliegen = ans.service.title;
}

static void
finder_page(struct rq *q)
{
	struct finder_form f = {
		param(q, "anliegen"), param(q, "ort"), NULL, NULL, false, 200, NULL};
	const char *leika = http_query(q->http, "leistung"), *ars = http_query(q->http, "ars");
	const char *kept = http_cookie(q->http, PLACE_COOKIE);
	struct view_val *form;
	int rc;

	if (leika && svc_leika_valid(leika))
		f.leika = leika;
	else if (leika)
		say(q, &f, 404, "finder.unknown_service", "");
	if (ars) {
		f.ars = ars;
	} else if (!http_query(q->http, "ort") && kept && region_ars_valid(kept)) {
		f.ars = kept; /* the place chosen before */
		f.ars_kept = true;
	}
	rc = settle_concern(q, &f);
	if (rc == 0)
		rc = settle_place(q, &f);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (f.leika && f.ars && f.status == 200)
		answer(q, &f);
	else if (f.leika && !f.ars && !f.ort[0] && f.status == 200)
		say(q, &f, 200, "finder.need_place", "");
	form = view_set(q->page, "form", view_map(q->a));
	view_set_text(form, "anliegen", f.anliegen);
	view_set_text(form, "ort", f.ort);
	if (f.leika && !view_get(q->page, "answer"))
		view_set_text(form, "leistung", f.leika);
	view_set_text(q->page, "title", rq_msg(q, "finder.title"));
	q->resp->status = f.status;
	rq_render(q, "finder");
}

static int
finder_init(struct app *app, struct err *e)
{
	(void)e;
	app_set_state(app, &finder_feature, finder_kb_cache_new());
	app_route(app, HTTP_GET, "/finder", finder_page, 0, 0);
	finder_api_register(app);
	return 0;
}

static void
finder_release(struct app *app)
{
	finder_kb_cache_free(app_state(app, &finder_feature));
}

const struct feature finder_feature = {
	.name = "finder",
	.init = finder_init,
	.release = finder_release,
};
