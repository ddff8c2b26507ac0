/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Strict percent-decoding (RFC 3986 2.1) and application/x-www-form-urlencoded
 * pairs (WHATWG URL, "application/x-www-form-urlencoded parsing"), plus the
 * field lists that hold their results.  Malformed input is an error here, not
 * something to be guessed at: a bad escape, invalid UTF-8 or a control
 * character is ERR_INVALID and the request becomes a 400.
 */
#include "http/http.h"

#include <string.h>

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
http_decode(struct arena *a, struct str in, bool plus, struct str *out)
{
	char *p = arena_alloc(a, in.len + 1);
	size_t n = 0;

	for (size_t i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (c == '%') {
			int hi, lo;

			if (in.len - i < 3)
				return ERR_INVALID;
			hi = hexval(in.p[i + 1]);
			lo = hexval(in.p[i + 2]);
			if (hi < 0 || lo < 0)
				return ERR_INVALID;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		p[n++] = c;
	}
	p[n] = '\0';
	*out = (struct str){p, n};
	return str_valid_text(*out) ? 0 : ERR_INVALID;
}

int
http_parse_urlencoded(struct arena *a, struct str in, struct http_kvs *out)
{
	struct str rest = in, pair, key, val;

	while (rest.p) {
		rest = str_cut(rest, '&', &pair);
		if (pair.len == 0)
			continue;
		if (out->n >= HTTP_FIELDS_MAX)
			return ERR_TOOBIG;
		val = str_cut(pair, '=', &key);
		if (http_decode(a, key, true, &key) || http_decode(a, val, true, &val))
			return ERR_INVALID;
		http_kvs_add(a, out, key, val);
	}
	return 0;
}

void
http_kvs_add(struct arena *a, struct http_kvs *kvs, struct str key, struct str val)
{
	kvs->v = arena_grow(a, kvs->v, kvs->n, &kvs->cap, sizeof(*kvs->v));
	kvs->v[kvs->n].key = key;
	kvs->v[kvs->n].val = val;
	kvs->n++;
}

const char *
http_kvs_get(const struct http_kvs *kvs, const char *name)
{
	/* Values are NUL-terminated by construction (http_decode, arena copies). */
	for (size_t i = 0; i < kvs->n; i++)
		if (str_eq_c(kvs->v[i].key, name))
			return kvs->v[i].val.p ? kvs->v[i].val.p : "";
	return NULL;
}

const char *
http_query(const struct http_req *r, const char *name)
{
	return http_kvs_get(&r->query, name);
}

const char *
http_form(const struct http_req *r, const char *name)
{
	return http_kvs_get(&r->form, name);
}

const char *
http_param(const struct http_req *r, const char *name)
{
	return http_kvs_get(&r->params, name);
}

static const struct {
	int status;
	const char *text;
} status_texts[] = {
	{200, "OK"},
	{201, "Created"},
	{204, "No Content"},
	{301, "Moved Permanently"},
	{302, "Found"},
	{303, "See Other"},
	{304, "Not Modified"},
	{400, "Bad Request"},
	{401, "Unauthorized"},
	{403, "Forbidden"},
	{404, "Not Found"},
	{405, "Method Not Allowed"},
	{408, "Request Timeout"},
	{409, "Conflict"},
	{411, "Length Required"},
	{413, "Content Too Large"},
	{414, "URI Too Long"},
	{415, "Unsupported Media Type"},
	{422, "Unprocessable Content"},
	{429, "Too Many Requests"},
	{431, "Request Header Fields Too Large"},
	{500, "Internal Server Error"},
	{501, "Not Implemented"},
	{503, "Service Unavailable"},
	{505, "HTTP Version Not Supported"},
};

const char *
http_status_text(int status)
{
	for (size_t i = 0; i < sizeof(status_texts) / sizeof(status_texts[0]); i++)
		if (status_texts[i].status == status)
			return status_texts[i].text;
	return "Unknown";
}

int
http_status_of(int err_code)
{
	switch (err_code) {
	case 0:
		return 200;
	case ERR_INVALID:
		return 400;
	case ERR_UNPROCESSABLE:
		return 422;
	case ERR_UNAUTHORIZED:
		return 401;
	case ERR_FORBIDDEN:
		return 403;
	case ERR_NOTFOUND:
		return 404;
	case ERR_METHOD:
		return 405;
	case ERR_CONFLICT:
		return 409;
	case ERR_TOOBIG:
		return 413;
	case ERR_RATELIMIT:
		return 429;
	case ERR_DB:
		return 503;
	default:
		return 500;
	}
}
