/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The normalizer: UTF-8 text to words in three forms (lowercase, ASCII
 * folded, key).  Keys are what index and query compare: Snowball German stems
 * of the lowercase word, then with umlauts and their ae/oe/ue spellings
 * folded to the plain vowel, and a trailing -ung dropped, so "Führerschein",
 * "fuehrerschein" and "Führerscheine" meet, and "Anmeldung" meets "anmelden".
 * Pure: no database; each thread has its own stemmer (they are not
 * thread-safe), freed when the thread ends.
 */
#include "features/search/search.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_key_t stemmer_key;
static pthread_once_t stemmer_once = PTHREAD_ONCE_INIT;

static void
stemmer_free(void *p)
{
	sb_stemmer_delete(p);
}

static void
stemmer_key_init(void)
{
	if (pthread_key_create(&stemmer_key, stemmer_free))
		abort();
}

/* This thread's stemmer, or NULL when libstemmer has no German. */
static struct sb_stemmer *
stemmer(void)
{
	struct sb_stemmer *st;

	pthread_once(&stemmer_once, stemmer_key_init);
	st = pthread_getspecific(stemmer_key);
	if (!st) {
		st = sb_stemmer_new("german", "UTF_8");
		if (st && pthread_setspecific(stemmer_key, st)) {
			sb_stemmer_delete(st);
			st = NULL;
		}
	}
	return st;
}

/*
 * Lowercase and ASCII forms of the Latin-1 letters U+00C0..U+00FF; "" drops
 * the character (×, ÷ separate words).
 */
static const char *const latin1_lower[64] = {
	"a", "a", "a", "a", "ä", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
	"d", "n", "o", "o", "o", "o", "ö",  "",	 "o", "u", "u", "u", "ü", "y", "th", "ss",
	"a", "a", "a", "a", "ä", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
	"d", "n", "o", "o", "o", "o", "ö",  "",	 "o", "u", "u", "u", "ü", "y", "th", "y",
};

/* The next code point of s[0..n) at *i, or -1 for an invalid sequence (skips one byte). */
static long
next_cp(const unsigned char *s, size_t n, size_t *i)
{
	unsigned c = s[*i];
	size_t need;
	long cp;

	if (c < 0x80) {
		*i += 1;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		cp = c & 0x07;
	} else {
		*i += 1;
		return -1;
	}
	if (*i + need >= n) {
		*i += 1;
		return -1;
	}
	for (size_t k = 1; k <= need; k++) {
		unsigned cc = s[*i + k];

		if ((cc & 0xC0) != 0x80) {
			*i += 1;
			return -1;
		}
		cp = (cp << 6) | (cc & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF)) {
		*i += 1;
		return -1;
	}
	*i += need + 1;
	return cp;
}

/* The lowercase form of a word character, or NULL for a separator. */
static const char *
lower_of(long cp, char tmp[2])
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
		tmp[0] = (char)cp;
		tmp[1] = 0;
		return tmp;
	}
	if (cp >= 'A' && cp <= 'Z') {
		tmp[0] = (char)(cp - 'A' + 'a');
		tmp[1] = 0;
		return tmp;
	}
	if (cp >= 0xC0 && cp <= 0xFF)
		return latin1_lower[cp - 0xC0][0] ? latin1_lower[cp - 0xC0] : NULL;
	if (cp == 0x1E9E) /* capital sharp s */
		return "ss";
	return NULL;
}

