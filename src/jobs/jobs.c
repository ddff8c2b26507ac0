/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The registry of job kinds, one pass over the due jobs, and the worker
 * thread that makes a pass every JOBS_POLL_MS or when nudged.  Jobs run one
 * after the other on the worker's connection: a slow job delays the others
 * of this instance, not those of other instances.
 */
#include "jobs/jobs_int.h"

#include "core/log.h"
#include "core/xalloc.h"
#include "db/db.h"

#include <assert.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct jobs *
jobs_new(struct db_pool *pool)
{
	struct jobs *j = xcalloc(1, sizeof(*j));
	char host[64] = "";

	j->pool = pool;
	j->clock = jobs_wall_clock;
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "localhost");
	snprintf(j->instance, sizeof(j->instance), "%.63s:%ld:%lld", host, (long)getpid(),
		 (long long)time(NULL));
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->wake, NULL);
	return j;
}

void
jobs_free(struct jobs *j)
{
	if (!j)
		return;
	jobs_stop(j);
	pthread_cond_destroy(&j->wake);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

const struct jobs_entry *
jobs_entry_find(const struct jobs *j, const char *name)
{
	for (size_t i = 0; i < j->n_kinds; i++)
		if (strcmp(j->kinds[i].kind->name, name) == 0)
			return &j->kinds[i];
	return NULL;
}

static struct jobs_entry *
add(struct jobs *j, const struct job_kind *k, void *ctx)
{
	struct jobs_entry *en;

	assert(k && k->name && k->run);
	en = (struct jobs_entry *)jobs_entry_find(j, k->name);
	if (en)
		return en;
	if (j->n_kinds == JOBS_KINDS_MAX) {
		log_error("jobs: more than %d kinds; '%s' is not run", JOBS_KINDS_MAX, k->name);
		return NULL;
	}
	en = &j->kinds[j->n_kinds++];
	*en = (struct jobs_entry){.kind = k, .ctx = ctx};
	return en;
}

void
jobs_add_kind(struct jobs *j, const struct job_kind *k, void *ctx)
{
	(void)add(j, k, ctx);
}

void
jobs_add_every(struct jobs *j, const struct job_every *ev, void *ctx)
{
	struct jobs_entry *en = add(j, ev->kind, ctx);

	assert(ev->interval_s > 0);
	if (en)
		en->interval_s = ev->interval_s;
}

void
jobs_token(struct jobs *j, char *out, size_t n)
{
	uint64_t seq;

	pthread_mutex_lock(&j->mu);
	seq = ++j->claims;
	pthread_mutex_unlock(&j->mu);
	snprintf(out, n, "%s:%llu", j->instance, (unsigned long long)seq);
}

int64_t
job_backoff_s(const struct job_kind *k, int attempt)
{
	int64_t d = k->backoff_s > 0 ? k->backoff_s : JOBS_BACKOFF_S;

	for (int i = 1; i < attempt && d < JOBS_BACKOFF_MAX_S; i++)
		d *= 2;
	return d < JOBS_BACKOFF_MAX_S ? d : JOBS_BACKOFF_MAX_S;
}

int64_t
jobs_wall_clock(void)
{
	return (int64_t)time(NULL);
}

int
jobs_run_claimed(struct jobs *j, struct db *db, const struct jobs_entry *en, struct job_claim *c,
		 int64_t now, struct err *e)
{
	const struct job_kind *k = en->kind;
	int max = k->max_attempts > 0 ? k->max_attempts : JOBS_MAX_ATTEMPTS;
	struct job_run r = {
		.db = db,
		.ctx = en->ctx,
		.id = c->id,
		.tenant_id = c->tenant_id,
		.payload = c->payload,
		.attempt = c->attempts,
		.max_attempts = max,
		.now = now,
	};
	struct err je = {0};
	bool kept = false, dead;
	int rc;

	rc = k->run(&r, &je);
	/* The run may have left a transaction open on an error: the outcome is written outside it.
	 */
	db_rollback(db);
	if (rc == 0) {
		rc = jobs_store_done(db, c, j->clock(), en->interval_s, &kept, e);
	} else {
		int64_t later = j->clock();

		/* A recurring job is not given up: it waits for its next interval instead. */
		dead = !c->recurring && (r.give_up || c->attempts >= max);
		if (c->recurring && (r.give_up || c->attempts >= max))
			later += en->interval_s;
		else if (r.retry_at > 0)
			later = r.retry_at; /* the kind keeps its own schedule */
		else
			later += job_backoff_s(k, c->attempts);
		log_warn("jobs: %s %lld attempt %d/%d failed%s: %s", k->name, (long long)c->id,
			 c->attempts, max, dead ? ", giving up" : "", je.detail);
		rc = jobs_store_failed(db, c, j->clock(), later, dead, je.detail, &kept, e);
	}
	if (rc == 0 && !kept)
		log_warn("jobs: %s %lld outlasted its lease of %d s; another claim holds it",
			 k->name, (long long)c->id, k->lease_s > 0 ? k->lease_s : JOBS_LEASE_S);
	return rc;
}

/* Claim and run the due jobs of one kind, a batch at a time. */
static int
run_kind(struct jobs *j, struct db *db, const struct jobs_entry *en, int *ran, struct err *e)
{
	int lease = en->kind->lease_s > 0 ? en->kind->lease_s : JOBS_LEASE_S;
	int64_t ids[JOBS_BATCH];
	size_t n = 0;
	int rc = jobs_store_due(db, en->kind->name, j->clock(), ids, &n, e);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct job_claim c;
		char token[JOBS_TOKEN_MAX];
		/* Each claim at its own time: earlier jobs of the batch took some. */
		int64_t now = j->clock();

		jobs_token(j, token, sizeof(token));
		rc = jobs_store_claim(db, ids[i], token, now, lease, &c, e);
		if (rc == ERR_CONFLICT) { /* another instance was first */
			rc = 0;
			continue;
		}
		if (rc == 0) {
			rc = jobs_run_claimed(j, db, en, &c, now, e);
			(*ran)++;
		}
		jobs_claim_release(&c);
	}
	return rc;
}

