/* SPDX-License-Identifier: EUPL-1.2 */
/* hash: FNV-1a 64, for hash tables and ETags (fast, not for anything secret). */
#ifndef RATHAUS_HASH_H
#define RATHAUS_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash_fnv1a(const void *p, size_t n);

#endif
