/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The OZG taxonomy half of the LeiKa import: Themenfelder, Lebens- and
 * Unternehmenslagen, OZG-Leistungen, and the table of service groups the
 * Kreis executes.  Everything is read and checked before anything is
 * written, so a bad file leaves the database alone; rows are then upserted
 * by id, in the order their foreign keys need.
 *
 * The source does not say whether a Lage addresses citizens or businesses.
 * Our rule: Lagen under the Themenfeld "Unternehmensführung & -entwicklung",
 * and the Unternehmenslagen of the OZG-Umsetzungskatalog filed under other
 * Themenfelder (business_lagen below), are Unternehmenslagen; the three
 * pseudo-Lagen for services of every situation are "querschnitt"; the rest
 * are Lebenslagen.
 */
#include "features/catalog/svc_int.h"

#include "core/str.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

static const char business_themenfeld[] = "Unternehmensführung & -entwicklung";

/* OZG Unternehmenslagen outside that Themenfeld, by their catalogue names. */
static const char *const business_lagen[] = {
	"Abfall & Umweltschutz", "Anlagen & Stoffe",	     "Auslandsgeschäft",
	"Bauen & Immobilien",	 "Finanzierung & Förderung", "Forschung & Entwicklung",
	"Logistik & Transport",	 "Steuern & Abgaben",
};

static const char *const querschnitt_lagen[] = {
	"Querschnitt Bürger",
	"Querschnitt Unternehmen",
	"Weitere Leistungen",
};

static bool
listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

const char *
svc_lage_kind(const char *themenfeld, const char *name)
{
	if (listed(name, querschnitt_lagen, sizeof(querschnitt_lagen) / sizeof(*querschnitt_lagen)))
		return "querschnitt";
	if (strcmp(themenfeld, business_themenfeld) == 0 ||
	    listed(name, business_lagen, sizeof(business_lagen) / sizeof(*business_lagen)))
		return "unternehmenslage";
	return "lebenslage";
}

int
svc_cell_id(const struct csvfile *t, size_t row, int col, bool optional, int64_t *out,
	    struct err *e)
{
	struct str s = str_trim(str_c(csvfile_cell(t, row, col)));

	*out = 0;
	if (s.len == 0 && optional)
		return 0;
	if (str_to_int64(s, 1, INT64_MAX, out))
		return err_set(e, ERR_INVALID, NULL, "%s:%ld: %s '%s' is not a positive number",
			       t->path, t->lines[row], t->head[col], csvfile_cell(t, row, col));
	return 0;
}

/* The trimmed, non-empty text of a cell, or ERR_INVALID. */
static int
cell_text(const struct csvfile *t, size_t row, int col, struct arena *a, const char **out,
	  struct err *e)
{
	struct str s = str_trim(str_c(csvfile_cell(t, row, col)));

	if (s.len == 0)
		return err_set(e, ERR_INVALID, NULL, "%s:%ld: %s is empty", t->path, t->lines[row],
			       t->head[col]);
	*out = arena_strdup_str(a, s);
	return 0;
}

/* Register `id` of row `row` in map `ids`, refusing a second row with it. */
static int
claim_id(struct svc_map *ids, const struct csvfile *t, size_t row, int64_t id, void *val,
	 struct arena *a, struct err *e)
{
	const char *key = arena_printf(a, "%lld", (long long)id);

	if (svc_map_get(ids, key))
		return err_set(e, ERR_INVALID, NULL, "%s:%ld: id %lld appears twice", t->path,
			       t->lines[row], (long long)id);
	svc_map_put(ids, key, val);
	return 0;
}

void *
svc_id_get(const struct svc_map *ids, int64_t id, struct arena *a)
{
	return svc_map_get(ids, arena_printf(a, "%lld", (long long)id));
}

