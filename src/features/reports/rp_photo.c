/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Photos of a report: up to RP_PHOTOS_MAX uploads of the report form or an
 * Open311 POST, each JPEG, PNG or WebP by its content (libmagic, never the
 * name or the claimed type), at most FILES_PHOTO_MAX bytes.  The GPS
 * position of the first photo that has one is read before all metadata is
 * stripped (files_image_strip()); only the stripped bytes are stored, in
 * the file store (use "photo", private), to expire until rp_create() links
 * them to the report in its transaction.  When the report form comes back
 * with errors, its photos are stored for the session (owner
 * "report-form:<session>") and offered as ticked boxes, so the citizen
 * need not choose them again; a session holds at most KEPT_MAX of them and
 * a client keeps photos at most reports_limit_ip times an hour.
 *
 *	GET /maengel/foto/:id              a photo of a published report whose
 *	                                   text staff approved; else 404
 *	GET /verwaltung/maengel/foto/:id   any photo of the tenant, for staff
 */
#include "features/reports/rp_int.h"

#include "db/db.h"

#include <string.h>
#include <time.h>

/* Unlinked photos (a report that failed after they were stored) go after a day. */
#define PHOTO_PENDING_S 86400
/* Unlinked photos kept for one session's next try of the report form. */
#define KEPT_MAX (2 * RP_PHOTOS_MAX)
#define PUBLIC_MAX_AGE "public, max-age=300"

/* Germany's bounding box, as for typed coordinates. */
#define LAT_MIN 47.2
#define LAT_MAX 55.1
#define LON_MIN 5.8
#define LON_MAX 15.1

static void
take_gps(struct rp_photos *p, const struct http_upload *u, const char *mime)
{
	double lat, lon;

	if (p->has_gps || strcmp(mime, "image/jpeg") != 0 ||
	    !files_image_gps(u->data, u->len, &lat, &lon))
		return;
	if (lat < LAT_MIN || lat > LAT_MAX || lon < LON_MIN || lon > LON_MAX)
		return;
	p->has_gps = true;
	p->lat_e6 = (int64_t)(lat * 1e6 + (lat < 0 ? -0.5 : 0.5));
	p->lon_e6 = (int64_t)(lon * 1e6 + (lon < 0 ? -0.5 : 0.5));
}

int
rp_photos_read(struct rq *q, const char *field, struct rp_photos *p, const char **problem,
	       int *status)
{
	const struct files_use *use = files_use_find("photo");
	int rc = 0;

	memset(p, 0, sizeof(*p));
	*problem = NULL;
	for (size_t i = 0; rc == 0 && !*problem && i < q->http->n_uploads; i++) {
		const struct http_upload *u = &q->http->uploads[i];
		struct rp_photo_in *ph;
		char mime[FILES_MIME_MAX];
		bool ok = false;

		if (strcmp(u->field, field) != 0 || u->len == 0)
			continue;
		if (p->n == RP_PHOTOS_MAX) {
			*problem = "reports.err.photo_count", *status = 422;
			break;
		}
		if (u->len > use->max_bytes) {
			*problem = "reports.err.photo_size", *status = 413;
			break;
		}
		if ((rc = files_sniff(u->data, u->len, mime, &q->err)) != 0)
			break;
		for (size_t k = 0; use->types[k]; k++)
			ok |= strcmp(use->types[k], mime) == 0;
		ph = &p->v[p->n];
		ph->data = arena_alloc(q->a, u->len);
		if (!ok || files_image_strip(mime, u->data, u->len, ph->data, &ph->len, &q->err)) {
			*problem = "reports.err.photo_type", *status = 422;
			break;
		}
		take_gps(p, u, mime);
		ph->name = u->filename;
		p->n++;
	}
	return rc;
}

/* The owner of photos kept for this request's session; NULL without one. */
static const char *
session_owner(struct rq *q)
{
	struct session *s;

	if (rq_session(q, false, &s) != 0 || !s)
		return NULL;
	return arena_printf(q->a, "report-form:%.32s", s->id_hash);
}

