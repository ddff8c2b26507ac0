/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz what the editor parses from staff forms: review-due dates,
 * publication times (round trip through Berlin time), web addresses, and
 * the line diff of two texts (the input split at its first NUL byte).
 */
#include "features/editor/ed_int.h"

#include "core/civil.h"

#include <stdint.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	char *s, *other;
	struct ed_diff_line *d;
	size_t n, ins = 0, del = 0, same = 0;
	int64_t t;

	arena_init(&a);
	s = arena_strndup(&a, (const char *)data, size);
	{
		size_t first = strlen(s);

		other = first < size ? arena_strndup(&a, (const char *)data + first + 1,
						     size - first - 1)
				     : "";
	}
	(void)civil_date_valid(s);
	(void)ed_url_ok(s);
	if (civil_local_to_utc(s, &t) == 0) {
		char back[17];

		civil_utc_to_local(t, true, back);
		/* Every valid local time maps back to itself, except in the hour skipped in spring.
		 */
		if (strlen(back) != 16)
			__builtin_trap();
	}
	ed_diff(s, other, &a, &d, &n);
	for (size_t i = 0; i < n; i++) {
		ins += d[i].op == ED_INS;
		del += d[i].op == ED_DEL;
		same += d[i].op == ED_SAME;
	}
	if ((same + del == 0) != (s[0] == '\0') || (same + ins == 0) != (other[0] == '\0'))
		__builtin_trap(); /* every line of both texts is accounted for */
	arena_release(&a);
	return 0;
}
