/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * From HTTP request to feature handler: resolve the tenant (own domain or
 * /t/<slug>/ prefix), match the route, choose the language, enforce CSRF,
 * staff login and rate limits, set the security headers, and after the
 * response log one access line and count it.
 */
#include "app/app.h"

#include "app/app_int.h"
#include "app/metrics.h"
#include "app/page_cache.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define CSP_HEAD "default-src 'self'; img-src 'self' data:"
#define CSP_TAIL                                                                                   \
	"; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "              \
	"form-action 'self'; frame-ancestors 'none'"

void
rq_csp_img(struct rq *q, const char *origin)
{
	struct http_kvs *h = &q->resp->headers;

	for (size_t i = 0; i < h->n; i++)
		if (str_eq_c(h->v[i].key, "Content-Security-Policy"))
			h->v[i].val = str_c(arena_printf(q->a, CSP_HEAD " %s" CSP_TAIL, origin));
}

/* The request context, made on first use (on_error may come before on_headers finished). */
struct rq *
rq_of(struct http_req *r, struct app *app)
{
	struct rq *q = r->ctx;

	if (q)
		return q;
	q = arena_calloc(&r->arena, 1, sizeof(*q));
	q->app = app;
	q->http = r;
	q->a = &r->arena;
	q->base = "";
	q->path = "/";
	q->lang = rq_pick_lang(r);
	r->ctx = q;
	return q;
}

/* Split "/t/<slug>/rest" into slug and rest; false when the path has no prefix. */
static bool
split_prefix(struct str path, struct str *slug, struct str *rest)
{
	struct str after;

	if (!str_starts(path, "/t/"))
		return false;
	after = (struct str){path.p + 3, path.len - 3};
	*rest = str_cut(after, '/', slug);
	if (rest->p) {
		/* Keep the slash: the rest is an absolute path of the tenant. */
		rest->p--;
		rest->len++;
	} else {
		*rest = STR("/");
	}
	return slug->len > 0;
}

static int
resolve_tenant(struct rq *q, struct str *path)
{
	struct http_req *r = q->http;
	const struct tenant *t = NULL;
	struct str slug, rest;
	int rc;

	rc = rq_db(q, &q->db);
	if (rc)
		return 503;
	if (r->host[0]) {
		rc = tenant_cache_by_host(q->app->tenants, q->db, r->host, q->a, &t, &q->err);
		if (rc == 0) {
			q->tenant = t;
			return 0;
		}
		if (rc != ERR_NOTFOUND)
			return http_status_of(rc);
	}
	if (!split_prefix(*path, &slug, &rest))
		return 0;
	rc = tenant_cache_by_slug(q->app->tenants, q->db, arena_strdup_str(q->a, slug), q->a, &t,
				  &q->err);
	if (rc == ERR_NOTFOUND)
		return 404;
	if (rc)
		return http_status_of(rc);
	q->tenant = t;
	q->base = arena_printf(q->a, "/t/%s", t->slug);
	*path = rest;
	return 0;
}

static int
on_headers(struct http_req *r, void *cls)
{
	struct app *app = cls;
	struct rq *q = rq_of(r, app);
	struct str path = r->path;
	unsigned allowed = 0;
	const struct http_route *route;
	int status;

	/* Installation-wide routes (health, metrics, static files) need no tenant. */
	route = http_router_match(app->router, r, path, &allowed);
	if (!route || !(route->flags & ROUTE_GLOBAL)) {
		r->params.n = 0;
		status = resolve_tenant(q, &path);
		if (status)
			return status;
		route = http_router_match(app->router, r, path, &allowed);
	}
	if (!route)
		return allowed ? 405 : 404;
	if (!q->tenant && !(route->flags & (ROUTE_GLOBAL | ROUTE_TENANT_OPTIONAL)))
		return 404;
	q->route = route;
	q->path = arena_strdup_str(q->a, path);
	r->body_limit = route->body_limit ? route->body_limit : (size_t)app->cfg.max_body;
	return 0;
}

