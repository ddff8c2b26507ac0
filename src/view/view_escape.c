/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Escaping of values for the context they stand in: HTML text and
 * attributes, URL attributes (scheme allow-list), and JSON inside an
 * ld+json script.  Every escaper also repairs its input: bytes that are not
 * well-formed UTF-8 become U+FFFD, so no output is invalid UTF-8 because of
 * a value.  Safe runs are copied in one append, not byte by byte.
 */
#include "view/view_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#define VIEW_FFFD "\xef\xbf\xbd"

enum esc_mode { ESC_RAW, ESC_HTML, ESC_JSON };

/*
 * Schemes a URL attribute may carry; anything else becomes "#".  otpauth
 * (Key URI Format) opens the authenticator app with a two-factor secret.
 */
static const char *const url_schemes[] = {"http", "https", "mailto", "tel", "otpauth"};

static const char hex[] = "0123456789abcdef";

/* Length of the well-formed UTF-8 sequence at p[0..n), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if (k > n || !str_valid_utf8((struct str){(const char *)p, k}))
		return 0;
	return k;
}

/* What ASCII byte c becomes in mode m, or NULL to copy it; tmp holds \u00XX. */
static const char *
ascii_rep(enum esc_mode m, unsigned char c, char tmp[8])
{
	if (m == ESC_RAW)
		return c == 0 ? VIEW_FFFD : NULL;
	if (m == ESC_HTML) {
		switch (c) {
		case '&':
			return "&amp;";
		case '<':
			return "&lt;";
		case '>':
			return "&gt;";
		case '"':
			return "&quot;";
		case '\'':
			return "&#39;";
		case 0:
			return VIEW_FFFD;
		default:
			return NULL;
		}
	}
	/* JSON (RFC 8259 7), with < > & hidden so no "</script" can form. */
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	case '<':
		return "\\u003c";
	case '>':
		return "\\u003e";
	case '&':
		return "\\u0026";
	default:
		if (c >= 0x20)
			return NULL;
		memcpy(tmp, "\\u00", 4);
		tmp[4] = hex[c >> 4];
		tmp[5] = hex[c & 0xf];
		tmp[6] = '\0';
		return tmp;
	}
}

/* Per mode, whether each byte is copied as it is: the ASCII bytes ascii_rep leaves alone. */
static bool plain[3][256];
static pthread_once_t plain_once = PTHREAD_ONCE_INIT;

static void
plain_make(void)
{
	char tmp[8];

	for (int m = ESC_RAW; m <= ESC_JSON; m++)
		for (int c = 0; c < 0x80; c++)
			plain[m][c] = ascii_rep((enum esc_mode)m, (unsigned char)c, tmp) == NULL;
}

/* Bytes from p[i] on that trusted markup copies as they are: ASCII but NUL, 8 at a time. */
static size_t
raw_run(const unsigned char *p, size_t i, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

	for (uint64_t w; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (((w - ones) & ~w & highs) | (w & highs)) /* a NUL or a byte >= 0x80 */
			break;
	}
	return i;
}

static int
esc(struct buf *out, struct str s, enum esc_mode m)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, run = 0;
	char tmp[8];

	pthread_once(&plain_once, plain_make);

	while (i < s.len) {
		const char *rep = NULL;
		size_t k = 1;

		/* Runs of plain ASCII, the common case, cost one lookup a byte. */
		if (m == ESC_RAW)
			i = raw_run(p, i, s.len);
		while (i < s.len && plain[m][p[i]])
			i++;
		if (i == s.len)
			break;
		if (p[i] < 0x80) {
			rep = ascii_rep(m, p[i], tmp);
		} else if ((k = utf8_len(p + i, s.len - i)) == 0) {
			rep = VIEW_FFFD;
			k = 1;
		} else if (m == ESC_JSON && k == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			/* U+2028 and U+2029 end a line in pre-2019 JavaScript. */
			rep = p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
		}
		if (rep) {
			if (buf_add(out, p + run, i - run) || buf_adds(out, rep))
				return ERR_TOOBIG;
			run = i + k;
		}
		i += k;
	}
	return buf_add(out, p + run, i - run);
}

