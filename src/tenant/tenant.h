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
struct tenant_settings;

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
	/* Values of the settings (tenant_setting_*), NULL: all defaults. */
	const struct tenant_settings *settings;
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

/*
 * Tenant settings: a typed key/value store per tenant (table
 * tenant_setting).  The keys are declared once, in tenant_settings.c, with
 * their type, range, default and label; a key without a row has its
 * default.  The tenant cache loads every tenant's settings with its
 * snapshot, so the getters cost no query; a change reaches every instance
 * within the cache's lifetime.
 */
enum tenant_setting_type {
	TSET_STRING,   /* one line of text, at most max bytes */
	TSET_INT,      /* an integer in [min, max] */
	TSET_BOOL,     /* "1" or "0" */
	TSET_EMAIL,    /* an email address, or "" */
	TSET_DURATION, /* seconds in [min, max]; entered as "30d", "12h", "90m", "45s" */
	TSET_FILE,     /* a file id of the tenant (files.h), or "" */
	TSET_TILES,    /* "https://host/{z}/{x}/{y}.png": map tiles, or "" */
	TSET_POSITION, /* "51.6166, 7.5237": decimal degrees inside Germany, or "" */
	TSET_SECRET,   /* one line kept secret: stored sealed (core/seal.h), never shown back */
};

enum tenant_setting_id {
	TSET_MAIL_FROM_NAME,
	TSET_MAIL_FROM,
	TSET_RETAIN_FORMS,
	TSET_RETAIN_UPLOADS,
	TSET_APPT_PER_PERSON,
	TSET_APPT_WINDOW_DAYS,
	TSET_APPT_LIMIT_EMAIL,
	TSET_APPT_LIMIT_IP,
	TSET_APPT_CONFIRM_MINUTES,
	TSET_FEATURE_FORMS,
	TSET_FEATURE_APPOINTMENTS,
	TSET_FEATURE_NEWS,
	TSET_FEATURE_EVENTS,
	TSET_FEATURE_DEFECTS,
	TSET_LOGO_FILE,
	TSET_CASE_PREFIX,
	TSET_REPORTS_LIMIT_IP,
	TSET_OIDC_ISSUER,
	TSET_OIDC_CLIENT_ID,
	TSET_OIDC_CLIENT_SECRET,
	TSET_OIDC_NAME,
	TSET_OIDC_SCOPES,
	TSET_SAML_METADATA,
	TSET_SAML_NAME,
	TSET_SAML_ATTR_EMAIL,
	TSET_SAML_ATTR_SUBJECT,
	TSET_MAP_TILES,
	TSET_MAP_ATTRIBUTION,
	TSET_MAP_CENTER,
	TSET_COUNT
};

struct tenant_setting_def {
	const char *key; /* as stored and as the form field's name */
	enum tenant_setting_type type;
	const char *def;   /* default, canonical form */
	int64_t min, max;  /* range of INT and DURATION; max bytes of STRING */
	const char *label; /* message-catalogue key of the label; hint: label + "_hint" */
	const char *group; /* message-catalogue key of the form's section */
};

/* The declaration of setting `id`, or of the one named `key` (NULL if none).  Static. */
const struct tenant_setting_def *tenant_setting_def(enum tenant_setting_id id);
const struct tenant_setting_def *tenant_setting_find(const char *key, enum tenant_setting_id *id);

/*
 * Check `input` for setting `id` and write its canonical form into `out`
 * (`cap` bytes).  Returns 0, or ERR_INVALID with e->user the message key
 * saying what is wrong (in German and English in the catalogues).
 */
int tenant_setting_parse(enum tenant_setting_id id, const char *input, char *out, size_t cap,
			 struct err *e) MUST_CHECK;

/* Typed getters: the tenant's value or the default.  Strings are borrowed from the snapshot. */
const char *tenant_setting_str(const struct tenant *t, enum tenant_setting_id id);
int64_t tenant_setting_int(const struct tenant *t, enum tenant_setting_id id);
bool tenant_setting_bool(const struct tenant *t, enum tenant_setting_id id);

/* Read the current settings of `t` from the database (not the cache) into arena `a`. */
int tenant_settings_load(struct db *db, const struct tenant *t, struct arena *a,
			 const struct tenant_settings **out, struct err *e) MUST_CHECK;
/* Attach the stored settings to each of the `n` tenants `v` (the cache's reload). */
int tenant_settings_attach(struct db *db, struct tenant *v, size_t n, struct arena *a,
			   struct err *e) MUST_CHECK;
/* The value of `id` in `s` (NULL: defaults).  Borrowed. */
const char *tenant_settings_value(const struct tenant_settings *s, enum tenant_setting_id id);

/*
 * Store the canonical `value` of `id` for `t` (insert or update), by staff
 * user `user_id` at `now`.  Returns 0, ERR_INVALID for a value
 * tenant_setting_parse() would refuse, or ERR_DB.
 */
int tenant_setting_save(struct db *db, const struct tenant *t, enum tenant_setting_id id,
			const char *value, int64_t user_id, int64_t now, struct err *e) MUST_CHECK;

#endif
