/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The request arena: a chain of blocks, bump allocation, one release.
 * Large allocations get a block of their own so a big upload does not waste
 * the rest of a shared block.
 */
#include "core/arena.h"

#include "core/xalloc.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE (16u * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes in data */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena_defer {
	struct arena_defer *next;
	void (*fn)(void *);
	void *p;
};

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->defers = NULL;
	a->used = 0;
}

void
arena_release(struct arena *a)
{
	/* Cleanups first: they may still read arena memory. */
	for (struct arena_defer *d = a->defers; d; d = d->next)
		d->fn(d->p);
	for (struct arena_block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	arena_init(a);
}

static struct arena_block *
block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		abort();
	b = xmalloc(sizeof(*b) + size);
	b->size = size;
	b->used = 0;
	b->next = NULL;
	return b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t off;

	if (n > SIZE_MAX - align)
		abort();
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (n > ARENA_BLOCK_SIZE / 4) {
		/* A block of its own, linked behind the current head. */
		struct arena_block *big = block_new(n);

		big->used = n;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big;
		}
		a->used += n;
		return big->data;
	}
	if (!b || b->size - b->used < n) {
		b = block_new(ARENA_BLOCK_SIZE);
		b->next = a->head;
		a->head = b;
	}
	off = b->used;
	b->used += n;
	a->used += n;
	return b->data + off;
}

void *
arena_calloc(struct arena *a, size_t nmemb, size_t size)
{
	void *p;

	if (size && nmemb > SIZE_MAX / size)
		abort();
	p = arena_alloc(a, nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_strdup_str(struct arena *a, struct str s)
{
	return arena_strndup(a, s.p, s.len);
}

/*
 * Formats straight into the free rest of the current block, so that most
 * strings take one vsnprintf(); one that does not fit is formatted again
 * into room of its own.
 */
char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t room = b ? b->size - b->used : 0, need;
	char *p = b ? (char *)b->data + b->used : NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	need = ((size_t)n + align) & ~(align - 1); /* n + 1 rounded up as arena_alloc() does */
	if (need <= room && need <= ARENA_BLOCK_SIZE / 4) {
		b->used += need;
		a->used += need;
		return p;
	}
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *
arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	void *grown;

	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 8;
	grown = arena_calloc(a, *cap, size);
	if (n)
		memcpy(grown, v, n * size);
	return grown;
}

void
arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct arena_defer *d = arena_alloc(a, sizeof(*d));

	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
}
