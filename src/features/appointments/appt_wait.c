/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The waiting list per day: citizens who found no free time on a day of a
 * type at a location leave an address; a place freed on that day by a
 * cancellation is offered by mail, in the cancellation's transaction, to the
 * entry offered least recently (never before, then the earliest), so each
 * freed place reaches one citizen and the list takes turns, first come first
 * served.  Entries stay until their day has passed or the citizen leaves by
 * the link of the last mail (each mail carries a new token).
 */
#include "features/appointments/appt.h"

#include "auth/auth.h"
#include "core/civil.h"
#include "db/db.h"

#include <string.h>

/* Tries to claim an entry when a concurrent cancellation took the same one. */
#define CLAIM_TRIES 3

int
appt_wait_add(struct db *db, const struct tenant *t, const struct appt_type *type,
	      const struct appt_location *loc, int64_t day, const char *email, const char *lang,
	      int64_t now, char *token, struct err *e)
{
	static const char count_sql[] = "SELECT count(*) FROM appt_wait WHERE tenant_id = $1 "
					"AND email = $2 AND day >= $3";
	static const char add_sql[] =
		"INSERT INTO appt_wait (tenant_id, office_id, type_id, day, email, lang, "
		"token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
		"ON CONFLICT (office_id, type_id, day, email) DO UPDATE SET token_hash = $7";
	struct civil_local today;
	int64_t open = 0;
	char hash[65];
	int rc;

	civil_local_at(now, &today);
	rc = db_int64(db, e, &open, count_sql, DB_INT(t->id), DB_TEXT(email), DB_INT(today.days));
	if (rc)
		return rc;
	if (open >= APPT_WAIT_PER_EMAIL)
		return err_set(e, ERR_RATELIMIT, "appt.err.wait_limit",
			       "%lld open waiting list entries", (long long)open);
	auth_token(token);
	auth_token_hash(token, hash);
	return db_run(db, e, add_sql, DB_INT(t->id), DB_INT(loc->office_id), DB_INT(type->id),
		      DB_INT(day), DB_TEXT(email), DB_TEXT(lang ? lang : "de"), DB_TEXT(hash),
		      DB_INT(now));
}

int
appt_wait_leave(struct db *db, const struct tenant *t, const char *token, struct err *e)
{
	int64_t n = 0;
	char hash[65];
	int rc;

	if (!auth_token_ok(token))
		return err_set(e, ERR_NOTFOUND, "appt.err.wait_token", "malformed token");
	auth_token_hash(token, hash);
	rc = db_run_count(db, e, &n,
			  "DELETE FROM appt_wait WHERE tenant_id = $1 AND token_hash = $2",
			  DB_INT(t->id), DB_TEXT(hash));
	if (rc == 0 && n == 0)
		rc = err_set(e, ERR_NOTFOUND, "appt.err.wait_token", "no entry for this token");
	return rc;
}

/* The freed booking: its location, type and start, with the names for the mail. */
struct freed {
	int64_t office, type, starts_at;
	struct appt_offer o;
	struct arena *a;
};

static int
read_freed(struct db_stmt *st, void *ctx, struct err *e)
{
	struct freed *f = ctx;

	(void)e;
	db_cols_int64(st, 0, &f->office, &f->type, &f->starts_at);
	db_cols_dup(st, 3, f->a, &f->o.type_slug, &f->o.type_name, &f->o.office_slug,
		    &f->o.office_name);
	return 0;
}

/* The next entry's turn. */
struct turn {
	int64_t id, offered_at;
	const char *email, *lang;
	struct arena *a;
};

static int
read_turn(struct db_stmt *st, void *ctx, struct err *e)
{
	struct turn *w = ctx;

	(void)e;
	db_cols_int64(st, 0, &w->id, &w->offered_at);
	db_cols_dup(st, 2, w->a, &w->email, &w->lang);
	return 0;
}

/*
 * Claim the entry whose turn it is: 0 with *claimed (false when a concurrent
 * cancellation took it first), ERR_NOTFOUND when nobody waits, or the error.
 */
static int
claim(struct db *db, struct freed *f, int64_t now, char *token, bool *claimed, struct err *e)
{
	static const char next_sql[] =
		"SELECT id, COALESCE(offered_at, 0), email, lang FROM appt_wait WHERE office_id = "
		"$1 "
		"AND type_id = $2 AND day = $3 ORDER BY COALESCE(offered_at, 0), id LIMIT 1";
	static const char claim_sql[] = "UPDATE appt_wait SET offered_at = $2, token_hash = $3 "
					"WHERE id = $1 AND COALESCE(offered_at, 0) = $4";
	struct turn w = {.a = f->a};
	int64_t changed = 0;
	char hash[65];
	int rc = db_one(db, e, next_sql, read_turn, &w, DB_INT(f->office), DB_INT(f->type),
			DB_INT(f->o.day));

	*claimed = false;
	if (rc)
		return rc; /* ERR_NOTFOUND: nobody waits */
	auth_token(token);
	auth_token_hash(token, hash);
	rc = db_run_count(db, e, &changed, claim_sql, DB_INT(w.id), DB_INT(now), DB_TEXT(hash),
			  DB_INT(w.offered_at));
	if (rc == 0 && changed == 1) {
		f->o.email = w.email;
		f->o.lang = w.lang;
		f->o.token = token;
		*claimed = true;
	}
	return rc;
}

int
appt_wait_offer(struct db *db, const struct tenant *t, const char *public_id, int64_t now,
		appt_offer_fn *offer, void *cls, struct arena *a, struct err *e)
{
	static const char freed_sql[] =
		"SELECT a.office_id, a.type_id, a.starts_at, t.slug, t.name, o.slug, o.name "
		"FROM appointment a JOIN appt_type t ON t.id = a.type_id JOIN office o ON o.id = "
		"a.office_id WHERE a.tenant_id = $1 AND a.public_id = $2";
	struct freed f = {.a = a};
	struct civil_local l;
	char *token = arena_alloc(a, AUTH_TOKEN_LEN + 1);
	bool claimed = false;
	int rc = db_one(db, e, freed_sql, read_freed, &f, DB_INT(t->id), DB_TEXT(public_id));

	if (rc)
		return rc;
	civil_local_at(f.starts_at, &l);
	f.o.day = l.days;
	for (int i = 0; rc == 0 && !claimed && i < CLAIM_TRIES; i++)
		rc = claim(db, &f, now, token, &claimed, e);
	if (rc == ERR_NOTFOUND)
		return 0;
	return rc == 0 && claimed ? offer(db, &f.o, cls, e) : rc;
}

int
appt_wait_purge(struct db *db, int64_t today, struct err *e)
{
	return db_run(db, e, "DELETE FROM appt_wait WHERE day < $1", DB_INT(today));
}
