/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the booking request parser and the ISO 8601 instant parser: any body
 * is accepted with sane fields or refused with a message key, never a crash.
 */
#include "features/appointments/appt.h"

#include "core/arena.h"

#include <stdint.h>
#include <string.h>

static void
check_text(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct appt_request r;
	struct err e = {0};
	char iso[64];
	int64_t at;

	arena_init(&a);
	if (appt_request_parse((const char *)data, size, &a, &r, &e) == 0) {
		check_text(r.type, APPT_SLUG_MAX);
		check_text(r.location, APPT_SLUG_MAX);
		check_text(r.name, APPT_NAME_MAX);
		check_text(r.email, APPT_EMAIL_MAX);
		if (r.persons < 1 || r.persons > 10 || !r.phone)
			__builtin_trap();
	} else if (!e.user || strncmp(e.user, "appt.err.", 9) != 0) {
		__builtin_trap();
	}
	arena_release(&a);
	if (size < sizeof(iso)) {
		memcpy(iso, data, size);
		iso[size] = '\0';
		if (appt_parse_iso(iso, &at) == 0 && strlen(iso) < 17)
			__builtin_trap();
	}
	return 0;
}
