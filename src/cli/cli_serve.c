/* SPDX-License-Identifier: EUPL-1.2 */
/* `rathaus serve`, `rathaus migrate` and `rathaus check-config`. */
#include "app/app.h"
#include "cli/cli.h"
#include "core/log.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
serve(struct app *app, struct db *db, void *arg, struct err *e)
{
	return app_serve(app, e);
}

static int
run_serve(int argc, char **argv, const struct config *cfg)
{
	struct config c = *cfg;
	struct err e = {0};
	struct db *db = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			if (config_set(&c, "listen", argv[++i], &e)) {
				fprintf(stderr, "rathaus serve: %s\n", e.detail);
				return CLI_USAGE;
			}
		} else {
			fprintf(stderr, "rathaus serve: unknown argument '%s' (see --help)\n",
				argv[i]);
			return CLI_USAGE;
		}
	}
	/* Refuse to serve a schema older than this binary expects. */
	if (cli_open_db(&c, &db, 0))
		return CLI_FAIL;
	db_close(db);
	return cli_app_run(&c, false, "serve", serve, NULL);
}

const struct cli_cmd cli_serve = {
	"serve",
	"serve the portal over HTTP",
	"Usage: rathaus serve [--listen HOST:PORT]\n\n"
	"Serve all tenants on HOST:PORT (setting 'listen', RATHAUS_LISTEN; default\n"
	"127.0.0.1:8080) until SIGTERM or SIGINT; requests in flight then finish.\n"
	"Run 'rathaus migrate' first.  One access-log line per request goes to stderr.\n",
	run_serve,
};

static int
run_migrate(int argc, char **argv, const struct config *cfg)
{
	struct db *db = NULL;
	char shown[CONFIG_STR_MAX + 8];

	if (argc > 1) {
		fprintf(stderr, "rathaus migrate: unexpected argument '%s'\n", argv[1]);
		return CLI_USAGE;
	}
	if (cli_open_db(cfg, &db, 1))
		return CLI_FAIL;
	printf("database '%s' is up to date\n", config_masked_url(cfg->db, shown, sizeof(shown)));
	db_close(db);
	return CLI_OK;
}

const struct cli_cmd cli_migrate = {
	"migrate",
	"create or update the database schema",
	"Usage: rathaus migrate\n\n"
	"Apply the migrations in SHARE_DIR/migrations that the database has not\n"
	"seen yet, each in its own transaction.  Safe to run again; with\n"
	"PostgreSQL, safe to run from several instances at once.\n",
	run_migrate,
};

static int
run_check_config(int argc, char **argv, const struct config *cfg)
{
	struct db *db = NULL;
	struct err e = {0};
	char path[CONFIG_STR_MAX + 32], shown[CONFIG_STR_MAX + 8];
	int bad = 0;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "rathaus check-config: unexpected argument\n");
		return CLI_USAGE;
	}
	config_print(cfg, STDOUT_FILENO);
	snprintf(path, sizeof(path), "%s/templates/layout.html", cfg->share_dir);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "check-config: share_dir '%s' has no templates/\n", cfg->share_dir);
		bad = 1;
	}
	if (db_open(cfg->db, &db, &e) != 0 || db_ping(db, &e) != 0) {
		fprintf(stderr, "check-config: database '%s': %s\n",
			config_masked_url(cfg->db, shown, sizeof(shown)), e.detail);
		bad = 1;
	}
	db_close(db);
	if (!bad)
		printf("# configuration ok\n");
	return bad ? CLI_FAIL : CLI_OK;
}

const struct cli_cmd cli_check_config = {
	"check-config",
	"print the settings and check the database",
	"Usage: rathaus check-config\n\n"
	"Print every setting as the other commands see it (defaults, --config\n"
	"file, RATHAUS_* variables), then check that the templates are there and\n"
	"that the database answers.  Exit 1 when a check fails.\n",
	run_check_config,
};
