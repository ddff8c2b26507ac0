/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The small pieces the catalogue's importers share: text module names, key
 * and level checks, slugs, a string map, the LeiKa legal-basis parser, and
 * letting a tenant offer the services of some levels.
 *
 * Slugs are derived once and then kept: an importer recomputes a slug only
 * when the title it came from changes, so links to a service stay valid
 * across re-imports.
 */
#include "features/catalog/svc_int.h"

#include "core/hash.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "db/db.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const module_names[SVC_N_MODULES] = {
	[SVC_SHORT] = "short",
	[SVC_FULL] = "full",
	[SVC_REQUIREMENTS] = "requirements",
	[SVC_DOCUMENTS] = "documents",
	[SVC_FEES] = "fees",
	[SVC_DEADLINES] = "deadlines",
	[SVC_PROCESSING_TIME] = "processing_time",
	[SVC_PROCEDURE] = "procedure",
	[SVC_NOTES] = "notes",
	[SVC_ONLINE] = "online",
};

const char *
svc_module_name(enum svc_module m)
{
	assert((unsigned)m < SVC_N_MODULES);
	return module_names[m];
}

int
svc_module_parse(const char *s, enum svc_module *out)
{
	for (int m = 0; m < SVC_N_MODULES; m++) {
		if (strcmp(s, module_names[m]) == 0) {
			*out = (enum svc_module)m;
			return 0;
		}
	}
	return ERR_INVALID;
}

bool
svc_leika_valid(const char *s)
{
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[14] == '\0';
}

bool
svc_level_valid(const char *s)
{
	return strcmp(s, "bund") == 0 || strcmp(s, "land") == 0 || strcmp(s, "kreis") == 0 ||
	       strcmp(s, "gemeinde") == 0;
}

bool
svc_url_is_http(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/*
 * LeiKa Typisierung: 1 Bund executes; 2 and 4 the Land; 3, 5, 6 a
 * municipality; "2/3" the Land or a municipality, counted as municipal
 * because a portal for municipalities should rather show it than hide it.
 * A list such as "1, 2/3" takes the most local level it names.
 */
const char *
svc_level_of(const char *typisierung, const char *leika, const struct svc_map *kreis_groups)
{
	struct str rest = str_c(typisierung), tok;
	bool bund = false, land = false, local = false;
	char group[4];

	while (rest.len) {
		rest = str_cut(rest, ',', &tok);
		tok = str_trim(tok);
		if (str_eq_c(tok, "1"))
			bund = true;
		else if (str_eq_c(tok, "2") || str_eq_c(tok, "4"))
			land = true;
		else if (str_eq_c(tok, "2/3") || str_eq_c(tok, "3") || str_eq_c(tok, "5") ||
			 str_eq_c(tok, "6"))
			local = true;
		if (!rest.p)
			break;
	}
	if (local) {
		memcpy(group, leika + 2, 3);
		group[3] = '\0';
		return svc_map_get(kreis_groups, group) ? "kreis" : "gemeinde";
	}
	if (land)
		return "land";
	return bund ? "bund" : "";
}

/* ---- The string map ---- */

struct svc_map_slot {
	const char *key; /* NULL: free */
	void *val;
};

static uint64_t
hash(const char *s)
{
	return hash_fnv1a(s, strlen(s));
}

void
svc_map_init(struct svc_map *m)
{
	m->slots = NULL;
	m->cap = m->n = 0;
}

void
svc_map_release(struct svc_map *m)
{
	free(m->slots);
	svc_map_init(m);
}

static struct svc_map_slot *
find_slot(const struct svc_map *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

void *
svc_map_get(const struct svc_map *m, const char *key)
{
	return m->cap ? find_slot(m, key)->val : NULL;
}

void
svc_map_put(struct svc_map *m, const char *key, void *val)
{
	struct svc_map_slot *s;

	/* Keep the table at most half full, so probe runs stay short. */
	if (2 * (m->n + 1) > m->cap) {
		struct svc_map old = *m;

		m->cap = old.cap ? 2 * old.cap : 64;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				svc_map_put(m, old.slots[i].key, old.slots[i].val);
		free(old.slots);
	}
	s = find_slot(m, key);
	if (!s->key) {
		s->key = key;
		m->n++;
	}
	s->val = val;
}

/* ---- Slugs ---- */

/* The ASCII spelling of the UTF-8 letter at p (two bytes), or NULL. */
static const char *
fold_umlaut(const unsigned char *p)
{
	if (p[0] != 0xC3)
		return NULL;
	switch (p[1]) {
	case 0xA4: /* ä */
	case 0x84: /* Ä */
		return "ae";
	case 0xB6: /* ö */
	case 0x96: /* Ö */
		return "oe";
	case 0xBC: /* ü */
	case 0x9C: /* Ü */
		return "ue";
	case 0x9F: /* ß */
		return "ss";
	default:
		return NULL;
	}
}

char *
svc_slugify(const char *text, struct arena *a)
{
	const unsigned char *p = (const unsigned char *)text;
	char *out = arena_alloc(a, SVC_SLUG_MAX + 1);
	size_t n = 0, cut = 0;
	bool dash = false;

	while (*p && n < SVC_SLUG_MAX) {
		const char *fold = fold_umlaut(p);
		char ch[3] = {0};

		if (fold) {
			memcpy(ch, fold, 2);
			p += 2;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			ch[0] = (char)*p++;
		} else if (*p >= 'A' && *p <= 'Z') {
			ch[0] = (char)(*p++ - 'A' + 'a');
		} else {
			dash = n > 0;
			p++;
			continue;
		}
		if (dash) {
			cut = n;
			out[n++] = '-';
			dash = false;
		}
		for (size_t i = 0; ch[i] && n < SVC_SLUG_MAX; i++)
			out[n++] = ch[i];
	}
	/* Cut off at the limit: end at the last whole word, if there is one. */
	if (*p && cut > 0)
		n = cut;
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	return out;
}

const char *
svc_slug_claim(struct svc_map *used, const char *text, const char *fallback, const char *owner,
	       struct arena *a)
{
	const char *base = svc_slugify(text, a), *slug;
	const char *holder;

	if (!base[0])
		base = fallback;
	slug = base;
	for (int i = 2;; i++) {
		holder = svc_map_get(used, slug);
		if (!holder || strcmp(holder, owner) == 0)
			break;
		slug = arena_printf(a, "%s-%d", base, i);
	}
	svc_map_put(used, slug, (void *)owner);
	return slug;
}

/* ---- The legal basis ---- */

/* Skip separators between entries: white space and commas. */
static const char *
skip_sep(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',')
		p++;
	return p;
}

static const char *
trimmed(const char *p, size_t n, struct arena *a)
{
	struct str s = str_trim((struct str){p, n});

	return arena_strdup_str(a, s);
}

void
svc_legal_parse(const char *s, struct arena *a, struct svc_link **out, size_t *n)
{
	size_t cap = 0;
	const char *p = skip_sep(s);

	*out = NULL;
	*n = 0;
	for (size_t i = 0; s[i]; i++)
		cap += s[i] == '\n' || s[i] == '[';
	*out = arena_calloc(a, cap + 1, sizeof(**out));
	while (*p) {
		const char *lb = strchr(p, '['), *nl = strchr(p, '\n'), *rb;
		struct svc_link *l = &(*out)[*n];

		if (!lb || (nl && nl < lb)) {
			/* "Title" alone, up to the end of the line. */
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			l->title = trimmed(p, len, a);
			l->url = "";
			p += len;
		} else {
			rb = strchr(lb, ']');
			l->title = trimmed(p, (size_t)(lb - p), a);
			l->url = trimmed(lb + 1, rb ? (size_t)(rb - lb - 1) : strlen(lb + 1), a);
			p = rb ? rb + 1 : lb + strlen(lb);
			if (!svc_url_is_http(l->url))
				l->url = "";
			if (!l->title[0])
				l->title = l->url;
		}
		if (l->title[0])
			(*n)++;
		p = skip_sep(p);
	}
}

bool
svc_links_equal(const struct svc_link *a, size_t na, const struct svc_link *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i].title, b[i].title) != 0 || strcmp(a[i].url, b[i].url) != 0)
			return false;
	return true;
}

