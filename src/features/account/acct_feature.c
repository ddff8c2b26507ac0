/* SPDX-License-Identifier: EUPL-1.2 */
/* The account feature: the list of common passwords, the routes, the clean-up job. */
#include "features/account/acct_int.h"

#include "core/log.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <stdlib.h>

#define PURGE_EVERY_S 600
#define PWLIST "data/passwords/common-10k.txt"

const struct acct_pwlist *
acct_list(struct rq *q)
{
	return app_state(q->app, &account_feature);
}

static int
account_init(struct app *app, struct err *e)
{
	struct acct_pwlist *l = NULL;
	char path[CONFIG_STR_MAX + 64];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", app->cfg.share_dir, PWLIST);
	rc = acct_pwlist_load(path, &l, e);
	if (rc)
		return rc;
	app_set_state(app, &account_feature, l);
	jobs_add_kind(app->jobs, &acct_reset_kind, app);
	acct_register_web(app);
	acct_register_self(app);
	acct_register_reset(app);
	acct_register_2fa(app);
	acct_register_privacy(app);
	acct_register_oidc(app);
	acct_register_saml(app);
	return 0;
}

static void
account_release(struct app *app)
{
	acct_pwlist_free(app_state(app, &account_feature));
	app_set_state(app, &account_feature, NULL);
}

/* Expired sessions, old tokens, quiet throttles, never confirmed accounts; idempotent. */
static int
purge(struct job_run *r, struct err *e)
{
	return acct_purge(r->db, r->now, e);
}

const struct feature account_feature = {
	.name = "account",
	.init = account_init,
	.release = account_release,
	.job = JOB_EVERY("account.purge", purge, PURGE_EVERY_S),
};
