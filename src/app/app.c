/* SPDX-License-Identifier: EUPL-1.2 */
/* Building the installation at start-up, registering routes, serving until a signal. */
#include "app/app.h"
#include "app/app_int.h"

#include "app/feature.h"
#include "app/metrics.h"
#include "app/page_cache.h"
#include "core/log.h"
#include "db/db.h"
#include "jobs/jobs.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* In-flight requests get this long to finish after SIGTERM. */
#define SHUTDOWN_GRACE_MS 10000
/* Changes to tenants reach every instance within this time. */
#define TENANT_CACHE_TTL_S 5
/* Memory for reused anonymous pages. */
#define PAGE_CACHE_BYTES (64u << 20)

int
app_init(struct app *app, const struct config *cfg, bool with_views, struct err *e)
{
	char tpl[CONFIG_STR_MAX + 16], loc[CONFIG_STR_MAX + 16];
	int threads = cfg->threads > 0 ? cfg->threads : 2 * (int)sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	memset(app, 0, sizeof(*app));
	app->cfg = *cfg;
	if (app->cfg.threads <= 0)
		app->cfg.threads = threads < 4 ? 4 : threads;
	rc = auth_init();
	if (rc)
		return err_set(e, rc, NULL, "libsodium failed to start");
	/*
	 * One connection per request thread, plus one each for the background
	 * job worker and the search's change poll, so neither waits for a request.
	 */
	rc = db_pool_new(cfg->db, app->cfg.threads + 2, &app->pool, e);
	if (rc)
		return rc;
	app->metrics = metrics_new();
	app->router = http_router_new();
	app->tenants = tenant_cache_new(TENANT_CACHE_TTL_S);
	if (cfg->page_cache_ttl_s > 0)
		app->pages = page_cache_new(cfg->page_cache_ttl_s, PAGE_CACHE_BYTES);
	snprintf(app->static_dir, sizeof(app->static_dir), "%s/static", cfg->share_dir);
	app->with_views = with_views;
	if (with_views) {
		snprintf(tpl, sizeof(tpl), "%s/templates", cfg->share_dir);
		snprintf(loc, sizeof(loc), "%s/locale", cfg->share_dir);
		rc = view_load(tpl, loc, &app->view, e);
		if (rc)
			return rc;
	}
	if (features_n > APP_FEATURES_MAX)
		return err_set(e, ERR_INVALID, NULL, "more than %d features", APP_FEATURES_MAX);
	rc = app_jobs_init(app, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < features_n; i++) {
		if (!features[i]->init)
			continue;
		rc = features[i]->init(app, e);
		if (rc)
			return rc;
	}
	return 0;
}

void
app_release(struct app *app)
{
	/* The job worker stops first: its jobs use what the features keep. */
	app_jobs_release(app);
	for (size_t i = features_n; i-- > 0;)
		if (features[i]->release)
			features[i]->release(app);
	view_free(app->view);
	http_router_free(app->router);
	tenant_cache_free(app->tenants);
	page_cache_free(app->pages);
	metrics_free(app->metrics);
	db_pool_free(app->pool);
	memset(app, 0, sizeof(*app));
}

void
app_route(struct app *app, unsigned methods, const char *pattern, rq_handler fn, unsigned flags,
	  size_t body_limit)
{
	struct http_route r = {
		.methods = methods,
		.pattern = pattern,
		.fn = (http_fn)fn,
		.body_limit = body_limit,
		.flags = flags,
	};

	http_router_add(app->router, &r);
}

static bool
trusted_proxy(const char *ip, void *cls)
{
	struct app *app = cls;

	return config_is_trusted_proxy(&app->cfg, ip);
}

int
app_serve(struct app *app, struct err *e)
{
	struct http_server_opts o = {
		.host = app->cfg.listen_host,
		.port = app->cfg.listen_port,
		.threads = app->cfg.threads,
		.max_connections = app->cfg.max_connections,
		.per_ip_connections = app->cfg.max_connections_per_ip,
		.timeout_s = app->cfg.timeout_s,
		.header_timeout_s = app->cfg.header_timeout_s,
		.default_body_limit = (size_t)app->cfg.max_body,
		.trusted_proxy = trusted_proxy,
	};
	struct http_app cb = app_http;
	sigset_t set;
	int sig = 0, rc;

	/* Block the stop signals in every thread; this one waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	cb.app = app;
	rc = http_server_start(&o, &cb, &app->server, e);
	if (rc)
		return rc;
	log_info("serving on http://%s:%d/ (%d threads, %s)", app->cfg.listen_host,
		 http_server_port(app->server), app->cfg.threads,
		 strncmp(app->cfg.db, "sqlite:", 7) == 0 ? "SQLite" : "PostgreSQL");
	if (jobs_start(app->jobs, e) != 0) {
		http_server_stop(app->server, 0);
		app->server = NULL;
		return e->code;
	}
	sigwait(&set, &sig);
	log_info("signal %d: stopping, %d requests in flight", sig,
		 http_server_inflight(app->server));
	http_server_stop(app->server, SHUTDOWN_GRACE_MS);
	app->server = NULL;
	jobs_stop(app->jobs);
	log_info("stopped");
	return 0;
}
