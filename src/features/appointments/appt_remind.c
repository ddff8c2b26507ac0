/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The reminder the day before an appointment.  The recurring job
 * 'appt.remind' looks every APPT_REMIND_EVERY_S seconds for open bookings
 * that start on the next local day and have no reminder yet.  Each one is
 * claimed with a conditional UPDATE (reminded_at IS NULL) in the
 * transaction that puts its mail into the outbox: the mail exists exactly
 * when the claim committed, so two instances (or a job run twice after a
 * lost lease) never mail a booking twice.
 *
 * The mail names the type, the place with its address, the time and the
 * persons, and links the booking's page, where it can be cancelled.  The
 * cancel token of the confirmation is stored only as its hash, so the
 * reminder carries a second token, stored hashed as well; either opens the
 * page and cancels, and cancelling voids both.
 *
 * The same job deletes the daily booking counters (appt_limit) of past days.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "auth/auth.h"
#include "core/civil.h"
#include "core/log.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <stdio.h>
#include <string.h>

/* Bookings looked at per run; the next run takes the rest. */
#define REMIND_BATCH 500

static const char DUE_SQL[] =
	"SELECT a.id, a.starts_at, a.persons, a.public_id, a.email, ty.name, o.name, o.street, "
	"o.postal_code, o.city, te.slug, a.lang FROM appointment a "
	"JOIN appt_type ty ON ty.id = a.type_id JOIN office o ON o.id = a.office_id "
	"JOIN tenant te ON te.id = a.tenant_id WHERE a.state = 'booked' AND "
	"a.confirm_expires IS NULL AND "
	"a.reminded_at IS NULL AND a.starts_at >= $1 AND a.starts_at < $2 ORDER BY a.id LIMIT $3";

static const char CLAIM_SQL[] = "UPDATE appointment SET reminded_at = $2, reminder_token_hash = $3 "
				"WHERE id = $1 AND reminded_at IS NULL AND state = 'booked'";

struct due {
	int64_t id, starts_at, persons;
	const char *public_id, *email, *type, *office, *street, *postal_code, *city, *tenant;
	const char *lang; /* of the pages the booking was made in */
};

static void
read_due(struct db_stmt *st, struct arena *a, void *row)
{
	struct due *d = row;

	db_cols_int64(st, 0, &d->id, &d->starts_at, &d->persons);
	db_cols_dup(st, 3, a, &d->public_id, &d->email, &d->type, &d->office, &d->street,
		    &d->postal_code, &d->city, &d->tenant, &d->lang);
}

/* Unix seconds of local midnight starting day `days`. */
static int
midnight(int64_t days, int64_t *out, struct err *e)
{
	struct civil_local l;
	char date[CIVIL_DATE_LEN + 1], s[CIVIL_DATE_LEN + 8];

	civil_day(days, &l);
	civil_format_date(&l, date);
	snprintf(s, sizeof(s), "%sT00:00", date);
	if (civil_local_to_utc(s, out))
		return err_set(e, ERR_INTERNAL, NULL, "no local midnight on %s", s);
	return 0;
}

/* The reminder of `d` for tenant `t`, on `db` inside the claim's transaction. */
static int
queue_mail(struct app *app, struct db *db, const struct tenant *t, const struct due *d,
	   const char *token, struct arena *a, struct err *e)
{
	struct view_val *data = view_map(a);
	struct buf link;
	struct mail m;
	int rc;

	buf_init(&link, 4096);
	rc = mail_link(app->mail, t, arena_printf(a, "/termin/%s?token=%s", d->public_id, token),
		       &link);
	view_set_text(data, "type", d->type);
	view_set_text(data, "location", d->office);
	view_set_text(data, "address",
		      arena_printf(a, "%s, %s %s", d->street, d->postal_code, d->city));
	view_set_text(data, "when", appt_when_label(app->view, d->lang, a, d->starts_at));
	view_set_int(data, "persons", d->persons);
	view_set_text(data, "booking_link", arena_strdup(a, link.p));
	buf_release(&link);
	if (rc)
		return err_set(e, ERR_TOOBIG, NULL, "reminder link too long");
	rc = mail_compose(app->mail, t, "appt_remind", d->lang, data, d->email, a, &m, e);
	return rc ? rc : mail_queue(app->mail, db, t, &m, NULL, e);
}

