/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the files of the events feature share.  The recurrence rules
 * (ev_recur.c) and the calendar query (ev_query.c) are pure and tested and
 * fuzzed on their own; storage is ev_store.c, pages ev_routes.c and
 * ev_page.c, iCalendar and Atom ev_ics.c and ev_atom.c, the editorial kind
 * ev_edit.c.
 */
#ifndef RATHAUS_EV_INT_H
#define RATHAUS_EV_INT_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "features/events/events.h"
#include "tenant/tenant.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct rq;

/* ---- Recurrence (ev_recur.c, no database) -------------------------------- */

#define EV_RRULE_MAX 200    /* bytes of an RRULE */
#define EV_EXDATES_MAX 100  /* exception dates of one event */
#define EV_OCC_MAX 800	    /* occurrences expanded per event */
#define EV_HORIZON_DAYS 730 /* open-ended rules are expanded this far past now */
#define EV_SPAN_DAYS 31	    /* the longest single occurrence */

enum ev_freq { EV_ONCE, EV_WEEKLY, EV_MONTHLY };

/*
 * The RRULE subset: FREQ=WEEKLY with BYDAY (weekdays, no ordinals), or
 * FREQ=MONTHLY by day of month (BYMONTHDAY=1..31, one value) or by nth
 * weekday (BYDAY=1MO..4MO or -1MO, one value); INTERVAL 1..12; COUNT
 * 1..EV_OCC_MAX or UNTIL (a date YYYYMMDD, or a date-time whose date counts),
 * not both; WKST.  Each part at most once.
 */
struct ev_rrule {
	enum ev_freq freq;
	int interval;
	int count;	   /* 0: none */
	int64_t until_day; /* local day, inclusive; -1: none */
	unsigned weekdays; /* bit 1 << (1..7), ISO weekdays, for WEEKLY */
	int monthday;	   /* 1..31, 0: none */
	int nth;	   /* 1..4 or -1 with nth_weekday; 0: none */
	int nth_weekday;   /* 1..7 */
};

/*
 * Parse `s` (may be "" for a single event) into *out.  Returns 0 or
 * ERR_INVALID with a detail in `e`.
 */
int ev_rrule_parse(const char *s, struct ev_rrule *out, struct err *e);

/* The rule in canonical RRULE text (without UNTIL) into `out` (EV_RRULE_MAX + 64 bytes). */
void ev_rrule_format(const struct ev_rrule *r, bool with_until, char *out, size_t n);

/*
 * Parse "YYYY-MM-DD,YYYY-MM-DD..." (blanks around commas allowed) into
 * `days`, at most EV_EXDATES_MAX.  Returns 0 or ERR_INVALID.
 */
int ev_exdates_parse(const char *s, int64_t *days, size_t *n, struct err *e);

/* When an event takes place: the first occurrence and its rule. */
struct ev_when {
	const char *starts; /* local "YYYY-MM-DDTHH:MM" */
	const char *ends;   /* local "YYYY-MM-DDTHH:MM", after starts (all day: last day) */
	bool all_day;
	const char *rrule;   /* "" when it happens once */
	const char *exdates; /* "" or "YYYY-MM-DD,..." */
};

struct ev_occ {
	int64_t starts_at, ends_at; /* Unix seconds; all-day: local midnights */
	int64_t start_day, end_day; /* local days of start and (inclusive) end */
};

/*
 * Check `w`: dates and times well-formed, end after start, a span of at
 * most EV_SPAN_DAYS, the rule in the subset.  Returns 0 or ERR_INVALID with
 * the message key of the offending field in e->user ("ev.err.*").
 */
int ev_when_check(const struct ev_when *w, struct err *e);

/*
 * Expand `w` into its occurrences up to local day `horizon` (inclusive),
 * each at the same local wall-clock time (so a weekly 10:00 stays 10:00
 * across a change of summer time), leaving out exception dates.  *out is an
 * array of *n (at most EV_OCC_MAX) in arena `a`.  Returns 0 or ERR_INVALID.
 */
