/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Operations endpoints and assets: a health check that asks the database,
 * Prometheus metrics, static files, and the tenant's colours as CSS (the
 * Content-Security-Policy forbids inline styles, so the theme is a file).
 */
#include "features/ops/ops.h"

#include "app/app.h"
#include "app/metrics.h"
#include "db/db.h"

#include <stdio.h>

/* Fingerprint-free assets: an hour, then revalidation by ETag. */
#define STATIC_MAX_AGE 3600

static void
healthz(struct rq *q)
{
	struct db *db;
	int rc = rq_db(q, &db);

	if (rc == 0)
		rc = db_ping(db, &q->err);
	q->resp->content_type = "application/json";
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	if (rc) {
		q->resp->status = 503;
		buf_adds(&q->resp->body, "{\"status\":\"unavailable\",\"database\":\"down\"}\n");
		return;
	}
	buf_adds(&q->resp->body, "{\"status\":\"ok\",\"database\":\"up\"}\n");
}

static void
metrics(struct rq *q)
{
	q->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	metrics_render(q->app->metrics, http_server_inflight(q->app->server), &q->resp->body);
}

static void
static_file(struct rq *q)
{
	struct str rel = str_c(http_param(q->http, "path"));

	if (http_static(q->http, q->resp, q->app->static_dir, rel, STATIC_MAX_AGE) != 0)
		rq_error(q, 404, NULL);
}

static void
theme_css(struct rq *q)
{
	const struct tenant *t = q->tenant;

	q->resp->content_type = "text/css; charset=utf-8";
	http_resp_header(q->http, q->resp, "Cache-Control", "public, max-age=300");
	/* t->primary was checked to be #rrggbb when saved. */
	buf_addf(&q->resp->body,
		 ":root {\n"
		 "\t--rathaus-primary: %s;\n"
		 "\t--kern-color-action-default: %s;\n"
		 "\t--kern-color-layout-text-accent: %s;\n"
		 "}\n",
		 t->primary, t->primary, t->primary);
}

static int
ops_init(struct app *app, struct err *e)
{
	(void)e;
	app_route(app, HTTP_GET, "/healthz", healthz, ROUTE_GLOBAL, 0);
	app_route(app, HTTP_GET, "/metrics", metrics, ROUTE_GLOBAL, 0);
	app_route(app, HTTP_GET, "/static/*path", static_file, ROUTE_GLOBAL, 0);
	app_route(app, HTTP_GET, "/theme.css", theme_css, 0, 0);
	return 0;
}

const struct feature ops_feature = {
	.name = "ops",
	.init = ops_init,
};
