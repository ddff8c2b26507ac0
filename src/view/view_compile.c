/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The template compiler: one pass that cuts the source into literal text
 * and {{ tags }}, feeds the text to the HTML context tracker and emits the
 * instruction list (lwan's lwan-template.c compiles to chunks the same way).
 * Open blocks sit on a stack with the tracker state where they began, so
 * that loop bodies must end where they began in the markup and the
 * branches of a condition must end in the same place, or in places
 * view_html_join() can cover with one stricter state.
 */
#include "view/view_int.h"

#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough of a bad name to recognise it in an error message. */
#define SHOW(s) (int)((s).len < 40 ? (s).len : 40), (s).p

struct block {
	enum view_op op;
	unsigned line;		 /* of the opening tag */
	size_t at;		 /* index of the opening instruction */
	size_t else_at;		 /* index of the ELSE, or 0 */
	struct view_html start;	 /* markup state where the block began */
	struct view_html branch; /* where the first branch ended, once ELSE is seen */
};

struct compiler {
	struct view_tpl *t;
	const char *src; /* the template's own copy */
	size_t n, pos;
	unsigned line;
	struct view_html html;
	struct block stack[VIEW_DEPTH_MAX];
	size_t depth;
	struct err *e;
};

static const char *const op_names[] = {
	[VIEW_OP_IF] = "if",
	[VIEW_OP_UNLESS] = "unless",
	[VIEW_OP_EACH] = "each",
};

static int PRINTF_LIKE(3, 4) fail(struct compiler *c, unsigned line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(c->e, ERR_INVALID, "error.internal", "%s:%u: %s", c->t->file, line, msg);
}

static unsigned
count_lines(const char *p, size_t n)
{
	unsigned lines = 0;

	for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))); q++)
		lines++;
	return lines;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static struct str
skip(struct str s, size_t k)
{
	return str_trim((struct str){s.p + k, s.len - k});
}

/* The next word of *rest, or a "quoted string" with its quotes. */
static struct str
next_word(struct str *rest)
{
	struct str s = str_trim(*rest);
	size_t i = 0;

	if (s.len && s.p[0] == '"') {
		const char *q = memchr(s.p + 1, '"', s.len - 1);

		i = q ? (size_t)(q - s.p) + 1 : s.len;
	} else {
		while (i < s.len && !is_space(s.p[i]))
			i++;
	}
	*rest = (struct str){s.p + i, s.len - i};
	return (struct str){s.p, i};
}

static bool
is_quoted(struct str w)
{
	return w.len >= 2 && w.p[0] == '"' && w.p[w.len - 1] == '"';
}

/* Letters, digits, '_' and '-', plus those of `extra`. */
static bool
is_name(struct str s, const char *extra)
{
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char ch = s.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      (ch && strchr(extra, ch))))
			return false;
	}
	return true;
}

static struct view_ins *
emit(struct compiler *c, enum view_op op, unsigned line)
{
	struct view_tpl *t = c->t;
	struct view_ins *ins;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->ins = xrealloc(t->ins, t->cap * sizeof(*t->ins));
	}
	ins = &t->ins[t->n++];
	memset(ins, 0, sizeof(*ins));
	ins->op = op;
	ins->line = line;
	return ins;
}

static int
parse_path(struct compiler *c, struct str s, unsigned line, struct view_path *out)
{
	struct str seg[VIEW_PATH_MAX], rest = s, head;
	size_t n = 0;
	struct str *copy;

	if (str_eq_c(s, "@index") || str_eq_c(s, "@number")) {
		seg[n++] = s;
	} else {
		do {
			rest = str_cut(rest, '.', &head);
			if (!is_name(head, ""))
				return fail(c, line, "bad value name '%.*s'", SHOW(s));
			if (n == VIEW_PATH_MAX)
				return fail(c, line, "'%.*s' has more than %d parts", SHOW(s),
					    VIEW_PATH_MAX);
			seg[n++] = head;
		} while (rest.p);
	}
	copy = arena_alloc(&c->t->a, n * sizeof(*copy));
	memcpy(copy, seg, n * sizeof(*copy));
	out->seg = copy;
	out->hint = arena_calloc(&c->t->a, n, sizeof(*out->hint));
	out->n = n;
	return 0;
}

static int
value_ctx(struct compiler *c, unsigned line, enum view_ctx *ctx)
{
	const char *why = view_html_value(&c->html, ctx);

	return why ? fail(c, line, "%s", why) : 0;
}

static int
compile_value(struct compiler *c, struct str tag, unsigned line)
{
	struct view_path path;
	enum view_ctx ctx;
	struct view_ins *ins;
	int rc;

	if ((rc = parse_path(c, tag, line, &path)) || (rc = value_ctx(c, line, &ctx)))
		return rc;
	ins = emit(c, VIEW_OP_VALUE, line);
	ins->path = path;
	ins->ctx = ctx;
	return 0;
}

