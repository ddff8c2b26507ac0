/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The router: a list of routes matched segment by segment in the order they
 * were added.  ":name" takes one non-empty segment, "*name" the rest of the
 * path (possibly empty).  A few dozen routes make a linear scan cheaper
 * than any tree.
 */
#include "http/http.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct http_router {
	struct http_route *routes;
	size_t n, cap;
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
	free(rt);
}

void
http_router_add(struct http_router *rt, const struct http_route *route)
{
	if (rt->n == rt->cap) {
		rt->cap = rt->cap ? rt->cap * 2 : 32;
		rt->routes = xrealloc(rt->routes, rt->cap * sizeof(*rt->routes));
	}
	rt->routes[rt->n] = *route;
	rt->routes[rt->n].pattern = xstrdup(route->pattern);
	rt->n++;
}

/* Next segment of `*s` (which starts after a '/'), advancing `*s`. */
static struct str
next_segment(struct str *s)
{
	struct str seg;

	*s = str_cut(*s, '/', &seg);
	return seg;
}

/* Match `path` against `pattern`; on success add parameters to r->params. */
static bool
match(struct http_req *r, const char *pattern, struct str path)
{
	struct str pat = str_c(pattern), ps, pp;
	struct http_kvs found = {0};

	if (!str_starts(pat, "/") || !str_starts(path, "/"))
		return false;
	pat.p++, pat.len--;
	path.p++, path.len--;
	for (;;) {
		ps = next_segment(&pat);
		if (ps.len && ps.p[0] == '*') {
			ps.p++, ps.len--;
			http_kvs_add(&r->arena, &found, ps, path);
			break;
		}
		if (!path.p)
			return false; /* pattern is longer than the path */
		pp = next_segment(&path);
		if (ps.len && ps.p[0] == ':') {
			if (pp.len == 0)
				return false;
			ps.p++, ps.len--;
			http_kvs_add(&r->arena, &found, ps,
				     (struct str){arena_strdup_str(&r->arena, pp), pp.len});
		} else if (!str_eq(ps, pp)) {
			return false;
		}
		if (!pat.p) {
			if (path.p)
				return false; /* path is longer than the pattern */
			break;
		}
	}
	for (size_t i = 0; i < found.n; i++) {
		struct str v = found.v[i].val;

		v.p = v.p ? arena_strdup_str(&r->arena, v) : "";
		http_kvs_add(&r->arena, &r->params, found.v[i].key, v);
	}
	return true;
}

const struct http_route *
http_router_match(const struct http_router *rt, struct http_req *r, struct str path,
		  unsigned *allowed)
{
	*allowed = 0;
	for (size_t i = 0; i < rt->n; i++) {
		const struct http_route *route = &rt->routes[i];
		unsigned methods = route->methods;

		/* HEAD is answered wherever GET is. */
		if (methods & HTTP_GET)
			methods |= HTTP_HEAD;
		if (!(methods & r->method)) {
			struct http_kvs saved = r->params;

			if (match(r, route->pattern, path))
				*allowed |= methods;
			r->params = saved;
			continue;
		}
		if (match(r, route->pattern, path))
			return route;
	}
	return NULL;
}
