/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the files of the courses feature share: storage (crs_store.c),
 * booking, cancelling and the waiting list (crs_book.c), mail
 * (crs_mail.c), the list (crs_routes.c), the course page and its JSON-LD
 * (crs_page.c), iCalendar (crs_ics.c) and the booking pages (crs_web.c).
 */
#ifndef RATHAUS_CRS_INT_H
#define RATHAUS_CRS_INT_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "features/courses/courses.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct db;
struct rq;

#define CRS_SESSIONS_MAX 60 /* sessions of one course */
#define CRS_PAGE_SIZE 8	    /* courses on one list page */
#define CRS_PLACES_MAX 10   /* places of one booking */
#define CRS_NAME_MAX 120
#define CRS_EMAIL_MAX 254
#define CRS_PUBLIC_ID_LEN 22

/* The categories, NULL-terminated; message keys "crs.cat.<key>". */
extern const char *const crs_categories[];
bool crs_category_valid(const char *s);
/* A course slug: 1..80 of [a-z0-9-], not starting or ending with '-'. */
bool crs_slug_valid(const char *s);

struct crs_session {
	int64_t starts_at, ends_at; /* Unix seconds */
};

/* A course; strings live in the arena it was read into. */
struct crs_course {
	int64_t id;
	const char *slug, *title, *summary, *description, *provider, *category;
	const char *location_name, *location_address;
	int fee_cents, capacity, booked;
	int waiting; /* bookings on the waiting list (staff list only) */
	int64_t registration_opens, registration_closes;
	int64_t first_starts_at, last_ends_at, updated_at;
	struct crs_session *sessions;
	size_t n_sessions;
};

/* Whether registration for `c` is open at `now` (its period; full or not). */
bool crs_open_at(const struct crs_course *c, int64_t now);

/* ---- The staff's course form (crs_form.c, no database) ------------------ */

enum crs_field {
	CRS_F_TITLE,
	CRS_F_SLUG,
	CRS_F_SUMMARY,
	CRS_F_DESCRIPTION,
	CRS_F_PROVIDER,
	CRS_F_CATEGORY,
	CRS_F_FEE,
	CRS_F_CAPACITY,
	CRS_F_OPENS,
	CRS_F_CLOSES,
	CRS_F_PLACE,
	CRS_F_ADDRESS,
	CRS_F_SESSIONS,
	CRS_F_COUNT
};

/* The fields as typed (never NULL) and the message keys of their problems. */
struct crs_form {
	const char *value[CRS_F_COUNT];
	const char *error[CRS_F_COUNT];
	int n_errors;
};

/* Cents of "45", "45,5", "45,50" or "45.50"; -1 when malformed or above 100000 euros. */
int crs_fee_parse(const char *s);
/*
 * Sessions, one a line "YYYY-MM-DD HH:MM-HH:MM" in ascending order, into
 * `out` (CRS_SESSIONS_MAX); blank lines are skipped.  0, or -1 when a line
 * is malformed, ends before it starts, is out of order or there is none.
 */
int crs_sessions_parse(const char *s, struct crs_session *out, size_t *n);
/* Check f's values into *c (strings borrowed, sessions in `a`); problems go to f->error. */
void crs_form_check(struct crs_form *f, struct arena *a, struct crs_course *c);
/* The form of course `c` (with its sessions), strings in `a`. */
void crs_form_of(const struct crs_course *c, struct arena *a, struct crs_form *f);

/* ---- Storage (crs_store.c) ------------------------------------------------ */

/* The list query: "" or a category, open for registration only, page from 1. */
struct crs_filter {
	const char *category;
	bool open_only;
	int page;
};

/*
 * The published courses of `t` not yet over at `now` that pass `f`, by
 * first date, one page of CRS_PAGE_SIZE; *total counts all that pass.
 * Sessions are not loaded.  *out lives in `a`.
 */
int crs_list(struct db *db, const struct tenant *t, const struct crs_filter *f, int64_t now,
	     struct arena *a, struct crs_course **out, size_t *n, int64_t *total,
	     struct err *e) MUST_CHECK;

/* The published course `slug` of `t` with its sessions.  ERR_NOTFOUND, ERR_DB. */
int crs_find(struct db *db, const struct tenant *t, const char *slug, struct arena *a,
	     struct crs_course **out, struct err *e) MUST_CHECK;

/*
 * Add course `c` (by c->slug) with its sessions unless the slug exists;
 * *added tells.  Run it inside a transaction.
 */
int crs_add(struct db *db, const struct tenant *t, const struct crs_course *c, int64_t now,
	    bool *added, struct err *e) MUST_CHECK;

struct crs_booking;
/*
 * Called inside the transaction that booked, put on the waiting list or
 * moved up booking b of course c (the mail goes into the outbox there); an
 * error rolls it back.  `promoted` when a waiting booking got its places.
 */
