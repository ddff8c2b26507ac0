/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reports: defect reports (Mängelmelder) of a tenant.  Citizens report a
 * broken street light, a pothole or illegal dumping in a category; staff
 * move a report through an append-only status history; everyone follows it
 * on public pages (/maengel, an Atom feed) and through Open311 GeoReport v2
 * (/open311/discovery.json|xml, /open311/v2/...).
 *
 * The public side shows no personal data: not the reporter's contact, and
 * not the text as written (it may hold names), only the text staff
 * approved.  The filter parser (rp_filter.c) is pure and fuzzed; XML is
 * written with core/xml.h; storage (rp_store.c) takes the tenant in every
 * call.
 */
#ifndef RATHAUS_REPORTS_H
#define RATHAUS_REPORTS_H

#include "app/feature.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

extern const struct feature reports_feature;

/* Open311 asks that a request's date range span at most 90 days. */
#define RP_RANGE_MAX_S (90 * 86400)
/* Reports of one answer: Open311 lists, the public list's page, the feed. */
#define RP_LIST_MAX 1000
#define RP_PAGE_SIZE 20
#define RP_FEED_SIZE 50
/* Ids of one Open311 query (service_request_id=1,2,3). */
#define RP_IDS_MAX 50
#define RP_CODE_MAX 64

enum rp_status {
	RP_RECEIVED = 1 << 0,
	RP_IN_PROGRESS = 1 << 1,
	RP_DONE = 1 << 2,
	RP_REJECTED = 1 << 3,
	RP_FORWARDED = 1 << 4,
};
#define RP_OPEN (RP_RECEIVED | RP_IN_PROGRESS | RP_FORWARDED)
#define RP_CLOSED (RP_DONE | RP_REJECTED)
#define RP_ALL (RP_OPEN | RP_CLOSED)

/* "received", ... for one status bit; NULL for anything else. */
const char *rp_status_name(unsigned st);
/* The bit of a stored name, or 0. */
unsigned rp_status_parse(const char *name);

/* What a list of reports is narrowed to; zeroed: everything. */
struct rp_filter {
	unsigned statuses;	    /* enum rp_status bits; 0: all */
	char code[RP_CODE_MAX + 1]; /* category code; "": all */
	int64_t since, until;	    /* created_at range, Unix seconds, inclusive */
	int64_t ids[RP_IDS_MAX];    /* report numbers; none: all */
	size_t n_ids;
	int64_t office_id;  /* responsible office; 0: any (staff list) */
	int64_t citizen_id; /* made by this account; 0: by anyone */
	bool any;	    /* also reports waiting for confirmation (staff) */
	/* With citizen_id: the account's reports on every portal (its own list), `t` unused. */
	bool every_tenant;
	/* Possible duplicates of report id near_of (rp_nearby()); 0: no such narrowing. */
	int64_t near_of;
	const char *near_plz; /* the same postal code, or */
	bool near_has_pos;    /* within near_box micro-degrees of near_lat, near_lon */
	int64_t near_lat, near_lon, near_box;
	int64_t offset, limit; /* limit 0: RP_LIST_MAX */
};

/*
 * The Open311 query of GET requests: `status` ("open", "closed", comma
 * separated), `service_code`, `start_date` and `end_date` (W3C date-times
 * as time_parse() reads them) and `service_request_id` (comma separated
 * numbers), each NULL when absent.  Without dates the range is the 90 days
 * before `now`; a range over 90 days or backwards is refused.  Returns 0
 * or ERR_INVALID with an English description in e->detail (Open311 errors
 * are for developers).
 */
int rp_filter_open311(const char *status, const char *code, const char *start, const char *end,
		      const char *ids, int64_t now, struct rp_filter *f, struct err *e) MUST_CHECK;

/*
 * A W3C date-time (ISO 8601 profile) as Unix seconds: "2026-11-05",
 * "2026-11-05T09:15", "...:30", "...:30.123", each with "Z" or an offset
 * "+01:00"/"+0100"; without one, the time is Europe/Berlin local.  False
 * when `s` is anything else or no real date.
 */
bool rp_time_parse(const char *s, int64_t *out);
/* Unix seconds as "2026-11-05T09:15:00Z" (21 bytes with the NUL). */

