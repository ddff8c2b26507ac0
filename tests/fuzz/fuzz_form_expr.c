/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the condition language: parse any text, and evaluate what parses
 * over answers of every JSON type, so both stay bounded and never crash.
 */
#include "features/forms/forms.h"

#include <stdint.h>
#include <string.h>

static json_t *answers;

static json_t *
look(const char *key, void *cls)
{
	(void)cls;
	return json_object_get(answers, key);
}

static int
count(const char *key, void *cls)
{
	(void)key;
	(*(int *)cls)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_expr *x;
	struct arena a;
	struct err e;
	char *src;
	int n = 0;

	if (!answers)
		answers = json_pack("{s:s, s:i, s:f, s:b, s:n, s:[s,s], s:{s:s}}", "a", "ja", "b",
				    3, "c", 2.5, "d", 1, "e", "f", "x", "y", "g", "h", "i");
	arena_init(&a);
	src = arena_strndup(&a, (const char *)data, size);
	if (form_expr_parse(src, &a, &x, &e) == 0) {
		(void)form_expr_eval(x, look, NULL);
		(void)form_expr_keys(x, count, &n);
		if (size > FORM_EXPR_MAX)
			__builtin_trap(); /* longer conditions are refused */
	}
	arena_release(&a);
	return 0;
}
