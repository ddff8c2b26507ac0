/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * regions: every German Gemeinde with its official regional key (ARS) and
 * its chain Land > Regierungsbezirk > Kreis > Gemeindeverband, and the
 * postal codes that cover it.  Read from data/regions/ (Destatis GV100AD,
 * dl-de/by-2-0; postal codes from OpenStreetMap, ODbL) and shared by all
 * tenants.
 *
 * An ARS has 12 digits: Land (2), Regierungsbezirk (1), Kreis (2),
 * Gemeindeverband (4), Gemeinde (3).  The parsing side (region_parse.c)
 * is pure and fuzzed; the storage side reads and writes the region tables.
 */
#ifndef RATHAUS_REGION_H
#define RATHAUS_REGION_H

#include "core/arena.h"
#include "core/csvfile.h"
#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define REGION_ARS_LEN 12
#define REGION_FOLD_MAX 128 /* bytes of a folded name, NUL included */

/* Gemeindeverband types (GV100AD) and the Kreis and Gemeinde types used. */
enum {
	REGION_VERBAND_FREE = 50,     /* verbandsfreie Gemeinde: its own one-member "Verband" */
	REGION_VERBAND_AMT = 51,      /* Amt (SH, MV, BB) */
	REGION_VERBAND_SAMTG = 52,    /* Samtgemeinde (NI) */
	REGION_VERBAND_VG = 53,	      /* Verbandsgemeinde (RP, ST) */
	REGION_VERBAND_VWG = 54,      /* Verwaltungsgemeinschaft (BY, SN, TH, BW) */
	REGION_VERBAND_FILLING = 58,  /* erfüllende Gemeinde (TH) */
	REGION_GEMEINDEFREI = 65,     /* Gemeinde types 65, 66: gemeindefreies Gebiet */
	REGION_KREIS_FREE_CITY = 41,  /* kreisfreie Stadt */
	REGION_KREIS_STADTKREIS = 42, /* Stadtkreis (BW) */
	REGION_KREIS_KREIS = 43,      /* Kreis (NRW, SH) */
	REGION_KREIS_LANDKREIS = 44,
	REGION_KREIS_REGIONALVERBAND = 45, /* Regionalverband Saarbrücken */
};

struct region {
	const char *ars, *ags;
	const char *name;	  /* official, "Lünen, Stadt" */
	const char *display_name; /* "Lünen" */
	int typ;		  /* 60..67, GV100AD Gemeinde type */
	const char *land, *land_name;
	const char *rb, *rb_name; /* "" where the Land has none */
	const char *kreis, *kreis_name;
	int kreis_typ; /* 41..45 */
	const char *verband, *verband_name;
	int verband_typ; /* 50..58 */
	int64_t population;
	const char *plz; /* postal code of the seat; in suggestions the matched one */
};

/* True when `s` is exactly 12 ASCII digits. */
bool region_ars_valid(const char *s);

/* True when `s` is exactly `n` ASCII digits. */
bool region_digits(const char *s, size_t n);

/*
 * `in` folded for search into `out` (cap bytes): lower case, ä ö ü ß as
 * ae oe ue ss, other accented Latin letters without accent, every other
 * character a single space, no leading or trailing space.  "Lüneburg" and
 * "Lueneburg" both fold to "lueneburg".
 */
void region_fold(const char *in, char *out, size_t cap);

/* The official name without its suffix: "Lünen, Stadt" -> "Lünen" (in `a`). */
const char *region_display_name(struct arena *a, const char *official);

/* The columns of gemeinden.csv that the import reads. */
struct region_cols {
	int ars, ags, name, typ, land, land_name, rb, rb_name, kreis, kreis_name, verband,
		verband_name, verband_typ, einwohner, plz;
};

/* Find the columns by name.  Returns 0 or ERR_INVALID naming the missing one. */
int region_cols_find(const struct csvfile *t, struct region_cols *c, struct err *e) MUST_CHECK;

/*
 * Row `row` of gemeinden.csv as a region (kreis_typ left 0; kreise.csv has
 * it).  Checks that every key has its length and agrees with the ARS.
 * Strings are borrowed from `t` except the display name (in `a`).
 * Returns 0 or ERR_INVALID with "path:line: ..." in `e`.
 */
int region_from_row(const struct csvfile *t, size_t row, const struct region_cols *c,
		    struct arena *a, struct region *out, struct err *e) MUST_CHECK;

/* ---- Storage (region_import.c, region_store.c) ------------------------- */

struct region_import_stats {
	int gemeinden, kreise, plz; /* rows loaded */
	int plz_skipped;	    /* postal-code rows of municipalities that no longer exist */
};

/*
 * Replace the regions with those in directory `dir` (gemeinden.csv,
 * kreise.csv, plz_gemeinde.csv as in data/regions/).  All or nothing.
 */
int region_import(struct db *db, const char *dir, struct region_import_stats *st,
		  struct err *e) MUST_CHECK;

/* The Gemeinde `ars`.  *out lives in `a`.  Returns 0, ERR_NOTFOUND or ERR_DB. */
int region_find(struct db *db, const char *ars, struct arena *a, struct region **out,
		struct err *e);

/*
 * Places for what a citizen typed: a postal code or its first digits, or
 * the beginning of a name (folded, so "Lueneburg" finds Lüneburg).  Exact
 * matches first, then municipalities before unpopulated areas, then by
 * population.  At most `max` in *out (arena `a`).  Returns 0 or ERR_DB; a
 * query of fewer than two characters finds nothing.
 */
int region_suggest(struct db *db, const char *q, size_t max, struct arena *a, struct region **out,
		   size_t *n, struct err *e);

#endif
