/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Courses in the database.  Every read is bound to the tenant and wants
 * status 'published'.  Sessions are written with their course, and the
 * course keeps its first start and last end for the list's order.
 */
#include "features/courses/crs_int.h"

#include "core/str.h"
#include "db/db.h"

#include <string.h>

const char *const crs_categories[] = {"sprache", "edv", "stadtfuehrung", "gesundheit", "kreativ",
				      "familie", NULL};

bool
crs_category_valid(const char *s)
{
	return str_in_list(s, crs_categories);
}

bool
crs_slug_valid(const char *s)
{
	return str_slug_ok(s, 80);
}

bool
crs_open_at(const struct crs_course *c, int64_t now)
{
	return now >= c->registration_opens && now < c->registration_closes;
}

#define COURSE_COLS                                                                                \
	"id, slug, title, summary, description, provider, category, location_name, "               \
	"location_address, fee_cents, capacity, booked, registration_opens, "                      \
	"registration_closes, first_starts_at, last_ends_at, updated_at FROM course "

static void
read_course(struct db_stmt *st, struct arena *a, void *row)
{
	struct crs_course *c = row;

	c->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &c->slug, &c->title, &c->summary, &c->description, &c->provider,
		    &c->category, &c->location_name, &c->location_address);
	c->fee_cents = (int)db_col_int64(st, 9);
	c->capacity = (int)db_col_int64(st, 10);
	c->booked = (int)db_col_int64(st, 11);
	db_cols_int64(st, 12, &c->registration_opens, &c->registration_closes, &c->first_starts_at,
		      &c->last_ends_at, &c->updated_at);
}

#define LIST_WHERE                                                                                 \
	"WHERE tenant_id = $1 AND status = 'published' AND last_ends_at > $2 "                     \
	"AND ($3 = '' OR category = $3) "                                                          \
	"AND ($4 = 0 OR (registration_opens <= $2 AND registration_closes > $2)) "

int
crs_list(struct db *db, const struct tenant *t, const struct crs_filter *f, int64_t now,
	 struct arena *a, struct crs_course **out, size_t *n, int64_t *total, struct err *e)
{
	static const char sql[] =
		"SELECT " COURSE_COLS LIST_WHERE "ORDER BY first_starts_at, id LIMIT $5 OFFSET $6";
	static const char count[] = "SELECT count(*) FROM course " LIST_WHERE;
	int rc = db_int64(db, e, total, count, DB_INT(t->id), DB_INT(now), DB_TEXT(f->category),
			  DB_INT(f->open_only ? 1 : 0));

	*out = NULL;
	*n = 0;
	if (rc == 0)
		rc = db_list_of(db, e, sql, a, read_course, out, n, DB_INT(t->id), DB_INT(now),
				DB_TEXT(f->category), DB_INT(f->open_only ? 1 : 0),
				DB_INT(CRS_PAGE_SIZE),
				DB_INT((int64_t)(f->page - 1) * CRS_PAGE_SIZE));
	return rc;
}

static void
read_session(struct db_stmt *st, struct arena *a, void *row)
{
	struct crs_session *s = row;

	(void)a;
	s->starts_at = db_col_int64(st, 0);
	s->ends_at = db_col_int64(st, 1);
}

int
crs_find(struct db *db, const struct tenant *t, const char *slug, struct arena *a,
	 struct crs_course **out, struct err *e)
{
	static const char sql[] =
		"SELECT " COURSE_COLS "WHERE tenant_id = $1 AND slug = $2 AND status = 'published'";
	static const char sessions[] = "SELECT starts_at, ends_at FROM course_session "
				       "WHERE course_id = $1 ORDER BY starts_at LIMIT $2";
	struct crs_course *c = arena_calloc(a, 1, sizeof(*c));
	int rc;

	if (!crs_slug_valid(slug))
		return err_set(e, ERR_NOTFOUND, "error.404.text", "bad course slug");
	rc = db_get(db, e, sql, a, read_course, c, DB_INT(t->id), DB_TEXT(slug));
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "no course '%s'", slug);
	if (rc == 0)
		rc = db_list_of(db, e, sessions, a, read_session, &c->sessions, &c->n_sessions,
				DB_INT(c->id), DB_INT(CRS_SESSIONS_MAX));
	*out = c;
	return rc;
}

int
crs_add(struct db *db, const struct tenant *t, const struct crs_course *c, int64_t now, bool *added,
	struct err *e)
{
	static const char ins[] =
		"INSERT INTO course (tenant_id, slug, title, summary, description, provider, "
		"category, fee_cents, capacity, registration_opens, registration_closes, "
		"location_name, location_address, first_starts_at, last_ends_at, created_at, "
		"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
		"$15, $16, $16) ON CONFLICT (tenant_id, slug) DO NOTHING";
	static const char ses[] =
		"INSERT INTO course_session (course_id, starts_at, ends_at) VALUES ($1, $2, $3)";
	int64_t changed = 0, id = 0;
	int rc;

	if (!crs_slug_valid(c->slug) || c->n_sessions == 0 || c->n_sessions > CRS_SESSIONS_MAX)
		return err_set(e, ERR_INVALID, "crs.err.course", "bad course '%s'", c->slug);
	rc = db_run_count(db, e, &changed, ins, DB_INT(t->id), DB_TEXT(c->slug), DB_TEXT(c->title),
			  DB_TEXT(c->summary), DB_TEXT(c->description), DB_TEXT(c->provider),
			  DB_TEXT(c->category), DB_INT(c->fee_cents), DB_INT(c->capacity),
			  DB_INT(c->registration_opens), DB_INT(c->registration_closes),
			  DB_TEXT(c->location_name), DB_TEXT(c->location_address),
			  DB_INT(c->sessions[0].starts_at),
			  DB_INT(c->sessions[c->n_sessions - 1].ends_at), DB_INT(now));
	*added = rc == 0 && changed > 0;
	if (!*added)
		return rc;
	rc = db_int64(db, e, &id, "SELECT id FROM course WHERE tenant_id = $1 AND slug = $2",
		      DB_INT(t->id), DB_TEXT(c->slug));
	for (size_t i = 0; rc == 0 && i < c->n_sessions; i++)
		rc = db_run(db, e, ses, DB_INT(id), DB_INT(c->sessions[i].starts_at),
			    DB_INT(c->sessions[i].ends_at));
	return rc;
}
