/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * app: one running installation, and the request context its handlers see.
 *
 * The app owns what lives as long as the process: configuration, the
 * database pool, compiled templates, the router and the metrics.  All of it
 * is built before serving and read-only afterwards, except the metrics
 * counters, which are atomic.
 *
 * A request reaches a feature's handler as a struct rq: its tenant (already
 * resolved by host or /t/<slug>/), language, a database connection on demand,
 * the session on demand, and the page data that templates render.
 */
#ifndef RATHAUS_APP_H
#define RATHAUS_APP_H

#include "auth/auth.h"
#include "core/config.h"
#include "core/err.h"
#include "http/http.h"
#include "tenant/tenant.h"
#include "view/view.h"

#include <stdatomic.h>
#include <stdbool.h>

struct db;
struct db_pool;
struct jobs;
struct mailer;
struct metrics;
struct rq;

/* Features that may keep process state (see app_state()). */
#define APP_FEATURES_MAX 32

struct app {
	struct config cfg;
	struct db_pool *pool;
	struct view *view;
	struct http_router *router;
	struct tenant_cache *tenants;
	struct page_cache *pages; /* NULL when page_cache_ttl is 0 */
	struct metrics *metrics;
	struct http_server *server; /* while serving */
	/* Process state of each feature, by its index in features[] (feature.h). */
	void *state[APP_FEATURES_MAX];
	bool with_views;     /* templates loaded: serving, not a command-line tool */
	struct jobs *jobs;   /* background jobs: kinds, worker (jobs.h) */
	struct mailer *mail; /* outgoing mail (mail.h) */
	/*
	 * Staff writes (requests other than GET to staff routes) this process
	 * has answered.  Per-process read models key their snapshots by it
	 * besides the catalogue fingerprint, so an editor sees a change on the
	 * instance that made it at once, not only after the next poll.
	 */
	atomic_uint_fast64_t staff_writes;
	char static_dir[CONFIG_STR_MAX + 16];
};

enum route_flags {
	ROUTE_GLOBAL = 1 << 0,		/* served without a tenant too (health, static) */
	ROUTE_STAFF = 1 << 1,		/* needs a logged-in staff user of the tenant */
	ROUTE_NO_CSRF = 1 << 2,		/* a POST that needs no CSRF token (none yet) */
	ROUTE_LOGIN_LIMIT = 1 << 3,	/* counts against the per-IP login rate limit */
	ROUTE_TENANT_OPTIONAL = 1 << 4, /* with or without a tenant (the home page) */
	ROUTE_CACHE = 1 << 5,		/* anonymous answers may be reused (page_cache.h) */
};

struct rq {
	struct app *app;
	struct http_req *http;
	struct http_resp *resp;
	struct arena *a; /* the request arena */
	const struct http_route *route;
	const struct tenant *tenant; /* NULL at the installation root */
	const char *base;	     /* URL prefix of the tenant: "" or "/t/<slug>" */
	const char *path;	     /* the path below base, "/..." */
	const char *lang;	     /* "de" or "en" */
	struct db *db;		     /* borrowed by rq_db(), returned after the request */
	struct session *session;     /* set by rq_session() */
	struct staff_user *user;     /* the logged-in staff user, or NULL */
	struct view_val *page;	     /* template data root */
	struct err err;
};

typedef void (*rq_handler)(struct rq *q);

/* Set up everything but the server.  Returns 0 or an error with the detail in e. */
int app_init(struct app *app, const struct config *cfg, bool with_views, struct err *e) MUST_CHECK;
void app_release(struct app *app);

struct feature;

/* The process state feature `f` keeps (NULL until it sets one). */
void *app_state(const struct app *app, const struct feature *f);
/* Keep `state` for feature `f`; called from its init, freed by its release. */
void app_set_state(struct app *app, const struct feature *f, void *state);

/* Register a route; a feature's init calls this at start-up. */
void app_route(struct app *app, unsigned methods, const char *pattern, rq_handler fn,
	       unsigned flags, size_t body_limit);

/* Serve until SIGTERM/SIGINT, then stop gracefully.  Returns 0 or an error. */
int app_serve(struct app *app, struct err *e);

/* The server callbacks, for app_serve() and the request fuzzer. */
extern const struct http_app app_http;

/* A database connection for this request.  Returns 0 or ERR_DB. */
int rq_db(struct rq *q, struct db **out);

/*
 * The session of this request, created when `create` and none exists (the
 * cookie is then set on the response).  Returns 0, ERR_NOTFOUND (none and
 * not created), or ERR_DB.
 */
int rq_session(struct rq *q, bool create, struct session **out);

/*
 * Make sure the visitor has a session, so that the page's forms carry its
 * CSRF token.  False after failing the request.
 */
bool rq_form_session(struct rq *q);

/* Start a fresh session for `user_id`, ending the old one (login, logout). */
int rq_session_renew(struct rq *q, int64_t user_id);
/* Tell the browser to drop the tenant's session cookie (Max-Age=0). */
void rq_session_clear_cookie(struct rq *q);

/* `s` percent-encoded for a query value; lives in the request arena. */
const char *rq_urlencode(struct rq *q, const char *s);

