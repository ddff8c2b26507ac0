/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of src/http share: the per-request body state. */
#ifndef RATHAUS_HTTP_INT_H
#define RATHAUS_HTTP_INT_H

#include "http/http.h"

#include <microhttpd.h>

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
};

/* Start reading a body of the request's Content-Type.  Returns 0 or an HTTP status. */
int http_body_begin(struct http_req *r);
/* Feed n bytes.  Returns 0 or an HTTP status. */
int http_body_feed(struct http_req *r, const char *data, size_t n);
/* The body is complete: fill r->form and r->uploads.  Returns 0 or an HTTP status. */
int http_body_end(struct http_req *r);
/* Free what the body state holds outside the arena. */
void http_body_release(struct http_req *r);

#endif
