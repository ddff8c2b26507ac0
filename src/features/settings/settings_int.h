/* SPDX-License-Identifier: EUPL-1.2 */
/* settings_int: what the settings feature's own files share. */
#ifndef RATHAUS_SETTINGS_INT_H
#define RATHAUS_SETTINGS_INT_H

#include "features/settings/settings.h"

#include "app/app.h"

/* Form errors: a list of {field, text} for the summary and the first text per field. */
struct settings_errors {
	struct view_val *list;
	struct view_val *by_field;
	int n;
};

void settings_errors_init(struct rq *q, struct settings_errors *errs);
/* Add the message `key` for form field `field`. */
void settings_error(struct rq *q, struct settings_errors *errs, const char *field, const char *key);

/* Whether q->user is an admin of the tenant; renders 403 when not. */
bool settings_may_admin(struct rq *q);

/*
 * Render the settings page with the values in `posted` (a map key -> text,
 * NULL: the stored ones), errors shown when errs->n, with `status`.
 */
void settings_page(struct rq *q, struct view_val *posted, struct settings_errors *errs, int status);

/* Audit entry for q->user in q->tenant; failures are logged, not fatal. */
void settings_audit(struct rq *q, const char *action, const char *detail);

/* Routes of settings_files.c: the logo upload and public files. */
void settings_files_register(struct app *app);

#endif
