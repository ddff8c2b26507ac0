/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * appt: online appointments at a tenant's offices (locations), for
 * appointment types linked to catalogue services.
 *
 * The slot logic (appt_slots.c) is pure: it takes a location's weekly
 * schedule, dated exceptions, the Land for public holidays and the booked
 * grid units, and touches no database, so it is tested on its own.  A
 * location divides each day into grid units of slot_minutes; a unit's
 * capacity is the number of counters open then.  A booking holds one counter
 * for as many consecutive units as its persons times the type's minutes plus
 * the type's buffer need.  Local times are Europe/Berlin (core/civil.h).
 *
 * Storage (appt_store.c) takes `const struct tenant *` and reads only that
 * tenant's rows.  No overbooking is enforced inside the booking transaction
 * by a conditional UPDATE of each unit's counter (appt_book()), never by a
 * read followed by a write in C.
 */
#ifndef RATHAUS_APPT_H
#define RATHAUS_APPT_H

#include "app/feature.h"
#include "core/arena.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Grid units of one day: 1440 / 5, the finest grid. */
#define APPT_DAY_UNITS_MAX 288
/* Days one slot query may span: more is refused (400). */
#define APPT_QUERY_DAYS_MAX 62
/* No start lies later than 2200-01-01 (Unix seconds): keeps local-time arithmetic in range. */
#define APPT_START_MAX INT64_C(7258118400)
/* The ISO 8601 instant with offset "2026-03-29T09:15:00+02:00". */
#define APPT_ISO_LEN 25

/* ---- Slots (appt_slots.c, no database) ---------------------------------- */

/* A window of a weekday (weekly) or of a date (exception). */
struct appt_window {
	int weekday;	   /* 1 = Monday .. 7 = Sunday; 0 for exceptions */
	int64_t days;	   /* the date of an exception (days since 1970-01-01) */
	int opens, closes; /* minutes since local midnight, opens < closes */
	int counters;	   /* open counters; 0 in an exception blocks the interval */
};

struct appt_schedule {
	int slot_minutes;		  /* the grid: 5..120, divides a day */
	const struct appt_window *weekly; /* weekly rows */
	size_t n_weekly;
	const struct appt_window *exceptions; /* dated rows */
	size_t n_exceptions;
	const char *land; /* "01".."16": closed on its public holidays; NULL: none */
};

/* A grid unit with bookings: its start and counters (from appt_unit rows). */
struct appt_unit {
	int64_t starts_at; /* Unix seconds */
	int capacity, booked;
};

/* A bookable start and how many one-person bookings of the type still fit. */
struct appt_slot {
	int64_t starts_at, ends_at; /* Unix seconds; ends_at without the buffer */
	int free;
};

/*
 * The counters open in each grid unit of local day `days`, into cap[]
 * (1440 / slot_minutes entries): exception rows with counters > 0 replace the
 * weekly rows of that day and open a holiday; otherwise a public holiday of
 * the Land is closed; blocking rows (counters 0) close their units.
 */
void appt_day_capacity(const struct appt_schedule *s, int64_t days, int *cap);

/* Grid units a booking of `persons` at `minutes` each plus `buffer` holds. */
int appt_units_needed(int slot_minutes, int minutes, int persons, int buffer);

/*
 * The bookable starts of local day `days` for a booking of `units` grid
 * units (ends_at `minutes` after the start), into `out` (at most `max`);
 * `booked` are the units with bookings, sorted by starts_at (n_booked of
 * them, other days allowed).  A start whose units are not all open, or whose
 * local times do not exist (the hour skipped in spring), is left out; so are
 * starts with free == 0 unless `with_full`.  Returns how many were written.
 */
size_t appt_day_slots(const struct appt_schedule *s, int64_t days, int units, int minutes,
		      const struct appt_unit *booked, size_t n_booked, bool with_full,
		      struct appt_slot *out, size_t max);

/* `utc` as ISO 8601 local time with its offset into `out` (APPT_ISO_LEN + 1). */
void appt_format_iso(int64_t utc, char *out);

/*
 * An instant "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or "+HH:MM" / "-HH:MM"
 * into Unix seconds.  Returns 0 or ERR_INVALID.
 */
int appt_parse_iso(const char *s, int64_t *out) MUST_CHECK;

/* ---- Requests (appt_request.c, no database) ----------------------------- */

#define APPT_NAME_MAX 120
#define APPT_EMAIL_MAX 254
#define APPT_SLUG_MAX 63

struct db;
struct appt_booking;

