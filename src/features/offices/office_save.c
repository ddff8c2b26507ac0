/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Writing offices: upsert by slug with the weekly rules replaced, claiming
 * services for an office, and the import of public holidays from CSV.
 */
#include "features/offices/office.h"

#include "core/civil.h"
#include "core/csvfile.h"
#include "db/db.h"

#include <string.h>

static const char OFFICE_GET_SQL[] =
	"SELECT id, name, street, postal_code, city, phone, email, web, lat, lon, accessibility, "
	"appointment_only, appointment_url, is_default FROM office "
	"WHERE tenant_id = $1 AND slug = $2";

static const char OFFICE_ID_SQL[] = "SELECT id FROM office WHERE tenant_id = $1 AND slug = $2";

static const char OFFICE_INSERT_SQL[] =
	"INSERT INTO office (tenant_id, slug, name, street, postal_code, city, phone, email, web, "
	"lat, lon, accessibility, appointment_only, appointment_url, is_default) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

static const char OFFICE_UPDATE_SQL[] =
	"UPDATE office SET name = $3, street = $4, postal_code = $5, city = $6, phone = $7, "
	"email = $8, web = $9, lat = $10, lon = $11, accessibility = $12, appointment_only = $13, "
	"appointment_url = $14, is_default = $15 WHERE tenant_id = $1 AND slug = $2";

static const char OFFICE_UNDEFAULT_SQL[] =
	"UPDATE office SET is_default = 0 WHERE tenant_id = $1 AND slug <> $2 AND is_default = 1";

static const char HOURS_GET_SQL[] =
	"SELECT h.weekday, h.opens, h.closes, h.note FROM office_hours h "
	"JOIN office o ON o.id = h.office_id WHERE o.tenant_id = $1 AND h.office_id = $2 "
	"ORDER BY h.weekday, h.opens, h.closes";

static const char HOURS_DELETE_SQL[] = "DELETE FROM office_hours WHERE office_id IN "
				       "(SELECT id FROM office WHERE tenant_id = $1 AND id = $2)";

static const char HOURS_INSERT_SQL[] =
	"INSERT INTO office_hours (office_id, weekday, opens, closes, note) VALUES ($1, $2, $3, "
	"$4, $5)";

/* Whether the stored row (current row of `st`) equals `o`. */
static bool
same_office(struct db_stmt *st, const struct office *o)
{
	const char *text[] = {o->name, o->phone, o->email, o->web, o->lat, o->lon};
	const char *addr[] = {o->street, o->postal_code, o->city};

	if (strcmp(db_col_text(st, 1), text[0]) != 0)
		return false;
	for (int i = 0; i < 3; i++)
		if (strcmp(db_col_text(st, 2 + i), addr[i]) != 0)
			return false;
	for (int i = 1; i < 6; i++)
		if (strcmp(db_col_text(st, 4 + i), text[i]) != 0)
			return false;
	return strcmp(db_col_text(st, 10), o->accessibility) == 0 &&
	       (db_col_int64(st, 11) != 0) == o->hours.appointment_only &&
	       strcmp(db_col_text(st, 12), o->appointment_url) == 0 &&
	       (db_col_int64(st, 13) != 0) == o->is_default;
}

/* Run `sql` with the office's columns as $1..$15. */
static int
run(struct db *db, const char *sql, const struct tenant *t, const struct office *o, struct err *e)
{
	return db_run(db, e, sql, DB_INT(t->id), DB_TEXT(o->slug), DB_TEXT(o->name),
		      DB_TEXT(o->street), DB_TEXT(o->postal_code), DB_TEXT(o->city),
		      DB_TEXT(o->phone), DB_TEXT(o->email), DB_TEXT(o->web), DB_TEXT(o->lat),
		      DB_TEXT(o->lon), DB_TEXT(o->accessibility), DB_INT(o->hours.appointment_only),
		      DB_TEXT(o->appointment_url), DB_INT(o->is_default));
}