/* True unless `s` starts with a scheme outside url_schemes (WHATWG URL 4.4). */
static bool
url_allowed(struct str s)
{
	size_t i = 0;

	/* Browsers strip leading C0 controls and spaces before parsing. */
	while (i < s.len && (unsigned char)s.p[i] <= 0x20)
		i++;
	for (size_t j = i; j < s.len; j++) {
		char c = s.p[j];

		if (c == '/' || c == '?' || c == '#')
			return true;
		if (c != ':')
			continue;
		for (size_t k = 0; k < sizeof(url_schemes) / sizeof(url_schemes[0]); k++)
			if (str_ieq_c((struct str){s.p + i, j - i}, url_schemes[k]))
				return true;
		return false;
	}
	return true;
}

int
view_escape(struct buf *out, enum view_ctx ctx, struct str s)
{
	switch (ctx) {
	case VIEW_CTX_TEXT:
	case VIEW_CTX_ATTR:
		return esc(out, s, ESC_HTML);
	case VIEW_CTX_URL:
		return url_allowed(s) ? esc(out, s, ESC_HTML) : buf_addc(out, '#');
	case VIEW_CTX_JSON_STR:
		return esc(out, s, ESC_JSON);
	case VIEW_CTX_JSON_VAL:
		if (buf_addc(out, '"') || esc(out, s, ESC_JSON))
			return ERR_TOOBIG;
		return buf_addc(out, '"');
	}
	return 0;
}

/* A list or map as JSON; beyond VIEW_JSON_DEPTH_MAX (or in a cycle) null. */
static int
emit_json(struct buf *out, const struct view_val *v, unsigned depth)
{
	bool is_map = v->type == VIEW_MAP;

	if (depth >= VIEW_JSON_DEPTH_MAX)
		return buf_adds(out, "null");
	if (buf_addc(out, is_map ? '{' : '['))
		return ERR_TOOBIG;
	for (size_t i = 0; i < v->c.n; i++) {
		const struct view_val *item = is_map ? v->c.entries[i].val : v->c.items[i];
		int rc = 0;

		if (i && buf_addc(out, ','))
			return ERR_TOOBIG;
		if (is_map && (view_escape(out, VIEW_CTX_JSON_VAL, v->c.entries[i].key) ||
			       buf_addc(out, ':')))
			return ERR_TOOBIG;
		if (item && (item->type == VIEW_LIST || item->type == VIEW_MAP))
			rc = emit_json(out, item, depth + 1);
		else
			rc = view_emit(out, VIEW_CTX_JSON_VAL, item);
		if (rc)
			return rc;
	}
	return buf_addc(out, is_map ? '}' : ']');
}

int
view_emit(struct buf *out, enum view_ctx ctx, const struct view_val *v)
{
	bool json = ctx == VIEW_CTX_JSON_STR || ctx == VIEW_CTX_JSON_VAL;

	switch (v ? v->type : VIEW_NULL) {
	case VIEW_NULL:
		return ctx == VIEW_CTX_JSON_VAL ? buf_adds(out, "null") : 0;
	case VIEW_BOOL:
		return json ? buf_adds(out, v->b ? "true" : "false") : 0;
	case VIEW_INT:
		return buf_addf(out, "%" PRId64, v->i);
	case VIEW_TEXT:
		return view_escape(out, ctx, v->s);
	case VIEW_HTML:
		/* The one raw exception, and only where markup belongs. */
		return ctx == VIEW_CTX_TEXT ? esc(out, v->s, ESC_RAW) : view_escape(out, ctx, v->s);
	case VIEW_LIST:
	case VIEW_MAP:
		return ctx == VIEW_CTX_JSON_VAL ? emit_json(out, v, 0) : 0;
	}
	return 0;
}

int
view_plain(struct buf *out, enum view_ctx ctx, const struct view_val *v)
{
	bool json = ctx == VIEW_CTX_JSON_STR || ctx == VIEW_CTX_JSON_VAL;

	switch (v ? v->type : VIEW_NULL) {
	case VIEW_BOOL:
		return json ? buf_adds(out, v->b ? "true" : "false") : 0;
	case VIEW_INT:
		return buf_addf(out, "%" PRId64, v->i);
	case VIEW_TEXT:
	case VIEW_HTML:
		return buf_addstr(out, v->s);
	default:
		return 0;
	}
}