/* ---- Storage (rp_store.c) --------------------------------------------------- */

struct rp_category {
	int64_t id;
	const char *code, *name, *description, *group, *keywords;
	const char *attributes; /* JSON array text */
};

struct rp_report {
	int64_t id, number;
	const char *code, *category; /* category code and name */
	unsigned status;	     /* one enum rp_status bit */
	const char *public_text;     /* "" until approved */
	const char *note;	     /* newest public status note, "" if none */
	const char *street, *postal_code, *place;
	bool has_pos;
	int64_t lat_e6, lon_e6;
	const char *office; /* responsible office's name, "" if none */
	int64_t created_at, updated_at;
	bool unconfirmed; /* made with an email address whose link was not yet opened */
	const char *tenant_slug, *tenant_name; /* the portal the report is with */
	const char
		*photo; /* file id of the first photo, "" if none; public only with public_text */
};

struct rp_history {
	unsigned status;
	const char *note;
	int64_t at;
};

/* The active categories of `t` by position, in arena `a`. */
int rp_categories(struct db *db, const struct tenant *t, struct arena *a, struct rp_category **out,
		  size_t *n, struct err *e) MUST_CHECK;
/* One active category by code: 0 or ERR_NOTFOUND. */
int rp_category_find(struct db *db, const struct tenant *t, const char *code, struct arena *a,
		     struct rp_category **out, struct err *e) MUST_CHECK;
/*
 * The reports of `t` that pass `f`, newest first, in `a`.  *total (may be
 * NULL) counts all that pass, ignoring offset and limit.
 */
int rp_list(struct db *db, const struct tenant *t, const struct rp_filter *f, struct arena *a,
	    struct rp_report **out, size_t *n, int64_t *total, struct err *e) MUST_CHECK;
/*
 * Report `number` of `t`: 0 or ERR_NOTFOUND.  A report waiting for its
 * confirmation is found only with `any`.
 */
int rp_get(struct db *db, const struct tenant *t, int64_t number, bool any, struct arena *a,
	   struct rp_report **out, struct err *e) MUST_CHECK;
/* The status history of report id `id` (of `t`), oldest first. */
int rp_history_list(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
		    struct rp_history **out, size_t *n, struct err *e) MUST_CHECK;
/*
 * The number and the reporter's own description (in `a`) of the report whose
 * tracking token hashes to `hash`: 0 or ERR_NOTFOUND.
 */
int rp_by_token(struct db *db, const struct tenant *t, const char *hash, struct arena *a,
		int64_t *number, const char **description, struct err *e) MUST_CHECK;
/*
 * The number of the published report whose tracking token hashes to
 * `hash`: 0 or ERR_NOTFOUND (also while it waits for its confirmation).
 */
int rp_number_by_token(struct db *db, const struct tenant *t, const char *hash, int64_t *number,
		       struct err *e) MUST_CHECK;

/* ---- New reports (rp_submit.c, rp_create.c) ------------------------------ */

#define RP_TEXT_MIN 10
#define RP_TEXT_MAX 4000 /* bytes of a description */
#define RP_LINE_MAX 200	 /* bytes of a street, place, name, phone */
#define RP_PHOTOS_MAX 3	 /* photos of a report */

/* A report as the citizen entered it; strings borrowed from the request. */
struct rp_input {
	const char *code, *description, *street, *postal_code, *place;
	bool has_pos;
	int64_t lat_e6, lon_e6;
	const char *name, *email, *phone;
	bool consent;
	const char *const *photos; /* file ids (use "photo", stored to expire), in order */
	size_t n_photos;	   /* at most RP_PHOTOS_MAX */
	const char *answers;	   /* JSON object text of the attribute answers; NULL: "{}" */
	int64_t citizen_id;	   /* the account logged in; 0: none */
	/* The hourly limit per client IP (rp_limit_set()); limit 0: none. */
	const char *limit_key; /* hash of tenant, hour and address */
	int64_t limit_tenant;  /* whose counters: the tenant the request came to */
	int64_t limit_hour;    /* Unix seconds of the hour's start */
	int64_t limit;	       /* reports an hour */
};

/*
 * A coordinate "51.6166" or "51,6166" (decimal degrees, at most 7
 * decimals) in [min, max] degrees as micro-degrees.  False otherwise.
 */
