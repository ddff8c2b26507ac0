/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The server: libmicrohttpd with a pool of worker threads (epoll), one arena
 * per request, strict decoding of the request target, body limits decided by
 * the application before the body is read, and a graceful stop that lets
 * in-flight requests finish.  MHD's own unescaping is switched off so that
 * http_decode() sees the raw bytes and can refuse malformed escapes.
 */
#include "http/http_int.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct http_server {
	struct MHD_Daemon *d;
	struct http_guard *guard;
	bool layout_known; /* the library is the version http_head.c and http_conn.c know */
	struct http_app app;
	struct http_server_opts o;
	atomic_int inflight;
	atomic_ulong seq;
	unsigned id_prefix;
};

const char *
http_header(struct http_req *r, const char *name)
{
	if (!r->conn)
		return NULL; /* an answer of our own, outside the library's requests */
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static enum http_method
method_of(const char *m)
{
	static const struct {
		const char *name;
		enum http_method m;
	} methods[] = {
		{"GET", HTTP_GET},     {"HEAD", HTTP_HEAD},	{"POST", HTTP_POST},
		{"PUT", HTTP_PUT},     {"DELETE", HTTP_DELETE}, {"OPTIONS", HTTP_OPTIONS},
		{"PATCH", HTTP_PATCH},
	};

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(m, methods[i].name) == 0)
			return methods[i].m;
	return HTTP_OTHER;
}

/* MHD hands us raw bytes; http_decode() does the real work. */
static size_t
unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

struct arg_ctx {
	struct http_req *r;
	int fail;
};

static enum MHD_Result
add_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct arg_ctx *ac = cls;
	struct str k, v;

	(void)kind;
	if (ac->r->query.n >= HTTP_FIELDS_MAX) {
		ac->fail = 414;
		return MHD_NO;
	}
	if (http_decode(&ac->r->arena, str_c(key), true, &k) ||
	    http_decode(&ac->r->arena, str_c(value ? value : ""), true, &v)) {
		ac->fail = 400;
		return MHD_NO;
	}
	http_kvs_add(&ac->r->arena, &ac->r->query, k, v);
	return MHD_YES;
}

static void
set_peer(struct http_server *s, struct http_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "";
	const char *xff, *proto, *last;

	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip,
				  sizeof(ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip,
				  sizeof(ip));
	}
	r->client_ip = arena_strdup(&r->arena, ip);
	if (!s->o.trusted_proxy || !s->o.trusted_proxy(ip, s->app.app))
		return;
	xff = http_header(r, "X-Forwarded-For");
	if (xff) {
		/* The proxy appends the peer it saw: the last hop is the one to believe. */
		last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		r->client_ip = arena_strdup_str(&r->arena, str_trim(str_c(last)));
	}
	proto = http_header(r, "X-Forwarded-Proto");
	r->https = proto && strcasecmp(proto, "https") == 0;
}

/* RFC 9110 7.2 and RFC 3986 3.2.2: a reg-name or IP literal and a port; 0 or 400. */
static int
set_host(struct http_req *r)
{
	const char *h = http_header(r, "Host");
	char *p, *colon;
	size_t n;

	p = arena_strdup(&r->arena, h ? h : "");
	for (char *q = p; *q; q++) {
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q + 32);
		else if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
			   strchr("-.:[]_", *q)))
			return 400;
	}
	colon = p[0] == '[' ? NULL : strrchr(p, ':');
	if (colon)
		*colon = '\0';
	/* RFC 1034 3.1: "luenen.example." is the same absolute name. */
	n = strlen(p);
	if (n > 1 && p[n - 1] == '.' && p[n - 2] != '.')
		p[n - 1] = '\0';
	r->host = p;
	return 0;
}

/* First call: everything up to the body.  Returns 0 or a status to answer. */
static int
begin(struct http_server *s, struct http_req *r, const char *url, const char *method,
      const char *version)
{
	struct arg_ctx ac = {r, 0};
	const char *cl;
	int rc;

	r->method = method_of(method);
	r->method_name = arena_strdup(&r->arena, method);
	set_peer(s, r);
	rc = http_head_read(r, version, s->layout_known);
	if (rc)
		return rc;
	if (set_host(r))
		return 400;
	if (strlen(url) > HTTP_URL_MAX)
		return 414;
	if (url[0] != '/' || http_decode(&r->arena, str_c(url), false, &r->path) ||
	    memchr(r->path.p, '\0', r->path.len))
		return 400;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_query_arg, &ac);
	if (ac.fail)
		return ac.fail;
	if (r->method == HTTP_OTHER)
		return 501;
	r->body_limit = s->o.default_body_limit;
	rc = s->app.on_headers(r, s->app.app);
	if (rc)
		return rc;
	cl = http_header(r, "Content-Length");
	if (cl) {
		int64_t n;

		if (str_to_int64(str_c(cl), 0, INT64_MAX, &n))
			return 400;
		if ((uint64_t)n > r->body_limit)
			return 413;
	}
	return http_body_begin(r);
}

