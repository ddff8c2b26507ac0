/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Events in the database.  Every read is bound to the tenant; public reads
 * want status 'published', so a draft (a new event before its first
 * publication) is found only by the editor.  Occurrences are written when
 * an event is published, in the same transaction as its row.
 */
#include "features/events/ev_int.h"

#include "core/civil.h"
#include "db/db.h"

#include <string.h>

#define EVENT_COLS                                                                                 \
	"e.id, e.slug, e.status, e.title, e.summary, e.description, e.starts_local, "              \
	"e.ends_local, e.all_day, e.rrule, e.exdates, COALESCE(o.slug, ''), "                      \
	"COALESCE(o.name, ''), COALESCE(o.street, ''), COALESCE(o.postal_code, ''), "              \
	"COALESCE(o.city, ''), e.location_name, e.location_address, e.organiser, e.price, "        \
	"e.accessibility, e.category, e.image_file, e.image_alt, e.is_free, e.accessible, "        \
	"e.created_at, e.published_at, e.updated_at, e.submitter_name, e.submitter_email "         \
	"FROM event e LEFT JOIN office o ON o.id = e.office_id AND o.tenant_id = e.tenant_id "

static void
read_event(struct db_stmt *st, struct arena *a, void *row)
{
	struct ev_event *v = row;
	const char **s[] = {&v->slug,
			    &v->status,
			    &v->title,
			    &v->summary,
			    &v->description,
			    &v->when.starts,
			    &v->when.ends,
			    NULL,
			    &v->when.rrule,
			    &v->when.exdates,
			    &v->office_slug,
			    &v->office_name,
			    &v->office_street,
			    &v->office_postal,
			    &v->office_city,
			    &v->location_name,
			    &v->location_address,
			    &v->organiser,
			    &v->price,
			    &v->accessibility,
			    &v->category,
			    &v->image_file,
			    &v->image_alt};

	v->id = db_col_int64(st, 0);
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i])
			*s[i] = db_col_dup(st, (int)i + 1, a);
	v->when.all_day = db_col_int64(st, 8) != 0;
	v->is_free = db_col_int64(st, 24) != 0;
	v->accessible = db_col_int64(st, 25) != 0;
	db_cols_int64(st, 26, &v->created_at, &v->published_at, &v->updated_at);
	db_cols_dup(st, 29, a, &v->submitter_name, &v->submitter_email);
}

int
ev_find(struct db *db, const struct tenant *t, const char *slug, bool published, struct arena *a,
	struct ev_event **out, struct err *e)
{
	static const char sql[] = "SELECT " EVENT_COLS "WHERE e.tenant_id = $1 AND e.slug = $2 "
				  "AND ($3 = 0 OR e.status = 'published')";
	int rc;

	if (!ev_slug_valid(slug))
		return err_set(e, ERR_NOTFOUND, "error.404.text", "bad event slug");
	rc = db_get_of(db, e, sql, a, read_event, out, DB_INT(t->id), DB_TEXT(slug),
		       DB_INT(published ? 1 : 0));
	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "no event '%s'", slug);
	return rc;
}

int
ev_newest(struct db *db, const struct tenant *t, size_t limit, struct arena *a,
	  struct ev_event **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT " EVENT_COLS "WHERE e.tenant_id = $1 AND e.status = 'published' "
		"ORDER BY e.published_at DESC, e.id DESC LIMIT $2";
	return db_list_of(db, e, sql, a, read_event, out, n, DB_INT(t->id), DB_INT((int64_t)limit));
}

static void
read_row(struct db_stmt *st, struct arena *a, void *row)
{
	struct ev_row *r = row;

	db_cols_dup(st, 0, a, &r->slug, &r->title, &r->summary, &r->category, &r->place);
	db_cols_int64(st, 5, &r->starts_at, &r->ends_at, &r->start_day, &r->end_day);
	r->all_day = db_col_int64(st, 9) != 0;
	r->is_free = db_col_int64(st, 10) != 0;
	r->accessible = db_col_int64(st, 11) != 0;
	r->updated_at = db_col_int64(st, 12);
}

