/* SPDX-License-Identifier: EUPL-1.2 */
/* `rathaus jobs run`: one pass over the due background jobs, for cron. */
#include "app/app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <string.h>

static int
run_pass(struct app *app, struct db *db, void *arg, struct err *e)
{
	int ran = 0;
	int rc = jobs_run_due(app->jobs, db, &ran, e);

	if (rc == 0)
		printf("%d job(s) run\n", ran);
	return rc;
}

static int
run_jobs(int argc, char **argv, const struct config *cfg)
{
	if (argc != 2 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "rathaus jobs: expected 'run' (see --help)\n");
		return CLI_USAGE;
	}
	return cli_app_run(cfg, true, "jobs run", run_pass, NULL);
}

const struct cli_cmd cli_jobs = {
	"jobs",
	"run the due background jobs once",
	"Usage: rathaus jobs run\n\n"
	"Claim and run the background jobs that are due (mail delivery, purges),\n"
	"then exit.  'rathaus serve' runs them itself; this is for installations\n"
	"that want a cron job as well or instead.  Safe beside running servers:\n"
	"each job is claimed by one process only.\n",
	run_jobs,
};
