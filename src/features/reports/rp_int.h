/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of the reports feature share: route registration and common helpers. */
#ifndef RATHAUS_RP_INT_H
#define RATHAUS_RP_INT_H

#include "app/app.h"
#include "core/xml.h"
#include "features/reports/reports.h"
#include "files/files.h"

#include <jansson.h>

/* The Open311 routes (rp_open311.c) and the public pages (rp_web.c). */
void rp_open311_register(struct app *app);
void rp_web_register(struct app *app);
/* The report form (rp_submit.c); before rp_web_register(), whose /maengel/:nr would match. */
void rp_submit_register(struct app *app);

/*
 * Whether postal code `plz` lies in the tenant's area: *verdict 0 inside,
 * 1 an unknown postal code, 2 outside.  Returns 0 or ERR_DB.
 */
int rp_area_verdict(struct rq *q, const char *plz, int *verdict) MUST_CHECK;

/* ---- Where a report goes (rp_network.c) ---- */

/* The tenant's area as a prefix of its ARS: Gemeinde 12, Gemeindeverband 9, Kreis 5; 0: none. */
size_t rp_area_prefix(const char *ars);
/*
 * Of the `n` tenants `ts`, the one whose area holds one of the `n_ars`
 * municipality keys `ars` most specifically, among those `ok` accepts
 * (NULL: all); NULL when none does.
 */
const struct tenant *rp_tenant_covering(const struct tenant *ts, size_t n, const char *const *ars,
					size_t n_ars, bool (*ok)(const struct tenant *));

/* Where a new report is stored: its tenant, its category there and the office. */
struct rp_target {
	const struct tenant *t;
	const struct rp_category *cat;
	int64_t office; /* 0: none */
};

/*
 * The target of a report of `cat` at `plz` and `place` made on the
 * request's tenant: by its report_route, which may name an office of a
 * member; on a portal network without such a row, the member that holds
 * the postal code and takes reports of that category's code.  Else the
 * tenant itself.  Returns 0 or ERR_DB.
 */
int rp_target_find(struct rq *q, const struct rp_category *cat, const char *plz, const char *place,
		   struct rp_target *out) MUST_CHECK;

/* ---- Extra questions (rp_attr.c) ---- */

enum rp_attr_problem {
	RP_ATTR_OK,
	RP_ATTR_MISSING,    /* required and not given */
	RP_ATTR_TOO_LONG,   /* over RP_LINE_MAX bytes */
	RP_ATTR_NOT_NUMBER, /* datatype "number" */
	RP_ATTR_UNKNOWN,    /* not one of the values of a (single|multi)valuelist */
};

/*
 * Whether `v` (NULL or "": not given) answers the attribute definition
 * `def` (an element of a category's attributes): a "number" a number, a
 * "singlevaluelist" one of its values' keys, a "multivaluelist" a
 * comma-separated list of them.
 */
enum rp_attr_problem rp_attr_check(json_t *def, const char *v);

/* ---- The extra questions on the report form (rp_questions.c) ---- */

#define RP_QUESTIONS_MAX 32 /* problems kept of one category's answers */

struct rp_answer_error {
	const char *name; /* form field "frage.<category>.<code>" */
	const char *message;
};

/* The answers to one category's questions as posted. */
struct rp_answers {
	const char *json; /* JSON object text: code -> answer */
	struct rp_answer_error errors[RP_QUESTIONS_MAX];
	size_t n_errors;
};

/*
 * Read and check the answers to the questions of `cat` from the posted
 * form into *ans (in the request arena).  Returns 0 or ERR_INTERNAL.
 */
int rp_questions_read(struct rq *q, const struct rp_category *cat,
		      struct rp_answers *ans) MUST_CHECK;
/*
 * The questions of category `c` (the index-th on the form) into its view
 * map `cm`: "questions" and "has_questions".  With `ans` (the chosen
 * category's answers; NULL for the others) the posted values come back
 * with their errors, which are also appended to `summary` as {id, message}.
 */
void rp_questions_view(struct rq *q, struct view_val *cm, const struct rp_category *c, size_t index,
		       const struct rp_answers *ans, struct view_val *summary);

/* ---- Photos (rp_photo.c) ---- */

/* A photo as received, its metadata stripped; bytes in the request arena. */
struct rp_photo_in {
	const char *name; /* as the client sent it */
	unsigned char *data;
	size_t len;
};

struct rp_photos {
	struct rp_photo_in v[RP_PHOTOS_MAX];
	size_t n;
	const char *ids[RP_PHOTOS_MAX]; /* file ids after rp_photos_store() */
	/* Photos stored on an earlier try of the same form (rp_photos_kept()). */
	const char *kept[RP_PHOTOS_MAX], *kept_names[RP_PHOTOS_MAX];
	size_t n_kept;
	bool has_gps; /* the first Exif GPS position inside Germany */
	int64_t lat_e6, lon_e6;
};

/*
 * Read the non-empty uploads of form field `field` into *p: each a JPEG,
 * PNG or WebP by its content of at most FILES_PHOTO_MAX bytes, at most
 * RP_PHOTOS_MAX of them; metadata stripped, the GPS position kept aside.
 * Returns 0 with *problem NULL, or 0 with a message key in *problem and
 * the status to answer in *status (413 too big, 422 another type, a broken
 * image or too many); a server error otherwise.
 */
int rp_photos_read(struct rq *q, const char *field, struct rp_photos *p, const char **problem,
		   int *status) MUST_CHECK;
/*
 * Store the photos of `p` in the file store of tenant `to`, expiring until
 * rp_create() links them.  With `for_session` they belong to this request's session,
 * so that the form, sent back with errors, keeps them for its next try.
 */
