/* SPDX-License-Identifier: EUPL-1.2 */
/* `rathaus demo` and `rathaus import`: loading real data, idempotently. */
#include "auth/auth.h"
#include "cli/cli.h"
#include "db/db.h"
#include "tenant/tenant.h"

#include <stdio.h>
#include <string.h>

#define DEMO_EMAIL "demo@rathaus.example"

static int
import_tenants(struct db *db, const char *path)
{
	struct err e = {0};
	int saved = 0, changed = 0;

	if (tenant_import_json(db, path, &saved, &changed, &e)) {
		fprintf(stderr, "rathaus import: %s\n", e.detail);
		return CLI_FAIL;
	}
	printf("tenants: %d read, %d new or changed, %d unchanged\n", saved, changed,
	       saved - changed);
	return CLI_OK;
}

/* A staff user for trying the staff pages, with a password shown once. */
static int
demo_user(struct db *db)
{
	struct arena a;
	struct err e = {0};
	struct tenant *ts = NULL;
	char password[AUTH_TOKEN_LEN + 1];
	size_t n = 0;
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
	if (rc) {
		fprintf(stderr, "rathaus demo: %s\n", e.detail);
		return CLI_FAIL;
	}
	arena_init(&a);
	rc = tenant_list(db, -1, &a, &ts, &n, &e);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = user_grant(db, id, &ts[i], ROLE_ADMIN, &e);
	arena_release(&a);
	if (rc) {
		fprintf(stderr, "rathaus demo: %s\n", e.detail);
		return CLI_FAIL;
	}
	printf("staff login for every demo tenant: %s, password %s\n", DEMO_EMAIL, password);
	return CLI_OK;
}

static int
run_demo(int argc, char **argv, const struct config *cfg)
{
	struct db *db = NULL;
	char path[CONFIG_STR_MAX + 64];
	int rc;

	if (argc > 1) {
		fprintf(stderr, "rathaus demo: unexpected argument '%s'\n", argv[1]);
		return CLI_USAGE;
	}
	if (cli_open_db(cfg, &db, 1))
		return CLI_FAIL;
	snprintf(path, sizeof(path), "%s/data/demo/tenants.json", cfg->share_dir);
	rc = import_tenants(db, path);
	if (rc == CLI_OK)
		rc = demo_user(db);
	db_close(db);
	return rc;
}

const struct cli_cmd cli_demo = {
	"demo",
	"load the demo tenants (Landkreis Lüneburg and members, Stadt Lünen)",
	"Usage: rathaus demo\n\n"
	"Migrate the database, then load the demo tenants from\n"
	"SHARE_DIR/data/demo/tenants.json: Landkreis Lüneburg as a portal network\n"
	"with its member municipalities, and Stadt Lünen, with their official\n"
	"regional keys and addresses.  Creates the staff user " DEMO_EMAIL " with a\n"
	"random password, printed once.  Safe to run again.\n",
	run_demo,
};

static int
run_import(int argc, char **argv, const struct config *cfg)
{
	struct db *db = NULL;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "rathaus import: expected KIND FILE (see --help)\n");
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "tenants") != 0) {
		fprintf(stderr, "rathaus import: unknown kind '%s'; known: tenants\n", argv[1]);
		return CLI_USAGE;
	}
	if (cli_open_db(cfg, &db, 1))
		return CLI_FAIL;
	rc = import_tenants(db, argv[2]);
	db_close(db);
	return rc;
}

const struct cli_cmd cli_import = {
	"import",
	"import data from a file (tenants)",
	"Usage: rathaus import KIND FILE\n\n"
	"Kinds:\n"
	"  tenants   a JSON file {\"tenants\": [...]} as data/demo/tenants.json:\n"
	"            slug, name, kind, ars, parent, theme, contact.  Existing\n"
	"            tenants (by slug) are updated; unchanged ones are left alone.\n\n"
	"Prints what was new, changed and unchanged.  All or nothing: one bad\n"
	"entry leaves the database as it was.\n",
	run_import,
};
