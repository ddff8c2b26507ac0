/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the search without a database: the normalizer (folding, keys,
 * bad bytes), the edit distance, and a small index built in memory
 * (ranking by field, compounds both ways, typos with "did you mean",
 * synonyms, prefixes, LeiKa keys, snippets and stopwords).
 */
#include "features/search/search_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static struct arena a;

static int
setup(void **state)
{
	arena_init(&a);
	return 0;
}

static int
teardown(void **state)
{
	arena_release(&a);
	return 0;
}

static const char *
key(const char *text)
{
	struct search_word *w;

	assert_int_equal(search_words(text, strlen(text), 4, &a, &w), 1);
	return w[0].key;
}

static void
test_spellings_of_one_word_share_a_key(void **state)
{
	assert_string_equal(key("Führerschein"), key("fuehrerschein"));
	assert_string_equal(key("FÜHRERSCHEINE"), key("führerschein"));
	assert_string_equal(key("Straße"), key("STRASSE"));
	assert_string_equal(key("Häuser"), key("Haus"));
	assert_string_equal(key("Öffnungszeiten"), key("oeffnungszeiten"));
	assert_string_equal(key("Anmeldung"), key("anmelden"));
	assert_string_equal(key("GROẞ"), key("gross"));
	assert_string_equal(key("Café"), key("cafe"));
	assert_string_equal(key("99008001012000"), "99008001012000");
	assert_string_not_equal(key("Hund"), key("Hut"));
}

static void
test_words_keep_positions_and_forms(void **state)
{
	const char text[] = "  Kita-Platz, für Ärzte!";
	struct search_word *w;
	size_t n = search_words(text, strlen(text), 10, &a, &w);

	assert_int_equal(n, 4);
	assert_string_equal(w[0].lower, "kita");
	assert_int_equal(w[0].start, 2);
	assert_int_equal(w[0].len, 4);
	assert_string_equal(w[2].lower, "für");
	assert_string_equal(w[2].fold, "fuer");
	assert_string_equal(w[3].fold, "aerzte");
	assert_int_equal(w[3].len, strlen("Ärzte"));
	assert_int_equal(search_words(text, strlen(text), 2, &a, &w), 2);
}

static void
test_bad_bytes_separate_words(void **state)
{
	const char text[] = "ab\xff"
			    "cd\xc3 e\x01"
			    "f\xed\xa0\x80g\xc0\xafh\xf4\x90\x80\x80i";
	struct search_word *w;
	size_t n = search_words(text, sizeof(text) - 1, 20, &a, &w);
	const char *want[] = {"ab", "cd", "e", "f", "g", "h", "i"};

	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(w[i].lower, want[i]);
	assert_int_equal(search_words("\xc3", 1, 4, &a, &w), 0);
	assert_int_equal(search_words("", 0, 4, &a, &w), 0);
}

static void
test_long_words_are_cut(void **state)
{
	char text[200];
	struct search_word *w;

	memset(text, 'x', sizeof(text));
	assert_int_equal(search_words(text, sizeof(text), 4, &a, &w), 1);
	assert_int_equal(strlen(w[0].lower), SEARCH_WORD_MAX);
	assert_int_equal(w[0].len, sizeof(text));
}

static void
test_distance_counts_edits_and_transpositions(void **state)
{
	assert_int_equal(search_distance("reisepass", 9, "reispass", 8, 2), 1);
	assert_int_equal(search_distance("ausweis", 7, "auswies", 7, 2), 1);
	assert_int_equal(search_distance("kita", 4, "kita", 4, 1), 0);
	assert_int_equal(search_distance("hund", 4, "katze", 5, 1), 2); /* over max: max + 1 */
	assert_int_equal(search_distance("a", 1, "abcdef", 6, 2), 3);
}

