/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of src/http share: the per-request body state. */
#ifndef RATHAUS_HTTP_INT_H
#define RATHAUS_HTTP_INT_H

#include "http/http.h"

#include <microhttpd.h>
#include <sys/socket.h>

enum body_kind { BODY_NONE, BODY_URLENCODED, BODY_MULTIPART, BODY_RAW };

struct http_state {
	struct http_resp resp;
	enum body_kind kind;
	struct MHD_PostProcessor *pp;
	struct buf raw;	       /* urlencoded or raw body */
	struct buf part;       /* the multipart field being received */
	const char *part_key;  /* its name, or NULL */
	const char *part_file; /* its filename, or NULL for a plain field */
	const char *part_type; /* its Content-Type */
	size_t uploads_cap;    /* room in r->uploads */
	int fail;	       /* HTTP status to answer with, or 0 */
	bool headers_done;
	bool must_close;	   /* the framing was bad: answer and close */
	const char *raw_target;	   /* copy of the target as the library first saw it */
	const char *raw_target_at; /* where it was in the library's buffer */
	size_t raw_target_len;	   /* its length up to the first NUL */
};

/* Connection tracking, per-IP caps, head deadline, our own refusals (http_conn.c). */
struct http_guard_opts {
	int max_connections;
	int per_ip;	      /* connections per address (trusted proxies exempt) */
	int header_timeout_s; /* a request head must be complete this long after the last answer */
	int idle_timeout_s;   /* the library's idle timeout */
	bool (*exempt)(const char *ip, void *app);
	void *app;
	/* Append a complete answer for `status` (status line to body) to `out`. */
	void (*render)(void *srv, int status, const char *ip, bool log_it, struct buf *out);
	void *srv;
	bool takeover; /* take over the library's own answers (only 0.9.75 is known to allow it) */
};

enum http_guard_ev {
	HTTP_GUARD_LINE, /* the library parsed a request line */
	HTTP_GUARD_HEAD, /* the head is complete: the handler runs */
	HTTP_GUARD_DONE, /* the request completed */
};

struct http_guard;
struct http_guard *http_guard_new(const struct http_guard_opts *o);
/* Before MHD_stop_daemon(): no more answers of our own. */
void http_guard_stopping(struct http_guard *g);
/* After MHD_stop_daemon(). */
void http_guard_free(struct http_guard *g);
/* MHD_AcceptPolicyCallback and MHD_NotifyConnectionCallback, with the guard as cls. */
enum MHD_Result http_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
void http_guard_notify(void *cls, struct MHD_Connection *mc, void **socket_context,
		       enum MHD_ConnectionNotificationCode code);
void http_guard_event(struct http_guard *g, struct MHD_Connection *mc, enum http_guard_ev ev);
/* The status the library tried to answer this connection with itself, or 0. */
int http_guard_refusal(struct MHD_Connection *mc);
/* Mark this thread's next MHD_queue_response() calls as ours (true) or not. */
void http_guard_own_queue(bool on);

/* Collect and check the request head (http_head.c).  Returns 0 or an HTTP status. */
int http_head_read(struct http_req *r, const char *version, bool layout_known);
/* The library version whose buffer layout and close path the code above relies on. */
#define HTTP_MHD_KNOWN "0.9.75"

/* Start reading a body of the request's Content-Type.  Returns 0 or an HTTP status. */
int http_body_begin(struct http_req *r);
/* Feed n bytes.  Returns 0 or an HTTP status. */
int http_body_feed(struct http_req *r, const char *data, size_t n);
/* The body is complete: fill r->form and r->uploads.  Returns 0 or an HTTP status. */
int http_body_end(struct http_req *r);
/* Free what the body state holds outside the arena. */
void http_body_release(struct http_req *r);

#endif
