/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Definitions as the form editor handles them: the body staff edit (the
 * definition without id, version, title and leika), composing it back into
 * a whole definition that form_def_parse() checks, and the top-level
 * three-way merge that takes a new library version over into an adopted
 * copy.  Pure: no database, no HTTP; fuzzed by fuzz_form_def and
 * fuzz_form_merge.
 */
#include "features/forms/forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const MANAGED[] = {"id", "version", "title", "leika"};
#define N_MANAGED (sizeof(MANAGED) / sizeof(MANAGED[0]))

json_t *
form_def_body(json_t *def)
{
	json_t *body = json_is_object(def) ? json_copy(def) : json_object();

	for (size_t i = 0; i < N_MANAGED; i++)
		json_object_del(body, MANAGED[i]);
	return body;
}

const char *
form_def_pretty(json_t *o, struct arena *a)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	const char *out = arena_strdup(a, s ? s : "");

	free(s);
	return out;
}

/* The body as an object, or an error at "$" with where the JSON broke. */
static json_t *
load_body(const char *body, size_t len, struct form_def_errors *errs)
{
	struct form_def_error *d = &errs->v[0];
	json_error_t je;
	json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);

	errs->n = 0;
	errs->more = false;
	if (json_is_object(doc))
		return doc;
	json_decref(doc);
	errs->n = 1;
	snprintf(d->path, sizeof(d->path), "$");
	if (doc)
		snprintf(d->msg, sizeof(d->msg), "must be an object");
	else
		snprintf(d->msg, sizeof(d->msg), "line %d column %d: %.100s", je.line, je.column,
			 je.text);
	return NULL;
}

int
form_def_compose(const char *body, size_t len, const char *id, int64_t version, const char *title,
		 const char *leika, struct arena *a, const char **json, struct form **f,
		 struct form_def_errors *errs, struct err *e)
{
	json_t *doc, *whole;
	const char *text;

	errs->n = 0;
	errs->more = false;
	if (len > FORM_DEF_MAX)
		return err_set(e, ERR_TOOBIG, "forms.err.def_size", "definition of %zu bytes", len);
	doc = load_body(body, len, errs);
	if (!doc)
		return err_set(e, ERR_INVALID, "forms.err.def_json", "body is no JSON object");
	/* The managed members come first, as in the demo definitions. */
	whole = json_pack("{s:s, s:I, s:s, s:s}", "id", id, "version", (json_int_t)version, "title",
			  title, "leika", leika);
	if (!whole) {
		json_decref(doc);
		return err_set(e, ERR_INVALID, "forms.err.def_json", "id, title or leika no UTF-8");
	}
	for (size_t i = 0; i < N_MANAGED; i++)
		json_object_del(doc, MANAGED[i]);
	json_object_update(whole, doc);
	json_decref(doc);
	text = form_def_pretty(whole, a);
	json_decref(whole);
	*json = text;
	return form_def_parse(text, strlen(text), a, f, errs, e);
}

static bool
same(json_t *x, json_t *y)
{
	return (!x && !y) || (x && y && json_equal(x, y));
}

static void
note(struct arena *a, const char ***v, size_t *n, size_t *cap, const char *key)
{
	*v = arena_grow(a, *v, *n, cap, sizeof(**v));
	(*v)[(*n)++] = arena_strdup(a, key);
}

struct merge_caps {
	size_t conflicts, taken, kept;
};

/* Decide member `key` once; members seen before are skipped by the caller. */
static void
merge_member(json_t *base, json_t *ours, json_t *theirs, const char *key, struct arena *a,
	     struct form_merge *m, struct merge_caps *cap)
{
	json_t *b = json_object_get(base, key), *o = json_object_get(ours, key),
	       *t = json_object_get(theirs, key), *pick;

	if (same(o, b)) {
		pick = t;
		if (!same(t, b))
			note(a, &m->taken, &m->n_taken, &cap->taken, key);
	} else {
		pick = o;
		if (same(t, b))
			note(a, &m->kept, &m->n_kept, &cap->kept, key);
		else if (!same(o, t))
			note(a, &m->conflicts, &m->n_conflicts, &cap->conflicts, key);
	}
	if (pick)
		json_object_set(m->result, key, pick);
}

int
form_merge3(json_t *base, json_t *ours, json_t *theirs, struct arena *a, struct form_merge *m)
{
	json_t *const sides[] = {ours, theirs, base};
	struct merge_caps cap = {0};
	json_t *seen;

	memset(m, 0, sizeof(*m));
	if (!json_is_object(base) || !json_is_object(ours) || !json_is_object(theirs))
		return ERR_INVALID;
	m->result = json_object();
	seen = json_object();
	/* The local order first, then what only the others have. */
	for (size_t s = 0; s < sizeof(sides) / sizeof(sides[0]); s++) {
		const char *key;
		json_t *v;

		json_object_foreach(sides[s], key, v)
		{
			if (json_object_get(seen, key))
				continue;
			json_object_set_new(seen, key, json_true());
			merge_member(base, ours, theirs, key, a, m, &cap);
		}
	}
	json_decref(seen);
	return 0;
}
