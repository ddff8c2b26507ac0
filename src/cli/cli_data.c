/* SPDX-License-Identifier: EUPL-1.2 */
/* `rathaus demo` and `rathaus import`: loading real data, idempotently. */
#include "auth/auth.h"
#include "cli/cli.h"
#include "db/db.h"
#include "features/appointments/appt.h"
#include "features/catalog/svc.h"
#include "features/courses/courses.h"
#include "features/events/events.h"
#include "features/news/news.h"
#include "features/reports/reports.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEMO_EMAIL "demo@rathaus.example"

static int
import_tenants(struct db *db, const char *path)
{
	struct err e = {0};
	int saved = 0, changed = 0;

	if (tenant_import_json(db, path, &saved, &changed, &e))
		return cli_status(CLI_FAIL, "import", &e);
	printf("tenants: %d read, %d new or changed, %d unchanged\n", saved, changed,
	       saved - changed);
	return CLI_OK;
}

/*
 * Fresh statistics after a bulk load, so the planners read a page of a list
 * in title order from its index instead of sorting the tenant's services.
 */
static int
analyze(struct db *db)
{
	struct err e = {0};

	return cli_status(db_exec(db, "ANALYZE", &e), "ANALYZE", &e);
}

/* The taxonomy may have moved services between topics: recount a tenant's. */
static int
refresh_topics(struct db *db, const struct tenant *t, void *arg, struct err *e)
{
	(void)arg;
	return svc_refresh_topics(db, t, e);
}

static int
import_leika(struct db *db, const char *dir)
{
	struct svc_import_stats st;
	struct err e = {0};

	if (svc_import_leika(db, dir, &st, &e) ||
	    cli_each_tenant(db, refresh_topics, NULL, NULL, &e))
		return cli_status(CLI_FAIL, "import", &e);
	printf("catalogue: %d Themenfelder, %d Lagen, %d OZG-Leistungen\n", st.themenfelder,
	       st.lagen, st.ozg_leistungen);
	printf("services: %d read, %d new or changed, %d unchanged (%d rows without a LeiKa key "
	       "skipped)\n",
	       st.added + st.changed + st.unchanged, st.added + st.changed, st.unchanged,
	       st.skipped);
	return CLI_OK;
}

static int
import_descriptions(struct db *db, const char *path)
{
	struct svc_import_stats st;
	struct err e = {0};

	if (svc_import_descriptions(db, path, &st, &e))
		return cli_status(CLI_FAIL, "import", &e);
	printf("descriptions: %d read, %d new or changed, %d unchanged\n",
	       st.added + st.changed + st.unchanged, st.added + st.changed, st.unchanged);
	if (st.skipped)
		printf("descriptions: %d skipped: their LeiKa key is not in the catalogue "
		       "(import leika first)\n",
		       st.skipped);
	return CLI_OK;
}

static int
export_descriptions(struct db *db, const char *path)
{
	struct err e = {0};
	int n = 0;

	if (svc_export_descriptions(db, path, &n, &e))
		return cli_status(CLI_FAIL, "import", &e);
	printf("descriptions: %d written to %s\n", n, path);
	return CLI_OK;
}

/* Municipalities offer their own services, districts and networks the Kreis's. */
static const char *
demo_levels(enum tenant_kind k)
{
	switch (k) {
	case TENANT_GEMEINDE:
	case TENANT_STADT:
	case TENANT_SAMTGEMEINDE:
		return "gemeinde,land,bund";
	case TENANT_KREIS:
	case TENANT_NETWORK:
		return "kreis,land,bund";
	case TENANT_LAND:
		return "land,bund";
	}
	return "bund";
}

/* Let a tenant offer the services of its levels; *arg counts the newly offered. */
static int
offer_levels(struct db *db, const struct tenant *t, void *arg, struct err *e)
{
	int added = 0, rc = svc_offer_levels(db, t, demo_levels(t->kind), &added, e);

	*(int *)arg += added;
	return rc;
}

static int
demo_offers(struct db *db)
{
	struct err e = {0};
	size_t n = 0;
	int total = 0;

	if (cli_each_tenant(db, offer_levels, &total, &n, &e))
		return cli_status(CLI_FAIL, "demo", &e);
	printf("offers: %zu tenants, %d services newly offered\n", n, total);
	return CLI_OK;
}

