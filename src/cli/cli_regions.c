/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `rathaus import regions` (timed), `rathaus import responsibility-rules`
 * and the demo's responsibilities by area: the demo tenants that the
 * knowledge base (data/responsibility/towns.csv, task "bau") lists as their
 * own building authority (Hansestadt Lüneburg, Lünen, Detmold, Espelkamp)
 * get a "Bauaufsicht" office at the town's address with illustrative hours,
 * like every demo office, and the building permits for their area.
 */
#include "cli/cli.h"

#include "core/clock.h"
#include "db/db.h"
#include "features/catalog/svc.h"
#include "features/finder/finder.h"
#include "features/offices/office.h"
#include "features/regions/region.h"
#include "tenant/tenant.h"

#include <stdio.h>
#include <time.h>

#define HM(h, m) ((h)*60 + (m))
#define BUILDING_PERMITS "99012008" /* LeiKa: Baugenehmigung and its variants */

int
cli_import_regions(struct db *db, const char *dir)
{
	struct region_import_stats st;
	struct err e = {0};
	int64_t t0 = clock_mono_us();

	if (region_import(db, dir, &st, &e))
		return cli_status(CLI_FAIL, "import", &e);
	printf("regions: %d Gemeinden, %d Kreise, %d postal codes (%d of merged municipalities "
	       "skipped) in %.2f s\n",
	       st.gemeinden, st.kreise, st.plz, st.plz_skipped,
	       (double)(clock_mono_us() - t0) / 1e6);
	return CLI_OK;
}

int
cli_demo_regions(struct db *db, const char *dir)
{
	struct err e = {0};
	int64_t n = 0;

	if (db_int64(db, &e, &n, "SELECT count(*) FROM region"))
		return cli_status(CLI_FAIL, "demo", &e);
	if (n == 0)
		return cli_import_regions(db, dir);
	printf("regions: %lld Gemeinden loaded already ('rathaus import regions' replaces them)\n",
	       (long long)n);
	return CLI_OK;
}

int
cli_import_responsibility(struct db *db, const char *dir)
{
	struct finder_kb_stats st;
	struct err e = {0};

	if (finder_kb_import(db, dir, &st, &e))
		return cli_status(CLI_FAIL, "import", &e);
	printf("responsibility rules: %d rules, %d authorities, %d towns\n", st.rules,
	       st.authorities, st.towns);
	return CLI_OK;
}

static const struct office_rule bauaufsicht_hours[] = {
	{2, HM(8, 30), HM(12, 0), ""},
	{4, HM(8, 30), HM(12, 0), ""},
	{4, HM(14, 0), HM(17, 0), ""},
};

/* Let `t` offer the building-permit services. */
static int
offer_permits(struct db *db, const struct tenant *t, struct err *e)
{
	static const char sql[] =
		"INSERT INTO tenant_service (tenant_id, leika, status, updated_at) "
		"SELECT $1, leika, 'published', $2 FROM service WHERE leika LIKE '" BUILDING_PERMITS
		"%' ON CONFLICT DO NOTHING";

	return db_run(db, e, sql, DB_INT(t->id), DB_INT((int64_t)time(NULL)));
}

/* For the town's own area, its office `office_id` handles the building permits. */
static int
permit_rules(struct db *db, const struct tenant *t, int64_t office_id, const char *note,
	     struct err *e)
{
	static const char sql[] =
		"INSERT INTO responsibility_area (area, leika, level, tenant_id, office_id, note) "
		"SELECT $1, leika, '', $2, $3, $4 FROM service WHERE leika LIKE '" BUILDING_PERMITS
		"%' ON CONFLICT DO NOTHING";

	return db_run(db, e, sql, DB_TEXT(t->ars), DB_INT(t->id), DB_INT(office_id), DB_TEXT(note));
}

static int
own_authority(struct db *db, const struct tenant *t, const char *note, int *rules, struct err *e)
{
	static const char *const claim[] = {BUILDING_PERMITS};
	struct office o;
	bool changed = false;
	int added = 0, rc;

	cli_demo_office_init(&o, t, "bauaufsicht", "Bauaufsicht",
			     "Beispielangabe (Demo): Zugang über den Haupteingang, Aufzug.");
	o.hours.rules = bauaufsicht_hours;
	o.hours.n_rules = sizeof(bauaufsicht_hours) / sizeof(bauaufsicht_hours[0]);
	rc = office_save(db, t, &o, &changed, e);
	if (rc == 0)
		rc = offer_permits(db, t, e);
	if (rc == 0)
		rc = office_claim_services(db, t, o.id, claim, 1, &added, e);
	if (rc == 0)
		rc = permit_rules(db, t, o.id, note, e);
	if (rc == 0)
		rc = svc_refresh_topics(db, t, e);
	*rules += added;
	return rc;
}

/* The demo tenants that are their own building authority, with the reason. */
struct town_list {
	struct arena *a;
	const char *slug[16], *note[16];
	size_t n;
};

static int
read_town(struct db_stmt *st, void *ctx, struct err *e)
{
	struct town_list *l = ctx;

	if (l->n < sizeof(l->slug) / sizeof(l->slug[0])) {
		db_cols_dup(st, 0, l->a, &l->slug[l->n], &l->note[l->n++]);
	}
	return 0;
}

int
cli_demo_responsibilities(struct db *db)
{
	static const char sql[] = "SELECT t.slug, rt.note FROM responsibility_town rt "
				  "JOIN tenant t ON t.ars = rt.ars WHERE rt.task = 'bau' "
				  "ORDER BY t.slug";
	struct arena a;
	struct err e = {0};
	struct town_list l = {.a = &a};
	int rc, assigned = 0;
	size_t n = 0;

	arena_init(&a);
	rc = db_each_args(db, &e, sql, read_town, &l, NULL, 0);
	if (rc == 0 && (rc = db_begin(db, &e)) == 0) {
		for (size_t i = 0; rc == 0 && i < l.n; i++) {
			struct tenant *t = NULL;

			rc = tenant_find_by_slug(db, l.slug[i], &a, &t, &e);
			if (rc == 0)
				rc = own_authority(db, t, l.note[i], &assigned, &e);
			n += rc == 0;
		}
		rc = db_end(db, rc, &e);
	}
	arena_release(&a);
	if (rc)
		return cli_status(CLI_FAIL, "demo", &e);
	printf("responsibilities: %zu towns are their own building authority, %d services "
	       "newly assigned\n",
	       n, assigned);
	return CLI_OK;
}