static void
security_headers(struct rq *q)
{
	struct http_req *r = q->http;
	struct http_resp *resp = q->resp;

	http_resp_header(r, resp, "Content-Security-Policy", CSP_HEAD CSP_TAIL);
	http_resp_header(r, resp, "X-Content-Type-Options", "nosniff");
	http_resp_header(r, resp, "Referrer-Policy", "strict-origin-when-cross-origin");
	http_resp_header(r, resp, "X-Frame-Options", "DENY");
	http_resp_header(r, resp, "Permissions-Policy", "camera=(), geolocation=(), microphone=()");
	if (r->https)
		http_resp_header(r, resp, "Strict-Transport-Security",
				 "max-age=31536000; includeSubDomains");
}

/* Checks that come before every handler.  Returns true to go on. */
static bool
guard(struct rq *q)
{
	struct http_req *r = q->http;
	unsigned flags = q->route->flags;
	struct session *s = NULL;
	int rc;

	if ((flags & ROUTE_LOGIN_LIMIT) && r->method == HTTP_POST) {
		char *bucket = arena_printf(q->a, "login:%s", r->client_ip);

		rc = ratelimit_hit(q->db, bucket, 60, q->app->cfg.login_rate, &q->err);
		if (rc) {
			rq_fail(q, rc);
			return false;
		}
	}
	if (r->method == HTTP_POST && !(flags & ROUTE_NO_CSRF)) {
		rc = rq_session(q, false, &s);
		if (rc == ERR_NOTFOUND || (rc == 0 && !session_csrf_ok(s, http_form(r, "_csrf")))) {
			rq_error(q, 403, "error.csrf");
			return false;
		}
		if (rc) {
			rq_fail(q, rc);
			return false;
		}
	}
	if (flags & ROUTE_STAFF) {
		rc = rq_session(q, false, &s);
		if (rc == 0 && s->user_id)
			rc = user_find(q->db, q->tenant, s->user_id, q->a, &q->user, &q->err);
		if (rc == ERR_DB) {
			rq_fail(q, rc);
			return false;
		}
		if (!q->user || q->user->roles == 0) {
			q->user = NULL;
			rq_redirect(q, arena_printf(q->a, "/anmelden?next=%s",
						    rq_urlencode(q, q->path)));
			return false;
		}
	}
	return true;
}

static void
handle(struct rq *q)
{
	security_headers(q);
	rq_page_init(q);
	if (q->tenant && !q->db && rq_db(q, &q->db)) {
		rq_error(q, 503, NULL);
		return;
	}
	if (!guard(q))
		return;
	rq_page_user(q);
	if (q->tenant)
		rq_before_tenant(q);
	((rq_handler)q->route->fn)(q);
	if ((q->route->flags & ROUTE_STAFF) && !(q->http->method & (HTTP_GET | HTTP_HEAD)))
		atomic_fetch_add(&q->app->staff_writes, 1);
}

/* The micro-cache key of an anonymous GET of a cacheable route, else NULL. */
static const char *
cache_key(struct rq *q)
{
	struct http_req *r = q->http;
	const char *cookie = http_header(r, "Cookie");
	struct buf b;
	const char *key;

	if (!q->app->pages || !(q->route->flags & ROUTE_CACHE) ||
	    !(r->method & (HTTP_GET | HTTP_HEAD)) || http_query(r, "lang") ||
	    (cookie && strstr(cookie, "rh_")))
		return NULL;
	buf_init(&b, HTTP_URL_MAX * 2);
	buf_addf(&b, "%s|%s|%s|", r->host, q->lang, r->path.p);
	for (size_t i = 0; i < r->query.n; i++)
		buf_addf(&b, "%.*s=%.*s&", (int)r->query.v[i].key.len, r->query.v[i].key.p,
			 (int)r->query.v[i].val.len, r->query.v[i].val.p);
	key = b.toobig ? NULL : arena_strdup(q->a, b.p);
	buf_release(&b);
	return key;
}

