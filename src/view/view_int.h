/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the files of src/view share: the value representation, the
 * instruction list a template compiles to, the HTML context tracker that
 * decides each value's escaping at compile time, and the escapers.
 * Nothing outside src/view/ includes this header.
 */
#ifndef RATHAUS_VIEW_INT_H
#define RATHAUS_VIEW_INT_H

#include "view/view.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits, so that a hostile or broken template hits an error, not the allocator. */
#define VIEW_SRC_MAX (1024u * 1024)	  /* bytes of template source */
#define VIEW_DEPTH_MAX 64		  /* nested blocks in one template */
#define VIEW_PARTIAL_DEPTH_MAX 16	  /* nested partial includes */
#define VIEW_PATH_MAX 8			  /* segments of a dotted path */
#define VIEW_ARGS_MAX 10		  /* arguments of {{ t }}: {0} .. {9} */
#define VIEW_STEPS_MAX (4u * 1024 * 1024) /* instructions run by one render */
#define VIEW_JSON_DEPTH_MAX 32		  /* nesting of a list or map written as JSON */

/* ---- values ---- */

enum view_type { VIEW_NULL, VIEW_BOOL, VIEW_INT, VIEW_TEXT, VIEW_HTML, VIEW_LIST, VIEW_MAP };

struct view_entry {
	struct str key;	      /* lives in the map's arena */
	struct view_val *val; /* NULL stands for null */
};

struct view_val {
	enum view_type type;
	union {
		bool b;	      /* VIEW_BOOL */
		int64_t i;    /* VIEW_INT */
		struct str s; /* VIEW_TEXT, VIEW_HTML: a NUL-terminated copy */
		struct {
			struct arena *a; /* where items or entries grow */
			union {
				struct view_val **items;    /* VIEW_LIST */
				struct view_entry *entries; /* VIEW_MAP, in insertion order */
			};
			size_t n, cap;
		} c;
	};
};

/*
 * The value below `v` at segments seg[0..n), or NULL.  With `hint` (one a
 * segment), hint[i] is tried first for segment i and keeps where it was found.
 */
const struct view_val *view_val_walk(const struct view_val *v, const struct str *seg,
				     _Atomic uint32_t *hint, size_t n);
/* Truthiness: null, false, 0, "" and empty lists are false; maps are true. */
bool view_val_truthy(const struct view_val *v);

/* ---- escaping (view_escape.c) ---- */

/* Where a value stands, decided at compile time. */
enum view_ctx {
	VIEW_CTX_TEXT,	   /* element content, RCDATA: HTML-escaped */
	VIEW_CTX_ATTR,	   /* double-quoted attribute value: HTML-escaped */
	VIEW_CTX_URL,	   /* start of a URL attribute: scheme checked, then escaped */
	VIEW_CTX_JSON_STR, /* inside a JSON string of an ld+json script */
	VIEW_CTX_JSON_VAL, /* where a JSON value goes in an ld+json script */
};

/* Append text `s` escaped for `ctx`.  Returns 0 or ERR_TOOBIG. */
int view_escape(struct buf *out, enum view_ctx ctx, struct str s);
/* Append value `v` (NULL is null) as it prints in `ctx`.  Returns 0 or ERR_TOOBIG. */
int view_emit(struct buf *out, enum view_ctx ctx, const struct view_val *v);
/* Append `v` as plain text for a message argument: no escaping yet. */
int view_plain(struct buf *out, enum view_ctx ctx, const struct view_val *v);

/* ---- the HTML context tracker (view_html.c, view_context.c) ---- */

/* Tokenizer states (WHATWG HTML 13.2.5, merged where values fare alike). */
enum view_hstate {
	VIEW_HS_TEXT,
	VIEW_HS_TAG_OPEN,     /* after '<' */
	VIEW_HS_END_TAG_OPEN, /* after "</" */
	VIEW_HS_TAG_NAME,
	VIEW_HS_BEFORE_ATTR, /* in a tag, between attributes */
	VIEW_HS_ATTR_NAME,
	VIEW_HS_AFTER_ATTR,   /* after an attribute name, before '=' */
	VIEW_HS_BEFORE_VALUE, /* after '=' */
	VIEW_HS_VALUE_DQ,
	VIEW_HS_VALUE_SQ,
	VIEW_HS_VALUE_UNQ,
	VIEW_HS_AFTER_VALUE,   /* after the closing quote */
	VIEW_HS_SELF_CLOSING,  /* after '/' in a tag */
	VIEW_HS_MARKUP_DECL,   /* after "<!" */
	VIEW_HS_COMMENT,       /* after "<!--" */
	VIEW_HS_BOGUS_COMMENT, /* "<!DOCTYPE", "<?", "</3": up to '>' */
	VIEW_HS_RAW,	       /* body of a raw-text or RCDATA element */
};

