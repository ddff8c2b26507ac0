/* SPDX-License-Identifier: EUPL-1.2 */
/* The offices of a scope and the office directory as documents for the citizen search. */
#include "features/offices/office.h"

#include "db/db.h"
#include "features/search/search.h"

#include <stdio.h>

static void
office_row(struct search_feed *f, struct db_stmt *st)
{
	char url[256], address[768];
	uint32_t d;

	snprintf(url, sizeof(url), "/stellen/%s", db_col_text(st, 0));
	d = search_feed_doc(f, SEARCH_OFFICE, db_col_text(st, 0), db_col_text(st, 1), url,
			    db_col_text(st, 5));
	search_feed_text(f, d, SEARCH_F_TITLE, db_col_text(st, 1));
	search_feed_text(f, d, SEARCH_F_KEYWORD, db_col_text(st, 2));
	search_feed_text(f, d, SEARCH_F_KEYWORD, db_col_text(st, 4));
	snprintf(address, sizeof(address), "%s, %s %s", db_col_text(st, 2), db_col_text(st, 3),
		 db_col_text(st, 4));
	search_feed_snippet(f, d, address, false);
}

static int
load(struct search_feed *f, struct err *e)
{
	static const char offices[] =
		"SELECT o.slug, o.name, o.street, o.postal_code, o.city, tn.slug FROM office o "
		"JOIN tenant tn ON tn.id = o.tenant_id WHERE " SEARCH_IN_SCOPE(
			"o.tenant_id") " "
				       "ORDER BY CASE WHEN o.tenant_id = $1 THEN 0 ELSE 1 END, "
				       "tn.name, o.name";
	int rc = search_feed_run(f, offices, office_row, e);

	if (rc)
		return rc;
	search_feed_page(f, "/stellen", "Stellen und Ansprechpartner",
			 "Ämter Behörden Öffnungszeiten Kontakt Adresse Telefon");
	return 0;
}

const struct search_source office_search_source = {
	.name = "offices",
	.load = load,
	.fingerprint_sql = "SELECT count(*) FROM office",
};
