/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the photo metadata strippers and the Exif GPS reader: whatever bytes
 * come in, the result is no longer than the input, a second pass changes
 * nothing, and a stripped JPEG holds no APP1..APP15 or COM segment before
 * its image data.
 */
#include "files/files.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const TYPES[] = {"image/jpeg", "image/png", "image/webp"};

/* No metadata segment in the headers of a stripped JPEG (up to its first SOS). */
static void
check_jpeg(const unsigned char *p, size_t n)
{
	size_t i = 2;

	while (i + 4 <= n && p[i] == 0xff) {
		unsigned m = p[i + 1];

		if ((m >= 0xe1 && m <= 0xef) || m == 0xfe)
			__builtin_trap();
		if (m == 0xda || m == 0xd9 || m == 0x01 || (m >= 0xd0 && m <= 0xd7) || m == 0xff)
			return;
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out, *again;
	double lat, lon;
	struct err e;

	if (size < 1)
		return 0;
	out = malloc(size);
	again = malloc(size);
	if (!out || !again)
		abort();
	for (size_t t = 0; t < sizeof(TYPES) / sizeof(TYPES[0]); t++) {
		size_t n = 0, m = 0;

		err_clear(&e);
		if (files_image_strip(TYPES[t], data, size, out, &n, &e) != 0)
			continue;
		if (n > size)
			__builtin_trap();
		if (t == 0)
			check_jpeg(out, n);
		if (files_image_strip(TYPES[t], out, n, again, &m, &e) != 0 || m != n ||
		    memcmp(out, again, n) != 0)
			__builtin_trap();
	}
	if (files_image_gps(data, size, &lat, &lon) &&
	    (lat < -90 || lat > 90 || lon < -180 || lon > 180))
		__builtin_trap();
	free(out);
	free(again);
	return 0;
}
