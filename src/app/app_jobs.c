/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The installation's background jobs: the registry every instance builds at
 * start-up with each feature's recurring job (feature.h), and the mailer
 * with its delivery job.  Features add further kinds through app->jobs.
 */
#include "app/app_int.h"

#include "app/feature.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

int
app_jobs_init(struct app *app, struct err *e)
{
	app->jobs = jobs_new(app->pool);
	for (size_t i = 0; i < features_n; i++)
		if (features[i]->job)
			jobs_add_every(app->jobs, features[i]->job, app);
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
