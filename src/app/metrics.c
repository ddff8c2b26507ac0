/* SPDX-License-Identifier: EUPL-1.2 */
/* Prometheus counters and a latency histogram with fixed buckets. */
#include "app/metrics.h"

#include "core/xalloc.h"

#include <stdatomic.h>
#include <stdlib.h>

/* Bucket upper bounds in microseconds, as Prometheus' le labels in seconds. */
static const int64_t bounds_us[] = {500,   1000,   2500,   5000,   10000,   25000,
				    50000, 100000, 250000, 500000, 1000000, 2500000};
#define N_BOUNDS (sizeof(bounds_us) / sizeof(bounds_us[0]))

struct metrics {
	atomic_ullong by_status[600];
	atomic_ullong buckets[N_BOUNDS + 1]; /* the last one is +Inf */
	atomic_ullong sum_us;
	atomic_ullong db_errors;
};

struct metrics *
metrics_new(void)
{
	return xcalloc(1, sizeof(struct metrics));
}

void
metrics_free(struct metrics *m)
{
	free(m);
}

void
metrics_request(struct metrics *m, int status, int64_t duration_us)
{
	size_t i = 0;

	if (status < 100 || status > 599)
		status = 599;
	atomic_fetch_add(&m->by_status[status], 1);
	while (i < N_BOUNDS && duration_us > bounds_us[i])
		i++;
	atomic_fetch_add(&m->buckets[i], 1);
	atomic_fetch_add(&m->sum_us, (unsigned long long)(duration_us > 0 ? duration_us : 0));
}

void
metrics_db_error(struct metrics *m)
{
	atomic_fetch_add(&m->db_errors, 1);
}

void
metrics_render(struct metrics *m, int inflight, struct buf *out)
{
	unsigned long long total = 0;

	buf_adds(out, "# HELP rathaus_http_requests_total HTTP requests by status code.\n"
		      "# TYPE rathaus_http_requests_total counter\n");
	for (int s = 100; s < 600; s++) {
		unsigned long long n = atomic_load(&m->by_status[s]);

		if (n)
			buf_addf(out, "rathaus_http_requests_total{status=\"%d\"} %llu\n", s, n);
	}
	buf_adds(out, "# HELP rathaus_http_request_duration_seconds Time to answer a request.\n"
		      "# TYPE rathaus_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= N_BOUNDS; i++) {
		total += atomic_load(&m->buckets[i]);
		if (i < N_BOUNDS)
			buf_addf(out,
				 "rathaus_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				 (double)bounds_us[i] / 1e6, total);
		else
			buf_addf(out,
				 "rathaus_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
				 total);
	}
	buf_addf(out, "rathaus_http_request_duration_seconds_sum %.6f\n",
		 (double)atomic_load(&m->sum_us) / 1e6);
	buf_addf(out, "rathaus_http_request_duration_seconds_count %llu\n", total);
	buf_addf(out,
		 "# HELP rathaus_db_errors_total Database connection and statement failures.\n"
		 "# TYPE rathaus_db_errors_total counter\nrathaus_db_errors_total %llu\n",
		 atomic_load(&m->db_errors));
	buf_addf(out,
		 "# HELP rathaus_http_requests_in_flight Requests being answered.\n"
		 "# TYPE rathaus_http_requests_in_flight gauge\n"
		 "rathaus_http_requests_in_flight %d\n",
		 inflight);
}