/* Only answers that are the same for every anonymous visitor are kept. */
static bool
reusable(const struct rq *q)
{
	const struct http_resp *resp = q->resp;

	if (resp->status != 200 || resp->fd >= 0 || q->session || q->user)
		return false;
	for (size_t i = 0; i < resp->headers.n; i++)
		if (str_ieq_c(resp->headers.v[i].key, "Set-Cookie"))
			return false;
	return true;
}

static void
on_request(struct http_req *r, struct http_resp *resp, void *cls)
{
	struct rq *q = rq_of(r, cls);
	const char *key;

	q->resp = resp;
	key = cache_key(q);
	if (key && page_cache_get(q->app->pages, key, r, resp)) {
		http_resp_header(r, resp, "X-Cache", "hit");
		return;
	}
	handle(q);
	if (key && reusable(q)) {
		page_cache_put(q->app->pages, key, resp);
		http_resp_header(r, resp, "X-Cache", "miss");
	}
}

static void
on_error(struct http_req *r, struct http_resp *resp, int status, void *cls)
{
	struct rq *q = rq_of(r, cls);

	q->resp = resp;
	security_headers(q);
	rq_page_init(q);
	if (status == 405 && q->route == NULL)
		http_resp_header(r, resp, "Allow", "GET, HEAD, POST");
	rq_error(q, status, NULL);
}

/*
 * The path for the access log: a segment matched by a route parameter
 * named ":token" (reset, verification and tracking links) is logged as
 * ":token", so that whoever reads the logs cannot use the link.
 */
static const char *
log_path(const struct http_req *r, const struct rq *q)
{
	const char *pat, *path, *mark;
	struct buf b;
	const char *out;

	if (!r->path.p || !q || !q->route || !q->path || !strstr(q->route->pattern, "/:token"))
		return r->path.p ? r->path.p : "-";
	buf_init(&b, 4096);
	(void)buf_adds(&b, q->base ? q->base : "");
	for (pat = q->route->pattern, path = q->path; *pat == '/' && *path == '/';) {
		size_t np = strcspn(pat + 1, "/"), nv = strcspn(path + 1, "/");

		mark = strncmp(pat + 1, ":token", np) == 0 && np == 6 ? ":token" : NULL;
		(void)buf_addc(&b, '/');
		(void)buf_add(&b, mark ? mark : path + 1, mark ? strlen(mark) : nv);
		pat += np + 1;
		path += nv + 1;
	}
	out = b.toobig ? "-" : arena_strdup(q->a, b.p);
	buf_release(&b);
	return out;
}

static void
on_done(struct http_req *r, const struct http_resp *resp, void *cls)
{
	struct app *app = cls;
	struct rq *q = r->ctx;
	int64_t dur;
	char status[8], bytes[24], durs[24];

	dur = clock_mono_us() - r->start_us;
	if (q && q->db) {
		db_pool_put(app->pool, q->db);
		q->db = NULL;
	}
	metrics_request(app->metrics, resp->status, dur);
	snprintf(status, sizeof(status), "%d", resp->status);
	snprintf(bytes, sizeof(bytes), "%zu", resp->bytes_sent);
	snprintf(durs, sizeof(durs), "%lld", (long long)dur);
	{
		const char *kv[] = {"rid",    r->id,
				    "tenant", q && q->tenant ? q->tenant->slug : "-",
				    "method", r->method_name ? r->method_name : "-",
				    "path",   log_path(r, q),
				    "status", status,
				    "bytes",  bytes,
				    "dur_us", durs,
				    "ip",     r->client_ip ? r->client_ip : "-",
				    NULL};

		log_kv(LOG_INFO, "access", kv);
	}
}

const struct http_app app_http = {
	.on_headers = on_headers,
	.on_request = on_request,
	.on_error = on_error,
	.on_done = on_done,
};
