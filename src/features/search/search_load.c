/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Building a scope's index from the database: the services the catalogue
 * shows publicly (svc.h's SVC_VISIBLE) of the tenant and, for a portal
 * network, of its members and its parent; their titles, synonyms, LeiKa
 * and OZG names, text modules; the scope's offices; the tenant's topic pages
 * and the pages every tenant has; the synonyms file and the tenant's own
 * synonyms.
 */
#include "features/search/search_int.h"

#include "core/buf.h"
#include "db/db.h"
#include "features/catalog/svc.h"

#include <stdio.h>
#include <string.h>

#define SNIPPET_MAX 600 /* bytes of text kept per document for snippets */

/*
 * $1 the tenant, $2 the network whose members count (-1), $3 its parent
 * (-1).  Statements using fewer parameters ignore the others' binds.
 */
#define IN_SCOPE(col)                                                                              \
	"(" col " = $1 OR " col " IN (SELECT id FROM tenant WHERE parent_id = $2) OR " col " = "   \
	"$3)"

struct loader {
	struct search_index *ix;
	struct db *db;
	const struct tenant *t;
	struct err *e;
};

static int
run(struct loader *l, const char *sql, void (*row)(struct loader *, struct db_stmt *))
{
	struct db_stmt *st = NULL;
	bool net = l->t->kind == TENANT_NETWORK;
	int rc = db_prepare(l->db, sql, &st, l->e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, l->t->id);
	db_bind_int64(st, 2, net ? l->t->id : -1);
	db_bind_int64(st, 3, net && l->t->parent_id ? l->t->parent_id : -1);
	while ((rc = db_step(st, l->e)) == DB_ROW)
		row(l, st);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

/* The LeiKa and OZG names where they say more than the title. */
static const char *
keywords_line(struct arena *a, const char *title, const char *leika_name, const char *ozg)
{
	bool show_leika = strcmp(leika_name, title) != 0;
	bool show_ozg = ozg[0] && strcmp(ozg, title) != 0 && strcmp(ozg, leika_name) != 0;

	return arena_printf(a, "%s%s%s", show_leika ? leika_name : "",
			    show_leika && show_ozg ? " · " : "", show_ozg ? ozg : "");
}

static void
service_row(struct loader *l, struct db_stmt *st)
{
	const char *leika = db_col_text(st, 0);
	char url[512];
	uint32_t d;

	if (search_map_get(&l->ix->by_id, leika, &d))
		return; /* offered by several tenants of the scope: the first wins */
	snprintf(url, sizeof(url), "/leistungen/%s-%s", db_col_text(st, 2), leika);
	d = search_ix_doc(l->ix, SEARCH_SERVICE, leika, db_col_text(st, 1), url,
			  db_col_text(st, 5));
	search_ix_text(l->ix, d, F_TITLE, db_col_text(st, 1));
	search_ix_text(l->ix, d, F_KEYWORD, db_col_text(st, 3));
	search_ix_text(l->ix, d, F_KEYWORD, db_col_text(st, 4));
	l->ix->docs[d].snippet = keywords_line(&l->ix->mem, db_col_text(st, 1), db_col_text(st, 3),
					       db_col_text(st, 4));
}

/* Services with attached rows of (leika, text). */
static void
synonym_row(struct loader *l, struct db_stmt *st)
{
	uint32_t d;

	if (search_map_get(&l->ix->by_id, db_col_text(st, 0), &d))
		search_ix_text(l->ix, d, F_SYNONYM, db_col_text(st, 1));
}

/* Markdown as plain text for a snippet: marks and link targets dropped. */
static const char *
plain(struct arena *a, const char *md)
{
	size_t n = strlen(md);
	char *out = arena_alloc(a, (n < SNIPPET_MAX ? n : SNIPPET_MAX) + 1), *o = out;

	for (const char *p = md; *p && o - out < SNIPPET_MAX; p++) {
		if (p[0] == ']' && p[1] == '(') {
			const char *close = strchr(p, ')');

			if (close) {
				p = close;
				continue;
			}
		}
		if (strchr("*_#>[]`|", *p))
			continue;
		*o++ = *p == '\n' ? ' ' : *p;
	}
	/* Do not end inside a UTF-8 sequence. */
	while (o > out && ((unsigned char)o[-1] & 0xC0) == 0x80)
		o--;
	if (o > out && ((unsigned char)o[-1] & 0xC0) == 0xC0)
		o--;
	*o = 0;
	return out;
}

static void
text_row(struct loader *l, struct db_stmt *st)
{
	uint32_t d;
	bool is_short = strcmp(db_col_text(st, 1), "short") == 0;

	if (!search_map_get(&l->ix->by_id, db_col_text(st, 0), &d))
		return;
	search_ix_text(l->ix, d, is_short ? F_SHORT : F_TEXT, db_col_text(st, 2));
	if (is_short)
		l->ix->docs[d].snippet = plain(&l->ix->mem, db_col_text(st, 2));
}

static void
office_row(struct loader *l, struct db_stmt *st)
{
	char url[256];
	uint32_t d;

	snprintf(url, sizeof(url), "/stellen/%s", db_col_text(st, 0));
	d = search_ix_doc(l->ix, SEARCH_OFFICE, db_col_text(st, 0), db_col_text(st, 1), url,
			  db_col_text(st, 5));
	search_ix_text(l->ix, d, F_TITLE, db_col_text(st, 1));
	search_ix_text(l->ix, d, F_KEYWORD, db_col_text(st, 2));
	search_ix_text(l->ix, d, F_KEYWORD, db_col_text(st, 4));
	l->ix->docs[d].snippet = arena_printf(&l->ix->mem, "%s, %s %s", db_col_text(st, 2),
					      db_col_text(st, 3), db_col_text(st, 4));
}

/* Topic pages of the tenant itself, by kind. */
static void
topic_row(struct loader *l, struct db_stmt *st)
{
	static const struct {
		const char *kind, *path, *words;
	} kinds[] = {
		{"themenfeld", "/themen", "Thema Themen"},
		{"lebenslage", "/lebenslagen", "Lebenslage Lebenslagen"},
		{"unternehmenslage", "/unternehmenslagen", "Unternehmenslage Unternehmen"},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char url[256];
		uint32_t d;

		if (strcmp(db_col_text(st, 0), kinds[i].kind) != 0)
			continue;
		snprintf(url, sizeof(url), "%s/%s", kinds[i].path, db_col_text(st, 1));
		d = search_ix_doc(l->ix, SEARCH_PAGE, url, db_col_text(st, 2), url, l->t->slug);
		search_ix_text(l->ix, d, F_TITLE, db_col_text(st, 2));
		search_ix_text(l->ix, d, F_KEYWORD, kinds[i].words);
	}
}

/* The pages every tenant has, with words people look for them by. */
static void
fixed_pages(struct loader *l)
{
	static const struct {
		const char *path, *title, *words;
	} pages[] = {
		{"/leistungen", "Leistungen A–Z",
		 "alle Leistungen Übersicht Liste Dienstleistungen"},
		{"/stellen", "Stellen und Ansprechpartner",
		 "Ämter Behörden Öffnungszeiten Kontakt Adresse Telefon"},
		{"/impressum", "Impressum", "Anbieter Herausgeber Kontakt Verantwortlich"},
		{"/datenschutz", "Datenschutz",
		 "Datenschutzerklärung personenbezogene Daten DSGVO Cookies"},
		{"/barrierefreiheit", "Erklärung zur Barrierefreiheit",
		 "barrierefrei Barriere Zugänglichkeit Leichte Sprache"},
	};

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		uint32_t d = search_ix_doc(l->ix, SEARCH_PAGE, pages[i].path, pages[i].title,
					   pages[i].path, l->t->slug);

		search_ix_text(l->ix, d, F_TITLE, pages[i].title);
		search_ix_text(l->ix, d, F_KEYWORD, pages[i].words);
	}
}

static void
tenant_synonym_row(struct loader *l, struct db_stmt *st)
{
	char *line = arena_printf(&l->ix->mem, "%s\t%s", db_col_text(st, 0), db_col_text(st, 1));

	search_ix_synonyms(l->ix, line, strlen(line));
}

static int
read_synonyms(struct search_index *ix, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;
	int rc = 0;

	if (!f)
		return err_set(e, ERR_IO, NULL, "cannot open synonyms '%s'", path);
	buf_init(&b, 4u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n)) {
			rc = err_set(e, ERR_IO, NULL, "synonyms '%s' larger than 4 MiB", path);
			break;
		}
	fclose(f);
	if (rc == 0)
		search_ix_synonyms(ix, b.p ? b.p : "", b.len);
	buf_release(&b);
	return rc;
}

