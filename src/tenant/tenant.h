/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * tenant: the municipalities, districts and portal networks that one
 * installation hosts.  A request belongs to the tenant whose domain is its
 * Host header, or to the one named by a "/t/<slug>/" path prefix.
 *
 * Every storage function for tenant data elsewhere takes a
 * `const struct tenant *` and filters by its id: there is no unscoped read
 * path.  This module reads the tenant table itself; it knows nothing of HTTP.
 */
#ifndef RATHAUS_TENANT_H
#define RATHAUS_TENANT_H

#include "core/arena.h"
#include "core/err.h"

#include <stdbool.h>
#include <stdint.h>

struct db;

enum tenant_kind {
	TENANT_GEMEINDE,
	TENANT_STADT,
	TENANT_SAMTGEMEINDE,
	TENANT_KREIS,
	TENANT_LAND,
	TENANT_NETWORK, /* a portal network, e.g. a district and its members */
};

struct tenant_contact {
	const char *street, *postal_code, *city, *phone, *email, *web;
};

struct tenant {
	int64_t id;
	const char *slug; /* [a-z0-9-], unique */
	const char *name; /* "Hansestadt Lüneburg" */
	enum tenant_kind kind;
	const char *ars;	 /* 12-digit official regional key, "" if none */
	int64_t parent_id;	 /* 0: none */
	const char *parent_slug; /* "" if none */
	const char *host;	 /* own domain, "" if none */
	const char *languages;	 /* "de,en" */
	const char *primary;	 /* theme colour "#rrggbb" */
	const char *logo_text;	 /* short name for the header */
	struct tenant_contact contact;
};

/* Names of kinds as stored ("gemeinde", ..., "portal_network") and as shown. */
const char *tenant_kind_name(enum tenant_kind k);
int tenant_kind_parse(const char *s, enum tenant_kind *out);

/* True when `slug` is 1..63 of [a-z0-9-], not starting or ending with '-'. */
bool tenant_slug_valid(const char *s);

/*
 * Look-ups.  *out lives in arena `a`.  Return 0, ERR_NOTFOUND, or ERR_DB.
 */
int tenant_find_by_host(struct db *db, const char *host, struct arena *a, struct tenant **out,
			struct err *e);
int tenant_find_by_slug(struct db *db, const char *slug, struct arena *a, struct tenant **out,
			struct err *e);

/*
 * All tenants (parent_id < 0) or the members of one (parent_id > 0), by
 * name.  *out is an array of *n tenants in arena `a`.
 */
int tenant_list(struct db *db, int64_t parent_id, struct arena *a, struct tenant **out, size_t *n,
		struct err *e);

/*
 * Insert or update the tenant with t->slug (its parent by t->parent_slug).
 * Sets t->id.  Returns 0, ERR_INVALID (bad slug, kind, ARS or colour, unknown
 * parent) or ERR_DB.  *changed tells whether anything differed.
 */
int tenant_save(struct db *db, struct tenant *t, bool *changed, struct err *e) MUST_CHECK;

/*
 * Read tenants from a JSON document {"tenants": [...]} (data/demo/tenants.json
 * format) and save each, parents first.  *saved and *changed count them.
 */
int tenant_import_json(struct db *db, const char *path, int *saved, int *changed,
		       struct err *e) MUST_CHECK;

/*
 * The tenant cache: every request needs its tenant, and a provider's tenant
 * table is small, so each process keeps a snapshot of the whole table and
 * reloads it when it is older than `ttl_s` seconds.  Instances sharing a
 * database see a change within that time; a name missing from the snapshot
 * reloads it if it is older than a second, so a new tenant is served within
 * a second.  Thread-safe.
 *
 * Tenants returned live in the snapshot, which is kept alive until arena `a`
 * is released.
 */
struct tenant_cache;

struct tenant_cache *tenant_cache_new(int ttl_s);
void tenant_cache_free(struct tenant_cache *c);

/* As tenant_find_by_host() and tenant_find_by_slug(), served from the snapshot. */
int tenant_cache_by_host(struct tenant_cache *c, struct db *db, const char *host, struct arena *a,
			 const struct tenant **out, struct err *e);
int tenant_cache_by_slug(struct tenant_cache *c, struct db *db, const char *slug, struct arena *a,
			 const struct tenant **out, struct err *e);
/* As tenant_list(): all tenants (parent_id < 0) or the members of one. */
int tenant_cache_list(struct tenant_cache *c, struct db *db, int64_t parent_id, struct arena *a,
		      const struct tenant **out, size_t *n, struct err *e);

#endif
