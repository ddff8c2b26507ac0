/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * search: the citizen search over the services, offices and pages (topics,
 * legal pages) of a tenant's scope.
 *
 * An in-process index per scope (a tenant; a portal network also sees the
 * services of its members and its parent), built from the database and
 * rebuilt when the catalogue changes, so ranking is the same on SQLite and
 * PostgreSQL.  German handling: case and umlaut folding (ä = ae, ß = ss),
 * Snowball stemming, compound splitting and joining, typo correction
 * against the index's vocabulary, and colloquial synonyms (a data file plus
 * per-tenant rows staff can extend).
 *
 * The normalizer (search_words) is pure and knows nothing of the database;
 * the index knows nothing of HTTP.
 */
#ifndef RATHAUS_SEARCH_H
#define RATHAUS_SEARCH_H

#include "app/feature.h"
#include "core/arena.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct db;

#define SEARCH_QUERY_MAX 200 /* bytes of a query that count; the rest is ignored */
#define SEARCH_WORD_MAX 48   /* bytes of one folded word; longer words are cut */
#define SEARCH_WORDS_MAX 12  /* words of a query that count */

/* One word of a text, in three forms. */
struct search_word {
	const char *lower; /* lowercase, umlauts kept, ß as ss: "führerschein" */
	const char *fold;  /* ASCII: ä as ae, ß as ss: "fuehrerschein" */
	const char *key;   /* stemmed and folded, what matching compares: "fuhrerschein" */
	size_t start, len; /* where the word stands in the input, in bytes */
};

/*
 * Split `text` (`len` bytes) into words: runs of letters and digits.
 * Invalid UTF-8, control characters and punctuation separate words; letters
 * outside Latin-1 are dropped.  At most `max` words.  Returns the count; the
 * words live in `a`.
 */
size_t search_words(const char *text, size_t len, size_t max, struct arena *a,
		    struct search_word **out);
/* search_words() with only `lower`, `start` and `len` set (fold and key NULL): no stemming. */
size_t search_tokens(const char *text, size_t len, size_t max, struct arena *a,
		     struct search_word **out);

/* The key of one word already in `lower` form (for synonyms and splitting). */
const char *search_key(const char *lower, struct arena *a);

/*
 * Restricted Damerau-Levenshtein distance of a and b, or max + 1 as soon as
 * it is certainly larger than `max`.
 */
int search_distance(const char *a, size_t na, const char *b, size_t nb, int max);

/* Results. */
enum search_kind { SEARCH_SERVICE, SEARCH_OFFICE, SEARCH_PAGE, SEARCH_N_KINDS };

/* A piece of a snippet: text, highlighted or not (the caller escapes it). */
struct search_piece {
	const char *text;
	bool mark;
};

struct search_hit {
	enum search_kind kind;
	const char *id;	    /* LeiKa key, office slug or page path */
	const char *title;  /* as stored */
	const char *url;    /* path below the tenant that offers it, e.g. "/leistungen/x-..." */
	const char *tenant; /* slug of the tenant that offers it */
	double score;
	struct search_piece *snippet;
	size_t n_snippet;
};

struct search_result {
	struct search_hit *hits; /* best first */
	size_t n;
	size_t total[SEARCH_N_KINDS]; /* all matches by kind */
	const char *did_you_mean;     /* a corrected query, or NULL */
	bool too_long;		      /* the query was cut */
};

struct search_opts {
	size_t limit;  /* hits wanted */
	bool prefix;   /* the last word may be unfinished (autocomplete) */
	bool snippets; /* make snippets */
	bool services; /* only services */
};

/*
 * The index of one scope.  Opaque; search_cache_get() hands it out and keeps
 * it alive until the arena given there is released.
 */
struct search_index;

/*
 * Search `query` (any bytes) in `ix`.  Everything in *out lives in `a`.
 * Never fails: a query without words gives no hits.
 */
void search_run(const struct search_index *ix, const char *query, const struct search_opts *o,
		struct arena *a, struct search_result *out);

/* Services in the index. */
size_t search_index_size(const struct search_index *ix);

/*
 * Build the index of tenant `t`'s scope from the database, with the
 * synonyms of file `synonyms` (NULL: none).  The caller frees it with
 * search_index_free().  Returns 0 or ERR_DB / ERR_IO.
 */
int search_index_load(struct db *db, const struct tenant *t, const char *synonyms,
		      struct search_index **out, struct err *e) MUST_CHECK;
void search_index_free(struct search_index *ix);

/* ---- Document sources (search_feed.c) ------------------------------------- */

/*
 * Features hand their documents to the search through a source in their
 * struct feature (app/feature.h): a load function that adds the documents
 * of a scope to a feed, and a fingerprint query that changes whenever those
 * documents do.  The search itself names no other feature's tables.
 */

/* Fields of a document, by weight; SEARCH_F_PART is made by the index from the first three. */
enum search_field {
	SEARCH_F_TITLE,
	SEARCH_F_SYNONYM,
	SEARCH_F_KEYWORD,
	SEARCH_F_PART,
	SEARCH_F_SHORT,
	SEARCH_F_TEXT,
	SEARCH_N_FIELDS
};

