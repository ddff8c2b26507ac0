/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The edit form of a service layer or an office and its workflow buttons:
 * preview, save draft, submit for review, publish (now or at a time),
 * reject with a comment.  Content that equals the newest draft or review
 * revision moves that revision; other content becomes a new revision.
 * Only publication writes the public rows.
 */
#include "features/editor/ed_int.h"

#include "core/civil.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COMMENT_MAX 2000

static const char *
edit_url(struct rq *q, const struct ed_kind *k, const char *subject)
{
	return rq_url(q, arena_printf(q->a, "/verwaltung%s/%s", k->path, subject));
}

static void
crumbs(struct rq *q, const struct ed_kind *k, const char *title)
{
	rq_crumb(q, rq_msg(q, "staff.title"), "/verwaltung");
	rq_crumb(q, rq_msg(q, arena_printf(q->a, "ed.%s.list", k->name)),
		 arena_printf(q->a, "/verwaltung%s", k->path));
	rq_crumb(q, title, NULL);
}

void
ed_page_head(struct rq *q, const struct ed_kind *k, const char *subject, const char *title,
	     const struct ed_rev *latest)
{
	view_set_text(q->page, "title", title);
	view_set_text(q->page, "subject", subject);
	view_set_text(q->page, "edit_url", edit_url(q, k, subject));
	view_set_text(q->page, "history_url",
		      arena_printf(q->a, "%s/versionen", edit_url(q, k, subject)));
	crumbs(q, k, title);
	if (!latest)
		return;
	view_set_int(q->page, "rev_num", latest->num);
	view_set_text(q->page, "rev_state", ed_state_name(q, latest->state));
	view_set_text(q->page, "rev_author", latest->author);
	view_set_text(q->page, "rev_when", ed_when(q, latest->changed_at));
	view_set_text(q->page, "rev_comment", latest->comment);
	if (strcmp(latest->state, "scheduled") == 0)
		view_set_text(q->page, "rev_publish_at", ed_when(q, latest->publish_at));
}

static void
render_form(struct rq *q, const struct ed_kind *k, const char *subject, const char *title,
	    const struct ed_rev *latest, json_t *snap, struct ed_errors *errors, bool preview)
{
	unsigned roles = q->user->roles;
	bool mine = latest && latest->author_id == q->user->id;
	const char *done = http_query(q->http, "erledigt");

	ed_page_head(q, k, subject, title, latest);
	view_set(q->page, "invalid", errors ? errors->by_field : view_map(q->a));
	if (errors && errors->n)
		view_set(q->page, "errors", errors->list);
	k->form(q, subject, snap, preview);
	view_set_bool(q->page, "preview", preview);
	view_set_bool(q->page, "has_preview", k->markdown);
	view_set_bool(q->page, "may_publish",
		      ed_flow_check(ED_PUBLISH, roles, latest ? latest->state : NULL, mine) == 0);
	view_set_bool(q->page, "may_reject",
		      latest && ed_flow_check(ED_REJECT, roles, latest->state, mine) == 0);
	view_set_text(q->page, "publish_at", ed_field(q, "publish_at"));
	view_set_text(q->page, "comment", ed_field(q, "kommentar"));
	if (done && ed_action_parse(done) >= 0)
		view_set_text(q->page, "done", rq_msg(q, arena_printf(q->a, "ed.done.%s", done)));
	rq_render(q, k->tpl);
}

/* The subject's title and newest revision; false after rendering an error. */
static bool
load_subject(struct rq *q, const struct ed_kind *k, const char *subject, const char **title,
	     struct ed_rev *latest, bool *has_latest)
{
	int rc;

	if (!ed_may_edit(q))
		return false;
	rc = k->title(q, subject, title);
	if (rc == 0)
		rc = ed_rev_get(q->db, q->tenant, k->name, subject, 0, q->a, latest, &q->err);
	*has_latest = rc == 0;
	if (rc == ERR_NOTFOUND && *title)
		rc = 0;
	if (rc) {
		rq_fail(q, rc);
		return false;
	}
	return true;
}