/* Make the user *arg an administrator of a tenant. */
static int
grant_admin(struct db *db, const struct tenant *t, void *arg, struct err *e)
{
	return user_grant(db, *(int64_t *)arg, t, ROLE_ADMIN, e);
}

/* A staff user for trying the staff pages, with a password shown once. */
static int
demo_user(struct db *db)
{
	struct err e = {0};
	char password[AUTH_TOKEN_LEN + 1];
	int64_t id = 0;
	int rc;

	auth_token(password);
	rc = user_add(db, DEMO_EMAIL, "Demo-Redaktion", password, &id, &e);
	if (rc == ERR_CONFLICT) {
		printf("staff user %s exists already (its password was shown when it was made;\n"
		       "add another with 'rathaus user add')\n",
		       DEMO_EMAIL);
		return CLI_OK;
	}
	if (rc == 0)
		rc = cli_each_tenant(db, grant_admin, &id, NULL, &e);
	if (rc)
		return cli_status(CLI_FAIL, "demo", &e);
	printf("staff login for every demo tenant: %s, password %s\n", DEMO_EMAIL, password);
	return CLI_OK;
}

/* A demo loader for tenant Lünen, with a path below SHARE_DIR or NULL. */
typedef int luenen_fn(struct db *db, const struct tenant *t, const char *path, struct err *e);

/* Run `load` for Lünen; without that tenant there is nothing to do. */
static int
for_luenen(struct db *db, luenen_fn *load, const char *path)
{
	struct err e = {0};
	struct arena a;
	struct tenant *t = NULL;
	int rc;

	arena_init(&a);
	rc = tenant_find_by_slug(db, "luenen", &a, &t, &e);
	if (rc == 0)
		rc = load(db, t, path, &e);
	arena_release(&a);
	return cli_status(rc == ERR_NOTFOUND ? 0 : rc, "demo", &e);
}

/* Appointment booking at Lünen's Bürgerbüro. */
static int
appointments(struct db *db, const struct tenant *t, const char *path, struct err *e)
{
	(void)path;
	return appt_demo_load(db, t, e);
}

/* Lünen's event calendar, dated from now. */
static int
events(struct db *db, const struct tenant *t, const char *path, struct err *e)
{
	(void)path;
	return ev_demo_load(db, t, (int64_t)time(NULL), e);
}

/* Lünen's courses, dated from now. */
static int
courses(struct db *db, const struct tenant *t, const char *path, struct err *e)
{
	(void)path;
	return crs_demo_load(db, t, (int64_t)time(NULL), e);
}

/* Landkreis Lüneburg's network hands defect reports to Hansestadt Lüneburg. */
static int
reports_network(struct db *db)
{
	struct err e = {0};

	return cli_status(rp_demo_network(db, (int64_t)time(NULL), &e), "demo", &e);
}

/* Lünen's defect reports, dated back from now. */
static int
reports(struct db *db, const struct tenant *t, const char *path, struct err *e)
{
	char key[44];
	bool issued = false;
	int rc = rp_demo_load(db, t, (int64_t)time(NULL), e);

	(void)path;
	rc = rc ? rc : rp_demo_key(db, t, (int64_t)time(NULL), key, &issued, e);
	if (rc == 0 && issued)
		printf("Open311 API key of %s (client Demo-App, revoke it under "
		       "/verwaltung/maengel/schluessel): %s\n",
		       t->slug, key);
	return rc;
}

/*
 * One step of the demo: a loader of a file or folder below SHARE_DIR (or of
 * nothing when `path` is NULL), for the installation or for Lünen.
 */
struct demo_step {
	const char *path;
	int (*load_path)(struct db *db, const char *path);
	int (*load)(struct db *db);
	luenen_fn *luenen;
};

