/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Booking and cancelling.  The invariant "never more bookings in a grid unit
 * than counters" lives in the database: each unit a booking covers gets its
 * appt_unit row (created with the unit's capacity if missing) and is raised
 * by UPDATE ... WHERE booked < capacity inside one transaction.  When any
 * unit changes no row the whole booking rolls back as a conflict.  Units
 * are taken in ascending order, so concurrent PostgreSQL transactions wait
 * for each other instead of deadlocking; SQLite's BEGIN IMMEDIATE serialises
 * writers, and a writer that still finds the database busy is retried.
 */
#include "features/appointments/appt.h"

#include "auth/auth.h"
#include "core/civil.h"
#include "db/db.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Attempts of a booking whose transaction failed in the database (busy SQLite). */
#define APPT_BUSY_RETRIES 8
/* Pause before the first retry; doubled each time (at most about 1.3 s in all). */
#define APPT_BUSY_PAUSE_MS 5
#define APPT_PUBLIC_ID_LEN 22

static const char UNIT_ADD_SQL[] =
	"INSERT INTO appt_unit (office_id, starts_at, capacity, booked) VALUES ($1, $2, $3, 0) "
	"ON CONFLICT (office_id, starts_at) DO NOTHING";

static const char UNIT_TAKE_SQL[] = "UPDATE appt_unit SET booked = booked + 1 "
				    "WHERE office_id = $1 AND starts_at = $2 AND booked < capacity";

static const char LIMIT_ADD_SQL[] = "INSERT INTO appt_limit (tenant_id, day, kind, key_hash, "
				    "booked) VALUES ($1, $2, $3, $4, 0) "
				    "ON CONFLICT (tenant_id, day, kind, key_hash) DO NOTHING";

static const char LIMIT_TAKE_SQL[] =
	"UPDATE appt_limit SET booked = booked + 1 WHERE tenant_id = $1 AND day = $2 AND kind = $3 "
	"AND key_hash = $4 AND booked < $5";

static const char BOOKING_ADD_SQL[] =
	"INSERT INTO appointment (tenant_id, office_id, type_id, public_id, starts_at, ends_at, "
	"units, unit_seconds, persons, name, email, phone, token_hash, created_at, citizen_id, "
	"lang, confirm_expires) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";

/* What one attempt writes. */
struct plan {
	const struct tenant *t;
	const struct appt_request *r;
	const struct appt_type *type;
	const struct appt_location *loc;
	int units, unit_seconds;
	int cap[APPT_DAY_UNITS_MAX]; /* of the start's day, indexed from `first` */
	int first;		     /* the start's unit of its day */
	int64_t now, ends_at;
	struct appt_booking booking; /* what the on_booked hook sees */
	const char *token_hash;
	char day[CIVIL_DATE_LEN + 1];	/* the local date of `now`, of the limits */
	char email_key[65], ip_key[65]; /* appt_limit_key(); "" when not counted */
};

/* Raise the day's counter `key` of `kind` unless it reached `max`. */
static int
take_limit(struct db *db, const struct plan *p, const char *kind, const char *key, int64_t max,
	   const char *msg, struct err *e)
{
	int64_t changed = 0;
	int rc;

	if (!key[0])
		return 0;
	rc = db_run(db, e, LIMIT_ADD_SQL, DB_INT(p->t->id), DB_TEXT(p->day), DB_TEXT(kind),
		    DB_TEXT(key));
	if (rc == 0)
		rc = db_run_count(db, e, &changed, LIMIT_TAKE_SQL, DB_INT(p->t->id),
				  DB_TEXT(p->day), DB_TEXT(kind), DB_TEXT(key), DB_INT(max));
	if (rc == 0 && changed == 0)
		rc = err_set(e, ERR_RATELIMIT, msg, "daily %s limit of %lld reached", kind,
			     (long long)max);
	return rc;
}

static int
take_units(struct db *db, const struct plan *p, struct err *e)
{
	for (int i = 0; i < p->units; i++) {
		int64_t at = p->r->starts_at + (int64_t)i * p->unit_seconds, changed = 0;
		int rc = db_run(db, e, UNIT_ADD_SQL, DB_INT(p->loc->office_id), DB_INT(at),
				DB_INT(p->cap[p->first + i]));

		if (rc == 0)
			rc = db_run_count(db, e, &changed, UNIT_TAKE_SQL, DB_INT(p->loc->office_id),
					  DB_INT(at));
		if (rc)
			return rc;
		if (changed == 0)
			return err_set(e, ERR_CONFLICT, "appt.slot_taken",
				       "unit %lld of office %lld is full", (long long)at,
				       (long long)p->loc->office_id);
	}
	return 0;
}

static int
book_once(struct db *db, const struct plan *p, struct err *e)
{
	const struct appt_request *r = p->r;
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	rc = take_limit(db, p, "email", p->email_key,
			tenant_setting_int(p->t, TSET_APPT_LIMIT_EMAIL), "appt.err.limit_email", e);
	if (rc == 0)
		rc = take_limit(db, p, "ip", p->ip_key,
				tenant_setting_int(p->t, TSET_APPT_LIMIT_IP), "appt.err.limit_ip",
				e);
	if (rc == 0)
		rc = take_units(db, p, e);
	if (rc == 0)
		rc = db_run(db, e, BOOKING_ADD_SQL, DB_INT(p->t->id), DB_INT(p->loc->office_id),
			    DB_INT(p->type->id), DB_TEXT(p->booking.public_id),
			    DB_INT(r->starts_at), DB_INT(p->ends_at), DB_INT(p->units),
			    DB_INT(p->unit_seconds), DB_INT(r->persons), DB_TEXT(r->name),
			    DB_TEXT(r->email), DB_TEXT(r->phone ? r->phone : ""),
			    DB_TEXT(p->token_hash), DB_INT(p->now),
			    r->citizen_id > 0 ? DB_INT(r->citizen_id) : DB_NULL,
			    DB_TEXT(r->lang ? r->lang : "de"),
			    p->booking.confirm_by ? DB_INT(p->booking.confirm_by) : DB_NULL);
	if (rc == 0 && r->on_booked)
		rc = r->on_booked(db, &p->booking, r->cls, e);
	return db_end(db, rc, e);
}

/* Whether the start is a slot of the type inside the booking window; fills the plan's units. */
static int
check_slot(const struct tenant *t, struct plan *p, struct err *e)
{
	struct civil_local l, today;
	struct appt_slot slots[APPT_DAY_UNITS_MAX];
	const struct appt_schedule *s = &p->loc->schedule;
	size_t n;

	civil_local_at(p->r->starts_at, &l);
	civil_local_at(p->now, &today);
	if (p->r->starts_at <= p->now || l.days < today.days + p->loc->lead_days ||
	    l.days > today.days + tenant_setting_int(t, TSET_APPT_WINDOW_DAYS))
		return err_set(e, ERR_UNPROCESSABLE, "appt.err.window",
			       "start %lld outside the booking window", (long long)p->r->starts_at);
	n = appt_day_slots(s, l.days, p->units, p->type->minutes * p->r->persons, NULL, 0, true,
			   slots, APPT_DAY_UNITS_MAX);
	for (size_t i = 0; i < n; i++)
		if (slots[i].starts_at == p->r->starts_at) {
			appt_day_capacity(s, l.days, p->cap);
			p->first = l.minute / s->slot_minutes;
			p->ends_at = slots[i].ends_at;
			return 0;
		}
	return err_set(e, ERR_UNPROCESSABLE, "appt.err.not_a_slot", "start %lld is no slot",
		       (long long)p->r->starts_at);
}

void
appt_limit_key(int64_t tenant_id, const char *day, const char *kind, const char *value, char *out)
{
	unsigned char ip6[16];
	char norm[APPT_EMAIL_MAX + 64], k[sizeof(norm) + 96];
	size_t i;

	snprintf(norm, sizeof(norm), "%s", value ? value : "");
	if (strcmp(kind, "ip") == 0 && inet_pton(AF_INET6, norm, ip6) == 1) {
		memset(ip6 + 8, 0, 8); /* the /64 network */
		inet_ntop(AF_INET6, ip6, norm, sizeof(norm));
	}
	for (i = 0; norm[i]; i++)
		if (norm[i] >= 'A' && norm[i] <= 'Z')
			norm[i] = (char)(norm[i] - 'A' + 'a');
	snprintf(k, sizeof(k), "%lld|%s|%s|%s", (long long)tenant_id, day, kind, norm);
	auth_token_hash(k, out);
}

static void
pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int
appt_book(struct db *db, const struct tenant *t, const struct appt_request *r, int64_t now,
	  struct arena *a, struct appt_booking *out, struct err *e)
{
	struct plan *p = arena_calloc(a, 1, sizeof(*p));
	struct appt_type *type;
	struct appt_location *loc;
	unsigned char raw[16];
	char *token = arena_alloc(a, AUTH_TOKEN_LEN + 1), *hash = arena_alloc(a, 65);
	char *id = arena_alloc(a, APPT_PUBLIC_ID_LEN + 1);
	int rc = appt_find(db, t, r->type, r->location, a, &type, &loc, e);

	if (rc)
		return rc;
	if (r->persons > type->persons_max)
		return err_set(e, ERR_UNPROCESSABLE, "appt.err.persons_max",
			       "%d persons for type '%s'", r->persons, type->slug);
	*p = (struct plan){.t = t, .r = r, .type = type, .loc = loc, .now = now};
	p->units = appt_units_needed(loc->schedule.slot_minutes, type->minutes, r->persons,
				     type->buffer_minutes);
	p->unit_seconds = loc->schedule.slot_minutes * 60;
	rc = check_slot(t, p, e);
	if (rc)
		return rc;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(id, APPT_PUBLIC_ID_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_token(token);
	auth_token_hash(token, hash);
	p->booking = (struct appt_booking){id, token, r->starts_at, p->ends_at, type, loc, 0, 0};
	if (!r->confirmed && tenant_setting_int(t, TSET_APPT_CONFIRM_MINUTES) > 0)
		p->booking.confirm_by = now + 60 * tenant_setting_int(t, TSET_APPT_CONFIRM_MINUTES);
	p->token_hash = hash;
	if (r->limits) {
		struct civil_local today;

		civil_local_at(now, &today);
		civil_format_date(&today, p->day);
		appt_limit_key(t->id, p->day, "email", r->email, p->email_key);
		if (r->client_ip && r->client_ip[0])
			appt_limit_key(t->id, p->day, "ip", r->client_ip, p->ip_key);
	}
	rc = book_once(db, p, e);
	for (int i = 0, ms = APPT_BUSY_PAUSE_MS; rc == ERR_DB && i < APPT_BUSY_RETRIES; i++) {
		pause_ms(ms);
		ms *= 2;
		rc = book_once(db, p, e);
	}
	if (rc == 0)
		*out = p->booking;
	return rc;
}

/* The condition on $3 for each kind of holder: a token's hash, or the account. */
#define BY_TOKEN "(token_hash = $3 OR reminder_token_hash = $3)"
#define BY_ACCOUNT "citizen_id = $3"

#define CANCEL_HEAD                                                                                \
	"UPDATE appointment SET state = 'cancelled', token_hash = NULL, "                          \
	"reminder_token_hash = NULL, cancelled_at = $4 WHERE tenant_id = $1 AND public_id = $2 "   \
	"AND state = 'booked' AND starts_at > $4 AND "

static const char *const CANCEL_SQL[] = {CANCEL_HEAD BY_TOKEN, CANCEL_HEAD BY_ACCOUNT};

static const char HELD_SQL[] = "SELECT office_id, starts_at, units, unit_seconds "
			       "FROM appointment WHERE tenant_id = $1 AND public_id = $2";

static const char UNIT_FREE_SQL[] = "UPDATE appt_unit SET booked = booked - 1 "
				    "WHERE office_id = $1 AND starts_at = $2 AND booked > 0";

struct held {
	int64_t office, start, units, step;
};

static int
read_held(struct db_stmt *st, void *ctx, struct err *e)
{
	struct held *h = ctx;

	(void)e;
	*h = (struct held){db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2),
			   db_col_int64(st, 3)};
	return 0;
}

/* Give back the units booking `public_id` held. */
static int
release_units(struct db *db, const struct tenant *t, const char *public_id, struct err *e)
{
	struct held h;
	int rc = db_one(db, e, HELD_SQL, read_held, &h, DB_INT(t->id), DB_TEXT(public_id));

	for (int64_t i = 0; rc == 0 && i < h.units; i++)
		rc = db_run(db, e, UNIT_FREE_SQL, DB_INT(h.office), DB_INT(h.start + i * h.step));
	return rc;
}

#define VIEW_HEAD                                                                                  \
	"SELECT a.starts_at, a.ends_at, a.persons, t.name, o.name, o.street, o.postal_code, "      \
	"o.city, a.revision, t.slug, o.slug, COALESCE(a.confirm_expires, 0) FROM appointment a "   \
	"JOIN appt_type t ON t.id = "                                                              \
	"a.type_id JOIN office o ON o.id = a.office_id WHERE a.tenant_id = $1 "                    \
	"AND a.public_id = $2 AND a.state = 'booked' AND "

static const char *const VIEW_SQL[] = {VIEW_HEAD BY_TOKEN, VIEW_HEAD BY_ACCOUNT};

static void
read_view(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_view *v = row;

	v->starts_at = db_col_int64(st, 0);
	v->ends_at = db_col_int64(st, 1);
	v->persons = (int)db_col_int64(st, 2);
	db_cols_dup(st, 3, a, &v->type_name, &v->office_name, &v->street, &v->postal_code,
		    &v->city);
	v->revision = (int)db_col_int64(st, 8);
	db_cols_dup(st, 9, a, &v->type_slug, &v->office_slug);
	v->confirm_by = db_col_int64(st, 11);
}

/*
 * The statement variant for holder `h` (0 token, 1 account) and its $3 in
 * *arg (the token's hash in `hash`); ERR_NOTFOUND for a malformed id or token.
 */
static int
holder_arg(const char *public_id, const struct appt_holder *h, char hash[65], struct db_arg *arg,
	   int *variant, struct err *e)
{
	if (!public_id || strlen(public_id) != APPT_PUBLIC_ID_LEN)
		return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "malformed booking id");
	if (h->token) {
		if (!auth_token_ok(h->token))
			return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "malformed token");
		auth_token_hash(h->token, hash);
		*arg = DB_TEXT(hash);
		*variant = 0;
		return 0;
	}
	if (h->citizen_id <= 0)
		return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "no holder");
	*arg = DB_INT(h->citizen_id);
	*variant = 1;
	return 0;
}

