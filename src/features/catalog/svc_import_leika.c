/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * svc_import_leika(): the services half of the LeiKa import, and the whole
 * import's transaction.  Rows without a 14-digit key are skipped.
 *
 * What authored descriptions set survives a re-import: the title is taken
 * from LeiKa only for a new service or while it still equals the stored
 * LeiKa name, and the level and legal basis only while the service has no
 * description (no reviewed date, no text module).  The LeiKa name, objekt,
 * verrichtung, Typisierung and OZG link always follow the file.
 *
 * The stored services are read once up front and compared in memory, so a
 * re-import that changes nothing writes nothing.
 */
#include "features/catalog/svc_int.h"

#include "core/str.h"
#include "db/db.h"

#include <string.h>
#include <strings.h>
#include <time.h>

/* A service as LeiKa describes it, or as it is stored. */
struct leika_svc {
	const char *leika, *name, *title, *slug, *objekt, *verrichtung, *typ, *level;
	int64_t ozg; /* ozg_leistung id, 0: none */
	struct svc_link *legal;
	size_t n_legal, cap_legal;
	bool is_described; /* stored only: has a reviewed date or a text module */
	long line;	   /* read only: where in the file */
};

/* True for a lower-case first letter (ASCII or ä, ö, ü, ß). */
static bool
starts_lower(const char *w)
{
	const unsigned char *p = (const unsigned char *)w;

	if (*p >= 'a' && *p <= 'z')
		return true;
	return p[0] == 0xC3 && (p[1] == 0xA4 || p[1] == 0xB6 || p[1] == 0xBC || p[1] == 0x9F);
}

/*
 * Without an object row, the objekt is the first word with the phrase that
 * qualifies it: lower-case words and the noun after them ("Begründung einer
 * Lebenspartnerschaft").  The Verrichtung is a capitalised noun that follows.
 */
static size_t
objekt_len(const char *name)
{
	const char *p = strchr(name, ' ');
	bool qualified = false;

	while (p) {
		const char *w = p + 1, *next = strchr(w, ' ');

		if (starts_lower(w))
			qualified = true;
		else if (qualified)
			qualified = false;
		else
			break;
		p = next;
	}
	return p ? (size_t)(p - name) : strlen(name);
}

static void
split_name(struct leika_svc *s, const char *object_name, struct arena *a)
{
	size_t n;

	if (object_name) {
		n = strlen(object_name);
		s->objekt = object_name;
		/* The name usually repeats the object's, if in another case. */
		if (strncasecmp(s->name, object_name, n) == 0 &&
		    (s->name[n] == '\0' || s->name[n] == ' '))
			s->verrichtung = arena_strdup_str(a, str_trim(str_c(s->name + n)));
		else
			s->verrichtung = "";
		return;
	}
	n = objekt_len(s->name);
	s->objekt = arena_strndup(a, s->name, n);
	s->verrichtung = arena_strdup_str(a, str_trim(str_c(s->name + n)));
}

/* The columns of leika_leistungen.csv we read. */
struct leika_cols {
	int key, name, typ, ozg, legal;
};

static int
read_row(struct svc_leika_import *l, const struct csvfile *t, const struct leika_cols *c, size_t i,
	 struct leika_svc *s, struct err *e)
{
	int rc;

	s->line = t->lines[i];
	s->name = arena_strdup_str(l->a, str_trim(str_c(csvfile_cell(t, i, c->name))));
	s->typ = arena_strdup_str(l->a, str_trim(str_c(csvfile_cell(t, i, c->typ))));
	if (!s->name[0])
		return err_set(e, ERR_INVALID, NULL, "%s:%ld: bezeichnung is empty", t->path,
			       s->line);
	rc = svc_cell_id(t, i, c->ozg, true, &s->ozg, e);
	if (rc)
		return rc;
	if (s->ozg && !svc_id_get(&l->ozg_ids, s->ozg, l->a))
		return err_set(e, ERR_INVALID, NULL, "%s:%ld: unknown ozg_leistung_id %lld",
			       t->path, s->line, (long long)s->ozg);
	s->level = svc_level_of(s->typ, s->leika, &l->kreis_groups);
	svc_legal_parse(csvfile_cell(t, i, c->legal), l->a, &s->legal, &s->n_legal);
	return 0;
}

/* Read leika_leistungen.csv into *out (*n services); by_key maps key -> service. */
static int
read_services(struct svc_leika_import *l, const char *dir, struct svc_map *by_key,
	      struct leika_svc **out, size_t *n, struct svc_import_stats *st, struct err *e)
{
	struct csvfile t;
	struct leika_cols c;
	struct leika_svc *v;
	int rc = csvfile_load(arena_printf(l->a, "%s/leika_leistungen.csv", dir), l->a, &t, e);

