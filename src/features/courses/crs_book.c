/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Booking, cancelling and the waiting list.  "Never more places booked than
 * the course has" lives in the database: a booking raises course.booked by
 * UPDATE ... WHERE booked + places <= capacity inside its transaction, as
 * appointments do with their grid units.  A booking that finds the course
 * full (or people already waiting) may go on the waiting list instead.
 *
 * A cancellation first changes the course row (freeing its places, or by
 * nothing for a waiting booking), which locks it on PostgreSQL until the
 * commit; SQLite's BEGIN IMMEDIATE serialises writers anyway.  Holding that
 * lock, it moves up the first waiting bookings (lowest id first) while their
 * places fit, each by a conditional UPDATE of the booking's state, so every
 * waiting booking moves up exactly once, on whichever instance cancelled.
 */
#include "features/courses/crs_int.h"

#include "auth/auth.h"
#include "db/db.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#define BUSY_RETRIES 8 /* attempts after a failed transaction (busy SQLite) */
#define BUSY_PAUSE_MS 5

static const char TAKE_SQL[] =
	"UPDATE course SET booked = booked + $3 WHERE id = $1 AND tenant_id = $2 "
	"AND booked + $3 <= capacity AND NOT EXISTS (SELECT 1 FROM course_booking w "
	"WHERE w.course_id = $1 AND w.state = 'waiting')";

static const char ADD_SQL[] =
	"INSERT INTO course_booking (tenant_id, course_id, public_id, places, name, email, "
	"token_hash, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

struct plan {
	const struct tenant *t;
	const struct crs_course *c;
	bool wait;
	int64_t now;
	const char *hash;
	crs_hook *hook;
	void *cls;
	struct crs_booking *b;
};

static int
book_once(struct db *db, struct plan *p, struct err *e)
{
	int64_t changed = 0;
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	rc = db_run_count(db, e, &changed, TAKE_SQL, DB_INT(p->c->id), DB_INT(p->t->id),
			  DB_INT(p->b->places));
	if (rc == 0 && changed == 0 && !p->wait)
		rc = err_set(e, ERR_CONFLICT, "crs.err.full", "course %lld is full",
			     (long long)p->c->id);
	p->b->waiting = changed == 0;
	if (rc == 0)
		rc = db_run(db, e, ADD_SQL, DB_INT(p->t->id), DB_INT(p->c->id),
			    DB_TEXT(p->b->public_id), DB_INT(p->b->places), DB_TEXT(p->b->name),
			    DB_TEXT(p->b->email), DB_TEXT(p->hash),
			    DB_TEXT(p->b->waiting ? "waiting" : "booked"), DB_INT(p->now));
	if (rc == 0 && p->hook)
		rc = p->hook(db, p->c, p->b, false, p->cls, e);
	return db_end(db, rc, e);
}

static void
pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int
crs_book(struct db *db, const struct tenant *t, const struct crs_course *c, const char *name,
	 const char *email, int places, bool wait, int64_t now, crs_hook *hook, void *cls,
	 struct arena *a, struct crs_booking *out, struct err *e)
{
	unsigned char raw[16];
	char *token = arena_alloc(a, AUTH_TOKEN_LEN + 1), *hash = arena_alloc(a, 65);
	char *id = arena_alloc(a, CRS_PUBLIC_ID_LEN + 1);
	struct plan p = {t, c, wait, now, hash, hook, cls, out};
	int rc;

	if (!crs_open_at(c, now))
		return err_set(e, ERR_UNPROCESSABLE, "crs.err.closed",
			       "registration for course %lld is closed", (long long)c->id);
	if (places < 1 || places > CRS_PLACES_MAX || places > c->capacity)
		return err_set(e, ERR_UNPROCESSABLE, "crs.err.places", "%d places", places);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(id, CRS_PUBLIC_ID_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_token(token);
	auth_token_hash(token, hash);
	*out = (struct crs_booking){id, token, name, email, places, false};
	rc = book_once(db, &p, e);
	for (int i = 0, ms = BUSY_PAUSE_MS; rc == ERR_DB && i < BUSY_RETRIES; i++) {
		pause_ms(ms);
		ms *= 2;
		rc = book_once(db, &p, e);
	}
	return rc;
}

/* ---- Cancelling and moving up -------------------------------------------- */

struct held {
	int64_t id, course_id, places;
	bool waiting;
};

static int
read_held(struct db_stmt *st, void *ctx, struct err *e)
{
	struct held *h = ctx;

	(void)e;
	*h = (struct held){db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2),
			   strcmp(db_col_text(st, 3), "waiting") == 0};
	return 0;
}

static void
read_waiting(struct db_stmt *st, struct arena *a, void *row)
{
	struct crs_booking *b = row;

	db_cols_dup(st, 1, a, &b->public_id, &b->name, &b->email);
	b->places = (int)db_col_int64(st, 4);
}

static void
read_title(struct db_stmt *st, struct arena *a, void *row)
{
	struct crs_course *c = row;

	c->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &c->slug, &c->title, &c->location_name);
	c->first_starts_at = db_col_int64(st, 4);
}

/* Move up the first waiting bookings of course `id` while their places fit. */
int
crs_move_up(struct db *db, int64_t id, int64_t now, crs_hook *hook, void *cls, struct arena *a,
	    struct err *e)
{
	static const char first[] =
		"SELECT id, public_id, name, email, places FROM course_booking "
		"WHERE course_id = $1 AND state = 'waiting' ORDER BY id LIMIT 1";
	static const char take[] = "UPDATE course SET booked = booked + $2 "
				   "WHERE id = $1 AND booked + $2 <= capacity";
	static const char promote[] = "UPDATE course_booking SET state = 'booked', "
				      "promoted_at = $2 WHERE id = $1 AND state = 'waiting'";
	struct crs_course c = {0};
	int rc = db_get(db, e,
			"SELECT id, slug, title, location_name, first_starts_at FROM course "
			"WHERE id = $1",
			a, read_title, &c, DB_INT(id));

