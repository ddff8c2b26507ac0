/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Snippets: a window of a document's plain text around its first matching
 * word, cut into pieces so that matching words can be marked.  The pieces
 * are plain text; templates escape them.
 */
#include "features/search/search_int.h"

#include <string.h>

#define WINDOW_WORDS 28 /* words shown */
#define LEAD_WORDS 6	/* words before the first match */

static bool
matches(const char *key, const char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

static void
piece(struct arena *a, struct search_hit *h, size_t *cap, const char *s, size_t n, bool mark)
{
	if (n == 0)
		return;
	h->snippet = arena_grow(a, h->snippet, h->n_snippet, cap, sizeof(*h->snippet));
	h->snippet[h->n_snippet].text = arena_strndup(a, s, n);
	h->snippet[h->n_snippet++].mark = mark;
}

void
search_snippet(const struct search_index *ix, const struct search_doc *d, const char **keys,
	       size_t n_keys, struct arena *a, struct search_hit *h)
{
	const char *text = d->snippet;
	struct search_word *w;
	size_t n = search_tokens(text, strlen(text), 400, a, &w), first = n, from, to, at, cap = 0;
	bool *hit;

	if (n == 0)
		return;
	hit = arena_calloc(a, n, sizeof(*hit));
	for (size_t i = 0; i < n; i++) {
		hit[i] = matches(search_ix_key(ix, w[i].lower, a), keys, n_keys);
		if (hit[i] && first == n)
			first = i;
	}
	from = first == n || first < LEAD_WORDS ? 0 : first - LEAD_WORDS;
	to = from + WINDOW_WORDS < n ? from + WINDOW_WORDS : n;
	at = w[from].start;
	if (from > 0)
		piece(a, h, &cap, "… ", strlen("… "), false);
	for (size_t i = from; i < to; i++) {
		if (!hit[i])
			continue;
		piece(a, h, &cap, text + at, w[i].start - at, false);
		piece(a, h, &cap, text + w[i].start, w[i].len, true);
		at = w[i].start + w[i].len;
	}
	piece(a, h, &cap, text + at, w[to - 1].start + w[to - 1].len - at, false);
	if (to < n)
		piece(a, h, &cap, " …", strlen(" …"), false);
}
