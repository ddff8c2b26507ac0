/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Photos of a report: up to RP_PHOTOS_MAX uploads of the report form or an
 * Open311 POST, each JPEG, PNG or WebP by its content (libmagic, never the
 * name or the claimed type), at most FILES_PHOTO_MAX bytes.  The GPS
 * position of the first photo that has one is read before all metadata is
 * stripped (files_image_strip()); only the stripped bytes are stored, in
 * the file store (use "photo", private), to expire until rp_create() links
 * them to the report in its transaction.
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

int
rp_photos_store(struct rq *q, struct rp_photos *p)
{
	struct files_store fs = {q->app->cfg.data_dir};
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		struct files_new in = {.use = "photo",
				       .name = p->v[i].name,
				       .data = p->v[i].data,
				       .len = p->v[i].len,
				       .owner = "report",
				       .now = now,
				       .expires_at = now + PHOTO_PENDING_S};
		struct file_meta *m;

		rc = files_put(q->db, &fs, q->tenant, &in, q->a, &m, &q->err);
		if (rc == 0)
			p->ids[i] = m->id;
	}
	return rc;
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
	void *v = NULL;
	int rc = db_list(db, e,
			 "SELECT p.file_id FROM report_photo p JOIN report r ON r.id = p.report_id "
			 "WHERE r.tenant_id = $1 AND r.id = $2 ORDER BY p.position, p.file_id",
			 a, sizeof(const char *), read_id, &v, n, DB_INT(t->id), DB_INT(report_id));

	*out = v;
	return rc;
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
	if (!rp_enabled(q->tenant)) {
		rq_error(q, 404, NULL);
		return;
	}
	send_photo(q, false);
}

static void
staff_photo(struct rq *q)
{
	if (!rp_enabled(q->tenant)) {
		rq_error(q, 404, NULL);
		return;
	}
	if (!(q->user->roles & (ROLE_ADMIN | ROLE_CASEWORKER))) {
		rq_error(q, 403, NULL);
		return;
	}
	send_photo(q, true);
}

void
rp_photo_register(struct app *app)
{
	app_route(app, HTTP_GET | HTTP_HEAD, "/maengel/foto/:id", public_photo, 0, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/verwaltung/maengel/foto/:id", staff_photo,
		  ROUTE_STAFF, 0);
}