int
appt_view_load(struct db *db, const struct tenant *t, const char *public_id,
	       const struct appt_holder *h, struct arena *a, struct appt_view *out, struct err *e)
{
	struct db_arg by = DB_NULL;
	char hash[65];
	int variant = 0;
	int rc = holder_arg(public_id, h, hash, &by, &variant, e);

	if (rc)
		return rc;
	rc = db_get(db, e, VIEW_SQL[variant], a, read_view, out, DB_INT(t->id), DB_TEXT(public_id),
		    by);
	if (rc == 0 && out->confirm_by && out->confirm_by <= (int64_t)time(NULL))
		return err_set(e, ERR_NOTFOUND, "appt.err.confirm_late",
			       "booking '%s' was not confirmed in time", public_id);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "no open booking '%s'",
			       public_id);
	return rc;
}

int
appt_cancel(struct db *db, const struct tenant *t, const char *public_id,
	    const struct appt_holder *h, int64_t now, appt_offer_fn *offer, void *cls,
	    struct arena *a, struct err *e)
{
	struct db_arg by = DB_NULL;
	char hash[65];
	int64_t changed = 0;
	int variant = 0;
	int rc = holder_arg(public_id, h, hash, &by, &variant, e);

	if (rc == 0)
		rc = db_begin(db, e);
	if (rc)
		return rc;
	rc = db_run_count(db, e, &changed, CANCEL_SQL[variant], DB_INT(t->id), DB_TEXT(public_id),
			  by, DB_INT(now));
	if (rc == 0 && changed == 0)
		rc = err_set(e, ERR_NOTFOUND, "appt.err.cancel",
			     "no open booking '%s' for this holder", public_id);
	if (rc == 0)
		rc = release_units(db, t, public_id, e);
	if (rc == 0 && offer)
		rc = appt_wait_offer(db, t, public_id, now, offer, cls, a, e);
	return db_end(db, rc, e);
}

