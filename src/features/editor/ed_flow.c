/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The workflow rules (who may do what in which state) and the dates of the
 * editing forms.  Pure: no database, no HTTP.
 */
#include "features/editor/editor.h"

#include "auth/auth.h"
#include "core/civil.h"
#include "features/offices/office.h"

#include <string.h>

static bool
is(const char *state, const char *name)
{
	return state && strcmp(state, name) == 0;
}

int
ed_flow_check(enum ed_action action, unsigned roles, const char *state, bool is_author)
{
	bool admin = roles & ROLE_ADMIN, editor = admin || (roles & ROLE_EDITOR);

	if (!editor)
		return ERR_FORBIDDEN;
	switch (action) {
	case ED_SAVE:
	case ED_SUBMIT:
	case ED_RESTORE:
		return 0;
	case ED_PUBLISH:
		if (admin)
			return 0;
		/* Four eyes: an editor approves only what someone else submitted. */
		return is(state, "review") && !is_author ? 0 : ERR_FORBIDDEN;
	case ED_REJECT:
		if (!is(state, "review"))
			return ERR_CONFLICT;
		return admin || !is_author ? 0 : ERR_FORBIDDEN;
	}
	return ERR_FORBIDDEN;
}

int
ed_action_parse(const char *s)
{
	static const char *const names[] = {"speichern", "einreichen", "veroeffentlichen",
					    "zurueckweisen", "wiederherstellen"};

	for (int i = 0; s && i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}
