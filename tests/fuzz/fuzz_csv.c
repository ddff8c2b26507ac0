/* SPDX-License-Identifier: EUPL-1.2 */
/* Fuzz the catalogue's CSV reader (libcsv) and the legal-basis parser with outside data. */
#include "features/catalog/svc_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct arena a;
	struct csvfile t;
	struct svc_link *links;
	struct err e;
	size_t n;
	char *text;

	if (fd < 0) {
		fd = memfd_create("fuzz_csv", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	arena_init(&a);
	if (csvfile_load(path, &a, &t, &e) == 0) {
		for (size_t r = 0; r < t.nrows; r++)
			for (size_t c = 0; c < t.ncols; c++)
				if (!csvfile_cell(&t, r, (int)c))
					__builtin_trap(); /* every cell of a loaded table exists */
		csvfile_col(&t, "leika_schluessel", &e);
	}
	text = arena_strndup(&a, (const char *)data, size);
	svc_legal_parse(text, &a, &links, &n);
	arena_release(&a);
	return 0;
}