/* A small scope: five services, one office, one page, two synonyms. */
static struct search_index *
sample(void)
{
	struct search_index *ix = search_ix_new();
	uint32_t d;
	const char syn[] = "# colloquial\nperso\tpersonalausweis\nknöllchen\tverwarnungsgeld\n"
			   "broken line without tab\n";

	d = search_ix_doc(ix, SEARCH_SERVICE, "99008001012000", "Personalausweis beantragen",
			  "/leistungen/personalausweis-99008001012000", "stadt");
	search_ix_text(ix, d, SEARCH_F_TITLE, "Personalausweis beantragen");
	search_ix_text(ix, d, SEARCH_F_SHORT, "Den Ausweis beantragen Sie im Bürgerbüro.");
	ix->docs[d].snippet = "Den Ausweis beantragen Sie im Bürgerbüro <script>.";
	d = search_ix_doc(ix, SEARCH_SERVICE, "99102013000000", "Hundesteuer", "/leistungen/h",
			  "stadt");
	search_ix_text(ix, d, SEARCH_F_TITLE, "Hundesteuer");
	d = search_ix_doc(ix, SEARCH_SERVICE, "99108031000000", "Verwarnungsgeld zahlen",
			  "/leistungen/v", "stadt");
	search_ix_text(ix, d, SEARCH_F_TITLE, "Verwarnungsgeld zahlen");
	d = search_ix_doc(ix, SEARCH_SERVICE, "99085001000000", "Reisepass", "/leistungen/r",
			  "stadt");
	search_ix_text(ix, d, SEARCH_F_TITLE, "Reisepass");
	search_ix_text(ix, d, SEARCH_F_TEXT, "Hund Katze Maus Steuer Verlust");
	d = search_ix_doc(ix, SEARCH_SERVICE, "99089017000000", "Verlust melden", "/leistungen/f",
			  "stadt");
	search_ix_text(ix, d, SEARCH_F_TITLE, "Verlust melden");
	d = search_ix_doc(ix, SEARCH_OFFICE, "buergerbuero", "Bürgerbüro", "/stellen/buergerbuero",
			  "stadt");
	search_ix_text(ix, d, SEARCH_F_TITLE, "Bürgerbüro");
	d = search_ix_doc(ix, SEARCH_PAGE, "/impressum", "Impressum", "/impressum", "stadt");
	search_ix_text(ix, d, SEARCH_F_TITLE, "Impressum");
	search_ix_text(ix, d, SEARCH_F_KEYWORD, "Herausgeber Bürgerbüro");
	search_ix_synonyms(ix, syn, strlen(syn));
	search_ix_finish(ix);
	return ix;
}

static const char *
top(const struct search_index *ix, const char *query, struct search_result *r)
{
	struct search_opts o = {.limit = 5, .snippets = true};

	search_run(ix, query, &o, &a, r);
	return r->n ? r->hits[0].id : "";
}

static void
test_index_answers_german_queries(void **state)
{
	struct search_index *ix = sample();
	struct search_result r;

	assert_string_equal(top(ix, "personalausweis", &r), "99008001012000");
	assert_null(r.did_you_mean);
	assert_string_equal(top(ix, "Perso", &r), "99008001012000");
	assert_string_equal(top(ix, "personalausweiß", &r), "99008001012000");
	assert_string_equal(top(ix, "knöllchen", &r), "99108031000000");
	/* Compounds: joined from two words, split from an unknown one. */
	assert_string_equal(top(ix, "hund steuer", &r), "99102013000000");
	assert_string_equal(top(ix, "reisepassverlust", &r), "99085001000000");
	/* A typo is corrected and said so. */
	assert_string_equal(top(ix, "reispass", &r), "99085001000000");
	assert_string_equal(r.did_you_mean, "reisepass");
	/* A LeiKa key finds its service alone. */
	assert_string_equal(top(ix, " 99102013000000 ", &r), "99102013000000");
	assert_int_equal(r.n, 1);
	/* Offices are found and counted apart; a title outranks a text. */
	assert_string_equal(top(ix, "bürgerbüro", &r), "buergerbuero");
	assert_int_equal(r.total[SEARCH_OFFICE], 1);
	assert_int_equal(r.total[SEARCH_SERVICE], 1);
	assert_int_equal(r.total[SEARCH_PAGE], 1);
	assert_string_equal(r.hits[2].id, "/impressum"); /* a page after the rest */
	assert_string_equal(top(ix, "herausgeber", &r), "/impressum");
	search_index_free(ix);
}