bool rp_coord_parse(const char *s, double min, double max, int64_t *e6);

/* Called inside the transaction that stores report `number` (rp_create()). */
typedef int (*rp_created_fn)(void *ctx, int64_t number, struct err *e);

/*
 * Store report `in` of `t` in category `category_id`, routed to office
 * `office_id` (0: none), with tracking token hash `token_hash`, as
 * received at `now`; its number into *number (read inside the
 * transaction: when 0 is returned the report is saved and numbered).  Its
 * photos (in->photos) are linked and kept.  With in->limit the report
 * counts against the hourly limit of its client (table report_limit):
 * ERR_RATELIMIT ("reports.err.rate") once it is reached, nothing stored.  With `confirm_hash` (the
 * hash of a confirmation token; NULL: none) the report stays unpublished
 * until rp_confirm().  `created` (may be NULL) runs inside the
 * transaction, which it fails by returning an error.  Returns 0, ERR_DB,
 * ERR_RATELIMIT or the error of `created`.
 */
int rp_create(struct db *db, const struct tenant *t, const struct rp_input *in, int64_t category_id,
	      int64_t office_id, const char *token_hash, const char *confirm_hash, int64_t now,
	      rp_created_fn created, void *ctx, int64_t *number, struct err *e) MUST_CHECK;

/*
 * Count one against the hourly limit in->limit of key in->limit_key
 * (table report_limit, rows of tenant in->limit_tenant, else of `t`; rows
 * of past hours go): 0, or ERR_RATELIMIT
 * ("reports.err.rate") once it is reached.  Nothing when in->limit is 0.
 */
int rp_limit_take(struct db *db, const struct tenant *t, const struct rp_input *in,
		  struct err *e) MUST_CHECK;

/*
 * Publish the report of `t` whose confirmation token hashes to `hash`, as
 * confirmed at `now` (once; opening the link again changes nothing); its
 * number into *number.  Returns 0 or ERR_NOTFOUND.
 */
int rp_confirm(struct db *db, const struct tenant *t, const char *hash, int64_t now,
	       int64_t *number, struct err *e) MUST_CHECK;

/*
 * The office of `t` for a report of `category_id` at postal code `plz`
 * and `place`: the most specific row of report_route (category before
 * postal code before place), *office 0 when none matches.
 */
int rp_route(struct db *db, const struct tenant *t, int64_t category_id, const char *plz,
	     const char *place, int64_t *office, struct err *e) MUST_CHECK;

/* The ARS of up to `max` municipalities of postal code `plz` into `out` (in `a`), by ARS. */
int rp_plz_areas(struct db *db, const char *plz, struct arena *a, const char **out, size_t max,
		 size_t *n, struct err *e) MUST_CHECK;

/* ---- Staff workflow (rp_staff_store.c) ---------------------------------- */

#define RP_NOTE_MAX 2000 /* bytes of a status note, internal note or message */

/* A report with what only staff see: the text as written and the contact. */
struct rp_detail {
	struct rp_report r;
	const char *description;
	const char *contact_name, *contact_email, *contact_phone;
	int64_t consent_at;	/* 0: no contact given */
	int64_t office_id;	/* 0: none */
	bool approved;		/* public_text was set by staff */
	bool confirmed;		/* needs no confirmation or its link was opened */
	int64_t duplicate_of;	/* number of the report it repeats; 0: none */
	const char *answers;	/* JSON object: attribute code -> answer as sent */
	const char *attributes; /* the category's attribute definitions (JSON array) */
};

/* An internal note or a message sent to the reporter. */
struct rp_note {
	bool message; /* kind 'message': mailed to the reporter */
	const char *body, *author;
	int64_t at;
};

/* Report `number` of `t` with its internal columns: 0 or ERR_NOTFOUND. */
int rp_detail_get(struct db *db, const struct tenant *t, int64_t number, struct arena *a,
		  struct rp_detail **out, struct err *e) MUST_CHECK;

/*
 * Append status `status` (one enum rp_status bit) with public note `note`
 * to report id `id` of `t`, by staff user `staff_id` at `now`; with
 * `office_id` > 0 the report moves to that office of `t` (rerouting; the
 * history row names it).  The report's status column follows.  Call inside
 * a transaction.  Returns 0, ERR_NOTFOUND (no such report or office of
 * `t`) or ERR_DB.
 */
