/* SPDX-License-Identifier: EUPL-1.2 */
/* Fuzz the file-name sanitiser: whatever a client sends, the result is a safe display name. */
#include "files/files.h"

#include "core/str.h"

#include <stdint.h>
#include <string.h>

/* The promises of files_name_sanitize(); a broken one stops the fuzzer. */
static void
check(const char *s, size_t n)
{
	if (n == 0 || n > FILES_NAME_MAX || strlen(s) != n || !str_valid_utf8((struct str){s, n}))
		__builtin_trap();
	if (s[0] == '.' || s[0] == ' ' || s[n - 1] == '.' || s[n - 1] == ' ')
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || strchr("/\\<>:\"|?*", s[i]))
			__builtin_trap();
	/* No bidi override or isolate (U+202A..U+202E, U+2066..U+2069). */
	for (size_t i = 0; i + 2 < n; i++)
		if ((unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] >= 0xaa && (unsigned char)s[i + 2] <= 0xae)
			__builtin_trap();
	for (size_t i = 0; i + 2 < n; i++)
		if ((unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x81 &&
		    (unsigned char)s[i + 2] >= 0xa6 && (unsigned char)s[i + 2] <= 0xa9)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[FILES_NAME_MAX + 1], again[FILES_NAME_MAX + 1];
	size_t n = files_name_sanitize((const char *)data, size, out), m;

	check(out, n);
	/* A clean name stays as it is. */
	m = files_name_sanitize(out, n, again);
	if (m != n || memcmp(out, again, n) != 0)
		__builtin_trap();
	return 0;
}