	if (rc)
		return rc;
	c.key = csvfile_col(&t, "leika_schluessel", e);
	c.name = csvfile_col(&t, "bezeichnung", e);
	c.typ = csvfile_col(&t, "typisierung", e);
	c.ozg = csvfile_col(&t, "ozg_leistung_id", e);
	c.legal = csvfile_col(&t, "rechtsgrundlage", e);
	if (c.key < 0 || c.name < 0 || c.typ < 0 || c.ozg < 0 || c.legal < 0)
		return ERR_INVALID;
	v = arena_calloc(l->a, t.nrows + 1, sizeof(*v));
	*out = v;
	*n = 0;
	for (size_t i = 0; i < t.nrows; i++) {
		struct leika_svc *s = &v[*n];

		s->leika = arena_strdup_str(l->a, str_trim(str_c(csvfile_cell(&t, i, c.key))));
		if (!svc_leika_valid(s->leika)) {
			st->skipped++;
			continue;
		}
		if (svc_map_get(by_key, s->leika))
			return err_set(e, ERR_INVALID, NULL, "%s:%ld: key %s appears twice", t.path,
				       t.lines[i], s->leika);
		rc = read_row(l, &t, &c, i, s, e);
		if (rc)
			return rc;
		svc_map_put(by_key, s->leika, s);
		(*n)++;
	}
	/* Objekt and Verrichtung need the object rows, which may come later. */
	for (size_t i = 0; i < *n; i++) {
		char key[15];
		const struct leika_svc *obj;

		memcpy(key, v[i].leika, 8);
		memcpy(key + 8, "000000", 7);
		obj = svc_map_get(by_key, key);
		split_name(&v[i], obj ? obj->name : NULL, l->a);
	}
	return 0;
}

struct stored_rows {
	struct arena *a;
	struct svc_map *old, *slugs;
};

static int
read_stored(struct db_stmt *st, void *ctx, struct err *e)
{
	struct stored_rows *r = ctx;
	struct leika_svc *s = arena_calloc(r->a, 1, sizeof(*s));
	const char **f[] = {&s->leika,	&s->name,	 &s->title, &s->slug,
			    &s->objekt, &s->verrichtung, &s->typ,   &s->level};

	for (int i = 0; i < 8; i++)
		*f[i] = db_col_dup(st, i, r->a);
	s->ozg = db_col_int64(st, 8);
	s->is_described = db_col_int64(st, 9) != 0;
	svc_map_put(r->old, s->leika, s);
	svc_map_put(r->slugs, s->slug, (void *)s->leika);
	return 0;
}

static int
read_stored_legal(struct db_stmt *st, void *ctx, struct err *e)
{
	struct stored_rows *r = ctx;
	struct leika_svc *s = svc_map_get(r->old, db_col_text(st, 0));

	if (!s)
		return 0;
	s->legal = arena_grow(r->a, s->legal, s->n_legal, &s->cap_legal, sizeof(*s->legal));
	db_cols_dup(st, 1, r->a, &s->legal[s->n_legal].title, &s->legal[s->n_legal++].url);
	return 0;
}

/* Read the stored services into `old` (key -> struct leika_svc) and their slugs. */
static int
load_stored(struct db *db, struct arena *a, struct svc_map *old, struct svc_map *slugs,
	    struct err *e)
{
	static const char svc_sql[] =
		"SELECT leika, leika_name, title, slug, objekt, verrichtung, typisierung, level, "
		"COALESCE(ozg_leistung_id, 0), CASE WHEN reviewed <> '' OR EXISTS (SELECT 1 FROM "
		"service_text t WHERE t.leika = service.leika) THEN 1 ELSE 0 END FROM service";
	static const char legal_sql[] =
		"SELECT leika, title, url FROM service_legal ORDER BY leika, pos";
	struct stored_rows r = {a, old, slugs};
	int rc = db_each(db, e, svc_sql, read_stored, &r);

	return rc ? rc : db_each(db, e, legal_sql, read_stored_legal, &r);
}

static int
write_service(struct db *db, const struct leika_svc *s, bool is_new, struct err *e)
{
	static const char insert_sql[] =
		"INSERT INTO service (leika, leika_name, title, slug, objekt, verrichtung, "
		"typisierung, level, ozg_leistung_id, updated_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	static const char update_sql[] =
		"UPDATE service SET leika_name = $2, title = $3, slug = $4, objekt = $5, "
		"verrichtung = $6, typisierung = $7, level = $8, ozg_leistung_id = $9, "
		"updated_at = $10 WHERE leika = $1";

	return db_run(db, e, is_new ? insert_sql : update_sql, DB_TEXT(s->leika), DB_TEXT(s->name),
		      DB_TEXT(s->title), DB_TEXT(s->slug), DB_TEXT(s->objekt),
		      DB_TEXT(s->verrichtung), DB_TEXT(s->typ), DB_TEXT(s->level), DB_ID(s->ozg),
		      DB_INT((int64_t)time(NULL)));
}

