/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * svc_export_descriptions(): the authored descriptions as a JSON document
 * that svc_import_descriptions() reads back without a change.  Keys come in
 * the order of data/services/README.md; entries by LeiKa key.  What the
 * database does not keep cannot come back: "notes_internal" is written
 * empty, synonyms come sorted.  The file is written beside its target and
 * renamed over it, so a reader never sees half a document.
 */
#include "features/catalog/svc_int.h"

#include "db/db.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Services with anything authored: a review date, texts, synonyms or sources. */
static const char list_sql[] =
	"SELECT leika FROM service s WHERE s.reviewed <> '' "
	"OR EXISTS (SELECT 1 FROM service_text t WHERE t.leika = s.leika) "
	"OR EXISTS (SELECT 1 FROM service_synonym y WHERE y.leika = s.leika) "
	"OR EXISTS (SELECT 1 FROM service_source o WHERE o.leika = s.leika) "
	"ORDER BY leika";

static void
set_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, json_string(s));
}

static json_t *
entry_json(const struct svc_desc *d)
{
	json_t *o = json_object(), *list;

	set_str(o, "leika", d->leika);
	set_str(o, "leika_bezeichnung", d->leika_name);
	set_str(o, "title", d->title);
	list = json_array();
	for (size_t i = 0; i < d->n_synonyms; i++)
		json_array_append_new(list, json_string(d->synonyms[i]));
	json_object_set_new(o, "synonyms", list);
	for (int m = SVC_SHORT; m <= SVC_PROCEDURE; m++)
		set_str(o, svc_desc_key((enum svc_module)m), d->text[m]);
	list = json_array();
	for (size_t i = 0; i < d->n_legal; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "title", d->legal[i].title,
						      "url", d->legal[i].url));
	json_object_set_new(o, "legal_basis", list);
	set_str(o, "notes", d->text[SVC_NOTES]);
	set_str(o, "online", d->text[SVC_ONLINE]);
	set_str(o, "responsible_level", d->level);
	list = json_array();
	for (size_t i = 0; i < d->n_sources; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "url", d->sources[i].url,
						      "title", d->sources[i].title, "checked",
						      d->sources[i].checked));
	json_object_set_new(o, "sources", list);
	set_str(o, "notes_internal", "");
	set_str(o, "reviewed", d->reviewed);
	return o;
}

static void
read_key(struct db_stmt *st, struct arena *a, void *row)
{
	*(const char **)row = db_col_dup(st, 0, a);
}

/* The keys of all authored services, by key, into *out (*n of them). */
static int
list_authored(struct db *db, struct arena *a, const char ***out, size_t *n, struct err *e)
{
	void *v = NULL;
	int rc = db_list(db, e, list_sql, a, sizeof(**out), read_key, &v, n);

	*out = v;
	return rc;
}

static int
build(struct db *db, struct arena *a, json_t *services, const char **latest, struct err *e)
{
	const char **keys = NULL;
	size_t n = 0;
	int rc = list_authored(db, a, &keys, &n, e);

	*latest = "";
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct svc_desc d;

		rc = svc_desc_load(db, keys[i], a, &d, e);
		if (rc)
			break;
		json_array_append_new(services, entry_json(&d));
		/* ISO dates compare as strings. */
		if (strcmp(d.reviewed, *latest) > 0)
			*latest = d.reviewed;
	}
	return rc;
}

static int
write_doc(json_t *doc, const char *path, struct arena *a, struct err *e)
{
	const char *tmp = arena_printf(a, "%s.tmp", path);
	char *text = json_dumps(doc, JSON_INDENT(1));
	FILE *f = NULL;
	int rc = 0;

	if (!text)
		return err_set(e, ERR_INTERNAL, NULL, "cannot serialise the descriptions");
	f = fopen(tmp, "w");
	if (!f) {
		rc = err_set(e, ERR_IO, NULL, "cannot create '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF) {
		rc = err_set(e, ERR_IO, NULL, "cannot write '%s': %s", tmp, strerror(errno));
		fclose(f);
		remove(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		rc = err_set(e, ERR_IO, NULL, "cannot write '%s': %s", path, strerror(errno));
		remove(tmp);
	}
out:
	free(text);
	return rc;
}

int
svc_export_descriptions(struct db *db, const char *path, int *n, struct err *e)
{
	struct arena a;
	json_t *doc = json_object(), *services = json_array();
	const char *latest = "";
	int rc;

	*n = 0;
	arena_init(&a);
	rc = build(db, &a, services, &latest, e);
	if (rc == 0) {
		json_object_set_new(doc, "format", json_integer(1));
		set_str(doc, "reviewed", latest);
		json_object_set(doc, "services", services);
		rc = write_doc(doc, path, &a, e);
	}
	if (rc == 0)
		*n = (int)json_array_size(services);
	json_decref(services);
	json_decref(doc);
	arena_release(&a);
	return rc;
}
