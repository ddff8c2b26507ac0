/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The values a handler hands to a template: scalars, lists and maps, all in
 * the caller's arena.  Maps are small arrays searched linearly in insertion
 * order, which beats hashing for the dozen keys a view struct has; a map
 * with hundreds of keys would want an index, and has none yet.
 */
#include "view/view_int.h"

#include <assert.h>
#include <string.h>

/* First capacity of a list or map; doubled as it fills. */
#define VIEW_COLL_FIRST 8

static struct view_val *
val_new(struct arena *a, enum view_type type)
{
	struct view_val *v = arena_calloc(a, 1, sizeof(*v));

	v->type = type;
	return v;
}

struct view_val *
view_map(struct arena *a)
{
	struct view_val *v = val_new(a, VIEW_MAP);

	v->c.a = a;
	return v;
}

struct view_val *
view_list(struct arena *a)
{
	struct view_val *v = val_new(a, VIEW_LIST);

	v->c.a = a;
	return v;
}

struct view_val *
view_textn(struct arena *a, const char *s, size_t n)
{
	struct view_val *v = val_new(a, VIEW_TEXT);

	v->s.p = arena_strndup(a, s ? s : "", s ? n : 0);
	v->s.len = s ? n : 0;
	return v;
}

struct view_val *
view_text(struct arena *a, const char *s)
{
	return view_textn(a, s, s ? strlen(s) : 0);
}

struct view_val *
view_html_trusted(struct arena *a, const char *html, size_t n)
{
	struct view_val *v = view_textn(a, html, n);

	v->type = VIEW_HTML;
	return v;
}

struct view_val *
view_text_ref(struct arena *a, const char *s)
{
	struct view_val *v = val_new(a, VIEW_TEXT);

	v->s = str_c(s ? s : "");
	return v;
}

struct view_val *
view_html_ref(struct arena *a, const char *html)
{
	struct view_val *v = view_text_ref(a, html);

	v->type = VIEW_HTML;
	return v;
}

struct view_val *
view_int(struct arena *a, int64_t n)
{
	struct view_val *v = val_new(a, VIEW_INT);

	v->i = n;
	return v;
}

struct view_val *
view_bool(struct arena *a, bool b)
{
	struct view_val *v = val_new(a, VIEW_BOOL);

	v->b = b;
	return v;
}

/* Room for one more item of `size` bytes in collection `v`. */
static void
coll_grow(struct view_val *v, size_t size)
{
	size_t cap;
	void *p;

	if (v->c.n < v->c.cap)
		return;
	cap = v->c.cap ? v->c.cap * 2 : VIEW_COLL_FIRST;
	/* The old array stays in the arena: appends are rare enough not to care. */
	p = arena_calloc(v->c.a, cap, size);
	if (v->c.n)
		memcpy(p, v->type == VIEW_LIST ? (void *)v->c.items : (void *)v->c.entries,
		       v->c.n * size);
	if (v->type == VIEW_LIST)
		v->c.items = p;
	else
		v->c.entries = p;
	v->c.cap = cap;
}

static struct view_entry *
map_find(const struct view_val *m, struct str key)
{
	for (size_t i = 0; i < m->c.n; i++)
		if (str_eq(key, m->c.entries[i].key))
			return &m->c.entries[i];
	return NULL;
}

struct view_val *
view_set(struct view_val *m, const char *key, struct view_val *val)
{
	struct view_entry *ent;
	struct str k;

	assert(m && m->type == VIEW_MAP && key);
	k = str_c(key);
	ent = map_find(m, k);
	if (!ent) {
		coll_grow(m, sizeof(*ent));
		ent = &m->c.entries[m->c.n++];
		ent->key = (struct str){arena_strndup(m->c.a, k.p, k.len), k.len};
	}
	ent->val = val;
	return val;
}

struct view_val *
view_set_text(struct view_val *m, const char *key, const char *s)
{
	assert(m && m->type == VIEW_MAP);
	return view_set(m, key, view_text(m->c.a, s));
}

struct view_val *
view_set_int(struct view_val *m, const char *key, int64_t n)
{
	assert(m && m->type == VIEW_MAP);
	return view_set(m, key, view_int(m->c.a, n));
}

struct view_val *
view_set_bool(struct view_val *m, const char *key, bool b)
{
	assert(m && m->type == VIEW_MAP);
	return view_set(m, key, view_bool(m->c.a, b));
}

struct view_val *
view_push(struct view_val *l, struct view_val *val)
{
	assert(l && l->type == VIEW_LIST);
	coll_grow(l, sizeof(*l->c.items));
	l->c.items[l->c.n++] = val;
	return val;
}

const struct view_val *
view_val_walk(const struct view_val *v, const struct str *seg, _Atomic uint32_t *hint, size_t n)
{
	for (size_t i = 0; i < n && v; i++) {
		uint32_t at =
			hint ? atomic_load_explicit(&hint[i], memory_order_relaxed) : UINT32_MAX;
		const struct view_entry *ent;

		if (v->type != VIEW_MAP)
			return NULL;
		if (at < v->c.n && str_eq(v->c.entries[at].key, seg[i])) {
			ent = &v->c.entries[at];
		} else if ((ent = map_find(v, seg[i])) && hint) {
			atomic_store_explicit(&hint[i], (uint32_t)(ent - v->c.entries),
					      memory_order_relaxed);
		}
		v = ent ? ent->val : NULL;
	}
	return v;
}

const struct view_val *
view_get(const struct view_val *m, const char *path)
{
	struct str rest = str_c(path), seg;

	while (m && rest.p) {
		rest = str_cut(rest, '.', &seg);
		m = view_val_walk(m, &seg, NULL, 1);
	}
	return m;
}

bool
view_val_truthy(const struct view_val *v)
{
	if (!v)
		return false;
	switch (v->type) {
	case VIEW_NULL:
		return false;
	case VIEW_BOOL:
		return v->b;
	case VIEW_INT:
		return v->i != 0;
	case VIEW_TEXT:
	case VIEW_HTML:
		return v->s.len != 0;
	case VIEW_LIST:
		return v->c.n != 0;
	case VIEW_MAP:
		return true;
	}
	return false;
}