static bool
same_fields(const struct leika_svc *a, const struct leika_svc *b)
{
	const char *fa[] = {a->name,	    a->title, a->slug, a->objekt,
			    a->verrichtung, a->typ,   a->level};
	const char *fb[] = {b->name,	    b->title, b->slug, b->objekt,
			    b->verrichtung, b->typ,   b->level};

	for (size_t i = 0; i < sizeof(fa) / sizeof(*fa); i++)
		if (strcmp(fa[i], fb[i]) != 0)
			return false;
	return a->ozg == b->ozg;
}

/* Save service `s` read from the file against its stored version `old` (or NULL). */
static int
save_service(struct db *db, struct leika_svc *s, const struct leika_svc *old, struct svc_map *slugs,
	     struct arena *a, struct svc_import_stats *st, struct err *e)
{
	bool fields_changed, legal_changed;
	int rc;

	if (!old) {
		s->title = s->name;
		s->slug = svc_slug_claim(slugs, s->title, s->leika, s->leika, a);
		rc = write_service(db, s, true, e);
		if (rc == 0)
			rc = svc_legal_add(db, s->leika, s->legal, s->n_legal, e);
		st->added += rc == 0;
		return rc;
	}
	s->title = old->title;
	s->slug = old->slug;
	if (strcmp(old->title, old->name) == 0 && strcmp(old->title, s->name) != 0) {
		s->title = s->name;
		s->slug = svc_slug_claim(slugs, s->title, s->leika, s->leika, a);
	}
	if (old->is_described) {
		s->level = old->level;
		s->legal = old->legal;
		s->n_legal = old->n_legal;
	}
	fields_changed = !same_fields(s, old);
	legal_changed = !svc_links_equal(s->legal, s->n_legal, old->legal, old->n_legal);
	/* Any change stamps updated_at: the read models of every instance notice it by that. */
	rc = fields_changed || legal_changed ? write_service(db, s, false, e) : 0;
	if (rc == 0 && legal_changed)
		rc = svc_legal_save(db, s->leika, s->legal, s->n_legal, e);
	if (rc == 0 && (fields_changed || legal_changed))
		st->changed++;
	else if (rc == 0)
		st->unchanged++;
	return rc;
}

static int
save_services(struct db *db, struct leika_svc *v, size_t n, struct arena *a,
	      struct svc_import_stats *st, struct err *e)
{
	struct svc_map old, slugs;
	int rc;

	svc_map_init(&old);
	svc_map_init(&slugs);
	rc = load_stored(db, a, &old, &slugs, e);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = save_service(db, &v[i], svc_map_get(&old, v[i].leika), &slugs, a, st, e);
	svc_map_release(&old);
	svc_map_release(&slugs);
	return rc;
}

int
svc_import_leika(struct db *db, const char *dir, struct svc_import_stats *st, struct err *e)
{
	struct arena a;
	struct svc_leika_import l = {.a = &a};
	struct svc_map by_key;
	struct leika_svc *v = NULL;
	size_t n = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	arena_init(&a);
	svc_map_init(&l.tf_ids);
	svc_map_init(&l.lage_ids);
	svc_map_init(&l.ozg_ids);
	svc_map_init(&l.kreis_groups);
	svc_map_init(&by_key);
	rc = svc_taxo_read(&l, dir, e);
	if (rc == 0)
		rc = read_services(&l, dir, &by_key, &v, &n, st, e);
	if (rc)
		goto out;
	st->themenfelder = (int)l.n_tf;
	st->lagen = (int)l.n_lage;
	st->ozg_leistungen = (int)l.n_ozg;
	rc = db_begin(db, e);
	if (rc)
		goto out;
	rc = svc_taxo_save(db, &l, e);
	if (rc == 0)
		rc = save_services(db, v, n, &a, st, e);
	rc = db_end(db, rc, e);
out:
	if (rc)
		st->added = st->changed = st->unchanged = 0;
	svc_map_release(&by_key);
	svc_map_release(&l.tf_ids);
	svc_map_release(&l.lage_ids);
	svc_map_release(&l.ozg_ids);
	svc_map_release(&l.kreis_groups);
	arena_release(&a);
	return rc;
}