/* What the body of an element is, for the elements where it matters. */
enum view_body {
	VIEW_BODY_MARKUP, /* every other element */
	VIEW_BODY_SCRIPT,
	VIEW_BODY_STYLE,
	VIEW_BODY_RAWTEXT,   /* xmp, iframe, noembed, noframes, noscript */
	VIEW_BODY_RCDATA,    /* title, textarea: text, but no tags */
	VIEW_BODY_PLAINTEXT, /* to the end of the document */
	VIEW_BODY_FOREIGN,   /* svg, math: markup, read differently */
};

/* What a value in an attribute's value would be read as. */
enum view_attr {
	VIEW_ATTR_PLAIN,
	VIEW_ATTR_URL,	   /* one URL: scheme checked */
	VIEW_ATTR_TYPE,	   /* the type of a <script>: decides whether it is JSON-LD */
	VIEW_ATTR_JS,	   /* on*: script */
	VIEW_ATTR_CSS,	   /* style */
	VIEW_ATTR_URLLIST, /* srcset, ping: several URLs */
	VIEW_ATTR_SRCDOC,  /* a whole document */
	VIEW_ATTR_TAINTED, /* a name split by a block: unknown */
};

/* Where in a double-quoted URL attribute value the literal text has got to. */
enum view_url {
	VIEW_URL_START,	      /* nothing but white space yet: a value here is checked */
	VIEW_URL_SCHEME,      /* literal text that may still become a scheme */
	VIEW_URL_REST,	      /* past ':', '/', '?' or '#': no scheme can form */
	VIEW_URL_AFTER_VALUE, /* a checked value, then no delimiter yet */
};

/*
 * The tokenizer state between two bytes of literal text.  Plain data with
 * no pointers, compared field by field where blocks join, so that both
 * branches of an {{#if}} must leave the markup in the same place.
 */
struct view_html {
	uint8_t st;	 /* enum view_hstate */
	uint8_t elem;	 /* the element of the tag or raw-text body being read, 0 if ordinary */
	uint8_t attr;	 /* enum view_attr of the attribute being read */
	uint8_t url;	 /* enum view_url inside a URL attribute value */
	uint8_t match;	 /* bytes of "</name" matched, or dashes in a comment */
	uint8_t cmt;	 /* bytes of "<!--" matched inside a script */
	uint8_t foreign; /* <svg> and <math> elements open */
	uint8_t nlen;	 /* bytes in name */
	bool end_tag;	 /* the tag is an end tag */
	bool self_close; /* the tag ended in "/>" */
	bool overflow;	 /* name was longer than its buffer */
	bool jsonld;	 /* the script tag has type="application/ld+json" */
	bool type_seen;	 /* the script tag had a type attribute (the first counts) */
	bool type_dirty; /* a value was written into that type attribute */
	bool strict;	 /* raw-text body inside foreign content: no markup allowed */
	bool json_str;	 /* ld+json body: inside a string */
	bool json_esc;	 /* ld+json body: after a backslash in a string */
	bool fresh;	 /* comment: nothing but dashes read yet */
	bool bang;	 /* comment: read "--!" */
	char name[24];	 /* tag name, attribute name or script type, lower case */
};

void view_html_init(struct view_html *h);
/*
 * Advance over literal bytes p[0..n).  Returns NULL, or a static reason for
 * a compile error with *at set to the offending byte.
 */
const char *view_html_feed(struct view_html *h, const char *p, size_t n, size_t *at);
/* The kind of body of the element h->elem. */
enum view_body view_html_body(const struct view_html *h);
/* Forget the name being read, as the tracker does when a name ends. */
void view_html_forget_name(struct view_html *h);
/*
 * A value stands here: set *ctx and advance past it, or return a static
 * reason why no value may stand here.
 */