/* An index being built for one scope. */
struct search_feed;
struct db_stmt;

struct search_source {
	const char *name;
	/* Add the scope's documents to `f`.  Returns 0 or an error in e. */
	int (*load)(struct search_feed *f, struct err *e);
	/* SQL without parameters giving one row of integers (counts, newest change times)
	 * that changes whenever the documents do; NULL when they never change. */
	const char *fingerprint_sql;
};

/*
 * SQL condition: column `col` is a tenant of the scope.  In the feed's
 * statements $1 is the tenant, $2 the network whose members count (-1),
 * $3 its parent (-1).
 */
#define SEARCH_IN_SCOPE(col)                                                                       \
	"(" col " = $1 OR " col " IN (SELECT id FROM tenant WHERE parent_id = $2) OR " col " = "   \
	"$3)"

/* The tenant whose scope is being built. */
const struct tenant *search_feed_tenant(const struct search_feed *f);
/*
 * Run `sql` with the scope bound to $1..$3 (see SEARCH_IN_SCOPE) and call
 * `row` for each row.  Returns 0 or an error in e.
 */
int search_feed_run(struct search_feed *f, const char *sql,
		    void (*row)(struct search_feed *f, struct db_stmt *st), struct err *e);
/*
 * Add a document: `id` (unique per kind; a LeiKa key, an office slug, a
 * page path), its title, its URL below the tenant `tenant` (a slug) that
 * offers it.  Returns its number.  Strings are copied.
 */
uint32_t search_feed_doc(struct search_feed *f, enum search_kind kind, const char *id,
			 const char *title, const char *url, const char *tenant);
/* Add a page of the tenant at `path` with its title and words people look for it by. */
void search_feed_page(struct search_feed *f, const char *path, const char *title,
		      const char *words);
/* The number of the document `id` added before; false when there is none. */
bool search_feed_find(const struct search_feed *f, const char *id, uint32_t *doc);
/* Add `text` to field `field` of document `doc`. */
void search_feed_text(struct search_feed *f, uint32_t doc, enum search_field field,
		      const char *text);
/* The text shown under the title in results: plain text, or Markdown made plain. */
void search_feed_snippet(struct search_feed *f, uint32_t doc, const char *text, bool markdown);

/*
 * A per-process cache of indexes by scope.  Every `poll_s` seconds a
 * background thread reads a fingerprint of the catalogue (counts and newest
 * changes of services, offers, texts, offices, topics, synonyms) with a
 * connection from `pool`; when it changed, the next request rebuilds the
 * scope's index while other requests keep using the old one.  Without a
 * pool (NULL) requests read the fingerprint themselves, at most once per
 * poll_s.  Instances sharing a database agree within poll_s plus a rebuild.
 * Thread-safe; search_cache_free() stops the thread (before the pool goes).
 */
struct search_cache;
struct db_pool;

struct search_cache *search_cache_new(struct db_pool *pool, const char *synonyms_path, int poll_s);
void search_cache_free(struct search_cache *c);
/* The index of `t`'s scope, held until `a` is released.  0 or ERR_DB / ERR_IO. */
int search_cache_get(struct search_cache *c, struct db *db, const struct tenant *t, struct arena *a,
		     const struct search_index **out, struct err *e);

/*
 * The catalogue's current fingerprint (at most `n` bytes with its NUL): it
 * changes whenever a search source's documents do, within poll_s.  Other
 * per-process read models key their snapshots by it.  0 or ERR_DB.
 */
int search_cache_fingerprint(struct search_cache *c, struct db *db, char *out, size_t n,
			     struct err *e);

/*
 * A tenant's own synonyms, lines term<TAB>phrase[,phrase...] with '#'
 * comments (data/search/README.md), at most SYNONYMS_MAX bytes.
 *
 * search_synonyms_save() replaces tenant `t`'s synonyms with those of
 * `text` (`len` bytes), all or nothing; *n counts them.  Returns 0,
 * ERR_INVALID (*line_no names the bad line, e->user the message key) or ERR_DB.
 * search_synonyms_import() does the same from file `path` (ERR_IO too).
 * search_synonyms_text() gives them back as such text, in `a`.
 */
#define SYNONYMS_MAX (64 * 1024)
int search_synonyms_save(struct db *db, const struct tenant *t, const char *text, size_t len,
			 int *n, int *line_no, struct err *e) MUST_CHECK;
int search_synonyms_import(struct db *db, const struct tenant *t, const char *path, int *n,
			   struct err *e) MUST_CHECK;
int search_synonyms_text(struct db *db, const struct tenant *t, struct arena *a, const char **out,
			 struct err *e);

/* /suche, /api/v1/suggest and the staff page; keeps the indexes (search_cache_of()). */
extern const struct feature search_feature;

/* The search indexes of the running installation. */
struct search_cache *search_cache_of(const struct app *app);

#endif
