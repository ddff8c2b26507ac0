/* SPDX-License-Identifier: EUPL-1.2 */
/* The forms feature: its routes and the periodic clean-up of keys and drafts. */
#include "features/forms/form_int.h"

#include "jobs/jobs.h"

#define PURGE_EVERY_S 600

static int
forms_init(struct app *app, struct err *e)
{
	(void)e;
	form_api_register(app);
	form_web_register(app);
	form_receipt_register(app);
	return 0;
}

/* Delete old idempotency keys and expired drafts; idempotent, so a retry is harmless. */
static int
purge(struct job_run *r, struct err *e)
{
	return form_purge(r->db, r->now, e);
}

const struct feature forms_feature = {
	.name = "forms",
	.init = forms_init,
	.job = JOB_EVERY("forms.purge", purge, PURGE_EVERY_S),
};
