/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading the reports of one tenant.  Every statement is bound to the
 * tenant; a report number of another tenant finds nothing.  The columns
 * read here are the public ones: the contact columns are never selected,
 * and the reporter's text as written only for the holder of the tracking
 * token (rp_by_token()).
 */
#include "features/reports/reports.h"

#include "db/db.h"

#include <string.h>

#define ARGS_MAX (RP_IDS_MAX + 16)

#define CATEGORY_COLS                                                                              \
	"SELECT id, code, name, description, grp, keywords, attributes FROM report_category "

static void
read_category(struct db_stmt *st, struct arena *a, void *row)
{
	struct rp_category *c = row;

	c->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &c->code, &c->name, &c->description, &c->group, &c->keywords,
		    &c->attributes);
}

int
rp_categories(struct db *db, const struct tenant *t, struct arena *a, struct rp_category **out,
	      size_t *n, struct err *e)
{
	static const char sql[] =
		CATEGORY_COLS "WHERE tenant_id = $1 AND is_active = 1 ORDER BY position, id";

	return db_list_of(db, e, sql, a, read_category, out, n, DB_INT(t->id));
}

int
rp_category_find(struct db *db, const struct tenant *t, const char *code, struct arena *a,
		 struct rp_category **out, struct err *e)
{
	static const char sql[] =
		CATEGORY_COLS "WHERE tenant_id = $1 AND code = $2 AND is_active = 1";
	int rc = db_get_of(db, e, sql, a, read_category, out, DB_INT(t->id), DB_TEXT(code));

	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "reports.err.category", "no category '%s'", code);
	return rc;
}

/* The statement being built: SQL and its parameters. */
struct query {
	struct buf sql;
	struct db_arg args[ARGS_MAX];
	int n;
};

static int
param(struct query *qy, struct db_arg v)
{
	qy->args[qy->n++] = v;
	return qy->n;
}

static void
build_where(struct query *qy, const struct tenant *t, const struct rp_filter *f)
{
	if (f->every_tenant && f->citizen_id > 0) /* the account's own list: keyed by it */
		buf_adds(&qy->sql, "WHERE TRUE ");
	else
		buf_addf(&qy->sql, "WHERE r.tenant_id = $%d ", param(qy, DB_INT(t->id)));
	if (!f->any) /* waiting for the reporter's confirmation: staff only */
		buf_adds(&qy->sql, "AND (r.confirm_hash IS NULL OR r.confirmed_at IS NOT NULL) ");
	if (f->n_ids) { /* Open311: ids override every other argument */
		buf_adds(&qy->sql, "AND r.number IN (");
		for (size_t i = 0; i < f->n_ids; i++)
			buf_addf(&qy->sql, "%s$%d", i ? ", " : "", param(qy, DB_INT(f->ids[i])));
		buf_adds(&qy->sql, ") ");
		return;
	}
	if (f->statuses && (f->statuses & RP_ALL) != RP_ALL) {
		bool first = true;

		buf_adds(&qy->sql, "AND r.status IN (");
		for (unsigned bit = 1; bit <= RP_FORWARDED; bit <<= 1) {
			if (!(f->statuses & bit))
				continue;
			buf_addf(&qy->sql, "%s$%d", first ? "" : ", ",
				 param(qy, DB_TEXT(rp_status_name(bit))));
			first = false;
		}
		buf_adds(&qy->sql, ") ");
	}
	if (f->code[0])
		buf_addf(&qy->sql, "AND c.code = $%d ", param(qy, DB_TEXT(f->code)));
	if (f->office_id > 0)
		buf_addf(&qy->sql, "AND r.office_id = $%d ", param(qy, DB_INT(f->office_id)));
	if (f->citizen_id > 0)
		buf_addf(&qy->sql, "AND r.citizen_id = $%d ", param(qy, DB_INT(f->citizen_id)));
	if (f->near_of > 0) {
		bool plz = f->near_plz && f->near_plz[0];

		buf_addf(&qy->sql, "AND r.id <> $%d AND r.duplicate_of IS NULL AND (1 = 0 ",
			 param(qy, DB_INT(f->near_of)));
		if (plz)
			buf_addf(&qy->sql, "OR r.postal_code = $%d ",
				 param(qy, DB_TEXT(f->near_plz)));
		if (f->near_has_pos) {
			buf_addf(&qy->sql, "OR (r.lat_e6 BETWEEN $%d ",
				 param(qy, DB_INT(f->near_lat - f->near_box)));
			buf_addf(&qy->sql, "AND $%d ",
				 param(qy, DB_INT(f->near_lat + f->near_box)));
			buf_addf(&qy->sql, "AND r.lon_e6 BETWEEN $%d ",
				 param(qy, DB_INT(f->near_lon - f->near_box)));
			buf_addf(&qy->sql, "AND $%d) ",
				 param(qy, DB_INT(f->near_lon + f->near_box)));
		}
		buf_adds(&qy->sql, ") ");
	}
	if (f->until > 0) {
		buf_addf(&qy->sql, "AND r.created_at >= $%d ", param(qy, DB_INT(f->since)));
		buf_addf(&qy->sql, "AND r.created_at <= $%d ", param(qy, DB_INT(f->until)));
	}
}