/* A booking as the API receives it; strings live in the arena given to the parser. */
struct appt_request {
	const char *type, *location; /* slugs */
	int64_t starts_at;
	int persons; /* 1..APPT_PERSONS_MAX */
	const char *name, *email, *phone;
	/*
	 * Called inside the booking's transaction once its row is written (the
	 * confirmation mail goes into the outbox there), or NULL; an error
	 * rolls the booking back.
	 */
	int (*on_booked)(struct db *db, const struct appt_booking *b, void *cls, struct err *e);
	void *cls;
	/*
	 * With `limits`, the booking counts against the tenant's daily limits
	 * per e-mail address and per `client_ip` (may be NULL: not counted);
	 * off by the installation's booking_limits = off (load tests).
	 */
	bool limits;
	const char *client_ip;
	int64_t citizen_id; /* the citizen account booking, 0: none */
	/* No confirmation by link even if the tenant asks for one (an account's verified address).
	 */
	bool confirmed;
	const char *lang; /* the language of the reminder; NULL: "de" */
};

#define APPT_PERSONS_MAX 10
#define APPT_PHONE_MAX 40

/*
 * The key a booking counts against in appt_limit: the hex BLAKE2b (65
 * bytes with the NUL) of tenant, local day "YYYY-MM-DD", kind ("email" or
 * "ip") and the value, an e-mail address in lower case or an IP address
 * (IPv6 cut to its /64 network, where one connection gets its addresses).
 */
void appt_limit_key(int64_t tenant_id, const char *day, const char *kind, const char *value,
		    char *out);

/*
 * Parse the JSON body of POST /api/v1/appointments (`len` bytes, need not
 * be NUL-terminated) into *out.  Returns 0, or ERR_INVALID with e->user a
 * message key saying which field is wrong (German and English catalogues).
 */
int appt_request_parse(const char *body, size_t len, struct arena *a, struct appt_request *out,
		       struct err *e) MUST_CHECK;

/* ---- Calendar (appt_ics.c, no database) --------------------------------- */

struct buf;

/* One booking as a calendar event; text is UTF-8 and escaped when rendered. */
struct appt_ics {
	const char *uid; /* globally unique: "<public id>@<host>" */
	int64_t stamp;	 /* when the object was made, Unix seconds */
	int64_t starts_at, ends_at;
	const char *summary, *location, *description;
	int sequence; /* SEQUENCE: raised with each move of the booking (same UID) */
};

/*
 * Append `ev` as an iCalendar object (RFC 5545: CRLF, folded lines, times in
 * UTC) to `out`.  Returns 0 or ERR_TOOBIG when `out` is full.
 */
int appt_ics_render(const struct appt_ics *ev, struct buf *out) MUST_CHECK;

/* ---- Storage (appt_store.c, appt_book.c) -------------------------------- */

struct appt_type {
	int64_t id;
	const char *slug, *name, *leika;
	int minutes, buffer_minutes, persons_max;
	const char **locations; /* office slugs */
	size_t n_locations;
};

struct appt_location {
	int64_t office_id;
	const char *slug, *name;
	int lead_days;
	struct appt_schedule schedule;
};

/* The tenant's appointment types with their locations, in order.  In arena `a`. */
int appt_types_list(struct db *db, const struct tenant *t, struct arena *a, struct appt_type **out,
		    size_t *n, struct err *e) MUST_CHECK;

/*
 * Type `type_slug` offered at location `office_slug` of tenant `t`, and the
 * location with its schedule.  In arena `a`.  Returns 0, ERR_NOTFOUND or ERR_DB.
 */
int appt_find(struct db *db, const struct tenant *t, const char *type_slug, const char *office_slug,
	      struct arena *a, struct appt_type **type, struct appt_location **loc,
	      struct err *e) MUST_CHECK;

/* The units with bookings of location `office_id` in [from, to), by start.  In `a`. */
int appt_units_load(struct db *db, int64_t office_id, int64_t from, int64_t to, struct arena *a,
		    struct appt_unit **out, size_t *n, struct err *e) MUST_CHECK;

/*
 * The free slots of `type` at `loc` from local day `first` to `last`
 * (inclusive), clipped to the booking window of the tenant as seen at `now`;
 * `free` counts one-person bookings.  *out lives in `a`.
 */
int appt_slots_range(struct db *db, const struct tenant *t, const struct appt_type *type,
		     const struct appt_location *loc, int64_t first, int64_t last, int64_t now,
		     struct arena *a, struct appt_slot **out, size_t *n, struct err *e) MUST_CHECK;

