/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * events: the tenant's event calendar at /veranstaltungen (day, week, month
 * and list views with filters, one page per event with schema.org Event,
 * iCalendar per event and per filtered list, an Atom feed of new events),
 * edited by staff through the editorial workflow (kind "event").
 */
#ifndef RATHAUS_EVENTS_H
#define RATHAUS_EVENTS_H

#include "app/feature.h"
#include "core/err.h"
#include "tenant/tenant.h"

struct db;

extern const struct feature events_feature;

/*
 * Load the demo calendar of tenant `t`: about 80 events over the two months
 * after `now` (markets, concerts, council meetings, club events), dated
 * relative to `now`.  Idempotent: events of the demo that exist are kept.
 */
int ev_demo_load(struct db *db, const struct tenant *t, int64_t now, struct err *e) MUST_CHECK;

#endif
