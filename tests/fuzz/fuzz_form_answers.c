/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the validation of answers: the input is the JSON a citizen or an
 * API client sends, checked against a form with every field type, groups
 * and conditions.  The clean answers hold only keys of the form.
 */
#include "features/forms/forms.h"

#include <stdint.h>
#include <string.h>

static const char FORM[] =
	"{\"id\": \"f\", \"version\": 1, \"title\": \"F\", \"steps\": [{\"title\": \"S\", "
	"\"fields\": ["
	"{\"key\": \"t\", \"type\": \"text\", \"label\": \"T\", \"pattern\": \"[a-z ]+\"},"
	"{\"key\": \"ta\", \"type\": \"textarea\", \"label\": \"TA\", \"max\": 50},"
	"{\"key\": \"n\", \"type\": \"number\", \"label\": \"N\", \"min\": -5, \"max\": 5},"
	"{\"key\": \"d\", \"type\": \"date\", \"label\": \"D\", \"min\": -10, \"max\": 10},"
	"{\"key\": \"e\", \"type\": \"email\", \"label\": \"E\"},"
	"{\"key\": \"p\", \"type\": \"phone\", \"label\": \"P\"},"
	"{\"key\": \"i\", \"type\": \"iban\", \"label\": \"I\", \"visible_if\": \"n > 0\"},"
	"{\"key\": \"s\", \"type\": \"select\", \"label\": \"S\", \"options\": "
	"[{\"value\": \"a\", \"label\": \"A\"}, {\"value\": \"b\", \"label\": \"B\"}]},"
	"{\"key\": \"r\", \"type\": \"radio\", \"label\": \"R\", \"required_if\": \"s == "
	"\\\"b\\\"\","
	" \"options\": [{\"value\": \"a\", \"label\": \"A\"}]},"
	"{\"key\": \"c\", \"type\": \"checkbox\", \"label\": \"C\"},"
	"{\"key\": \"co\", \"type\": \"checkbox\", \"label\": \"CO\", \"max\": 2, \"options\": "
	"[{\"value\": \"a\", \"label\": \"A\"}, {\"value\": \"b\", \"label\": \"B\"}]},"
	"{\"key\": \"f\", \"type\": \"file\", \"label\": \"F\", \"max\": 2},"
	"{\"key\": \"a\", \"type\": \"address\", \"label\": \"A\"},"
	"{\"key\": \"g\", \"type\": \"group\", \"label\": \"G\", \"max\": 3, \"fields\": ["
	"{\"key\": \"t\", \"type\": \"text\", \"label\": \"T\", \"required\": true},"
	"{\"key\": \"x\", \"type\": \"number\", \"label\": \"X\", \"visible_if\": \"t == "
	"\\\"k\\\"\"}"
	"]}]}]}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena fa;
	static struct form *f;
	struct form_def_errors errs;
	struct form_env env = {.today = 20000};
	struct form_check c;
	struct arena a;
	struct err e;
	json_t *answers;
	const char *k;
	json_t *v;

	if (!f) {
		arena_init(&fa);
		if (form_def_parse(FORM, strlen(FORM), &fa, &f, &errs, &e))
			__builtin_trap();
	}
	answers = json_loadb((const char *)data, size, 0, NULL);
	if (!answers)
		return 0;
	arena_init(&a);
	if (form_check_answers(f, answers, &env, FORM_CHECK_ALL, 0, &a, &c, &e) != ERR_INVALID) {
		json_object_foreach(c.clean, k, v)
		{
			if (!form_field_find(f, k))
				__builtin_trap(); /* only the form's keys survive */
		}
		form_check_release(&c);
	}
	json_decref(answers);
	arena_release(&a);
	return 0;
}
