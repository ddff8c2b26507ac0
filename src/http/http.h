/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * http: the HTTP server (libmicrohttpd), requests and responses, the router
 * with path parameters, query and form decoding, cookies and static files.
 * Only this folder includes <microhttpd.h>.
 *
 * A request lives in its own arena; every view (struct str) and string the
 * request hands out lives as long as that arena.  The application plugs in
 * through struct http_app: on_headers picks the route and body limit before
 * the body is read, on_request fills the response, on_done logs it.
 * Percent-decoding is strict: a bad escape, invalid UTF-8 or a control
 * character other than TAB, CR and LF (which multi-line form fields need)
 * in the path, query or form makes the request a 400.
 */
#ifndef RATHAUS_HTTP_H
#define RATHAUS_HTTP_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Named limits (curl's DYN_* style). */
#define HTTP_URL_MAX (8u * 1024)	  /* longer request targets get 414 */
#define HTTP_HEADERS_MAX (32u * 1024)	  /* MHD memory per connection for headers */
#define HTTP_FIELDS_MAX 256		  /* query or form fields per request */
#define HTTP_RESP_MAX (32u * 1024 * 1024) /* the largest generated body */

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_DELETE = 1 << 4,
	HTTP_OPTIONS = 1 << 5,
	HTTP_PATCH = 1 << 6,
	HTTP_OTHER = 1 << 7,
};

struct http_kv {
	struct str key; /* decoded, valid UTF-8 */
	struct str val; /* decoded, valid UTF-8 (uploads: see http_upload) */
};

struct http_kvs {
	struct http_kv *v;
	size_t n, cap;
};

struct http_upload {
	const char *field;	  /* form field name */
	const char *filename;	  /* as the client sent it, valid UTF-8, may be "" */
	const char *content_type; /* as the client claimed it; do not trust */
	const char *data;	  /* the bytes, in the request arena */
	size_t len;
};

struct http_req {
	struct arena arena;
	enum http_method method;
	const char *method_name;
	struct str path;	/* decoded path, valid UTF-8, starts with '/' */
	struct http_kvs query;	/* decoded query parameters */
	struct http_kvs form;	/* decoded body fields (urlencoded or multipart) */
	struct http_kvs params; /* path parameters set by the router */
	struct http_upload *uploads;
	size_t n_uploads;
	const char *host;	  /* Host header, lower case, without port; "" if none */
	const char *client_ip;	  /* peer, or X-Forwarded-For's last hop from a trusted proxy */
	bool https;		  /* TLS (X-Forwarded-Proto from a trusted proxy) */
	char id[20];		  /* request id for logs */
	int64_t start_us;	  /* monotonic start time */
	size_t body_limit;	  /* set by on_headers; 0: no body accepted */
	size_t body_len;	  /* bytes received so far */
	void *ctx;		  /* the application's per-request data */
	void *conn;		  /* the MHD connection; only http_*.c use it */
	struct http_state *state; /* body parsing state; only http_*.c use it */
};

struct http_resp {
	int status;
	const char *content_type;
	struct buf body;	 /* generated body, capped at HTTP_RESP_MAX */
	struct http_kvs headers; /* extra headers, in the request arena */
	int fd;			 /* a file to send instead of body, or -1 */
	uint64_t fd_size;
	size_t bytes_sent; /* filled in before on_done */
};

/* Header, query, form and cookie look-ups; NULL when absent.  Live in the arena. */
const char *http_header(struct http_req *r, const char *name);
const char *http_query(const struct http_req *r, const char *name);
const char *http_form(const struct http_req *r, const char *name);
const char *http_param(const struct http_req *r, const char *name);
const char *http_cookie(struct http_req *r, const char *name);
const char *http_kvs_get(const struct http_kvs *kvs, const char *name);
/*
 * The body of a request that was neither urlencoded nor multipart (JSON,
 * a file), as received; valid until the request ends.  Empty otherwise.
 */
struct str http_body_raw(const struct http_req *r);
void http_kvs_add(struct arena *a, struct http_kvs *kvs, struct str key, struct str val);

/* Response helpers.  Names and values are copied into the request arena. */
void http_resp_header(struct http_req *r, struct http_resp *resp, const char *name,
		      const char *value);
void http_redirect(struct http_req *r, struct http_resp *resp, int status, const char *location);

enum http_cookie_flags {
	HTTP_COOKIE_HTTPONLY = 1 << 0,
	HTTP_COOKIE_SECURE = 1 << 1,
	HTTP_COOKIE_LAX = 1 << 2,
	HTTP_COOKIE_STRICT = 1 << 3,
	HTTP_COOKIE_CROSS_SITE = 1 << 4, /* SameSite=None: sent on a POST from another site */
};
/* Set-Cookie with Path=/; max_age < 0 makes a session cookie, 0 deletes. */
void http_set_cookie(struct http_req *r, struct http_resp *resp, const char *name,
		     const char *value, int64_t max_age, unsigned flags);