const char *view_html_value(struct view_html *h, enum view_ctx *ctx);
/* True in element content, where partials may be included and templates end. */
bool view_html_in_text(const struct view_html *h);
bool view_html_eq(const struct view_html *a, const struct view_html *b);
/*
 * The state after a block whose branches end in `a` and `b`: the stricter
 * of the two where they differ harmlessly.  Returns false when they differ
 * in a way no single state covers.
 */
bool view_html_join(struct view_html *out, const struct view_html *a, const struct view_html *b);

/* ---- compiled templates (view_compile.c) ---- */

enum view_op {
	VIEW_OP_TEXT,	 /* literal bytes */
	VIEW_OP_VALUE,	 /* {{ path }} */
	VIEW_OP_MSG,	 /* {{ t "key" args }} */
	VIEW_OP_IF,	 /* {{#if path}} */
	VIEW_OP_UNLESS,	 /* {{#unless path}} */
	VIEW_OP_EACH,	 /* {{#each path as name}} */
	VIEW_OP_ELSE,	 /* {{else}}: a marker jumped over */
	VIEW_OP_END,	 /* {{/...}}: a marker jumped over */
	VIEW_OP_PARTIAL, /* {{> name}} */
};

struct view_path {
	const struct str *seg; /* lives in the template's arena; "@index" is one segment */
	/* Per segment, where in its map it was found last: renders of the same
	 * template meet maps built the same way, so the guess is mostly right. */
	_Atomic uint32_t *hint;
	size_t n;
};

struct view_arg {
	bool is_lit;	       /* a quoted literal rather than a path */
	struct str lit;	       /* the literal, without quotes */
	struct view_path path; /* else the value */
};

struct view_ins {
	enum view_op op;
	enum view_ctx ctx;     /* VALUE, MSG: the escaping */
	unsigned line;	       /* in the source, for render errors */
	size_t else_at;	       /* IF, UNLESS, EACH: index of the ELSE, or end_at */
	size_t end_at;	       /* IF, UNLESS, EACH: index of the END */
	struct str text;       /* TEXT: bytes; MSG: key; EACH: item name; PARTIAL: name */
	struct view_path path; /* VALUE, IF, UNLESS, EACH */
	struct view_arg *args; /* MSG, in the template's arena */
	size_t nargs;
};

struct view_tpl {
	char *name;	      /* "partials/header"; lives in a */
	char *file;	      /* where it came from, for messages; lives in a */
	struct arena a;	      /* source copy, paths, arguments */
	struct view_ins *ins; /* xrealloc'd */
	size_t n, cap;
};

/*
 * Compile `src` (n bytes) into a new template; errors name `file` and a line.
 * The caller frees *out with view_tpl_free().  Returns 0 or ERR_INVALID.
 */
int view_tpl_compile(const char *name, const char *file, const char *src, size_t n,
		     struct view_tpl **out, struct err *e);
void view_tpl_free(struct view_tpl *t);

/* ---- the set of templates and messages (view.c) ---- */

/* A string-keyed hash table; keys are borrowed and must outlive their slot. */
struct view_dict {
	struct view_slot {
		const char *key; /* NULL: empty slot */
		size_t klen;
		void *val;
	} * slots;
	size_t n, cap;
};

/* Languages, in fallback order: German first. */
enum view_lang { VIEW_DE, VIEW_EN, VIEW_NLANGS };

struct view {
	struct view_dict tpls;		    /* name -> struct view_tpl * */
	struct view_dict msgs[VIEW_NLANGS]; /* key -> const char * */
	struct arena a;			    /* message keys and texts */
};

void *view_dict_get(const struct view_dict *d, struct str key);
/* The language of a render: "en" is English, anything else German. */
enum view_lang view_lang_of(const char *lang);
/* view_add() with `file` naming the source in error messages. */
int view_add_file(struct view *v, const char *name, const char *file, const char *src, size_t n,
		  struct err *e);
const struct view_tpl *view_tpl_find(const struct view *v, struct str name);
/* The message `key` in `lang`, else German, else NULL.  Borrowed from v. */
const char *view_msg_find(const struct view *v, enum view_lang lang, struct str key);

#endif
