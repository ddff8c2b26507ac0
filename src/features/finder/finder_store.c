/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The finder's inputs from storage: the place, the service, the
 * responsibilities by area that cover the place, which of the tenants that
 * could answer offer the service; then the responsible office.  Small
 * indexed queries; tenants come from the tenant cache.
 */
#include "features/finder/finder.h"

#include "core/civil.h"
#include "db/db.h"
#include "features/catalog/svc.h"
#include "features/offices/office.h"
#include "tenant/tenant.h"

#include <assert.h>
#include <string.h>
#include <time.h>

#define CANDIDATES_MAX 8 /* tenants whose offer is read: the place's areas and rules */

static void
read_service(struct db_stmt *st, struct arena *a, void *row)
{
	struct finder_service *s = row;

	db_cols_dup(st, 0, a, &s->leika, &s->title, &s->slug, &s->level);
}

static int
load_service(struct db *db, const char *leika, struct arena *a, struct finder_service *s,
	     struct err *e)
{
	static const char sql[] = "SELECT leika, title, slug, level FROM service WHERE leika = $1";
	int rc;

	if (!svc_leika_valid(leika))
		return err_set(e, ERR_NOTFOUND, "finder.unknown_service", "malformed leika");
	rc = db_get(db, e, sql, a, read_service, s, DB_TEXT(leika));
	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, "finder.unknown_service", "no service %s", leika);
	return rc;
}

/* Whether the 12-digit key `area` is the place `ars` or an area above it. */
static bool
above_or_at(const char *area, const char *ars)
{
	static const size_t lens[] = {12, 9, 5, 3, 2, 0};

	if (strlen(area) != REGION_ARS_LEN)
		return false;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		if (strncmp(area, ars, lens[i]) == 0 &&
		    strspn(area + lens[i], "0") == REGION_ARS_LEN - lens[i])
			return true;
	return false;
}

/* Offers read for the candidate tenants: v[i] and urls[i] for tenant i. */
struct offer_rows {
	struct arena *a;
	struct finder_tenant *v;
	const char **urls;
	size_t n;
};

static int
read_offer(struct db_stmt *st, void *ctx, struct err *e)
{
	struct offer_rows *r = ctx;
	int64_t id = db_col_int64(st, 0);

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].id == id) {
			r->v[i].offers = true;
			r->urls[i] = db_col_dup(st, 1, r->a);
		}
	return 0;
}

/*
 * All tenants from the cache; for those that could answer (an area of the
 * place, or named by a rule) whether they publish the service and its
 * online URL.  One query with at most CANDIDATES_MAX tenants.
 */
static int
load_tenants(struct db *db, struct tenant_cache *tc, const char *leika, const char *ars,
	     struct arena *a, struct finder_input *in, const struct tenant ***by,
	     const char ***urls, struct err *e)
{
	static const char sql[] = "SELECT tenant_id, online_url FROM tenant_service "
				  "WHERE leika = $1 AND status = 'published' "
				  "AND tenant_id IN ($2, $3, $4, $5, $6, $7, $8, $9)";
	static_assert(CANDIDATES_MAX == 8, "the query names eight candidates");
	const struct tenant *ts = NULL;
	struct offer_rows r = {.a = a};
	int64_t ids[CANDIDATES_MAX] = {0};
	size_t n = 0, nc = 0;
	int rc = tenant_cache_list(tc, db, -1, a, &ts, &n, e);

	if (rc)
		return rc;
	r.v = arena_calloc(a, n + 1, sizeof(*r.v));
	r.urls = arena_calloc(a, n + 1, sizeof(*r.urls));
	r.n = n;
	*by = arena_calloc(a, n + 1, sizeof(**by));
	*urls = r.urls;
	for (size_t i = 0; i < n; i++) {
		bool ruled = false;

		r.v[i].id = ts[i].id;
		r.v[i].ars = ts[i].ars;
		(*by)[i] = &ts[i];
		r.urls[i] = "";
		for (size_t k = 0; k < in->n_rules; k++)
			ruled |= in->rules[k].tenant_id == ts[i].id;
		if ((ruled || above_or_at(ts[i].ars, ars)) && nc < CANDIDATES_MAX)
			ids[nc++] = ts[i].id;
	}
	in->tenants = r.v;
	in->n_tenants = n;
	if (nc == 0)
		return 0;
	return db_each(db, e, sql, read_offer, &r, DB_TEXT(leika), DB_INT(ids[0]), DB_INT(ids[1]),
		       DB_INT(ids[2]), DB_INT(ids[3]), DB_INT(ids[4]), DB_INT(ids[5]),
		       DB_INT(ids[6]), DB_INT(ids[7]));
}

