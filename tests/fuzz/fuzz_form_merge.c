/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the three-way merge of an adopted form (form_merge3()): the input is
 * three JSON texts separated by NUL bytes, base, local copy and new
 * version.  The merge must keep its rule: every member of the result comes
 * from the local copy or the new version; with no local change the result
 * is the new version, with no new change it is the local copy; merging a
 * side with itself changes nothing.
 */
#include "features/forms/forms.h"

#include <stdint.h>
#include <string.h>

#define SIDES 3

static void
merge_checked(json_t *b, json_t *o, json_t *t)
{
	struct form_merge m;
	struct arena a;
	const char *key;
	json_t *v;

	arena_init(&a);
	if (form_merge3(b, o, t, &a, &m) != 0) {
		if (json_is_object(b) && json_is_object(o) && json_is_object(t))
			__builtin_trap(); /* objects always merge */
		arena_release(&a);
		return;
	}
	json_object_foreach(m.result, key, v)
	{
		json_t *ov = json_object_get(o, key), *tv = json_object_get(t, key);

		if (!(ov && json_equal(ov, v)) && !(tv && json_equal(tv, v)))
			__builtin_trap(); /* a value from neither side */
	}
	if (json_equal(b, o) && (!json_equal(m.result, t) || m.n_conflicts))
		__builtin_trap(); /* nothing local: the new version */
	if (json_equal(b, t) && (!json_equal(m.result, o) || m.n_conflicts))
		__builtin_trap(); /* nothing new: the local copy */
	for (size_t i = 0; i < m.n_conflicts; i++)
		if (!json_equal(json_object_get(m.result, m.conflicts[i]),
				json_object_get(o, m.conflicts[i])) &&
		    json_object_get(o, m.conflicts[i]))
			__builtin_trap(); /* a conflict keeps the local value */
	json_decref(m.result);
	arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *side[SIDES] = {NULL, NULL, NULL};
	const uint8_t *p = data, *end = data + size;

	if (size > FORM_DEF_MAX)
		return 0;
	for (size_t i = 0; i < SIDES; i++) {
		const uint8_t *z = i + 1 < SIDES ? memchr(p, 0, (size_t)(end - p)) : NULL;
		const uint8_t *stop = z ? z : end;

		side[i] = json_loadb((const char *)p, (size_t)(stop - p), 0, NULL);
		p = z ? z + 1 : end;
	}
	if (side[0] && side[1] && side[2]) {
		merge_checked(side[0], side[1], side[2]);
		merge_checked(side[0], side[1], side[1]);
		merge_checked(side[0], side[0], side[2]);
	}
	for (size_t i = 0; i < SIDES; i++)
		json_decref(side[i]);
	return 0;
}
