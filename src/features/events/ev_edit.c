/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * An event as an editable snapshot for the editorial workflow (kind
 * "event", subject = the slug):
 *   {"title": ..., "starts": "2026-12-05T10:00", "ends": ..., "all_day": false,
 *    "rrule": "FREQ=WEEKLY;BYDAY=SA", "exdates": "2026-12-26", "office": "<slug>", ...}
 * A new event is a draft row made from the list page; the public row and
 * its occurrences are written only when a revision is published.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "db/db.h"
#include "features/editor/editor.h"
#include "files/files.h"

#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES 200
#define SUMMARY_MAX 600
#define TEXT_MAX 20000

/* Text fields of the snapshot, as stored and as named in the form. */
static const char *const FIELDS[] = {
	"title",	 "summary",	  "description",      "rrule",	   "exdates",
	"office",	 "location_name", "location_address", "organiser", "price",
	"accessibility", "category",	  "image_file",	      "image_alt",
};
static const char *const FLAGS[] = {"all_day", "is_free", "accessible"};

#define N(v) (sizeof(v) / sizeof((v)[0]))

static int
load(struct rq *q, const char *slug, struct ev_event **ev)
{
	return ev_find(q->db, q->tenant, slug, false, q->a, ev, &q->err);
}

static int
ev_title(struct rq *q, const char *slug, const char **title)
{
	struct ev_event *ev;
	int rc = load(q, slug, &ev);

	if (rc == 0)
		*title = ev->title[0] ? ev->title : ev->slug;
	return rc;
}

static json_t *
snapshot_of(const struct ev_event *ev)
{
	const char *vals[] = {ev->title,	 ev->summary,	       ev->description,
			      ev->when.rrule,	 ev->when.exdates,     ev->office_slug,
			      ev->location_name, ev->location_address, ev->organiser,
			      ev->price,	 ev->accessibility,    ev->category,
			      ev->image_file,	 ev->image_alt};
	json_t *snap = json_object();

	for (size_t i = 0; i < N(FIELDS); i++)
		json_object_set_new(snap, FIELDS[i], json_string(vals[i]));
	json_object_set_new(snap, "starts", json_string(ev->when.starts));
	json_object_set_new(snap, "ends", json_string(ev->when.ends));
	json_object_set_new(snap, "all_day", json_boolean(ev->when.all_day));
	json_object_set_new(snap, "is_free", json_boolean(ev->is_free));
	json_object_set_new(snap, "accessible", json_boolean(ev->accessible));
	return snap;
}

static int
ev_live(struct rq *q, const char *slug, json_t **out)
{
	struct ev_event *ev;
	int rc = load(q, slug, &ev);

	*out = rc ? json_object() : snapshot_of(ev);
	return rc;
}

void
ev_of_snapshot(json_t *snap, const char *slug, struct ev_event *ev)
{
	const char **dst[] = {&ev->title,	  &ev->summary,		 &ev->description,
			      &ev->when.rrule,	  &ev->when.exdates,	 &ev->office_slug,
			      &ev->location_name, &ev->location_address, &ev->organiser,
			      &ev->price,	  &ev->accessibility,	 &ev->category,
			      &ev->image_file,	  &ev->image_alt};

	memset(ev, 0, sizeof(*ev));
	ev->slug = slug;
	for (size_t i = 0; i < N(FIELDS); i++)
		*dst[i] = ed_json_str(snap, FIELDS[i]);
	ev->when.starts = ed_json_str(snap, "starts");
	ev->when.ends = ed_json_str(snap, "ends");
	ev->when.all_day = json_is_true(json_object_get(snap, "all_day"));
	ev->is_free = json_is_true(json_object_get(snap, "is_free"));
	ev->accessible = json_is_true(json_object_get(snap, "accessible"));
}

static bool
one_line(const char *s)
{
	return strlen(s) <= LINE_MAX_BYTES && !strpbrk(s, "\r\n\t");
}

/* The field where a problem of ev_when_check() is shown. */
static const char *
when_field(const char *key)
{
	if (strcmp(key, "ev.err.starts") == 0)
		return "start_date";
	if (strcmp(key, "ev.err.rrule") == 0)
		return "rrule";
	if (strcmp(key, "ev.err.exdates") == 0)
		return "exdates";
	return "end_date";
}

static void
check_place(struct rq *q, json_t *snap, struct ed_errors *errors)
{
	const char *office = ed_json_str(snap, "office"), *img = ed_json_str(snap, "image_file");
	int64_t n = 0;

	if (office[0] && (!tenant_slug_valid(office) ||
			  db_int64(q->db, &q->err, &n,
				   "SELECT count(*) FROM office WHERE tenant_id = $1 AND slug = $2",
				   DB_INT(q->tenant->id), DB_TEXT(office)) ||
			  n == 0))
		ed_error(q, errors, "office", "ev.err.office");
	if (!office[0] && !ed_json_str(snap, "location_name")[0])
		ed_error(q, errors, "location_name", "ev.err.place");
	n = 0;
	if (img[0] &&
	    (!files_id_valid(img) ||
	     db_int64(
		     q->db, &q->err, &n,
		     "SELECT count(*) FROM file WHERE tenant_id = $1 AND id = $2 AND is_public = 1 "
		     "AND mime LIKE 'image/%' AND (expires_at = 0 OR expires_at > $3)",
		     DB_INT(q->tenant->id), DB_TEXT(img), DB_INT((int64_t)time(NULL))) ||
	     n == 0))
		ed_error(q, errors, "image_file", "ev.err.image");
	if (img[0] && !ed_json_str(snap, "image_alt")[0])
		ed_error(q, errors, "image_alt", "ev.err.alt");
}