int
jobs_run_due(struct jobs *j, struct db *db, int *ran, struct err *e)
{
	int64_t now = j->clock();
	int rc = 0;

	*ran = 0;
	/* The rows of recurring jobs are made on the first pass, then checked now and then. */
	if (j->ensured_at == 0 || now - j->ensured_at >= JOBS_ENSURE_S || now < j->ensured_at) {
		rc = jobs_store_ensure(j, db, now, e);
		if (rc == 0)
			j->ensured_at = now;
	}
	for (size_t i = 0; rc == 0 && i < j->n_kinds; i++)
		rc = run_kind(j, db, &j->kinds[i], ran, e);
	return rc;
}

static void
pass(struct jobs *j)
{
	struct db *db = NULL;
	struct err e = {0};
	int ran = 0;

	if (db_pool_get(j->pool, &db, &e) != 0) {
		log_warn("jobs: no database connection: %s", e.detail);
		return;
	}
	if (jobs_run_due(j, db, &ran, &e) != 0)
		log_warn("jobs: %s", e.detail);
	else if (ran)
		log_debug("jobs: %d run", ran);
	db_pool_put(j->pool, db);
}

static void *
worker(void *arg)
{
	struct jobs *j = arg;

	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		struct timespec until;

		if (!j->nudged) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += (long)(JOBS_POLL_MS % 1000) * 1000000L;
			until.tv_sec += JOBS_POLL_MS / 1000 + until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&j->wake, &j->mu, &until);
		}
		j->nudged = false;
		if (j->stop)
			break;
		pthread_mutex_unlock(&j->mu);
		pass(j);
		pthread_mutex_lock(&j->mu);
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

int
jobs_start(struct jobs *j, struct err *e)
{
	sigset_t all, old;
	int rc;

	if (!j->pool || j->started)
		return err_set(e, ERR_INTERNAL, NULL, "jobs: no pool or started twice");
	j->stop = false;
	/* The worker takes no signals: SIGTERM is for the thread that waits for it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&j->thread, NULL, worker, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return err_set(e, ERR_INTERNAL, NULL, "jobs: cannot start the worker thread");
	j->started = true;
	return 0;
}

void
jobs_stop(struct jobs *j)
{
	if (!j || !j->started)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	j->started = false;
}

void
jobs_nudge(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->nudged = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->mu);
}

int64_t
job_payload_int(const struct job_run *r, const char *key)
{
	json_t *doc = json_loads(r->payload, 0, NULL);
	json_int_t v = json_integer_value(json_object_get(doc, key));

	json_decref(doc);
	return (int64_t)v;
}

int
job_purged(int rc, int64_t n, const char *what)
{
	if (rc == 0 && n)
		log_info("purge: %lld %s removed", (long long)n, what);
	return rc;
}
