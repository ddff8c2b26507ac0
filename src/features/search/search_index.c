/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Building the in-memory index: documents, terms with per-field counts,
 * the vocabulary maps, compound parts of titles and synonyms, the prefix
 * list for autocomplete; and the vocabulary look-ups queries need
 * (compound splitting, typo correction).
 */
#include "features/search/search_int.h"

#include "core/hash.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MIN_PART 4  /* bytes of a compound part */
#define SPLIT_MIN 8 /* words shorter than this are not split */

void
search_map_release(struct search_map *m)
{
	free(m->k);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static size_t
slot_of(const struct search_map *m, const char *k)
{
	size_t i = hash_fnv1a(k, strlen(k)) & (m->cap - 1);

	while (m->k[i] && strcmp(m->k[i], k) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

bool
search_map_get(const struct search_map *m, const char *k, uint32_t *v)
{
	size_t i;

	if (!m->cap)
		return false;
	i = slot_of(m, k);
	if (!m->k[i])
		return false;
	*v = m->v[i];
	return true;
}

void
search_map_put(struct search_map *m, const char *k, uint32_t v)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct search_map old = *m;

		m->cap = old.cap ? 2 * old.cap : 1024;
		m->k = xcalloc(m->cap, sizeof(*m->k));
		m->v = xcalloc(m->cap, sizeof(*m->v));
		m->n = 0;
		for (size_t j = 0; j < old.cap; j++)
			if (old.k[j])
				search_map_put(m, old.k[j], old.v[j]);
		free(old.k);
		free(old.v);
	}
	i = slot_of(m, k);
	if (!m->k[i]) {
		m->k[i] = k;
		m->n++;
	}
	m->v[i] = v;
}

struct search_index *
search_ix_new(void)
{
	struct search_index *ix = xcalloc(1, sizeof(*ix));

	arena_init(&ix->mem);
	return ix;
}

void
search_index_free(struct search_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n_terms; i++)
		free(ix->terms[i].p);
	free(ix->terms);
	free(ix->docs);
	free(ix->prefixes);
	free(ix->syn);
	search_map_release(&ix->by_key);
	search_map_release(&ix->by_lower);
	search_map_release(&ix->by_id);
	arena_release(&ix->mem);
	free(ix);
}

size_t
search_index_size(const struct search_index *ix)
{
	return ix->n_services;
}

uint32_t
search_ix_doc(struct search_index *ix, enum search_kind kind, const char *id, const char *title,
	      const char *url, const char *tenant)
{
	struct search_doc *d;

	if (ix->n_docs == ix->cap_docs) {
		ix->cap_docs = ix->cap_docs ? 2 * ix->cap_docs : 1024;
		ix->docs = xrealloc(ix->docs, ix->cap_docs * sizeof(*ix->docs));
	}
	d = &ix->docs[ix->n_docs];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->id = arena_strdup(&ix->mem, id);
	d->title = arena_strdup(&ix->mem, title);
	d->url = arena_strdup(&ix->mem, url);
	d->tenant = arena_strdup(&ix->mem, tenant);
	d->title_keys = "";
	d->snippet = "";
	if (kind == SEARCH_SERVICE) {
		search_map_put(&ix->by_id, d->id, (uint32_t)ix->n_docs);
		ix->n_services++;
	}
	return (uint32_t)ix->n_docs++;
}

static uint32_t
term_of(struct search_index *ix, const char *key, const char *lower)
{
	uint32_t t;
	struct search_term *tm;

	if (search_map_get(&ix->by_key, key, &t))
		return t;
	if (ix->n_terms == ix->cap_terms) {
		ix->cap_terms = ix->cap_terms ? 2 * ix->cap_terms : 4096;
		ix->terms = xrealloc(ix->terms, ix->cap_terms * sizeof(*ix->terms));
	}
	tm = &ix->terms[ix->n_terms];
	memset(tm, 0, sizeof(*tm));
	tm->key = arena_strdup(&ix->mem, key);
	tm->shown = arena_strdup(&ix->mem, lower);
	search_map_put(&ix->by_key, tm->key, (uint32_t)ix->n_terms);
	return (uint32_t)ix->n_terms++;
}

