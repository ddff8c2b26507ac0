/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Request bodies: multipart/form-data through libmicrohttpd's PostProcessor,
 * application/x-www-form-urlencoded through the same strict decoder as query
 * strings (http_url.c), and other types kept raw for the JSON API.  Every
 * field must be valid UTF-8 text; file parts may hold any bytes.  Limits:
 * r->body_limit for the whole body, HTTP_FIELDS_MAX fields.
 */
#include "http/http_int.h"

#include <string.h>

#define PP_BUFFER_SIZE (32u * 1024)

/* Move the finished multipart field into r->form or r->uploads. */
static int
part_flush(struct http_req *r)
{
	struct http_state *s = r->state;
	struct str val;

	if (!s->part_key)
		return 0;
	if (r->form.n + r->n_uploads >= HTTP_FIELDS_MAX)
		return 413;
	val = (struct str){arena_strndup(&r->arena, s->part.p, s->part.len), s->part.len};
	if (s->part_file) {
		struct http_upload *u;

		r->uploads = arena_grow(&r->arena, r->uploads, r->n_uploads, &s->uploads_cap,
					sizeof(*r->uploads));
		u = &r->uploads[r->n_uploads++];
		u->field = s->part_key;
		u->filename = s->part_file;
		u->content_type = s->part_type ? s->part_type : "application/octet-stream";
		u->data = val.p;
		u->len = val.len;
	} else {
		if (!str_valid_text(val))
			return 400;
		http_kvs_add(&r->arena, &r->form, str_c(s->part_key), val);
	}
	s->part_key = NULL;
	buf_reset(&s->part);
	return 0;
}

static enum MHD_Result
part_data(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
	  const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
	  size_t size)
{
	struct http_req *r = cls;
	struct http_state *s = r->state;

	(void)kind;
	(void)transfer_encoding;
	if (s->fail)
		return MHD_NO;
	if (!key) {
		s->fail = 400; /* a part without a name (RFC 7578 4.2 requires one) */
		return MHD_NO;
	}
	if (off == 0 || !s->part_key || strcmp(key, s->part_key) != 0) {
		if ((s->fail = part_flush(r)))
			return MHD_NO;
		if (!str_valid_text(str_c(key)) || (filename && !str_valid_text(str_c(filename)))) {
			s->fail = 400;
			return MHD_NO;
		}
		s->part_key = arena_strdup(&r->arena, key);
		s->part_file = filename ? arena_strdup(&r->arena, filename) : NULL;
		s->part_type = content_type ? arena_strdup(&r->arena, content_type) : NULL;
	}
	if (buf_add(&s->part, data, size)) {
		s->fail = 413;
		return MHD_NO;
	}
	return MHD_YES;
}

static bool
type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct && strncasecmp(ct, want, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
http_body_begin(struct http_req *r)
{
	struct http_state *s = r->state;
	const char *ct = http_header(r, "Content-Type");

	buf_init(&s->raw, r->body_limit);
	buf_init(&s->part, r->body_limit);
	if (type_is(ct, "multipart/form-data")) {
		s->kind = BODY_MULTIPART;
		s->pp = MHD_create_post_processor(r->conn, PP_BUFFER_SIZE, part_data, r);
		if (!s->pp)
			return 400; /* no boundary */
	} else if (type_is(ct, "application/x-www-form-urlencoded")) {
		s->kind = BODY_URLENCODED;
	} else {
		s->kind = BODY_RAW;
	}
	return 0;
}

int
http_body_feed(struct http_req *r, const char *data, size_t n)
{
	struct http_state *s = r->state;

	if (n > r->body_limit || r->body_len > r->body_limit - n)
		return 413;
	r->body_len += n;
	if (s->kind == BODY_MULTIPART) {
		if (MHD_post_process(s->pp, data, n) != MHD_YES)
			return s->fail ? s->fail : 400;
		return 0;
	}
	return buf_add(&s->raw, data, n) ? 413 : 0;
}

int
http_body_end(struct http_req *r)
{
	struct http_state *s = r->state;
	int rc;

	switch (s->kind) {
	case BODY_MULTIPART:
		if (MHD_destroy_post_processor(s->pp) != MHD_YES && !s->fail)
			s->fail = 400;
		s->pp = NULL;
		if (s->fail)
			return s->fail;
		return part_flush(r);
	case BODY_URLENCODED:
		rc = http_parse_urlencoded(&r->arena, buf_str(&s->raw), &r->form);
		return rc == ERR_TOOBIG ? 413 : rc ? 400 : 0;
	case BODY_RAW:
	case BODY_NONE:
		return 0;
	}
	return 0;
}

void
http_body_release(struct http_req *r)
{
	struct http_state *s = r->state;

	if (s->pp)
		MHD_destroy_post_processor(s->pp);
	s->pp = NULL;
	buf_release(&s->raw);
	buf_release(&s->part);
}

struct str
http_body_raw(const struct http_req *r)
{
	const struct http_state *s = r->state;

	if (!s || s->kind != BODY_RAW)
		return (struct str){"", 0};
	return buf_str(&s->raw);
}