/* ---- Confirming a booking by its mailed link ------------------------------- */

int
appt_confirm(struct db *db, const struct tenant *t, const char *public_id, const char *token,
	     int64_t now, struct err *e)
{
	static const char confirm_sql[] =
		"UPDATE appointment SET confirm_expires = NULL WHERE tenant_id = $1 AND "
		"public_id = $2 AND token_hash = $3 AND state = 'booked' AND confirm_expires > $4";
	static const char state_sql[] = "SELECT COALESCE(confirm_expires, 0) FROM appointment "
					"WHERE tenant_id = $1 AND public_id = $2 AND "
					"token_hash = $3 AND state = 'booked'";
	int64_t changed = 0, deadline = 0;
	char hash[65];
	int rc;

	if (!auth_token_ok(token) || !public_id || strlen(public_id) != APPT_PUBLIC_ID_LEN)
		return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "malformed id or token");
	auth_token_hash(token, hash);
	rc = db_run_count(db, e, &changed, confirm_sql, DB_INT(t->id), DB_TEXT(public_id),
			  DB_TEXT(hash), DB_INT(now));
	if (rc || changed)
		return rc;
	rc = db_int64(db, e, &deadline, state_sql, DB_INT(t->id), DB_TEXT(public_id),
		      DB_TEXT(hash));
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "no open booking '%s'",
			       public_id);
	if (rc == 0 && deadline)
		rc = err_set(e, ERR_CONFLICT, "appt.err.confirm_late",
			     "booking '%s' was not confirmed in time", public_id);
	return rc;
}

