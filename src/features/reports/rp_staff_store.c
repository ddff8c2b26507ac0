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

#include <string.h>

static const char DETAIL_SQL[] =
	"SELECT r.id, r.number, c.code, c.name, r.status, COALESCE(r.public_text, ''), "
	"r.street, r.postal_code, r.place, r.lat_e6, r.lon_e6, COALESCE(o.name, ''), "
	"r.created_at, r.updated_at, r.description, r.contact_name, r.contact_email, "
	"r.contact_phone, COALESCE(r.consent_at, 0), COALESCE(r.office_id, 0), "
	"CASE WHEN r.public_text IS NULL THEN 0 ELSE 1 END, "
	"CASE WHEN r.confirm_hash IS NULL OR r.confirmed_at IS NOT NULL THEN 1 ELSE 0 END "
	"FROM report r JOIN report_category c ON c.id = r.category_id "
	"LEFT JOIN office o ON o.id = r.office_id AND o.tenant_id = r.tenant_id "
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
	d->r.code = db_col_dup(st, 2, a);
	d->r.category = db_col_dup(st, 3, a);
	d->r.status = rp_status_parse(db_col_text(st, 4));
	d->r.public_text = db_col_dup(st, 5, a);
	d->r.note = "";
	d->r.street = db_col_dup(st, 6, a);
	d->r.postal_code = db_col_dup(st, 7, a);
	d->r.place = db_col_dup(st, 8, a);
	d->r.has_pos = !db_col_null(st, 9) && !db_col_null(st, 10);
	d->r.lat_e6 = db_col_int64(st, 9);
	d->r.lon_e6 = db_col_int64(st, 10);
	d->r.office = db_col_dup(st, 11, a);
	d->r.created_at = db_col_int64(st, 12);
	d->r.updated_at = db_col_int64(st, 13);
	d->description = db_col_dup(st, 14, a);
	d->contact_name = db_col_dup(st, 15, a);
	d->contact_email = db_col_dup(st, 16, a);
	d->contact_phone = db_col_dup(st, 17, a);
	d->consent_at = db_col_int64(st, 18);
	d->office_id = db_col_int64(st, 19);
	d->approved = db_col_int64(st, 20) != 0;
	d->confirmed = db_col_int64(st, 21) != 0;
	d->r.unconfirmed = !d->confirmed;
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
	n->body = db_col_dup(st, 1, a);
	n->author = db_col_dup(st, 2, a);
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
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(struct rp_note), read_note, &v, n, DB_INT(t->id),
			 DB_INT(id));

	*out = v;
	return rc;
}