/* {{ t "key" arg ... }}: arguments are paths or "literals". */
static int
compile_msg(struct compiler *c, struct str rest, unsigned line)
{
	struct view_arg args[VIEW_ARGS_MAX];
	struct str key = next_word(&rest);
	size_t n = 0;
	enum view_ctx ctx;
	struct view_ins *ins;
	int rc;

	if (!is_quoted(key))
		return fail(c, line, "expected {{ t \"key\" ... }}");
	for (rest = str_trim(rest); rest.len; rest = str_trim(rest)) {
		struct str w = next_word(&rest);

		if (n == VIEW_ARGS_MAX)
			return fail(c, line, "message with more than %d arguments", VIEW_ARGS_MAX);
		memset(&args[n], 0, sizeof(args[n]));
		if (w.p[0] == '"' && !is_quoted(w))
			return fail(c, line, "unterminated string in message arguments");
		args[n].is_lit = w.p[0] == '"';
		args[n].lit = (struct str){w.p + 1, w.len >= 2 ? w.len - 2 : 0};
		if (!args[n].is_lit && (rc = parse_path(c, w, line, &args[n].path)))
			return rc;
		n++;
	}
	if ((rc = value_ctx(c, line, &ctx)))
		return rc;
	ins = emit(c, VIEW_OP_MSG, line);
	ins->ctx = ctx;
	ins->text = (struct str){key.p + 1, key.len - 2};
	ins->nargs = n;
	ins->args = arena_alloc(&c->t->a, (n ? n : 1) * sizeof(*args));
	memcpy(ins->args, args, n * sizeof(*args));
	return 0;
}

static int
compile_partial(struct compiler *c, struct str name, unsigned line)
{
	struct view_ins *ins;

	if (!is_name(name, "/."))
		return fail(c, line, "bad partial name '%.*s'", SHOW(name));
	if (!view_html_in_text(&c->html))
		return fail(c, line, "partial '%.*s' outside element content", SHOW(name));
	ins = emit(c, VIEW_OP_PARTIAL, line);
	ins->text = name;
	return 0;
}

static int
open_block(struct compiler *c, struct str rest, unsigned line)
{
	struct str word = next_word(&rest), item = STR_NULL;
	struct view_path path;
	enum view_op op;
	struct block *b;
	struct view_ins *ins;
	int rc;

	if (str_eq_c(word, "if") || str_eq_c(word, "unless")) {
		op = word.p[0] == 'i' ? VIEW_OP_IF : VIEW_OP_UNLESS;
		rc = parse_path(c, str_trim(rest), line, &path);
	} else if (str_eq_c(word, "each")) {
		struct str list = next_word(&rest), as = next_word(&rest);

		item = next_word(&rest);
		op = VIEW_OP_EACH;
		if (!str_eq_c(as, "as") || !is_name(item, "") || str_trim(rest).len)
			return fail(c, line, "expected {{#each LIST as NAME}}");
		rc = parse_path(c, list, line, &path);
	} else {
		return fail(c, line, "unknown block '{{#%.*s}}'", SHOW(word));
	}
	if (rc)
		return rc;
	if (c->depth == VIEW_DEPTH_MAX)
		return fail(c, line, "blocks nested deeper than %d", VIEW_DEPTH_MAX);
	b = &c->stack[c->depth++];
	b->op = op;
	b->line = line;
	b->at = c->t->n;
	b->else_at = 0;
	b->start = c->html;
	ins = emit(c, op, line);
	ins->path = path;
	ins->text = item;
	return 0;
}

/* A loop body runs again where it ended, so it must end where it began. */
static int
check_loop_body(struct compiler *c, const struct block *b, unsigned line)
{
	if (b->op == VIEW_OP_EACH && !view_html_eq(&c->html, &b->start))
		return fail(c, line,
			    "the body of {{#each}} from line %u ends elsewhere in the markup "
			    "than it began",
			    b->line);
	return 0;
}

static int
compile_else(struct compiler *c, unsigned line)
{
	struct block *b = c->depth ? &c->stack[c->depth - 1] : NULL;
	int rc;

	if (!b)
		return fail(c, line, "{{else}} outside a block");
	if (b->else_at)
		return fail(c, line, "second {{else}} in the block from line %u", b->line);
	if ((rc = check_loop_body(c, b, line)))
		return rc;
	b->branch = c->html;
	c->html = b->start;
	b->else_at = c->t->n;
	emit(c, VIEW_OP_ELSE, line);
	return 0;
}