/* A confirmed booking. */
struct appt_booking {
	const char *public_id; /* 22 characters, base64url */
	const char *token;     /* the cancel token, shown once; only its hash is kept */
	int64_t starts_at, ends_at;
	const struct appt_type *type;
	const struct appt_location *loc;
	int revision;	    /* 0 when booked, raised by each move */
	int64_t confirm_by; /* the deadline of the mailed confirmation; 0: none needed */
};

/*
 * Book `r` for tenant `t` at `now`: the start must be a slot of the type at
 * the location inside the booking window.  Each grid unit's counter is
 * raised by a conditional UPDATE in one transaction; a busy SQLite is
 * retried.  With r->limits the daily counters of the e-mail address and the
 * client IP (appt_limit) are raised the same way first.  Returns 0 with *out
 * in `a`, ERR_CONFLICT ("appt.slot_taken") when a unit is full,
 * ERR_RATELIMIT ("appt.err.limit_email" / "appt.err.limit_ip") when a daily
 * limit is reached, ERR_NOTFOUND, ERR_UNPROCESSABLE (not a slot, too many
 * persons) or ERR_DB.
 */
int appt_book(struct db *db, const struct tenant *t, const struct appt_request *r, int64_t now,
	      struct arena *a, struct appt_booking *out, struct err *e) MUST_CHECK;

/*
 * Who may see and cancel a booking: the holder of its cancel token or the
 * reminder's (appt_remind.c), or with `token` NULL the citizen account
 * that made it.
 */
struct appt_holder {
	const char *token;
	int64_t citizen_id;
};

/* A place freed by a cancellation, offered to the first citizen waiting for its day. */
struct appt_offer {
	const char *email, *lang, *token; /* the waiting citizen; the token leaves the list */
	int64_t day;			  /* days since 1970-01-01, local */
	const char *type_slug, *type_name, *office_slug, *office_name;
};
typedef int appt_offer_fn(struct db *db, const struct appt_offer *o, void *cls, struct err *e);

/*
 * Cancel booking `public_id` of `t` for holder `h`: cancelling voids both
 * tokens and gives the places back.  With `offer`, the freed place is
 * offered in the same transaction to the earliest entry of the waiting list
 * of its type, location and day (appt_wait.c), which offer() tells (the
 * mail); an error of offer() rolls the cancellation back.  Returns 0,
 * ERR_NOTFOUND (unknown, cancelled, begun or wrong holder) or ERR_DB.
 */
int appt_cancel(struct db *db, const struct tenant *t, const char *public_id,
		const struct appt_holder *h, int64_t now, appt_offer_fn *offer, void *cls,
		struct arena *a, struct err *e) MUST_CHECK;

/*
 * Confirm booking `public_id` of `t` by the token of its mail before the
 * deadline: 0 (also when it was confirmed already), ERR_NOTFOUND (unknown,
 * cancelled, wrong token) or ERR_CONFLICT (too late: the place is given back).
 */
int appt_confirm(struct db *db, const struct tenant *t, const char *public_id, const char *token,
		 int64_t now, struct err *e) MUST_CHECK;
/* Cancel the bookings whose confirmation deadline passed before `now`; *n counts them. */
int appt_expire_unconfirmed(struct db *db, int64_t now, int64_t *n, struct err *e) MUST_CHECK;

/* Open entries of one address on the waiting lists of a tenant at most. */
#define APPT_WAIT_PER_EMAIL 5

/*
 * Put `email` on the waiting list of `type` at `loc` for local day `day`
 * (again: a new token); `token` receives the token of the link that leaves
 * the list.  ERR_RATELIMIT when the address waits for APPT_WAIT_PER_EMAIL
 * days already.  The caller checks the day and the address.
 */
int appt_wait_add(struct db *db, const struct tenant *t, const struct appt_type *type,
		  const struct appt_location *loc, int64_t day, const char *email, const char *lang,
		  int64_t now, char *token, struct err *e) MUST_CHECK;
/* Leave the waiting list by the token of its last mail: 0 or ERR_NOTFOUND. */
int appt_wait_leave(struct db *db, const struct tenant *t, const char *token,
		    struct err *e) MUST_CHECK;
/* Offer the place booking `public_id` freed (see appt_cancel()); in the caller's transaction. */
int appt_wait_offer(struct db *db, const struct tenant *t, const char *public_id, int64_t now,
		    appt_offer_fn *offer, void *cls, struct arena *a, struct err *e) MUST_CHECK;
