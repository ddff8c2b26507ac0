/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the region import's parsing of outside data: gemeinden.csv rows
 * (libcsv, then the row conversion with its key checks), name folding, and
 * the chain of authorities the finder builds from a parsed row.
 */
#include "features/finder/finder.h"

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
	char fold[REGION_FOLD_MAX];
	struct arena a;
	struct csvfile t;
	struct region_cols c;
	struct err e;

	if (fd < 0) {
		fd = memfd_create("fuzz_region", 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	arena_init(&a);
	region_fold(arena_strndup(&a, (const char *)data, size), fold, sizeof(fold));
	if (strlen(fold) >= sizeof(fold))
		__builtin_trap();
	if (csvfile_load(path, &a, &t, &e) == 0 && region_cols_find(&t, &c, &e) == 0) {
		for (size_t r = 0; r < t.nrows; r++) {
			struct finder_area chain[FINDER_N_LEVELS];
			struct region g;

			if (region_from_row(&t, r, &c, &a, &g, &e) != 0)
				continue;
			if (!region_ars_valid(g.ars) ||
			    finder_chain(&g, &a, chain) > FINDER_N_LEVELS)
				__builtin_trap(); /* a parsed row has a valid key and a bounded
						     chain */
			region_fold(g.display_name, fold, sizeof(fold));
		}
	}
	arena_release(&a);
	return 0;
}
