/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The registered editorial kinds and their pages.  Kinds are registered at
 * start-up, before any request, and only read afterwards.  Every kind gets
 * the same routes below /verwaltung<path>; the handlers find the kind again
 * from the request's path.
 */
#include "features/editor/ed_int.h"

#include <stdio.h>
#include <string.h>

#define KINDS_MAX 16

static const struct ed_kind *kinds[KINDS_MAX];
static size_t kinds_n;

const char *const ed_states[] = {"draft", "review", "scheduled", "published", NULL};

const struct ed_kind *
ed_kind_of(const char *name)
{
	for (size_t i = 0; i < kinds_n; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

const struct ed_kind *
ed_kind_of_request(struct rq *q)
{
	static const char prefix[] = "/verwaltung";
	const char *rest = q->path;
	size_t n;

	if (strncmp(rest, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	rest += sizeof(prefix) - 1;
	n = strcspn(rest + (rest[0] == '/'), "/") + (rest[0] == '/');
	for (size_t i = 0; i < kinds_n; i++)
		if (strlen(kinds[i]->path) == n && strncmp(kinds[i]->path, rest, n) == 0)
			return kinds[i];
	return NULL;
}

/* Run page `fn` for the kind of the request's path. */
static void
with_kind(struct rq *q, void (*fn)(struct rq *q, const struct ed_kind *k))
{
	const struct ed_kind *k = ed_kind_of_request(q);

	if (k)
		fn(q, k);
	else
		rq_error(q, 404, NULL);
}

static void
edit_get(struct rq *q)
{
	with_kind(q, ed_edit_get);
}

static void
edit_post(struct rq *q)
{
	with_kind(q, ed_edit_post);
}

static void
history_get(struct rq *q)
{
	with_kind(q, ed_history_get);
}

static void
history_post(struct rq *q)
{
	with_kind(q, ed_history_post);
}

/* Add `k` to the process's kinds; a kind already there (a second app) is kept once. */
static int
remember(const struct ed_kind *k, struct err *e)
{
	for (size_t i = 0; i < kinds_n; i++) {
		if (kinds[i] == k)
			return 0;
		if (strcmp(kinds[i]->name, k->name) == 0 || strcmp(kinds[i]->path, k->path) == 0)
			return err_set(e, ERR_INVALID, NULL, "editorial kind %s registered twice",
				       k->name);
	}
	if (kinds_n == KINDS_MAX)
		return err_set(e, ERR_INVALID, NULL, "more than %d editorial kinds", KINDS_MAX);
	kinds[kinds_n++] = k;
	return 0;
}

int
ed_kind_register(struct app *app, const struct ed_kind *k, struct err *e)
{
	char base[128], one[160], versions[176];
	int rc = remember(k, e);

	if (rc)
		return rc;
	/* The router keeps copies of the patterns. */
	snprintf(base, sizeof(base), "/verwaltung%s", k->path);
	snprintf(one, sizeof(one), "%s/:key", base);
	snprintf(versions, sizeof(versions), "%s/:key/versionen", base);
	app_route(app, HTTP_GET, base, k->list, ROUTE_STAFF, 0);
	if (k->list_post)
		app_route(app, HTTP_POST, base, k->list_post, ROUTE_STAFF, 4096);
	app_route(app, HTTP_GET, one, edit_get, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, one, edit_post, ROUTE_STAFF, k->body_limit);
	app_route(app, HTTP_GET, versions, history_get, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, versions, history_post, ROUTE_STAFF, 4096);
	return 0;
}

/* The dashboard sections of every kind. */
int
ed_kinds_dashboard(struct rq *q)
{
	for (size_t i = 0; i < kinds_n; i++) {
		int rc = kinds[i]->dashboard ? kinds[i]->dashboard(q) : 0;

		if (rc)
			return rc;
	}
	return 0;
}

/* "CASE r.kind WHEN 'a' THEN (title a) ... END": the title of revision r's subject. */
const char *
ed_kinds_title_sql(struct arena *a)
{
	const char *sql = "CASE r.kind";

	for (size_t i = 0; i < kinds_n; i++)
		sql = arena_printf(a, "%s WHEN '%s' THEN %s", sql, kinds[i]->name,
				   kinds[i]->title_sql);
	return arena_printf(a, "%s ELSE NULL END", sql);
}
