/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The set of compiled templates and message catalogues, and the hash table
 * both are kept in.  A set is built at start-up and read-only afterwards,
 * so render threads share it without locks; view_add() and view_add_msg()
 * must not run while another thread renders.
 */
#include "view/view_int.h"

#include "core/xalloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Slots of a new table; it doubles when three quarters are used. */
#define VIEW_DICT_FIRST 64

static const char *const lang_names[VIEW_NLANGS] = {[VIEW_DE] = "de", [VIEW_EN] = "en"};

/* FNV-1a, 64 bits: short keys, no adversary choosing them. */
static uint64_t
dict_hash(struct str key)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < key.len; i++) {
		h ^= (unsigned char)key.p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/* The slot holding `key`, or the empty one where it would go.  d->cap > 0. */
static struct view_slot *
dict_slot(const struct view_dict *d, struct str key)
{
	size_t mask = d->cap - 1;

	for (size_t i = dict_hash(key) & mask;; i = (i + 1) & mask) {
		struct view_slot *s = &d->slots[i];

		if (!s->key || (s->klen == key.len && memcmp(s->key, key.p, key.len) == 0))
			return s;
	}
}

void *
view_dict_get(const struct view_dict *d, struct str key)
{
	struct view_slot *s;

	if (!d->cap)
		return NULL;
	s = dict_slot(d, key);
	return s->key ? s->val : NULL;
}

static void
dict_grow(struct view_dict *d)
{
	struct view_dict old = *d;

	d->cap = old.cap ? old.cap * 2 : VIEW_DICT_FIRST;
	d->slots = xcalloc(d->cap, sizeof(*d->slots));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*dict_slot(d, (struct str){old.slots[i].key, old.slots[i].klen}) =
				old.slots[i];
	free(old.slots);
}

/* Set `key` (borrowed) to `val`; returns the value it replaces, or NULL. */
static void *
dict_put(struct view_dict *d, const char *key, void *val)
{
	struct str k = str_c(key);
	struct view_slot *s;
	void *old = NULL;

	if ((d->n + 1) * 4 > d->cap * 3)
		dict_grow(d);
	s = dict_slot(d, k);
	if (s->key)
		old = s->val;
	else
		d->n++;
	s->key = key;
	s->klen = k.len;
	s->val = val;
	return old;
}

enum view_lang
view_lang_of(const char *lang)
{
	return lang && strcmp(lang, lang_names[VIEW_EN]) == 0 ? VIEW_EN : VIEW_DE;
}

struct view *
view_new(void)
{
	struct view *v = xcalloc(1, sizeof(*v));

	arena_init(&v->a);
	return v;
}

void
view_free(struct view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->tpls.cap; i++)
		if (v->tpls.slots[i].key)
			view_tpl_free(v->tpls.slots[i].val);
	free(v->tpls.slots);
	for (size_t l = 0; l < VIEW_NLANGS; l++)
		free(v->msgs[l].slots);
	arena_release(&v->a);
	free(v);
}

int
view_add_file(struct view *v, const char *name, const char *file, const char *src, size_t n,
	      struct err *e)
{
	struct view_tpl *t;
	int rc;

	assert(v && name && file && (src || n == 0));
	rc = view_tpl_compile(name, file, src, n, &t, e);
	if (rc)
		return rc;
	/* The slot's key becomes the new template's name before the old one goes. */
	view_tpl_free(dict_put(&v->tpls, t->name, t));
	return 0;
}

int
view_add(struct view *v, const char *name, const char *src, size_t n, struct err *e)
{
	return view_add_file(v, name, name, src, n, e);
}

bool
view_has(const struct view *v, const char *name)
{
	return view_tpl_find(v, str_c(name)) != NULL;
}

const struct view_tpl *
view_tpl_find(const struct view *v, struct str name)
{
	return view_dict_get(&v->tpls, name);
}

void
view_add_msg(struct view *v, const char *lang, const char *key, const char *text)
{
	enum view_lang l = view_lang_of(lang);

	assert(v && key && text);
	if (!lang || strcmp(lang, lang_names[l]) != 0)
		return; /* a language we do not render in */
	dict_put(&v->msgs[l], arena_strdup(&v->a, key), arena_strdup(&v->a, text));
}

const char *
view_msg_find(const struct view *v, enum view_lang lang, struct str key)
{
	const char *text = view_dict_get(&v->msgs[lang], key);

	return text ? text : view_dict_get(&v->msgs[VIEW_DE], key);
}

const char *
view_msg(const struct view *v, const char *lang, const char *key)
{
	const char *text = view_msg_find(v, view_lang_of(lang), str_c(key));

	return text ? text : key;
}
