/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * svc: the service catalogue.  A service (Leistung) is keyed by its 14-digit
 * LeiKa key.  Its base description (title, text modules, legal basis,
 * synonyms) is shared by all tenants; a tenant offers a subset of services
 * and may add to or replace text modules.  The taxonomy (14 OZG
 * Themenfelder, Lebens- and Unternehmenslagen, OZG-Leistungen) is imported
 * from data, never hard-coded.
 *
 * Reads of what a tenant offers take `const struct tenant *`; the shared
 * base catalogue has no tenant.  svc knows nothing of HTTP or templates.
 */
#ifndef RATHAUS_SVC_H
#define RATHAUS_SVC_H

#include "core/arena.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* Text modules (after XZuFi modulText), stored by these names. */
enum svc_module {
	SVC_SHORT,	     /* "short": Kurztext */
	SVC_FULL,	     /* "full": Volltext */
	SVC_REQUIREMENTS,    /* "requirements": Voraussetzungen */
	SVC_DOCUMENTS,	     /* "documents": erforderliche Unterlagen */
	SVC_FEES,	     /* "fees": Kosten */
	SVC_DEADLINES,	     /* "deadlines": Fristen */
	SVC_PROCESSING_TIME, /* "processing_time": Bearbeitungsdauer */
	SVC_PROCEDURE,	     /* "procedure": Verfahrensablauf */
	SVC_NOTES,	     /* "notes": Hinweise */
	SVC_ONLINE,	     /* "online": online erledigen */
	SVC_N_MODULES,
};

const char *svc_module_name(enum svc_module m);
int svc_module_parse(const char *s, enum svc_module *out);

/* True when `s` is exactly 14 ASCII digits. */
bool svc_leika_valid(const char *s);

/*
 * The executing level of a service from its LeiKa Typisierung and key:
 * "bund" (1), "land" (2, 4), else a municipal level: "kreis" when the
 * key's service group (digits 3-5) is listed in the group table read by
 * svc_import_leika() (data/leika/kreis_groups.csv), else "gemeinde".
 */

struct svc_import_stats {
	int themenfelder, lagen, ozg_leistungen; /* rows read */
	int added, changed, unchanged;		 /* services (or descriptions) */
	int skipped;				 /* rows without a usable key */
};

/*
 * Import the LeiKa/OZG catalogue from directory `dir` (themenfelder.csv,
 * lebenslagen.csv, ozg_leistungen.csv, leika_leistungen.csv,
 * kreis_groups.csv as in data/leika/).  Idempotent: a second run changes
 * nothing and says so in `st`.  All or nothing (one transaction).
 */
int svc_import_leika(struct db *db, const char *dir, struct svc_import_stats *st,
		     struct err *e) MUST_CHECK;

/*
 * Import authored descriptions (data/services/descriptions.json): title,
 * synonyms, text modules, legal basis, sources, level for services that
 * exist.  Idempotent like svc_import_leika().
 */
int svc_import_descriptions(struct db *db, const char *path, struct svc_import_stats *st,
			    struct err *e) MUST_CHECK;

/*
 * Export the descriptions of all services that have authored texts, in the
 * format svc_import_descriptions() reads.  Returns 0 or ERR_IO/ERR_DB.
 */
int svc_export_descriptions(struct db *db, const char *path, int *n, struct err *e) MUST_CHECK;

/*
 * Let tenant `t` offer every service of the levels in `levels` (a
 * comma-separated list such as "gemeinde,land,bund") as published; *n counts
 * services newly offered.  Idempotent.
 */
int svc_offer_levels(struct db *db, const struct tenant *t, const char *levels, int *n,
		     struct err *e) MUST_CHECK;

/*
 * The condition under which a row `ts` of tenant_service is shown to the
 * public: the one place that decides, for lists, pages and the search index.
 */
#define SVC_VISIBLE "ts.status = 'published'"

/* Reading what a tenant offers.  Everything lives in arena `a`. */

struct svc_link {
	const char *title;
	const char *url; /* "" when there is none */
};

struct svc {
	const char *leika, *title, *slug, *leika_name, *objekt, *verrichtung, *typisierung;
	const char *level;	/* bund, land, kreis, gemeinde or "" */
	const char *reviewed;	/* date of the last editorial review, "" if none */
	const char *online_url; /* the tenant's online service, "" if none */
	const char *ozg_id, *ozg_name;
	const char *lage_slug, *lage_name, *lage_kind, *themenfeld_slug, *themenfeld_name;
	const char *text[SVC_N_MODULES]; /* Markdown with the tenant's layer applied; "" if none */
	struct svc_link *legal, *sources;
	size_t n_legal, n_sources;
	const char **synonyms;
	size_t n_synonyms;
};

/* A row of a list. */
struct svc_item {
	const char *leika, *title, *slug, *short_text, *level;
	/* From the read model only, else NULL: "/leistungen/<slug>-<leika>", and the
	 * members leika, title, short_text and level as compact JSON ("\"leika\":...") */
	const char *path, *json;
	const char *short_html; /* short_text as HTML, from the read model for lists, else NULL */
};

struct svc_filter {
	const char *themenfeld; /* slug, or NULL */
	const char *lage;	/* slug, or NULL */
	const char *q;		/* words in the title or synonyms, or NULL */
	char letter;		/* 'A'..'Z' for the A-Z index, or 0 */
	bool described_only;	/* only services with an authored short text */
	bool no_text;		/* leave short_text "" (lists that show no text) */
	bool json;		/* the items' json too, where the read model gives it */
	int64_t offset, limit;
};

/*
 * The published services tenant `t` offers that match `f`, by title.
 * *total counts all matches (unless `total` is NULL), *n those returned.
 * Returns 0 or ERR_DB.
 */
int svc_list(struct db *db, const struct tenant *t, const struct svc_filter *f, struct arena *a,
	     struct svc_item **out, size_t *n, int64_t *total, struct err *e);

/* The service `leika` as tenant `t` offers it, or ERR_NOTFOUND. */
int svc_find(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
	     struct svc **out, struct err *e);

/* A Themenfeld or Lage with the number of services the tenant offers in it. */
struct svc_topic {
	int64_t id;
	const char *slug, *name,
		*kind; /* kind: themenfeld, lebenslage, unternehmenslage, querschnitt */
	int64_t count;
};

/*
 * The Themenfelder (kind "themenfeld") or Lagen of one kind ("lebenslage",
 * "unternehmenslage") with their counts for tenant `t`, by name; topics
 * without services are left out.
 */
int svc_topics(struct db *db, const struct tenant *t, const char *kind, struct arena *a,
	       struct svc_topic **out, size_t *n, struct err *e);
/*
 * Recount the services tenant `t` offers per topic (what svc_topics()
 * reads).  Call after every change of a tenant's offer or of the taxonomy.
 */
int svc_refresh_topics(struct db *db, const struct tenant *t, struct err *e) MUST_CHECK;

/*
 * The baseline for measurements of the search: the database's own full-text
 * search (PostgreSQL to_tsvector('german')/plainto_tsquery, SQLite FTS5
 * unicode61) over title, synonyms and texts of the scope's services
 * (svc_fts.c).  Up to `limit` LeiKa keys, best first, into keys (each a
 * string in `a`).  *name says which one ran.
 */
int svc_fts_baseline(struct db *db, const struct tenant *t, const char *query, size_t limit,
		     struct arena *a, const char ***keys, size_t *n, const char **name,
		     struct err *e) MUST_CHECK;

#endif
