/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The installation's background jobs: the registry every instance builds at
 * start-up, the installation-wide jobs that are no feature's (the purge
 * of expired sessions), and the mailer with its delivery job.  Features add their own kinds through
 * app->jobs.
 */
#include "app/app_int.h"

#include "core/log.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

/* Expired sessions and old rate-limit windows are deleted this often. */
#define PURGE_INTERVAL_S 600

/* Delete what has expired; the statements are idempotent, so a retry is harmless. */
static int
run_purge(struct job_run *r, struct err *e)
{
	int64_t n = 0;
	int rc = session_purge(r->db, &n, e);

	if (rc == 0 && n)
		log_info("purge: %lld expired sessions removed", (long long)n);
	return rc;
}

static const struct job_kind purge_kind = {
	.name = "session.purge",
	.run = run_purge,
	.max_attempts = 3,
	.lease_s = 300,
	.backoff_s = 60,
};
static const struct job_every purge_every = {&purge_kind, PURGE_INTERVAL_S};

int
app_jobs_init(struct app *app, struct err *e)
{
	app->jobs = jobs_new(app->pool);
	jobs_add_every(app->jobs, &purge_every, NULL);
	app->mail = mail_new(&app->cfg, app->view);
	mail_register(app->mail, app->jobs);
	(void)e;
	return 0;
}

void
app_jobs_release(struct app *app)
{
	/* The worker stops first: its jobs use the mailer. */
	jobs_free(app->jobs);
	app->jobs = NULL;
	mail_free(app->mail);
	app->mail = NULL;
}
