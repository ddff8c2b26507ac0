/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff pages of the event kind: the list of the tenant's events with
 * their workflow state and a form to add one (a draft row whose slug is
 * made from the title), and the edit form's fields.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "app/rq_rows.h"
#include "db/db.h"
#include "features/editor/editor.h"
#include "features/offices/office.h"

#include <string.h>
#include <time.h>

#define LIST_MAX 500 /* events on the staff list, newest start first */

void ev_edit_form(struct rq *q, const char *slug, json_t *snap, bool preview);
void ev_edit_list(struct rq *q);
void ev_edit_add(struct rq *q);

static void
office_options(struct rq *q, struct view_val *m, const char *selected)
{
	struct view_val *l = view_set(m, "offices", view_list(q->a));
	struct office *v = NULL;
	size_t n = 0;

	if (office_list(q->db, q->tenant, q->a, &v, &n, &q->err))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct view_val *o = view_push(l, view_map(q->a));

		view_set_text(o, "slug", v[i].slug);
		view_set_text(o, "name", v[i].name);
		view_set_bool(o, "selected", strcmp(v[i].slug, selected) == 0);
	}
}

static void
category_options(struct rq *q, struct view_val *m, const char *selected)
{
	rq_key_options(q, view_set(m, "categories", view_list(q->a)), ev_categories, "ev.cat",
		       selected);
}

/* The workflow state, or for a club's submission without revisions its moderation state. */
static const char *
state_name(struct rq *q, const char *slug, const char *status)
{
	const char *st = ed_subject_state(q, &ev_edit_kind, slug, status);

	if (strcmp(st, "submitted") == 0 || strcmp(st, "rejected") == 0)
		return rq_msg(q, arena_printf(q->a, "ev.state.%s", st));
	return ed_state_name(q, st);
}

static void
submission(struct rq *q, struct view_val *m, const char *slug)
{
	struct ev_event *ev = NULL;

	if (ev_find(q->db, q->tenant, slug, false, q->a, &ev, &q->err) || !ev->submitter_email[0])
		return;
	view_set_text(m, "submitter_name", ev->submitter_name);
	view_set_text(m, "submitter_email", ev->submitter_email);
	view_set_bool(m, "submitted", strcmp(ev->status, "submitted") == 0);
	view_set_text(
		m, "reject_url",
		rq_url(q, arena_printf(q->a, "/verwaltung/veranstaltungen/%s/ablehnen", slug)));
}

void
ev_edit_form(struct rq *q, const char *slug, json_t *snap, bool preview)
{
	static const char *const TEXT[] = {
		"title",   "summary",	    "description",	"rrule",
		"exdates", "location_name", "location_address", "organiser",
		"price",   "accessibility", "image_file",	"image_alt",
	};
	struct view_val *m = view_set(q->page, "event", view_map(q->a));
	const char *starts = ed_json_str(snap, "starts"), *ends = ed_json_str(snap, "ends");

	(void)slug;
	for (size_t i = 0; i < sizeof(TEXT) / sizeof(TEXT[0]); i++)
		view_set_text(m, TEXT[i], ed_json_str(snap, TEXT[i]));
	view_set_text(m, "start_date", strlen(starts) >= 10 ? arena_strndup(q->a, starts, 10) : "");
	view_set_text(m, "start_time", strlen(starts) > 11 ? starts + 11 : "");
	view_set_text(m, "end_date", strlen(ends) >= 10 ? arena_strndup(q->a, ends, 10) : "");
	view_set_text(m, "end_time", strlen(ends) > 11 ? ends + 11 : "");
	view_set_bool(m, "all_day", json_is_true(json_object_get(snap, "all_day")));
	view_set_bool(m, "is_free", json_is_true(json_object_get(snap, "is_free")));
	view_set_bool(m, "accessible", json_is_true(json_object_get(snap, "accessible")));
	office_options(q, m, ed_json_str(snap, "office"));
	category_options(q, m, ed_json_str(snap, "category"));
	view_set_text(m, "public_url", rq_url(q, arena_printf(q->a, "/veranstaltungen/%s", slug)));
	submission(q, m, slug);
	if (preview)
		view_set(m, "preview", view_markdown(q->a, ed_json_str(snap, "description")));
}

