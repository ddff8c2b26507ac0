/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * /verwaltung/einstellungen: the tenant admin edits the typed settings of
 * the tenant (tenant.h).  Every key is checked by tenant_setting_parse();
 * one bad field keeps the whole form unsaved and shows each problem at its
 * field.  Only keys of the declaration table are read from the form, so
 * forged fields change nothing, and the tenant is the request's: an admin
 * of one tenant has no session at another.  Each changed key is one audit
 * entry.
 */
#include "features/settings/settings_int.h"

#include "db/db.h"
#include "files/files.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY_S 86400

bool
settings_may_admin(struct rq *q)
{
	if (q->user && (q->user->roles & ROLE_ADMIN))
		return true;
	rq_error(q, 403, "set.err.role");
	return false;
}

/* A duration in the unit staff think in: "90d", "12h", else seconds. */
static const char *
duration_text(struct rq *q, const char *secs)
{
	long long n = strtoll(secs, NULL, 10);

	if (n > 0 && n % DAY_S == 0)
		return arena_printf(q->a, "%lldd", n / DAY_S);
	if (n > 0 && n % 3600 == 0)
		return arena_printf(q->a, "%lldh", n / 3600);
	return arena_printf(q->a, "%llds", n);
}

static const char *
input_type(enum tenant_setting_type t)
{
	switch (t) {
	case TSET_INT:
		return "number";
	case TSET_EMAIL:
		return "email";
	case TSET_SECRET:
		return "password";
	default:
		return "text";
	}
}

/* One form field of setting `id` with its value and error. */
static struct view_val *
field_val(struct rq *q, enum tenant_setting_id id, const char *value, const char *stored,
	  const struct ed_errors *errs)
{
	const struct tenant_setting_def *d = tenant_setting_def(id);
	struct view_val *f = view_map(q->a);
	const struct view_val *err = view_get(errs->by_field, d->key);

	view_set_text(f, "key", d->key);
	view_set_text(f, "label", view_msg(q->app->view, q->lang, d->label));
	view_set_text(f, "hint",
		      view_msg(q->app->view, q->lang, arena_printf(q->a, "%s_hint", d->label)));
	view_set_text(f, "type", input_type(d->type));
	/* A secret is the portal's, not the admin's own password: no filling in. */
	view_set_text(f, "autocomplete", d->type == TSET_SECRET ? "new-password" : "off");
	view_set_bool(f, "is_bool", d->type == TSET_BOOL);
	view_set_bool(f, "checked", strcmp(value, "1") == 0);
	view_set_text(f, "value", value);
	if (d->type == TSET_SECRET && stored[0]) {
		size_t n = strlen(stored);

		view_set_text(f, "secret_end", n > 8 ? stored + n - 3 : "");
		view_set_bool(f, "secret_set", true);
	}
	if (d->type == TSET_INT) {
		view_set_int(f, "min", d->min);
		view_set_int(f, "max", d->max);
	}
	if (err)
		view_set(f, "error", (struct view_val *)err);
	return f;
}

/* The value shown for `id`: as posted, else the stored one in its entry form. */
static const char *
shown_value(const struct tenant_settings *s, struct rq *q, bool posted, enum tenant_setting_id id)
{
	const struct tenant_setting_def *d = tenant_setting_def(id);
	const char *stored = tenant_settings_value(s, id), *v;

	if (d->type == TSET_SECRET)
		return ""; /* never shown back */
	if (posted) {
		v = http_form(q->http, d->key);
		return v ? v : "";
	}
	return d->type == TSET_DURATION ? duration_text(q, stored) : stored;
}

static void
fill_groups(struct rq *q, const struct tenant_settings *s, struct view_val *posted,
	    const struct ed_errors *errs)
{
	struct view_val *groups = view_set(q->page, "groups", view_list(q->a)), *g = NULL;
	const char *group = "";

	for (int i = 0; i < TSET_COUNT; i++) {
		const struct tenant_setting_def *d = tenant_setting_def((enum tenant_setting_id)i);

		if (d->type == TSET_FILE)
			continue; /* set by an upload, not typed in */
		if (strcmp(group, d->group) != 0) {
			group = d->group;
			g = view_push(groups, view_map(q->a));
			view_set_text(g, "label", view_msg(q->app->view, q->lang, group));
			view_set(g, "fields", view_list(q->a));
		}
		view_push((struct view_val *)view_get(g, "fields"),
			  field_val(q, (enum tenant_setting_id)i,
				    shown_value(s, q, posted != NULL, (enum tenant_setting_id)i),
				    tenant_settings_value(s, (enum tenant_setting_id)i), errs));
	}
}