static void
add_headers(struct MHD_Response *mr, const struct http_resp *resp)
{
	if (resp->content_type)
		MHD_add_response_header(mr, "Content-Type", resp->content_type);
	for (size_t i = 0; i < resp->headers.n; i++)
		MHD_add_response_header(mr, resp->headers.v[i].key.p, resp->headers.v[i].val.p);
}

static enum MHD_Result
respond(struct http_server *s, struct http_req *r)
{
	struct http_state *st = r->state;
	struct http_resp *resp = &st->resp;
	struct MHD_Response *mr;
	enum MHD_Result ok;

	if (!st->fail)
		st->fail = http_body_end(r);
	if (st->fail) {
		buf_reset(&resp->body);
		resp->headers.n = 0;
		s->app.on_error(r, resp, st->fail, s->app.app);
	} else {
		s->app.on_request(r, resp, s->app.app);
	}
	if (resp->body.toobig) {
		buf_reset(&resp->body);
		resp->headers.n = 0;
		s->app.on_error(r, resp, 500, s->app.app);
	}
	if (st->must_close)
		http_resp_header(r, resp, "Connection", "close");
	if (resp->fd >= 0) {
		mr = MHD_create_response_from_fd(resp->fd_size, resp->fd);
		resp->bytes_sent = resp->fd_size;
		resp->fd = -1; /* MHD closes it */
	} else {
		size_t len;
		char *body = buf_detach(&resp->body, &len);

		mr = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		resp->bytes_sent = len;
	}
	if (!mr)
		return MHD_NO;
	add_headers(mr, resp);
	http_guard_own_queue(true);
	ok = MHD_queue_response(r->conn, (unsigned)resp->status, mr);
	http_guard_own_queue(false);
	MHD_destroy_response(mr);
	return ok;
}

static struct http_req *
req_new(struct http_server *s, struct MHD_Connection *conn)
{
	struct http_req *r = xcalloc(1, sizeof(*r));
	struct http_state *st = xcalloc(1, sizeof(*st));

	arena_init(&r->arena);
	r->start_us = clock_mono_us();
	r->conn = conn;
	r->state = st;
	snprintf(r->id, sizeof(r->id), "%08x%08lx", s->id_prefix,
		 (unsigned long)atomic_fetch_add(&s->seq, 1) & 0xffffffffUL);
	st->resp.status = 200;
	st->resp.fd = -1;
	buf_init(&st->resp.body, HTTP_RESP_MAX);
	buf_init(&st->raw, 0);
	buf_init(&st->part, 0);
	atomic_fetch_add(&s->inflight, 1);
	return r;
}

/*
 * The library parsed a request line: start the request here, while the
 * target is still as the client sent it (the library cuts it at '?' and
 * splits the query in place afterwards).
 */
static void *
on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *s = cls;
	struct http_req *r = req_new(s, conn);
	struct http_state *st = r->state;

	st->raw_target_at = uri;
	st->raw_target_len = strlen(uri);
	st->raw_target = arena_strdup(&r->arena, uri);
	http_guard_event(s->guard, conn, HTTP_GUARD_LINE);
	return r;
}

static void
req_free(struct http_server *s, struct http_req *r)
{
	struct http_state *st = r->state;

	if (st->resp.fd >= 0)
		close(st->resp.fd);
	http_body_release(r);
	buf_release(&st->resp.body);
	arena_release(&r->arena);
	free(st);
	free(r);
	atomic_fetch_sub(&s->inflight, 1);
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_req *r = *con_cls;
	struct http_state *st;

	if (!r) {
		r = req_new(s, conn);
		*con_cls = r;
	}
	st = r->state;
	if (!st->headers_done) {
		http_guard_event(s->guard, conn, HTTP_GUARD_HEAD);
		st->fail = begin(s, r, url, method, version);
		st->headers_done = true;
		/*
		 * Answer a refusal before the body: the library then sends no
		 * "100 Continue", reads nothing more and closes the connection.
		 */
		if (st->fail)
			return respond(s, r);
		return MHD_YES;
	}
	st = r->state;
	if (*upload_size) {
		if (!st->fail)
			st->fail = http_body_feed(r, upload_data, *upload_size);
		else if (r->body_len > 4 * (r->body_limit + (1u << 20)))
			return MHD_NO; /* a client that keeps sending after a refusal */
		else
			r->body_len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	return respond(s, r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct http_req *r = *con_cls;
	struct http_state *st;

	if (!r)
		return;
	st = r->state;
	http_guard_event(s->guard, conn, HTTP_GUARD_DONE);
	if (http_guard_refusal(conn) && st->resp.bytes_sent == 0)
		st->resp.status = http_guard_refusal(conn); /* we answer it when it closes */
	else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && st->resp.status < 400 &&
		 st->resp.bytes_sent == 0)
		st->resp.status = 499; /* the client went away first (nginx's code) */
	if (s->app.on_done)
		s->app.on_done(r, &st->resp, s->app.app);
	req_free(s, r);
	*con_cls = NULL;
}

/*
 * A complete answer for `status`, for the connections the library refused or
 * dropped (http_conn.c): the application's error page with its headers, sent
 * by us with "Connection: close".
 */
static void
render_refusal(void *srv, int status, const char *ip, bool log_it, struct buf *out)
{
	struct http_server *s = srv;
	struct http_req *r = req_new(s, NULL);
	struct http_resp *resp = &r->state->resp;
	char date[64];
	struct tm tm;
	time_t now = time(NULL);

	r->client_ip = arena_strdup(&r->arena, ip);
	r->host = "";
	resp->status = status;
	s->app.on_error(r, resp, status, s->app.app);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	buf_addf(out, "HTTP/1.1 %d %s\r\nDate: %s\r\nConnection: close\r\n", resp->status,
		 http_status_text(resp->status), date);
	if (resp->content_type)
		buf_addf(out, "Content-Type: %s\r\n", resp->content_type);
	for (size_t i = 0; i < resp->headers.n; i++)
		buf_addf(out, "%s: %s\r\n", resp->headers.v[i].key.p, resp->headers.v[i].val.p);
	buf_addf(out, "Content-Length: %zu\r\n\r\n", resp->body.len);
	buf_add(out, resp->body.p, resp->body.len);
	resp->bytes_sent = resp->body.len;
	if (log_it && s->app.on_done)
		s->app.on_done(r, resp, s->app.app);
	req_free(s, r);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	/* Mostly clients' protocol errors: not worth a warning each. */
	log_debug("http: %s", msg);
}

static int
resolve(const char *host, int port, struct sockaddr_storage *ss, struct err *e)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICSERV | AI_PASSIVE,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	char portstr[16];
	int rc;

	snprintf(portstr, sizeof(portstr), "%d", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0 || !res)
		return err_set(e, ERR_INVALID, NULL, "cannot resolve listen address '%s': %s", host,
			       gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

/* Every connection is a descriptor: let the soft limit go up to the hard one if needed. */
static void
raise_fd_limit(int max_connections)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)max_connections + 256; /* database, files, logs */

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("http: cannot raise the descriptor limit to %llu",
			 (unsigned long long)want);
}