static void
post(struct search_index *ix, uint32_t t, uint32_t doc, enum search_field f)
{
	struct search_term *tm = &ix->terms[t];

	if (tm->n == 0 || tm->p[tm->n - 1].doc != doc) {
		if (tm->n == tm->cap) {
			tm->cap = tm->cap ? 2 * tm->cap : 4;
			tm->p = xrealloc(tm->p, tm->cap * sizeof(*tm->p));
		}
		memset(&tm->p[tm->n], 0, sizeof(tm->p[0]));
		tm->p[tm->n++].doc = doc;
	}
	if (tm->p[tm->n - 1].tf[f] < 255)
		tm->p[tm->n - 1].tf[f]++;
	if (f <= SEARCH_F_KEYWORD)
		tm->strong = true;
}

void
search_ix_text(struct search_index *ix, uint32_t doc, enum search_field f, const char *text)
{
	struct arena tmp;
	struct search_word *w;
	size_t n;
	struct search_doc *d = &ix->docs[doc];

	arena_init(&tmp);
	n = search_words(text, strlen(text), 4096, &tmp, &w);
	for (size_t i = 0; i < n; i++) {
		uint32_t t;

		if (!search_map_get(&ix->by_lower, w[i].lower, &t)) {
			t = term_of(ix, w[i].key, w[i].lower);
			search_map_put(&ix->by_lower, arena_strdup(&ix->mem, w[i].lower), t);
		}
		post(ix, t, doc, f);
	}
	if (f == SEARCH_F_TITLE) {
		struct buf_like {
			char *p;
			size_t n;
		} keys = {arena_alloc(&tmp, strlen(text) * 2 + 2), 0};

		for (size_t i = 0; i < n; i++) {
			size_t k = strlen(w[i].key);

			if (keys.n)
				keys.p[keys.n++] = ' ';
			memcpy(keys.p + keys.n, w[i].key, k);
			keys.n += k;
		}
		keys.p[keys.n] = 0;
		d->title_keys = arena_strdup(&ix->mem, keys.p);
	}
	d->len[f] = (uint16_t)(d->len[f] + (n > 60000 ? 60000 : n));
	arena_release(&tmp);
}

long
search_ix_term(const struct search_index *ix, const char *key)
{
	uint32_t t;

	return search_map_get(&ix->by_key, key, &t) ? (long)t : -1;
}

const char *
search_ix_key(const struct search_index *ix, const char *lower, struct arena *a)
{
	uint32_t t;

	if (search_map_get(&ix->by_lower, lower, &t))
		return ix->terms[t].key;
	return search_key(lower, a);
}

/* A known term for ASCII text s[0..n), or -1. */
static long
known(const struct search_index *ix, const char *s, size_t n, struct arena *a)
{
	char *w = arena_strndup(a, s, n);
	long t = search_ix_term(ix, search_key(w, a));

	return t >= 0 && ix->terms[t].strong ? t : -1;
}

static size_t
split_at(const struct search_index *ix, const char *w, size_t n, uint32_t *parts, size_t max,
	 struct arena *a)
{
	static const char *const linkers[] = {"", "s", "es", "n", "en", "e"};

	if (max < 2 || n < 2 * MIN_PART)
		return 0;
	for (size_t i = n - MIN_PART; i >= MIN_PART; i--) {
		for (size_t l = 0; l < sizeof(linkers) / sizeof(linkers[0]); l++) {
			size_t ll = strlen(linkers[l]), k;
			long left, right;

			if (i < MIN_PART + ll || memcmp(w + i - ll, linkers[l], ll) != 0)
				continue;
			left = known(ix, w, i - ll, a);
			if (left < 0)
				continue;
			right = known(ix, w + i, n - i, a);
			if (right >= 0) {
				parts[0] = (uint32_t)left;
				parts[1] = (uint32_t)right;
				return 2;
			}
			k = split_at(ix, w + i, n - i, parts + 1, max - 1, a);
			if (k) {
				parts[0] = (uint32_t)left;
				return k + 1;
			}
		}
	}
	return 0;
}

