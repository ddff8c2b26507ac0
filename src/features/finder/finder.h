/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * finder: which authority handles a service for a place.  A citizen names a
 * concern (a service) and a place (a Gemeinde of the regions); the finder
 * walks the place's chain Gemeinde > Gemeindeverband > Kreis >
 * Regierungsbezirk > Land > Bund from the service's level upwards and
 * answers with the responsible tenant, its office and why.
 *
 * The resolution (finder_resolve.c) is pure: it takes the service level,
 * the place, the tenants that could answer and the responsibilities by
 * area, and touches no database, so the table of cases in
 * tests/unit/finder_test.c runs it directly.  finder_answer() gathers those
 * inputs from storage; finder_register() adds the pages and the API.
 */
#ifndef RATHAUS_FINDER_H
#define RATHAUS_FINDER_H

#include "app/feature.h"
#include "core/arena.h"
#include "core/err.h"
#include "features/regions/region.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum finder_level {
	FINDER_GEMEINDE,
	FINDER_VERBAND,
	FINDER_KREIS,
	FINDER_RB,
	FINDER_LAND,
	FINDER_BUND,
	FINDER_N_LEVELS,
};

/* "gemeinde", "verband", "kreis", "rb", "land", "bund". */
const char *finder_level_name(enum finder_level l);
/* A service level as stored ("bund", "land", "kreis", "gemeinde"; "" counts as gemeinde). */
enum finder_level finder_level_of_service(const char *level);

/* One authority area above a place; areas with the same key are merged. */
struct finder_area {
	char ars[REGION_ARS_LEN + 1]; /* the area's key padded with zeros; Bund "000000000000" */
	unsigned levels;	      /* 1 << enum finder_level for every level it stands for */
	const char *name;	      /* "Samtgemeinde Bardowick", "Landkreis Lüneburg" */
};

/*
 * The areas of place `g` from the Gemeinde up to the Bund, merged where two
 * levels share a key (kreisfreie Städte, city states).  Names live in `a`.
 * Returns how many (at most FINDER_N_LEVELS).
 */
size_t finder_chain(const struct region *g, struct arena *a, struct finder_area *out);

/* A tenant that could be responsible. */
struct finder_tenant {
	int64_t id;
	const char *ars; /* its area */
	bool offers;	 /* it offers the service */
};

/* A responsibility by area: for places below `area`, `tenant_id` handles it. */
struct finder_rule {
	const char *area; /* ARS prefix of 2, 3, 5, 9 or 12 digits */
	int64_t tenant_id;
	const char *office_slug; /* "" : the tenant's responsible office */
	const char *online_url;	 /* "" if none */
	const char *note;	 /* why, for the reader; "" if none */
	bool for_service;	 /* names this service, not every service of its level */
};

/*
 * A Land or federal authority of the knowledge base (data/responsibility/):
 * a place to go that is no tenant.  Empty strings where unknown.
 */
struct finder_authority {
	const char *key, *name, *street, *postal_code, *city, *web, *online_url;
};

/*
 * A rule of the knowledge base: for services whose key begins with `leika`
 * (5, 8, 11 or 14 digits) in area `land` (a Land's two digits, a
 * Regierungsbezirk's three or a Kreis's five; "" every Land) the level that
 * executes it, or the named `authority`.  `town_task`: towns listed for
 * that task (große selbständige Städte, ...) do the Kreis's work
 * themselves, and so do Gemeindeverbände listed for it (a Samtgemeinde
 * with its own housing benefit office) for all their members.  `certain`
 * false: the level is the one the finder is sure of, the exact authority
 * is not known.
 */
struct finder_kb_rule {
	const char *leika, *land, *level, *town_task, *online_url, *note, *source;
	const struct finder_authority *authority; /* NULL: the level's local authority */
	bool certain;
};

struct finder_input {
	const char *level; /* the service's level as stored */
	const char *leika; /* the service's key; NULL or "" ignores the knowledge base */
	const struct region *place;
	const struct finder_tenant *tenants;
	size_t n_tenants;
	const struct finder_rule *rules;
	size_t n_rules;
	const struct finder_kb_rule *kb; /* knowledge-base rules, any order */
	size_t n_kb;
	const char *const *town_tasks; /* tasks the place's Gemeinde takes over */
	size_t n_town_tasks;
	const char *const *verband_tasks; /* tasks its Gemeindeverband takes over for its members */
	size_t n_verband_tasks;
};