static int
close_block(struct compiler *c, struct str word, unsigned line)
{
	struct block *b = c->depth ? &c->stack[c->depth - 1] : NULL;
	struct view_html first;
	size_t end;
	int rc;

	if (!str_eq_c(word, "if") && !str_eq_c(word, "unless") && !str_eq_c(word, "each"))
		return fail(c, line, "unknown closing tag '{{/%.*s}}'", SHOW(word));
	if (!b)
		return fail(c, line, "{{/%.*s}} without an open block", SHOW(word));
	if (!str_eq_c(word, op_names[b->op]))
		return fail(c, line, "{{/%.*s}} closes {{#%s}} from line %u", SHOW(word),
			    op_names[b->op], b->line);
	if (!b->else_at && (rc = check_loop_body(c, b, line)))
		return rc;
	first = b->else_at ? b->branch : b->start;
	if (!view_html_join(&c->html, &first, &c->html))
		return fail(c, line,
			    "the branches of {{#%s}} from line %u end in different "
			    "places in the markup",
			    op_names[b->op], b->line);
	end = c->t->n;
	emit(c, VIEW_OP_END, line);
	c->t->ins[b->at].else_at = b->else_at ? b->else_at : end;
	c->t->ins[b->at].end_at = end;
	c->depth--;
	return 0;
}

static int
compile_tag(struct compiler *c, struct str tag, unsigned line)
{
	tag = str_trim(tag);
	if (tag.len == 0)
		return fail(c, line, "empty {{ }}");
	switch (tag.p[0]) {
	case '!':
		return 0;
	case '#':
		return open_block(c, skip(tag, 1), line);
	case '/':
		return close_block(c, skip(tag, 1), line);
	case '>':
		return compile_partial(c, skip(tag, 1), line);
	}
	if (str_eq_c(tag, "else"))
		return compile_else(c, line);
	if (tag.p[0] == 't' && (tag.len == 1 || is_space(tag.p[1]) || tag.p[1] == '"'))
		return compile_msg(c, skip(tag, 1), line);
	return compile_value(c, tag, line);
}

static int
compile_literal(struct compiler *c, size_t from, size_t to)
{
	const char *why;
	size_t at;

	why = view_html_feed(&c->html, c->src + from, to - from, &at);
	if (why)
		return fail(c, c->line + count_lines(c->src + from, at), "%s", why);
	if (to > from)
		emit(c, VIEW_OP_TEXT, c->line)->text = (struct str){c->src + from, to - from};
	c->line += count_lines(c->src + from, to - from);
	return 0;
}

static int
compile(struct compiler *c)
{
	int rc;

	while (c->pos < c->n) {
		const char *open = memmem(c->src + c->pos, c->n - c->pos, "{{", 2);
		const char *close;
		size_t end = open ? (size_t)(open - c->src) : c->n;
		unsigned line;

		if ((rc = compile_literal(c, c->pos, end)))
			return rc;
		if (!open)
			break;
		line = c->line;
		close = memmem(open + 2, c->n - end - 2, "}}", 2);
		if (!close)
			return fail(c, line, "'{{' without '}}'");
		c->line += count_lines(open, (size_t)(close - open));
		c->pos = (size_t)(close - c->src) + 2;
		if ((rc = compile_tag(c, (struct str){open + 2, (size_t)(close - open) - 2}, line)))
			return rc;
	}
	if (c->depth)
		return fail(c, c->stack[c->depth - 1].line, "{{#%s}} is not closed",
			    op_names[c->stack[c->depth - 1].op]);
	if (!view_html_in_text(&c->html))
		return fail(c, c->line, "template ends inside a tag, comment or raw-text element");
	return 0;
}

int
view_tpl_compile(const char *name, const char *file, const char *src, size_t n,
		 struct view_tpl **out, struct err *e)
{
	struct view_tpl *t = xcalloc(1, sizeof(*t));
	struct compiler *c = xcalloc(1, sizeof(*c));
	int rc;

	arena_init(&t->a);
	t->name = arena_strdup(&t->a, name);
	t->file = arena_strdup(&t->a, file);
	c->t = t;
	c->e = e;
	c->line = 1;
	view_html_init(&c->html);
	if (n > VIEW_SRC_MAX) {
		rc = fail(c, 1, "template larger than %u bytes", VIEW_SRC_MAX);
		goto out;
	}
	c->src = arena_strndup(&t->a, src, n);
	c->n = n;
	rc = compile(c);
out:
	free(c);
	if (rc) {
		view_tpl_free(t);
		t = NULL;
	}
	*out = t;
	return rc;
}

void
view_tpl_free(struct view_tpl *t)
{
	if (!t)
		return;
	free(t->ins);
	arena_release(&t->a);
	free(t);
}
