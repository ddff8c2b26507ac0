/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * view: HTML templates compiled once at start-up and rendered into a buf,
 * with escaping by context and message catalogues (German first, English).
 *
 * Template syntax (files templates/NAME.html, partials may live in
 * subfolders and are named by their relative path without ".html"):
 *
 *   {{ a.b.c }}                value, escaped for where it stands
 *   {{ t "key" }}              message in the render language
 *   {{ t "key" arg1 arg2 }}    message with {0} {1} replaced by escaped args
 *   {{#if a.b}} .. {{else}} .. {{/if}}       truthy: true, non-zero, non-empty
 *   {{#unless a}} .. {{/unless}}
 *   {{#each list as item}} .. {{ item.x }} .. {{ @index }} .. {{/each}}
 *                              @index counts from 0, @number from 1; an
 *                              {{else}} branch renders for an empty list
 *   {{> partials/name}}        include, same data
 *   {{! comment }}
 *
 * Contexts: text; double-quoted attribute value; URL attribute (href, src,
 * action, formaction, ...): the value is attribute-escaped and a scheme other
 * than http, https, mailto and tel is replaced by "#" (a value there must
 * stand at the start or after '/', '?', '#' or ':'); <script
 * type="application/ld+json">: JSON with <, >, & written as \u003c etc.,
 * inside a JSON string escaped, elsewhere written as a JSON value.
 * Values in unquoted attributes, tag or attribute names, other scripts, style
 * elements or comments are compile errors, as are values in on* event
 * handlers, style, srcset and srcdoc attributes.  Raw HTML prints only from
 * a value made by view_html_trusted(): grep for it to list every exception.
 *
 * view knows nothing of HTTP or SQL.
 */
#ifndef RATHAUS_VIEW_H
#define RATHAUS_VIEW_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <stdbool.h>
#include <stdint.h>

struct view;	 /* compiled templates and catalogues; read-only once loaded */
struct view_val; /* a value to render: null, bool, int, text, html, list or map */

/*
 * Compile every template below `tpl_dir` and read the catalogues
 * `locale_dir`/de.json and en.json (flat JSON objects key -> text).
 * The caller frees *out with view_free().  Returns 0 or ERR_INVALID with
 * file, line and reason in e->detail.
 */
int view_load(const char *tpl_dir, const char *locale_dir, struct view **out,
	      struct err *e) MUST_CHECK;
/* An empty set, for tests and fuzzing: add templates with view_add(). */
struct view *view_new(void);
/* Compile `src` (n bytes) as template `name`; replaces one of that name. */
int view_add(struct view *v, const char *name, const char *src, size_t n, struct err *e) MUST_CHECK;
/* Add message `key` in language `lang` ("de" or "en"). */
void view_add_msg(struct view *v, const char *lang, const char *key, const char *text);
void view_free(struct view *v);

bool view_has(const struct view *v, const char *name);

/*
 * Render template `name` with data `root` in language `lang` (unknown
 * languages fall back to "de"), appending to `out`.  Returns 0, ERR_NOTFOUND
 * for an unknown template, or ERR_TOOBIG when `out` hit its cap.  Also
 * ERR_NOTFOUND for an unknown partial, ERR_TOOBIG for partials nested deeper
 * than 16 or a render of millions of steps.  On error `out` keeps only what
 * it held before.
 */
int view_render(const struct view *v, const char *name, const char *lang,
		const struct view_val *root, struct buf *out, struct err *e) MUST_CHECK;

/* The message `key` in `lang`, else in "de", else `key` itself.  Borrowed from v. */
const char *view_msg(const struct view *v, const char *lang, const char *key);

/* Values; all live in arena `a`.  Text is copied. */
struct view_val *view_map(struct arena *a);
struct view_val *view_list(struct arena *a);
struct view_val *view_text(struct arena *a, const char *s);
struct view_val *view_textn(struct arena *a, const char *s, size_t n);
struct view_val *view_int(struct arena *a, int64_t n);
struct view_val *view_bool(struct arena *a, bool b);
/* Markup that is printed as is.  Only for HTML made safe by its producer. */
struct view_val *view_html_trusted(struct arena *a, const char *html, size_t n);
/*
 * view_text() and view_html_trusted() without the copy, for long lists of
 * strings that outlive the render anyway (in `a` itself, or in a snapshot
 * the request holds).
 */
struct view_val *view_text_ref(struct arena *a, const char *s);
struct view_val *view_html_ref(struct arena *a, const char *html);

/*
 * Markdown (CommonMark, cmark-gfm) as HTML in arena `a`.  Raw HTML in the
 * source is dropped and links with schemes such as javascript: are removed
 * (cmark's safe mode), so the result is trusted markup.
 */
struct view_val *view_markdown(struct arena *a, const char *md);

/* Set `key` of map `m` (replacing), append to list `l`.  Return the value set. */
struct view_val *view_set(struct view_val *m, const char *key, struct view_val *val);
struct view_val *view_set_text(struct view_val *m, const char *key, const char *s);
struct view_val *view_set_int(struct view_val *m, const char *key, int64_t n);
struct view_val *view_set_bool(struct view_val *m, const char *key, bool b);
struct view_val *view_push(struct view_val *l, struct view_val *val);
/* The value at dotted `path` below map `m`, or NULL. */
const struct view_val *view_get(const struct view_val *m, const char *path);

#endif
