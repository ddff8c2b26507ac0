/* SPDX-License-Identifier: EUPL-1.2 */
/* The forms feature: its routes and the periodic clean-up of keys and drafts. */
#include "features/forms/form_int.h"

#include "core/log.h"

#define PURGE_EVERY_S 600

static int
forms_init(struct app *app, struct err *e)
{
	(void)e;
	form_api_register(app);
	form_web_register(app);
	return 0;
}

static int
purge(struct app *app, struct db *db, int64_t now, struct err *e)
{
	(void)app;
	return form_purge(db, now, e);
}

static const struct feature_job purge_job = {"forms.purge", PURGE_EVERY_S, purge};

const struct feature forms_feature = {
	.name = "forms",
	.init = forms_init,
	.job = &purge_job,
};