struct stored_office {
	const struct office *o;
	int64_t id;
	bool same;
};

static int
read_stored(struct db_stmt *st, void *ctx, struct err *e)
{
	struct stored_office *r = ctx;

	r->id = db_col_int64(st, 0);
	r->same = same_office(st, r->o);
	return 0;
}

/* Insert or update the office row; sets o->id and *changed. */
static int
upsert(struct db *db, const struct tenant *t, struct office *o, bool *changed, struct err *e)
{
	struct stored_office r = {.o = o};
	int rc = db_one(db, e, OFFICE_GET_SQL, read_stored, &r, DB_INT(t->id), DB_TEXT(o->slug));
	bool found = rc == 0;

	if (rc == ERR_NOTFOUND) {
		err_clear(e);
		rc = 0;
	}
	if (rc)
		return rc;
	o->id = r.id;
	if (o->is_default && !r.same)
		rc = run(db, OFFICE_UNDEFAULT_SQL, t, o, e);
	if (rc == 0 && !r.same)
		rc = run(db, found ? OFFICE_UPDATE_SQL : OFFICE_INSERT_SQL, t, o, e);
	*changed |= !r.same;
	if (rc || found)
		return rc;
	rc = db_int64(db, e, &o->id, OFFICE_ID_SQL, DB_INT(t->id), DB_TEXT(o->slug));
	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_DB, NULL, "office '%s' not found after insert", o->slug);
	return rc;
}

/* Compares the stored weekly rules, in order, with those of `o`. */
struct rules_cmp {
	const struct office *o;
	size_t n;
	bool same;
};

static int
cmp_rule(struct db_stmt *st, void *ctx, struct err *e)
{
	struct rules_cmp *c = ctx;
	const struct office_rule *r = &c->o->hours.rules[c->n];

	c->same = c->same && c->n < c->o->hours.n_rules && db_col_int64(st, 0) == r->weekday &&
		  civil_parse_time(db_col_text(st, 1)) == r->opens &&
		  civil_parse_time(db_col_text(st, 2)) == r->closes &&
		  strcmp(db_col_text(st, 3), r->note) == 0;
	c->n++;
	return 0;
}

static bool
same_rules(struct db *db, const struct tenant *t, const struct office *o, struct err *e)
{
	struct rules_cmp c = {.o = o, .same = true};

	if (db_each(db, e, HOURS_GET_SQL, cmp_rule, &c, DB_INT(t->id), DB_INT(o->id)))
		return false;
	return c.same && c.n == o->hours.n_rules;
}

static int
save_rules(struct db *db, const struct tenant *t, const struct office *o, struct err *e)
{
	int rc = db_run(db, e, HOURS_DELETE_SQL, DB_INT(t->id), DB_INT(o->id));

	for (size_t i = 0; rc == 0 && i < o->hours.n_rules; i++) {
		const struct office_rule *r = &o->hours.rules[i];
		char opens[8], closes[8];

		civil_format_time(r->opens, opens);
		civil_format_time(r->closes, closes);
		rc = db_run(db, e, HOURS_INSERT_SQL, DB_INT(o->id), DB_INT(r->weekday),
			    DB_TEXT(opens), DB_TEXT(closes), DB_TEXT(r->note));
	}
	return rc;
}

int
office_save(struct db *db, const struct tenant *t, struct office *o, bool *changed, struct err *e)
{
	int rc;

	*changed = false;
	if (!tenant_slug_valid(o->slug))
		return err_set(e, ERR_INVALID, NULL, "bad office slug '%s'", o->slug);
	for (size_t i = 0; i < o->hours.n_rules; i++) {
		const struct office_rule *r = &o->hours.rules[i];

		if (r->weekday < 1 || r->weekday > 7 || r->opens < 0 || r->closes <= r->opens ||
		    r->closes > 24 * 60)
			return err_set(e, ERR_INVALID, NULL, "bad hours of office '%s'", o->slug);
	}
	rc = upsert(db, t, o, changed, e);
	if (rc == 0 && !same_rules(db, t, o, e)) {
		*changed = true;
		rc = save_rules(db, t, o, e);
	}
	return rc;
}