/* "ä" -> "ae" etc.: the ASCII form of a lowercase word. */
static char *
fold_of(const char *lower, struct arena *a)
{
	size_t n = strlen(lower);
	char *out = arena_alloc(a, n + 1), *o = out;

	for (const char *p = lower; *p;) {
		if ((unsigned char)p[0] == 0xC3 && p[1]) {
			unsigned char c = (unsigned char)p[1];

			*o++ = c == 0xA4 ? 'a' : c == 0xB6 ? 'o' : 'u';
			*o++ = 'e';
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	return out;
}

static bool
all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

const char *
search_key(const char *lower, struct arena *a)
{
	struct sb_stemmer *stm;
	const sb_symbol *st = NULL;
	char *key, *o;
	size_t n;

	if (!lower[0] || all_digits(lower))
		return arena_strdup(a, lower);
	/* Nouns in -ung(en) meet their verbs: Anmeldung/anmelden, Verlängerung/verlängern. */
	n = strlen(lower);
	if (n >= 9 && strcmp(lower + n - 5, "ungen") == 0)
		n -= 5;
	else if (n >= 7 && strcmp(lower + n - 3, "ung") == 0)
		n -= 3;
	if (n < strlen(lower) && memcmp(lower + n - 2, "er", 2) == 0 && n >= 6)
		n -= 2;
	stm = stemmer();
	if (stm)
		st = sb_stemmer_stem(stm, (const sb_symbol *)lower, (int)n);
	key = st ? arena_strdup(a, (const char *)st) : arena_strndup(a, lower, n);
	/* Fold umlauts (the stemmer leaves some) and their ae/oe/ue spellings. */
	o = key;
	for (const char *p = key; *p;) {
		if ((unsigned char)p[0] == 0xC3 && p[1]) {
			unsigned char c = (unsigned char)p[1];

			*o++ = c == 0xA4 ? 'a' : c == 0xB6 ? 'o' : 'u';
			p += 2;
		} else if ((p[0] == 'a' || p[0] == 'o' || p[0] == 'u') && p[1] == 'e' &&
			   (p == key || p[-1] != 'q')) {
			*o++ = p[0];
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
	return key;
}

size_t
search_tokens(const char *text, size_t len, size_t max, struct arena *a, struct search_word **out)
{
	const unsigned char *s = (const unsigned char *)text;
	struct search_word *v = NULL;
	size_t n = 0, cap = 0, i = 0;
	char word[SEARCH_WORD_MAX + 4];

	*out = NULL;
	while (i < len && n < max) {
		size_t wlen = 0, start, end, at = i;
		char tmp[2];
		const char *l = NULL;

		while (i < len) { /* skip separators */
			long cp;

			at = i;
			cp = next_cp(s, len, &i);
			l = cp >= 0 ? lower_of(cp, tmp) : NULL;
			if (l)
				break;
		}
		if (!l)
			break;
		start = at;
		end = i;
		for (;;) {
			long cp;

			if (wlen + strlen(l) <= SEARCH_WORD_MAX) {
				memcpy(word + wlen, l, strlen(l));
				wlen += strlen(l);
			}
			end = i;
			if (i >= len)
				break;
			cp = next_cp(s, len, &i);
			l = cp >= 0 ? lower_of(cp, tmp) : NULL;
			if (!l)
				break;
		}
		if (wlen == 0)
			continue;
		word[wlen] = 0;
		v = arena_grow(a, v, n, &cap, sizeof(*v));
		v[n].lower = arena_strdup(a, word);
		v[n].fold = v[n].key = NULL;
		v[n].start = start;
		v[n].len = end - start;
		n++;
	}
	*out = v;
	return n;
}

size_t
search_words(const char *text, size_t len, size_t max, struct arena *a, struct search_word **out)
{
	size_t n = search_tokens(text, len, max, a, out);

	for (size_t i = 0; i < n; i++) {
		(*out)[i].fold = fold_of((*out)[i].lower, a);
		(*out)[i].key = search_key((*out)[i].lower, a);
	}
	return n;
}

int
search_distance(const char *a, size_t na, const char *b, size_t nb, int max)
{
	int rows[3][SEARCH_WORD_MAX + 2];
	int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (na > SEARCH_WORD_MAX || nb > SEARCH_WORD_MAX)
		return max + 1;
	if ((na > nb ? na - nb : nb - na) > (size_t)max)
		return max + 1;
	for (size_t j = 0; j <= nb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		int best;

		cur[0] = (int)i;
		best = cur[0];
		for (size_t j = 1; j <= nb; j++) {
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int d = prev[j] + 1;

			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (prev[j - 1] + cost < d)
				d = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > max)
			return max + 1;
		int *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[nb] > max ? max + 1 : prev[nb];
}
