/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Answering a query: words become groups of alternative terms (the word,
 * its synonyms, compounds joined with the next word, the parts of an
 * unknown compound, a correction of a typo, completions of an unfinished
 * last word), each group scores a document by the best alternative
 * (BM25 over weighted fields), and documents that match more groups win.
 */
#include "features/search/search_int.h"

#include "core/xalloc.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ALTS_MAX 24
#define GROUPS_MAX (SEARCH_WORDS_MAX * 2)
#define PREFIX_MAX 16
#define K1 1.2
#define B 0.75

static const double field_weight[SEARCH_N_FIELDS] = {
	[SEARCH_F_TITLE] = 4.0, [SEARCH_F_SYNONYM] = 2.5, [SEARCH_F_KEYWORD] = 1.5,
	[SEARCH_F_PART] = 1.2,	[SEARCH_F_SHORT] = 1.0,	  [SEARCH_F_TEXT] = 0.4,
};

/* Words that carry no meaning in a citizen's question. */
static const char *const stopwords[] = {
	"am",	 "an",	  "auf",  "aus",  "bei",   "bitte",  "das",    "dem",	 "den",
	"der",	 "des",	  "die",  "drei", "du",	   "ein",    "eine",   "einem",	 "einen",
	"einer", "eines", "es",	  "fuer", "gibt",  "hat",    "ich",    "im",	 "in",
	"ist",	 "kann",  "man",  "mein", "meine", "meinem", "meinen", "meiner", "mir",
	"mit",	 "muss",  "nach", "oder", "sie",   "the",    "und",    "vom",	 "von",
	"was",	 "wer",	  "wie",  "wir",  "wo",	   "zu",     "zum",    "zur",
};

/* A term, or a phrase whose terms must all match (a synonym's target). */
struct alt {
	uint32_t term[SEARCH_PHRASE_MAX];
	uint8_t n;
	double weight;
};

struct group {
	struct alt alt[ALTS_MAX];
	size_t n;
};

static bool
is_stopword(const char *fold)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (strcmp(stopwords[i], fold) == 0)
			return true;
	return false;
}

static void
add_phrase(struct group *g, const uint32_t *terms, size_t n, double weight)
{
	for (size_t i = 0; i < g->n; i++) {
		if (g->alt[i].n == n && memcmp(g->alt[i].term, terms, n * sizeof(*terms)) == 0) {
			if (weight > g->alt[i].weight)
				g->alt[i].weight = weight;
			return;
		}
	}
	if (g->n < ALTS_MAX && n > 0 && n <= SEARCH_PHRASE_MAX) {
		memcpy(g->alt[g->n].term, terms, n * sizeof(*terms));
		g->alt[g->n].n = (uint8_t)n;
		g->alt[g->n++].weight = weight;
	}
}

static void
add_alt(struct group *g, long term, double weight)
{
	uint32_t t = (uint32_t)term;

	if (term >= 0)
		add_phrase(g, &t, 1, weight);
}

/* Group words into the comma-separated phrases of `text`; returns their number. */
static size_t
phrases(const char *text, const struct search_word *w, size_t n, uint8_t *len)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && memchr(text + w[i - 1].start, ',', w[i].start - w[i - 1].start))
			k++;
		len[k]++;
	}
	return n ? k + 1 : 0;
}

void
search_ix_synonyms(struct search_index *ix, const char *tsv, size_t len)
{
	const char *p = tsv, *end = tsv + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *tab;
		const char *line_end = nl ? nl : end;
		struct search_word *from, *to;
		struct search_synonym *s;
		size_t nf, nt;

		tab = memchr(p, '\t', (size_t)(line_end - p));
		if (*p != '#' && tab) {
			nf = search_words(p, (size_t)(tab - p), SEARCH_WORDS_MAX, &ix->mem, &from);
			nt = search_words(tab + 1, (size_t)(line_end - tab - 1), 32, &ix->mem, &to);
			if (nf && nt) {
				if (ix->n_syn == ix->cap_syn) {
					ix->cap_syn = ix->cap_syn ? 2 * ix->cap_syn : 64;
					ix->syn = realloc(ix->syn, ix->cap_syn * sizeof(*ix->syn));
					if (!ix->syn)
						abort();
				}
				s = &ix->syn[ix->n_syn++];
				s->from = arena_alloc(&ix->mem, nf * sizeof(*s->from));
				s->to = arena_alloc(&ix->mem, nt * sizeof(*s->to));
				s->to_len = arena_calloc(&ix->mem, nt, sizeof(*s->to_len));
				for (size_t i = 0; i < nf; i++)
					s->from[i] = from[i].key;
				for (size_t i = 0; i < nt; i++)
					s->to[i] = to[i].key;
				s->n_from = nf;
				s->n_phrases = phrases(tab + 1, to, nt, s->to_len);
			}
		}
		p = line_end + 1;
	}
}

