/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * svc_import_descriptions(): authored descriptions from a JSON document in
 * the format of data/services/descriptions.json (see its README.md).  The
 * whole file is checked before anything is written; an unknown key is an
 * error, so a typo cannot silently drop a text.  Entries for services the
 * catalogue lacks are skipped and counted.
 *
 * An entry replaces what it describes: text modules (an empty string
 * deletes the module), legal basis, synonyms and sources.  Each entry is
 * compared with the stored description and written only if it differs.
 * "leika_bezeichnung" and "notes_internal" are accepted and not stored: the
 * first comes from the catalogue, the second is for editors of the file.
 * An empty "responsible_level" leaves the level as it is.
 */
#include "features/catalog/svc_int.h"

#include "db/db.h"

#include <jansson.h>
#include <string.h>

/* Where in the file an entry is, for messages. */
struct where {
	const char *path;
	size_t i;	   /* index in "services" */
	const char *leika; /* "" until known */
};

#define WHERE_FMT "%s: services[%zu]%s%s"
#define WHERE_ARGS(w) (w)->path, (w)->i, (w)->leika[0] ? " " : "", (w)->leika

static int
want_string(json_t *v, const char *key, const struct where *w, const char **out, struct err *e)
{
	if (!json_is_string(v))
		return err_set(e, ERR_INVALID, NULL, WHERE_FMT ": '%s' is not a string",
			       WHERE_ARGS(w), key);
	*out = json_string_value(v);
	return 0;
}

static int
want_array(json_t *v, const char *key, const struct where *w, struct err *e)
{
	if (!json_is_array(v))
		return err_set(e, ERR_INVALID, NULL, WHERE_FMT ": '%s' is not an array",
			       WHERE_ARGS(w), key);
	return 0;
}

/*
 * The string fields `names` of object `o`, element `i` of array `key`, into
 * vals[] ("" when absent).  Any other key is an error.
 */
static int
want_fields(json_t *o, const char *key, size_t i, const char *const *names, const char **vals,
	    size_t n, const struct where *w, struct err *e)
{
	const char *k;
	json_t *f;

	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, NULL, WHERE_FMT ": %s[%zu] is not an object",
			       WHERE_ARGS(w), key, i);
	for (size_t j = 0; j < n; j++)
		vals[j] = "";
	json_object_foreach(o, k, f)
	{
		size_t j = 0;

		while (j < n && strcmp(k, names[j]) != 0)
			j++;
		if (j == n)
			return err_set(e, ERR_INVALID, NULL,
				       WHERE_FMT ": %s[%zu]: unknown key '%s'", WHERE_ARGS(w), key,
				       i, k);
		if (!json_is_string(f))
			return err_set(e, ERR_INVALID, NULL,
				       WHERE_FMT ": %s[%zu].%s is not a string", WHERE_ARGS(w), key,
				       i, k);
		vals[j] = json_string_value(f);
	}
	return 0;
}

static int
parse_synonyms(json_t *v, const struct where *w, struct arena *a, struct svc_desc *d, struct err *e)
{
	size_t i, n = 0;
	json_t *s;
	int rc = want_array(v, "synonyms", w, e);

	if (rc)
		return rc;
	d->synonyms = arena_calloc(a, json_array_size(v) + 1, sizeof(*d->synonyms));
	json_array_foreach(v, i, s)
	{
		const char *t = json_string_value(s);

		if (!t || !t[0])
			return err_set(e, ERR_INVALID, NULL,
				       WHERE_FMT ": synonyms[%zu] is not a non-empty string",
				       WHERE_ARGS(w), i);
		d->synonyms[n++] = t;
	}
	d->n_synonyms = svc_sort_unique(d->synonyms, n);
	return 0;
}

/*
 * Array `key` of objects with the string fields `names` into *rows: n
 * values for each element, one element after the other, in `a`.
 */
static int
want_records(json_t *v, const char *key, const char *const *names, size_t n, const struct where *w,
	     struct arena *a, const char ***rows, struct err *e)
{
	size_t i;
	json_t *o;
	int rc = want_array(v, key, w, e);

