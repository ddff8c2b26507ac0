/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the search's query path: the normalizer on any bytes (words must lie
 * inside the input and their forms be short, valid text), and whole queries
 * against a small index (typo correction, compound splitting, synonyms,
 * prefixes, snippets), the input also read as a synonyms file.
 */
#include "features/search/search_int.h"

#include <stdint.h>
#include <string.h>

static struct search_index *
sample(void)
{
	static const char *const titles[] = {
		"Personalausweis beantragen", "Hundesteuer",
		"Reisepass Verlust melden",   "Fahrzeug zulassen",
		"Kindertagesstätte Platz",    "Bürgerbüro Öffnungszeiten",
	};
	static const char syn[] =
		"perso\tpersonalausweis\nkfz auto\tfahrzeug\nkita\tkindertagesstätte\n";
	struct search_index *ix = search_ix_new();

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		char id[16] = "9900000000000";
		uint32_t d;

		id[13] = (char)('0' + i);
		id[14] = 0;
		d = search_ix_doc(ix, i == 5 ? SEARCH_OFFICE : SEARCH_SERVICE, id, titles[i], "/x",
				  "t");
		search_ix_text(ix, d, SEARCH_F_TITLE, titles[i]);
		search_ix_text(ix, d, SEARCH_F_SHORT, "Den Antrag stellen Sie im Bürgerbüro.");
		ix->docs[d].snippet = titles[i];
	}
	search_ix_synonyms(ix, syn, strlen(syn));
	search_ix_finish(ix);
	return ix;
}

static void
check_words(const uint8_t *data, size_t size, struct arena *a)
{
	struct search_word *w;
	size_t n = search_words((const char *)data, size, 64, a, &w);

	for (size_t i = 0; i < n; i++) {
		if (w[i].start + w[i].len > size || w[i].len == 0 ||
		    strlen(w[i].lower) > SEARCH_WORD_MAX || !w[i].key[0] ||
		    !str_valid_utf8(str_c(w[i].lower)) || !str_valid_utf8(str_c(w[i].key)))
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct search_index *ix;
	struct search_opts page = {.limit = 10, .snippets = true};
	struct search_opts suggest = {.limit = 8, .prefix = true, .services = true};
	struct search_result r;
	struct search_index *own;
	struct arena a;
	char *q;

	if (!ix)
		ix = sample();
	arena_init(&a);
	check_words(data, size, &a);
	q = arena_strndup(&a, (const char *)data, size);
	search_run(ix, q, &page, &a, &r);
	for (size_t i = 0; i < r.n; i++)
		for (size_t k = 0; k < r.hits[i].n_snippet; k++)
			if (!r.hits[i].snippet[k].text)
				__builtin_trap();
	search_run(ix, q, &suggest, &a, &r);
	own = search_ix_new();
	search_ix_synonyms(own, (const char *)data, size);
	search_ix_finish(own);
	search_run(own, "perso kita", &page, &a, &r);
	search_index_free(own);
	arena_release(&a);
	return 0;
}
