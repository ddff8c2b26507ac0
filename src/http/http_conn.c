/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Connections: per-IP caps, a total deadline for each request head, and our
 * own answer wherever libmicrohttpd 0.9.75 would answer or drop a client itself.
 *
 * Every connection is tracked from MHD's "started" to its "closed"
 * notification.  The accept policy counts an address's connections; a
 * trusted proxy is exempt, and once half the server's connections are taken
 * each address may hold only a quarter of its usual share, so many addresses
 * together cannot take all slots.  A watchdog thread shuts down a connection
 * whose request head is not complete `header_timeout_s` after the connection
 * opened or its last answer: an idle timeout alone lets a client that sends
 * one byte now and then hold a slot for ever.
 *
 * The library writes a few answers itself (431, 414, 505, a bad chunk or
 * Content-Length, a missing Host) without our security headers, and with a
 * malformed Content-Length its state machine sends the status line twice.
 * Its internal calls to MHD_queue_response() go through the PLT, so the
 * definition below takes them: it refuses the library's response (the
 * library then closes the connection) and remembers the status; the
 * "closed" notification, which comes before the socket is closed because we
 * run with MHD_USE_TURBO (no shutdown() of its own), writes our complete
 * answer.  A request line the library cannot parse at all closes the
 * connection without any answer; when that happens to the first request of a
 * connection that the client still holds open, we answer 400 the same way.
 */

#include "http/http_int.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WATCH_INTERVAL_MS 200	/* how often the watchdog looks */
#define DRAIN_MAX (256u * 1024) /* unread request bytes we discard before closing */
#define SEND_WAIT_MS 200	/* at most this long to write our own answer */
#define CROWDED_SHARE 4		/* per-IP cap divisor once half the slots are taken */
#define ADDR_LEN 16

struct http_conn {
	struct http_conn *prev, *next;
	int fd;
	unsigned char addr[ADDR_LEN]; /* IPv4 or IPv6 bytes */
	char ip[INET6_ADDRSTRLEN];
	bool exempt;	     /* a trusted proxy: no per-IP cap */
	bool takeover;	     /* we answer for the library (see the top of this file) */
	bool answered;	     /* we wrote an answer ourselves */
	_Atomic int refusal; /* status the library (or our 408) answers, or 0 */
	unsigned started;    /* request lines the library parsed */
	unsigned done;	     /* requests completed */
	int64_t opened_us;   /* connection or last answer: the idle clock */
	int64_t deadline_us; /* the head must be in by then; 0 while a request runs */
};

struct http_guard {
	struct http_guard_opts o;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t watchdog;
	struct http_conn *head;
	int n;
	bool stopping;
};

static _Thread_local bool own_queue;

static int
addr_key(const struct sockaddr *sa, unsigned char key[ADDR_LEN], char *ip, size_t iplen)
{
	memset(key, 0, ADDR_LEN);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		memcpy(key, &in->sin_addr, 4);
		inet_ntop(AF_INET, &in->sin_addr, ip, (socklen_t)iplen);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		memcpy(key, &in6->sin6_addr, ADDR_LEN);
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, (socklen_t)iplen);
		return 0;
	}
	return -1;
}

enum MHD_Result
http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_guard *g = cls;
	unsigned char key[ADDR_LEN];
	char ip[INET6_ADDRSTRLEN] = "";
	int cap = g->o.per_ip, have = 0;

	(void)addrlen;
	if (addr_key(addr, key, ip, sizeof(ip)))
		return MHD_YES; /* a Unix socket or similar: nothing to count */
	if (g->o.exempt && g->o.exempt(ip, g->o.app))
		return MHD_YES;
	pthread_mutex_lock(&g->mu);
	if (g->n * 2 >= g->o.max_connections)
		cap = cap / CROWDED_SHARE > 1 ? cap / CROWDED_SHARE : 1;
	for (struct http_conn *c = g->head; c && have < cap; c = c->next)
		if (memcmp(c->addr, key, ADDR_LEN) == 0)
			have++;
	pthread_mutex_unlock(&g->mu);
	if (have >= cap) {
		log_debug("http: refused connection from %s (%d open)", ip, have);
		return MHD_NO;
	}
	return MHD_YES;
}

static struct http_conn *
conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* Discard what the client sent and we will not read, so close() sends FIN, not RST. */
static void
drain(int fd)
{
	char sink[16384];
	size_t total = 0;
	ssize_t n;

	while (total < DRAIN_MAX && (n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
		total += (size_t)n;
}

static bool
peer_open(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

static void
send_all(int fd, const char *p, size_t len)
{
	int64_t until = clock_mono_us() + SEND_WAIT_MS * 1000;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && clock_mono_us() < until) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			poll(&pfd, 1, 20);
			continue;
		}
		return;
	}
}

