/* SPDX-License-Identifier: EUPL-1.2 */
/* Dispatch of `rathaus [--config FILE] COMMAND ...`, global help and version. */
#include "cli/cli.h"

#include "app/app.h"
#include "core/log.h"
#include "core/seal.h"
#include "db/db.h"
#include "tenant/tenant.h"

#include <stdio.h>
#include <string.h>

static const struct cli_cmd *const commands[] = {
	&cli_serve,  &cli_migrate,     &cli_demo,	  &cli_import, &cli_user,
	&cli_backup, &cli_search_eval, &cli_check_config, &cli_jobs,   &cli_mail,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fprintf(f, "Usage: rathaus [--config FILE] COMMAND [ARGS]\n\n"
		   "Rathaus, the municipal service portal.\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-13s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nSettings come from built-in defaults, then the file given by --config or\n"
		   "RATHAUS_CONFIG (lines of 'key = value'), then RATHAUS_<KEY> variables:\n"
		   "  RATHAUS_DB        sqlite:PATH or postgresql://USER@HOST:PORT/DB\n"
		   "  RATHAUS_LISTEN    HOST:PORT to serve on (default 127.0.0.1:8080)\n"
		   "  RATHAUS_DATA_DIR  directory for uploads and other files\n"
		   "Run 'rathaus check-config' to see every setting.\n"
		   "Run 'rathaus COMMAND --help' for the options of a command.\n");
}

int
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int
cli_status(int rc, const char *what, const struct err *e)
{
	if (rc == 0)
		return CLI_OK;
	fprintf(stderr, "rathaus %s: %s\n", what, e->detail);
	return CLI_FAIL;
}

int
cli_app_run(const struct config *cfg, bool with_db, const char *what, cli_app_fn *fn, void *arg)
{
	struct app app;
	struct db *db = NULL;
	struct err e = {0};
	int rc = app_init(&app, cfg, true, &e);

	if (rc == 0 && with_db)
		rc = db_pool_get(app.pool, &db, &e);
	if (rc == 0)
		rc = fn(&app, db, arg, &e);
	if (db)
		db_pool_put(app.pool, db);
	app_release(&app);
	return cli_status(rc, what, &e);
}

int
cli_each_tenant(struct db *db, cli_tenant_fn *fn, void *arg, size_t *n, struct err *e)
{
	struct arena a;
	struct tenant *ts = NULL;
	size_t count = 0;
	int rc;

	arena_init(&a);
	rc = tenant_list(db, -1, &a, &ts, &count, e);
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = fn(db, &ts[i], arg, e);
	arena_release(&a);
	if (n)
		*n = count;
	return rc;
}

int
cli_open_db(const struct config *cfg, struct db **out, int migrate)
{
	struct err e = {0};
	char dir[CONFIG_STR_MAX + 16];
	int applied = 0;

	if (db_open(cfg->db, out, &e)) {
		char shown[CONFIG_STR_MAX + 8];

		fprintf(stderr, "rathaus: cannot open the database '%s': %s\n",
			config_masked_url(cfg->db, shown, sizeof(shown)), e.detail);
		return CLI_FAIL;
	}
	if (!migrate)
		return CLI_OK;
	snprintf(dir, sizeof(dir), "%s/migrations", cfg->share_dir);
	if (db_migrate(*out, dir, &applied, &e)) {
		fprintf(stderr, "rathaus: migration failed: %s\n", e.detail);
		db_close(*out);
		*out = NULL;
		return CLI_FAIL;
	}
	if (applied)
		log_info("applied %d migration(s)", applied);
	return CLI_OK;
}

int
cli_main(int argc, char **argv)
{
	const char *file = NULL;
	struct config cfg;
	struct err e = {0};
	enum log_level lv;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			file = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return CLI_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("rathaus %s\n", RATHAUS_VERSION);
			return CLI_OK;
		} else {
			fprintf(stderr, "rathaus: unknown option '%s'\n\n", argv[i]);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	for (size_t c = 0; c < N_COMMANDS; c++) {
		if (strcmp(argv[i], commands[c]->name) != 0)
			continue;
		if (cli_wants_help(argc - i, argv + i)) {
			printf("%s", commands[c]->usage);
			return CLI_OK;
		}
		if (config_load(&cfg, file, &e)) {
			fprintf(stderr, "rathaus: bad configuration: %s\n", e.detail);
			return CLI_USAGE;
		}
		if (log_level_parse(cfg.log_level, &lv) == 0)
			log_set_level(lv);
		if (seal_key_load(cfg.secret_key_file, &e)) {
			fprintf(stderr, "rathaus: bad configuration: %s\n", e.detail);
			return CLI_USAGE;
		}
		return commands[c]->run(argc - i, argv + i, &cfg);
	}
	fprintf(stderr, "rathaus: unknown command '%s'\n\n", argv[i]);
	usage(stderr);
	return CLI_USAGE;
}
