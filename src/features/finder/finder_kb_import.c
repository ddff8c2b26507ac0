/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `rathaus import responsibility-rules`: the knowledge base of
 * data/responsibility/ (authorities.csv, rules.csv, towns.csv), checked
 * row by row and stored in one transaction that replaces the earlier one.
 * Every row needs a source and the date it was checked; rules name a
 * level, and a named authority only for Land or federal services; towns
 * are Gemeinden (12-digit ARS) or Gemeindeverbände (their 9 digits).
 */
#include "features/finder/finder.h"

#include "core/csvfile.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/* The columns of one file, found by header name. */
struct kb_file {
	const char *name;
	const char *const *cols;
	size_t ncols;
	struct csvfile t;
	int at[12];
};

static const char *const authority_cols[] = {
	"key", "name", "street", "postal_code", "city", "web", "online_url", "source", "checked",
};
static const char *const rule_cols[] = {
	"leika",   "land", "level",	 "authority", "town_task",
	"certain", "note", "online_url", "source",    "checked",
};
static const char *const town_cols[] = {"ars", "task", "note", "source", "checked"};

enum { A_KEY, A_NAME, A_STREET, A_PLZ, A_CITY, A_WEB, A_ONLINE, A_SOURCE, A_CHECKED };
enum { R_LEIKA, R_LAND, R_LEVEL, R_AUTH, R_TASK, R_CERTAIN, R_NOTE, R_ONLINE, R_SOURCE, R_CHECKED };
enum { T_ARS, T_TASK, T_NOTE, T_SOURCE, T_CHECKED };

static int
load(const char *dir, struct kb_file *f, struct arena *a, struct err *e)
{
	const char *path = arena_printf(a, "%s/%s", dir, f->name);
	int rc = csvfile_load(path, a, &f->t, e);

	for (size_t i = 0; rc == 0 && i < f->ncols; i++) {
		f->at[i] = csvfile_col(&f->t, f->cols[i], e);
		if (f->at[i] < 0)
			rc = ERR_INVALID;
	}
	return rc;
}

static const char *
cell(const struct kb_file *f, size_t row, int c)
{
	return csvfile_cell(&f->t, row, f->at[c]);
}

static bool
digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

static bool
is_date(const char *s)
{
	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' && strspn(s, "0123456789-") == 10;
}

/* Refuse row `row` of `f` with `why`. */
static int
bad(const struct kb_file *f, size_t row, const char *why, struct err *e)
{
	return err_set(e, ERR_INVALID, NULL, "%s:%ld: %s", f->t.path, f->t.lines[row], why);
}

/* The checks every row shares: a source and the date it was checked. */
static int
sourced(const struct kb_file *f, size_t row, int source, int checked, struct err *e)
{
	if (!cell(f, row, source)[0])
		return bad(f, row, "every row needs a source (law, ordinance or official page)", e);
	if (!is_date(cell(f, row, checked)))
		return bad(f, row, "checked must be a date YYYY-MM-DD", e);
	return 0;
}

static bool
known_authority(const struct kb_file *au, const char *key)
{
	for (size_t i = 0; i < au->t.nrows; i++)
		if (strcmp(cell(au, i, A_KEY), key) == 0)
			return true;
	return false;
}

/* "" (every Land), a Land "01" to "16", or a Regierungsbezirk (3) or Kreis (5) in one. */
static bool
area_ok(const char *land)
{
	size_t n = strlen(land);

	if (!n)
		return true;
	return (n == 2 || n == 3 || n == 5) && digits(land, n, n) && strncmp(land, "01", 2) >= 0 &&
	       strncmp(land, "16", 2) <= 0;
}

static int
check_rule(const struct kb_file *f, const struct kb_file *au, size_t i, struct err *e)
{
	const char *level = cell(f, i, R_LEVEL), *land = cell(f, i, R_LAND);
	const char *auth = cell(f, i, R_AUTH), *certain = cell(f, i, R_CERTAIN);
	size_t n = strlen(cell(f, i, R_LEIKA));

	if (!digits(cell(f, i, R_LEIKA), 5, 14) || (n != 5 && n != 8 && n != 11 && n != 14))
		return bad(f, i, "leika must be a key prefix of 5, 8, 11 or 14 digits", e);
	if (!area_ok(land))
		return bad(f, i,
			   "land must be empty (every Land), 01 to 16 or a part of one by its key "
			   "(3 digits: Regierungsbezirk, 5: Kreis)",
			   e);
	if (strcmp(level, "gemeinde") != 0 && strcmp(level, "kreis") != 0 &&
	    strcmp(level, "land") != 0 && strcmp(level, "bund") != 0)
		return bad(f, i, "level must be gemeinde, kreis, land or bund", e);
	if (auth[0] && !known_authority(au, auth))
		return bad(f, i, "authority is not in authorities.csv", e);
	if (auth[0] && strcmp(level, "land") != 0 && strcmp(level, "bund") != 0)
		return bad(f, i, "a named authority needs the level land or bund", e);
	if (strcmp(certain, "yes") != 0 && strcmp(certain, "no") != 0)
		return bad(f, i, "certain must be yes or no", e);
	return sourced(f, i, R_SOURCE, R_CHECKED, e);
}

