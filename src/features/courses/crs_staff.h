/* SPDX-License-Identifier: EUPL-1.2 */
/* What the staff pages of the courses share (crs_staff.c, crs_staff_edit.c). */
#ifndef RATHAUS_CRS_STAFF_H
#define RATHAUS_CRS_STAFF_H

#include "features/courses/crs_int.h"

/* Whether the user may manage courses (admin or editor); else a 403 was answered. */
bool crs_staff_allowed(struct rq *q);
/*
 * The course of the path (":slug") for a user who may manage courses; NULL
 * after answering 403, 404 or the failure.
 */
struct crs_course *crs_staff_course(struct rq *q);
/* Breadcrumbs "Verwaltung > Kurse [> label]". */
void crs_staff_crumbs(struct rq *q, const char *label);
/* /verwaltung/kurse/neu and /verwaltung/kurse/:slug/bearbeiten. */
void crs_staff_edit_register(struct app *app);
/* All staff routes. */
void crs_staff_register(struct app *app);

#endif
