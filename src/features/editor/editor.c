/* SPDX-License-Identifier: EUPL-1.2 */
/* Registering the editor's pages, and publishing what is due before each request of a tenant. */
#include "features/editor/ed_int.h"

#include "core/log.h"

#include <time.h>

/* Scheduled publications become public on the first request after their time. */
static void
promote_hook(struct rq *q)
{
	struct err e = {0};

	if (editor_promote_due(q->db, q->tenant, (int64_t)time(NULL), &e))
		log_error("rid=%s scheduled publication: %s", q->http->id, e.detail);
}

void
editor_register(struct app *app)
{
	app->before_tenant = promote_hook;
	ed_dashboard_register(app);
	ed_lists_register(app);
	ed_edit_register(app);
	ed_history_register(app);
}
