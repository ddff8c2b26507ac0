/* SPDX-License-Identifier: EUPL-1.2 */
/* `rathaus backup`: a consistent copy of a live SQLite database. */
#include "cli/cli.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static int
run_backup(int argc, char **argv, const struct config *cfg)
{
	struct db *db = NULL;
	struct err e = {0};
	int rc;

	if (argc != 2) {
		fprintf(stderr, "rathaus backup: expected FILE (see --help)\n");
		return CLI_USAGE;
	}
	if (strncmp(cfg->db, "sqlite:", 7) != 0) {
		fprintf(stderr, "rathaus backup: the database is PostgreSQL; use\n"
				"  pg_dump --format=custom --file=FILE 'URL'\n"
				"as described in docs/operations.md\n");
		return CLI_USAGE;
	}
	if (cli_open_db(cfg, &db, 0))
		return CLI_FAIL;
	rc = db_backup(db, argv[1], &e);
	db_close(db);
	if (rc) {
		fprintf(stderr, "rathaus backup: %s\n", e.detail);
		return CLI_FAIL;
	}
	printf("backup written to %s\n", argv[1]);
	return CLI_OK;
}

const struct cli_cmd cli_backup = {
	"backup",
	"copy the SQLite database while it is in use",
	"Usage: rathaus backup FILE\n\n"
	"Write a consistent copy of the SQLite database to FILE with SQLite's online\n"
	"backup API, while the server keeps running.  Restore by stopping the server\n"
	"and putting FILE in place of the database.  For PostgreSQL use pg_dump\n"
	"(docs/operations.md).\n",
	run_backup,
};
