/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of src/app share. */
#ifndef RATHAUS_APP_INT_H
#define RATHAUS_APP_INT_H

#include "app/app.h"

/* The request context of `r`, made on first use. */
struct rq *rq_of(struct http_req *r, struct app *app);
/* "de" or "en" from ?lang=, the lang cookie, or Accept-Language. */
const char *rq_pick_lang(struct http_req *r);
/* Fill q->page with what every page shows (tenant, language, user). */
void rq_page_init(struct rq *q);
/* Add the logged-in staff user to the page data (the guard finds it after rq_page_init). */
void rq_page_user(struct rq *q);

/* Run every feature's hook before the handler of a tenant's request. */
void rq_before_tenant(struct rq *q);

/* The job registry with the installation-wide jobs, and mail (app_jobs.c). */
int app_jobs_init(struct app *app, struct err *e) MUST_CHECK;
void app_jobs_release(struct app *app);

#endif
