/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * courses: courses with bookable places at /kurse (adult education, city
 * tours, first aid): a list with filters and paging, one page per course
 * with schema.org Course data and an iCalendar file of all its sessions,
 * booking without JavaScript, a cancel link by mail and a waiting list that
 * moves up by itself when someone cancels.
 */
#ifndef RATHAUS_COURSES_H
#define RATHAUS_COURSES_H

#include "app/feature.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdint.h>

struct db;

extern const struct feature courses_feature;

/*
 * Load the demo courses of tenant `t`: ten courses in Lünen (VHS language
 * and computer courses, city tours, first aid) with sessions in the weeks
 * after `now`.  Idempotent: courses of the demo that exist are kept.
 */
int crs_demo_load(struct db *db, const struct tenant *t, int64_t now, struct err *e) MUST_CHECK;

#endif
