/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * editor: the staff's editorial tool under /verwaltung.  Staff of a tenant
 * edit the tenant's layer of a service (local texts per module, online
 * service, responsible office, review-due date) and the tenant's offices
 * (address, contacts, accessibility, weekly hours).  Every change is a
 * revision; the public rows are written only when a revision is published.
 *
 * Workflow: draft -> review -> published.  Editors and admins save drafts
 * and submit them; an admin publishes or rejects any revision; an editor
 * may publish or reject only a revision in review that someone else wrote
 * (four eyes).  Case workers have no access.  A publication with a future
 * publish_at is "scheduled": editor_promote_due() makes it public once the
 * time has come.  The shared base texts are not edited here: they come from
 * the data import (rathaus import) and belong to the installation.
 *
 * The diff and the workflow rules are pure and tested on their own.
 */
#ifndef RATHAUS_EDITOR_H
#define RATHAUS_EDITOR_H

#include "app/feature.h"
#include "core/arena.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct db;

/* ---- Line diff (ed_diff.c) ---------------------------------------------- */

enum ed_diff_op { ED_SAME, ED_DEL, ED_INS };

struct ed_diff_line {
	enum ed_diff_op op;
	const char *text; /* the line without its '\n', in the arena */
};

/*
 * The lines of `old` and `new` as a shortest edit script from a longest
 * common subsequence: unchanged lines ED_SAME, removed ED_DEL, added ED_INS,
 * deletions before insertions at each change.  Common leading and trailing
 * lines are matched first; of the changed middle at most ED_DIFF_MAX_LINES
 * lines per side are compared, the rest counts as removed and added.
 * *out is an array of *n lines in arena `a`.
 */
#define ED_DIFF_MAX_LINES 1000
void ed_diff(const char *old, const char *new, struct arena *a, struct ed_diff_line **out,
	     size_t *n);

/* ---- Workflow rules (ed_flow.c) ----------------------------------------- */

enum ed_action { ED_SAVE, ED_SUBMIT, ED_PUBLISH, ED_REJECT, ED_RESTORE };

/*
 * May a user with `roles` (enum auth_role bits) take `action` on a subject
 * whose newest revision is in `state` (NULL: none yet) and was written by
 * this user (`is_author`)?  For ED_PUBLISH, `state` and `is_author` describe
 * the revision that would be published.  Returns 0, ERR_FORBIDDEN (the role
 * does not allow it) or ERR_CONFLICT (not in this state).
 */
int ed_flow_check(enum ed_action action, unsigned roles, const char *state, bool is_author);

/* The action named by a form's "aktion" value, or -1. */
int ed_action_parse(const char *s);

/* ---- Dates (ed_flow.c) --------------------------------------------------- */

/* True for a valid calendar date "YYYY-MM-DD" (years 2000..2199). */
bool ed_date_valid(const char *s);

/*
 * A local Berlin time "YYYY-MM-DDTHH:MM" (an <input type=datetime-local>)
 * as Unix seconds.  Returns 0 or ERR_INVALID.
 */
int ed_local_to_utc(const char *s, int64_t *out);

/* Unix seconds as local Berlin "YYYY-MM-DD HH:MM" (17 bytes) or "YYYY-MM-DDTHH:MM" when `iso`. */
void ed_utc_to_local(int64_t utc, bool iso, char out[17]);

/* ---- Storage and pages -------------------------------------------------- */

/*
 * Publish the scheduled revisions of tenant `t` whose time has come.  Safe
 * with several instances: each revision is claimed by one conditional
 * update inside its transaction.  Returns 0 or a db error.
 */
int editor_promote_due(struct db *db, const struct tenant *t, int64_t now, struct err *e);

/* /verwaltung and its pages; publishes what is due before a tenant's requests. */
extern const struct feature editor_feature;

#endif
