/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of src/jobs share, and what the unit tests drive directly. */
#ifndef RATHAUS_JOBS_INT_H
#define RATHAUS_JOBS_INT_H

#include "jobs/jobs.h"

#include <pthread.h>
#include <stddef.h>

#define JOBS_KINDS_MAX 32
/* Due jobs of one kind claimed per look, so one kind cannot starve the others. */
#define JOBS_BATCH 16
/*
 * The rows of recurring jobs are inserted (if missing) this often: a write on
 * every pass would take SQLite's write lock every second for nothing.
 */
#define JOBS_ENSURE_S 300
/* Claim tokens: "<host>:<pid>:<start>:<n>". */
#define JOBS_TOKEN_MAX 128

struct jobs_entry {
	const struct job_kind *kind;
	void *ctx;
	int interval_s; /* > 0: recurring */
};

struct jobs {
	struct db_pool *pool;	/* NULL: no worker */
	int64_t (*clock)(void); /* Unix seconds; tests set their own */
	struct jobs_entry kinds[JOBS_KINDS_MAX];
	size_t n_kinds;
	char instance[JOBS_TOKEN_MAX - 24]; /* this process, for claim tokens */
	uint64_t claims;		    /* claims made, under mu */
	int64_t ensured_at;		    /* when the recurring rows were last made sure of */
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t thread;
	bool started, stop, nudged;
};

/* A claimed job, as loaded after the claim; text lives in the struct. */
struct job_claim {
	int64_t id;
	int64_t tenant_id;
	int attempts; /* including this one */
	bool recurring;
	char token[JOBS_TOKEN_MAX];
	char *payload; /* freed by jobs_claim_release() */
};

/* Unix seconds from time(). */
int64_t jobs_wall_clock(void);

/* The entry of kind `name`, or NULL. */
const struct jobs_entry *jobs_entry_find(const struct jobs *j, const char *name);

/* A token unique to one claim by this process. */
void jobs_token(struct jobs *j, char *out, size_t n);

/* Insert the row of every recurring kind unless it exists. */
int jobs_store_ensure(struct jobs *j, struct db *db, int64_t now, struct err *e) MUST_CHECK;

/* Ids of up to JOBS_BATCH due, unclaimed jobs of `kind` at `now`, oldest first. */
int jobs_store_due(struct db *db, const char *kind, int64_t now, int64_t *ids, size_t *n,
		   struct err *e) MUST_CHECK;

/*
 * Claim job `id` with `token` until now + lease_s.  Returns 0 with *c filled,
 * ERR_CONFLICT when another claim holds it, it is not due or gone, or ERR_DB.
 */
int jobs_store_claim(struct db *db, int64_t id, const char *token, int64_t now, int lease_s,
		     struct job_claim *c, struct err *e) MUST_CHECK;
void jobs_claim_release(struct job_claim *c);

/*
 * Finish a run of claim `c`: done (delete, or move a recurring job to
 * now + interval_s), or failed with `error` (retry at `retry_at`, or 'dead'
 * when `dead`).  Only the holder of the claim may finish it: *kept is false
 * when the lease was taken over meanwhile.  Returns 0 or ERR_DB.
 */
int jobs_store_done(struct db *db, const struct job_claim *c, int64_t now, int interval_s,
		    bool *kept, struct err *e) MUST_CHECK;
int jobs_store_failed(struct db *db, const struct job_claim *c, int64_t now, int64_t retry_at,
		      bool dead, const char *error, bool *kept, struct err *e) MUST_CHECK;

/* Run one claimed job of entry `en` and record the outcome. */
int jobs_run_claimed(struct jobs *j, struct db *db, const struct jobs_entry *en,
		     struct job_claim *c, int64_t now, struct err *e) MUST_CHECK;

#endif
