/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the search files share: the in-memory index (documents, terms with
 * postings, a word map, synonyms) and its builder.  Memory: the index owns
 * its arrays (malloc) and an arena for strings; search_index_free() drops all.
 */
#ifndef RATHAUS_SEARCH_INT_H
#define RATHAUS_SEARCH_INT_H

#include "features/search/search.h"

struct search_doc {
	enum search_kind kind;
	const char *id, *title, *url, *tenant;
	const char *title_keys;	       /* the title's keys joined by spaces */
	const char *snippet;	       /* plain text for snippets, "" if none */
	uint16_t len[SEARCH_N_FIELDS]; /* words per field */
};

struct search_posting {
	uint32_t doc;
	uint8_t tf[SEARCH_N_FIELDS];
};

struct search_term {
	const char *key;
	const char *shown; /* a lowercase word with this key ("did you mean") */
	struct search_posting *p;
	uint32_t n, cap;
	bool strong; /* seen in a title, synonym or keyword: a typo may mean it */
	bool split_tried;
};

/* A string -> uint32 map, open addressing. */
struct search_map {
	const char **k;
	uint32_t *v;
	size_t n, cap;
};

#define SEARCH_PHRASE_MAX 4 /* words of a synonym's target phrase that count */

/*
 * A colloquial term (keys of its words) and the phrases it stands for: the
 * keys of all phrases in `to`, phrase i having to_len[i] of them.
 */
struct search_synonym {
	const char **from, **to;
	uint8_t *to_len;
	size_t n_from, n_phrases;
};

/* A word of the vocabulary in ASCII form, for prefixes. */
struct search_prefix {
	const char *fold;
	uint32_t term;
};

struct search_index {
	struct arena mem;
	struct search_doc *docs;
	size_t n_docs, cap_docs;
	struct search_term *terms;
	size_t n_terms, cap_terms;
	struct search_map by_key;	/* key -> term */
	struct search_map by_lower;	/* lowercase word -> term */
	struct search_map by_id;	/* LeiKa key -> doc */
	struct search_prefix *prefixes; /* sorted by fold */
	size_t n_prefixes;
	struct search_synonym *syn;
	size_t n_syn, cap_syn;
	double avg[SEARCH_N_FIELDS];
	size_t n_services;
};

void search_map_release(struct search_map *m);
/* Returns true and sets *v when found. */
bool search_map_get(const struct search_map *m, const char *k, uint32_t *v);
/* `k` must outlive the map. */
void search_map_put(struct search_map *m, const char *k, uint32_t v);

/* Building.  Strings passed in are copied. */
struct search_index *search_ix_new(void);
uint32_t search_ix_doc(struct search_index *ix, enum search_kind kind, const char *id,
		       const char *title, const char *url, const char *tenant);
void search_ix_text(struct search_index *ix, uint32_t doc, enum search_field f, const char *text);
/* Add synonyms from TSV text (term<TAB>word[,word...]); bad lines are skipped. */
void search_ix_synonyms(struct search_index *ix, const char *tsv, size_t len);
/* Split compounds, sort prefixes, compute averages: call once after adding. */
void search_ix_finish(struct search_index *ix);

/* The term of a key, or -1. */
long search_ix_term(const struct search_index *ix, const char *key);
/* The key of a lowercase word: from the vocabulary, else stemmed into `a`. */
const char *search_ix_key(const struct search_index *ix, const char *lower, struct arena *a);
/*
 * Split the ASCII word `fold` into 2..max known terms (longest first part
 * first, linking -s-, -es-, -n-, -en-, -e- allowed).  Returns the number of
 * parts, 0 when it does not split.
 */
size_t search_ix_split(const struct search_index *ix, const char *fold, uint32_t *parts, size_t max,
		       struct arena *a);
/* The strong term nearest to `key` within a small edit distance, or -1. */
long search_ix_correct(const struct search_index *ix, const char *key);

/* Snippet pieces for doc `d` with words whose key is in `keys` marked. */
void search_snippet(const struct search_index *ix, const struct search_doc *d, const char **keys,
		    size_t n_keys, struct arena *a, struct search_hit *h);

/* The staff page (search_staff.c). */
void search_staff_register(struct app *app);

#endif
