/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * svc_int: what the catalogue's own files share.  Nothing outside
 * src/features/catalog/ includes this header; other modules use svc.h.
 */
#ifndef RATHAUS_SVC_INT_H
#define RATHAUS_SVC_INT_H

#include "features/catalog/svc.h"

#include "core/arena.h"
#include "core/csvfile.h"
#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Import and export (svc_import*.c, svc_desc.c, svc_export_json.c) ---- */

/*
 * A map from NUL-terminated strings to pointers (open addressing).  Keys are
 * borrowed: they must outlive the map.  A NULL value reads as absent.
 */
struct svc_map {
	struct svc_map_slot *slots;
	size_t cap, n;
};

void svc_map_init(struct svc_map *m);
void svc_map_release(struct svc_map *m);
void *svc_map_get(const struct svc_map *m, const char *key);
void svc_map_put(struct svc_map *m, const char *key, void *val);

/*
 * Slugs longer than this are cut at a word boundary.  The longest LeiKa
 * name gives 242 bytes; the cap is for hostile titles, not for real ones.
 */
#define SVC_SLUG_MAX 255

/*
 * The slug of `text`: lower-case ASCII letters and digits, ä/ö/ü/ß as
 * ae/oe/ue/ss, every other run of characters as one '-', none at either end.
 * Empty when `text` has no letter or digit.  Lives in arena `a`.
 */
char *svc_slugify(const char *text, struct arena *a);

/*
 * A slug for `text` that no other owner holds in `used` (slug -> owner):
 * svc_slugify(text), or `fallback` when that is empty, with "-2", "-3", ...
 * appended on collision.  Records it for `owner` (borrowed, as the result,
 * which lives in `a`).
 */
const char *svc_slug_claim(struct svc_map *used, const char *text, const char *fallback,
			   const char *owner, struct arena *a);

/*
 * The executing level of a service (see svc.h) from its Typisierung and key:
 * "bund", "land", "kreis", "gemeinde", or "" when the Typisierung names none.
 * `kreis_groups` holds the 3-digit groups executed by the Kreis.
 */
const char *svc_level_of(const char *typisierung, const char *leika,
			 const struct svc_map *kreis_groups);

/* True for the levels a service may have: bund, land, kreis, gemeinde. */
bool svc_level_valid(const char *s);

/* True when `url` starts with http:// or https://. */
bool svc_url_is_http(const char *url);

/*
 * Split a LeiKa `rechtsgrundlage` into entries "Title [url]", separated by
 * line breaks or by ", " after a link.  Links other than http(s) are dropped
 * (the title stays); an entry without a title takes its link as title.
 * *out is an array of the *n entries in arena `a`.
 */
void svc_legal_parse(const char *s, struct arena *a, struct svc_link **out, size_t *n);

/* Whether two lists of links are equal, entry by entry. */
bool svc_links_equal(const struct svc_link *a, size_t na, const struct svc_link *b, size_t nb);

/*
 * Add `links` as the service_legal rows of `leika` at pos 0..n-1, or replace
 * all its rows with them.  Return 0 or a db error.
 */
int svc_legal_add(struct db *db, const char *leika, const struct svc_link *links, size_t n,
		  struct err *e) MUST_CHECK;
int svc_legal_save(struct db *db, const char *leika, const struct svc_link *links, size_t n,
		   struct err *e) MUST_CHECK;

/*
 * The LeiKa import reads its files into one of these first (svc_import_taxo.c
 * for the taxonomy, svc_import_leika.c for the services), then writes.
 */
struct svc_tf {
	int64_t id;
	const char *name, *slug;
};

struct svc_lage {
	int64_t id, themenfeld_id;
	const char *name, *slug;
	const char *kind; /* lebenslage, unternehmenslage or querschnitt */
};

struct svc_ozg {
	int64_t id;
	int64_t lage_id; /* 0: none */
	const char *ozg_id, *name;
};

struct svc_leika_import {
	struct arena *a; /* everything below lives here */
	struct svc_tf *tf;
	size_t n_tf;
	struct svc_lage *lage;
	size_t n_lage;
	struct svc_ozg *ozg;
	size_t n_ozg;
	struct svc_map tf_ids, lage_ids, ozg_ids; /* decimal id -> struct */
	struct svc_map kreis_groups;		  /* "036" -> itself */
};

/*
 * Read and check themenfelder.csv, lebenslagen.csv, ozg_leistungen.csv and
 * kreis_groups.csv of `dir` into `l`.  Returns 0, ERR_IO or ERR_INVALID
 * with "file:line: ..." in `e`.
 */
int svc_taxo_read(struct svc_leika_import *l, const char *dir, struct err *e) MUST_CHECK;

