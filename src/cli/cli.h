/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * cli: the `rathaus` command line.  Every subcommand reads the configuration
 * the same way (config.h) and exits 0 on success, 1 when the work failed and
 * 2 on a usage error, with a message on stderr that says what to do.
 */
#ifndef RATHAUS_CLI_H
#define RATHAUS_CLI_H

#include "core/config.h"

#include <stdbool.h>

struct cli_cmd {
	const char *name;
	const char *summary;
	const char *usage; /* the text of `rathaus NAME --help` */
	int (*run)(int argc, char **argv, const struct config *cfg);
};

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cli_main(int argc, char **argv);

/* True when argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

/* The exit status of a command: CLI_OK, or CLI_FAIL after "rathaus <what>: <detail>" on stderr. */
struct err;
int cli_status(int rc, const char *what, const struct err *e);

/* Subcommands, one file each. */
extern const struct cli_cmd cli_serve, cli_migrate, cli_check_config, cli_demo, cli_import,
	cli_user, cli_backup, cli_search_eval, cli_jobs, cli_mail;

/* Open the database and apply pending migrations (migrate, demo, import). */
struct db;
int cli_open_db(const struct config *cfg, struct db **out, int migrate);

/*
 * Start the application (views, mailer, jobs) for a command, with a pooled
 * database connection when `with_db` (else db is NULL), run fn(app, db, arg,
 * e) and release it all.  The exit status as cli_status() gives it for
 * `what`, also when the start fails.
 */
struct app;
typedef int cli_app_fn(struct app *app, struct db *db, void *arg, struct err *e);
int cli_app_run(const struct config *cfg, bool with_db, const char *what, cli_app_fn *fn,
		void *arg);

/* Run `fn` for every tenant until one fails; *n (unless NULL) gets their number. */
struct tenant;
typedef int cli_tenant_fn(struct db *db, const struct tenant *t, void *arg, struct err *e);
int cli_each_tenant(struct db *db, cli_tenant_fn *fn, void *arg, size_t *n, struct err *e);

/* Demo offices of every tenant, and public holidays from CSV (cli_offices.c). */
int cli_demo_offices(struct db *db);
/*
 * A demo office `slug` of tenant `t` at the tenant's address and contacts,
 * without hours; the strings are borrowed from the arguments and `t`.
 */
struct office;
struct tenant;
void cli_demo_office_init(struct office *o, const struct tenant *t, const char *slug,
			  const char *name, const char *access);
int cli_import_holidays(struct db *db, const char *path);
/* A tenant's own search synonyms from TSV (cli_search.c). */
int cli_import_synonyms(struct db *db, const char *path, const char *slug);

/*
 * Regions from a directory, timed; the same for the demo unless loaded
 * already; demo responsibilities by area (cli_regions.c).
 */
int cli_import_regions(struct db *db, const char *dir);
int cli_demo_regions(struct db *db, const char *dir);
int cli_demo_responsibilities(struct db *db);
/* The responsibility knowledge base from a directory (cli_regions.c). */
int cli_import_responsibility(struct db *db, const char *dir);
/* Save the demo forms, one folder of JSON files per tenant slug (cli_forms.c). */
int cli_demo_forms(struct db *db, const char *dir);

#endif
