/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The HTML context tracker: a cut-down HTML tokenizer (WHATWG HTML 13.2.5)
 * run over a template's literal text at compile time, so that each value
 * gets the escaping of the place it stands in, or a compile error where no
 * escaping is safe (scripts, styles, comments, names, unquoted values).
 *
 * It builds no tree, so it cannot know when <svg> or <math> content turns
 * <title> or <style> from raw text into markup.  Inside such content it
 * reads raw-text elements strictly instead: a literal '<' there must start
 * the end tag, so both readings agree.  It also refuses "<!--" inside a
 * script, whose escaped states could hide the real end of the script.
 */
#include "view/view_int.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

static const struct {
	const char *name;
	enum view_body body;
} elems[] = {
	{"", VIEW_BODY_MARKUP}, /* index 0: every other element */
	{"script", VIEW_BODY_SCRIPT},	 {"style", VIEW_BODY_STYLE},
	{"xmp", VIEW_BODY_RAWTEXT},	 {"iframe", VIEW_BODY_RAWTEXT},
	{"noembed", VIEW_BODY_RAWTEXT},	 {"noframes", VIEW_BODY_RAWTEXT},
	{"noscript", VIEW_BODY_RAWTEXT}, {"title", VIEW_BODY_RCDATA},
	{"textarea", VIEW_BODY_RCDATA},	 {"plaintext", VIEW_BODY_PLAINTEXT},
	{"svg", VIEW_BODY_FOREIGN},	 {"math", VIEW_BODY_FOREIGN},
};

/* HTML 4 and 5, SVG and MathML attributes that hold a URL. */
static const char *const url_attrs[] = {
	"href",	      "src",	  "action",   "formaction", "poster",	  "cite",     "data",
	"background", "codebase", "longdesc", "usemap",	    "manifest",	  "icon",     "classid",
	"archive",    "profile",  "lowsrc",   "dynsrc",	    "xlink:href", "xml:base",
};

static const char JSONLD_TYPE[] = "application/ld+json";

