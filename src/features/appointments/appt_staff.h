/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * appt_staff: what the staff pages of the appointments share, below appt.h.
 * Storage (appt_staff_store.c: bookings, visits, calls, figures;
 * appt_block.c: blocked times) takes `const struct tenant *` and reads only
 * that tenant's rows, so an id of another tenant finds nothing; the pages
 * (appt_staff.c, appt_staff_day.c, appt_staff_block.c, appt_staff_csv.c,
 * appt_staff_stats.c, appt_call.c) call nothing but these and appt.h.
 */
#ifndef RATHAUS_APPT_STAFF_H
#define RATHAUS_APPT_STAFF_H

#include "features/appointments/appt.h"

struct buf;
struct rq;
struct view_val;

/* Where a booking stands; APPT_BOOKED and APPT_CANCELLED come from the booking itself. */
enum appt_status {
	APPT_BOOKED,
	APPT_CHECKED_IN,
	APPT_CALLED,
	APPT_DONE,
	APPT_NO_SHOW,
	APPT_CANCELLED,
};
#define APPT_STATUS_N 6

/* "booked", "checked_in", ... as stored and posted; "" for an unknown value. */
const char *appt_status_name(enum appt_status s);
/* The status named `s`; ERR_INVALID for anything else. */
int appt_status_parse(const char *s, enum appt_status *out) MUST_CHECK;
/* Whether staff may move a booking from `from` to `to`. */
bool appt_status_may(enum appt_status from, enum appt_status to);

/* A desk name as shown on the call display ("Platz 3"). */
#define APPT_DESK_MAX 20
/* A block's note ("Teambesprechung"). */
#define APPT_NOTE_MAX 120
/* Days one block, one view or one statistics query may span. */
#define APPT_STAFF_DAYS_MAX 366

/* One booking as staff see it. */
struct appt_entry {
	int64_t id;
	int64_t starts_at, ends_at, created_at;
	int persons;
	int units; /* grid units held from starts_at */
	const char *type_name, *name, *email, *phone;
	enum appt_status status;
	int number;	    /* the call number of the day; 0 before the first change */
	const char *desk;   /* "" unless called */
	int64_t changed_at; /* when the current status was set; 0 for booked */
	bool conflict;	    /* set by appt_entries_mark(): a unit of it is closed */
};

/*
 * The bookings of location `loc` of `t` starting in [from, to) (Unix
 * seconds), cancelled ones included, by start.  *out lives in `a`.
 */
int appt_entries_load(struct db *db, const struct tenant *t, const struct appt_location *loc,
		      int64_t from, int64_t to, struct arena *a, struct appt_entry **out, size_t *n,
		      struct err *e) MUST_CHECK;

/* Mark each open booking of v[] that holds a grid unit the schedule of `loc` closes. */
void appt_entries_mark(const struct appt_location *loc, struct appt_entry *v, size_t n);

/*
 * Move booking `id` of `t` at `loc` to status `to` at `now` by staff user
 * `user_id`; `desk` is kept with APPT_CALLED.  The first change draws the
 * booking's call number.  Returns 0, ERR_NOTFOUND (no such booking of the
 * tenant at the location), ERR_CONFLICT ("appt.staff.err.cancelled" or
 * "appt.staff.err.step": not allowed from its current status) or ERR_DB.
 */
int appt_status_set(struct db *db, const struct tenant *t, const struct appt_location *loc,
		    int64_t id, enum appt_status to, const char *desk, int64_t now, int64_t user_id,
		    struct err *e) MUST_CHECK;

/* A blocked time: the same interval on each day from first to last. */
struct appt_block {
	int64_t id;
	int64_t first, last; /* local days since 1970-01-01 */
	int opens, closes;   /* minutes since local midnight */
	const char *note;
};

/* The blocks of `loc` of `t` that touch local days first..last.  *out lives in `a`. */
int appt_blocks_load(struct db *db, const struct tenant *t, const struct appt_location *loc,
		     int64_t first, int64_t last, struct arena *a, struct appt_block **out,
		     size_t *n, struct err *e) MUST_CHECK;

/*
 * Block `b` (its id is set) at `loc` of `t`: its places leave the public
 * slots at once.  Returns 0, ERR_INVALID ("appt.staff.err.block": times or
 * days out of order, more than APPT_STAFF_DAYS_MAX days) or ERR_DB.
 */
int appt_block_add(struct db *db, const struct tenant *t, const struct appt_location *loc,
		   struct appt_block *b, int64_t user_id, int64_t now, struct err *e) MUST_CHECK;

/* Delete block `id` of `loc` of `t`.  Returns 0, ERR_NOTFOUND or ERR_DB. */
int appt_block_delete(struct db *db, const struct tenant *t, const struct appt_location *loc,
		      int64_t id, struct err *e) MUST_CHECK;

/* The figures of one appointment type over a range. */
struct appt_stat {
	const char *type_name; /* NULL in the total */
	int64_t bookings;      /* made for the range, cancelled ones included */
	int64_t cancelled, no_shows, done;
	int64_t lead_seconds; /* sum of (start - booked at) over the bookings */
};

/*
 * The figures per type of the bookings of `t` starting in [from, to), at
 * location `office_id` or at all (0); *total sums them.  *out lives in `a`.
 */
int appt_stats_load(struct db *db, const struct tenant *t, int64_t office_id, int64_t from,
		    int64_t to, struct arena *a, struct appt_stat **out, size_t *n,
		    struct appt_stat *total, struct err *e) MUST_CHECK;

/* A call of the call display: a number and a desk, never a name. */
struct appt_call {
	int number;
	const char *desk;
	int64_t called_at;
};

/* The calls at `loc` of `t` since `since`, newest first, at most `max`.  In `a`. */
int appt_calls_load(struct db *db, const struct tenant *t, const struct appt_location *loc,
		    int64_t since, size_t max, struct arena *a, struct appt_call **out, size_t *n,
		    struct err *e) MUST_CHECK;

/* Unix seconds of local midnight starting day `days`. */
int64_t appt_day_start(int64_t days);

/* ---- Pages ------------------------------------------------------------ */

/* The body limit of the staff forms. */
#define APPT_STAFF_FORM_MAX 4096

/* Whether the user may use the staff pages of the appointments; else 403 was answered. */
bool appt_staff_allowed(struct rq *q);
/* The location named by the path parameter "location"; NULL when a 404 was answered. */
struct appt_location *appt_staff_location(struct rq *q);
/* The local day of ?datum=YYYY-MM-DD, today without it; false when 400 was answered. */
bool appt_staff_day(struct rq *q, const char *name, int64_t *days);
/* "HH:MM" of instant `utc`, in the request arena. */
const char *appt_staff_time(struct rq *q, int64_t utc);
/* The breadcrumbs Verwaltung › Termine [› `label`] on the page. */
void appt_staff_crumbs(struct rq *q, const char *label);

/*
 * Render the day `day` of `loc`: bookings with their status forms, blocked
 * times, links.  Set "error" on q->page before to show a form's error.
 */
void appt_staff_day_render(struct rq *q, const struct appt_location *loc, int64_t day);

/* Routes of the parts. */
void appt_staff_day_register(struct app *app);
void appt_staff_block_register(struct app *app);
void appt_staff_csv_register(struct app *app);
void appt_staff_stats_register(struct app *app);
void appt_call_register(struct app *app);

#endif
