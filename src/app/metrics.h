/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * metrics: process-wide counters for /metrics in the Prometheus text format:
 * requests by status, a latency histogram, database errors.  Lock-free
 * (atomic counters), so every request can count.
 */
#ifndef RATHAUS_METRICS_H
#define RATHAUS_METRICS_H

#include "core/buf.h"

#include <stdint.h>

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* Count one finished request. */
void metrics_request(struct metrics *m, int status, int64_t duration_us);
/* Count one database failure (connection or statement). */
void metrics_db_error(struct metrics *m);
/* Append the exposition text. */
void metrics_render(struct metrics *m, int inflight, struct buf *out);

#endif