static const char CLAIM_SQL[] = "INSERT INTO responsibility (tenant_id, leika, office_id) "
				"SELECT ts.tenant_id, ts.leika, o.id FROM tenant_service ts "
				"JOIN office o ON o.tenant_id = ts.tenant_id AND o.id = $2 "
				"WHERE ts.tenant_id = $1 AND substr(ts.leika, 1, length($3)) = $3 "
				"ON CONFLICT (tenant_id, leika) DO NOTHING";

int
office_claim_services(struct db *db, const struct tenant *t, int64_t office_id,
		      const char *const *prefixes, size_t n, int *added, struct err *e)
{
	int rc = 0;

	*added = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t k = 0;

		rc = db_run_count(db, e, &k, CLAIM_SQL, DB_INT(t->id), DB_INT(office_id),
				  DB_TEXT(prefixes[i]));
		*added += (int)k;
	}
	return rc;
}

static const char HOLIDAY_SAME_SQL[] =
	"SELECT count(*) FROM holiday WHERE land = $1 AND date = $2 AND name = $3";
static const char HOLIDAY_UPSERT_SQL[] =
	"INSERT INTO holiday (land, date, name) VALUES ($1, $2, $3) "
	"ON CONFLICT (land, date) DO UPDATE SET name = excluded.name";

/* Insert or rename the holiday of one row; *added counts real changes. */
static int
holiday_put(struct db *db, const char *land, const char *date, const char *name, int *added,
	    struct err *e)
{
	int64_t same = 0;
	int rc = db_int64(db, e, &same, HOLIDAY_SAME_SQL, DB_TEXT(land), DB_TEXT(date),
			  DB_TEXT(name));

	if (rc || same)
		return rc;
	rc = db_run(db, e, HOLIDAY_UPSERT_SQL, DB_TEXT(land), DB_TEXT(date), DB_TEXT(name));
	if (rc == 0)
		(*added)++;
	return rc;
}

static int
holidays_write(struct db *db, const struct csvfile *csv, int *added, int *total, struct err *e)
{
	static const char *const names[] = {"datum", "land", "teilgebiet", "name"};
	int col[4], c_date, c_land, c_part, c_name;
	int rc = 0;

	for (int i = 0; i < 4; i++)
		if ((col[i] = csvfile_col(csv, names[i], e)) < 0)
			return ERR_INVALID; /* the first missing column is named in `e` */
	c_date = col[0];
	c_land = col[1];
	c_part = col[2];
	c_name = col[3];
	for (size_t i = 0; rc == 0 && i < csv->nrows; i++) {
		const char *date = csvfile_cell(csv, i, c_date);
		const char *land = csvfile_cell(csv, i, c_land);

		if (!civil_date_valid(date) || strlen(land) != 2)
			return err_set(e, ERR_INVALID, NULL, "%s:%ld: bad date or Land", csv->path,
				       csv->lines[i]);
		(*total)++;
		if (csvfile_cell(csv, i, c_part)[0])
			continue; /* a part of a Land only (Augsburg): not the tenant's Land */
		rc = holiday_put(db, land, date, csvfile_cell(csv, i, c_name), added, e);
	}
	return rc;
}

int
office_import_holidays(struct db *db, const char *path, int *added, int *total, struct err *e)
{
	struct arena a;
	struct csvfile csv;
	int rc;

	*added = 0;
	*total = 0;
	arena_init(&a);
	rc = csvfile_load(path, &a, &csv, e);
	if (rc == 0)
		rc = db_begin(db, e);
	if (rc == 0) {
		rc = holidays_write(db, &csv, added, total, e);
		rc = db_end(db, rc, e);
	}
	arena_release(&a);
	return rc;
}