/*
 * Whether photos may be kept for this session: it holds fewer than
 * KEPT_MAX unlinked ones, and its client stays within the hourly limit
 * of kept tries (counted here).
 */
static int
may_keep(struct rq *q, const struct rp_photos *p, const char *owner, int64_t now, bool *yes)
{
	struct rp_input lim = {0};
	int64_t held = 0;
	int rc = db_int64(q->db, &q->err, &held,
			  "SELECT count(*) FROM file WHERE tenant_id = $1 AND owner = $2 AND "
			  "expires_at > $3",
			  DB_INT(q->tenant->id), DB_TEXT(owner), DB_INT(now));

	*yes = false;
	if (rc || held + (int64_t)p->n > KEPT_MAX)
		return rc;
	rp_limit_set(q, "photos", &lim);
	rc = rp_limit_take(q->db, q->tenant, &lim, &q->err);
	if (rc == ERR_RATELIMIT)
		return 0;
	*yes = rc == 0;
	return rc;
}

int
rp_photos_store(struct rq *q, const struct tenant *to, struct rp_photos *p, bool for_session)
{
	struct files_store fs = {q->app->cfg.data_dir};
	int64_t now = (int64_t)time(NULL);
	const char *owner = for_session ? session_owner(q) : "report";
	bool keep = !for_session;
	int rc = 0;

	if (!owner || p->n == 0)
		return 0;
	if (for_session && ((rc = may_keep(q, p, owner, now, &keep)) != 0 || !keep))
		return rc;

	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		struct files_new in = {.use = "photo",
				       .name = p->v[i].name,
				       .data = p->v[i].data,
				       .len = p->v[i].len,
				       .owner = owner,
				       .now = now,
				       .expires_at = now + PHOTO_PENDING_S};
		struct file_meta *m;

		rc = files_put(q->db, &fs, to, &in, q->a, &m, &q->err);
		if (rc == 0 && !for_session) {
			p->ids[i] = m->id;
		} else if (rc == 0 && p->n_kept < RP_PHOTOS_MAX) {
			p->kept[p->n_kept] = m->id;
			p->kept_names[p->n_kept++] = m->name;
		}
	}
	if (for_session)
		p->n = 0; /* now among the kept ones */
	return rc;
}

int
rp_photos_kept(struct rq *q, const char *field, struct rp_photos *p, const char **problem)
{
	const struct http_kvs *f = &q->http->form;
	const char *owner = session_owner(q);
	int64_t now = (int64_t)time(NULL);

	*problem = NULL;
	for (size_t i = 0; owner && i < f->n; i++) {
		const char *id = arena_strdup_str(q->a, f->v[i].val), *name;
		bool twice = false;
		int rc;

		if (!str_eq_c(f->v[i].key, field) || !files_id_valid(id))
			continue;
		for (size_t k = 0; k < p->n_kept; k++)
			twice |= strcmp(p->kept[k], id) == 0;
		if (twice)
			continue;
		rc = db_text(q->db, &q->err, q->a, &name,
			     "SELECT name FROM file WHERE tenant_id = $1 AND id = $2 AND "
			     "purpose = 'photo' AND owner = $3 AND expires_at > $4 AND NOT EXISTS "
			     "(SELECT 1 FROM report_photo WHERE file_id = $2)",
			     DB_INT(q->tenant->id), DB_TEXT(id), DB_TEXT(owner), DB_INT(now));
		if (rc == ERR_NOTFOUND)
			continue;
		if (rc)
			return rc;
		if (p->n_kept == RP_PHOTOS_MAX)
			break;
		if (p->n + p->n_kept == RP_PHOTOS_MAX)
			*problem = "reports.err.photo_count";
		p->kept[p->n_kept] = id;
		p->kept_names[p->n_kept++] = name;
	}
	return 0;
}

static bool is_photo(const struct file_meta *m, void *cls);

