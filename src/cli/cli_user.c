/* SPDX-License-Identifier: EUPL-1.2 */
/* `rathaus user add`: staff accounts with a role in a tenant. */
#include "auth/auth.h"
#include "cli/cli.h"
#include "db/db.h"
#include "tenant/tenant.h"

#include <stdio.h>
#include <string.h>

#define PASSWORD_LINE_MAX 1100

/* One line from stdin without its newline; 0 or -1. */
static int
read_password(char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin))
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int
user_add_cmd(const struct config *cfg, const char *email, const char *name, const char *slug,
	     const char *role_name)
{
	char password[PASSWORD_LINE_MAX];
	struct db *db = NULL;
	struct tenant *t = NULL;
	struct arena a;
	struct err e = {0};
	enum auth_role role;
	int64_t id = 0;
	int rc;

	if (auth_role_parse(role_name, &role)) {
		fprintf(stderr,
			"rathaus user add: role '%s' unknown; use admin, editor or "
			"caseworker\n",
			role_name);
		return CLI_USAGE;
	}
	if (read_password(password, sizeof(password))) {
		fprintf(stderr, "rathaus user add: give the password on standard input\n");
		return CLI_USAGE;
	}
	if (auth_init() || cli_open_db(cfg, &db, 1))
		return CLI_FAIL;
	arena_init(&a);
	rc = tenant_find_by_slug(db, slug, &a, &t, &e);
	if (rc == ERR_NOTFOUND)
		fprintf(stderr, "rathaus user add: no tenant '%s'\n", slug);
	if (rc == 0) {
		rc = user_add(db, email, name, password, &id, &e);
		if (rc == 0)
			rc = user_grant(db, id, t, role, &e);
		if (rc)
			fprintf(stderr, "rathaus user add: %s\n", e.detail);
	}
	if (rc == 0)
		printf("user %s (id %lld) is %s of %s\n", email, (long long)id, role_name, slug);
	arena_release(&a);
	db_close(db);
	return rc ? CLI_FAIL : CLI_OK;
}

static int
run_user(int argc, char **argv, const struct config *cfg)
{
	const char *email = NULL, *name = NULL, *tenant = NULL, *role = "editor";

	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		fprintf(stderr, "rathaus user: expected 'add' (see --help)\n");
		return CLI_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--email") == 0    ? &email
				    : strcmp(argv[i], "--name") == 0   ? &name
				    : strcmp(argv[i], "--tenant") == 0 ? &tenant
				    : strcmp(argv[i], "--role") == 0   ? &role
								       : NULL;

		if (!slot || i + 1 == argc) {
			fprintf(stderr, "rathaus user add: bad argument '%s'\n", argv[i]);
			return CLI_USAGE;
		}
		*slot = argv[++i];
	}
	if (!email || !tenant) {
		fprintf(stderr, "rathaus user add: --email and --tenant are required\n");
		return CLI_USAGE;
	}
	return user_add_cmd(cfg, email, name ? name : email, tenant, role);
}

const struct cli_cmd cli_user = {
	"user",
	"manage staff users",
	"Usage: rathaus user add --email EMAIL --tenant SLUG [--name NAME]\n"
	"                        [--role admin|editor|caseworker] < password\n\n"
	"Create a staff user with a role (default: editor) in one tenant.  The\n"
	"password (12 to 1024 characters) is read from standard input, so it never\n"
	"shows in the process list; it is stored as an Argon2id hash.\n",
	run_user,
};