static int
store_authorities(struct db *db, const struct kb_file *f, struct err *e)
{
	static const char sql[] =
		"INSERT INTO authority (key, name, street, postal_code, city, "
		"web, online_url, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < f->t.nrows; i++) {
		if (!cell(f, i, A_KEY)[0] || !cell(f, i, A_NAME)[0])
			return bad(f, i, "an authority needs a key and a name", e);
		if (!cell(f, i, A_WEB)[0] && !cell(f, i, A_CITY)[0])
			return bad(f, i, "an authority needs an address or a web address", e);
		rc = sourced(f, i, A_SOURCE, A_CHECKED, e);
		if (rc == 0)
			rc = db_run(db, e, sql, DB_TEXT(cell(f, i, A_KEY)),
				    DB_TEXT(cell(f, i, A_NAME)), DB_TEXT(cell(f, i, A_STREET)),
				    DB_TEXT(cell(f, i, A_PLZ)), DB_TEXT(cell(f, i, A_CITY)),
				    DB_TEXT(cell(f, i, A_WEB)), DB_TEXT(cell(f, i, A_ONLINE)),
				    DB_TEXT(cell(f, i, A_SOURCE)));
	}
	return rc;
}

static int
store_rules(struct db *db, const struct kb_file *f, const struct kb_file *au, struct err *e)
{
	static const char sql[] =
		"INSERT INTO responsibility_rule (leika, land, level, authority, town_task, "
		"certain, online_url, note, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < f->t.nrows; i++) {
		rc = check_rule(f, au, i, e);
		if (rc == 0)
			rc = db_run(db, e, sql, DB_TEXT(cell(f, i, R_LEIKA)),
				    DB_TEXT(cell(f, i, R_LAND)), DB_TEXT(cell(f, i, R_LEVEL)),
				    DB_TEXT(cell(f, i, R_AUTH)), DB_TEXT(cell(f, i, R_TASK)),
				    DB_INT(strcmp(cell(f, i, R_CERTAIN), "yes") == 0),
				    DB_TEXT(cell(f, i, R_ONLINE)), DB_TEXT(cell(f, i, R_NOTE)),
				    DB_TEXT(cell(f, i, R_SOURCE)));
		if (rc == ERR_CONFLICT)
			rc = bad(f, i, "a second rule for the same leika and land", e);
	}
	return rc;
}

static int
store_towns(struct db *db, const struct kb_file *f, struct err *e)
{
	static const char sql[] = "INSERT INTO responsibility_town (ars, task, note, source) "
				  "VALUES ($1, $2, $3, $4)";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < f->t.nrows; i++) {
		if ((!digits(cell(f, i, T_ARS), 12, 12) && !digits(cell(f, i, T_ARS), 9, 9)) ||
		    !cell(f, i, T_TASK)[0])
			return bad(f, i,
				   "a town needs its 12-digit ars (a Gemeindeverband its 9 digits) "
				   "and a task",
				   e);
		rc = sourced(f, i, T_SOURCE, T_CHECKED, e);
		if (rc == 0)
			rc = db_run(db, e, sql, DB_TEXT(cell(f, i, T_ARS)),
				    DB_TEXT(cell(f, i, T_TASK)), DB_TEXT(cell(f, i, T_NOTE)),
				    DB_TEXT(cell(f, i, T_SOURCE)));
		if (rc == ERR_CONFLICT)
			rc = bad(f, i, "the town is listed twice for this task", e);
	}
	return rc;
}

#define COLS(v) .cols = v, .ncols = sizeof(v) / sizeof(v[0])

int
finder_kb_import(struct db *db, const char *dir, struct finder_kb_stats *st, struct err *e)
{
	struct kb_file au = {.name = "authorities.csv", COLS(authority_cols)};
	struct kb_file ru = {.name = "rules.csv", COLS(rule_cols)};
	struct kb_file to = {.name = "towns.csv", COLS(town_cols)};
	struct arena a;
	int rc;

	memset(st, 0, sizeof(*st));
	arena_init(&a);
	rc = load(dir, &au, &a, e);
	if (rc == 0)
		rc = load(dir, &ru, &a, e);
	if (rc == 0)
		rc = load(dir, &to, &a, e);
	if (rc == 0)
		rc = db_begin(db, e);
	if (rc == 0) {
		rc = db_run_args(db, e, NULL, "DELETE FROM responsibility_rule", NULL, 0);
		if (rc == 0)
			rc = db_run_args(db, e, NULL, "DELETE FROM responsibility_town", NULL, 0);
		if (rc == 0)
			rc = db_run_args(db, e, NULL, "DELETE FROM authority", NULL, 0);
		if (rc == 0)
			rc = store_authorities(db, &au, e);
		if (rc == 0)
			rc = store_rules(db, &ru, &au, e);
		if (rc == 0)
			rc = store_towns(db, &to, e);
		if (rc == 0) /* every process's copy of the rules notices the new version */
			rc = db_run_args(
				db, e, NULL,
				"UPDATE responsibility_kb_version SET version = version + 1", NULL,
				0);
		rc = db_end(db, rc, e);
	}
	if (rc == 0)
		*st = (struct finder_kb_stats){(int)au.t.nrows, (int)ru.t.nrows, (int)to.t.nrows};
	arena_release(&a);
	return rc;
}