/* Delete the entries of days before `today`. */
int appt_wait_purge(struct db *db, int64_t today, struct err *e) MUST_CHECK;

/* A booking as its holder sees it. */
struct appt_view {
	int64_t starts_at, ends_at;
	int persons;
	const char *type_name, *office_name, *street, *postal_code, *city;
	int revision;			     /* moves so far: the calendar event's SEQUENCE */
	const char *type_slug, *office_slug; /* to offer other times of the same kind */
	int64_t confirm_by;		     /* waiting for the mailed link until then; 0: no */
};

/*
 * The open booking `public_id` of `t` for holder `h` (a token is not used
 * up).  *out lives in `a`.  Returns 0, ERR_NOTFOUND or ERR_DB.
 */
int appt_view_load(struct db *db, const struct tenant *t, const char *public_id,
		   const struct appt_holder *h, struct arena *a, struct appt_view *out,
		   struct err *e) MUST_CHECK;

/*
 * Move the open booking `public_id` of `t` (found by `token` as in
 * appt_cancel()) to `starts_at`, a slot of the same type at the same
 * location inside the booking window, at `now`.  In one transaction the old
 * grid units are given back and the new ones taken by the conditional
 * UPDATE of appt_book(), the booking row gets the new times, its revision
 * raised and its reminder reset, and `on_moved` (may be NULL) is called
 * with the moved booking (b->token is `token`) to queue its mail; when a
 * new unit is full everything rolls back and the booking keeps its time.
 * *out (in `a`) is the moved booking, *old_start its former start.  Returns
 * 0, ERR_NOTFOUND ("appt.err.cancel"), ERR_CONFLICT ("appt.slot_taken"),
 * ERR_UNPROCESSABLE (not a slot, outside the window, the same time) or
 * ERR_DB.
 */
int appt_reschedule(struct db *db, const struct tenant *t, const char *public_id, const char *token,
		    int64_t starts_at, int64_t now,
		    int (*on_moved)(struct db *db, const struct appt_booking *b, void *cls,
				    struct err *e),
		    void *cls, struct arena *a, struct appt_booking *out, int64_t *old_start,
		    struct err *e) MUST_CHECK;

/*
 * The demo: Lünen's Bürgerbüro (office "buergerbuero" of tenant "luenen")
 * as a location with three types, Monday to Friday.  Idempotent.
 */
int appt_demo_load(struct db *db, const struct tenant *t, struct err *e) MUST_CHECK;

/* ---- Routes (appt_api.c) ------------------------------------------------- */

/* /api/v1/appointments/types, /slots, POST and DELETE /api/v1/appointments. */
extern const struct feature appt_feature;

struct rq;

/*
 * Answer the calendar file (RFC 5545) of booking `public_id` seen as `v`:
 * 0, or the error the caller answers (the body may hold part of it).
 */
int appt_ics_answer(struct rq *q, const char *public_id, const struct appt_view *v) MUST_CHECK;
/* The calendar object of booking `public_id` seen as `v` (strings in the request arena). */
void appt_ics_fill(struct rq *q, const char *public_id, const struct appt_view *v,
		   struct appt_ics *out);

/* ---- Citizen pages (appt_web.c) and mail (appt_mail.c) ----------------- */

/* /termine: types, a week of free slots, the booking form, the booking and its cancellation. */
void appt_web_register(struct app *app);

/* Shared by the pages (appt_web.c, appt_web_book.c). */
void appt_web_book_register(struct app *app);
/* Whether the tenant books appointments; else a 404 page was answered. */
bool appt_web_enabled(struct rq *q);
/* The session's CSRF token on the page; the page is then private and not stored. */
void appt_web_session(struct rq *q);
/* "Mittwoch, 09.12.2026" of local day `days`, in the request arena. */
const char *appt_web_day_label(struct rq *q, int64_t days);
/* "YYYY-MM-DD" of local day `days`, in the request arena. */
const char *appt_web_date(struct rq *q, int64_t days);
/* "Mittwoch, 09.12.2026, 09:15 Uhr" of the instant `utc`, in the request arena. */
const char *appt_web_when(struct rq *q, int64_t utc);
/* As appt_web_day_label() and appt_web_when() outside a request (mails of a job). */
struct view;
const char *appt_day_label(const struct view *v, const char *lang, struct arena *a, int64_t days);
const char *appt_when_label(const struct view *v, const char *lang, struct arena *a, int64_t utc);
/*
 * The week of free slots of `type` at `loc` from ?ab=DATE (default today)
 * into the page: "days" with slot links "<base>?<keep>start=N", "prev" and
 * "next" as "?<keep>ab=DATE", "type" and "location".  `keep` is "" or query
 * parameters ending in '&'; the start `skip` (a booking's own, or 0) is
 * left out.  Returns 0, or an error the caller answers.
 */
