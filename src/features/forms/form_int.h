/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of the forms feature share. */
#ifndef RATHAUS_FORM_INT_H
#define RATHAUS_FORM_INT_H

#include "app/app.h"
#include "app/feature.h"
#include "features/forms/forms.h"
#include "files/files.h"

/* Upload ids stay this long until a submission takes them. */
#define FORM_UPLOAD_PENDING_S (24 * 3600)
/* Idempotency keys are remembered this long. */
#define FORM_IDEM_KEEP_S (24 * 3600)
#define FORM_IDEM_KEY_MAX 200

/* The environment of a request: today, places from the regions, files of the tenant. */
struct form_req_env {
	struct rq *q;
	struct files_store fs;
};
void form_env_init(struct form_env *env, struct form_req_env *re, struct rq *q);

/* After a submission: let its uploads live as long as the tenant keeps uploads. */
int form_keep_uploads(struct rq *q, const struct form *f, json_t *clean);

/*
 * Store the files that answers to file fields carry as data URLs
 * ("data:application/pdf;name=a.pdf;base64,...") as uploads and put their
 * ids in their place.  Returns 0, or ERR_UNPROCESSABLE / ERR_TOOBIG with
 * e->user saying why (form_api_data.c).
 */
int form_api_data_urls(struct rq *q, const struct form *f, json_t *answers) MUST_CHECK;

/*
 * The case number of idempotency key `key` of `t` into *case_no (in `a`):
 * 0; ERR_NOTFOUND when the key is new; ERR_UNPROCESSABLE when it came with
 * another form or body (`fp`); ERR_CONFLICT when its case is not written yet.
 */
int form_idem_find(struct db *db, const struct tenant *t, const char *form_id, const char *key,
		   const char *fp, struct arena *a, const char **case_no, struct err *e) MUST_CHECK;

/* The API routes (form_api.c) and the citizen pages (form_web.c). */
void form_api_register(struct app *app);
void form_web_register(struct app *app);

/* Periodic clean-up of idempotency keys and expired drafts (form_store.c). */
int form_purge(struct db *db, int64_t now, struct err *e) MUST_CHECK;

#endif