/* Synonyms whose words start at word i: their terms join the groups they cover. */
static void
expand_synonyms(const struct search_index *ix, const struct search_word *w, size_t n, size_t i,
		struct group *g)
{
	for (size_t s = 0; s < ix->n_syn; s++) {
		const struct search_synonym *sy = &ix->syn[s];
		bool match = i + sy->n_from <= n;

		for (size_t k = 0; match && k < sy->n_from; k++)
			match = strcmp(sy->from[k], w[i + k].key) == 0;
		if (!match)
			continue;
		for (size_t ph = 0, at = 0; ph < sy->n_phrases; at += sy->to_len[ph++]) {
			uint32_t terms[SEARCH_PHRASE_MAX];
			size_t n_terms = 0;
			bool known = true;

			for (size_t j = 0; j < sy->to_len[ph] && n_terms < SEARCH_PHRASE_MAX; j++) {
				long t = search_ix_term(ix, sy->to[at + j]);

				known = known && t >= 0;
				terms[n_terms++] = (uint32_t)t;
			}
			for (size_t k = 0; known && k < sy->n_from; k++)
				add_phrase(&g[i + k], terms, n_terms, 0.9);
		}
	}
}

/* Completions of an unfinished word: the most frequent terms with its prefix. */
static void
expand_prefix(const struct search_index *ix, const char *fold, struct group *g)
{
	size_t lo = 0, hi = ix->n_prefixes, n = strlen(fold);
	uint32_t best[PREFIX_MAX];
	size_t nb = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(ix->prefixes[mid].fold, fold) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ix->n_prefixes && strncmp(ix->prefixes[i].fold, fold, n) == 0;
	     i++) {
		uint32_t t = ix->prefixes[i].term;
		size_t j;

		if (nb < PREFIX_MAX)
			j = nb++;
		else if (ix->terms[best[PREFIX_MAX - 1]].n >= ix->terms[t].n)
			continue; /* the least frequent kept is more frequent */
		else
			j = PREFIX_MAX - 1;
		best[j] = t;
		while (j > 0 && ix->terms[best[j - 1]].n < ix->terms[best[j]].n) {
			uint32_t x = best[j - 1];

			best[j - 1] = best[j];
			best[j] = x;
			j--;
		}
	}
	for (size_t i = 0; i < nb; i++)
		add_alt(g, best[i], 0.5);
}

/* A query in groups; did-you-mean words where a typo was corrected. */
struct parsed {
	struct group g[GROUPS_MAX];
	size_t n;
	const char *shown[SEARCH_WORDS_MAX]; /* the query's words, corrected */
	bool corrected;
	const char *keys[GROUPS_MAX * ALTS_MAX * SEARCH_PHRASE_MAX];
	size_t n_keys;
	const char *query_keys; /* the words' keys joined by spaces */
};

static struct search_hit
hit_of(const struct search_doc *d, double score)
{
	return (struct search_hit){.kind = d->kind,
				   .id = d->id,
				   .title = d->title,
				   .url = d->url,
				   .tenant = d->tenant,
				   .score = score};
}

static void
parse(const struct search_index *ix, struct search_word *w, size_t n, bool prefix, struct arena *a,
      struct parsed *p)
{
	size_t n_words = n;

	p->n = n;
	memset(p->g, 0, sizeof(p->g));
	p->query_keys = "";
	for (size_t i = 0; i < n; i++) {
		long t = search_ix_term(ix, w[i].key);
		bool last = prefix && i + 1 == n;

		p->shown[i] = w[i].lower;
		p->query_keys = arena_printf(a, "%s%s%s", p->query_keys, i ? " " : "", w[i].key);
		add_alt(&p->g[i], t, 1.0);
		if (last && strlen(w[i].fold) >= 2)
			expand_prefix(ix, w[i].fold, &p->g[i]);
		if (i + 1 < n) { /* "hund steuer" -> "hundesteuer" */
			static const char *const linkers[] = {"", "e", "s", "es", "n", "en"};

			for (size_t l = 0; l < sizeof(linkers) / sizeof(linkers[0]); l++) {
				const char *j = arena_printf(a, "%s%s%s", w[i].fold, linkers[l],
							     w[i + 1].fold);
				long jt = search_ix_term(ix, search_key(j, a));

				if (jt >= 0 && ix->terms[jt].strong) {
					add_alt(&p->g[i], jt, 0.9);
					add_alt(&p->g[i + 1], jt, 0.9);
				}
			}
		}
		if (t < 0 && !last) {
			uint32_t parts[4];
			size_t k = search_ix_split(ix, w[i].fold, parts, 4, a);

			for (size_t j = 0; j < k && p->n < GROUPS_MAX; j++)
				add_alt(j == 0 ? &p->g[i] : &p->g[p->n++], parts[j], 0.9);
			if (k == 0) {
				long c = search_ix_correct(ix, w[i].key);

				add_alt(&p->g[i], c, 0.8);
				if (c >= 0) {
					p->shown[i] = ix->terms[c].shown;
					p->corrected = true;
				}
			}
		}
	}
	for (size_t i = 0; i < n_words; i++)
		expand_synonyms(ix, w, n_words, i, p->g);
	p->n_keys = 0;
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < p->g[i].n; j++)
			for (size_t k = 0; k < p->g[i].alt[j].n; k++)
				p->keys[p->n_keys++] = ix->terms[p->g[i].alt[j].term[k]].key;
}

