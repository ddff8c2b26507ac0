/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Registering the editor's pages, and publishing what is due before the
 * requests of a tenant.  The check for due publications costs one indexed
 * query; each process makes it at most once per max(page_cache_ttl_s, 1)
 * seconds per tenant, so a scheduled publication appears within the same few
 * seconds that cached pages may lag, and within a second without the cache.
 */
#include "features/editor/ed_int.h"

#include "core/clock.h"
#include "core/log.h"

#include <pthread.h>
#include <time.h>

#define CHECK_SLOTS 256 /* tenants remembered per process; a collision only checks more often */

/* When each tenant was last checked: process state, guarded by its lock. */
static struct {
	int64_t tenant_id, checked_s;
} checked[CHECK_SLOTS];
static pthread_mutex_t checked_lock = PTHREAD_MUTEX_INITIALIZER;

static bool
check_due(int64_t tenant_id, int every_s)
{
	int64_t now = clock_mono_s();
	size_t i = (size_t)tenant_id % CHECK_SLOTS;
	bool due;

	if (every_s < 1)
		every_s = 1;
	pthread_mutex_lock(&checked_lock);
	due = checked[i].tenant_id != tenant_id || now - checked[i].checked_s >= every_s;
	if (due) {
		checked[i].tenant_id = tenant_id;
		checked[i].checked_s = now;
	}
	pthread_mutex_unlock(&checked_lock);
	return due;
}

static void
promote_hook(struct rq *q)
{
	struct err e = {0};

	if (!check_due(q->tenant->id, q->app->cfg.page_cache_ttl_s))
		return;
	if (editor_promote_due(q->db, q->tenant, (int64_t)time(NULL), &e))
		log_error("rid=%s scheduled publication: %s", q->http->id, e.detail);
}

static int
editor_init(struct app *app, struct err *e)
{
	(void)e;
	ed_dashboard_register(app);
	ed_lists_register(app);
	return 0;
}

const struct feature editor_feature = {
	.name = "editor",
	.init = editor_init,
	.before_tenant = promote_hook,
	.staff = FEATURE_LINK("/verwaltung/protokoll", "ed.audit", ROLE_ADMIN | ROLE_EDITOR),
};