static bool
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
lower(unsigned char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

void
view_html_init(struct view_html *h)
{
	memset(h, 0, sizeof(*h));
	h->st = VIEW_HS_TEXT;
}

void
view_html_forget_name(struct view_html *h)
{
	memset(h->name, 0, sizeof(h->name));
	h->nlen = 0;
	h->overflow = false;
}

static void
name_add(struct view_html *h, unsigned char c)
{
	if (h->nlen < sizeof(h->name))
		h->name[h->nlen++] = lower(c);
	else
		h->overflow = true;
}

static bool
name_is(const struct view_html *h, const char *s)
{
	return !h->overflow && str_eq_c((struct str){h->name, h->nlen}, s);
}

enum view_body
view_html_body(const struct view_html *h)
{
	return elems[h->elem].body;
}

/* Forget the tag just read; the foreign counter stays. */
static void
tag_reset(struct view_html *h, enum view_hstate st)
{
	uint8_t foreign = h->foreign;

	view_html_init(h);
	h->foreign = foreign;
	h->st = st;
}

static void
tag_begin(struct view_html *h, unsigned char c, bool end_tag)
{
	tag_reset(h, VIEW_HS_TAG_NAME);
	h->end_tag = end_tag;
	name_add(h, c);
}

static void
tag_named(struct view_html *h, enum view_hstate next)
{
	h->elem = 0;
	for (size_t i = 1; i < sizeof(elems) / sizeof(elems[0]); i++)
		if (name_is(h, elems[i].name))
			h->elem = (uint8_t)i;
	view_html_forget_name(h);
	h->st = next;
}

/* The tag ends with '>': go on in text or in the element's raw body. */
static void
tag_end(struct view_html *h)
{
	uint8_t elem = h->elem;
	enum view_body body = elems[elem].body;
	bool start = !h->end_tag;
	bool jsonld = h->jsonld && !h->type_dirty;

	if (body == VIEW_BODY_FOREIGN && start && !h->self_close && h->foreign < UINT8_MAX)
		h->foreign++;
	else if (body == VIEW_BODY_FOREIGN && !start && h->foreign)
		h->foreign--;
	tag_reset(h, VIEW_HS_TEXT);
	if (!start || body == VIEW_BODY_MARKUP || body == VIEW_BODY_FOREIGN)
		return;
	h->st = VIEW_HS_RAW;
	h->elem = elem;
	h->jsonld = body == VIEW_BODY_SCRIPT && jsonld;
	h->strict = h->foreign > 0;
}

static void
attr_begin(struct view_html *h, unsigned char c)
{
	h->st = VIEW_HS_ATTR_NAME;
	h->attr = VIEW_ATTR_PLAIN;
	view_html_forget_name(h);
	name_add(h, c);
}

static enum view_attr
attr_kind(struct view_html *h)
{
	if (h->end_tag)
		return VIEW_ATTR_PLAIN;
	if (h->nlen >= 2 && h->name[0] == 'o' && h->name[1] == 'n')
		return VIEW_ATTR_JS;
	if (name_is(h, "style"))
		return VIEW_ATTR_CSS;
	if (name_is(h, "srcset") || name_is(h, "imagesrcset") || name_is(h, "ping"))
		return VIEW_ATTR_URLLIST;
	if (name_is(h, "srcdoc"))
		return VIEW_ATTR_SRCDOC;
	for (size_t i = 0; i < sizeof(url_attrs) / sizeof(url_attrs[0]); i++)
		if (name_is(h, url_attrs[i]))
			return VIEW_ATTR_URL;
	if (name_is(h, "type") && elems[h->elem].body == VIEW_BODY_SCRIPT && !h->type_seen) {
		/* Browsers keep the first of duplicate attributes. */
		h->type_seen = true;
		return VIEW_ATTR_TYPE;
	}
	return VIEW_ATTR_PLAIN;
}

static void
attr_named(struct view_html *h, enum view_hstate next)
{
	if (h->attr != VIEW_ATTR_TAINTED)
		h->attr = attr_kind(h);
	view_html_forget_name(h);
	h->st = next;
}

static void
value_begin(struct view_html *h, enum view_hstate st)
{
	h->st = st;
	h->url = VIEW_URL_START;
	view_html_forget_name(h);
}

static void
value_end(struct view_html *h, enum view_hstate next)
{
	if (h->attr == VIEW_ATTR_TYPE) {
		struct str type = str_trim((struct str){h->name, h->nlen});

		h->jsonld = !h->overflow && str_eq_c(type, JSONLD_TYPE);
	}
	view_html_forget_name(h);
	h->attr = VIEW_ATTR_PLAIN;
	h->url = VIEW_URL_START;
	h->st = next;
}

/* A literal byte of a double-quoted URL attribute value. */
static const char *
url_char(struct view_html *h, unsigned char c)
{
	bool delim = c == '/' || c == '?' || c == '#';

	switch (h->url) {
	case VIEW_URL_START:
		if (c <= 0x20)
			return NULL;
		/* fall through */
	case VIEW_URL_SCHEME:
		if (c == '&')
			return "character reference before the scheme of a URL attribute ends";
		h->url = delim || c == ':' ? VIEW_URL_REST : VIEW_URL_SCHEME;
		return NULL;
	case VIEW_URL_AFTER_VALUE:
		if (c == ':')
			return "':' after a value in a URL attribute could make it a scheme";
		if (c == '&')
			return "character reference after a value in a URL attribute";
		if (delim)
			h->url = VIEW_URL_REST;
		return NULL;
	default:
		return NULL;
	}
}

static const char *
value_char(struct view_html *h, unsigned char c)
{
	if (h->attr == VIEW_ATTR_TYPE)
		name_add(h, c);
	if (h->attr == VIEW_ATTR_URL && h->st == VIEW_HS_VALUE_DQ)
		return url_char(h, c);
	return NULL;
}

static void
json_char(struct view_html *h, unsigned char c)
{
	if (h->json_esc)
		h->json_esc = false;
	else if (h->json_str && c == '\\')
		h->json_esc = true;
	else if (c == '"')
		h->json_str = !h->json_str;
}

/* A byte of a raw-text or RCDATA body: watch for "</name" and "<!--". */
static const char *
raw_char(struct view_html *h, unsigned char c)
{
	const char *name = elems[h->elem].name;
	size_t n = strlen(name);

	if (elems[h->elem].body == VIEW_BODY_PLAINTEXT)
		return NULL;
	if (elems[h->elem].body == VIEW_BODY_SCRIPT) {
		if (c == '<')
			h->cmt = 1;
		else if ((h->cmt == 1 && c == '!') || ((h->cmt == 2 || h->cmt == 3) && c == '-'))
			h->cmt++;
		else
			h->cmt = 0;
		if (h->cmt == 4)
			return "'<!--' inside <script>";
		if (h->jsonld)
			json_char(h, c);
	}
	if (h->match == 2 + n && (is_ws(c) || c == '/' || c == '>')) {
		uint8_t elem = h->elem;

		tag_reset(h, c == '>'	? VIEW_HS_TEXT
			     : c == '/' ? VIEW_HS_SELF_CLOSING
					: VIEW_HS_BEFORE_ATTR);
		if (c != '>') {
			h->end_tag = true;
			h->elem = elem;
		}
		return NULL;
	}
	if ((h->match == 0 && c == '<') || (h->match == 1 && c == '/') ||
	    (h->match >= 2 && h->match < 2 + n && lower(c) == name[h->match - 2])) {
		h->match++;
		return NULL;
	}
	if (h->match == 0)
		return NULL;
	if (h->strict)
		return "markup inside a raw-text element within <svg> or <math>";
	h->match = c == '<';
	return NULL;
}

static const char *
comment_char(struct view_html *h, unsigned char c)
{
	if (c == '>' && (h->match >= 2 || h->bang || (h->fresh && h->match <= 1))) {
		tag_reset(h, VIEW_HS_TEXT);
	} else if (c == '-') {
		h->match = h->match < 2 ? h->match + 1 : 2;
		h->bang = false;
	} else if (c == '!' && h->match >= 2) {
		h->bang = true;
		h->match = 0;
		h->fresh = false;
	} else {
		h->match = 0;
		h->bang = false;
		h->fresh = false;
	}
	return NULL;
}

/* One byte in a tag; returns true when it must be read again in the new state. */
static bool
tag_char(struct view_html *h, unsigned char c)
{
	switch (h->st) {
	case VIEW_HS_TAG_NAME:
		if (is_ws(c))
			tag_named(h, VIEW_HS_BEFORE_ATTR);
		else if (c == '/')
			tag_named(h, VIEW_HS_SELF_CLOSING);
		else if (c == '>')
			tag_named(h, VIEW_HS_TEXT);
		else
			name_add(h, c);
		if (c == '>')
			tag_end(h);
		return false;
	case VIEW_HS_BEFORE_ATTR:
	case VIEW_HS_AFTER_ATTR:
		if (is_ws(c))
			return false;
		if (c == '/')
			h->st = VIEW_HS_SELF_CLOSING;
		else if (c == '>')
			tag_end(h);
		else if (c == '=' && h->st == VIEW_HS_AFTER_ATTR)
			h->st = VIEW_HS_BEFORE_VALUE;
		else
			attr_begin(h, c);
		return false;
	case VIEW_HS_ATTR_NAME:
		if (is_ws(c))
			attr_named(h, VIEW_HS_AFTER_ATTR);
		else if (c == '=')
			attr_named(h, VIEW_HS_BEFORE_VALUE);
		else if (c == '/' || c == '>')
			attr_named(h, VIEW_HS_AFTER_ATTR);
		else
			name_add(h, c);
		return c == '/' || c == '>';
	case VIEW_HS_BEFORE_VALUE:
		if (is_ws(c))
			return false;
		if (c == '"')
			value_begin(h, VIEW_HS_VALUE_DQ);
		else if (c == '\'')
			value_begin(h, VIEW_HS_VALUE_SQ);
		else if (c == '>')
			tag_end(h);
		else
			value_begin(h, VIEW_HS_VALUE_UNQ);
		return h->st == VIEW_HS_VALUE_UNQ;
	case VIEW_HS_AFTER_VALUE:
		if (is_ws(c))
			h->st = VIEW_HS_BEFORE_ATTR;
		else if (c == '/')
			h->st = VIEW_HS_SELF_CLOSING;
		else if (c == '>')
			tag_end(h);
		else
			h->st = VIEW_HS_BEFORE_ATTR;
		return h->st == VIEW_HS_BEFORE_ATTR && !is_ws(c);
	case VIEW_HS_SELF_CLOSING:
		if (c != '>') {
			h->st = VIEW_HS_BEFORE_ATTR;
			return true;
		}
		h->self_close = true;
		tag_end(h);
		return false;
	default:
		assert(0 && "not a tag state");
		return false;
	}
}

/* One byte; sets *again when it must be read again in the new state. */
static const char *
step(struct view_html *h, unsigned char c, bool *again)
{
	*again = false;
	switch (h->st) {
	case VIEW_HS_TEXT:
		if (c == '<')
			h->st = VIEW_HS_TAG_OPEN;
		return NULL;
	case VIEW_HS_TAG_OPEN:
		if (c == '!')
			tag_reset(h, VIEW_HS_MARKUP_DECL);
		else if (c == '/')
			h->st = VIEW_HS_END_TAG_OPEN;
		else if (is_alpha(c))
			tag_begin(h, c, false);
		else if (c == '?')
			h->st = VIEW_HS_BOGUS_COMMENT;
		else
			h->st = VIEW_HS_TEXT;
		*again = h->st == VIEW_HS_TEXT;
		return NULL;
	case VIEW_HS_END_TAG_OPEN:
		if (is_alpha(c))
			tag_begin(h, c, true);
		else
			h->st = c == '>' ? VIEW_HS_TEXT : VIEW_HS_BOGUS_COMMENT;
		return NULL;
	case VIEW_HS_MARKUP_DECL:
		if (c == '-' && h->match == 0) {
			h->match = 1;
		} else if (c == '-') {
			tag_reset(h, VIEW_HS_COMMENT);
			h->fresh = true;
		} else {
			tag_reset(h, VIEW_HS_BOGUS_COMMENT);
			*again = true;
		}
		return NULL;
	case VIEW_HS_COMMENT:
		return comment_char(h, c);
	case VIEW_HS_BOGUS_COMMENT:
		if (c == '>')
			tag_reset(h, VIEW_HS_TEXT);
		return NULL;
	case VIEW_HS_RAW:
		return raw_char(h, c);
	case VIEW_HS_VALUE_DQ:
	case VIEW_HS_VALUE_SQ:
		if (c == (h->st == VIEW_HS_VALUE_DQ ? '"' : '\'')) {
			value_end(h, VIEW_HS_AFTER_VALUE);
			return NULL;
		}
		return value_char(h, c);
	case VIEW_HS_VALUE_UNQ:
		if (is_ws(c)) {
			value_end(h, VIEW_HS_BEFORE_ATTR);
		} else if (c == '>') {
			value_end(h, VIEW_HS_BEFORE_ATTR);
			tag_end(h);
		} else {
			return value_char(h, c);
		}
		return NULL;
	default:
		*again = tag_char(h, c);
		return NULL;
	}
}

const char *
view_html_feed(struct view_html *h, const char *p, size_t n, size_t *at)
{
	for (size_t i = 0; i < n; i++) {
		const char *why;
		bool again;

		do
			why = step(h, (unsigned char)p[i], &again);
		while (!why && again);
		if (why) {
			*at = i;
			return why;
		}
	}
	return NULL;
}
