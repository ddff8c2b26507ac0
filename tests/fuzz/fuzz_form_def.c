/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the form definition parser: any bytes either give a form or a list
 * of at most FORM_ERRORS_MAX errors, each with a JSON path from "$".  The
 * same bytes as the body the form editor saves (form_def_compose()) must
 * keep to the same rules, with the id, title and service set by the editor.
 */
#include "features/forms/forms.h"

#include <stdint.h>
#include <string.h>

static void
check_errors(int rc, const struct form *f, const struct form_def_errors *errs)
{
	if (rc == 0 && (!f || !f->n_steps || errs->n))
		__builtin_trap(); /* a form has steps and no errors */
	if (rc != 0 && rc != ERR_TOOBIG && errs->n == 0)
		__builtin_trap(); /* a refusal says where */
	for (size_t i = 0; i < errs->n; i++)
		if (strncmp(errs->v[i].path, "$", 1) != 0)
			__builtin_trap();
}

/* The editor's save path: the body composed with what the editor manages. */
static void
compose(const uint8_t *data, size_t size)
{
	struct form_def_errors errs;
	struct form *f = NULL;
	const char *json = NULL;
	struct arena a;
	struct err e;
	int rc;

	arena_init(&a);
	rc = form_def_compose((const char *)data, size, "fuzz-form", 7, "Titel", "", &a, &json, &f,
			      &errs, &e);
	check_errors(rc, f, &errs);
	if (rc == 0 && (f->version != 7 || strcmp(f->id, "fuzz-form") != 0 ||
			strcmp(f->title, "Titel") != 0 || f->leika[0]))
		__builtin_trap(); /* the managed members win over the body's */
	arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_def_errors errs;
	struct form *f = NULL;
	struct arena a;
	struct err e;
	int rc;

	compose(data, size);
	arena_init(&a);
	rc = form_def_parse((const char *)data, size, &a, &f, &errs, &e);
	check_errors(rc, f, &errs);
	arena_release(&a);
	return 0;
}
