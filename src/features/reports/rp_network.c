/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Where a report of the form goes: to an office of the tenant, or, on a
 * portal network, to the member in charge of the place.  A row of
 * report_route may name an office of a member; without such a row the
 * network hands the report to the member whose area holds the postal code
 * (the most specific one), when that member takes defect reports in the
 * same category (by code).  The member stores it under its own number,
 * routes it by its own table, and its staff handle it; the citizen's
 * tracking link points to the member's portal.  Anything else stays with
 * the tenant the form belongs to.
 */
#include "features/reports/rp_int.h"

#include "db/db.h"
#include "features/regions/region.h"

#include <string.h>

#define PLZ_ARS_MAX 16

size_t
rp_area_prefix(const char *ars)
{
	if (strlen(ars) != REGION_ARS_LEN)
		return 0;
	if (strcmp(ars + 5, "0000000") == 0)
		return 5;
	if (strcmp(ars + 9, "000") == 0)
		return 9;
	return REGION_ARS_LEN;
}

const struct tenant *
rp_tenant_covering(const struct tenant *ts, size_t n, const char *const *ars, size_t n_ars,
		   bool (*ok)(const struct tenant *))
{
	const struct tenant *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = rp_area_prefix(ts[i].ars);

		if (ok && !ok(&ts[i]))
			continue;
		for (size_t k = 0; len > best_len && k < n_ars; k++)
			if (strncmp(ars[k], ts[i].ars, len) == 0)
				best = &ts[i], best_len = len;
	}
	return best;
}

/* Member `m` of the request's tenant as the target, with its category of the same code. */
static int
to_member(struct rq *q, const struct tenant *m, const struct rp_category *cat,
	  struct rp_target *out)
{
	struct rp_category *mc;
	int rc = rp_category_find(q->db, m, cat->code, q->a, &mc, &q->err);

	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc == 0) {
		out->t = m;
		out->cat = mc;
	}
	return rc;
}

/* The member of the request's tenant with id `id` that takes reports, or NULL. */
static const struct tenant *
member_by_id(const struct tenant *ts, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ts[i].id == id && rp_enabled(&ts[i]))
			return &ts[i];
	return NULL;
}

int
rp_target_find(struct rq *q, const struct rp_category *cat, const char *plz, const char *place,
	       struct rp_target *out)
{
	const struct tenant *members = NULL, *m;
	const char *ars[PLZ_ARS_MAX];
	size_t n = 0, n_ars = 0;
	int64_t office = 0, office_tenant = 0;
	int rc;

	*out = (struct rp_target){q->tenant, cat, 0};
	rc = rp_route(q->db, q->tenant, cat->id, plz, place, &office, &q->err);
	if (rc == 0 && office)
		rc = db_int64(q->db, &q->err, &office_tenant,
			      "SELECT tenant_id FROM office WHERE id = $1", DB_INT(office));
	if (rc || office_tenant == q->tenant->id) {
		out->office = office;
		return rc;
	}
	rc = tenant_cache_list(q->app->tenants, q->db, q->tenant->id, q->a, &members, &n, &q->err);
	if (rc || n == 0)
		return rc;
	if (office) { /* a route to an office of a member */
		m = member_by_id(members, n, office_tenant);
		rc = m ? to_member(q, m, cat, out) : 0;
		if (rc == 0 && out->t != q->tenant)
			out->office = office;
		return rc;
	}
	if (!plz[0])
		return 0;
	rc = rp_plz_areas(q->db, plz, q->a, ars, PLZ_ARS_MAX, &n_ars, &q->err);
	m = rc ? NULL : rp_tenant_covering(members, n, ars, n_ars, rp_enabled);
	if (m)
		rc = to_member(q, m, cat, out);
	if (rc == 0 && out->t != q->tenant)
		rc = rp_route(q->db, out->t, out->cat->id, plz, place, &out->office, &q->err);
	return rc;
}
