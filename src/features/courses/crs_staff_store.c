/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the staff pages read and write: all courses with their waiting
 * counts, a course's open bookings, and the update of a course.  An update
 * may not take the capacity below the places booked (the conditional UPDATE
 * says so, not a read before it); when it raises the capacity, the waiting
 * list moves up in the same transaction.
 */
#include "features/courses/crs_int.h"

#include "db/db.h"

#include <string.h>

static void
read_staff(struct db_stmt *st, struct arena *a, void *row)
{
	struct crs_course *c = row;

	c->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &c->slug, &c->title, &c->provider);
	c->capacity = (int)db_col_int64(st, 4);
	c->booked = (int)db_col_int64(st, 5);
	c->first_starts_at = db_col_int64(st, 6);
	c->waiting = (int)db_col_int64(st, 7);
	c->registration_opens = db_col_int64(st, 8);
	c->registration_closes = db_col_int64(st, 9);
}

int
crs_staff_list(struct db *db, const struct tenant *t, struct arena *a, struct crs_course **out,
	       size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT c.id, c.slug, c.title, c.provider, c.capacity, c.booked, "
		"c.first_starts_at, (SELECT count(*) FROM course_booking b WHERE b.course_id = "
		"c.id "
		"AND b.state = 'waiting'), c.registration_opens, c.registration_closes "
		"FROM course c WHERE c.tenant_id = $1 ORDER BY c.first_starts_at DESC, c.id LIMIT "
		"500";
	return db_list_of(db, e, sql, a, read_staff, out, n, DB_INT(t->id));
}

static void
read_entry(struct db_stmt *st, struct arena *a, void *row)
{
	struct crs_entry *x = row;

	db_cols_dup(st, 0, a, &x->name, &x->email);
	x->places = (int)db_col_int64(st, 2);
	x->waiting = strcmp(db_col_text(st, 3), "waiting") == 0;
	x->created_at = db_col_int64(st, 4);
	x->promoted_at = db_col_int64(st, 5);
}

int
crs_entries(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
	    struct crs_entry **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT name, email, places, state, created_at, COALESCE(promoted_at, 0) "
		"FROM course_booking WHERE tenant_id = $1 AND course_id = $2 "
		"AND state IN ('booked', 'waiting') ORDER BY state, id";
	return db_list_of(db, e, sql, a, read_entry, out, n, DB_INT(t->id), DB_INT(id));
}

static const char UPDATE_SQL[] =
	"UPDATE course SET title = $3, summary = $4, description = $5, provider = $6, "
	"category = $7, fee_cents = $8, capacity = $9, registration_opens = $10, "
	"registration_closes = $11, location_name = $12, location_address = $13, "
	"first_starts_at = $14, last_ends_at = $15, updated_at = $16 "
	"WHERE tenant_id = $1 AND slug = $2 AND booked <= $9";

static int
write_course(struct db *db, const struct tenant *t, const struct crs_course *c, int64_t now,
	     int64_t *id, struct err *e)
{
	static const char ses[] =
		"INSERT INTO course_session (course_id, starts_at, ends_at) VALUES ($1, $2, $3)";
	int64_t changed = 0;
	int rc = db_int64(db, e, id, "SELECT id FROM course WHERE tenant_id = $1 AND slug = $2",
			  DB_INT(t->id), DB_TEXT(c->slug));

	if (rc == 0)
		rc = db_run_count(db, e, &changed, UPDATE_SQL, DB_INT(t->id), DB_TEXT(c->slug),
				  DB_TEXT(c->title), DB_TEXT(c->summary), DB_TEXT(c->description),
				  DB_TEXT(c->provider), DB_TEXT(c->category), DB_INT(c->fee_cents),
				  DB_INT(c->capacity), DB_INT(c->registration_opens),
				  DB_INT(c->registration_closes), DB_TEXT(c->location_name),
				  DB_TEXT(c->location_address), DB_INT(c->sessions[0].starts_at),
				  DB_INT(c->sessions[c->n_sessions - 1].ends_at), DB_INT(now));
	if (rc == 0 && changed == 0)
		rc = err_set(e, ERR_CONFLICT, "crs.staff.err.capacity_booked",
			     "capacity %d below the places booked", c->capacity);
	if (rc == 0)
		rc = db_run(db, e, "DELETE FROM course_session WHERE course_id = $1", DB_INT(*id));
	for (size_t i = 0; rc == 0 && i < c->n_sessions; i++)
		rc = db_run(db, e, ses, DB_INT(*id), DB_INT(c->sessions[i].starts_at),
			    DB_INT(c->sessions[i].ends_at));
	return rc;
}

int
crs_update(struct db *db, const struct tenant *t, const struct crs_course *c, int64_t now,
	   crs_hook_fn *hook, void *cls, struct arena *a, struct err *e)
{
	int64_t id = 0;
	int rc;

	if (!crs_slug_valid(c->slug) || c->n_sessions == 0)
		return err_set(e, ERR_INVALID, "crs.err.course", "bad course '%s'", c->slug);
	rc = db_begin(db, e);
	if (rc)
		return rc;
	rc = write_course(db, t, c, now, &id, e);
	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "no course '%s'", c->slug);
	if (rc == 0)
		rc = crs_move_up(db, id, now, hook, cls, a, e);
	return db_end(db, rc, e);
}