typedef int crs_hook_fn(struct db *db, const struct crs_course *c, const struct crs_booking *b,
			bool promoted, void *cls, struct err *e);

/* ---- Staff storage (crs_staff_store.c) ----------------------------------- */

/* All courses of `t`, the newest first date first, with waiting counts.  In `a`. */
int crs_staff_list(struct db *db, const struct tenant *t, struct arena *a, struct crs_course **out,
		   size_t *n, struct err *e) MUST_CHECK;

/*
 * Write c's fields and sessions to the existing course c->slug of `t` and,
 * when places became free, move up the waiting list (`hook` per booking).
 * Runs its own transaction.  ERR_NOTFOUND, or ERR_CONFLICT
 * ("crs.staff.err.capacity_booked") when the capacity is below the places
 * booked.
 */
int crs_update(struct db *db, const struct tenant *t, const struct crs_course *c, int64_t now,
	       crs_hook_fn *hook, void *cls, struct arena *a, struct err *e) MUST_CHECK;

/* A booked or waiting booking for the staff. */
struct crs_entry {
	const char *name, *email;
	int places;
	bool waiting;
	int64_t created_at, promoted_at; /* promoted_at 0: booked at once */
};

/* The open bookings of course `id` of `t`: booked ones, then the waiting list in order. */
int crs_entries(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
		struct crs_entry **out, size_t *n, struct err *e) MUST_CHECK;

/* ---- Booking (crs_book.c) ------------------------------------------------- */

struct crs_booking {
	const char *public_id; /* CRS_PUBLIC_ID_LEN characters, base64url */
	const char *token;     /* the cancel token, shown once; only its hash is kept */
	const char *name, *email;
	int places;
	bool waiting; /* on the waiting list, not booked */
};

/* The hook of crs_hook_fn; on a booking moved up b->token is NULL (the holder has the first mail).
 */
typedef crs_hook_fn crs_hook;

/*
 * Book `places` of course `c` for name and email at `now`: inside the
 * registration period, raised by a conditional UPDATE in one transaction.
 * When the course is full, with `wait` the booking goes on the waiting
 * list, else ERR_CONFLICT ("crs.err.full").  ERR_UNPROCESSABLE when the
 * registration is closed.  *out lives in `a`.
 */
int crs_book(struct db *db, const struct tenant *t, const struct crs_course *c, const char *name,
	     const char *email, int places, bool wait, int64_t now, crs_hook *hook, void *cls,
	     struct arena *a, struct crs_booking *out, struct err *e) MUST_CHECK;

/*
 * Cancel booking `public_id` of `t` with its token (single use).  A booked
 * cancellation frees its places and moves up the waiting list, first come
 * first served, calling `hook` for each booking moved up.  ERR_NOTFOUND.
 */
/* Move up the waiting list of course `id` while the first in line fits (in a transaction). */
int crs_move_up(struct db *db, int64_t id, int64_t now, crs_hook *hook, void *cls, struct arena *a,
		struct err *e) MUST_CHECK;

int crs_cancel(struct db *db, const struct tenant *t, const char *public_id, const char *token,
	       int64_t now, crs_hook *hook, void *cls, struct arena *a, struct err *e) MUST_CHECK;

/* A booking as its holder sees it (open and with the right token). */
struct crs_view {
	const char *course_slug, *course_title, *name;
	int places;
	bool waiting;
	int position; /* on the waiting list, from 1 */
};

int crs_view_load(struct db *db, const struct tenant *t, const char *public_id, const char *token,
		  struct arena *a, struct crs_view *out, struct err *e) MUST_CHECK;

/* ---- Mail (crs_mail.c) ---------------------------------------------------- */

struct crs_mail {
	struct rq *q;
	bool queued;
};

/* The crs_hook of the web: confirmation, waiting-list or moved-up mail. */
int crs_mail_hook(struct db *db, const struct crs_course *c, const struct crs_booking *b,
		  bool promoted, void *cls, struct err *e);
/* After the transaction committed: wake the mail worker if a mail was queued. */
void crs_mail_sent(const struct crs_mail *m);

/* ---- Pages ---------------------------------------------------------------- */

/* "Mittwoch, 09.12.2026, 18:00–19:30 Uhr" of a session, in the request arena. */
const char *crs_session_text(struct rq *q, const struct crs_session *s);
/* "Mittwoch, 09.12.2026, 18:00 Uhr" of an instant, in the request arena. */
const char *crs_when(struct rq *q, int64_t utc);
/* "45,00 €" or "kostenfrei", in the request arena. */
const char *crs_fee_text(struct rq *q, int fee_cents);
/* The course page and its .ics (crs_page.c). */
void crs_page(struct rq *q);
/* All sessions of `c` as iCalendar (crs_ics.c). */
int crs_ics(struct rq *q, const struct crs_course *c, const char *url, struct buf *out);
/* The booking form, the booking's page and its cancellation (crs_web.c). */
void crs_web_register(struct app *app);

#endif