	if (rc)
		return rc;
	*rows = arena_calloc(a, json_array_size(v) * n + 1, sizeof(**rows));
	json_array_foreach(v, i, o)
	{
		rc = want_fields(o, key, i, names, *rows + i * n, n, w, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int
parse_legal(json_t *v, const struct where *w, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char *const names[] = {"title", "url"};
	const char **f = NULL;
	int rc = want_records(v, "legal_basis", names, 2, w, a, &f, e);

	if (rc)
		return rc;
	d->n_legal = json_array_size(v);
	d->legal = arena_calloc(a, d->n_legal + 1, sizeof(*d->legal));
	for (size_t i = 0; i < d->n_legal; i++, f += 2) {
		if (!f[0][0])
			return err_set(e, ERR_INVALID, NULL,
				       WHERE_FMT ": legal_basis[%zu] has no title", WHERE_ARGS(w),
				       i);
		if (f[1][0] && !svc_url_is_http(f[1]))
			return err_set(e, ERR_INVALID, NULL,
				       WHERE_FMT ": legal_basis[%zu].url is not http(s)",
				       WHERE_ARGS(w), i);
		d->legal[i] = (struct svc_link){.title = f[0], .url = f[1]};
	}
	return 0;
}

static int
parse_sources(json_t *v, const struct where *w, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char *const names[] = {"url", "title", "checked"};
	const char **f = NULL;
	int rc = want_records(v, "sources", names, 3, w, a, &f, e);

	if (rc)
		return rc;
	d->n_sources = json_array_size(v);
	d->sources = arena_calloc(a, d->n_sources + 1, sizeof(*d->sources));
	for (size_t i = 0; i < d->n_sources; i++, f += 3) {
		if (!svc_url_is_http(f[0]))
			return err_set(e, ERR_INVALID, NULL,
				       WHERE_FMT ": sources[%zu].url is not http(s)", WHERE_ARGS(w),
				       i);
		d->sources[i] = (struct svc_source){.url = f[0], .title = f[1], .checked = f[2]};
	}
	return 0;
}

/* One key of an entry into `d`. */
static int
parse_key(const char *k, json_t *v, const struct where *w, struct arena *a, struct svc_desc *d,
	  struct err *e)
{
	const char *ignored;

	if (strcmp(k, "leika") == 0)
		return 0; /* read first, by the caller */
	if (strcmp(k, "leika_bezeichnung") == 0 || strcmp(k, "notes_internal") == 0)
		return want_string(v, k, w, &ignored, e);
	if (strcmp(k, "title") == 0)
		return want_string(v, k, w, &d->title, e);
	if (strcmp(k, "responsible_level") == 0)
		return want_string(v, k, w, &d->level, e);
	if (strcmp(k, "reviewed") == 0)
		return want_string(v, k, w, &d->reviewed, e);
	if (strcmp(k, "synonyms") == 0)
		return parse_synonyms(v, w, a, d, e);
	if (strcmp(k, "legal_basis") == 0)
		return parse_legal(v, w, a, d, e);
	if (strcmp(k, "sources") == 0)
		return parse_sources(v, w, a, d, e);
	for (int m = 0; m < SVC_N_MODULES; m++)
		if (strcmp(k, svc_desc_key((enum svc_module)m)) == 0)
			return want_string(v, k, w, &d->text[m], e);
	return err_set(e, ERR_INVALID, NULL, WHERE_FMT ": unknown key '%s'", WHERE_ARGS(w), k);
}

/* Entry `o` into `d`; its strings point into the JSON document. */
static int
parse_entry(json_t *o, struct where *w, struct arena *a, struct svc_desc *d, struct err *e)
{
	const char *k;
	json_t *v;
	int rc;

	memset(d, 0, sizeof(*d));
	d->title = d->level = d->reviewed = "";
	for (int m = 0; m < SVC_N_MODULES; m++)
		d->text[m] = "";
	if (!json_is_object(o))
		return err_set(e, ERR_INVALID, NULL, WHERE_FMT " is not an object", WHERE_ARGS(w));
	d->leika = json_string_value(json_object_get(o, "leika"));
	if (!d->leika || !svc_leika_valid(d->leika))
		return err_set(e, ERR_INVALID, NULL, WHERE_FMT ": 'leika' is not 14 digits",
			       WHERE_ARGS(w));
	w->leika = d->leika;
	json_object_foreach(o, k, v)
	{
		rc = parse_key(k, v, w, a, d, e);
		if (rc)
			return rc;
	}
	if (!d->title[0])
		return err_set(e, ERR_INVALID, NULL, WHERE_FMT ": 'title' is empty", WHERE_ARGS(w));
	if (d->level[0] && !svc_level_valid(d->level))
		return err_set(e, ERR_INVALID, NULL,
			       WHERE_FMT ": responsible_level '%s' is not gemeinde, kreis, land "
					 "or bund",
			       WHERE_ARGS(w), d->level);
	return 0;
}

/* The document's entries, checked, into *out (*n of them). */
static int
parse_doc(json_t *doc, const char *path, struct arena *a, struct svc_desc **out, size_t *n,
	  struct err *e)
{
	struct where w = {.path = path, .leika = ""};
	struct svc_map seen;
	const char *k;
	json_t *v, *list = json_object_get(doc, "services");
	int rc;

	json_object_foreach(doc, k, v)
	{
		if (strcmp(k, "format") != 0 && strcmp(k, "reviewed") != 0 &&
		    strcmp(k, "services") != 0)
			return err_set(e, ERR_INVALID, NULL, "%s: unknown key '%s'", path, k);
	}
	if (json_integer_value(json_object_get(doc, "format")) != 1)
		return err_set(e, ERR_INVALID, NULL, "%s: 'format' is not 1", path);
	if (!json_is_array(list))
		return err_set(e, ERR_INVALID, NULL, "%s: no \"services\" array", path);
	*n = json_array_size(list);
	*out = arena_calloc(a, *n + 1, sizeof(**out));
	svc_map_init(&seen);
	rc = 0;
	json_array_foreach(list, w.i, v)
	{
		w.leika = "";
		rc = parse_entry(v, &w, a, &(*out)[w.i], e);
		if (rc == 0 && svc_map_get(&seen, w.leika))
			rc = err_set(e, ERR_INVALID, NULL, WHERE_FMT " appears twice",
				     WHERE_ARGS(&w));
		if (rc)
			break;
		svc_map_put(&seen, w.leika, (void *)w.leika);
	}
	svc_map_release(&seen);
	return rc;
}

/* Compare entry `d` with the stored description and write what differs. */
static int
save_entry(struct db *db, struct svc_desc *d, struct svc_map *slugs, struct arena *a,
	   struct svc_import_stats *st, struct err *e)
{
	struct svc_desc old;
	bool changed = false;
	int rc = svc_desc_load(db, d->leika, a, &old, e);

	if (rc == ERR_NOTFOUND) {
		st->skipped++;
		return 0;
	}
	if (rc)
		return rc;
	d->leika_name = old.leika_name;
	d->slug = old.slug;
	if (strcmp(d->title, old.title) != 0)
		d->slug = svc_slug_claim(slugs, d->title, d->leika, d->leika, a);
	if (!d->level[0])
		d->level = old.level;
	rc = svc_desc_save(db, d, &old, &changed, e);
	if (rc)
		return rc;
	if (!changed)
		st->unchanged++;
	else if (svc_desc_authored(&old))
		st->changed++;
	else
		st->added++;
	return 0;
}

struct slug_row {
	const char *leika, *slug;
};

static void
read_slug(struct db_stmt *st, struct arena *a, void *row)
{
	struct slug_row *r = row;

	db_cols_dup(st, 0, a, &r->leika, &r->slug);
}

/* Every stored slug, for svc_slug_claim(). */
static int
load_slugs(struct db *db, struct arena *a, struct svc_map *slugs, struct err *e)
{
	static const char sql[] = "SELECT leika, slug FROM service";
	void *v = NULL;
	size_t n = 0;
	int rc = db_list(db, e, sql, a, sizeof(struct slug_row), read_slug, &v, &n);
	const struct slug_row *r = v;

	for (size_t i = 0; i < n; i++)
		svc_map_put(slugs, r[i].slug, (void *)r[i].leika);
	return rc;
}

int
svc_import_descriptions(struct db *db, const char *path, struct svc_import_stats *st, struct err *e)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	struct arena a;
	struct svc_map slugs;
	struct svc_desc *v = NULL;
	size_t n = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!doc)
		return err_set(e, ERR_INVALID, NULL, "%s:%d: %s", path, je.line, je.text);
	arena_init(&a);
	svc_map_init(&slugs);
	rc = json_is_object(doc) ? parse_doc(doc, path, &a, &v, &n, e)
				 : err_set(e, ERR_INVALID, NULL, "%s: not a JSON object", path);
	if (rc)
		goto out;
	rc = db_begin(db, e);
	if (rc)
		goto out;
	rc = load_slugs(db, &a, &slugs, e);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = save_entry(db, &v[i], &slugs, &a, st, e);
	rc = db_end(db, rc, e);
out:
	if (rc)
		memset(st, 0, sizeof(*st));
	svc_map_release(&slugs);
	arena_release(&a);
	json_decref(doc);
	return rc;
}
