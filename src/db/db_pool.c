/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The connection pool: at most `max` connections, opened when first needed
 * and kept on a LIFO stack while idle, so the busiest few stay warm.
 * Connections are opened and repaired outside the mutex, which only guards
 * the counters and the stack.  A PostgreSQL connection that broke while
 * borrowed is reconnected on db_pool_put(); one that dies while idle (a
 * server restart) fails its next query once, and is then repaired the same way.
 */
#include "db/db_int.h"

#include "core/log.h"
#include "core/xalloc.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed; /* a connection came back or a slot was given up */
	char *url;
	int max;	  /* connections at most */
	int n_open;	  /* open or being opened, idle or borrowed */
	int n_idle;	  /* on the stack */
	struct db **idle; /* max entries, the most recently used on top */
};

int
db_pool_new(const char *url, int max, struct db_pool **out, struct err *e)
{
	const struct db_ops *ops = NULL;
	const char *target = NULL;
	struct db_pool *p;
	int rc;

	assert(url && out);
	*out = NULL;
	if (max < 1)
		return err_set(e, ERR_INVALID, DB_USER_INVALID, "pool of %d connections", max);
	/* Nothing is opened yet, but a wrong URL should fail at start-up. */
	rc = db_url_ops(url, &ops, &target, e);
	if (rc != 0)
		return rc;
	p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->url = xstrdup(url);
	p->max = max;
	p->idle = xcalloc((size_t)max, sizeof(*p->idle));
	*out = p;
	return 0;
}

void
db_pool_free(struct db_pool *p)
{
	if (!p)
		return;
	assert(p->n_idle == p->n_open); /* every connection was put back */
	for (int i = 0; i < p->n_idle; i++)
		db_close(p->idle[i]);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p->idle);
	free(p->url);
	free(p);
}

/* Give up a slot whose connection failed to open or was closed. */
static void
release_slot(struct db_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->n_open--;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

int
db_pool_get(struct db_pool *p, struct db **out, struct err *e)
{
	int rc;

	assert(p && out);
	*out = NULL;
	pthread_mutex_lock(&p->lock);
	while (p->n_idle == 0 && p->n_open >= p->max)
		pthread_cond_wait(&p->freed, &p->lock);
	if (p->n_idle > 0) {
		*out = p->idle[--p->n_idle];
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	p->n_open++; /* the slot is ours while we connect */
	pthread_mutex_unlock(&p->lock);
	rc = db_open(p->url, out, e);
	if (rc != 0)
		release_slot(p);
	return rc;
}

void
db_pool_put(struct db_pool *p, struct db *db)
{
	struct err e;

	if (!db)
		return;
	err_clear(&e);
	if (db_recycle(db, &e) != 0) {
		log_error("db: closing a broken connection: %s", e.detail);
		db_close(db);
		release_slot(p);
		return;
	}
	pthread_mutex_lock(&p->lock);
	assert(p->n_idle < p->n_open);
	p->idle[p->n_idle++] = db;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}