struct unconfirmed {
	int64_t tenant;
	const char *public_id;
};

static void
read_unconfirmed(struct db_stmt *st, struct arena *a, void *row)
{
	struct unconfirmed *u = row;

	u->tenant = db_col_int64(st, 0);
	u->public_id = db_col_dup(st, 1, a);
}

/* Cancel one booking whose deadline passed and give its places back; *n counts it. */
static int
expire_one(struct db *db, const struct unconfirmed *u, int64_t now, int64_t *n, struct err *e)
{
	static const char sql[] =
		"UPDATE appointment SET state = 'cancelled', token_hash = NULL, "
		"reminder_token_hash = NULL, cancelled_at = $3 WHERE tenant_id = $1 AND "
		"public_id = $2 AND state = 'booked' AND confirm_expires <= $3";
	struct tenant t = {.id = u->tenant};
	int64_t changed = 0;
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	rc = db_run_count(db, e, &changed, sql, DB_INT(u->tenant), DB_TEXT(u->public_id),
			  DB_INT(now));
	if (rc == 0 && changed) {
		rc = release_units(db, &t, u->public_id, e);
		*n += rc == 0;
	}
	return db_end(db, rc, e);
}

int
appt_expire_unconfirmed(struct db *db, int64_t now, int64_t *n, struct err *e)
{
	static const char sql[] = "SELECT tenant_id, public_id FROM appointment WHERE "
				  "confirm_expires <= $1 AND state = 'booked' "
				  "ORDER BY confirm_expires LIMIT 500";
	struct arena a;
	struct unconfirmed *v = NULL;
	size_t k = 0;
	int rc;

	*n = 0;
	arena_init(&a);
	rc = db_list_of(db, e, sql, &a, read_unconfirmed, &v, &k, DB_INT(now));
	for (size_t i = 0; rc == 0 && i < k; i++)
		rc = expire_one(db, &v[i], now, n, e);
	arena_release(&a);
	return rc;
}

