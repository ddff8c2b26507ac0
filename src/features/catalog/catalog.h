/* SPDX-License-Identifier: EUPL-1.2 */
/* catalog: the service catalogue's pages and JSON API (data access: svc.h). */
#ifndef RATHAUS_CATALOG_H
#define RATHAUS_CATALOG_H

#include "app/feature.h"

struct rq;

/* The pages, the JSON API, the sitemap and the home-page section. */
extern const struct feature catalog_feature;

/*
 * Add what a tenant's home page shows of the catalogue to q->page: the
 * Themenfelder and the services with authored texts.  Returns 0 or an error
 * code with the detail in q->err.
 */
int catalog_on_home(struct rq *q);

#endif