static const char REPORT_COLS[] =
	"SELECT r.id, r.number, c.code, c.name, r.status, COALESCE(r.public_text, ''), "
	"COALESCE((SELECT s.note FROM report_status s WHERE s.report_id = r.id AND s.note <> '' "
	"ORDER BY s.created_at DESC, s.id DESC LIMIT 1), ''), r.street, r.postal_code, r.place, "
	"r.lat_e6, r.lon_e6, COALESCE(o.name, ''), r.created_at, r.updated_at, "
	"CASE WHEN r.confirm_hash IS NOT NULL AND r.confirmed_at IS NULL THEN 1 ELSE 0 END, "
	"COALESCE((SELECT p.file_id FROM report_photo p WHERE p.report_id = r.id "
	"ORDER BY p.position, p.file_id LIMIT 1), ''), te.slug, te.name "
	"FROM report r JOIN report_category c ON c.id = r.category_id "
	"JOIN tenant te ON te.id = r.tenant_id "
	"LEFT JOIN office o ON o.id = r.office_id AND o.tenant_id = r.tenant_id ";

static void
read_report(struct db_stmt *st, struct arena *a, void *row)
{
	struct rp_report *r = row;

	r->id = db_col_int64(st, 0);
	r->number = db_col_int64(st, 1);
	db_cols_dup(st, 2, a, &r->code, &r->category);
	r->status = rp_status_parse(db_col_text(st, 4));
	db_cols_dup(st, 5, a, &r->public_text, &r->note, &r->street, &r->postal_code, &r->place);
	r->has_pos = !db_col_null(st, 10) && !db_col_null(st, 11);
	r->lat_e6 = db_col_int64(st, 10);
	r->lon_e6 = db_col_int64(st, 11);
	r->office = db_col_dup(st, 12, a);
	r->created_at = db_col_int64(st, 13);
	r->updated_at = db_col_int64(st, 14);
	r->unconfirmed = db_col_int64(st, 15) != 0;
	r->photo = db_col_dup(st, 16, a);
	db_cols_dup(st, 17, a, &r->tenant_slug, &r->tenant_name);
}

static int
count(struct db *db, const struct tenant *t, const struct rp_filter *f, int64_t *total,
      struct err *e)
{
	struct query qy = {.n = 0};
	int rc;

	buf_init(&qy.sql, 4096);
	buf_adds(&qy.sql, "SELECT count(*) FROM report r JOIN report_category c "
			  "ON c.id = r.category_id ");
	build_where(&qy, t, f);
	rc = db_int64_args(db, e, total, qy.sql.p, qy.args, (size_t)qy.n);
	buf_release(&qy.sql);
	return rc;
}

int
rp_list(struct db *db, const struct tenant *t, const struct rp_filter *f, struct arena *a,
	struct rp_report **out, size_t *n, int64_t *total, struct err *e)
{
	struct query qy = {.n = 0};
	int64_t limit = f->limit > 0 && f->limit < RP_LIST_MAX ? f->limit : RP_LIST_MAX;
	int rc;