/* At most this many responsibilities are read for one place. */
#define RULES_MAX "64"

static void
read_rule(struct db_stmt *st, struct arena *a, void *row)
{
	struct finder_rule *x = row;

	x->area = db_col_dup(st, 0, a);
	x->tenant_id = db_col_int64(st, 1);
	db_cols_dup(st, 2, a, &x->office_slug, &x->online_url, &x->note);
	x->for_service = db_col_len(st, 5) > 0;
}

/* The responsibilities by area for this service or its level that cover the place. */
static int
load_rules(struct db *db, const char *leika, const char *level, const char *ars, struct arena *a,
	   struct finder_input *in, struct err *e)
{
	static const char sql[] =
		"SELECT ra.area, ra.tenant_id, COALESCE(o.slug, ''), ra.online_url, ra.note, "
		"ra.leika FROM responsibility_area ra LEFT JOIN office o ON o.id = ra.office_id "
		"WHERE (ra.leika = $1 OR (ra.leika = '' AND ra.level = $2)) "
		"AND ra.area IN ($3, $4, $5, $6, $7) LIMIT " RULES_MAX;
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(struct finder_rule), read_rule, &v, &in->n_rules,
			 DB_TEXT(leika), DB_TEXT(level[0] ? level : "gemeinde"),
			 DB_TEXT(arena_strndup(a, ars, 2)), DB_TEXT(arena_strndup(a, ars, 3)),
			 DB_TEXT(arena_strndup(a, ars, 5)), DB_TEXT(arena_strndup(a, ars, 9)),
			 DB_TEXT(arena_strndup(a, ars, 12)));

	in->rules = v;
	return rc;
}

static int
load_office(struct db *db, struct finder_answer *out, struct arena *a, struct err *e)
{
	const struct finder_rule *r = out->result.rule;
	struct civil_local now;
	int rc;

	if (r && r->office_slug[0]) {
		civil_local_at((int64_t)time(NULL), &now);
		rc = office_find(db, out->tenant, r->office_slug, now.days, a, &out->office, e);
	} else {
		rc = office_for_service(db, out->tenant, out->service.leika, a, &out->office, e);
	}
	if (rc == ERR_NOTFOUND) {
		out->office = NULL; /* a tenant without offices: its contact block serves */
		err_clear(e);
		rc = 0;
	}
	return rc;
}

int
finder_answer(struct db *db, struct tenant_cache *tc, struct finder_kb_cache *kc, const char *leika,
	      const char *ars, struct arena *a, struct finder_answer *out, struct err *e)
{
	struct finder_input in = {0};
	const struct tenant **by = NULL;
	const char **urls = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->online_url = "";
	rc = region_find(db, ars ? ars : "", a, &out->place, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "finder.unknown_place", "no place %s", ars);
	if (rc == 0)
		rc = load_service(db, leika ? leika : "", a, &out->service, e);
	if (rc == 0)
		rc = load_rules(db, out->service.leika, out->service.level, out->place->ars, a, &in,
				e);
	if (rc == 0)
		rc = finder_kb_lookup(kc, db, out->service.leika, out->place, a, &in, e);
	if (rc == 0)
		rc = load_tenants(db, tc, out->service.leika, out->place->ars, a, &in, &by, &urls,
				  e);
	if (rc)
		return rc;
	in.level = out->service.level;
	in.leika = out->service.leika;
	in.place = out->place;
	finder_resolve(&in, a, &out->result);
	if (out->result.authority)
		out->online_url = out->result.authority->online_url;
	if (out->result.kb && out->result.kb->online_url[0])
		out->online_url = out->result.kb->online_url;
	if (!out->result.tenant)
		return 0;
	out->tenant = by[out->result.tenant - in.tenants];
	if (urls[out->result.tenant - in.tenants][0])
		out->online_url = urls[out->result.tenant - in.tenants];
	if (out->result.rule && out->result.rule->online_url[0])
		out->online_url = out->result.rule->online_url;
	return load_office(db, out, a, e);
}