static const struct demo_step demo_steps[] = {
	{"data/demo/tenants.json", import_tenants, NULL, NULL},
	{"data/leika", import_leika, NULL, NULL},
	{"data/services/descriptions.json", import_descriptions, NULL, NULL},
	{NULL, NULL, demo_offers, NULL},
	{"data/feiertage/feiertage_de_laender.csv", cli_import_holidays, NULL, NULL},
	{NULL, NULL, cli_demo_offices, NULL},
	{NULL, NULL, NULL, appointments},
	{"data/demo/news/luenen.json", NULL, NULL, news_demo_load},
	{NULL, NULL, NULL, events},
	{NULL, NULL, NULL, courses},
	{NULL, NULL, NULL, reports},
	{NULL, NULL, reports_network, NULL},
	{"data/regions", cli_demo_regions, NULL, NULL},
	{"data/responsibility", cli_import_responsibility, NULL, NULL},
	{NULL, NULL, cli_demo_responsibilities, NULL},
	{"data/demo/forms", cli_demo_forms, NULL, NULL},
	{NULL, NULL, demo_user, NULL},
	{NULL, NULL, analyze, NULL},
};

static int
run_step(struct db *db, const struct demo_step *d, const char *share_dir)
{
	char path[CONFIG_STR_MAX + 64];

	if (d->path)
		snprintf(path, sizeof(path), "%s/%s", share_dir, d->path);
	if (d->luenen)
		return for_luenen(db, d->luenen, d->path ? path : NULL);
	return d->path ? d->load_path(db, path) : d->load(db);
}

static int
run_demo(int argc, char **argv, const struct config *cfg)
{
	struct db *db = NULL;
	int rc = CLI_OK;

	if (argc > 1) {
		fprintf(stderr, "rathaus demo: unexpected argument '%s'\n", argv[1]);
		return CLI_USAGE;
	}
	if (cli_open_db(cfg, &db, 1))
		return CLI_FAIL;
	for (size_t i = 0; rc == CLI_OK && i < sizeof(demo_steps) / sizeof(demo_steps[0]); i++)
		rc = run_step(db, &demo_steps[i], cfg->share_dir);
	db_close(db);
	return rc;
}

const struct cli_cmd cli_demo = {
	"demo",
	"load the demo tenants, the service catalogue and its descriptions",
	"Usage: rathaus demo\n\n"
	"Migrate the database, then load the demo tenants from\n"
	"SHARE_DIR/data/demo/tenants.json: Landkreis Lüneburg as a portal network\n"
	"with its member municipalities, and Stadt Lünen, with their official\n"
	"regional keys and addresses.  Imports the service catalogue from\n"
	"SHARE_DIR/data/leika and the descriptions from\n"
	"SHARE_DIR/data/services/descriptions.json, and lets every tenant offer\n"
	"the services of its levels: municipalities gemeinde, land and bund,\n"
	"the Landkreis kreis, land and bund.  Loads the public holidays from\n"
	"SHARE_DIR/data/feiertage and gives every tenant demo offices with\n"
	"illustrative opening hours at its address (municipalities: Bürgerbüro\n"
	"and Standesamt; the Landkreis: Zulassungsstelle and Kreishaus).\n"
	"Loads the regions from SHARE_DIR/data/regions (unless loaded) and the\n"
	"responsibility rules from SHARE_DIR/data/responsibility and the demo\n"
	"responsibilities by area (building permits of the towns that data lists\n"
	"as their own building authority).\n"
	"Creates the staff user " DEMO_EMAIL "\n"
	"with a random password, printed once.  Safe to run again.\n",
	run_demo,
};