static double
idf(const struct search_index *ix, const struct search_term *tm)
{
	double n = (double)ix->n_docs, df = (double)tm->n;

	return log(1.0 + (n - df + 0.5) / (df + 0.5));
}

static double
bm25(const struct search_index *ix, const struct search_posting *ps)
{
	const struct search_doc *d = &ix->docs[ps->doc];
	double tf = 0;

	for (int f = 0; f < SEARCH_N_FIELDS; f++)
		if (ps->tf[f])
			tf += field_weight[f] * ps->tf[f] /
			      (1.0 - B + B * (double)d->len[f] / ix->avg[f]);
	return tf * (K1 + 1.0) / (tf + K1);
}

struct scored {
	uint32_t doc;
	double score;
};

static int
by_score(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/*
 * Per-query work arrays, one slot per document.  Each thread keeps its own
 * set between queries, all zero where a query starts: a query clears the
 * slots it touched, so it costs what it touches, not what the scope holds.
 */
struct work {
	double *total, *cur, *phrase;
	uint8_t *hits, *mask;
	uint32_t *touched, *in_phrase, *seen;
	size_t n_touched, n_seen, cap;
};

static pthread_key_t work_key;
static pthread_once_t work_once = PTHREAD_ONCE_INIT;

static void
work_release(struct work *w)
{
	free(w->total);
	free(w->cur);
	free(w->phrase);
	free(w->hits);
	free(w->mask);
	free(w->touched);
	free(w->in_phrase);
	free(w->seen);
}

static void
work_free(void *p)
{
	work_release(p);
	free(p);
}

static void
work_key_make(void)
{
	if (pthread_key_create(&work_key, work_free))
		abort();
}

/* This thread's work arrays with room for `nd` documents, all zero. */
static struct work *
work_get(size_t nd)
{
	struct work *w;

	pthread_once(&work_once, work_key_make);
	w = pthread_getspecific(work_key);
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		if (pthread_setspecific(work_key, w))
			abort();
	}
	if (w->cap < nd) {
		work_release(w);
		*w = (struct work){
			.total = xcalloc(nd, sizeof(double)),
			.cur = xcalloc(nd, sizeof(double)),
			.phrase = xcalloc(nd, sizeof(double)),
			.hits = xcalloc(nd, 1),
			.mask = xcalloc(nd, 1),
			.touched = xcalloc(nd, sizeof(uint32_t)),
			.in_phrase = xcalloc(nd, sizeof(uint32_t)),
			.seen = xcalloc(nd, sizeof(uint32_t)),
			.cap = nd,
		};
	}
	w->n_touched = w->n_seen = 0;
	return w;
}

/*
 * Score alternative `al` into w->cur (the group's best per document): a
 * phrase counts only where all its terms occur, with the sum of their scores.
 */
static void
score_alt(const struct search_index *ix, const struct alt *al, struct work *w)
{
	size_t n_in = 0;
	uint8_t all = (uint8_t)((1u << al->n) - 1);

	for (size_t k = 0; k < al->n; k++) {
		const struct search_term *tm = &ix->terms[al->term[k]];
		double f = al->weight * idf(ix, tm);

		for (uint32_t j = 0; j < tm->n; j++) {
			uint32_t d = tm->p[j].doc;

			if (w->mask[d] == 0)
				w->in_phrase[n_in++] = d;
			w->mask[d] |= (uint8_t)(1u << k);
			w->phrase[d] += f * bm25(ix, &tm->p[j]);
		}
	}
	for (size_t j = 0; j < n_in; j++) {
		uint32_t d = w->in_phrase[j];

		if (w->mask[d] == all) {
			if (w->cur[d] == 0)
				w->touched[w->n_touched++] = d;
			if (w->phrase[d] > w->cur[d])
				w->cur[d] = w->phrase[d];
		}
		w->mask[d] = 0;
		w->phrase[d] = 0;
	}
}

