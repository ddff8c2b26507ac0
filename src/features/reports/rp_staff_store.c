/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the staff pages read and write: a report with its contact and the
 * text as written, status rows appended to the history (never changed),
 * the approved public text, internal notes.  Every statement names the
 * tenant, so a report number, id or office of another tenant finds
 * nothing and changes nothing.
 */
#include "features/reports/reports.h"

#include "db/db.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

static const char DETAIL_SQL[] =
	"SELECT r.id, r.number, c.code, c.name, r.status, COALESCE(r.public_text, ''), "
	"r.street, r.postal_code, r.place, r.lat_e6, r.lon_e6, COALESCE(o.name, ''), "
	"r.created_at, r.updated_at, r.description, r.contact_name, r.contact_email, "
	"r.contact_phone, COALESCE(r.consent_at, 0), COALESCE(r.office_id, 0), "
	"CASE WHEN r.public_text IS NULL THEN 0 ELSE 1 END, "
	"CASE WHEN r.confirm_hash IS NULL OR r.confirmed_at IS NOT NULL THEN 1 ELSE 0 END, "
	"COALESCE(d.number, 0), r.answers, c.attributes "
	"FROM report r JOIN report_category c ON c.id = r.category_id "
	"LEFT JOIN office o ON o.id = r.office_id AND o.tenant_id = r.tenant_id "
	"LEFT JOIN report d ON d.id = r.duplicate_of AND d.tenant_id = r.tenant_id "
	"WHERE r.tenant_id = $1 AND r.number = $2";

struct detail_ctx {
	struct arena *a;
	struct rp_detail *d;
};

static int
read_detail(struct db_stmt *st, void *ctx, struct err *e)
{
	struct detail_ctx *c = ctx;
	struct rp_detail *d = c->d;
	struct arena *a = c->a;

	(void)e;
	d->r.id = db_col_int64(st, 0);
	d->r.number = db_col_int64(st, 1);
	db_cols_dup(st, 2, a, &d->r.code, &d->r.category);
	d->r.status = rp_status_parse(db_col_text(st, 4));
	d->r.public_text = db_col_dup(st, 5, a);
	d->r.note = "";
	db_cols_dup(st, 6, a, &d->r.street, &d->r.postal_code, &d->r.place);
	d->r.has_pos = !db_col_null(st, 9) && !db_col_null(st, 10);
	d->r.lat_e6 = db_col_int64(st, 9);
	d->r.lon_e6 = db_col_int64(st, 10);
	d->r.office = db_col_dup(st, 11, a);
	d->r.created_at = db_col_int64(st, 12);
	d->r.updated_at = db_col_int64(st, 13);
	db_cols_dup(st, 14, a, &d->description, &d->contact_name, &d->contact_email,
		    &d->contact_phone);
	d->consent_at = db_col_int64(st, 18);
	d->office_id = db_col_int64(st, 19);
	d->approved = db_col_int64(st, 20) != 0;
	d->confirmed = db_col_int64(st, 21) != 0;
	d->r.unconfirmed = !d->confirmed;
	d->duplicate_of = db_col_int64(st, 22);
	db_cols_dup(st, 23, a, &d->answers, &d->attributes);
	d->r.photo = "";
	return 0;
}

int
rp_detail_get(struct db *db, const struct tenant *t, int64_t number, struct arena *a,
	      struct rp_detail **out, struct err *e)
{
	struct detail_ctx c = {a, arena_alloc(a, sizeof(struct rp_detail))};
	int rc;

	memset(c.d, 0, sizeof(*c.d));
	rc = db_one(db, e, DETAIL_SQL, read_detail, &c, DB_INT(t->id), DB_INT(number));
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "reports.err.notfound", "no report %lld",
			       (long long)number);
	*out = c.d;
	return rc;
}