int
search_index_load(struct db *db, const struct tenant *t, const char *synonyms,
		  struct search_index **out, struct err *e)
{
	static const char services[] =
		"SELECT s.leika, s.title, s.slug, s.leika_name, COALESCE(o.name, ''), tn.slug "
		"FROM tenant_service ts JOIN service s ON s.leika = ts.leika "
		"JOIN tenant tn ON tn.id = ts.tenant_id "
		"LEFT JOIN ozg_leistung o ON o.id = s.ozg_leistung_id "
		"WHERE " IN_SCOPE("ts.tenant_id") " AND " SVC_VISIBLE " "
						  "ORDER BY CASE WHEN ts.tenant_id = $1 THEN 0 "
						  "ELSE 1 END, tn.name, s.leika";
	static const char synonyms_sql[] = "SELECT leika, term FROM service_synonym";
	static const char texts[] =
		"SELECT leika, module, body FROM service_text UNION ALL "
		"SELECT leika, module, body FROM tenant_service_text WHERE tenant_id = $1";
	static const char offices[] =
		"SELECT o.slug, o.name, o.street, o.postal_code, o.city, tn.slug FROM office o "
		"JOIN tenant tn ON tn.id = o.tenant_id WHERE " IN_SCOPE(
			"o.tenant_id") " "
				       "ORDER BY CASE WHEN o.tenant_id = $1 THEN 0 ELSE 1 END, "
				       "tn.name, o.name";
	static const char topics[] =
		"SELECT kind, slug, name FROM tenant_topic WHERE tenant_id = $1 ORDER BY name";
	static const char tenant_synonyms[] =
		"SELECT term, words FROM search_synonym WHERE tenant_id = $1";
	struct loader l = {search_ix_new(), db, t, e};
	int rc = run(&l, services, service_row);

	if (rc == 0)
		rc = run(&l, synonyms_sql, synonym_row);
	if (rc == 0)
		rc = run(&l, texts, text_row);
	if (rc == 0)
		rc = run(&l, offices, office_row);
	if (rc == 0)
		rc = run(&l, topics, topic_row);
	if (rc == 0)
		rc = run(&l, tenant_synonyms, tenant_synonym_row);
	if (rc == 0 && synonyms)
		rc = read_synonyms(l.ix, synonyms, e);
	if (rc) {
		search_index_free(l.ix);
		return rc;
	}
	fixed_pages(&l);
	search_ix_finish(l.ix);
	*out = l.ix;
	return 0;
}
