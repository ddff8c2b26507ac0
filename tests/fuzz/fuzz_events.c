/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the event calendar's parsers: the input's lines are an RRULE, its
 * exception dates, a start and end, and the calendar's query parameters.
 * Every input is expanded (bounded) or refused, never a crash, and what is
 * accepted keeps its promises.
 */
#include "features/events/ev_int.h"

#include "core/arena.h"
#include "core/civil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LINES 12

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *line[LINES] = {0}, *p;
	struct ev_rrule r;
	struct ev_query q;
	struct err e = {0};
	struct arena a;
	struct ev_occ *o;
	size_t n = 0, k = 0;

	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; k < LINES; k++) {
		line[k] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	for (size_t i = 0; i < LINES; i++)
		if (!line[i])
			line[i] = "";
	if (ev_rrule_parse(line[0], &r, &e) == 0 && r.freq != EV_ONCE &&
	    (r.interval < 1 || r.interval > 12 || r.count > EV_OCC_MAX))
		__builtin_trap();
	arena_init(&a);
	struct ev_when w = {line[2], line[3], line[4][0] == '1', line[0], line[1]};
	if (ev_expand(&w, civil_days(2027, 12, 31), &a, &o, &n, &e) == 0) {
		if (n > EV_OCC_MAX)
			__builtin_trap();
		for (size_t i = 0; i < n; i++)
			if (o[i].ends_at <= o[i].starts_at || o[i].end_day < o[i].start_day ||
			    (i && o[i].starts_at <= o[i - 1].starts_at))
				__builtin_trap();
	}
	struct ev_query_in in = {line[5], line[6],  line[7],  line[8],
				 line[9], line[10], line[11], line[4]};
	if (ev_query_parse(&in, civil_days(2026, 12, 3), &q, &e) == 0 &&
	    (q.last < q.first || q.last - q.first >= EV_RANGE_MAX))
		__builtin_trap();
	arena_release(&a);
	free(buf);
	return 0;
}