int
ev_rows(struct db *db, const struct tenant *t, const struct ev_query *q, size_t limit,
	struct arena *a, struct ev_row **out, size_t *n, struct err *e)
{
	/* The index finds the days; an occurrence begun up to EV_SPAN_DAYS earlier may overlap. */
	static const char sql[] =
		"SELECT e.slug, e.title, e.summary, e.category, "
		"COALESCE(o.name, e.location_name), x.starts_at, x.ends_at, x.start_day, "
		"x.end_day, e.all_day, e.is_free, e.accessible, e.updated_at "
		"FROM event_occurrence x JOIN event e ON e.id = x.event_id "
		"LEFT JOIN office o ON o.id = e.office_id AND o.tenant_id = e.tenant_id "
		"WHERE x.tenant_id = $1 AND x.start_day BETWEEN $2 AND $3 AND x.end_day >= $4 "
		"AND e.tenant_id = $1 AND e.status = 'published' "
		"AND ($5 = '' OR e.category = $5) AND ($6 = 0 OR e.is_free = 1) "
		"AND ($7 = 0 OR e.accessible = 1) "
		"ORDER BY x.start_day, x.starts_at, x.event_id LIMIT $8";
	return db_list_of(db, e, sql, a, read_row, out, n, DB_INT(t->id),
			  DB_INT(q->first - EV_SPAN_DAYS), DB_INT(q->last), DB_INT(q->first),
			  DB_TEXT(q->category), DB_INT(q->free_only ? 1 : 0),
			  DB_INT(q->accessible_only ? 1 : 0), DB_INT((int64_t)limit));
}

static void
read_occ(struct db_stmt *st, struct arena *a, void *row)
{
	struct ev_occ *o = row;

	(void)a;
	db_cols_int64(st, 0, &o->starts_at, &o->ends_at, &o->start_day, &o->end_day);
}

int
ev_dates(struct db *db, const struct tenant *t, int64_t id, int64_t from, size_t limit,
	 struct arena *a, struct ev_occ **out, size_t *n, struct err *e)
{
	static const char sql[] = "SELECT starts_at, ends_at, start_day, end_day "
				  "FROM event_occurrence WHERE tenant_id = $1 AND event_id = $2 "
				  "AND ends_at > $3 ORDER BY starts_at LIMIT $4";
	return db_list_of(db, e, sql, a, read_occ, out, n, DB_INT(t->id), DB_INT(id), DB_INT(from),
			  DB_INT((int64_t)limit));
}

int
ev_draft_add(struct db *db, const struct tenant *t, const char *slug, const char *title,
	     int64_t now, bool *added, struct err *e)
{
	static const char sql[] =
		"INSERT INTO event (tenant_id, slug, status, title, created_at, updated_at) "
		"VALUES ($1, $2, 'draft', $3, $4, $4) ON CONFLICT (tenant_id, slug) DO NOTHING";
	int64_t n = 0;
	int rc;

	if (!ev_slug_valid(slug))
		return err_set(e, ERR_INVALID, "ev.err.slug", "bad event slug");
	rc = db_run_count(db, e, &n, sql, DB_INT(t->id), DB_TEXT(slug), DB_TEXT(title),
			  DB_INT(now));
	*added = n > 0;
	return rc;
}

static const char PUBLISH_SQL[] =
	"UPDATE event SET status = 'published', title = $3, summary = $4, description = $5, "
	"starts_local = $6, ends_local = $7, all_day = $8, rrule = $9, exdates = $10, "
	"office_id = (SELECT id FROM office WHERE tenant_id = $1 AND slug = $11), "
	"location_name = $12, location_address = $13, organiser = $14, price = $15, "
	"is_free = $16, accessible = $17, accessibility = $18, category = $19, "
	"image_file = $20, image_alt = $21, updated_at = $22, "
	"published_at = CASE WHEN published_at = 0 THEN $22 ELSE published_at END "
	"WHERE tenant_id = $1 AND slug = $2";

static int
write_row(struct db *db, const struct tenant *t, const struct ev_event *v, int64_t now,
	  struct err *e)
{
	int64_t changed = 0;
	int rc = db_run_count(
		db, e, &changed, PUBLISH_SQL, DB_INT(t->id), DB_TEXT(v->slug), DB_TEXT(v->title),
		DB_TEXT(v->summary), DB_TEXT(v->description), DB_TEXT(v->when.starts),
		DB_TEXT(v->when.ends), DB_INT(v->when.all_day ? 1 : 0), DB_TEXT(v->when.rrule),
		DB_TEXT(v->when.exdates), DB_TEXT(v->office_slug), DB_TEXT(v->location_name),
		DB_TEXT(v->location_address), DB_TEXT(v->organiser), DB_TEXT(v->price),
		DB_INT(v->is_free ? 1 : 0), DB_INT(v->accessible ? 1 : 0),
		DB_TEXT(v->accessibility), DB_TEXT(v->category), DB_TEXT(v->image_file),
		DB_TEXT(v->image_alt), DB_INT(now));

