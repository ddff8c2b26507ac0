/* SPDX-License-Identifier: EUPL-1.2 */
/* catalog: the service catalogue's pages and JSON API (data access: svc.h). */
#ifndef RATHAUS_CATALOG_H
#define RATHAUS_CATALOG_H

struct app;
struct rq;

/* Register the pages and the API; called by app_init(). */
void catalog_register(struct app *app);

/*
 * Add what a tenant's home page shows of the catalogue to q->page: the
 * Themenfelder and the services with authored texts.  Returns 0 or an error
 * code with the detail in q->err.
 */
int catalog_on_home(struct rq *q);

#endif
