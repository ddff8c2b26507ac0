/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The revision history of a service layer or an office: every revision with
 * state, author and time, a line diff of one revision against the one
 * before it, and "restore", which makes a new draft from an old revision.
 */
#include "features/editor/ed_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY_MAX 200

/* The snapshot of `r` as diff text; "" for none or a broken one. */
static const char *
rev_text(struct rq *q, const struct ed_kind *k, const struct ed_rev *r)
{
	json_t *snap = r ? json_loads(r->snapshot, 0, NULL) : NULL;
	const char *s = snap ? k->text(q, snap) : "";

	json_decref(snap);
	return s;
}

void
ed_diff_view(struct view_val *page, const char *old, const char *new, struct arena *a)
{
	struct view_val *l = view_set(page, "diff", view_list(a));
	struct ed_diff_line *d;
	size_t n;

	ed_diff(old, new, a, &d, &n);
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(a));

		view_set_bool(m,
			      d[i].op == ED_INS	  ? "ins"
			      : d[i].op == ED_DEL ? "del"
						  : "same",
			      true);
		view_set_text(m, "text", d[i].text);
	}
}

static void
diff_view(struct rq *q, const struct ed_kind *k, const struct ed_rev *rev,
	  const struct ed_rev *prev)
{
	ed_diff_view(q->page, rev_text(q, k, prev), rev_text(q, k, rev), q->a);
	view_set_int(q->page, "diff_num", rev->num);
	if (prev)
		view_set_int(q->page, "diff_prev", prev->num);
}

void
ed_history_get(struct rq *q, const struct ed_kind *k)
{
	const char *subject = http_param(q->http, "key"), *title = NULL,
		   *nr = http_query(q->http, "nr");
	struct view_val *l;
	struct ed_rev *v;
	size_t n, sel = 0;
	int64_t want = 0;
	struct ed_rev old[2];
	const struct ed_rev *cur = NULL, *prev = NULL;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = k->title(q, subject, &title);
	if (rc == 0)
		rc = ed_rev_list(q->db, q->tenant, k->name, subject, HISTORY_MAX, q->a, &v, &n,
				 &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (nr && str_to_int64(str_c(nr), 1, INT64_MAX, &want)) {
		rq_error(q, 404, NULL);
		return;
	}
	while (want && sel < n && v[sel].num != want)
		sel++;
	if (want && sel == n) {
		/* Older than the newest HISTORY_MAX: load it and the one before by number. */
		rc = ed_rev_get(q->db, q->tenant, k->name, subject, want, q->a, &old[0], &q->err);
		if (rc) {
			rq_fail(q, rc);
			return;
		}
		cur = &old[0];
		if (ed_rev_get(q->db, q->tenant, k->name, subject, want - 1, q->a, &old[1],
			       &q->err) == 0)
			prev = &old[1];
	} else if (n) {
		cur = &v[sel];
		prev = sel + 1 < n ? &v[sel + 1] : NULL;
	}
	ed_page_head(q, k, subject, title, n ? &v[0] : NULL);
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s: %s", rq_msg(q, "ed.history"), title));
	view_set_text(q->page, "subject_title", title);
	l = view_set(q->page, "revisions", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_int(m, "num", v[i].num);
		view_set_text(m, "state", ed_state_name(q, v[i].state));
		view_set_text(m, "author", v[i].author);
		view_set_text(m, "when", ed_when(q, v[i].created_at));
		view_set_text(m, "comment", v[i].comment);
		view_set_bool(m, "selected", i == sel);
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/verwaltung%s/%s/versionen?nr=%lld",
						     k->path, subject, (long long)v[i].num)));
		if (strcmp(v[i].state, "scheduled") == 0)
			view_set_text(m, "publish_at", ed_when(q, v[i].publish_at));
	}
	if (cur)
		diff_view(q, k, cur, prev);
	rq_render(q, "editor/history");
}

void
ed_history_post(struct rq *q, const struct ed_kind *k)
{
	const char *subject = http_param(q->http, "key"), *title = NULL,
		   *nr = http_form(q->http, "nr");
	struct ed_rev r;
	int64_t want = 0, num = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = k->title(q, subject, &title);
	if (rc == 0 && (!nr || str_to_int64(str_c(nr), 1, INT64_MAX, &want)))
		rc = err_set(&q->err, ERR_NOTFOUND, "error.404.text", "no revision number");
	if (rc == 0)
		rc = ed_rev_get(q->db, q->tenant, k->name, subject, want, q->a, &r, &q->err);
	if (rc == 0 && ed_flow_check(ED_RESTORE, q->user->roles, r.state, false))
		rc = err_set(&q->err, ERR_FORBIDDEN, "ed.err.role", "may not restore");
	if (rc == 0)
		rc = ed_rev_add(q->db, q->tenant, k->name, subject, "draft", q->user->id, 0,
				r.snapshot,
				arena_printf(q->a, "%s %lld", rq_msg(q, "ed.restored_from"),
					     (long long)want),
				(int64_t)time(NULL), &num, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, arena_printf(q->a, "%s.restore", k->name),
		 arena_printf(q->a, "%s r%lld from r%lld", subject, (long long)num,
			      (long long)want));
	rq_redirect(q, arena_printf(q->a, "/verwaltung%s/%s?erledigt=wiederherstellen", k->path,
				    subject));
}
