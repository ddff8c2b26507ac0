/* SPDX-License-Identifier: EUPL-1.2 */
/* FNV-1a 64 (Fowler, Noll, Vo; offset basis and prime as published). */
#include "core/hash.h"

uint64_t
hash_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211u;
	}
	return h;
}
