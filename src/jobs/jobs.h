/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * jobs: background work stored in the database (table `job`), run by one
 * worker thread per `rathaus serve` instance or by `rathaus jobs run`.
 *
 * A job has a kind (a static struct job_kind registered at start-up), an
 * optional tenant, a JSON payload and a time to run.  Any instance may run
 * any due job of a kind it knows: it claims the row with a conditional
 * UPDATE that sets a lease (claimed_by, claimed_until), so with several
 * instances on one PostgreSQL each job runs once; when an instance dies, its
 * lease runs out and another takes the job over.  A job that fails is tried
 * again after an exponential backoff, and is kept as 'dead' with its last
 * error after the kind's max attempts.  A job whose run outlasts its lease
 * may run twice: keep runs well below `lease_s`.
 *
 * Recurring jobs (struct job_every) are one row per installation, moved to
 * their next run after each one.
 *
 * jobs is below the features: it uses core and db only, never app or HTTP.
 */
#ifndef RATHAUS_JOBS_H
#define RATHAUS_JOBS_H

#include "core/err.h"

#include <stdbool.h>
#include <stdint.h>

struct db;
struct db_pool;
struct jobs;

/* What a job's run function sees. */
struct job_run {
	struct db *db;	     /* a connection of the worker, no transaction open */
	void *ctx;	     /* the pointer given to jobs_add_kind() */
	int64_t id;	     /* the job row */
	int64_t tenant_id;   /* 0: installation-wide */
	const char *payload; /* JSON text, borrowed for the run */
	int attempt;	     /* 1 on the first run */
	int max_attempts;    /* the kind's */
	int64_t now;	     /* Unix seconds when the run started */
	bool give_up;	     /* set with an error: no more attempts (a permanent failure) */
	int64_t retry_at;    /* set with an error: try again then (0: the kind's backoff) */
};

struct job_kind {
	const char *name; /* "mail.deliver": [a-z0-9._-], unique */
	/* Do the work.  Returns 0, or an error (detail in `e`) to try again later. */
	int (*run)(struct job_run *r, struct err *e);
	int max_attempts; /* then the job is 'dead'; 0: JOBS_MAX_ATTEMPTS */
	int lease_s;	  /* a claim lasts this long; 0: JOBS_LEASE_S */
	int backoff_s;	  /* the first retry waits this long, each next twice as long; 0: 30 */
};

/* A recurring job: one per installation, every `interval_s` seconds. */
struct job_every {
	const struct job_kind *kind;
	int interval_s;
};

/*
 * A recurring job of its own kind with the default attempts, lease and
 * backoff, for a feature's .job (file scope only: inside a function the
 * compound literal would not outlive the call):
 *	.job = JOB_EVERY("forms.purge", purge, 600),
 */
#define JOB_EVERY(kind_name, fn, every_s)                                                          \
	(&(const struct job_every){&(const struct job_kind){.name = (kind_name), .run = (fn)},     \
				   (every_s)})

/* The integer member `key` of the run's JSON payload; 0 when it has none. */
int64_t job_payload_int(const struct job_run *r, const char *key);

/*
 * The end of a clean-up run: logs "purge: <n> <what> removed" when `rc` is
 * 0 and `n` is not, and returns `rc`.
 *	rc = session_purge(r->db, &n, e);
 *	return job_purged(rc, n, "expired sessions");
 */
int job_purged(int rc, int64_t n, const char *what);

#define JOBS_MAX_ATTEMPTS 10
#define JOBS_LEASE_S 300
#define JOBS_BACKOFF_S 30
/* No retry waits longer than this. */
#define JOBS_BACKOFF_MAX_S 3600
/* The worker looks for due jobs this often (and at once when nudged). */
#define JOBS_POLL_MS 1000

/*
 * A registry of kinds and, with a pool, a worker that jobs_start() starts.
 * `pool` may be NULL (tests, one-shot runs).  Caller frees with jobs_free().
 */
struct jobs *jobs_new(struct db_pool *pool);
void jobs_free(struct jobs *j); /* stops the worker; NULL is a no-op */

/*
 * Registration, at start-up before jobs_start(): `k` and `ev` are borrowed
 * for the life of `j` (static structs).  `ctx` is handed to the run function.
 * jobs_add_every() adds its kind too.  A kind that is not added is not run
 * here: its jobs stay queued for an instance that knows it.
 */
void jobs_add_kind(struct jobs *j, const struct job_kind *k, void *ctx);
void jobs_add_every(struct jobs *j, const struct job_every *ev, void *ctx);

/*
 * Queue a job of kind `kind` for tenant `tenant_id` (0: none) with JSON
 * `payload` (NULL: "{}") to run at `run_at` (Unix seconds; 0: now).  Runs
 * on the caller's connection, so inside the caller's transaction the job
 * exists only if that commits.  *id (may be NULL) is the new row's.
 * Returns 0, ERR_INVALID (bad kind name) or ERR_DB.
 */
int job_enqueue(struct db *db, const char *kind, int64_t tenant_id, const char *payload,
		int64_t run_at, int64_t *id, struct err *e) MUST_CHECK;

/*
 * One pass on `db`: make sure the recurring jobs exist, then claim and run
 * the due jobs of every added kind.  *ran counts the runs.  Returns 0 or
 * ERR_DB (the pass stops at the first storage error).
 */
int jobs_run_due(struct jobs *j, struct db *db, int *ran, struct err *e) MUST_CHECK;

/* Start / stop the worker thread (needs a pool).  Returns 0 or ERR_INTERNAL. */
int jobs_start(struct jobs *j, struct err *e) MUST_CHECK;
void jobs_stop(struct jobs *j);

/* Wake the worker now, e.g. after committing a new job; NULL is a no-op. */
void jobs_nudge(struct jobs *j);

/* Seconds to wait before attempt `attempt` + 1 after attempt `attempt` failed. */
int64_t job_backoff_s(const struct job_kind *k, int attempt);

#endif