void
ed_edit_get(struct rq *q, const struct ed_kind *k)
{
	const char *subject = http_param(q->http, "key"), *title = NULL;
	struct ed_rev latest;
	bool has_latest;
	json_t *snap = NULL;
	int rc;

	if (!load_subject(q, k, subject, &title, &latest, &has_latest))
		return;
	if (has_latest)
		snap = json_loads(latest.snapshot, 0, NULL);
	rc = snap ? 0 : k->live(q, subject, &snap);
	if (rc == 0)
		render_form(q, k, subject, title, has_latest ? &latest : NULL, snap, NULL, false);
	else
		rq_fail(q, rc);
	json_decref(snap);
}

static const char *const STATE_OF[] = {
	[ED_SAVE] = "draft", [ED_SUBMIT] = "review", [ED_PUBLISH] = "published"};
static const char *const AUDIT_OF[] = {
	[ED_SAVE] = "save", [ED_SUBMIT] = "submit", [ED_PUBLISH] = "publish"};

/* Older scheduled publications give way to this one. */
static int
replace_scheduled(struct rq *q, const struct ed_kind *k, const char *subject, int64_t num)
{
	static const char sql[] = "UPDATE revision SET state = 'replaced' WHERE tenant_id = $1 "
				  "AND kind = $2 AND subject = $3 AND state = 'scheduled' AND "
				  "num < $4";
	struct db_stmt *st = NULL;
	int rc = db_prepare(q->db, sql, &st, &q->err);

	if (rc)
		return rc;
	db_bind_int64(st, 1, q->tenant->id);
	db_bind_text(st, 2, k->name);
	db_bind_text(st, 3, subject);
	db_bind_int64(st, 4, num);
	rc = db_step(st, &q->err);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

/* Write the revision (moved or new) and, when published now, the public rows. */
static int
commit_action(struct rq *q, const struct ed_kind *k, const char *subject, json_t *snap,
	      const char *text, const struct ed_rev *same, const char *state, int64_t publish_at,
	      int64_t now, int64_t *num)
{
	int rc = db_begin(q->db, &q->err);

	if (rc)
		return rc;
	if (same) {
		*num = same->num;
		rc = ed_rev_move(q->db, q->tenant, k->name, subject, same->num, same->state, state,
				 NULL, publish_at, now, &q->err);
	} else {
		rc = ed_rev_add(q->db, q->tenant, k->name, subject, state, q->user->id, publish_at,
				text, "", now, num, &q->err);
	}
	if (rc == 0 && (strcmp(state, "published") == 0 || strcmp(state, "scheduled") == 0))
		rc = replace_scheduled(q, k, subject, *num);
	if (rc == 0 && strcmp(state, "published") == 0)
		rc = k->apply(q->db, q->tenant, subject, snap, now, &q->err);
	if (rc) {
		db_rollback(q->db);
		return rc;
	}
	return db_commit(q->db, &q->err);
}

static void
reject(struct rq *q, const struct ed_kind *k, const char *subject, const char *title,
       struct ed_rev *latest, bool has_latest)
{
	const char *comment = ed_field(q, "kommentar");
	int64_t now = (int64_t)time(NULL);
	int rc = has_latest ? ed_flow_check(ED_REJECT, q->user->roles, latest->state,
					    latest->author_id == q->user->id)
			    : ERR_CONFLICT;
	json_t *snap;

	if (rc) {
		rq_error(q, rc == ERR_CONFLICT ? 409 : 403,
			 rc == ERR_CONFLICT ? "ed.err.conflict" : "ed.err.reject_role");
		return;
	}
	if (!comment[0] || strlen(comment) > COMMENT_MAX) {
		struct ed_errors errors = {view_list(q->a), view_map(q->a), 0};

		ed_error(q, &errors, "kommentar", "ed.err.comment");
		snap = json_loads(latest->snapshot, 0, NULL);
		if (!snap)
			snap = json_object();
		q->resp->status = 422;
		render_form(q, k, subject, title, latest, snap, &errors, false);
		json_decref(snap);
		return;
	}
	rc = ed_rev_move(q->db, q->tenant, k->name, subject, latest->num, "review", "draft",
			 comment, 0, now, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, arena_printf(q->a, "%s.reject", k->name),
		 arena_printf(q->a, "%s r%lld: %s", subject, (long long)latest->num, comment));
	rq_redirect(
		q, arena_printf(q->a, "/verwaltung%s/%s?erledigt=zurueckweisen", k->path, subject));
}

/* The publication time from the form: now when empty; false after adding an error. */
static bool
publish_time(struct rq *q, struct ed_errors *errors, int64_t now, int64_t *out)
{
	const char *v = ed_field(q, "publish_at");

	*out = now;
	if (!v[0])
		return true;
	if (civil_local_to_utc(v, out) == 0)
		return true;
	ed_error(q, errors, "publish_at", "ed.err.publish_at");
	return false;
}

void
ed_edit_post(struct rq *q, const struct ed_kind *k)
{
	const char *subject = http_param(q->http, "key"), *title = NULL, *aktion, *text;
	struct ed_errors errors = {view_list(q->a), view_map(q->a), 0};
	struct ed_rev latest;
	bool has_latest, same, mine;
	int64_t now = (int64_t)time(NULL), publish_at = 0, num = 0;
	json_t *snap;
	int action, rc;

	if (!load_subject(q, k, subject, &title, &latest, &has_latest))
		return;
	aktion = ed_field(q, "aktion");
	action = ed_action_parse(aktion);
	if (action == ED_REJECT) {
		reject(q, k, subject, title, &latest, has_latest);
		return;
	}
	if (action != ED_SAVE && action != ED_SUBMIT && action != ED_PUBLISH &&
	    strcmp(aktion, "vorschau") != 0) {
		rq_error(q, 400, "ed.err.action");
		return;
	}
	snap = k->from_form(q, subject, &errors);
	if (action == ED_PUBLISH)
		publish_time(q, &errors, now, &publish_at);
	if (action < 0 || errors.n) {
		q->resp->status = errors.n ? 422 : 200;
		render_form(q, k, subject, title, has_latest ? &latest : NULL, snap, &errors,
			    errors.n == 0);
		json_decref(snap);
		return;
	}
	text = arena_strdup(q->a, "");
	{
		char *s = json_dumps(snap, JSON_COMPACT | JSON_SORT_KEYS);

		if (s) {
			text = arena_strdup(q->a, s);
			free(s);
		}
	}
	same = has_latest && strcmp(text, latest.snapshot) == 0 &&
	       (strcmp(latest.state, "draft") == 0 || strcmp(latest.state, "review") == 0);
	mine = !same || latest.author_id == q->user->id;
	rc = ed_flow_check(action, q->user->roles, same ? latest.state : NULL, mine);
	if (rc) {
		json_decref(snap);
		rq_error(q, 403, "ed.err.publish_role");
		return;
	}
	rc = commit_action(q, k, subject, snap, text, same ? &latest : NULL,
			   action == ED_PUBLISH && publish_at > now ? "scheduled"
								    : STATE_OF[action],
			   publish_at, now, &num);
	json_decref(snap);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q,
		 arena_printf(q->a, "%s.%s", k->name,
			      action == ED_PUBLISH && publish_at > now ? "schedule"
								       : AUDIT_OF[action]),
		 arena_printf(q->a, "%s r%lld", subject, (long long)num));
	rq_redirect(q,
		    arena_printf(q->a, "/verwaltung%s/%s?erledigt=%s", k->path, subject, aktion));
}

int
ed_snapshot(struct rq *q, const struct ed_kind *k, const char *subject, json_t **out)
{
	struct ed_rev r;
	int rc = ed_rev_get(q->db, q->tenant, k->name, subject, 0, q->a, &r, &q->err);

	*out = NULL;
	if (rc == 0)
		*out = json_loads(r.snapshot, 0, NULL);
	else if (rc != ERR_NOTFOUND)
		return rc;
	if (*out)
		return 0;
	return k->live(q, subject, out);
}

int
ed_draft_add(struct rq *q, const struct ed_kind *k, const char *subject, json_t *snap,
	     const char *comment, int64_t *num)
{
	char *text = json_dumps(snap, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	if (!text)
		return err_set(&q->err, ERR_INTERNAL, NULL, "snapshot of %s '%s' not written",
			       k->name, subject);
	rc = ed_rev_add(q->db, q->tenant, k->name, subject, "draft", q->user->id, 0, text, comment,
			(int64_t)time(NULL), num, &q->err);
	free(text);
	return rc;
}
