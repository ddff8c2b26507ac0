/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reporting a defect without JavaScript: one form (category, description,
 * the place as an address or as coordinates, an optional contact with
 * consent), checked on the server; errors come back on the same form with
 * status 422.  A report at a postal code outside the tenant's area is
 * refused with the portal that is responsible there, when one is known.
 * The reporter gets a tracking link with a secret token; only its hash is
 * stored.  Routing to an office reads report_route (rp_route()).
 */
#include "features/reports/rp_int.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "features/account/account.h"
#include "features/regions/region.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <string.h>
#include <strings.h>
#include <time.h>

/* The fields, and up to three photos with their multipart framing. */
#define FORM_BODY_MAX (RP_PHOTOS_MAX * (size_t)FILES_PHOTO_MAX + 64u * 1024)
#define PLZ_ARS_MAX 16

/* Germany's bounding box, degrees: coordinates outside are mistakes. */
#define LAT_MIN 47.2
#define LAT_MAX 55.1
#define LON_MIN 5.8
#define LON_MAX 15.1

struct form {
	struct rp_input in;
	const char *lat, *lon;
	struct view_val *errors; /* field -> message */
	int n_errors;
	struct rp_category *cat;
	struct rp_photos photos;
	struct rp_answers answers; /* to the chosen category's questions */
	int status; /* of the answer with errors: 422, or 413 for a photo too large */
	bool gps;   /* the place came from a photo's GPS position */
};

static const char *
field(struct rq *q, const char *name)
{
	const char *v = http_form(q->http, name);

	return v ? v : "";
}

static void
error(struct rq *q, struct form *f, const char *name, const char *key)
{
	if (!view_get(f->errors, name)) {
		view_set_text(f->errors, name, rq_msg(q, key));
		f->n_errors++;
	}
}

static bool
too_long(const char *s, size_t max)
{
	return strlen(s) > max;
}

struct plz_ars {
	const char *v[PLZ_ARS_MAX];
	size_t n;
};

/* Who is responsible for `p` when this tenant is not: a portal, else the place's name. */
static void
refuse_outside(struct rq *q, struct form *f, const struct plz_ars *p)
{
	const struct tenant *ts;
	const struct tenant *best = NULL;
	size_t n;
	struct region *r;

	if (tenant_cache_list(q->app->tenants, q->db, -1, q->a, &ts, &n, &q->err) == 0)
		best = rp_tenant_covering(ts, n, p->v, p->n, NULL);
	if (best) {
		view_set_text(q->page, "outside_portal", best->name);
		view_set_text(q->page, "outside_url",
			      arena_printf(q->a, "%s/t/%s/maengel", rp_origin(q), best->slug));
	} else if (region_find(q->db, p->v[0], q->a, &r, &q->err) == 0) {
		view_set_text(q->page, "outside_place", r->display_name);
	}
	error(q, f, "postal_code", "reports.err.outside");
}

/* Whether postal code `plz` lies in the tenant's area; adds the errors when not. */
static int
check_area(struct rq *q, struct form *f)
{
	struct plz_ars p = {.n = 0};
	size_t len = rp_area_prefix(q->tenant->ars);
	int rc = rp_plz_areas(q->db, f->in.postal_code, q->a, p.v, PLZ_ARS_MAX, &p.n, &q->err);

	if (rc)
		return rc;
	if (p.n == 0) {
		error(q, f, "postal_code", "reports.err.plz_unknown");
		return 0;
	}
	for (size_t k = 0; len && k < p.n; k++)
		if (strncmp(p.v[k], q->tenant->ars, len) == 0)
			return 0;
	if (len)
		refuse_outside(q, f, &p);
	return 0;
}

int
rp_area_verdict(struct rq *q, const char *plz, int *verdict)
{
	struct plz_ars p = {.n = 0};
	size_t len = rp_area_prefix(q->tenant->ars);
	int rc = rp_plz_areas(q->db, plz, q->a, p.v, PLZ_ARS_MAX, &p.n, &q->err);

	*verdict = p.n == 0 ? 1 : len ? 2 : 0;
	for (size_t k = 0; rc == 0 && len && k < p.n; k++)
		if (strncmp(p.v[k], q->tenant->ars, len) == 0)
			*verdict = 0;
	return rc;
}