static int
read_themenfelder(struct svc_leika_import *l, const struct csvfile *t, struct err *e)
{
	int c_id = csvfile_col(t, "themenfeld_id", e), c_name = csvfile_col(t, "name", e);
	struct svc_map slugs;
	int rc = 0;

	if (c_id < 0 || c_name < 0)
		return ERR_INVALID;
	svc_map_init(&slugs);
	l->tf = arena_calloc(l->a, t->nrows + 1, sizeof(*l->tf));
	for (size_t i = 0; i < t->nrows && rc == 0; i++) {
		struct svc_tf *tf = &l->tf[i];

		rc = svc_cell_id(t, i, c_id, false, &tf->id, e);
		if (rc == 0)
			rc = cell_text(t, i, c_name, l->a, &tf->name, e);
		if (rc == 0)
			rc = claim_id(&l->tf_ids, t, i, tf->id, tf, l->a, e);
		if (rc == 0)
			tf->slug = svc_slug_claim(
				&slugs, tf->name,
				arena_printf(l->a, "themenfeld-%lld", (long long)tf->id), tf->name,
				l->a);
	}
	l->n_tf = t->nrows;
	svc_map_release(&slugs);
	return rc;
}

static int
read_lagen(struct svc_leika_import *l, const struct csvfile *t, struct err *e)
{
	int c_id = csvfile_col(t, "lebenslage_id", e), c_tf = csvfile_col(t, "themenfeld_id", e);
	int c_name = csvfile_col(t, "name", e);
	struct svc_map slugs;
	int rc = 0;

	if (c_id < 0 || c_tf < 0 || c_name < 0)
		return ERR_INVALID;
	svc_map_init(&slugs);
	l->lage = arena_calloc(l->a, t->nrows + 1, sizeof(*l->lage));
	for (size_t i = 0; i < t->nrows && rc == 0; i++) {
		struct svc_lage *g = &l->lage[i];
		const struct svc_tf *tf;

		rc = svc_cell_id(t, i, c_id, false, &g->id, e);
		if (rc == 0)
			rc = svc_cell_id(t, i, c_tf, false, &g->themenfeld_id, e);
		if (rc == 0)
			rc = cell_text(t, i, c_name, l->a, &g->name, e);
		if (rc == 0)
			rc = claim_id(&l->lage_ids, t, i, g->id, g, l->a, e);
		if (rc)
			break;
		tf = svc_id_get(&l->tf_ids, g->themenfeld_id, l->a);
		if (!tf) {
			rc = err_set(e, ERR_INVALID, NULL, "%s:%ld: unknown themenfeld_id %lld",
				     t->path, t->lines[i], (long long)g->themenfeld_id);
			break;
		}
		g->kind = svc_lage_kind(tf->name, g->name);
		g->slug = svc_slug_claim(&slugs, g->name,
					 arena_printf(l->a, "lage-%lld", (long long)g->id), g->name,
					 l->a);
	}
	l->n_lage = t->nrows;
	svc_map_release(&slugs);
	return rc;
}

static int
read_ozg(struct svc_leika_import *l, const struct csvfile *t, struct err *e)
{
	int c_id = csvfile_col(t, "ozg_leistung_id", e), c_ozg = csvfile_col(t, "ozg_id", e);
	int c_name = csvfile_col(t, "name", e), c_lage = csvfile_col(t, "lebenslage_id", e);
	int rc = 0;

	if (c_id < 0 || c_ozg < 0 || c_name < 0 || c_lage < 0)
		return ERR_INVALID;
	l->ozg = arena_calloc(l->a, t->nrows + 1, sizeof(*l->ozg));
	for (size_t i = 0; i < t->nrows && rc == 0; i++) {
		struct svc_ozg *o = &l->ozg[i];

		rc = svc_cell_id(t, i, c_id, false, &o->id, e);
		if (rc == 0)
			rc = cell_text(t, i, c_ozg, l->a, &o->ozg_id, e);
		if (rc == 0)
			rc = cell_text(t, i, c_name, l->a, &o->name, e);
		if (rc == 0)
			rc = svc_cell_id(t, i, c_lage, true, &o->lage_id, e);
		if (rc == 0)
			rc = claim_id(&l->ozg_ids, t, i, o->id, o, l->a, e);
		if (rc == 0 && o->lage_id && !svc_id_get(&l->lage_ids, o->lage_id, l->a))
			rc = err_set(e, ERR_INVALID, NULL, "%s:%ld: unknown lebenslage_id %lld",
				     t->path, t->lines[i], (long long)o->lage_id);
	}
	l->n_ozg = t->nrows;
	return rc;
}