int
svc_legal_add(struct db *db, const char *leika, const struct svc_link *links, size_t n,
	      struct err *e)
{
	static const char sql[] =
		"INSERT INTO service_legal (leika, pos, title, url) VALUES ($1, $2, $3, $4)";
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = db_run(db, e, sql, DB_TEXT(leika), DB_INT((int64_t)i), DB_TEXT(links[i].title),
			    DB_TEXT(links[i].url));
	return rc;
}

int
svc_legal_save(struct db *db, const char *leika, const struct svc_link *links, size_t n,
	       struct err *e)
{
	static const char sql[] = "DELETE FROM service_legal WHERE leika = $1";
	int rc = db_run(db, e, sql, DB_TEXT(leika));

	return rc ? rc : svc_legal_add(db, leika, links, n, e);
}

/* ---- Offering services ---- */

/* The levels a tenant may offer at once: all four. */
#define OFFER_LEVELS_MAX 4

int
svc_offer_levels(struct db *db, const struct tenant *t, const char *levels, int *n, struct err *e)
{
	static const char sql[] =
		"INSERT INTO tenant_service (tenant_id, leika, status, updated_at) "
		"SELECT $1, leika, 'published', $2 FROM service WHERE level IN ($3, $4, $5, $6) "
		"ON CONFLICT DO NOTHING";
	char level[OFFER_LEVELS_MAX][16];
	struct str rest = str_c(levels), tok;
	int64_t changes = 0;
	int k = 0, rc;

	*n = 0;
	while (rest.len) {
		rest = str_cut(rest, ',', &tok);
		tok = str_trim(tok);
		if (tok.len == 0 || tok.len >= sizeof(level[0]) || k == OFFER_LEVELS_MAX)
			return err_set(e, ERR_INVALID, NULL,
				       "levels '%s' are not a list of bund, "
				       "land, kreis, gemeinde",
				       levels);
		memcpy(level[k], tok.p, tok.len);
		level[k][tok.len] = '\0';
		if (!svc_level_valid(level[k]))
			return err_set(e, ERR_INVALID, NULL, "unknown level '%s'", level[k]);
		k++;
		if (!rest.p)
			break;
	}
	if (k == 0)
		return err_set(e, ERR_INVALID, NULL, "no levels to offer");
	static_assert(OFFER_LEVELS_MAX == 4, "the query names four levels");
	rc = db_run_count(db, e, &changes, sql, DB_INT(t->id), DB_INT((int64_t)time(NULL)),
			  DB_TEXT(level[0]), DB_TEXT(level[k > 1 ? 1 : 0]),
			  DB_TEXT(level[k > 2 ? 2 : 0]), DB_TEXT(level[k > 3 ? 3 : 0]));
	*n = (int)changes;
	return rc ? rc : svc_refresh_topics(db, t, e);
}