enum finder_why {
	FINDER_WHY_RULE,       /* a responsibility by area */
	FINDER_WHY_LEVEL,      /* the authority of the service's level */
	FINDER_WHY_VERBAND,    /* member of a Samtgemeinde, Amt, ...: its administration */
	FINDER_WHY_KREISFREI,  /* kreisfreie Stadt: the city does the district's work */
	FINDER_WHY_CITY_STATE, /* Berlin, Hamburg: Land and municipality in one */
	FINDER_WHY_UP,	       /* the level has no authority here: the next one above */
	FINDER_WHY_ELSEWHERE,  /* the authority is not in this installation */
	FINDER_WHY_AUTHORITY,  /* a Land or federal authority named by the knowledge base */
	FINDER_WHY_TOWN,       /* a town, or its Gemeindeverband, does this task of the Kreis */
	FINDER_WHY_UNKNOWN,    /* the exact authority is not known; the level's is named */
};

struct finder_result {
	enum finder_why why;
	enum finder_level level;		   /* the service's level */
	struct finder_area chain[FINDER_N_LEVELS]; /* the place's areas */
	size_t n_chain;
	size_t area;				  /* index into chain: the responsible area */
	const struct finder_tenant *tenant;	  /* NULL for FINDER_WHY_ELSEWHERE */
	const struct finder_rule *rule;		  /* for FINDER_WHY_RULE */
	const struct finder_kb_rule *kb;	  /* the knowledge-base rule applied, or NULL */
	const struct finder_authority *authority; /* for FINDER_WHY_AUTHORITY */
};

/* The most specific knowledge-base rule for the input's service and Land, or NULL. */
const struct finder_kb_rule *finder_kb_best(const struct finder_input *in);

/* Resolve; everything `out` points to lives in `in` or `a`. */
void finder_resolve(const struct finder_input *in, struct arena *a, struct finder_result *out);

/* ---- Storage (finder_store.c) ---------------------------------------- */

struct db;
struct office;
struct tenant;
struct search_cache;
struct tenant_cache;

struct finder_service {
	const char *leika, *title, *slug, *level;
};

struct finder_answer {
	struct region *place;
	struct finder_service service;
	struct finder_result result;
	const struct tenant *tenant; /* the responsible tenant, NULL when elsewhere */
	struct office *office;	     /* its office, NULL when it has none */
	const char *online_url;	     /* "" if none */
};

/* The knowledge base in memory, one per process (finder_kb_cache.c). */
struct finder_kb_cache;

struct finder_kb_cache *finder_kb_cache_new(void);
void finder_kb_cache_free(struct finder_kb_cache *c);

/* At most this many knowledge-base rules match one service (4 prefixes x 4 areas). */
#define FINDER_KB_MAX 16
/* Tasks read for a place and its Verband together. */
#define FINDER_TOWN_TASKS 16

/*
 * The knowledge-base rules for service `leika` (its key or group prefixes)
 * in place `g`'s Land, Regierungsbezirk or Kreis, and the tasks the place
 * and its Gemeindeverband take over, into in->kb and in->town_tasks and
 * in->verband_tasks (in `a`, valid until it is released).  0 or ERR_DB.
 */
int finder_kb_lookup(struct finder_kb_cache *c, struct db *db, const char *leika,
		     const struct region *g, struct arena *a, struct finder_input *in,
		     struct err *e);

/*
 * The answer for service `leika` at place `ars`, among all tenants of the
 * installation, with the knowledge base `kc`.  Returns 0, ERR_NOTFOUND with
 * the user message "finder.unknown_place" or "finder.unknown_service", or
 * ERR_DB.
 */
int finder_answer(struct db *db, struct tenant_cache *tc, struct finder_kb_cache *kc,
		  const char *leika, const char *ars, struct arena *a, struct finder_answer *out,
		  struct err *e);

/*
 * The concern lookup: services matching what the citizen typed, `q`, through
 * the citizen search of tenant `t`'s scope (a network's members included),
 * best first, at most `max`.  Only one when exactly one title begins with
 * the words typed and it ranks first.  Returns 0, ERR_DB or ERR_IO.
 */
int finder_concerns(struct search_cache *sc, struct db *db, const struct tenant *t, const char *q,
		    size_t max, struct arena *a, struct finder_service **out, size_t *n,
		    struct err *e);

/*
 * `rathaus import responsibility-rules DIR`: authorities.csv, rules.csv and
 * towns.csv of `dir` (data/responsibility/) replace the stored knowledge
 * base, all or nothing.  Every rule needs a source and a date.  Returns 0,
 * ERR_IO, ERR_INVALID ("file:line: ...") or ERR_DB.
 */
struct finder_kb_stats {
	int authorities, rules, towns;
};
int finder_kb_import(struct db *db, const char *dir, struct finder_kb_stats *st, struct err *e);

/* ---- Pages and API (finder_routes.c, finder_api.c) ---------------------- */

struct app;
extern const struct feature finder_feature;
void finder_api_register(struct app *app);

#endif
