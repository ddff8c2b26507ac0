/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The responsibility knowledge base in memory: every rule with its named
 * authority and every town task, read once per process and import, so an
 * answer of the finder reads none of them from the database.  The import
 * raises responsibility_kb_version in its transaction; each process reads
 * that version at most once a second and loads the rules again when it
 * moved, so a new import answers everywhere within a second.  Copies are
 * reference-counted and held until the request's arena is released.
 */
#include "features/finder/finder.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "features/regions/region.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct kb_town {
	const char *ars, *task;
};

struct kb_snap {
	atomic_int refs;
	struct arena a;
	int64_t version;
	struct finder_kb_rule *rules;
	struct kb_town *towns;
	size_t n_rules, n_towns, cap_rules, cap_towns;
};

struct finder_kb_cache {
	pthread_mutex_t mu;	 /* snap, checked_s */
	pthread_mutex_t load_mu; /* one load at a time */
	struct kb_snap *snap;
	int64_t checked_s; /* when the version was last read, monotonic seconds */
};

static void
snap_unref(struct kb_snap *s)
{
	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		arena_release(&s->a);
		free(s->rules);
		free(s->towns);
		free(s);
	}
}

static void
snap_release(void *p)
{
	snap_unref(p);
}

struct finder_kb_cache *
finder_kb_cache_new(void)
{
	struct finder_kb_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->load_mu, NULL);
	return c;
}

void
finder_kb_cache_free(struct finder_kb_cache *c)
{
	if (!c)
		return;
	snap_unref(c->snap);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->load_mu);
	free(c);
}

/* ---- Loading ------------------------------------------------------------- */

/* Room for one more item of `size` bytes in the malloc'd array *v of *n, *cap. */
static void *
grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 256;
	return xrealloc(v, *cap * size);
}

static int
read_rule(struct db_stmt *st, void *ctx, struct err *e)
{
	struct kb_snap *s = ctx;
	struct finder_kb_rule *k;
	struct finder_authority *au;

	(void)e;
	s->rules = grow(s->rules, s->n_rules, &s->cap_rules, sizeof(*s->rules));
	k = &s->rules[s->n_rules++];
	db_cols_dup(st, 0, &s->a, &k->leika, &k->land, &k->level, &k->town_task, &k->online_url,
		    &k->note, &k->source);
	k->certain = db_col_int64(st, 7) != 0;
	k->authority = NULL;
	if (db_col_len(st, 8) > 0) {
		au = arena_calloc(&s->a, 1, sizeof(*au));
		db_cols_dup(st, 8, &s->a, &au->key, &au->name, &au->street, &au->postal_code,
			    &au->city, &au->web, &au->online_url);
		k->authority = au;
	}
	return 0;
}

static int
read_town(struct db_stmt *st, void *ctx, struct err *e)
{
	struct kb_snap *s = ctx;

	(void)e;
	s->towns = grow(s->towns, s->n_towns, &s->cap_towns, sizeof(*s->towns));
	db_cols_dup(st, 0, &s->a, &s->towns[s->n_towns].ars, &s->towns[s->n_towns].task);
	s->n_towns++;
	return 0;
}

static struct kb_snap *
snap_load(struct db *db, int64_t version, struct err *e)
{
	static const char rules_sql[] =
		"SELECT r.leika, r.land, r.level, r.town_task, r.online_url, r.note, r.source, "
		"r.certain, COALESCE(au.key, ''), COALESCE(au.name, ''), COALESCE(au.street, ''), "
		"COALESCE(au.postal_code, ''), COALESCE(au.city, ''), COALESCE(au.web, ''), "
		"COALESCE(au.online_url, '') FROM responsibility_rule r "
		"LEFT JOIN authority au ON au.key = r.authority";
	static const char towns_sql[] = "SELECT ars, task FROM responsibility_town";
	struct kb_snap *s = xcalloc(1, sizeof(*s));
	int rc;

	atomic_init(&s->refs, 1);
	arena_init(&s->a);
	s->version = version;
	rc = db_each(db, e, rules_sql, read_rule, s);
	if (rc == 0)
		rc = db_each(db, e, towns_sql, read_town, s);
	if (rc) {
		snap_unref(s);
		return NULL;
	}
	log_debug("finder: knowledge base version %lld, %zu rules, %zu town tasks",
		  (long long)version, s->n_rules, s->n_towns);
	return s;
}