/* ---- Moving a booking ----------------------------------------------------- */

static const char MOVE_SQL[] =
	"UPDATE appointment SET starts_at = $3, ends_at = $4, units = $5, unit_seconds = $6, "
	"revision = revision + 1, reminded_at = NULL WHERE tenant_id = $1 AND public_id = $2 "
	"AND starts_at = $7 AND state = 'booked'";

struct move {
	struct plan p;
	struct held old;
	int64_t persons;
	const char *public_id;
	int (*on_moved)(struct db *db, const struct appt_booking *b, void *cls, struct err *e);
	void *cls;
};

static int
move_once(struct db *db, struct move *m, struct err *e)
{
	const struct plan *p = &m->p;
	int64_t changed = 0;
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	for (int64_t i = 0; rc == 0 && i < m->old.units; i++)
		rc = db_run(db, e, UNIT_FREE_SQL, DB_INT(m->old.office),
			    DB_INT(m->old.start + i * m->old.step));
	if (rc == 0)
		rc = take_units(db, p, e);
	if (rc == 0)
		rc = db_run_count(db, e, &changed, MOVE_SQL, DB_INT(p->t->id),
				  DB_TEXT(m->public_id), DB_INT(p->r->starts_at),
				  DB_INT(p->ends_at), DB_INT(p->units), DB_INT(p->unit_seconds),
				  DB_INT(m->old.start));
	if (rc == 0 && changed == 0) /* moved or cancelled meanwhile */
		rc = err_set(e, ERR_CONFLICT, "appt.err.moved", "booking '%s' changed meanwhile",
			     m->public_id);
	if (rc == 0 && m->on_moved)
		rc = m->on_moved(db, &p->booking, m->cls, e);
	return db_end(db, rc, e);
}