static void
test_nothing_or_noise_finds_nothing(void **state)
{
	struct search_index *ix = sample();
	struct search_result r;

	assert_string_equal(top(ix, "", &r), "");
	assert_string_equal(top(ix, "\"()*:^ AND OR NEAR", &r), "");
	assert_string_equal(top(ix, "zzzzqqqq", &r), "");
	assert_null(r.did_you_mean);
	/* Stopwords alone are searched rather than dropped to nothing. */
	top(ix, "die der das", &r);
	assert_int_equal(r.n, 0);
	search_index_free(ix);
}

static void
test_snippets_mark_matching_words(void **state)
{
	struct search_index *ix = sample();
	struct search_result r;
	bool marked = false;

	top(ix, "ausweis beantragen", &r);
	assert_true(r.n >= 1);
	assert_true(r.hits[0].n_snippet >= 2);
	for (size_t i = 0; i < r.hits[0].n_snippet; i++) {
		if (r.hits[0].snippet[i].mark) {
			marked = true;
			assert_true(strcmp(r.hits[0].snippet[i].text, "Ausweis") == 0 ||
				    strcmp(r.hits[0].snippet[i].text, "beantragen") == 0);
		}
	}
	assert_true(marked);
	search_index_free(ix);
}

static void
test_prefix_completes_the_last_word(void **state)
{
	struct search_index *ix = sample();
	struct search_opts o = {.limit = 5, .prefix = true, .services = true};
	struct search_result r;

	search_run(ix, "hundes", &o, &a, &r);
	assert_true(r.n >= 1);
	assert_string_equal(r.hits[0].id, "99102013000000");
	search_run(ix, "bürger", &o, &a, &r);
	assert_int_equal(r.total[SEARCH_OFFICE], 0); /* services only */
	search_index_free(ix);
}

/* More completions than are kept: the most frequent ones, never garbage. */
static void
test_prefix_with_many_completions_keeps_the_frequent(void **state)
{
	struct search_index *ix = search_ix_new();
	struct search_opts o = {.limit = 40, .prefix = true};
	struct search_result r;
	uint32_t d;

	for (int i = 0; i < 40; i++) {
		char title[32];

		snprintf(title, sizeof(title), "Perwort%c%c", 'a' + i % 26, 'a' + i / 26);
		d = search_ix_doc(ix, SEARCH_SERVICE, title, title, "/x", "t");
		search_ix_text(ix, d, SEARCH_F_TITLE, title);
	}
	for (int i = 0; i < 5; i++) { /* one word in six services: the most frequent */
		d = search_ix_doc(ix, SEARCH_SERVICE, "p", "Personal", "/p", "t");
		search_ix_text(ix, d, SEARCH_F_TITLE, "Personal");
	}
	search_ix_finish(ix);
	search_run(ix, "per", &o, &a, &r);
	assert_true(r.n >= 5 && r.n <= 40);
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.hits[i].title[0] == 'P');
	search_run(ix, "perso", &o, &a, &r);
	assert_int_equal(r.n, 5);
	search_index_free(ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spellings_of_one_word_share_a_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_words_keep_positions_and_forms, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_bytes_separate_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_words_are_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_distance_counts_edits_and_transpositions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_answers_german_queries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_or_noise_finds_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_snippets_mark_matching_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prefix_completes_the_last_word, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_prefix_with_many_completions_keeps_the_frequent, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
