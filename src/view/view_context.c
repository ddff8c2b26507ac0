/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Where values may stand: the escaping context each state of the HTML
 * tracker gives a value (or why it gives none), and the joining of states
 * where the branches of a block meet.  Joining is deliberately narrow: two
 * branches may differ only where one stricter state covers both, as Go's
 * html/template does; anything else is a compile error.
 */
#include "view/view_int.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

/* Every member is a byte, so memcmp() sees no padding. */
static_assert(offsetof(struct view_html, name) + sizeof(((struct view_html *)0)->name) ==
		      sizeof(struct view_html),
	      "struct view_html must have no padding");

static const char *
raw_value(struct view_html *h, enum view_ctx *ctx)
{
	if (h->match || h->cmt)
		return "value right after '<' in a raw-text element";
	switch (view_html_body(h)) {
	case VIEW_BODY_RCDATA:
		*ctx = VIEW_CTX_TEXT;
		return NULL;
	case VIEW_BODY_SCRIPT:
		if (!h->jsonld)
			return "value inside <script> (only type=\"application/ld+json\" takes "
			       "values)";
		if (h->json_esc)
			return "value after a backslash in a JSON string";
		*ctx = h->json_str ? VIEW_CTX_JSON_STR : VIEW_CTX_JSON_VAL;
		return NULL;
	case VIEW_BODY_PLAINTEXT:
		return "value after <plaintext>";
	case VIEW_BODY_STYLE:
		return "value inside <style>";
	default:
		return "value inside a raw-text element (<iframe>, <noscript>, <xmp>...)";
	}
}

static const char *
attr_value(struct view_html *h, enum view_ctx *ctx)
{
	*ctx = VIEW_CTX_ATTR;
	switch (h->attr) {
	case VIEW_ATTR_PLAIN:
		return NULL;
	case VIEW_ATTR_TYPE:
		h->type_dirty = true;
		return NULL;
	case VIEW_ATTR_URL:
		if (h->url == VIEW_URL_REST)
			return NULL;
		if (h->url != VIEW_URL_START)
			return "value in a URL attribute after text that could make a scheme with "
			       "it";
		*ctx = VIEW_CTX_URL;
		h->url = VIEW_URL_AFTER_VALUE;
		return NULL;
	case VIEW_ATTR_JS:
		return "value in an event handler attribute";
	case VIEW_ATTR_CSS:
		return "value in a style attribute";
	case VIEW_ATTR_URLLIST:
		return "value in srcset or ping (a list of URLs)";
	case VIEW_ATTR_SRCDOC:
		return "value in srcdoc (a document in an attribute)";
	default:
		return "value in an attribute whose name depends on a block";
	}
}

const char *
view_html_value(struct view_html *h, enum view_ctx *ctx)
{
	switch (h->st) {
	case VIEW_HS_TEXT:
		*ctx = VIEW_CTX_TEXT;
		return NULL;
	case VIEW_HS_RAW:
		return raw_value(h, ctx);
	case VIEW_HS_VALUE_DQ:
		return attr_value(h, ctx);
	case VIEW_HS_TAG_OPEN:
	case VIEW_HS_END_TAG_OPEN:
	case VIEW_HS_TAG_NAME:
		return "value in a tag name";
	case VIEW_HS_BEFORE_VALUE:
	case VIEW_HS_VALUE_UNQ:
		return "value in an unquoted attribute value";
	case VIEW_HS_VALUE_SQ:
		return "value in a single-quoted attribute value";
	case VIEW_HS_MARKUP_DECL:
	case VIEW_HS_COMMENT:
	case VIEW_HS_BOGUS_COMMENT:
		return "value in an HTML comment";
	default:
		return "value in a tag outside a double-quoted attribute value";
	}
}

bool
view_html_in_text(const struct view_html *h)
{
	return h->st == VIEW_HS_TEXT;
}

bool
view_html_eq(const struct view_html *a, const struct view_html *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Between attributes of a tag, where a block may add whole attributes. */
static bool
between_attrs(uint8_t st)
{
	return st == VIEW_HS_BEFORE_ATTR || st == VIEW_HS_ATTR_NAME || st == VIEW_HS_AFTER_ATTR ||
	       st == VIEW_HS_AFTER_VALUE;
}

bool
view_html_join(struct view_html *out, const struct view_html *a, const struct view_html *b)
{
	struct view_html x = *a, y = *b;

	if (view_html_eq(a, b)) {
		*out = *a;
		return true;
	}
	if (a->st == VIEW_HS_VALUE_DQ && b->st == VIEW_HS_VALUE_DQ && a->attr == VIEW_ATTR_URL &&
	    b->attr == VIEW_ATTR_URL) {
		/* Either branch may have left a value or scheme text: allow neither next. */
		x.url = y.url = VIEW_URL_AFTER_VALUE;
	} else if (between_attrs(a->st) && between_attrs(b->st)) {
		/*
		 * "<input {{#if c}}checked{{/if}}>": what follows may continue a
		 * name in one branch and start one in the other, so the next
		 * attribute's kind is unknown until white space ends it.
		 */
		x.st = y.st = VIEW_HS_ATTR_NAME;
		x.attr = y.attr = VIEW_ATTR_TAINTED;
		view_html_forget_name(&x);
		view_html_forget_name(&y);
	}
	if (!view_html_eq(&x, &y))
		return false;
	*out = x;
	return true;
}
