/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The router: a list of routes matched segment by segment in the order they
 * were added.  ":name" takes one non-empty segment, "*name" the rest of the
 * path (possibly empty).  Patterns are split into segments when added and
 * the path once per request, so that a route that does not match costs a
 * comparison of segment counts and lengths; values are copied only for the
 * route that matches.
 */
#include "http/http.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEGS_MAX 16 /* segments of a pattern, and of a path that a pattern without "*" matches */

struct seg {
	struct str s; /* literal text, or the parameter's name */
	char kind;    /* 0: literal, ':' one segment, '*' the rest */
};

struct pattern {
	struct seg segs[SEGS_MAX];
	size_t n; /* segments; a '*' one is the last */
};

struct http_router {
	struct http_route *routes;
	struct pattern *patterns;
	size_t n, cap;
};

/* A path cut at its slashes: up to SEGS_MAX segments, and whether there are more. */
struct path {
	struct str segs[SEGS_MAX];
	size_t n;
	bool more;
	const char *end;
};

struct http_router *
http_router_new(void)
{
	return xcalloc(1, sizeof(struct http_router));
}

void
http_router_free(struct http_router *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n; i++)
		free((char *)rt->routes[i].pattern);
	free(rt->routes);
	free(rt->patterns);
	free(rt);
}

/* Cut `s` (after its leading '/') at every '/'; false past SEGS_MAX segments. */
static bool
cut(struct str s, struct str *segs, size_t *n)
{
	s.p++, s.len--;
	for (*n = 0; s.p; (*n)++) {
		if (*n == SEGS_MAX)
			return false;
		s = str_cut(s, '/', &segs[*n]);
	}
	return true;
}

static void
compile(const char *pattern, struct pattern *out)
{
	struct str segs[SEGS_MAX], all = str_c(pattern);

	if (!str_starts(all, "/") || !cut(all, segs, &out->n)) {
		fprintf(stderr, "http: route pattern '%s' is not /seg/... of at most %d segments\n",
			pattern, SEGS_MAX);
		abort();
	}
	for (size_t i = 0; i < out->n; i++) {
		struct seg *g = &out->segs[i];

		g->s = segs[i];
		g->kind = 0;
		if (g->s.len && (g->s.p[0] == ':' || g->s.p[0] == '*')) {
			g->kind = g->s.p[0];
			g->s.p++, g->s.len--;
		}
		if (g->kind == '*' && i + 1 < out->n) {
			fprintf(stderr, "http: route pattern '%s': '*' ends a pattern\n", pattern);
			abort();
		}
	}
}

void
http_router_add(struct http_router *rt, const struct http_route *route)
{
	if (rt->n == rt->cap) {
		rt->cap = rt->cap ? rt->cap * 2 : 32;
		rt->routes = xrealloc(rt->routes, rt->cap * sizeof(*rt->routes));
		rt->patterns = xrealloc(rt->patterns, rt->cap * sizeof(*rt->patterns));
	}
	rt->routes[rt->n] = *route;
	rt->routes[rt->n].pattern = xstrdup(route->pattern);
	compile(rt->routes[rt->n].pattern, &rt->patterns[rt->n]);
	rt->n++;
}

/* Does `path` match `pat`?  With `r`, its parameters are added to r->params. */
static bool
match(const struct pattern *pat, const struct path *path, struct http_req *r)
{
	size_t n = pat->n;
	bool star = n && pat->segs[n - 1].kind == '*';

	if (star ? path->n < n - 1 : path->more || path->n != n)
		return false;
	for (size_t i = 0; i < n - star; i++) {
		const struct seg *g = &pat->segs[i];

		if (g->kind == ':' ? path->segs[i].len == 0 : !str_eq(g->s, path->segs[i]))
			return false;
	}
	for (size_t i = 0; r && i < n; i++) {
		const struct seg *g = &pat->segs[i];
		struct str v = path->segs[i];

		if (g->kind == '*')
			v = path->n >= n ? (struct str){v.p, (size_t)(path->end - v.p)}
					 : (struct str){"", 0};
		if (g->kind)
			http_kvs_add(&r->arena, &r->params, g->s,
				     (struct str){arena_strdup_str(&r->arena, v), v.len});
	}
	return true;
}

const struct http_route *
http_router_match(const struct http_router *rt, struct http_req *r, struct str path,
		  unsigned *allowed)
{
	struct path p = {.end = path.p + path.len};

	*allowed = 0;
	if (!str_starts(path, "/"))
		return NULL;
	p.more = !cut(path, p.segs, &p.n);
	for (size_t i = 0; i < rt->n; i++) {
		unsigned methods = rt->routes[i].methods;

		/* HEAD is answered wherever GET is. */
		if (methods & HTTP_GET)
			methods |= HTTP_HEAD;
		if (!(methods & r->method)) {
			if (match(&rt->patterns[i], &p, NULL))
				*allowed |= methods;
			continue;
		}
		if (match(&rt->patterns[i], &p, r))
			return &rt->routes[i];
	}
	return NULL;
}