/* The copy of `version` with a reference for the caller, loading it if no one has. */
static struct kb_snap *
snap_of_version(struct finder_kb_cache *c, struct db *db, int64_t version, struct err *e)
{
	struct kb_snap *s, *old = NULL;

	pthread_mutex_lock(&c->load_mu);
	pthread_mutex_lock(&c->mu);
	s = c->snap && c->snap->version == version ? c->snap : NULL;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&c->mu);
	if (!s && (s = snap_load(db, version, e))) {
		atomic_fetch_add(&s->refs, 1); /* the cache's and the caller's */
		pthread_mutex_lock(&c->mu);
		old = c->snap;
		c->snap = s;
		pthread_mutex_unlock(&c->mu);
	}
	pthread_mutex_unlock(&c->load_mu);
	snap_unref(old);
	return s;
}

/* The current copy, held until `a` is released; NULL with e set when none can be read. */
static struct kb_snap *
snap_get(struct finder_kb_cache *c, struct db *db, struct arena *a, struct err *e)
{
	static const char version_sql[] =
		"SELECT version FROM responsibility_kb_version WHERE id = 1";
	int64_t now = clock_mono_s(), version = 0;
	struct kb_snap *s;
	bool check;

	pthread_mutex_lock(&c->mu);
	s = c->snap;
	check = !s || now - c->checked_s >= 1;
	if (check)
		c->checked_s = now;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&c->mu);
	if (check) {
		if (db_int64(db, e, &version, version_sql)) {
			if (s)
				log_warn("finder: knowledge base version unread, the copy serves: "
					 "%s",
					 e->detail);
		} else if (!s || s->version != version) {
			snap_unref(s);
			s = snap_of_version(c, db, version, e);
		}
	}
	if (s) {
		err_clear(e);
		arena_defer(a, snap_release, s);
	}
	return s;
}

/* ---- Reading ------------------------------------------------------------- */

/* Whether rule key `k` is `leika` or its group's 5, 8 or 11 digits. */
static bool
key_covers(const char *k, const char *leika)
{
	size_t n = strlen(k);

	return (n == 5 || n == 8 || n == 11 || n == 14) && strncmp(leika, k, n) == 0;
}

/* Whether area `land` ("" for every Land) is the place's Land, Regierungsbezirk or Kreis. */
static bool
area_covers(const char *land, const struct region *g)
{
	size_t n = strlen(land);

	if (n == 0)
		return true;
	if (n == 2)
		return strcmp(land, g->land) == 0;
	return (n == 3 || n == 5) && strncmp(g->ars, land, n) == 0;
}

int
finder_kb_lookup(struct finder_kb_cache *c, struct db *db, const char *leika,
		 const struct region *g, struct arena *a, struct finder_input *in, struct err *e)
{
	struct kb_snap *s = snap_get(c, db, a, e);
	struct finder_kb_rule *kb;
	const char **town, **verband;
	size_t n = 0, nt = 0, nv = 0;

	if (!s)
		return e->code ? e->code : ERR_DB;
	kb = arena_alloc(a, FINDER_KB_MAX * sizeof(*kb));
	for (size_t i = 0; i < s->n_rules && n < FINDER_KB_MAX; i++)
		if (key_covers(s->rules[i].leika, leika) && area_covers(s->rules[i].land, g))
			kb[n++] = s->rules[i];
	town = arena_alloc(a, FINDER_TOWN_TASKS * sizeof(*town));
	verband = arena_alloc(a, FINDER_TOWN_TASKS * sizeof(*verband));
	for (size_t i = 0; i < s->n_towns && nt + nv < FINDER_TOWN_TASKS; i++) {
		const struct kb_town *t = &s->towns[i];

		if (strcmp(t->ars, g->ars) == 0)
			town[nt++] = t->task;
		else if (strlen(t->ars) == 9 && strncmp(g->ars, t->ars, 9) == 0)
			verband[nv++] = t->task;
	}
	in->kb = kb;
	in->n_kb = n;
	in->town_tasks = town;
	in->n_town_tasks = nt;
	in->verband_tasks = verband;
	in->n_verband_tasks = nv;
	return 0;
}