static void
check_location(struct rq *q, struct form *f)
{
	struct rp_input *in = &f->in;
	bool lat = f->lat[0], lon = f->lon[0];

	/* No place given: the photo's GPS position stands in. */
	if (!lat && !lon && !in->postal_code[0] && !in->street[0] && f->photos.has_gps) {
		in->has_pos = f->gps = true;
		in->lat_e6 = f->photos.lat_e6;
		in->lon_e6 = f->photos.lon_e6;
		return;
	}
	if (lat || lon) {
		in->has_pos = rp_coord_parse(f->lat, LAT_MIN, LAT_MAX, &in->lat_e6) &&
			      rp_coord_parse(f->lon, LON_MIN, LON_MAX, &in->lon_e6);
		if (!in->has_pos)
			error(q, f, "lat", "reports.err.coords");
	}
	if (in->postal_code[0] && !region_digits(in->postal_code, 5))
		error(q, f, "postal_code", "reports.err.plz");
	if (!in->has_pos && !in->postal_code[0])
		error(q, f, "postal_code", "reports.err.where");
	if (!in->has_pos && !in->street[0])
		error(q, f, "street", "reports.err.street");
	if (too_long(in->street, RP_LINE_MAX) || too_long(in->place, RP_LINE_MAX))
		error(q, f, "street", "reports.err.too_long");
}

static void
check_contact(struct rq *q, struct form *f)
{
	struct rp_input *in = &f->in;

	if (too_long(in->name, RP_LINE_MAX) || too_long(in->phone, RP_LINE_MAX))
		error(q, f, "name", "reports.err.too_long");
	if (in->email[0] && (too_long(in->email, RP_LINE_MAX) || !mail_addr_valid(in->email)))
		error(q, f, "email", "reports.err.email");
	if ((in->name[0] || in->email[0] || in->phone[0]) && !in->consent)
		error(q, f, "consent", "reports.err.consent");
}

static int
read_photos(struct rq *q, struct form *f)
{
	const char *problem, *too_many;
	int status = 422;
	int rc = rp_photos_read(q, "fotos", &f->photos, &problem, &status);

	if (rc == 0)
		rc = rp_photos_kept(q, "fotos_behalten[]", &f->photos, &too_many);
	if (rc == 0 && !problem)
		problem = too_many;
	if (rc == 0 && problem) {
		error(q, f, "photos", problem);
		f->status = status;
	}
	return rc;
}

/* Read and check the posted form: 0 (errors counted in f), or a server error. */
static int
read_form(struct rq *q, struct form *f)
{
	struct rp_input *in = &f->in;
	size_t len;
	int rc;

	in->code = field(q, "kategorie");
	in->description = field(q, "beschreibung");
	in->street = field(q, "strasse");
	in->postal_code = field(q, "plz");
	in->place = field(q, "ort");
	f->lat = field(q, "breite");
	f->lon = field(q, "laenge");
	in->name = field(q, "name");
	in->email = field(q, "email");
	in->phone = field(q, "telefon");
	in->consent = strcmp(field(q, "einwilligung"), "1") == 0;
	rc = read_photos(q, f);
	if (rc)
		return rc;
	rc = rp_category_find(q->db, q->tenant, in->code, q->a, &f->cat, &q->err);
	if (rc == ERR_NOTFOUND)
		error(q, f, "category", "reports.err.category_choose");
	else if (rc || (rc = rp_questions_read(q, f->cat, &f->answers)) != 0)
		return rc;
	f->n_errors += (int)f->answers.n_errors;
	in->answers = f->answers.json;
	len = strlen(in->description);
	if (len < RP_TEXT_MIN || len > RP_TEXT_MAX)
		error(q, f, "description", "reports.err.description");
	check_location(q, f);
	check_contact(q, f);
	if (in->postal_code[0] && !view_get(f->errors, "postal_code"))
		return check_area(q, f);
	return 0;
}