void
settings_page(struct rq *q, struct view_val *posted, struct ed_errors *errs, int status)
{
	const struct tenant_settings *s = NULL;
	struct session *sess;
	const char *logo;
	int rc = tenant_settings_load(q->db, q->tenant, q->a, &s, &q->err);

	if (rc == 0)
		rc = rq_session(q, false, &sess);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", view_msg(q->app->view, q->lang, "set.title"));
	fill_groups(q, s, posted, errs);
	if (errs->n) {
		view_set(q->page, "errors", errs->list);
		view_set(q->page, "invalid", errs->by_field);
	}
	logo = tenant_settings_value(s, TSET_LOGO_FILE);
	if (logo[0])
		view_set_text(q->page, "logo_url",
			      rq_url(q, arena_printf(q->a, "/dateien/%s", logo)));
	if (http_query(q->http, "gespeichert"))
		view_set_text(q->page, "done", view_msg(q->app->view, q->lang, "set.saved"));
	if (http_query(q->http, "logo"))
		view_set_text(q->page, "done", view_msg(q->app->view, q->lang, "set.logo_saved"));
	q->resp->status = status;
	rq_render(q, "settings/settings");
}

static void
settings_get(struct rq *q)
{
	struct ed_errors errs = {view_list(q->a), view_map(q->a), 0};

	if (!settings_may_admin(q))
		return;
	settings_page(q, NULL, &errs, 200);
}

/*
 * Parse every posted key into canon[]; problems go to errs.  A secret left
 * empty keeps its value in `old` unless its box "<key>_entfernen" is ticked.
 */
static void
parse_form(struct rq *q, const struct tenant_settings *old, char canon[TSET_COUNT][512],
	   struct view_val *posted, struct ed_errors *errs)
{
	for (int i = 0; i < TSET_COUNT; i++) {
		const struct tenant_setting_def *d = tenant_setting_def((enum tenant_setting_id)i);
		const char *v = http_form(q->http, d->key);
		struct err e = {0};

		if (d->type == TSET_FILE)
			continue;
		/* An unticked checkbox sends nothing. */
		if (!v)
			v = d->type == TSET_BOOL ? "0" : "";
		if (d->type == TSET_SECRET && !v[0] &&
		    !http_form(q->http, arena_printf(q->a, "%s_entfernen", d->key)))
			v = tenant_settings_value(old, (enum tenant_setting_id)i);
		else
			view_set_text(posted, d->key, v);
		if (tenant_setting_parse((enum tenant_setting_id)i, v, canon[i], sizeof(canon[i]),
					 &e))
			ed_error(q, errs, d->key, e.user);
	}
}

/* Save what changed against `old`, one audit entry per key, in one transaction. */
static int
save_changes(struct rq *q, const struct tenant_settings *old, char canon[TSET_COUNT][512])
{
	int64_t now = (int64_t)time(NULL);
	int rc = db_begin(q->db, &q->err);

	for (int i = 0; rc == 0 && i < TSET_COUNT; i++) {
		const struct tenant_setting_def *d = tenant_setting_def((enum tenant_setting_id)i);
		const char *before = tenant_settings_value(old, (enum tenant_setting_id)i);

		if (d->type == TSET_FILE || strcmp(before, canon[i]) == 0)
			continue;
		rc = tenant_setting_save(q->db, q->tenant, (enum tenant_setting_id)i, canon[i],
					 q->user->id, now, &q->err);
		if (rc == 0)
			rc = audit_log(q->db, q->tenant, q->user->id, "settings.change",
				       d->type == TSET_SECRET
					       ? arena_printf(q->a, "%s: %s", d->key,
							      canon[i][0] ? "changed" : "removed")
					       : arena_printf(q->a, "%s: '%s' -> '%s'", d->key,
							      before, canon[i]),
				       q->http->client_ip, &q->err);
	}
	if (rc) {
		db_rollback(q->db);
		return rc;
	}
	return db_commit(q->db, &q->err);
}

static void
settings_post(struct rq *q)
{
	char(*vals)[512];
	const struct tenant_settings *old = NULL;
	struct view_val *posted = view_map(q->a);
	struct ed_errors errs = {view_list(q->a), view_map(q->a), 0};
	int rc;

	if (!settings_may_admin(q))
		return;
	vals = arena_calloc(q->a, TSET_COUNT, sizeof(*vals));
	rc = tenant_settings_load(q->db, q->tenant, q->a, &old, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	parse_form(q, old, vals, posted, &errs);
	if (errs.n) {
		settings_page(q, posted, &errs, 422);
		return;
	}
	rc = save_changes(q, old, vals);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rq_redirect(q, "/verwaltung/einstellungen?gespeichert=1");
}

static int
settings_init(struct app *app, struct err *e)
{
	(void)e;
	app_route(app, HTTP_GET, "/verwaltung/einstellungen", settings_get, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/einstellungen", settings_post, ROUTE_STAFF,
		  64 * 1024);
	settings_files_register(app);
	return 0;
}

/* Delete uploaded and generated files whose retention has run out. */
static int
purge_files(struct job_run *r, struct err *e)
{
	struct app *app = r->ctx;
	struct files_store fs = {app->cfg.data_dir};
	int64_t n = 0;
	int rc = files_purge_expired(r->db, &fs, r->now, &n, e);

	return job_purged(rc, n, "expired files");
}

const struct feature settings_feature = {
	.name = "settings",
	.init = settings_init,
	.job = JOB_EVERY("files.purge", purge_files, 600),
	.staff = FEATURE_LINK("/verwaltung/einstellungen", "set.link", ROLE_ADMIN),
};