	if (rc == 0 && changed == 0)
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "no event '%s'", v->slug);
	return rc;
}

int
ev_publish(struct db *db, const struct tenant *t, const struct ev_event *v, int64_t now,
	   struct err *e)
{
	static const char ins[] = "INSERT INTO event_occurrence (event_id, tenant_id, starts_at, "
				  "ends_at, start_day, end_day) VALUES ($1, $2, $3, $4, $5, $6) "
				  "ON CONFLICT (event_id, starts_at) DO NOTHING";
	struct civil_local today;
	struct ev_occ *occ = NULL;
	struct arena a;
	int64_t id = 0;
	size_t n = 0;
	int rc;

	civil_local_at(now, &today);
	arena_init(&a);
	rc = ev_expand(&v->when, today.days + EV_HORIZON_DAYS, &a, &occ, &n, e);
	if (rc == 0)
		rc = write_row(db, t, v, now, e);
	if (rc == 0)
		rc = db_int64(db, e, &id, "SELECT id FROM event WHERE tenant_id = $1 AND slug = $2",
			      DB_INT(t->id), DB_TEXT(v->slug));
	if (rc == 0)
		rc = db_run(db, e, "DELETE FROM event_occurrence WHERE event_id = $1", DB_INT(id));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = db_run(db, e, ins, DB_INT(id), DB_INT(t->id), DB_INT(occ[i].starts_at),
			    DB_INT(occ[i].ends_at), DB_INT(occ[i].start_day),
			    DB_INT(occ[i].end_day));
	arena_release(&a);
	return rc;
}

int
ev_submission_add(struct db *db, const struct tenant *t, const struct ev_event *v, int64_t now,
		  struct arena *a, const char **slug, struct err *e)
{
	static const char sql[] =
		"INSERT INTO event (tenant_id, slug, status, title, summary, description, "
		"starts_local, ends_local, all_day, rrule, exdates, location_name, "
		"location_address, "
		"organiser, price, is_free, accessible, accessibility, category, submitter_name, "
		"submitter_email, created_at, updated_at, citizen_id) VALUES ($1, $2, 'submitted', "
		"$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
		"$20, "
		"$21, $21, NULLIF($22, 0)) "
		"ON CONFLICT (tenant_id, slug) DO NOTHING";
	int64_t n = 0;
	int rc = 0;

	*slug = v->slug;
	for (int i = 2; rc == 0 && i < 100; i++) {
		if (!ev_slug_valid(*slug)) { /* a reserved word such as "melden" */
			*slug = arena_printf(a, "%s-%d", v->slug, i);
			continue;
		}
		rc = db_run_count(
			db, e, &n, sql, DB_INT(t->id), DB_TEXT(*slug), DB_TEXT(v->title),
			DB_TEXT(v->summary), DB_TEXT(v->description), DB_TEXT(v->when.starts),
			DB_TEXT(v->when.ends), DB_INT(v->when.all_day ? 1 : 0),
			DB_TEXT(v->when.rrule), DB_TEXT(v->when.exdates), DB_TEXT(v->location_name),
			DB_TEXT(v->location_address), DB_TEXT(v->organiser), DB_TEXT(v->price),
			DB_INT(v->is_free ? 1 : 0), DB_INT(v->accessible ? 1 : 0),
			DB_TEXT(v->accessibility), DB_TEXT(v->category), DB_TEXT(v->submitter_name),
			DB_TEXT(v->submitter_email), DB_INT(now), DB_INT(v->citizen_id));
		if (rc == 0 && n > 0)
			return 0;
		*slug = arena_printf(a, "%s-%d", v->slug, i);
	}
	return rc ? rc : err_set(e, ERR_CONFLICT, "ev.err.slug", "no free slug for '%s'", v->slug);
}
