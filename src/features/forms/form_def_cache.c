/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Parsed stored definitions, shared between requests.  Every case page,
 * form step, receipt and delivery needs the definition its form version was
 * stored with; parsing it is most of such a page's work.  The key is the
 * stored text itself (its hash, then a comparison), so an entry is never
 * stale, whatever changes in the database.  An entry is counted while a
 * request uses it (released with the request's arena); when the kept texts
 * pass CACHE_BYTES the least recently used entries leave the table and are
 * freed by their last user.  The parsed form is shared: callers only read it.
 */
#include "features/forms/form_int.h"

#include "core/hash.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <string.h>

#define CACHE_SLOTS 256	       /* a power of two */
#define CACHE_BYTES (4u << 20) /* stored text kept; its parse takes a few times as much */

struct entry {
	struct entry *next;	     /* in its slot */
	struct entry *older, *newer; /* by last use */
	uint64_t hash;
	size_t len;
	unsigned refs; /* requests using it, plus one while in the table */
	const char *text;
	struct form *form;
	struct arena a; /* text and form */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *slots[CACHE_SLOTS];
static struct entry *oldest, *newest;
static size_t kept;

static void
entry_free(struct entry *x)
{
	arena_release(&x->a);
	free(x);
}

/* Drop one reference (lock held); true when `x` is to be freed. */
static bool
unref(struct entry *x)
{
	return --x->refs == 0;
}

static void
release(void *p)
{
	struct entry *x = p;
	bool last;

	pthread_mutex_lock(&lock);
	last = unref(x);
	pthread_mutex_unlock(&lock);
	if (last)
		entry_free(x);
}

static void
lru_unlink(struct entry *x)
{
	*(x->older ? &x->older->newer : &oldest) = x->newer;
	*(x->newer ? &x->newer->older : &newest) = x->older;
	x->older = x->newer = NULL;
}

static void
lru_push(struct entry *x)
{
	x->older = newest;
	*(newest ? &newest->newer : &oldest) = x;
	newest = x;
}

/* The entry for `text`, counted for one more user, or NULL (lock held). */
static struct entry *
find(uint64_t hash, const char *text, size_t len)
{
	for (struct entry *x = slots[hash & (CACHE_SLOTS - 1)]; x; x = x->next)
		if (x->hash == hash && x->len == len && memcmp(x->text, text, len) == 0) {
			x->refs++;
			lru_unlink(x);
			lru_push(x);
			return x;
		}
	return NULL;
}

/* Take the oldest entry out of the table (lock held); it is returned when now unused. */
static struct entry *
evict_oldest(void)
{
	struct entry *x = oldest, **p = &slots[x->hash & (CACHE_SLOTS - 1)];

	while (*p != x)
		p = &(*p)->next;
	*p = x->next;
	lru_unlink(x);
	kept -= x->len;
	return unref(x) ? x : NULL;
}

/* Put the new entry `x` in the table (lock held), making room; the entries to free go to `gone`. */
static void
insert(struct entry *x, struct entry **gone)
{
	struct entry **slot = &slots[x->hash & (CACHE_SLOTS - 1)];

	x->refs = 2;
	x->next = *slot;
	*slot = x;
	lru_push(x);
	kept += x->len;
	while (kept > CACHE_BYTES && oldest != x) {
		struct entry *old = evict_oldest();

		if (old) {
			old->next = *gone;
			*gone = old;
		}
	}
}

int
form_def_cached(const char *text, struct arena *a, struct form **out, struct err *e)
{
	size_t len = strlen(text);
	uint64_t hash = hash_fnv1a(text, len);
	struct entry *x, *gone = NULL;
	int rc;

	if (len > CACHE_BYTES / 8)
		return form_def_parse(text, len, a, out,
				      arena_alloc(a, sizeof(struct form_def_errors)), e);
	pthread_mutex_lock(&lock);
	x = find(hash, text, len);
	pthread_mutex_unlock(&lock);
	if (!x) {
		/* Only a parse needs room for the problems of a definition. */
		struct form_def_errors *errs = arena_alloc(a, sizeof(*errs));
		struct entry *fresh = xcalloc(1, sizeof(*fresh));

		arena_init(&fresh->a);
		fresh->hash = hash;
		fresh->len = len;
		fresh->text = arena_strndup(&fresh->a, text, len);
		rc = form_def_parse(fresh->text, len, &fresh->a, &fresh->form, errs, e);
		if (rc) {
			entry_free(fresh);
			return rc;
		}
		pthread_mutex_lock(&lock);
		x = find(hash, text, len); /* another request may have parsed it meanwhile */
		if (!x)
			insert(x = fresh, &gone);
		pthread_mutex_unlock(&lock);
		if (x != fresh)
			entry_free(fresh);
		while (gone) {
			struct entry *next = gone->next;

			entry_free(gone);
			gone = next;
		}
	}
	arena_defer(a, release, x);
	*out = x->form;
	return 0;
}