int appt_web_week_fill(struct rq *q, const struct appt_type *type, const struct appt_location *loc,
		       const char *base, const char *keep, int64_t skip) MUST_CHECK;
/* "/termine/<type>/<location>", the week of free slots. */
const char *appt_web_week_path(struct rq *q, const char *type, const char *loc);
/*
 * The page of booking `id` seen as `v`: for the holder of `token` with the
 * links that carry it, or (token NULL) for its citizen account under
 * /konto/termine.
 */
void appt_web_booking(struct rq *q, const char *id, const struct appt_view *v, const char *token);
/* POST .../absagen of booking :id for holder `h`: the answer page, or the failure. */
void appt_web_cancel(struct rq *q, const struct appt_holder *h);
/* The waiting list's pages (appt_web_wait.c) and the account's bookings (appt_mine.c). */
void appt_web_wait_register(struct app *app);
void appt_mine_register(struct app *app);
/* The citizen_data member of the feature: the account's bookings for its data export. */
struct json_t;
int appt_citizen_data(struct rq *q, int64_t citizen_id, struct json_t *doc);
/* The account member: "Meine Termine" where the tenant offers appointments. */
struct view_val;
void appt_account_links(struct rq *q, struct view_val *links);

/* What the confirmation mail needs besides the booking. */
struct appt_mail {
	struct rq *q;
	const char *to;	   /* the booking's e-mail address */
	bool queued;	   /* set when a mail went into the outbox */
	int64_t old_start; /* a moved booking's former start (appt_mail_moved) */
};

/*
 * The on_booked hook of a request whose cls is a struct appt_mail: queue
 * the confirmation with the booking's link.  Without a mailer: nothing.
 */
int appt_mail_booked(struct db *db, const struct appt_booking *b, void *cls, struct err *e);

/* The on_moved hook of appt_reschedule(): the mail with the former and the new time. */
int appt_mail_moved(struct db *db, const struct appt_booking *b, void *cls, struct err *e);

/* After the booking committed: wake the mail worker if a mail was queued. */
void appt_mail_sent(const struct appt_mail *m);
/* The appt_offer_fn of appt_cancel() whose cls is a struct appt_mail: the offer to the waiting. */
int appt_mail_offer(struct db *db, const struct appt_offer *o, void *cls, struct err *e);
/* The mail that confirms an entry on the waiting list `o` (o->token leaves it). */
int appt_mail_waiting(struct db *db, const struct appt_offer *o, void *cls, struct err *e);

/* ---- Reminders (appt_remind.c) ------------------------------------------ */

/* How often the 'appt.remind' job looks for bookings of the next day. */
#define APPT_REMIND_EVERY_S 900

/*
 * Queue the reminder of every open booking (of any tenant) that starts on
 * the local day after `now` and has none yet: each booking is claimed by
 * UPDATE ... WHERE reminded_at IS NULL in the transaction that puts its
 * mail (with a second cancel token) into the outbox, so it is mailed once
 * whatever runs this at the same time.  *queued counts the mails.  Returns
 * 0 or ERR_DB.
 */
int appt_remind_due(struct app *app, struct db *db, int64_t now, int64_t *queued,
		    struct err *e) MUST_CHECK;

/* The recurring reminder job, the feature's .job. */
struct job_every;
extern const struct job_every appt_remind_every;

/* ---- Staff (appt_staff*.c) and the call display (appt_call.c) ----------- */

/*
 * The location `office_slug` of tenant `t` with its schedule, whatever types
 * it offers.  In arena `a`.  Returns 0, ERR_NOTFOUND or ERR_DB.
 */
int appt_location_find(struct db *db, const struct tenant *t, const char *office_slug,
		       struct arena *a, struct appt_location **out, struct err *e) MUST_CHECK;

/* The tenant's locations by name, without schedules.  *out lives in `a`. */
int appt_locations_list(struct db *db, const struct tenant *t, struct arena *a,
			struct appt_location **out, size_t *n, struct err *e) MUST_CHECK;

/*
 * /verwaltung/termine: day and week views, visit status, blocked times, CSV
 * export and statistics; and the public call display /termine/aufruf/:location.
 * Registered before /termine/:type/:location, which would take that path.
 */
void appt_staff_register(struct app *app);

#endif