	for (int guard = 0; rc == 0 && guard < 1000; guard++) {
		struct crs_booking b = {0};
		int64_t row = 0, changed = 0;

		rc = db_int64(db, e, &row, first, DB_INT(id));
		if (rc == ERR_NOTFOUND)
			return 0;
		if (rc == 0)
			rc = db_get(db, e, first, a, read_waiting, &b, DB_INT(id));
		if (rc == 0)
			rc = db_run_count(db, e, &changed, take, DB_INT(id), DB_INT(b.places));
		if (rc || changed == 0) /* the first in line does not fit yet: wait on */
			return rc;
		rc = db_run_count(db, e, &changed, promote, DB_INT(row), DB_INT(now));
		if (rc == 0 && changed == 0) /* taken meanwhile: give the places back */
			rc = db_run(db, e, "UPDATE course SET booked = booked - $2 WHERE id = $1",
				    DB_INT(id), DB_INT(b.places));
		else if (rc == 0 && hook)
			rc = hook(db, &c, &b, true, cls, e);
	}
	return rc;
}

static bool
shape_ok(const char *public_id, const char *token)
{
	return auth_token_ok(token) && public_id && strlen(public_id) == CRS_PUBLIC_ID_LEN;
}

static int
cancel_once(struct db *db, const struct tenant *t, const char *public_id, const char *hash,
	    int64_t now, crs_hook *hook, void *cls, struct arena *a, struct err *e)
{
	static const char held[] =
		"SELECT id, course_id, places, state FROM course_booking WHERE tenant_id = $1 "
		"AND public_id = $2 AND token_hash = $3 AND state IN ('booked', 'waiting')";
	static const char cancel[] =
		"UPDATE course_booking SET state = 'cancelled', token_hash = NULL, "
		"cancelled_at = $3 WHERE id = $1 AND token_hash = $2 AND state <> 'cancelled'";
	static const char free_sql[] = "UPDATE course SET booked = booked - $2 WHERE id = $1";
	struct held h = {0};
	int64_t changed = 0;
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	rc = db_one(db, e, held, read_held, &h, DB_INT(t->id), DB_TEXT(public_id), DB_TEXT(hash));
	/* Lock the course row first (a waiting booking frees nothing), then the booking. */
	if (rc == 0)
		rc = db_run(db, e, free_sql, DB_INT(h.course_id), DB_INT(0));
	if (rc == 0)
		rc = db_run_count(db, e, &changed, cancel, DB_INT(h.id), DB_TEXT(hash),
				  DB_INT(now));
	if (rc == 0 && changed == 0)
		rc = ERR_NOTFOUND;
	if (rc == 0 && !h.waiting)
		rc = db_run(db, e, free_sql, DB_INT(h.course_id), DB_INT(h.places));
	if (rc == 0)
		rc = crs_move_up(db, h.course_id, now, hook, cls, a, e);
	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, "crs.err.cancel", "no open booking '%s'", public_id);
	return db_end(db, rc, e);
}

int
crs_cancel(struct db *db, const struct tenant *t, const char *public_id, const char *token,
	   int64_t now, crs_hook *hook, void *cls, struct arena *a, struct err *e)
{
	char hash[65];
	int rc;

	if (!shape_ok(public_id, token))
		return err_set(e, ERR_NOTFOUND, "crs.err.cancel", "malformed id or token");
	auth_token_hash(token, hash);
	rc = cancel_once(db, t, public_id, hash, now, hook, cls, a, e);
	for (int i = 0, ms = BUSY_PAUSE_MS; rc == ERR_DB && i < BUSY_RETRIES; i++) {
		pause_ms(ms);
		ms *= 2;
		rc = cancel_once(db, t, public_id, hash, now, hook, cls, a, e);
	}
	return rc;
}

static void
read_view(struct db_stmt *st, struct arena *a, void *row)
{
	struct crs_view *v = row;

	db_cols_dup(st, 0, a, &v->course_slug, &v->course_title, &v->name);
	v->places = (int)db_col_int64(st, 3);
	v->waiting = strcmp(db_col_text(st, 4), "waiting") == 0;
	v->position = (int)db_col_int64(st, 5);
}

int
crs_view_load(struct db *db, const struct tenant *t, const char *public_id, const char *token,
	      struct arena *a, struct crs_view *out, struct err *e)
{
	static const char sql[] =
		"SELECT c.slug, c.title, b.name, b.places, b.state, (SELECT count(*) FROM "
		"course_booking w WHERE w.course_id = b.course_id AND w.state = 'waiting' "
		"AND w.id <= b.id) FROM course_booking b JOIN course c ON c.id = b.course_id "
		"WHERE b.tenant_id = $1 AND b.public_id = $2 AND b.token_hash = $3 "
		"AND b.state IN ('booked', 'waiting')";
	char hash[65];
	int rc;

	if (!shape_ok(public_id, token))
		return err_set(e, ERR_NOTFOUND, "crs.err.cancel", "malformed id or token");
	auth_token_hash(token, hash);
	rc = db_get(db, e, sql, a, read_view, out, DB_INT(t->id), DB_TEXT(public_id),
		    DB_TEXT(hash));
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "crs.err.cancel", "no open booking '%s'",
			       public_id);
	return rc;
}