int
rp_photos_move(struct rq *q, const struct tenant *to, struct rp_photos *p)
{
	struct files_store fs = {q->app->cfg.data_dir};
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	for (size_t i = 0; rc == 0 && to != q->tenant && i < p->n_kept; i++) {
		struct file_meta *m, *moved;
		struct str data;

		rc = files_get(q->db, &fs, q->tenant, p->kept[i], is_photo, NULL, q->a, &m, &data,
			       &q->err);
		if (rc == 0) {
			struct files_new in = {.use = "photo",
					       .name = m->name,
					       .data = data.p,
					       .len = data.len,
					       .owner = "report",
					       .now = now,
					       .expires_at = now + PHOTO_PENDING_S};

			rc = files_put(q->db, &fs, to, &in, q->a, &moved, &q->err);
		}
		/* The session's copy expires on its own within PHOTO_PENDING_S. */
		if (rc == 0)
			p->kept[i] = moved->id;
	}
	return rc;
}

const char *const *
rp_photos_ids(struct rq *q, const struct rp_photos *p, size_t *n)
{
	const char **ids = arena_alloc(q->a, 2 * RP_PHOTOS_MAX * sizeof(*ids));

	*n = 0;
	for (size_t i = 0; i < p->n_kept; i++)
		ids[(*n)++] = p->kept[i];
	for (size_t i = 0; i < p->n && p->ids[i]; i++)
		ids[(*n)++] = p->ids[i];
	return ids;
}

static void
read_id(struct db_stmt *st, struct arena *a, void *row)
{
	*(const char **)row = db_col_dup(st, 0, a);
}

int
rp_photo_ids(struct db *db, const struct tenant *t, int64_t report_id, struct arena *a,
	     const char ***out, size_t *n, struct err *e)
{
	return db_list_of(
		db, e,
		"SELECT p.file_id FROM report_photo p JOIN report r ON r.id = p.report_id "
		"WHERE r.tenant_id = $1 AND r.id = $2 ORDER BY p.position, p.file_id",
		a, read_id, out, n, DB_INT(t->id), DB_INT(report_id));
}

static bool
is_photo(const struct file_meta *m, void *cls)
{
	(void)cls;
	return strcmp(m->use, "photo") == 0;
}

static void
send_photo(struct rq *q, bool staff)
{
	struct files_store fs = {q->app->cfg.data_dir};
	const char *id = http_param(q->http, "id");
	struct file_meta *m = NULL;
	struct str data;
	int64_t one = 0;
	/* Public: the report is published (confirmed or needing no confirmation) and approved. */
	int rc =
		db_int64(q->db, &q->err, &one,
			 "SELECT 1 FROM report_photo p JOIN report r ON r.id = p.report_id WHERE "
			 "r.tenant_id = $1 AND p.file_id = $2 AND ($3 = 1 OR (r.public_text IS NOT "
			 "NULL AND (r.confirm_hash IS NULL OR r.confirmed_at IS NOT NULL)))",
			 DB_INT(q->tenant->id), DB_TEXT(files_id_valid(id) ? id : ""),
			 DB_INT(staff ? 1 : 0));

	if (rc == 0)
		rc = files_get(q->db, &fs, q->tenant, id, is_photo, NULL, q->a, &m, &data, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (!rq_bytes(q, m->mime, data.p, data.len))
		return;
	http_resp_header(q->http, q->resp, "Cache-Control",
			 staff ? "private, no-store" : PUBLIC_MAX_AGE);
	http_resp_header(q->http, q->resp, "Content-Disposition", "inline");
	http_resp_header(q->http, q->resp, "ETag", arena_printf(q->a, "\"%s\"", m->sha256));
}

static void
public_photo(struct rq *q)
{
	if (rp_offered(q))
		send_photo(q, false);
}

static void
staff_photo(struct rq *q)
{
	if (rp_staff_may(q, ROLE_ADMIN | ROLE_CASEWORKER))
		send_photo(q, true);
}

void
rp_photo_register(struct app *app)
{
	app_route(app, HTTP_GET | HTTP_HEAD, "/maengel/foto/:id", public_photo, 0, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/verwaltung/maengel/foto/:id", staff_photo,
		  ROUTE_STAFF, 0);
}
