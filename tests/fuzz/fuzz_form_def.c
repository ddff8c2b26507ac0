/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the form definition parser: any bytes either give a form or a list
 * of at most FORM_ERRORS_MAX errors, each with a JSON path from "$".
 */
#include "features/forms/forms.h"

#include <stdint.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_def_errors errs;
	struct form *f = NULL;
	struct arena a;
	struct err e;
	int rc;

	arena_init(&a);
	rc = form_def_parse((const char *)data, size, &a, &f, &errs, &e);
	if (rc == 0 && (!f || !f->n_steps || errs.n))
		__builtin_trap(); /* a form has steps and no errors */
	if (rc != 0 && rc != ERR_TOOBIG && errs.n == 0)
		__builtin_trap(); /* a refusal says where */
	for (size_t i = 0; i < errs.n; i++)
		if (strncmp(errs.v[i].path, "$", 1) != 0)
			__builtin_trap();
	arena_release(&a);
	return 0;
}