int rp_photos_store(struct rq *q, const struct tenant *to, struct rp_photos *p,
		    bool for_session) MUST_CHECK;
/*
 * Store the kept photos of `p` again for tenant `to` (a member the report
 * goes to); the request's tenant's copies expire as they would anyway.
 * Nothing when `to` is the request's tenant.
 */
int rp_photos_move(struct rq *q, const struct tenant *to, struct rp_photos *p) MUST_CHECK;
/*
 * Add to `p` the photos named by the values of form field `field` that
 * rp_photos_store() kept for this session, unlinked and not expired;
 * other ids are ignored.  *problem "reports.err.photo_count" when they and
 * the new photos are more than RP_PHOTOS_MAX.  Returns 0 or ERR_DB.
 */
int rp_photos_kept(struct rq *q, const char *field, struct rp_photos *p,
		   const char **problem) MUST_CHECK;
/* The ids of all photos of `p`, kept ones first, after rp_photos_store(); in the arena. */
const char *const *rp_photos_ids(struct rq *q, const struct rp_photos *p, size_t *n);
/* The file ids of the photos of report id `report_id` of `t`, in order, in `a`. */
int rp_photo_ids(struct db *db, const struct tenant *t, int64_t report_id, struct arena *a,
		 const char ***out, size_t *n, struct err *e) MUST_CHECK;
/* GET /maengel/foto/:id (approved reports only) and /verwaltung/maengel/foto/:id (staff). */
void rp_photo_register(struct app *app);

/* Open311 POST requests and the API keys under /verwaltung/maengel/schluessel (rp_post.c). */
void rp_post_register(struct app *app);

/* The staff pages under /verwaltung/maengel (rp_staff.c). */
void rp_staff_register(struct app *app);

/*
 * Set the hourly limit of `in` for this request's client (its IPv6 /64)
 * and `kind` ("report", "photos"): the tenant's reports_limit_ip, none
 * when the installation's report_limits is off.  The key lives in the
 * request arena.
 */
void rp_limit_set(struct rq *q, const char *kind, struct rp_input *in);

/* Whether the tenant offers defect reports. */
bool rp_enabled(const struct tenant *t);
/* Whether this request's tenant offers defect reports; else answers 404 (HTML). */
bool rp_offered(struct rq *q);
/* rp_offered() and q->user holds one of `roles`; else answers 404 or 403. */
bool rp_staff_may(struct rq *q, unsigned roles);

/*
 * The absolute origin of this tenant's URLs, "https://portal.example",
 * without a trailing slash: the tenant's own domain when it was asked
 * there, else the configured public_url (never the Host header).  In the
 * request arena.
 */
const char *rp_origin(struct rq *q);

/* ---- Pages (rp_web.c) ---- */

/* "05.12.2026" of Unix seconds `t` in Europe/Berlin; in the request arena. */
const char *rp_date(struct rq *q, int64_t t);
/* The page's "history" list of `h`: status, date (`with_time`: rq_date_time()) and note. */
void rp_history_view(struct rq *q, const struct rp_history *h, size_t n, bool with_time);
/* The name of status `st` (one RP_ bit) in the request's language. */
const char *rp_status_label(struct rq *q, unsigned st);
/* The page's "states" options, `status` selected. */
void rp_status_options(struct rq *q, unsigned status);
/* The page's "categories" options of `cats` (`code` selected) and its "states" options. */
void rp_filter_options(struct rq *q, const struct rp_category *cats, size_t nc, const char *code,
		       unsigned status);
/* Report `r` into view map `m`: number, url (`path`/<number>), category, status, ... */
void rp_view_report(struct rq *q, struct view_val *m, const struct rp_report *r, const char *path);
/*
 * The page of report `number` with its history; with `own` (the
 * reporter's text) also unconfirmed reports, as the tracking page shows
 * it or, `in_account`, as the account's own report.
 */
void rp_show_report(struct rq *q, int64_t number, const char *own, bool in_account);
/*
 * The map of the report form (rp_map.c), when the tenant set map_tiles:
 * view "map" (tiles, attribution, lat, lon, zoom: at the place of `in`, the
 * tenant's map_center or Germany), Leaflet and report-map.js on the page,
 * and the tile origin in its Content-Security-Policy.
 */
void rp_map_view(struct rq *q, const struct rp_input *in);
/* "Meine Meldungen" under /konto/meldungen (rp_mine.c). */
void rp_mine_register(struct app *app);
void rp_account_links(struct rq *q, struct view_val *links);
int rp_citizen_data(struct rq *q, int64_t citizen_id, json_t *doc);

/* "Lange Straße 12, 44532 Lünen" of a report; in `a`. */
const char *rp_address(struct arena *a, const struct rp_report *r);

/*
 * `doc` (borrowed) as XML: objects become elements of their keys, arrays
 * repeat the element named by their key's singular ("services" ->
 * "service", "endpoints" -> "endpoint", ...), null an empty element.  The
 * root element is `root`; a root array holds elements named `item`.
 */
void rp_xml_json(struct xml_writer *x, const char *root, const char *item, json_t *doc);

/*
 * The mail with the confirmation link of a new report (an rp_created_fn for
 * rp_create()), for the report form and Open311 POST: `ctx` is a struct
 * rp_confirm with the report's category, input and raw confirmation token.
 */
struct rp_confirm {
	struct rq *q;
	const struct tenant *t; /* the report's tenant */
	const struct rp_category *cat;
	const struct rp_input *in;
	const char *token;
};
int rp_confirm_mail(void *ctx, int64_t number, struct err *e);

#endif