static void
check_fields(struct rq *q, json_t *snap, struct ed_errors *errors)
{
	struct ev_event ev;
	struct err e = {0};

	for (size_t i = 0; i < N(FIELDS); i++) {
		const char *f = FIELDS[i], *v = ed_json_str(snap, f);
		size_t max = strcmp(f, "description") == 0 ? TEXT_MAX
			     : strcmp(f, "summary") == 0 || strcmp(f, "accessibility") == 0
				     ? SUMMARY_MAX
				     : 0;

		if (max ? strlen(v) > max : !one_line(v))
			ed_error(q, errors, f, "ed.err.too_long");
	}
	if (!ed_json_str(snap, "title")[0])
		ed_error(q, errors, "title", "ed.err.required");
	if (ed_json_str(snap, "category")[0] && !ev_category_valid(ed_json_str(snap, "category")))
		ed_error(q, errors, "category", "ev.err.category");
	ev_of_snapshot(snap, "x", &ev);
	if (ev_when_check(&ev.when, &e))
		ed_error(q, errors, when_field(e.user ? e.user : ""),
			 e.user ? e.user : "ev.err.starts");
	check_place(q, snap, errors);
}

/* "YYYY-MM-DD" and "HH:MM" from the form as "YYYY-MM-DDTHH:MM" ("" when no date). */
static const char *
local_of(struct rq *q, const char *date, const char *time_, bool all_day)
{
	if (!date[0])
		return "";
	return arena_printf(q->a, "%sT%s", date, all_day || !time_[0] ? "00:00" : time_);
}

static json_t *
ev_from_form(struct rq *q, const char *slug, struct ed_errors *errors)
{
	json_t *snap = json_object();
	bool all_day = strcmp(ed_field(q, "all_day"), "1") == 0;
	const char *sd = ed_field(q, "start_date"), *ed = ed_field(q, "end_date");

	(void)slug;
	for (size_t i = 0; i < N(FIELDS); i++)
		json_object_set_new(snap, FIELDS[i], json_string(ed_field(q, FIELDS[i])));
	for (size_t i = 0; i < N(FLAGS); i++)
		json_object_set_new(snap, FLAGS[i],
				    json_boolean(strcmp(ed_field(q, FLAGS[i]), "1") == 0));
	json_object_set_new(snap, "starts",
			    json_string(local_of(q, sd, ed_field(q, "start_time"), all_day)));
	json_object_set_new(
		snap, "ends",
		json_string(local_of(q, ed[0] ? ed : sd, ed_field(q, "end_time"), all_day)));
	check_fields(q, snap, errors);
	return snap;
}

json_t *
ev_form_snapshot(struct rq *q, struct ed_errors *errors)
{
	return ev_from_form(q, "", errors);
}

static int
ev_apply(struct db *db, const struct tenant *t, const char *slug, json_t *snap, int64_t now,
	 struct err *e)
{
	struct ev_event ev;

	int rc;

	ev_of_snapshot(snap, slug, &ev);
	rc = ev_approval_mail(db, t, &ev, e);
	return rc ? rc : ev_publish(db, t, &ev, now, e);
}

static const char *
ev_text(struct rq *q, json_t *snap)
{
	const char *s = "";

	s = arena_printf(q->a, "%s: %s\n%s: %s\n", rq_msg(q, "ev.f.starts"),
			 ed_json_str(snap, "starts"), rq_msg(q, "ev.f.ends"),
			 ed_json_str(snap, "ends"));
	for (size_t i = 0; i < N(FLAGS); i++)
		s = arena_printf(
			q->a, "%s%s: %s\n", s, rq_msg(q, arena_printf(q->a, "ev.f.%s", FLAGS[i])),
			rq_msg(q,
			       json_is_true(json_object_get(snap, FLAGS[i])) ? "ed.yes" : "ed.no"));
	for (size_t i = 0; i < N(FIELDS); i++)
		s = arena_printf(q->a, "%s%s: %s\n", s,
				 rq_msg(q, arena_printf(q->a, "ev.f.%s", FIELDS[i])),
				 ed_json_str(snap, FIELDS[i]));
	return s;
}

void ev_edit_form(struct rq *q, const char *slug, json_t *snap, bool preview);
void ev_edit_list(struct rq *q);
void ev_edit_add(struct rq *q);

const struct ed_kind ev_edit_kind = {
	.name = "event",
	.path = "/veranstaltungen",
	.tpl = "editor/event",
	.list_label = "ev.staff",
	.title_sql = "(SELECT e.title FROM event e WHERE e.tenant_id = r.tenant_id AND "
		     "e.slug = r.subject)",
	.body_limit = 64 * 1024,
	.markdown = true,
	.title = ev_title,
	.live = ev_live,
	.from_form = ev_from_form,
	.apply = ev_apply,
	.text = ev_text,
	.form = ev_edit_form,
	.list = ev_edit_list,
	.list_post = ev_edit_add,
};
