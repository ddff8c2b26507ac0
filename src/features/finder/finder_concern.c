/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The concern lookup: what a citizen typed, through the citizen search of
 * the tenant's scope (a network sees its members' services too), as a
 * short list of services, best first.
 */
#include "features/finder/finder.h"

#include "features/search/search.h"

#include <string.h>

/* Whether the words of `title` begin with all the words of `q` (folded). */
static bool
title_begins_with(const char *title, const char *q, struct arena *a)
{
	struct search_word *tw, *qw;
	size_t nt = search_words(title, strlen(title), SEARCH_WORDS_MAX, a, &tw);
	size_t nq = search_words(q, strlen(q), SEARCH_WORDS_MAX, a, &qw);

	if (nq == 0 || nq > nt)
		return false;
	for (size_t i = 0; i < nq; i++)
		if (strcmp(tw[i].fold, qw[i].fold) != 0)
			return false;
	return true;
}

int
finder_concerns(struct search_cache *sc, struct db *db, const struct tenant *t, const char *q,
		size_t max, struct arena *a, struct finder_service **out, size_t *n, struct err *e)
{
	struct search_opts o = {.limit = max, .services = true};
	const struct search_index *ix = NULL;
	struct search_result r;
	size_t named = 0;
	int rc;

	*n = 0;
	*out = arena_calloc(a, max + 1, sizeof(**out));
	rc = search_cache_get(sc, db, t, a, &ix, e);
	if (rc)
		return rc;
	search_run(ix, q, &o, a, &r);
	for (size_t i = 0; i < r.n && *n < max; i++) {
		(*out)[(*n)++] = (struct finder_service){r.hits[i].id, r.hits[i].title, "", ""};
		named += title_begins_with(r.hits[i].title, q, a);
	}
	/* The one service whose title the citizen typed is the answer, not a choice. */
	if (named == 1 && title_begins_with((*out)[0].title, q, a))
		*n = 1;
	return 0;
}