int ev_expand(const struct ev_when *w, int64_t horizon, struct arena *a, struct ev_occ **out,
	      size_t *n, struct err *e);

/* The instant of local midnight at the start of day `day` in Europe/Berlin. */
int64_t ev_local_midnight(int64_t day);
/* Today's local day in Europe/Berlin (reads the clock). */
int64_t ev_today(void);

/* ---- The calendar query (ev_query.c, no database) ------------------------ */

enum ev_view { EV_LIST, EV_DAY, EV_WEEK, EV_MONTH };
enum ev_format { EV_HTML, EV_ICS, EV_ATOM };

#define EV_LIST_DAYS 31	 /* the list view without a range: today and 30 days */
#define EV_RANGE_MAX 366 /* the longest range von..bis */

/* The query parameters as received (NULL when absent). */
struct ev_query_in {
	const char *ansicht, *datum, *von, *bis, *kategorie, *kostenlos, *barrierefrei, *format;
};

struct ev_query {
	enum ev_view view;
	enum ev_format format;
	int64_t anchor;	      /* the day the view is about */
	int64_t first, last;  /* local days, inclusive */
	bool ranged;	      /* von/bis given */
	const char *category; /* "" or one of ev_categories */
	bool free_only, accessible_only;
};

/*
 * Read the query against local day `today`.  Returns 0, or ERR_INVALID with
 * the parameter's name in e->detail (a 400 for the citizen).
 */
int ev_query_parse(const struct ev_query_in *in, int64_t today, struct ev_query *out,
		   struct err *e);

/* The categories, NULL-terminated; message keys "ev.cat.<key>". */
extern const char *const ev_categories[];
bool ev_category_valid(const char *s);

/* An event slug: 1..80 of [a-z0-9-], not starting or ending with '-'. */
bool ev_slug_valid(const char *s);

/* ---- Storage (ev_store.c) -------------------------------------------------- */

struct db;

/* An event with its published (or draft) fields; strings live in the arena. */
struct ev_event {
	int64_t id;
	const char *slug, *status, *title, *summary, *description;
	struct ev_when when;
	const char *office_slug; /* "" when the place is not an office */
	const char *office_name, *office_street, *office_postal, *office_city;
	const char *location_name, *location_address; /* free text and address */
	const char *organiser, *price, *accessibility, *category;
	const char *image_file, *image_alt; /* a public image of the file store */
	bool is_free, accessible;
	int64_t created_at, published_at, updated_at;
	const char *submitter_name, *submitter_email; /* of a club's submission, else "" */
	int64_t citizen_id; /* the citizen account a submission was made with, 0: none */
};

/* One occurrence on a calendar page. */
struct ev_row {
	const char *slug, *title, *summary, *category, *place;
	int64_t starts_at, ends_at, start_day, end_day, updated_at;
	bool all_day, is_free, accessible;
};

#define EV_ROWS_MAX 2000 /* occurrences in one iCalendar list */
#define EV_PAGE_ROWS 300 /* occurrences on one HTML page; the rest is a link away */

/*
 * The event `slug` of tenant `t`; with `published` only a published one.
 * *out lives in arena `a`.  Returns 0, ERR_NOTFOUND or ERR_DB.
 */
int ev_find(struct db *db, const struct tenant *t, const char *slug, bool published,
	    struct arena *a, struct ev_event **out, struct err *e);

/*
 * The occurrences of published events of `t` that overlap q's days and
 * pass its filters, by start, at most `limit`.  *out lives in `a`.
 */
int ev_rows(struct db *db, const struct tenant *t, const struct ev_query *q, size_t limit,
	    struct arena *a, struct ev_row **out, size_t *n, struct err *e);

/* The next `limit` occurrences of event `id` of `t` ending after `from`. */
int ev_dates(struct db *db, const struct tenant *t, int64_t id, int64_t from, size_t limit,
	     struct arena *a, struct ev_occ **out, size_t *n, struct err *e);

/* The `limit` most recently published events of `t`, newest first, for the feed. */
int ev_newest(struct db *db, const struct tenant *t, size_t limit, struct arena *a,
	      struct ev_event **out, size_t *n, struct err *e);