static int
read_kreis_groups(struct svc_leika_import *l, const struct csvfile *t, struct err *e)
{
	int c_group = csvfile_col(t, "group", e);

	if (c_group < 0)
		return ERR_INVALID;
	for (size_t i = 0; i < t->nrows; i++) {
		const char *g = csvfile_cell(t, i, c_group);

		if (strlen(g) != 3 || strspn(g, "0123456789") != 3)
			return err_set(e, ERR_INVALID, NULL, "%s:%ld: group '%s' is not 3 digits",
				       t->path, t->lines[i], g);
		svc_map_put(&l->kreis_groups, g, (void *)g);
	}
	return 0;
}

/* Load `dir`/`name` and hand it to `fn`. */
static int
read_file(struct svc_leika_import *l, const char *dir, const char *name, struct csvfile *t,
	  int (*fn)(struct svc_leika_import *, const struct csvfile *, struct err *), struct err *e)
{
	int rc = csvfile_load(arena_printf(l->a, "%s/%s", dir, name), l->a, t, e);

	return rc ? rc : fn(l, t, e);
}

int
svc_taxo_read(struct svc_leika_import *l, const char *dir, struct err *e)
{
	struct csvfile t;
	int rc;

	rc = read_file(l, dir, "themenfelder.csv", &t, read_themenfelder, e);
	if (rc == 0)
		rc = read_file(l, dir, "lebenslagen.csv", &t, read_lagen, e);
	if (rc == 0)
		rc = read_file(l, dir, "ozg_leistungen.csv", &t, read_ozg, e);
	if (rc == 0)
		rc = read_file(l, dir, "kreis_groups.csv", &t, read_kreis_groups, e);
	return rc;
}

int
svc_taxo_save(struct db *db, const struct svc_leika_import *l, struct err *e)
{
	static const char tf_sql[] =
		"INSERT INTO themenfeld (id, name, slug) VALUES ($1, $2, $3) "
		"ON CONFLICT (id) DO UPDATE SET name = excluded.name, slug = excluded.slug "
		"WHERE themenfeld.name <> excluded.name OR themenfeld.slug <> excluded.slug";
	static const char lage_sql[] =
		"INSERT INTO lage (id, themenfeld_id, name, slug, kind) VALUES ($1, $2, $3, $4, "
		"$5) "
		"ON CONFLICT (id) DO UPDATE SET themenfeld_id = excluded.themenfeld_id, "
		"name = excluded.name, slug = excluded.slug, kind = excluded.kind "
		"WHERE lage.themenfeld_id <> excluded.themenfeld_id OR lage.name <> excluded.name "
		"OR lage.slug <> excluded.slug OR lage.kind <> excluded.kind";
	static const char ozg_sql[] =
		"INSERT INTO ozg_leistung (id, ozg_id, name, lage_id) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT (id) DO UPDATE SET ozg_id = excluded.ozg_id, name = excluded.name, "
		"lage_id = excluded.lage_id WHERE ozg_leistung.ozg_id <> excluded.ozg_id "
		"OR ozg_leistung.name <> excluded.name "
		"OR COALESCE(ozg_leistung.lage_id, 0) <> COALESCE(excluded.lage_id, 0)";
	/* Services show their topic's names: a changed topic is a change of them all. */
	static const char touch_sql[] = "UPDATE service SET updated_at = $1";
	int64_t changed = 0, n = 0;
	int rc = 0;

	for (size_t i = 0; i < l->n_tf && rc == 0; i++, changed += n)
		rc = db_run_count(db, e, &n, tf_sql, DB_INT(l->tf[i].id), DB_TEXT(l->tf[i].name),
				  DB_TEXT(l->tf[i].slug));
	for (size_t i = 0; i < l->n_lage && rc == 0; i++, changed += n)
		rc = db_run_count(db, e, &n, lage_sql, DB_INT(l->lage[i].id),
				  DB_INT(l->lage[i].themenfeld_id), DB_TEXT(l->lage[i].name),
				  DB_TEXT(l->lage[i].slug), DB_TEXT(l->lage[i].kind));
	for (size_t i = 0; i < l->n_ozg && rc == 0; i++, changed += n)
		rc = db_run_count(db, e, &n, ozg_sql, DB_INT(l->ozg[i].id),
				  DB_TEXT(l->ozg[i].ozg_id), DB_TEXT(l->ozg[i].name),
				  DB_ID(l->ozg[i].lage_id));
	if (rc == 0 && changed)
		rc = db_run(db, e, touch_sql, DB_INT((int64_t)time(NULL)));
	return rc;
}
