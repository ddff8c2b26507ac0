/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The forms feature: its routes, the staff inbox, the form editor and the
 * delivery endpoints in the menu, the delivery job, and the periodic clean-up of
 * keys, drafts and cases past their retention.
 */
#include "features/forms/form_delivery.h"
#include "features/forms/form_inbox.h"
#include "features/forms/form_lib.h"

#include "auth/auth.h"
#include "jobs/jobs.h"

#define PURGE_EVERY_S 600

static int
forms_init(struct app *app, struct err *e)
{
	form_api_register(app);
	form_web_register(app);
	form_inbox_register(app);
	form_receipt_register(app);
	form_mine_register(app);
	form_delivery_register(app);
	/* Before the editor's /verwaltung/formulare/:key, which would take their paths. */
	form_lib_register(app);
	return ed_kind_register(app, &form_edit_kind, e);
}

/*
 * Delete old idempotency keys, expired drafts and the cases whose
 * retention has passed; idempotent, so a retry is harmless.
 */
static int
purge(struct job_run *r, struct err *e)
{
	struct app *app = r->ctx;
	struct files_store fs = {app->cfg.data_dir};
	int64_t n = 0;
	int rc = form_purge(r->db, r->now, e);

	rc = rc ? rc : inbox_retain(r->db, &fs, r->now, &n, e);
	return job_purged(rc, n, "cases past their retention");
}

const struct feature forms_feature = {
	.name = "forms",
	.init = forms_init,
	.job = JOB_EVERY("forms.purge", purge, PURGE_EVERY_S),
	.citizen_data = form_citizen_data,
	.account = form_account_links,
	.staff =
		(const struct feature_link[]){
			{INBOX_URL, "forms.inbox.title", ROLE_ADMIN | ROLE_CASEWORKER},
			{FORM_EDIT_URL, "ed.form.list", ROLE_ADMIN | ROLE_EDITOR},
			{"/verwaltung/formulare/zustellung", "forms.delivery.targets", ROLE_ADMIN},
			{NULL, NULL, 0},
		},
};