/* Claim `d` and queue its mail in one transaction; *queued is raised when it was ours. */
static int
remind_one(struct app *app, struct db *db, const struct due *d, int64_t now, struct arena *a,
	   int64_t *queued, struct err *e)
{
	char *token = arena_alloc(a, AUTH_TOKEN_LEN + 1), hash[65];
	struct tenant *t = NULL;
	int64_t changed = 0;
	int rc = tenant_find_by_slug(db, d->tenant, a, &t, e);

	if (rc)
		return rc;
	auth_token(token);
	auth_token_hash(token, hash);
	rc = db_begin(db, e);
	if (rc)
		return rc;
	rc = db_run_count(db, e, &changed, CLAIM_SQL, DB_INT(d->id), DB_INT(now), DB_TEXT(hash));
	if (rc == 0 && changed == 1) {
		rc = queue_mail(app, db, t, d, token, a, e);
		if (rc == ERR_INVALID || rc == ERR_TOOBIG) { /* an address the mailer refuses */
			log_warn("appt: no reminder for booking %lld: %s", (long long)d->id,
				 e->detail);
			rc = 0; /* the claim stays: no retry of a mail that cannot be sent */
		} else if (rc == 0) {
			(*queued)++;
		}
	}
	return db_end(db, rc, e);
}

int
appt_remind_due(struct app *app, struct db *db, int64_t now, int64_t *queued, struct err *e)
{
	struct civil_local today;
	struct arena a;
	int64_t from, to;
	struct due *v = NULL;
	size_t n = 0;
	int rc;

	*queued = 0;
	civil_local_at(now, &today);
	rc = midnight(today.days + 1, &from, e);
	if (rc == 0)
		rc = midnight(today.days + 2, &to, e);
	if (rc)
		return rc;
	arena_init(&a);
	rc = db_list_of(db, e, DUE_SQL, &a, read_due, &v, &n, DB_INT(from), DB_INT(to),
			DB_INT(REMIND_BATCH));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = remind_one(app, db, &v[i], now, &a, queued, e);
	arena_release(&a);
	if (*queued)
		log_info("appt: %lld reminder(s) queued", (long long)*queued);
	return rc;
}

/* The booking counters (appt_limit) and waiting lists of past days are of no use any more. */
static int
purge_past(struct db *db, int64_t now, struct err *e)
{
	struct civil_local today;
	char day[CIVIL_DATE_LEN + 1];
	int64_t n = 0;
	int rc;

	civil_local_at(now, &today);
	civil_format_date(&today, day);
	rc = db_run_count(db, e, &n, "DELETE FROM appt_limit WHERE day < $1", DB_TEXT(day));
	rc = job_purged(rc, n, "booking counters of past days");
	return rc ? rc : appt_wait_purge(db, today.days, e);
}

static int
remind_run(struct job_run *r, struct err *e)
{
	struct app *app = r->ctx;
	int64_t queued = 0, expired = 0;
	int rc = appt_expire_unconfirmed(r->db, r->now, &expired, e);

	if (expired)
		log_info("appt: %lld unconfirmed booking(s) cancelled", (long long)expired);
	if (rc == 0)
		rc = purge_past(r->db, r->now, e);
	if (rc == 0 && app->mail)
		rc = appt_remind_due(app, r->db, r->now, &queued, e);
	if (queued)
		jobs_nudge(app->jobs);
	return rc;
}

static const struct job_kind remind_kind = {.name = "appt.remind", .run = remind_run};

const struct job_every appt_remind_every = {&remind_kind, APPT_REMIND_EVERY_S};
