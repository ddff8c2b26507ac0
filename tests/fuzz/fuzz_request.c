/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz whole HTTP requests through libmicrohttpd and src/http: request line,
 * headers, strict decoding, urlencoded and multipart bodies, limits.  The
 * input is sent as is over loopback to a server started once; the test app
 * routes, reads every field and upload, and answers.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static struct http_router *router;

static int
on_headers(struct http_req *r, void *app)
{
	unsigned allowed;
	const struct http_route *route = http_router_match(router, r, r->path, &allowed);

	(void)app;
	if (!route)
		return allowed ? 405 : 404;
	r->body_limit = route->body_limit;
	return 0;
}

static void
on_request(struct http_req *r, struct http_resp *resp, void *app)
{
	(void)app;
	/* Closing after each answer lets the client read to EOF without waiting. */
	http_resp_header(r, resp, "Connection", "close");
	resp->content_type = "text/plain";
	for (size_t i = 0; i < r->form.n; i++)
		buf_addf(&resp->body, "%.*s=%zu\n", (int)r->form.v[i].key.len, r->form.v[i].key.p,
			 r->form.v[i].val.len);
	for (size_t i = 0; i < r->n_uploads; i++)
		buf_addf(&resp->body, "file %s %zu\n", r->uploads[i].filename, r->uploads[i].len);
	if (http_cookie(r, "a"))
		http_set_cookie(r, resp, "a", "b", -1, HTTP_COOKIE_HTTPONLY);
}

static void
on_error(struct http_req *r, struct http_resp *resp, int status, void *app)
{
	(void)app;
	http_resp_header(r, resp, "Connection", "close");
	resp->status = status;
	buf_adds(&resp->body, "error\n");
}

static int
start(void)
{
	static const struct http_app app = {on_headers, on_request, on_error, NULL, NULL};
	struct http_server_opts o = {
		.host = "127.0.0.1",
		.threads = 1,
		.max_connections = 64,
		.per_ip_connections = 64,
		.timeout_s = 2,
		.default_body_limit = 1 << 16,
	};
	struct http_route routes[] = {
		{.methods = HTTP_GET | HTTP_POST, .pattern = "/form", .body_limit = 1 << 16},
		{.methods = HTTP_GET, .pattern = "/p/:x/*rest", .body_limit = 0},
	};
	struct http_server *s;
	struct err e;

	router = http_router_new();
	for (size_t i = 0; i < 2; i++)
		http_router_add(router, &routes[i]);
	if (http_server_start(&o, &app, &s, &e) != 0)
		abort();
	return http_server_port(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int port;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct timeval tv = {2, 0};
	char reply[4096];
	int fd;

	if (!port)
		port = start();
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		size_t off = 0;

		while (off < size) {
			ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
		shutdown(fd, SHUT_WR);
		while (recv(fd, reply, sizeof(reply), 0) > 0)
			;
	}
	close(fd);
	return 0;
}