static unsigned
random_prefix(void)
{
	unsigned v = (unsigned)time(NULL) ^ (unsigned)getpid() << 16;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &v, sizeof(v)) != sizeof(v))
			v ^= (unsigned)clock_mono_us();
		close(fd);
	}
	return v;
}

int
http_server_start(const struct http_server_opts *o, const struct http_app *app,
		  struct http_server **out, struct err *e)
{
	struct http_server *s;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	int rc = resolve(o->host, o->port, &ss, e);

	if (rc)
		return rc;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s = xcalloc(1, sizeof(*s));
	s->app = *app;
	s->o = *o;
	s->id_prefix = random_prefix();
	raise_fd_limit(o->max_connections);
	s->layout_known = strcmp(MHD_get_version(), HTTP_MHD_KNOWN) == 0;
	if (!s->layout_known)
		log_warn("http: libmicrohttpd %s, not %s: raw NUL bytes and the library's own "
			 "error answers are left to it",
			 MHD_get_version(), HTTP_MHD_KNOWN);
	s->guard = http_guard_new(&(struct http_guard_opts){
		.max_connections = o->max_connections,
		.per_ip = o->per_ip_connections,
		.header_timeout_s = o->header_timeout_s > 0 ? o->header_timeout_s : o->timeout_s,
		.idle_timeout_s = o->timeout_s,
		.exempt = o->trusted_proxy,
		.app = app->app,
		.render = render_refusal,
		.srv = s,
		.takeover = s->layout_known,
	});
	/*
	 * The per-IP cap is the guard's accept policy (trusted proxies are
	 * exempt), not MHD_OPTION_PER_IP_CONNECTION_LIMIT.  Strict mode makes the
	 * library refuse HTTP/1.1 without Host and a space in the target itself.
	 */
	s->d = MHD_start_daemon(
		flags, (uint16_t)o->port, http_guard_accept, s->guard, on_access, s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 4),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEADERS_MAX,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
		http_guard_notify, s->guard, MHD_OPTION_URI_LOG_CALLBACK, on_request_line, s,
		MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, NULL,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	if (!s->d) {
		http_guard_free(s->guard);
		free(s);
		return err_set(e, ERR_IO, NULL, "cannot listen on %s:%d (in use or not permitted)",
			       o->host, o->port);
	}
	*out = s;
	return 0;
}

int
http_server_port(const struct http_server *s)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : -1;
}

int
http_server_inflight(const struct http_server *s)
{
	return atomic_load(&((struct http_server *)s)->inflight);
}

void
http_server_stop(struct http_server *s, int grace_ms)
{
	if (!s)
		return;
	/*
	 * Requests in flight get `grace_ms` to finish.  The listening socket
	 * stays with the daemon until it stops: MHD_quiesce_daemon() races with
	 * the pool's own epoll bookkeeping in libmicrohttpd 0.9.75 and can abort
	 * the process ("Failed to remove listen FD from epoll set").
	 */
	for (int waited = 0; atomic_load(&s->inflight) > 0 && waited < grace_ms; waited += 10) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
	http_guard_stopping(s->guard);
	MHD_stop_daemon(s->d);
	http_guard_free(s->guard);
	free(s);
}
