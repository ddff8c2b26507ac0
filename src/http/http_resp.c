/* SPDX-License-Identifier: EUPL-1.2 */
/* Response headers, redirects and cookies (RFC 6265 4.1 for Set-Cookie, 5.4 for Cookie). */
#include "http/http.h"

#include <string.h>

void
http_resp_header(struct http_req *r, struct http_resp *resp, const char *name, const char *value)
{
	http_kvs_add(&r->arena, &resp->headers, str_c(arena_strdup(&r->arena, name)),
		     str_c(arena_strdup(&r->arena, value)));
}

void
http_redirect(struct http_req *r, struct http_resp *resp, int status, const char *location)
{
	resp->status = status;
	http_resp_header(r, resp, "Location", location);
	buf_reset(&resp->body);
}

/* RFC 6265 cookie-octet: no CTLs, whitespace, DQUOTE, comma, semicolon or backslash. */
static bool
cookie_safe(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\')
			return false;
	}
	return true;
}

void
http_set_cookie(struct http_req *r, struct http_resp *resp, const char *name, const char *value,
		int64_t max_age, unsigned flags)
{
	char *v;

	if (!cookie_safe(name) || !cookie_safe(value))
		return;
	v = arena_printf(&r->arena, "%s=%s; Path=/", name, value);
	if (max_age >= 0)
		v = arena_printf(&r->arena, "%s; Max-Age=%lld", v, (long long)max_age);
	if (flags & HTTP_COOKIE_HTTPONLY)
		v = arena_printf(&r->arena, "%s; HttpOnly", v);
	if (flags & HTTP_COOKIE_SECURE)
		v = arena_printf(&r->arena, "%s; Secure", v);
	if (flags & HTTP_COOKIE_STRICT)
		v = arena_printf(&r->arena, "%s; SameSite=Strict", v);
	else if (flags & HTTP_COOKIE_LAX)
		v = arena_printf(&r->arena, "%s; SameSite=Lax", v);
	else if (flags & HTTP_COOKIE_CROSS_SITE)
		v = arena_printf(&r->arena, "%s; SameSite=None", v);
	http_resp_header(r, resp, "Set-Cookie", v);
}

const char *
http_cookie(struct http_req *r, const char *name)
{
	const char *h = http_header(r, "Cookie");
	struct str rest, pair, key, val;

	if (!h)
		return NULL;
	rest = str_c(h);
	while (rest.p) {
		rest = str_cut(rest, ';', &pair);
		val = str_cut(str_trim(pair), '=', &key);
		if (!val.p || !str_eq_c(str_trim(key), name))
			continue;
		val = str_trim(val);
		if (val.len >= 2 && val.p[0] == '"' && val.p[val.len - 1] == '"') {
			val.p++;
			val.len -= 2;
		}
		return arena_strdup_str(&r->arena, val);
	}
	return NULL;
}