size_t
search_ix_split(const struct search_index *ix, const char *fold, uint32_t *parts, size_t max,
		struct arena *a)
{
	size_t n = strlen(fold);

	return n < SPLIT_MIN ? 0 : split_at(ix, fold, n, parts, max, a);
}

long
search_ix_correct(const struct search_index *ix, const char *key)
{
	size_t n = strlen(key);
	int max = n < 4 ? 0 : n < 8 ? 1 : 2, best_d = max + 1;
	long best = -1;

	if (max == 0)
		return -1;
	for (size_t t = 0; t < ix->n_terms; t++) {
		const struct search_term *tm = &ix->terms[t];
		int d;

		if (!tm->strong)
			continue;
		d = search_distance(key, n, tm->key, strlen(tm->key), max);
		if (d < best_d || (d == best_d && best >= 0 && tm->n > ix->terms[best].n)) {
			best_d = d;
			best = (long)t;
		}
	}
	return best_d <= max ? best : -1;
}

/* Index the parts of compound words of strong fields as SEARCH_F_PART. */
static void
split_compounds(struct search_index *ix)
{
	size_t n_terms = ix->n_terms;

	for (size_t t = 0; t < n_terms; t++) {
		struct arena tmp;
		struct search_word *w;
		uint32_t parts[4];
		size_t k = 0;

		if (!ix->terms[t].strong || ix->terms[t].split_tried)
			continue;
		ix->terms[t].split_tried = true;
		arena_init(&tmp);
		if (search_words(ix->terms[t].shown, strlen(ix->terms[t].shown), 1, &tmp, &w) == 1)
			k = search_ix_split(ix, w[0].fold, parts, 4, &tmp);
		arena_release(&tmp);
		for (size_t j = 0; j < k; j++) {
			if (parts[j] == t)
				continue;
			for (uint32_t p = 0; p < ix->terms[t].n; p++) {
				const struct search_posting *ps = &ix->terms[t].p[p];

				if (ps->tf[SEARCH_F_TITLE] || ps->tf[SEARCH_F_SYNONYM] ||
				    ps->tf[SEARCH_F_KEYWORD]) {
					post(ix, parts[j], ps->doc, SEARCH_F_PART);
					ix->docs[ps->doc].len[SEARCH_F_PART]++;
				}
			}
		}
	}
}

static int
prefix_cmp(const void *a, const void *b)
{
	return strcmp(((const struct search_prefix *)a)->fold,
		      ((const struct search_prefix *)b)->fold);
}

static void
make_prefixes(struct search_index *ix)
{
	ix->prefixes = xcalloc(ix->by_lower.n + 1, sizeof(*ix->prefixes));
	for (size_t i = 0; i < ix->by_lower.cap; i++) {
		struct arena tmp;
		struct search_word *w;
		uint32_t t = ix->by_lower.v[i];

		if (!ix->by_lower.k[i] || !ix->terms[t].strong)
			continue;
		arena_init(&tmp);
		if (search_words(ix->by_lower.k[i], strlen(ix->by_lower.k[i]), 1, &tmp, &w) == 1) {
			ix->prefixes[ix->n_prefixes].fold = arena_strdup(&ix->mem, w[0].fold);
			ix->prefixes[ix->n_prefixes++].term = t;
		}
		arena_release(&tmp);
	}
	qsort(ix->prefixes, ix->n_prefixes, sizeof(*ix->prefixes), prefix_cmp);
}

void
search_ix_finish(struct search_index *ix)
{
	double sum[SEARCH_N_FIELDS] = {0};

	split_compounds(ix);
	make_prefixes(ix);
	for (size_t d = 0; d < ix->n_docs; d++)
		for (int f = 0; f < SEARCH_N_FIELDS; f++)
			sum[f] += ix->docs[d].len[f];
	for (int f = 0; f < SEARCH_N_FIELDS; f++)
		ix->avg[f] = ix->n_docs && sum[f] > 0 ? sum[f] / (double)ix->n_docs : 1.0;
}