	*out = NULL;
	*n = 0;
	if (total && (rc = count(db, t, f, total, e)) != 0)
		return rc;
	buf_init(&qy.sql, 4096);
	buf_adds(&qy.sql, REPORT_COLS);
	build_where(&qy, t, f);
	buf_addf(&qy.sql, "ORDER BY r.created_at DESC, r.number DESC LIMIT $%d ",
		 param(&qy, DB_INT(limit)));
	buf_addf(&qy.sql, "OFFSET $%d", param(&qy, DB_INT(f->offset > 0 ? f->offset : 0)));
	rc = db_list_into(db, e, qy.sql.p, a, sizeof(**out), read_report, out, n, qy.args,
			  (size_t)qy.n);
	buf_release(&qy.sql);
	return rc;
}

int
rp_get(struct db *db, const struct tenant *t, int64_t number, bool any, struct arena *a,
       struct rp_report **out, struct err *e)
{
	struct rp_filter f = {.n_ids = 1, .ids = {number}, .limit = 1, .any = any};
	size_t n;
	int rc = rp_list(db, t, &f, a, out, &n, NULL, e);

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "reports.err.notfound", "no report %lld",
			       (long long)number);
	return rc;
}

static void
read_history(struct db_stmt *st, struct arena *a, void *row)
{
	struct rp_history *h = row;

	h->status = rp_status_parse(db_col_text(st, 0));
	h->note = db_col_dup(st, 1, a);
	h->at = db_col_int64(st, 2);
}

int
rp_history_list(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
		struct rp_history **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT s.status, s.note, s.created_at FROM report_status s "
		"JOIN report r ON r.id = s.report_id WHERE r.tenant_id = $1 AND r.id = $2 "
		"ORDER BY s.created_at, s.id";
	return db_list_of(db, e, sql, a, read_history, out, n, DB_INT(t->id), DB_INT(id));
}

int
rp_number_by_token(struct db *db, const struct tenant *t, const char *hash, int64_t *number,
		   struct err *e)
{
	return db_int64(db, e, number,
			"SELECT number FROM report WHERE tenant_id = $1 AND token_hash = $2 "
			"AND (confirm_hash IS NULL OR confirmed_at IS NOT NULL)",
			DB_INT(t->id), DB_TEXT(hash));
}

struct own {
	struct arena *a;
	int64_t *number;
	const char **description;
};

static int
read_own(struct db_stmt *st, void *ctx, struct err *e)
{
	struct own *o = ctx;

	(void)e;
	*o->number = db_col_int64(st, 0);
	*o->description = db_col_dup(st, 1, o->a);
	return 0;
}

int
rp_by_token(struct db *db, const struct tenant *t, const char *hash, struct arena *a,
	    int64_t *number, const char **description, struct err *e)
{
	struct own o = {a, number, description};
	int rc = db_one(db, e,
			"SELECT number, description FROM report WHERE tenant_id = $1 AND "
			"token_hash = $2",
			read_own, &o, DB_INT(t->id), DB_TEXT(hash));

	if (rc == ERR_NOTFOUND)
		err_set(e, ERR_NOTFOUND, "reports.err.token", "unknown tracking token");
	return rc;
}

struct areas {
	struct arena *a;
	const char **v;
	size_t n, max;
};

static int
add_area(struct db_stmt *st, void *ctx, struct err *e)
{
	struct areas *r = ctx;

	(void)e;
	if (r->n < r->max)
		r->v[r->n++] = db_col_dup(st, 0, r->a);
	return 0;
}

int
rp_plz_areas(struct db *db, const char *plz, struct arena *a, const char **out, size_t max,
	     size_t *n, struct err *e)
{
	struct areas r = {a, out, 0, max};
	int rc = db_each(db, e, "SELECT ars FROM region_plz WHERE plz = $1 ORDER BY ars", add_area,
			 &r, DB_TEXT(plz));

	*n = r.n;
	return rc;
}