/* Write the answer for `status` and end our half of the connection.  Lock held. */
static void
answer(struct http_guard *g, struct http_conn *c, int status, bool log_it)
{
	struct buf out;

	buf_init(&out, BUF_MAX_DEFAULT);
	g->o.render(g->o.srv, status, c->ip, log_it, &out);
	drain(c->fd);
	send_all(c->fd, out.p, out.len);
	shutdown(c->fd, SHUT_WR);
	buf_release(&out);
	c->answered = true;
}

/* The "closed" notification: answer what the library refused or could not parse. */
static void
on_closed(struct http_guard *g, struct http_conn *c)
{
	int64_t now = clock_mono_us();
	int status = c->refusal;
	bool log_it = false;

	if (c->answered || g->stopping || !c->takeover)
		return;
	if (!status && c->started == 0 && c->done == 0 &&
	    now - c->opened_us < (int64_t)g->o.idle_timeout_s * 1000000 - 500000 &&
	    peer_open(c->fd)) {
		status = 400; /* a request line the library could not parse */
		log_it = true;
	}
	if (status)
		answer(g, c, status, log_it);
}

void
http_guard_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
		  enum MHD_ConnectionNotificationCode code)
{
	struct http_guard *g = cls;
	struct http_conn *c = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		c = xcalloc(1, sizeof(*c));
		c->fd = fd ? fd->connect_fd : -1;
		if (ad && ad->client_addr)
			addr_key(ad->client_addr, c->addr, c->ip, sizeof(c->ip));
		c->opened_us = clock_mono_us();
		c->deadline_us = c->opened_us + (int64_t)g->o.header_timeout_s * 1000000;
		c->takeover = g->o.takeover;
		pthread_mutex_lock(&g->mu);
		c->next = g->head;
		if (g->head)
			g->head->prev = c;
		g->head = c;
		g->n++;
		pthread_mutex_unlock(&g->mu);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	on_closed(g, c);
	if (c->prev)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	g->n--;
	pthread_mutex_unlock(&g->mu);
	free(c);
	*socket_context = NULL;
}

void
http_guard_event(struct http_guard *g, struct MHD_Connection *mc, enum http_guard_ev ev)
{
	struct http_conn *c = conn_of(mc);

	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	switch (ev) {
	case HTTP_GUARD_LINE:
		c->started++;
		break;
	case HTTP_GUARD_HEAD:
		c->deadline_us = 0;
		break;
	case HTTP_GUARD_DONE:
		c->done++;
		c->opened_us = clock_mono_us();
		c->deadline_us = c->opened_us + (int64_t)g->o.header_timeout_s * 1000000;
		break;
	}
	pthread_mutex_unlock(&g->mu);
}

int
http_guard_refusal(struct MHD_Connection *mc)
{
	struct http_conn *c = conn_of(mc);

	return c ? c->refusal : 0;
}

static void *
watch(void *arg)
{
	struct http_guard *g = arg;

	pthread_mutex_lock(&g->mu);
	while (!g->stopping) {
		int64_t now = clock_mono_us();
		struct timespec ts;

		for (struct http_conn *c = g->head; c; c = c->next) {
			if (!c->deadline_us || now < c->deadline_us || c->answered)
				continue;
			/* A head that is late gets 408; an idle kept-alive connection just ends. */
			if (c->started > c->done || c->done == 0) {
				answer(g, c, 408, c->started == c->done);
				c->refusal = 408; /* for the access log of a started request */
			}
			c->answered = true;
			shutdown(c->fd, SHUT_RDWR);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WATCH_INTERVAL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->mu, &ts);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

struct http_guard *
http_guard_new(const struct http_guard_opts *o)
{
	struct http_guard *g = xcalloc(1, sizeof(*g));

	g->o = *o;
	if (g->o.per_ip < 1)
		g->o.per_ip = 1;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->wake, NULL);
	if (pthread_create(&g->watchdog, NULL, watch, g) != 0)
		abort();
	return g;
}

void
http_guard_stopping(struct http_guard *g)
{
	pthread_mutex_lock(&g->mu);
	g->stopping = true;
	pthread_cond_signal(&g->wake);
	pthread_mutex_unlock(&g->mu);
}

void
http_guard_free(struct http_guard *g)
{
	if (!g)
		return;
	http_guard_stopping(g);
	pthread_join(g->watchdog, NULL);
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

void
http_guard_own_queue(bool on)
{
	own_queue = on;
}

/*
 * Takes the library's own calls (see the top of this file); ours set
 * own_queue and go straight through.
 */
enum MHD_Result
MHD_queue_response(struct MHD_Connection *mc, unsigned int status, struct MHD_Response *resp)
{
	static enum MHD_Result (*real)(struct MHD_Connection *, unsigned int,
				       struct MHD_Response *);
	struct http_conn *c;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "MHD_queue_response");
	if (own_queue || !(c = conn_of(mc)) || !c->takeover)
		return real(mc, status, resp);
	c->refusal = (int)status;
	return MHD_NO;
}