/* A draft event `slug` with `title` (no-op when the slug exists); *added tells. */
int ev_draft_add(struct db *db, const struct tenant *t, const char *slug, const char *title,
		 int64_t now, bool *added, struct err *e) MUST_CHECK;

/*
 * Publish `ev` (by ev->slug, which must exist for `t`): write its fields and
 * replace its occurrences, expanded to EV_HORIZON_DAYS past `now`.  Run it
 * inside a transaction.  Returns 0, ERR_NOTFOUND, ERR_INVALID or ERR_DB.
 */
int ev_publish(struct db *db, const struct tenant *t, const struct ev_event *ev, int64_t now,
	       struct err *e) MUST_CHECK;

/*
 * A club's submission: a row of status 'submitted' with ev's fields and the
 * submitter, under a slug made unique from ev->slug; *slug is the one used
 * (in arena `a`).  Returns 0 or ERR_DB / ERR_CONFLICT (no free slug).
 */
int ev_submission_add(struct db *db, const struct tenant *t, const struct ev_event *ev, int64_t now,
		      struct arena *a, const char **slug, struct err *e) MUST_CHECK;

/* ---- Pages ----------------------------------------------------------------- */

/* iCalendar (ev_ics.c): one event with its rule, or the occurrences of a list. */
int ev_ics_event(struct rq *q, const struct ev_event *ev, const char *url, struct buf *out);
int ev_ics_list(struct rq *q, const struct ev_row *v, size_t n, struct buf *out);
/* The Atom feed of newly published events (ev_atom.c). */
void ev_atom(struct rq *q);
/* Local "YYYY-MM-DD" of day `days`, in arena `a`. */
const char *ev_day_iso(struct arena *a, int64_t days);

/* The event page and its .ics (ev_page.c). */
void ev_page(struct rq *q);

/* The public submission form and the staff's rejection (ev_submit.c). */
void ev_submit_register(struct app *app);
/*
 * When event ev->slug of `t` is a club's submission, queue the mail that
 * tells the submitter it is published, with the link to its page (German,
 * the portal's first language: the submitter's is not known).  Inside the
 * publishing transaction, before the row changes.  Returns 0 or an error.
 */
int ev_approval_mail(struct db *db, const struct tenant *t, const struct ev_event *ev,
		     struct err *e) MUST_CHECK;

/* Trusted organisers and the confirmation link of their submissions (ev_trust.c). */
void ev_trust_register(struct app *app);
/* Whether `email` (any case) is a trusted organiser of `t`. */
int ev_trusted(struct db *db, const struct tenant *t, const char *email, struct arena *a, bool *out,
	       struct err *e) MUST_CHECK;
/*
 * Give submission `slug` of q->tenant a fresh single-use confirmation token
 * and queue the mail with its link to `email`, inside the caller's
 * transaction.  Returns 0 or an error.
 */
int ev_confirm_request(struct rq *q, const char *slug, const char *name, const char *email,
		       int64_t now) MUST_CHECK;

/* The citizen's own submissions at /konto/veranstaltungen (ev_mine.c). */
void ev_mine_register(struct app *app);
/* The same for the citizen's data export, on every tenant (struct feature's citizen_data). */
int ev_citizen_data(struct rq *q, int64_t citizen_id, json_t *doc);
/* The account member: "Meine Veranstaltungen". */
void ev_account_links(struct rq *q, struct view_val *links);

/* The posted event form as a snapshot, checked (ev_edit.c); problems go to `errors`. */
struct ed_errors;
json_t *ev_form_snapshot(struct rq *q, struct ed_errors *errors);
/* The event of snapshot `snap` under `slug`; strings borrowed from `snap`. */
void ev_of_snapshot(json_t *snap, const char *slug, struct ev_event *ev);
/* A slug from a title (umlauts spelt out), in the request arena. */
const char *ev_slug_of(struct rq *q, const char *title);

/* The editorial kind (ev_edit.c). */
struct ed_kind;
extern const struct ed_kind ev_edit_kind;

#endif