static const char MOVING_SQL[] =
	"SELECT a.office_id, a.starts_at, a.units, a.unit_seconds, a.persons, a.revision, t.slug, "
	"o.slug FROM appointment a JOIN appt_type t ON t.id = a.type_id JOIN office o ON "
	"o.id = a.office_id WHERE a.tenant_id = $1 AND a.public_id = $2 AND "
	"(a.token_hash = $3 OR a.reminder_token_hash = $3) AND a.state = 'booked'";

struct moving {
	struct held h;
	int64_t persons, revision;
	const char *type, *office;
	struct arena *a;
};

static int
read_moving(struct db_stmt *st, void *ctx, struct err *e)
{
	struct moving *m = ctx;

	(void)e;
	m->h = (struct held){db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2),
			     db_col_int64(st, 3)};
	m->persons = db_col_int64(st, 4);
	m->revision = db_col_int64(st, 5);
	db_cols_dup(st, 6, m->a, &m->type, &m->office);
	return 0;
}

int
appt_reschedule(struct db *db, const struct tenant *t, const char *public_id, const char *token,
		int64_t starts_at, int64_t now,
		int (*on_moved)(struct db *db, const struct appt_booking *b, void *cls,
				struct err *e),
		void *cls, struct arena *a, struct appt_booking *out, int64_t *old_start,
		struct err *e)
{
	struct move *m = arena_calloc(a, 1, sizeof(*m));
	struct appt_request *r = arena_calloc(a, 1, sizeof(*r));
	struct moving cur = {.a = a};
	struct appt_type *type;
	struct appt_location *loc;
	char hash[65];
	int rc;

	if (!auth_token_ok(token) || !public_id || strlen(public_id) != APPT_PUBLIC_ID_LEN)
		return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "malformed id or token");
	auth_token_hash(token, hash);
	rc = db_one(db, e, MOVING_SQL, read_moving, &cur, DB_INT(t->id), DB_TEXT(public_id),
		    DB_TEXT(hash));
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "appt.err.cancel", "no open booking '%s'",
			       public_id);
	if (rc == 0)
		rc = appt_find(db, t, cur.type, cur.office, a, &type, &loc, e);
	if (rc)
		return rc;
	if (starts_at == cur.h.start)
		return err_set(e, ERR_UNPROCESSABLE, "appt.err.same_time",
			       "booking '%s' is at %lld", public_id, (long long)starts_at);
	*r = (struct appt_request){.type = type->slug,
				   .location = loc->slug,
				   .starts_at = starts_at,
				   .persons = (int)cur.persons};
	m->p = (struct plan){.t = t, .r = r, .type = type, .loc = loc, .now = now};
	m->p.units = appt_units_needed(loc->schedule.slot_minutes, type->minutes, r->persons,
				       type->buffer_minutes);
	m->p.unit_seconds = loc->schedule.slot_minutes * 60;
	rc = check_slot(t, &m->p, e);
	if (rc)
		return rc;
	m->p.booking = (struct appt_booking){arena_strdup(a, public_id),
					     arena_strdup(a, token),
					     starts_at,
					     m->p.ends_at,
					     type,
					     loc,
					     (int)cur.revision + 1,
					     0};
	m->old = cur.h;
	m->persons = cur.persons;
	m->public_id = m->p.booking.public_id;
	m->on_moved = on_moved;
	m->cls = cls;
	rc = move_once(db, m, e);
	for (int i = 0, ms = APPT_BUSY_PAUSE_MS; rc == ERR_DB && i < APPT_BUSY_RETRIES; i++) {
		pause_ms(ms);
		ms *= 2;
		rc = move_once(db, m, e);
	}
	if (rc == 0) {
		*out = m->p.booking;
		*old_start = cur.h.start;
	}
	return rc;
}