/* Upsert what svc_taxo_read() read, by id.  Returns 0 or a db error. */
int svc_taxo_save(struct db *db, const struct svc_leika_import *l, struct err *e) MUST_CHECK;

/* "lebenslage", "unternehmenslage" or "querschnitt" (the rule in svc_import_taxo.c). */
const char *svc_lage_kind(const char *themenfeld, const char *name);

/*
 * The positive integer in field `col` of row `row`; an empty field is 0 when
 * `optional`.  Returns 0 or ERR_INVALID with "file:line: ..." in `e`.
 */
int svc_cell_id(const struct csvfile *t, size_t row, int col, bool optional, int64_t *out,
		struct err *e) MUST_CHECK;

/* The value stored for `id` in a map keyed by decimal ids, or NULL. */
void *svc_id_get(const struct svc_map *ids, int64_t id, struct arena *a);

/* Where an authored text's facts come from. */
struct svc_source {
	const char *url, *title, *checked;
};

/* A service's authored description, as stored and as exchanged in JSON. */
struct svc_desc {
	const char *leika, *leika_name, *title, *slug, *level, *reviewed;
	const char *text[SVC_N_MODULES]; /* Markdown, "" when the module is absent */
	const char **synonyms;		 /* sorted by strcmp(), no duplicates */
	size_t n_synonyms;
	struct svc_link *legal;
	size_t n_legal;
	struct svc_source *sources;
	size_t n_sources;
};

/*
 * The stored description of service `leika`; it lives in arena `a`.
 * Returns 0, ERR_NOTFOUND when there is no such service, or a db error.
 */
int svc_desc_load(struct db *db, const char *leika, struct arena *a, struct svc_desc *out,
		  struct err *e) MUST_CHECK;

/*
 * Write description `d` over the stored `old` (as svc_desc_load() gave it):
 * only the parts that differ, so *changed tells whether anything did.
 * Returns 0 or a db error.
 */
int svc_desc_save(struct db *db, const struct svc_desc *d, const struct svc_desc *old,
		  bool *changed, struct err *e) MUST_CHECK;

/* Whether anything of `d` was authored: a reviewed date, texts, synonyms or sources. */
bool svc_desc_authored(const struct svc_desc *d);

/* The key of text module `m` in descriptions.json ("short_text", "fees", ...). */
const char *svc_desc_key(enum svc_module m);

/* Sort `v` by strcmp() and drop duplicates; returns the new length. */
size_t svc_sort_unique(const char **v, size_t n);

/* ---- End of import and export ------------------------------------------- */

/*
 * Service `leika` as every tenant shares it: the columns, the shared texts,
 * legal basis, sources and synonyms; online_url "".  ERR_NOTFOUND if unknown.
 */
int svc_shared_load(struct db *db, const char *leika, struct arena *a, struct svc *s,
		    struct err *e) MUST_CHECK;
/*
 * Tenant `t`'s layer on shared service `s`: its online service and its own
 * texts (added or replacing, strings in `a`; s's old strings stay as they
 * are).  ERR_NOTFOUND when `t` does not publish the service.
 */
int svc_tenant_layer(struct db *db, const struct tenant *t, struct svc *s, struct arena *a,
		     struct err *e) MUST_CHECK;

/* ---- The read model (svc_model.c) ---------------------------------------- */

struct rq;
struct svc_model;

struct svc_model *svc_model_new(void);
void svc_model_free(struct svc_model *m);
/* svc_list() for request `q`'s tenant from the model; 0 or an error in q->err. */
int svc_model_list(struct svc_model *m, struct rq *q, const struct svc_filter *f,
		   struct svc_item **out, size_t *n, int64_t *total);
/*
 * The published services of q's tenant that match `f`, by title, as
 * svc_list() gives them: from the read model, or for words (f->q) from the
 * database.  Everything lives in q->a.  0 or an error in q->err.
 */
int svc_offered(struct rq *q, const struct svc_filter *f, struct svc_item **out, size_t *n,
		int64_t *total);
/*
 * svc_find() for q's tenant: the shared part from the read model, kept once
 * per process and catalogue fingerprint, the tenant's layer from the
 * database.  In q->a, valid until it is released.  0 or an error in q->err.
 */
int svc_offered_one(struct rq *q, const char *leika, struct svc **out);
/*
 * svc_topics() for q's tenant from the read model: the topics of `kind`
 * with the number of its published services in each, by name; and one of
 * them by slug.  In q->a.  0 or an error in q->err (ERR_NOTFOUND: no such topic).
 */
int svc_offered_topics(struct rq *q, const char *kind, struct svc_topic **out, size_t *n);
int svc_offered_topic(struct rq *q, const char *kind, const char *slug, struct svc_topic **out);

#endif
