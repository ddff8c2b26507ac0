/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The catalogue's documents for the citizen search: the services the
 * catalogue shows publicly (SVC_VISIBLE) of the tenant and, for a portal
 * network, of its members and its parent, with their titles, synonyms,
 * LeiKa and OZG names and text modules; the tenant's topic pages; and the
 * A-Z page.
 */
#include "features/catalog/svc_view.h"

#include "db/db.h"
#include "features/search/search.h"

#include <stdio.h>
#include <string.h>

/* The LeiKa and OZG names where they say more than the title. */
static const char *
keywords_line(char *buf, size_t size, const char *title, const char *leika_name, const char *ozg)
{
	bool show_leika = strcmp(leika_name, title) != 0;
	bool show_ozg = ozg[0] && strcmp(ozg, title) != 0 && strcmp(ozg, leika_name) != 0;

	snprintf(buf, size, "%s%s%s", show_leika ? leika_name : "",
		 show_leika && show_ozg ? " · " : "", show_ozg ? ozg : "");
	return buf;
}

static void
service_row(struct search_feed *f, struct db_stmt *st)
{
	const char *leika = db_col_text(st, 0), *title = db_col_text(st, 1);
	char url[512], line[1024];
	uint32_t d;

	if (search_feed_find(f, leika, &d))
		return; /* offered by several tenants of the scope: the first wins */
	snprintf(url, sizeof(url), "/leistungen/%s-%s", db_col_text(st, 2), leika);
	d = search_feed_doc(f, SEARCH_SERVICE, leika, title, url, db_col_text(st, 5));
	search_feed_text(f, d, SEARCH_F_TITLE, title);
	search_feed_text(f, d, SEARCH_F_KEYWORD, db_col_text(st, 3));
	search_feed_text(f, d, SEARCH_F_KEYWORD, db_col_text(st, 4));
	search_feed_snippet(
		f, d,
		keywords_line(line, sizeof(line), title, db_col_text(st, 3), db_col_text(st, 4)),
		false);
}

/* Rows of (leika, synonym) for services already added. */
static void
synonym_row(struct search_feed *f, struct db_stmt *st)
{
	uint32_t d;

	if (search_feed_find(f, db_col_text(st, 0), &d))
		search_feed_text(f, d, SEARCH_F_SYNONYM, db_col_text(st, 1));
}

/* Rows of (leika, module, Markdown body); the short description is the snippet. */
static void
text_row(struct search_feed *f, struct db_stmt *st)
{
	bool is_short = strcmp(db_col_text(st, 1), "short") == 0;
	uint32_t d;

	if (!search_feed_find(f, db_col_text(st, 0), &d))
		return;
	search_feed_text(f, d, is_short ? SEARCH_F_SHORT : SEARCH_F_TEXT, db_col_text(st, 2));
	if (is_short)
		search_feed_snippet(f, d, db_col_text(st, 2), true);
}

/* Topic pages of the tenant itself, by kind. */
static void
topic_row(struct search_feed *f, struct db_stmt *st)
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
		d = search_feed_doc(f, SEARCH_PAGE, url, db_col_text(st, 2), url,
				    search_feed_tenant(f)->slug);
		search_feed_text(f, d, SEARCH_F_TITLE, db_col_text(st, 2));
		search_feed_text(f, d, SEARCH_F_KEYWORD, kinds[i].words);
	}
}

static int
load(struct search_feed *f, struct err *e)
{
	static const char services[] =
		"SELECT s.leika, s.title, s.slug, s.leika_name, COALESCE(o.name, ''), tn.slug "
		"FROM tenant_service ts JOIN service s ON s.leika = ts.leika "
		"JOIN tenant tn ON tn.id = ts.tenant_id "
		"LEFT JOIN ozg_leistung o ON o.id = s.ozg_leistung_id "
		"WHERE " SEARCH_IN_SCOPE("ts.tenant_id") " AND " SVC_VISIBLE " "
							 "ORDER BY CASE WHEN ts.tenant_id = $1 "
							 "THEN 0 ELSE 1 END, tn.name, s.leika";
	static const char synonyms[] = "SELECT leika, term FROM service_synonym";
	static const char texts[] =
		"SELECT leika, module, body FROM service_text UNION ALL "
		"SELECT leika, module, body FROM tenant_service_text WHERE tenant_id = $1";
	static const char topics[] =
		"SELECT kind, slug, name FROM tenant_topic WHERE tenant_id = $1 ORDER BY name";
	int rc = search_feed_run(f, services, service_row, e);

	if (rc == 0)
		rc = search_feed_run(f, synonyms, synonym_row, e);
	if (rc == 0)
		rc = search_feed_run(f, texts, text_row, e);
	if (rc == 0)
		rc = search_feed_run(f, topics, topic_row, e);
	if (rc)
		return rc;
	search_feed_page(f, "/leistungen", "Leistungen A–Z",
			 "alle Leistungen Übersicht Liste Dienstleistungen");
	return 0;
}

const struct search_source svc_search_source = {
	.name = "services",
	.load = load,
	.fingerprint_sql =
		"SELECT (SELECT count(*) FROM tenant_service), "
		"(SELECT COALESCE(max(updated_at), 0) FROM tenant_service), "
		"(SELECT count(*) FROM service), (SELECT COALESCE(max(updated_at), 0) FROM "
		"service), "
		"(SELECT count(*) FROM service_text), (SELECT count(*) FROM service_synonym), "
		"(SELECT count(*) FROM tenant_service_text), (SELECT count(*) FROM tenant_topic)",
};
