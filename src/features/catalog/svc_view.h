/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the catalogue's HTTP files share: filling the template data of its
 * pages from svc.h structs (svc_view.c), and the JSON API (svc_api.c).
 */
#ifndef RATHAUS_SVC_VIEW_H
#define RATHAUS_SVC_VIEW_H

#include "app/app.h"
#include "features/catalog/svc.h"

void svc_view_service(struct rq *q, const struct svc *s, const char *canonical);
void svc_view_list(struct rq *q, const struct svc_item *items, size_t n, int64_t total,
		   int64_t page, int64_t page_size, char letter, const char *query);
void svc_view_topic(struct rq *q, const struct svc_topic *tp, const struct svc_item *items,
		    size_t n);
void svc_view_topics(struct rq *q, const char *kind, const struct svc_topic *tps, size_t n);
/* The items as a list of maps {title, url, short} for templates. */
struct view_val *svc_view_items(struct rq *q, const struct svc_item *items, size_t n);

/* The tenant's services as an editorial kind (svc_edit.c, svc_edit_list.c). */
struct ed_kind;
extern const struct ed_kind svc_edit_kind;
void svc_edit_list(struct rq *q);
void svc_edit_add(struct rq *q);
int svc_edit_dashboard(struct rq *q);

/* The catalogue's documents for the citizen search (svc_search.c). */
struct search_source;
extern const struct search_source svc_search_source;

/* The JSON API under /api/v1. */
void svc_api_register(struct app *app);
/* /sitemap.xml and /robots.txt. */
void svc_sitemap_register(struct app *app);

#endif