static int
run_import(int argc, char **argv, const struct config *cfg)
{
	struct db *db = NULL;
	bool is_export = argc == 4 && strcmp(argv[1], "--export") == 0;
	bool is_regions = (argc == 2 || argc == 3) && strcmp(argv[1], "regions") == 0;
	bool is_rules = (argc == 2 || argc == 3) && strcmp(argv[1], "responsibility-rules") == 0;
	char dir[CONFIG_STR_MAX + 32];
	bool is_synonyms =
		argc == 5 && strcmp(argv[1], "synonyms") == 0 && strcmp(argv[3], "--tenant") == 0;
	const char *kind, *path;
	int rc;

	if (is_synonyms) {
		if (cli_open_db(cfg, &db, 1))
			return CLI_FAIL;
		rc = cli_import_synonyms(db, argv[2], argv[4]);
		db_close(db);
		return rc;
	}
	if (is_regions || is_rules) {
		snprintf(dir, sizeof(dir), "%s/data/%s", cfg->share_dir,
			 is_rules ? "responsibility" : "regions");
		if (cli_open_db(cfg, &db, 1))
			return CLI_FAIL;
		rc = (is_rules ? cli_import_responsibility
			       : cli_import_regions)(db, argc == 3 ? argv[2] : dir);
		if (rc == CLI_OK)
			rc = analyze(db);
		db_close(db);
		return rc;
	}
	if (argc != 3 && !is_export) {
		fprintf(stderr, "rathaus import: expected KIND PATH, synonyms FILE --tenant SLUG "
				"or --export services FILE (see --help)\n");
		return CLI_USAGE;
	}
	kind = argv[is_export ? 2 : 1];
	path = argv[is_export ? 3 : 2];
	if (is_export ? strcmp(kind, "services") != 0
		      : strcmp(kind, "tenants") != 0 && strcmp(kind, "leika") != 0 &&
				strcmp(kind, "services") != 0 && strcmp(kind, "holidays") != 0) {
		fprintf(stderr, "rathaus import: unknown kind '%s'; known: %s\n", kind,
			is_export ? "services"
				  : "tenants, leika, services, holidays, regions, "
				    "responsibility-rules, synonyms");
		return CLI_USAGE;
	}
	if (cli_open_db(cfg, &db, 1))
		return CLI_FAIL;
	if (is_export)
		rc = export_descriptions(db, path);
	else if (strcmp(kind, "tenants") == 0)
		rc = import_tenants(db, path);
	else if (strcmp(kind, "leika") == 0)
		rc = import_leika(db, path);
	else if (strcmp(kind, "holidays") == 0)
		rc = cli_import_holidays(db, path);
	else
		rc = import_descriptions(db, path);
	if (rc == CLI_OK && !is_export)
		rc = analyze(db);
	db_close(db);
	return rc;
}

const struct cli_cmd cli_import = {
	"import",
	"import data from files (tenants, leika catalogue, services, holidays, regions, synonyms)",
	"Usage: rathaus import KIND PATH\n"
	"       rathaus import regions [DIR]\n"
	"       rathaus import responsibility-rules [DIR]\n"
	"       rathaus import synonyms FILE --tenant SLUG\n"
	"       rathaus import --export services FILE\n\n"
	"Kinds:\n"
	"  tenants   a JSON file {\"tenants\": [...]} as data/demo/tenants.json:\n"
	"            slug, name, kind, ars, parent, theme, contact.  Existing\n"
	"            tenants (by slug) are updated; unchanged ones are left alone.\n"
	"  leika     a directory as data/leika/: the OZG Themenfelder, Lagen and\n"
	"            OZG-Leistungen and the LeiKa services (CSV), with\n"
	"            kreis_groups.csv deciding which municipal services the Kreis\n"
	"            executes.  Titles, levels and legal bases set by descriptions\n"
	"            are kept.\n"
	"  services  a JSON file of service descriptions as\n"
	"            data/services/descriptions.json: titles, synonyms, text\n"
	"            modules, legal basis, sources, level.  Import leika first;\n"
	"            entries for unknown services are skipped.\n"
	"  holidays  a CSV file of public holidays per Land as\n"
	"            data/feiertage/feiertage_de_laender.csv (datum, land,\n"
	"            teilgebiet, name); offices close on their Land's holidays.\n"
	"  regions   a directory as data/regions/ (the default): every Gemeinde\n"
	"            with its ARS, Gemeindeverband, Kreis and Land (gemeinden.csv,\n"
	"            kreise.csv) and the postal codes (plz_gemeinde.csv), for the\n"
	"            responsibility finder.  Replaces the stored regions; prints\n"
	"            the time taken.\n"
	"  responsibility-rules  a directory as data/responsibility/ (the\n"
	"            default): Land and federal authorities, rules per service\n"
	"            and Land, towns that do a Kreis task themselves (CSV, each\n"
	"            row with its source).  Replaces the stored rules.\n\n"
	"  synonyms  a TSV file of the tenant's own search synonyms, lines\n"
	"            term<TAB>word[,word...] ('#' comments): what citizens type\n"
	"            and the catalogue's words for it.  Replaces the tenant's\n"
	"            earlier ones; data/search/synonyms.tsv applies to everyone.\n\n"
	"--export services FILE writes the stored descriptions to FILE in the\n"
	"format `import services` reads.\n\n"
	"Prints what was new, changed and unchanged.  All or nothing: one bad\n"
	"entry leaves the database as it was.\n",
	run_import,
};