/* A phone number as a tel: URI's digits (RFC 3966), a leading '+' kept; in the arena. */
const char *rq_tel(struct rq *q, const char *phone);

/* Message `key` of the catalogue in the request's language. */
const char *rq_msg(struct rq *q, const char *key);
/*
 * A form field's state on page map `m`: "value" as typed, and with the
 * message key `error` (NULL: none) its "error" text and "invalid" "true",
 * for aria-invalid; returns the field's map.
 */
struct view_val *rq_field(struct rq *q, struct view_val *m, const char *value, const char *error);
/*
 * Answer 200 with `len` bytes of type `type` (a stored file, say): true, or
 * false after answering 500 when they do not fit the response.
 */
bool rq_bytes(struct rq *q, const char *type, const void *p, size_t len);
/* The form field `key` as sent (untrimmed), "" when absent. */
const char *rq_form_text(struct rq *q, const char *key);

/*
 * `next` when it is a path of this site ("/x": never "//host", no
 * backslash, no control character that a browser would drop), else
 * `fallback`: where a login may send the browser afterwards.
 */
const char *rq_safe_next(const char *next, const char *fallback);

/* A URL of this tenant: base + path. */
const char *rq_url(struct rq *q, const char *path);
/*
 * An absolute URL of `path` ("/...") of this tenant, for feeds, calendar
 * files and mails: from the configured base URL (the tenant's domain, else
 * public_url), never the Host header; rq_url() when mail is not set up.
 */
const char *rq_abs_url(struct rq *q, const char *path);

/* Append a breadcrumb `label`, linked to this tenant's `path` unless NULL. */
void rq_crumb(struct rq *q, const char *label, const char *path);
/*
 * Breadcrumbs "Home > section" on a section's own page, or, with `here`,
 * "Home > section (linked to section_path) > here" on a page inside it.
 */
void rq_crumbs(struct rq *q, const char *section_key, const char *section_path, const char *here);
/* The same below the root crumb `root_key` at `root_path` instead of the home page. */
void rq_crumbs_under(struct rq *q, const char *root_key, const char *root_path,
		     const char *section_key, const char *section_path, const char *here);

/* Let every feature add its section to a tenant's home page.  Returns 0 or an error. */
int rq_home_sections(struct rq *q);
/* The staff menu for q->user: a list of {url, label} from the features' entries. */
struct view_val *rq_staff_links(struct rq *q);
/* The account page's links to the features' pages of the citizen's own things: {url, label}. */
struct view_val *rq_account_links(struct rq *q);
/* Append {url, label} for `path` below the tenant and message `label_key` to list `links`. */
void rq_link(struct rq *q, struct view_val *links, const char *path, const char *label_key);

/*
 * The URL of `path` ("/...") on tenant `t` for this request's answer: as
 * rq_url() for the request's tenant (or NULL); "/t/<slug>/..." while the
 * request came under /t/; else the absolute URL (mail_link(): the
 * tenant's own domain or public_url).  In the request arena.
 */
const char *rq_tenant_url(struct rq *q, const struct tenant *t, const char *path);
/* As rq_tenant_url() for the tenant named `slug` (this one when there is none such). */
const char *rq_tenant_url_slug(struct rq *q, const char *slug, const char *path);
/* Load script or stylesheet `src` (a path of this site) on this page too, after the layout's. */
void rq_page_script(struct rq *q, const char *src);
void rq_page_style(struct rq *q, const char *href);
/*
 * Allow images from `origin` ("https://tiles.example.org") on this page:
 * its Content-Security-Policy's img-src names it.  `origin` must be a bare
 * scheme://host[:port] the caller checked.
 */
void rq_csp_img(struct rq *q, const char *origin);

/* Render page template `tpl` inside the layout, status 200 unless set. */
void rq_render(struct rq *q, const char *tpl);
/* Render the error page for `status` with message key `msg` (NULL: by status). */
void rq_error(struct rq *q, int status, const char *msg);
/* Log a failed call's detail with the request id when it is a server fault. */
void rq_log_failure(struct rq *q, int code);
/* Handle a failed call: log e's detail with the request id, render by code. */
void rq_fail(struct rq *q, int code);
/* JSON answers (app_json.c).  rq_json() sends `doc` (its reference is consumed). */
struct json_t;
void rq_json(struct rq *q, struct json_t *doc);
/* The same for a document already written (`n` bytes of compact JSON, no newline). */
void rq_json_text(struct rq *q, const char *text, size_t n);
/*
 * An answer that is never cached, for writes and personal data: `doc`
 * (consumed) as `type` with `status` and Cache-Control: no-store, no ETag.
 */
void rq_json_nostore(struct rq *q, int status, const char *type, struct json_t *doc);
/* An application/problem+json error with `detail` for the reader. */
void rq_problem(struct rq *q, int status, const char *detail);
/* Log a failed call like rq_fail(), answer it as problem+json. */
void rq_json_fail(struct rq *q, int code);

/* 303 See Other to a path of this tenant. */
void rq_redirect(struct rq *q, const char *path);

#endif