/* The photos kept from the last try, as ticked boxes. */
static void
kept_view(struct rq *q, const struct rp_photos *p)
{
	struct view_val *l = view_set(q->page, "kept_photos", view_list(q->a));

	for (size_t i = 0; i < p->n_kept; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "id", p->kept[i]);
		view_set_text(m, "name", p->kept_names[i]);
		view_set_text(m, "field", arena_printf(q->a, "foto-behalten-%zu", i + 1));
	}
	view_set_bool(q->page, "has_kept_photos", p->n_kept > 0);
}

static void
render_form(struct rq *q, struct form *f)
{
	struct rp_category *cats;
	static const char *const FIELDS[] = {"beschreibung", "strasse",	    "plz",  "ort",
					     "breite",	     "laenge",	    "name", "email",
					     "telefon",	     "einwilligung"};
	struct view_val *cl = view_set(q->page, "categories", view_list(q->a));
	struct view_val *values = view_map(q->a);
	struct view_val *summary = view_set(q->page, "question_errors", view_list(q->a));
	size_t n;
	int rc = rp_categories(q->db, q->tenant, q->a, &cats, &n, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		bool chosen = f->cat && f->cat->id == cats[i].id;
		struct view_val *m = rq_option(q, cl, cats[i].code, cats[i].name, chosen);

		view_set_text(m, "hint", cats[i].description);
		rp_questions_view(q, m, &cats[i], i, chosen ? &f->answers : NULL, summary);
	}
	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++)
		view_set_text(values, FIELDS[i], field(q, FIELDS[i]));
	if (f->gps) { /* the place of a photo, for the next try */
		view_set_text(values, "breite",
			      arena_printf(q->a, "%.6f", (double)f->in.lat_e6 / 1e6));
		view_set_text(values, "laenge",
			      arena_printf(q->a, "%.6f", (double)f->in.lon_e6 / 1e6));
	}
	view_set(q->page, "v", values);
	view_set(q->page, "errors", f->errors);
	view_set_bool(q->page, "has_errors", f->n_errors > 0);
	kept_view(q, &f->photos);
	/* New photos that could not be kept. */
	view_set_bool(q->page, "photos_again",
		      f->n_errors > 0 && q->http->n_uploads > 0 &&
			      (f->photos.n > 0 || view_get(f->errors, "photos")));
	view_set_text(q->page, "action", rq_url(q, "/maengel/melden"));
	view_set_text(q->page, "title", rq_msg(q, "reports.new_title"));
	rq_page_script(q, "/static/js/report-form.js");
	rp_map_view(q, &f->in);
	if (account_citizen(q, &(int64_t){0}, &(const char *){NULL}))
		view_set_text(q->page, "mine_url", rq_url(q, "/konto/meldungen"));
	rq_render(q, "reports/new");
}

static bool
open_form(struct rq *q, struct form *f)
{
	struct session *s;

	memset(f, 0, sizeof(*f));
	f->errors = view_map(q->a);
	if (!rp_offered(q))
		return false;
	if (q->http->method != HTTP_POST && rq_session(q, true, &s) != 0) {
		rq_fail(q, ERR_DB);
		return false;
	}
	return true;
}

static void
new_page(struct rq *q)
{
	struct form f;

	if (open_form(q, &f))
		render_form(q, &f);
}

/*
 * The answers for a member's category of the same code, whose questions
 * may differ: read again by its definition; when they do not pass (a
 * question the form did not ask), the report stays with this tenant,
 * without an office.
 */
static int
member_answers(struct rq *q, struct form *f, struct rp_target *to)
{
	struct rp_answers a;
	int rc = rp_questions_read(q, to->cat, &a);

	if (rc == 0 && a.n_errors == 0)
		f->in.answers = a.json;
	else if (rc == 0) /* without an office: staff route it by hand */
		*to = (struct rp_target){q->tenant, f->cat, 0};
	return rc;
}

