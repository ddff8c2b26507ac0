/* SPDX-License-Identifier: EUPL-1.2 */
/* settings_int: what the settings feature's own files share. */
#ifndef RATHAUS_SETTINGS_INT_H
#define RATHAUS_SETTINGS_INT_H

#include "features/settings/settings.h"

#include "app/app.h"
#include "features/editor/editor.h"

/* Whether q->user is an admin of the tenant; renders 403 when not. */
bool settings_may_admin(struct rq *q);

/*
 * Render the settings page with the values in `posted` (a map key -> text,
 * NULL: the stored ones), the form errors shown when errs->n, with `status`.
 */
void settings_page(struct rq *q, struct view_val *posted, struct ed_errors *errs, int status);

/* Routes of settings_files.c: the logo upload and public files. */
void settings_files_register(struct app *app);

#endif
