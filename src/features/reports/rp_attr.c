/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The answer to one extra question of a category (an Open311 attribute),
 * checked against its definition: the same rules for the report form and
 * for Open311 POST.
 */
#include "features/reports/rp_int.h"

#include <stdlib.h>
#include <string.h>

static bool
value_listed(json_t *values, const char *v, size_t len)
{
	json_t *x;
	size_t i;

	json_array_foreach(values, i, x)
	{
		const char *k = json_string_value(json_object_get(x, "key"));

		if (k && strlen(k) == len && strncmp(k, v, len) == 0)
			return true;
	}
	return false;
}

enum rp_attr_problem
rp_attr_check(json_t *def, const char *v)
{
	const char *type = json_string_value(json_object_get(def, "datatype"));
	char *end;

	if (!v || !v[0])
		return json_is_true(json_object_get(def, "required")) ? RP_ATTR_MISSING
								      : RP_ATTR_OK;
	if (strlen(v) > RP_LINE_MAX)
		return RP_ATTR_TOO_LONG;
	if (!type)
		return RP_ATTR_OK;
	if (strcmp(type, "number") == 0) {
		(void)strtod(v, &end);
		return *end ? RP_ATTR_NOT_NUMBER : RP_ATTR_OK;
	}
	if (strcmp(type, "singlevaluelist") == 0)
		return value_listed(json_object_get(def, "values"), v, strlen(v)) ? RP_ATTR_OK
										  : RP_ATTR_UNKNOWN;
	if (strcmp(type, "multivaluelist") == 0)
		for (const char *p = v; *p;) {
			size_t len = strcspn(p, ",");

			if (!value_listed(json_object_get(def, "values"), p, len))
				return RP_ATTR_UNKNOWN;
			p += len + (p[len] == ',');
		}
	return RP_ATTR_OK;
}