/*
 * Decoding, exposed for the fuzzers.  http_decode() percent-decodes `in`
 * (with '+' as space when `plus`) into the arena; returns 0 or ERR_INVALID
 * for a bad escape, invalid UTF-8 or a control character.
 * http_parse_urlencoded() adds every pair of `in` ("a=1&b=2") to `out`.
 */
int http_decode(struct arena *a, struct str in, bool plus, struct str *out) MUST_CHECK;
int http_parse_urlencoded(struct arena *a, struct str in, struct http_kvs *out) MUST_CHECK;

/*
 * The head of a request as it came in, for the strict RFC 9112 checks that
 * libmicrohttpd leaves to us (http_check.c).  Views live as long as the caller
 * keeps the bytes.
 */
struct http_head {
	struct str target;	      /* raw request-target; a raw NUL stays inside */
	struct str version;	      /* "HTTP/1.1" */
	const struct http_kv *fields; /* raw field names and values, in order */
	size_t n_fields;
};

/*
 * 0 when the head is acceptable, else the status to answer (400 or 501):
 * a target with SP, CTL, NUL or 8-bit bytes; a field name that is no token or
 * a value with a control character; no Host in HTTP/1.1 or more than one;
 * Transfer-Encoding with Content-Length, in HTTP/1.0, or other than a final
 * "chunked" (501 for a coding we do not know); a bad or repeated
 * Content-Length.  *must_close is set when the connection cannot be reused.
 */
int http_head_check(const struct http_head *h, bool *must_close) MUST_CHECK;
/* RFC 9110 5.6.2 token; 5.5 field value without control characters. */
bool http_check_token(struct str s);
bool http_check_field_value(struct str s);

/* The router: patterns like "/leistungen/:key"; a final "*name" segment takes the rest. */
typedef void (*http_fn)(void); /* the application casts to its own handler type */

struct http_route {
	unsigned methods; /* enum http_method bits */
	const char *pattern;
	http_fn fn;
	size_t body_limit; /* 0: the server's default */
	unsigned flags;	   /* the application's own */
};

struct http_router;
struct http_router *http_router_new(void);
void http_router_free(struct http_router *rt);
/* Patterns and routes are copied. */
void http_router_add(struct http_router *rt, const struct http_route *route);
/*
 * The route for `path`, with its parameters added to r->params, or NULL.
 * When the path matches but not the method, *allowed gets the methods that
 * would match (for 405), else 0.
 */
const struct http_route *http_router_match(const struct http_router *rt, struct http_req *r,
					   struct str path, unsigned *allowed);

/*
 * A static file below `root`: `rel` must not escape it.  Sets the response
 * to the file with ETag, Last-Modified, Cache-Control (max_age seconds) and
 * the .gz sibling when the client accepts gzip; 304 on a matching
 * If-None-Match.  Returns 0 or ERR_NOTFOUND.
 */
int http_static(struct http_req *r, struct http_resp *resp, const char *root, struct str rel,
		int max_age);

/* The server. */
struct http_app {
	/*
	 * Headers are in, the body is not: pick the route, set r->body_limit and
	 * r->ctx.  Return 0 to go on, or an HTTP status to answer at once
	 * (on_error then renders it).
	 */
	int (*on_headers)(struct http_req *r, void *app);
	/* The whole request is in: fill the response. */
	void (*on_request)(struct http_req *r, struct http_resp *resp, void *app);
	/* Render an error page for `status` that the server decided itself. */
	void (*on_error)(struct http_req *r, struct http_resp *resp, int status, void *app);
	/* The response was sent (or the connection failed): log, count. */
	void (*on_done)(struct http_req *r, const struct http_resp *resp, void *app);
	void *app;
};

struct http_server_opts {
	const char *host; /* address to listen on */
	int port;	  /* 0: any free port (see http_server_port) */
	int threads;	  /* worker threads */
	int max_connections;
	int per_ip_connections;
	int timeout_s;	      /* idle timeout */
	int header_timeout_s; /* a request head must be in this long after the last answer */
	size_t default_body_limit;
	/* Peers whose X-Forwarded-For/-Proto are believed. */
	bool (*trusted_proxy)(const char *ip, void *app);
};

struct http_server;
int http_server_start(const struct http_server_opts *o, const struct http_app *app,
		      struct http_server **out, struct err *e) MUST_CHECK;
int http_server_port(const struct http_server *s);
/* Stop accepting, let in-flight requests finish (up to grace_ms), then stop. */
void http_server_stop(struct http_server *s, int grace_ms);
/* Requests being handled right now. */
int http_server_inflight(const struct http_server *s);

/* Reason phrase of `status` ("Not Found"). */
const char *http_status_text(int status);
/* The status for an enum err_code (400, 403, 404, 409, 413, 422, 429, 500, 503). */
int http_status_of(int err_code);

#endif
