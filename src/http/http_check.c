/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Strict checks of a request head (RFC 9112) that libmicrohttpd 0.9.75 does
 * not make itself: the request-target's characters, field names and values,
 * exactly one Host, and the message framing (Content-Length and
 * Transfer-Encoding).  Pure functions of the head, so the fuzzer can call
 * them; http_server.c builds the head from what the library hands up.
 */
#include "http/http.h"

#include <string.h>

/* RFC 9110 5.6.2: tchar. */
static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

bool
http_check_token(struct str s)
{
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!is_tchar((unsigned char)s.p[i]))
			return false;
	return true;
}

/* RFC 9110 5.5: field-content is VCHAR, obs-text, SP and HTAB; no NUL, CR, LF or CTL. */
bool
http_check_field_value(struct str s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

/* RFC 9112 3.2: origin-form or asterisk; visible ASCII only (no SP, CTL, NUL or 8-bit). */
static bool
target_ok(struct str t)
{
	if (t.len == 0 || (t.p[0] != '/' && !(t.len == 1 && t.p[0] == '*')))
		return false;
	for (size_t i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

/* RFC 9112 6.3 item 5: 1*DIGIT that fits a signed 64-bit count. */
static bool
length_ok(struct str v)
{
	v = str_trim(v);
	if (v.len == 0 || v.len > 18)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
	return true;
}

/*
 * RFC 9112 6.1: the codings of all Transfer-Encoding fields in order.  Only
 * "chunked" as the one and final coding is understood.  Returns 0, 400 (chunked
 * not final, twice, or an empty list) or 501 (another coding).
 */
static int
codings_check(const struct http_head *h)
{
	int n = 0, status = 0;
	bool last_chunked = false;

	for (size_t i = 0; i < h->n_fields; i++) {
		struct str rest, item;

		if (!str_ieq_c(h->fields[i].key, "Transfer-Encoding"))
			continue;
		rest = h->fields[i].val;
		while (rest.p) {
			rest = str_cut(rest, ',', &item);
			item = str_trim(item);
			if (item.len == 0)
				continue;
			n++;
			if (str_ieq_c(item, "chunked")) {
				if (last_chunked)
					return 400;
				last_chunked = true;
			} else {
				last_chunked = false;
				status = 501;
			}
		}
	}
	if (n == 0 || !last_chunked)
		return 400;
	return status;
}

static size_t
count_fields(const struct http_head *h, const char *name, struct str *last)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n_fields; i++)
		if (str_ieq_c(h->fields[i].key, name)) {
			n++;
			*last = h->fields[i].val;
		}
	return n;
}

int
http_head_check(const struct http_head *h, bool *must_close)
{
	bool http11 = str_starts(h->version, "HTTP/1.") && !str_eq_c(h->version, "HTTP/1.0");
	struct str host = {0}, cl = {0}, te = {0};
	size_t n_host, n_cl, n_te;
	int rc;

	*must_close = true;
	if (!target_ok(h->target))
		return 400;
	for (size_t i = 0; i < h->n_fields; i++)
		if (!http_check_token(h->fields[i].key) ||
		    !http_check_field_value(h->fields[i].val))
			return 400;
	/* RFC 9112 3.2: a client MUST send Host in HTTP/1.1, a server MUST reject 0 or 2+. */
	n_host = count_fields(h, "Host", &host);
	if (n_host > 1 || (http11 && n_host == 0))
		return 400;
	n_cl = count_fields(h, "Content-Length", &cl);
	n_te = count_fields(h, "Transfer-Encoding", &te);
	if (n_te) {
		/* RFC 9112 6.1: HTTP/1.0 with Transfer-Encoding is faulty framing; both
		 * Transfer-Encoding and Content-Length is a smuggling attempt. */
		if (!http11 || n_cl)
			return 400;
		rc = codings_check(h);
		if (rc)
			return rc;
	} else if (n_cl > 1 || (n_cl == 1 && !length_ok(cl))) {
		return 400;
	}
	*must_close = false;
	return 0;
}