int rp_status_append(struct db *db, const struct tenant *t, int64_t id, unsigned status,
		     const char *note, int64_t office_id, int64_t staff_id, int64_t now,
		     struct err *e) MUST_CHECK;

/* Reports nearer than this (metres, by coordinates) are offered as possible duplicates. */
#define RP_NEAR_M 50
#define RP_NEAR_MAX 10

/*
 * Open reports of `t` that may repeat `d`: same category, not `d` and no
 * duplicate themselves, within RP_NEAR_M metres by coordinates or at the
 * same postal code and street (house number ignored); at most
 * RP_NEAR_MAX, nearest first.  In `a`.
 */
int rp_nearby(struct db *db, const struct tenant *t, const struct rp_detail *d, struct arena *a,
	      struct rp_report **out, size_t *n, struct err *e) MUST_CHECK;

/* Metres between two positions in micro-degrees (haversine). */
double rp_distance_m(int64_t lat1, int64_t lon1, int64_t lat2, int64_t lon2);
/* Whether two streets as typed name the same street ("Lange Str. 3", "lange str. 5"). */
bool rp_same_street(const char *a, const char *b);

/*
 * Mark report id `id` of `t` as a duplicate of report id `original` (of
 * `t`).  Call inside a transaction.  Returns 0, ERR_NOTFOUND or
 * ERR_CONFLICT ("reports.staff.err.merge": the same report, one that is a
 * duplicate already, or one that has duplicates itself).
 */
int rp_merge(struct db *db, const struct tenant *t, int64_t id, int64_t original,
	     struct err *e) MUST_CHECK;

/*
 * Undo rp_merge(): report id `id` of `t` is no duplicate any more; the
 * number of the report it repeated into *original.  Call inside a
 * transaction.  Returns 0 or ERR_CONFLICT when it is no duplicate.
 */
int rp_unmerge(struct db *db, const struct tenant *t, int64_t id, int64_t *original,
	       struct err *e) MUST_CHECK;

/* The numbers of the duplicates of report id `id` of `t`, by number, in `a`. */
int rp_duplicates(struct db *db, const struct tenant *t, int64_t id, struct arena *a, int64_t **out,
		  size_t *n, struct err *e) MUST_CHECK;

/* Set the approved public text of report id `id` of `t` (NULL: withdraw it). */
int rp_public_text_set(struct db *db, const struct tenant *t, int64_t id, const char *text,
		       int64_t now, struct err *e) MUST_CHECK;

/* Add an internal note (`message` false) or the record of a message to report id `id` of `t`. */
int rp_note_add(struct db *db, const struct tenant *t, int64_t id, bool message, const char *body,
		int64_t staff_id, int64_t now, struct err *e) MUST_CHECK;

/* The notes and messages of report id `id` of `t`, oldest first, in `a`. */
int rp_notes(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
	     struct rp_note **out, size_t *n, struct err *e) MUST_CHECK;

/*
 * The demo: Lünen's eight categories and, when it has no reports yet, 30
 * reports of the last 90 days before `now` in varied states; switches the
 * feature on for the tenant then.  Idempotent.
 */
int rp_demo_load(struct db *db, const struct tenant *t, int64_t now, struct err *e) MUST_CHECK;
/*
 * Issue an Open311 API key named `name` for tenant `t`, by staff user
 * `staff_id` (0: the demo): the key (shown once) into `key` (AUTH_TOKEN_LEN
 * characters and the NUL), only its hash stored.  Returns 0 or ERR_DB.
 */
int rp_key_issue(struct db *db, const struct tenant *t, const char *name, int64_t staff_id,
		 int64_t now, char key[44], struct err *e) MUST_CHECK;
/*
 * The demo's Open311 client key of `t` ("Demo-App"): issued into `key`
 * with *issued set when the tenant has none of that name yet.
 */
int rp_demo_key(struct db *db, const struct tenant *t, int64_t now, char key[44], bool *issued,
		struct err *e) MUST_CHECK;
/* Landkreis Lüneburg's network and Hansestadt Lüneburg take reports (categories, a route). */
int rp_demo_network(struct db *db, int64_t now, struct err *e) MUST_CHECK;

#endif
