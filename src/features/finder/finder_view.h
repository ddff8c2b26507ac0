/* SPDX-License-Identifier: EUPL-1.2 */
/* What the finder's page and API share: answers as template data and text. */
#ifndef RATHAUS_FINDER_VIEW_H
#define RATHAUS_FINDER_VIEW_H

#include "app/app.h"
#include "features/finder/finder.h"

/* The Bundesportal: where services of authorities outside this installation are found. */
#define FINDER_BUNDESPORTAL "https://verwaltung.bund.de"

/* A URL of tenant `t` for `path`: this tenant's base, its own domain or /t/<slug>. */
const char *finder_tenant_url(struct rq *q, const struct tenant *t, const char *path);

/* Message `key` with {0} and {1} replaced (text: templates escape it); in the arena. */
const char *finder_msg(struct rq *q, const char *key, const char *a0, const char *a1);

/* {name, official, plz, above (its Kreis or Verband), land, ars} of a place. */
struct view_val *finder_place_view(struct rq *q, const struct region *g);

/* The responsible authority's name: the tenant's, else the area's. */
const char *finder_authority(const struct finder_answer *ans);

/* The code of the reason ("rule", "level", "verband", ...) and its text for the reader. */
const char *finder_why_code(enum finder_why w);
const char *finder_why_text(struct rq *q, const struct finder_answer *ans);

/* The level the responsible area stands for (the service's, where it merges several). */
enum finder_level finder_area_level(const struct finder_result *r);

/* The service page on the responsible tenant's portal, or "" when it does not offer it. */
const char *finder_service_url(struct rq *q, const struct finder_answer *ans);

/* The answer for the page: service, place, authority, level, why, links. */
struct view_val *finder_answer_view(struct rq *q, const struct finder_answer *ans);

/* office_view() with links to the office's own tenant. */
struct view_val *finder_office_view(struct rq *q, const struct tenant *t, const struct office *o);

#endif