/* Queue the mail with the confirmation link /maengel/bestaetigen/<token>. */
int
rp_confirm_mail(void *ctx, int64_t number, struct err *e)
{
	struct rp_confirm *c = ctx;
	struct rq *q = c->q;
	struct view_val *data = view_map(q->a);
	struct mail m;
	struct buf link;
	int rc;

	buf_init(&link, 256);
	rc = mail_link(q->app->mail, c->t, arena_printf(q->a, "/maengel/bestaetigen/%s", c->token),
		       &link);
	if (rc == 0)
		view_set_text(data, "confirm_url", link.p);
	buf_release(&link);
	if (rc)
		return err_set(e, rc, NULL, "confirmation link too long");
	view_set_int(data, "number", number);
	view_set_text(data, "category", c->cat->name);
	view_set_text(data, "name", c->in->name);
	rc = mail_compose(q->app->mail, c->t, "report_confirm", q->lang, data, c->in->email, q->a,
			  &m, e);
	return rc ? rc : mail_queue(q->app->mail, q->db, c->t, &m, NULL, e);
}

static void
new_post(struct rq *q)
{
	struct form f;
	char token[AUTH_TOKEN_LEN + 1], hash[65];
	char ctoken[AUTH_TOKEN_LEN + 1], chash[65];
	struct rp_confirm c = {q, NULL, NULL, &f.in, ctoken};
	struct rp_target to = {q->tenant, NULL, 0};
	const char *own_email = NULL;
	bool confirm;
	int64_t number = 0;
	int rc;

	if (!open_form(q, &f))
		return;
	rc = read_form(q, &f);
	if (rc == 0 && f.n_errors) {
		/* Photos that passed their checks are kept for the next try. */
		if (!view_get(f.errors, "photos") &&
		    (rc = rp_photos_store(q, q->tenant, &f.photos, true)) != 0) {
			rq_fail(q, rc);
			return;
		}
		q->resp->status = f.status ? f.status : 422;
		render_form(q, &f);
		return;
	}
	if (rc == 0)
		rc = rp_target_find(q, f.cat, f.in.postal_code, f.in.place, &to);
	if (rc == 0 && to.t != q->tenant)
		rc = member_answers(q, &f, &to);
	if (rc == 0)
		rc = rp_photos_move(q, to.t, &f.photos);
	if (rc == 0)
		rc = rp_photos_store(q, to.t, &f.photos, false);
	f.in.photos = rp_photos_ids(q, &f.photos, &f.in.n_photos);
	rp_limit_set(q, "report", &f.in);
	auth_token(token);
	auth_token_hash(token, hash);
	/*
	 * With an address the report waits until the link mailed to it is
	 * opened; not with the confirmed address of the account logged in.
	 */
	if (!account_citizen(q, &f.in.citizen_id, &own_email))
		f.in.citizen_id = 0, own_email = "";
	confirm = f.in.email[0] && q->app->mail && strcasecmp(f.in.email, own_email) != 0;
	if (confirm) {
		auth_token(ctoken);
		auth_token_hash(ctoken, chash);
	}
	c.t = to.t;
	c.cat = to.cat;
	if (rc == 0)
		rc = rp_create(q->db, to.t, &f.in, to.cat->id, to.office, hash,
			       confirm ? chash : NULL, (int64_t)time(NULL),
			       confirm ? rp_confirm_mail : NULL, &c, &number, &q->err);
	if (rq_failed_as(q, rc, ERR_RATELIMIT, "reports.err.rate"))
		return;
	if (confirm && q->app->jobs)
		jobs_nudge(q->app->jobs);
	http_redirect(q->http, q->resp, 303,
		      rq_tenant_url(q, to.t, arena_printf(q->a, "/maengel/verfolgen/%s", token)));
}

void
rp_submit_register(struct app *app)
{
	app_route(app, HTTP_GET | HTTP_HEAD, "/maengel/melden", new_page, 0, 0);
	app_route(app, HTTP_POST, "/maengel/melden", new_post, 0, FORM_BODY_MAX);
}
