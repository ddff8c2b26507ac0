/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * "Meine Veranstaltungen" at /konto/veranstaltungen: the events a citizen
 * submitted on this tenant while logged in with the account, newest first,
 * with their moderation state (waiting, published with its link, not
 * published with the editors' message).  Only the account's own rows are
 * read (citizen_id of the session), so no id in the URL can show another
 * citizen's; without a login the page sends to the login form.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "app/rq_rows.h"
#include "db/db.h"
#include "features/account/account.h"

#include <jansson.h>
#include <string.h>

#define MINE_MAX 200

static void
add_mine(struct rq *q, struct db_stmt *st, struct view_val *m)
{
	const char *slug = db_col_text(st, 0), *starts = db_col_text(st, 2);
	const char *status = db_col_text(st, 3);
	bool published = strcmp(status, "published") == 0;

	view_set_text(m, "title", db_col_text(st, 1));
	view_set_text(m, "starts", strlen(starts) >= 10 ? arena_strndup(q->a, starts, 10) : "–");
	view_set_text(m, "state",
		      rq_msg(q, published			  ? "ev.mine.published"
				: strcmp(status, "rejected") == 0 ? "ev.mine.rejected"
				: db_col_int64(st, 5)		  ? "ev.mine.confirm"
								  : "ev.mine.waiting"));
	view_set_text(m, "note", strcmp(status, "rejected") == 0 ? db_col_text(st, 4) : "");
	if (published)
		view_set_text(m, "url", rq_url(q, arena_printf(q->a, "/veranstaltungen/%s", slug)));
}

static void
mine_page(struct rq *q)
{
	static const char sql[] =
		"SELECT slug, title, starts_local, status, moderation_note, "
		"CASE WHEN confirm_hash IS NULL THEN 0 ELSE 1 END FROM event "
		"WHERE tenant_id = $1 AND citizen_id = $2 ORDER BY created_at DESC, id DESC "
		"LIMIT $3";
	int64_t citizen = account_citizen_or_login(q, "/konto/veranstaltungen");
	int rc;

	if (!citizen)
		return;
	rc = rq_page_rows(q, "events", sql, add_mine, DB_INT(q->tenant->id), DB_INT(citizen),
			  DB_INT(MINE_MAX));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "submit_url", rq_url(q, "/veranstaltungen/melden"));
	account_mine_render(q, "ev.mine.title", "events/mine");
}

static json_t *
submitted_json(struct db_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "portal", db_col_text(st, 0),
			 "slug", db_col_text(st, 1), "title", db_col_text(st, 2), "starts",
			 db_col_text(st, 3), "state", db_col_text(st, 4), "submitter_name",
			 db_col_text(st, 5), "submitter_email", db_col_text(st, 6), "submitted",
			 (json_int_t)db_col_int64(st, 7));
}

int
ev_citizen_data(struct rq *q, int64_t citizen_id, json_t *doc)
{
	static const char sql[] =
		"SELECT t.slug, e.slug, e.title, e.starts_local, e.status, e.submitter_name, "
		"e.submitter_email, e.created_at FROM event e JOIN tenant t ON t.id = e.tenant_id "
		"WHERE e.citizen_id = $1 ORDER BY e.created_at, e.id";
	return rq_export_rows(q, doc, "events_submitted", sql, submitted_json, citizen_id);
}

void
ev_account_links(struct rq *q, struct view_val *links)
{
	rq_link(q, links, "/konto/veranstaltungen", "ev.mine.title");
}

void
ev_mine_register(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/veranstaltungen", mine_page, 0, 0);
}