static void
read_item(struct db_stmt *st, struct arena *a, void *row)
{
	const char **v = row;

	db_cols_dup(st, 0, a, &v[0], &v[1], &v[2], &v[3]);
}

void
ev_edit_list(struct rq *q)
{
	static const char sql[] =
		"SELECT slug, title, starts_local, status FROM event WHERE tenant_id = $1 "
		"ORDER BY CASE WHEN status = 'submitted' THEN 0 ELSE 1 END, starts_local DESC, "
		"slug "
		"LIMIT $2";
	struct view_val *l;
	void *v = NULL;
	size_t n = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = db_list(q->db, &q->err, sql, q->a, 4 * sizeof(char *), read_item, &v, &n,
		     DB_INT(q->tenant->id), DB_INT(LIST_MAX));
	l = rq_page_list(q, rc, "events");
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		const char **r = (const char **)v + 4 * i;
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "title", r[1][0] ? r[1] : r[0]);
		view_set_text(m, "starts",
			      strlen(r[2]) >= 10 ? arena_strndup(q->a, r[2], 10) : "–");
		view_set_text(
			m, "url",
			rq_url(q, arena_printf(q->a, "/verwaltung/veranstaltungen/%s", r[0])));
		view_set_text(m, "state", state_name(q, r[0], r[3]));
	}
	view_set_text(q->page, "title", rq_msg(q, "ev.staff"));
	view_set_text(q->page, "add_url", rq_url(q, "/verwaltung/veranstaltungen"));
	view_set_text(q->page, "organisers_url", rq_url(q, "/verwaltung/veranstalter"));
	ed_crumb(q, rq_msg(q, "ev.staff"));
	rq_render(q, "editor/events");
}

/* A slug from a title: lower case, umlauts spelt out, other runs of characters as '-'. */
const char *
ev_slug_of(struct rq *q, const char *title)
{
	static const struct {
		const char *from, *to;
	} MAP[] = {{"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"Ä", "ae"},
		   {"Ö", "oe"}, {"Ü", "ue"}, {"ß", "ss"}};
	struct buf b;
	const char *s;

	buf_init(&b, 80);
	for (const char *p = title; *p && b.len < 60;) {
		size_t i = 0;

		while (i < sizeof(MAP) / sizeof(MAP[0]) &&
		       strncmp(p, MAP[i].from, strlen(MAP[i].from)) != 0)
			i++;
		if (i < sizeof(MAP) / sizeof(MAP[0])) {
			(void)buf_adds(&b, MAP[i].to);
			p += strlen(MAP[i].from);
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			(void)buf_addc(&b, *p++);
		} else if (*p >= 'A' && *p <= 'Z') {
			(void)buf_addc(&b, (char)(*p++ - 'A' + 'a'));
		} else {
			if (b.len && b.p[b.len - 1] != '-')
				(void)buf_addc(&b, '-');
			p++;
		}
	}
	while (b.len && b.p[b.len - 1] == '-')
		b.p[--b.len] = '\0';
	s = arena_strdup(q->a, b.len ? b.p : "veranstaltung");
	buf_release(&b);
	return s;
}

void
ev_edit_add(struct rq *q)
{
	const char *title = ed_field(q, "title"), *base, *slug;
	bool added = false;
	int rc = 0;

	if (!ed_may_edit(q))
		return;
	if (!title[0] || strlen(title) > 200 || strpbrk(title, "\r\n\t")) {
		rq_error(q, 422, "ed.err.required");
		return;
	}
	base = slug = ev_slug_of(q, title);
	for (int i = 2; rc == 0 && !added && i < 100; i++) {
		rc = ev_draft_add(q->db, q->tenant, slug, title, (int64_t)time(NULL), &added,
				  &q->err);
		if (!added)
			slug = arena_printf(q->a, "%s-%d", base, i);
	}
	if (rc || !added) {
		rq_fail(q, rc ? rc : ERR_CONFLICT);
		return;
	}
	ed_audit(q, "event.create", slug);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/veranstaltungen/%s", slug));
}
