/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The request head as libmicrohttpd 0.9.75 hands it up, made fit for
 * http_head_check().  The library keeps the request line and fields as C
 * strings inside its read buffer, so a raw NUL byte silently cuts a target or
 * a value short ("Host: a.example\0.evil" reads as "a.example").  The bytes
 * around each string tell whether that happened: the library writes a NUL
 * over the separator after the target and over the CR and LF that end a
 * line, so between the end of one value and the next field name there are
 * one or two NULs and nothing else.  Anything else there (the rest of a
 * line after a raw NUL, or a value the library moved to join a folded line,
 * which RFC 9112 5.2 lets us refuse) makes the request a 400.
 */
#include "http/http_int.h"

#include <string.h>

struct collect {
	struct http_req *r;
	struct http_kv *v;
	const char **keys, **vals; /* the library's own pointers, for the layout check */
	size_t n, cap;
	bool toobig;
};

static enum MHD_Result
collect_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct collect *c = cls;

	(void)kind;
	if (c->n == c->cap) {
		c->toobig = true;
		return MHD_NO;
	}
	c->keys[c->n] = key;
	c->vals[c->n] = value ? value : "";
	c->v[c->n].key = str_c(key);
	c->v[c->n].val = str_c(c->vals[c->n]);
	c->n++;
	return MHD_YES;
}

/* Between a name and its value only the colon (now NUL), SP and HTAB. */
static bool
name_gap_ok(const char *key, const char *val)
{
	const char *p = key + strlen(key);

	if (val < p || val - p > (ptrdiff_t)HTTP_HEADERS_MAX)
		return false;
	for (; p < val; p++)
		if (*p != '\0' && *p != ' ' && *p != '\t')
			return false;
	return true;
}

/* After a value: the line end (one or two NULs), then the next name or the empty line. */
static bool
line_end_ok(const char *val, const char *next_key)
{
	const char *end = val + strlen(val);

	if (!next_key)
		return end[1] == '\0';
	return (next_key == end + 1) || (next_key == end + 2 && end[1] == '\0');
}

int
http_head_read(struct http_req *r, const char *version, bool layout_known)
{
	struct http_state *st = r->state;
	struct collect c = {.r = r, .cap = HTTP_FIELDS_MAX};
	struct http_head h;
	int rc;

	/* The target ends where the library put the NUL before the version. */
	if (layout_known && version && version[0] && st->raw_target_at &&
	    st->raw_target_at + st->raw_target_len + 1 != version)
		return 400;
	c.v = arena_calloc(&r->arena, c.cap, sizeof(*c.v));
	c.keys = arena_calloc(&r->arena, c.cap, sizeof(*c.keys));
	c.vals = arena_calloc(&r->arena, c.cap, sizeof(*c.vals));
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect_field, &c);
	if (c.toobig)
		return 431;
	for (size_t i = 0; layout_known && i < c.n; i++)
		if (!name_gap_ok(c.keys[i], c.vals[i]) ||
		    !line_end_ok(c.vals[i], i + 1 < c.n ? c.keys[i + 1] : NULL))
			return 400;
	h.target = (struct str){st->raw_target ? st->raw_target : "", st->raw_target_len};
	h.version = str_c(version ? version : "");
	h.fields = c.v;
	h.n_fields = c.n;
	rc = http_head_check(&h, &st->must_close);
	return rc;
}