int
rp_status_append(struct db *db, const struct tenant *t, int64_t id, unsigned status,
		 const char *note, int64_t office_id, int64_t staff_id, int64_t now, struct err *e)
{
	static const char insert_sql[] =
		"INSERT INTO report_status (report_id, status, note, office_id, staff_id, "
		"created_at) SELECT r.id, $3, $4, COALESCE($5, r.office_id), "
		"$6, $7 FROM report r WHERE r.tenant_id = $1 AND r.id = $2";
	static const char update_sql[] =
		"UPDATE report SET status = $3, updated_at = $4, office_id = "
		"COALESCE($5, office_id) WHERE tenant_id = $1 AND id = $2";
	const char *name = rp_status_name(status);
	int64_t n = 0, found = 0;
	int rc;

	if (!name)
		return err_set(e, ERR_INVALID, "reports.err.status", "no status %u", status);
	if (office_id > 0) {
		rc = db_int64(db, e, &found,
			      "SELECT count(*) FROM office WHERE tenant_id = $1 AND id = $2",
			      DB_INT(t->id), DB_INT(office_id));
		if (rc)
			return rc;
		if (found == 0)
			return err_set(e, ERR_NOTFOUND, "reports.err.office", "no office %lld",
				       (long long)office_id);
	}
	rc = db_run_count(db, e, &n, insert_sql, DB_INT(t->id), DB_INT(id), DB_TEXT(name),
			  DB_TEXT(note), DB_ID(office_id), DB_ID(staff_id), DB_INT(now));
	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "reports.err.notfound", "no report id %lld",
			       (long long)id);
	if (rc == 0)
		rc = db_run(db, e, update_sql, DB_INT(t->id), DB_INT(id), DB_TEXT(name),
			    DB_INT(now), DB_ID(office_id));
	return rc;
}

int
rp_public_text_set(struct db *db, const struct tenant *t, int64_t id, const char *text, int64_t now,
		   struct err *e)
{
	int64_t n = 0;
	int rc = db_run_count(db, e, &n,
			      "UPDATE report SET public_text = $3, updated_at = $4 "
			      "WHERE tenant_id = $1 AND id = $2",
			      DB_INT(t->id), DB_INT(id), text ? DB_TEXT(text) : DB_NULL,
			      DB_INT(now));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "reports.err.notfound", "no report id %lld",
			       (long long)id);
	return rc;
}

int
rp_note_add(struct db *db, const struct tenant *t, int64_t id, bool message, const char *body,
	    int64_t staff_id, int64_t now, struct err *e)
{
	int64_t n = 0;
	int rc = db_run_count(db, e, &n,
			      "INSERT INTO report_note (report_id, kind, body, staff_id, "
			      "created_at) SELECT id, $3, $4, $5, $6 FROM report "
			      "WHERE tenant_id = $1 AND id = $2",
			      DB_INT(t->id), DB_INT(id), DB_TEXT(message ? "message" : "note"),
			      DB_TEXT(body), DB_ID(staff_id), DB_INT(now));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "reports.err.notfound", "no report id %lld",
			       (long long)id);
	return rc;
}

static void
read_note(struct db_stmt *st, struct arena *a, void *row)
{
	struct rp_note *n = row;

	n->message = strcmp(db_col_text(st, 0), "message") == 0;
	db_cols_dup(st, 1, a, &n->body, &n->author);
	n->at = db_col_int64(st, 3);
}

int
rp_notes(struct db *db, const struct tenant *t, int64_t id, struct arena *a, struct rp_note **out,
	 size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT n.kind, n.body, COALESCE(u.name, ''), n.created_at FROM report_note n "
		"JOIN report r ON r.id = n.report_id LEFT JOIN staff_user u ON u.id = n.staff_id "
		"WHERE r.tenant_id = $1 AND r.id = $2 ORDER BY n.created_at, n.id";
	return db_list_of(db, e, sql, a, read_note, out, n, DB_INT(t->id), DB_INT(id));
}

double
rp_distance_m(int64_t lat1, int64_t lon1, int64_t lat2, int64_t lon2)
{
	const double rad = 3.14159265358979323846 / 180e6, earth = 6371008.8;
	double p1 = (double)lat1 * rad, p2 = (double)lat2 * rad;
	double dp = p2 - p1, dl = (double)(lon2 - lon1) * rad;
	double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);

	return 2 * earth * asin(sqrt(h < 1 ? h : 1));
}

/* The length of the street's name: up to a trailing house number ("Lange Str. 3a" -> 11). */
static size_t
street_name_len(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	for (size_t i = n; i > 0; i--) {
		if (s[i - 1] == ' ') {
			if (isdigit((unsigned char)s[i]))
				n = i - 1;
			break;
		}
	}
	while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == ','))
		n--;
	return n;
}

bool
rp_same_street(const char *a, const char *b)
{
	size_t na = street_name_len(a), nb = street_name_len(b);
	bool letter = false; /* a bare house number names no street */

	if (na == 0 || na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
		letter = letter || isalpha((unsigned char)a[i]) || (unsigned char)a[i] >= 0x80;
	}
	return letter;
}