/* Scores of every document touched, summed over groups; matches counted per doc. */
static size_t
score_all(const struct search_index *ix, const struct parsed *p, struct arena *a,
	  struct scored **out)
{
	size_t n_groups = 0;
	struct work w = *work_get(ix->n_docs + 1);
	double *total = w.total;
	uint8_t *hits = w.hits;
	uint32_t *seen = w.seen;
	size_t n_seen = 0;
	struct scored *v;

	for (size_t g = 0; g < p->n; g++) {
		if (p->g[g].n == 0)
			continue;
		n_groups++;
		w.n_touched = 0;
		for (size_t k = 0; k < p->g[g].n; k++)
			score_alt(ix, &p->g[g].alt[k], &w);
		for (size_t j = 0; j < w.n_touched; j++) {
			uint32_t d = w.touched[j];

			if (hits[d] == 0)
				seen[n_seen++] = d;
			total[d] += w.cur[d];
			hits[d]++;
			w.cur[d] = 0;
		}
	}
	v = arena_alloc(a, (n_seen + 1) * sizeof(*v));
	for (size_t j = 0; j < n_seen; j++) {
		uint32_t d = seen[j];
		double coord = n_groups ? (double)hits[d] / (double)n_groups : 0;

		v[j].doc = d;
		v[j].score = total[d] * coord * coord;
		if (ix->docs[d].title_keys[0] && strcmp(ix->docs[d].title_keys, p->query_keys) == 0)
			v[j].score *= 1.5;
		/* Pages lead to lists; a service or office that matches as well goes first. */
		if (ix->docs[d].kind == SEARCH_PAGE)
			v[j].score *= 0.6;
		/* A tiny preference for short (general) titles among equals. */
		v[j].score *= 1.0 - 0.001 * (double)(ix->docs[d].len[SEARCH_F_TITLE] > 20
							     ? 20
							     : ix->docs[d].len[SEARCH_F_TITLE]);
		total[d] = 0; /* zero again for the thread's next query */
		hits[d] = 0;
	}
	*out = v;
	return n_seen;
}

void
search_run(const struct search_index *ix, const char *query, const struct search_opts *o,
	   struct arena *a, struct search_result *out)
{
	size_t len = strlen(query), n, n_scored, kept = 0;
	struct search_word *w;
	struct parsed *p = arena_calloc(a, 1, sizeof(*p));
	struct scored *sc;
	uint32_t direct;

	memset(out, 0, sizeof(*out));
	if (len > SEARCH_QUERY_MAX) {
		len = SEARCH_QUERY_MAX;
		out->too_long = true;
	}
	n = search_words(query, len, SEARCH_WORDS_MAX, a, &w);
	/* Drop stopwords unless nothing else is left. */
	for (size_t i = 0; i < n; i++)
		if (!is_stopword(w[i].fold) || (o->prefix && i + 1 == n))
			w[kept++] = w[i];
	if (kept)
		n = kept;
	out->hits = arena_calloc(a, o->limit + 1, sizeof(*out->hits));
	if (n == 0)
		return;
	if (n == 1 && strlen(w[0].key) == 14 && search_map_get(&ix->by_id, w[0].key, &direct)) {
		const struct search_doc *d = &ix->docs[direct];

		out->hits[0] = hit_of(d, 1.0);
		out->n = o->limit ? 1 : 0;
		out->total[d->kind] = 1;
		return;
	}
	parse(ix, w, n, o->prefix, a, p);
	n_scored = score_all(ix, p, a, &sc);
	qsort(sc, n_scored, sizeof(*sc), by_score);
	for (size_t i = 0; i < n_scored; i++) {
		const struct search_doc *d = &ix->docs[sc[i].doc];
		struct search_hit *h;

		if (o->services && d->kind != SEARCH_SERVICE)
			continue;
		out->total[d->kind]++;
		if (out->n >= o->limit)
			continue;
		h = &out->hits[out->n++];
		*h = hit_of(d, sc[i].score);
		if (o->snippets)
			search_snippet(ix, d, p->keys, p->n_keys, a, h);
	}
	if (p->corrected) {
		const char *s = "";

		for (size_t i = 0; i < n; i++)
			s = arena_printf(a, "%s%s%s", s, i ? " " : "", p->shown[i]);
		out->did_you_mean = s;
	}
}