/* About 110 m in micro-degrees of latitude; the box is narrowed by rp_distance_m(). */
#define BOX_E6 1000

int
rp_nearby(struct db *db, const struct tenant *t, const struct rp_detail *d, struct arena *a,
	  struct rp_report **out, size_t *n, struct err *e)
{
	struct rp_filter f = {.any = true, .statuses = RP_OPEN, .limit = 200};
	struct rp_report *v;
	size_t nv, k = 0;
	double dist[RP_NEAR_MAX];
	int rc;

	*out = NULL;
	*n = 0;
	memcpy(f.code, d->r.code, strlen(d->r.code) + 1);
	f.near_of = d->r.id;
	f.near_plz = d->r.postal_code;
	f.near_has_pos = d->r.has_pos;
	f.near_lat = d->r.lat_e6;
	f.near_lon = d->r.lon_e6;
	f.near_box = BOX_E6;
	rc = rp_list(db, t, &f, a, &v, &nv, NULL, e);
	if (rc)
		return rc;
	*out = arena_alloc(a, RP_NEAR_MAX * sizeof(struct rp_report));
	for (size_t i = 0; i < nv; i++) {
		double m = 1e9;
		size_t j;

		if (d->r.has_pos && v[i].has_pos)
			m = rp_distance_m(d->r.lat_e6, d->r.lon_e6, v[i].lat_e6, v[i].lon_e6);
		if (m > RP_NEAR_M &&
		    !(d->r.postal_code[0] && strcmp(d->r.postal_code, v[i].postal_code) == 0 &&
		      rp_same_street(d->r.street, v[i].street)))
			continue;
		/* Insert by distance, keeping the RP_NEAR_MAX nearest. */
		for (j = k; j > 0 && dist[j - 1] > m; j--)
			if (j < RP_NEAR_MAX) {
				dist[j] = dist[j - 1];
				(*out)[j] = (*out)[j - 1];
			}
		if (j < RP_NEAR_MAX) {
			dist[j] = m;
			(*out)[j] = v[i];
			if (k < RP_NEAR_MAX)
				k++;
		}
	}
	*n = k;
	return 0;
}

int
rp_merge(struct db *db, const struct tenant *t, int64_t id, int64_t original, struct err *e)
{
	static const char sql[] =
		"UPDATE report SET duplicate_of = $3 WHERE tenant_id = $1 AND id = $2 AND "
		"duplicate_of IS NULL AND $2 <> $3 AND NOT EXISTS (SELECT 1 FROM report x "
		"WHERE x.duplicate_of = $2) AND EXISTS (SELECT 1 FROM report o WHERE "
		"o.tenant_id = $1 AND o.id = $3 AND o.duplicate_of IS NULL)";
	int64_t n = 0;
	int rc = db_run_count(db, e, &n, sql, DB_INT(t->id), DB_INT(id), DB_INT(original));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_CONFLICT, "reports.staff.err.merge",
			       "report %lld cannot become a duplicate of %lld", (long long)id,
			       (long long)original);
	return rc;
}

int
rp_unmerge(struct db *db, const struct tenant *t, int64_t id, int64_t *original, struct err *e)
{
	int64_t n = 0;
	int rc = db_int64(db, e, original,
			  "SELECT o.number FROM report r JOIN report o ON o.id = r.duplicate_of "
			  "WHERE r.tenant_id = $1 AND r.id = $2",
			  DB_INT(t->id), DB_INT(id));

	if (rc == 0)
		rc = db_run_count(db, e, &n,
				  "UPDATE report SET duplicate_of = NULL WHERE tenant_id = $1 AND "
				  "id = $2 AND duplicate_of IS NOT NULL",
				  DB_INT(t->id), DB_INT(id));
	if (rc == ERR_NOTFOUND || (rc == 0 && n == 0))
		return err_set(e, ERR_CONFLICT, "reports.staff.err.unmerge",
			       "report %lld is no duplicate", (long long)id);
	return rc;
}

static void
read_number(struct db_stmt *st, struct arena *a, void *row)
{
	(void)a;
	*(int64_t *)row = db_col_int64(st, 0);
}

int
rp_duplicates(struct db *db, const struct tenant *t, int64_t id, struct arena *a, int64_t **out,
	      size_t *n, struct err *e)
{
	return db_list_of(db, e,
			  "SELECT number FROM report WHERE tenant_id = $1 AND duplicate_of = $2 "
			  "ORDER BY number",
			  a, read_number, out, n, DB_INT(t->id), DB_INT(id));
}
