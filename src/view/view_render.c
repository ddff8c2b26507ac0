/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The renderer: runs a compiled template against a value tree and appends
 * to a buf.  Blocks recurse, at most VIEW_DEPTH_MAX deep in one template and
 * VIEW_PARTIAL_DEPTH_MAX templates deep, so the C stack stays bounded.  Each
 * loop is bounded by its list, but nested loops multiply, so a step budget
 * stops a render that would run for minutes while writing little.
 */
#include "view/view_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

/* The item of one running {{#each}}; scopes link outwards on the C stack. */
struct scope {
	const struct scope *up;
	struct str name;
	const struct view_val *item;
	size_t index;
};

struct render {
	const struct view *v;
	enum view_lang lang;
	const struct view_val *root;
	struct buf *out;
	const struct scope *scope; /* innermost loop, or NULL */
	unsigned depth;		   /* partials entered */
	size_t steps;		   /* instructions run */
	struct err *e;
};

static int run(struct render *r, const struct view_tpl *t, size_t from, size_t to);

static int PRINTF_LIKE(5, 6) fail(struct render *r, const struct view_tpl *t,
				  const struct view_ins *ins, int code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(r->e, code, "error.internal", "%s:%u: %s", t->file, ins->line, msg);
}

/* The value at `p`: loop items first, innermost out, then the root. */
static const struct view_val *
lookup(const struct render *r, const struct view_path *p, struct view_val *tmp)
{
	const struct scope *s = r->scope;

	if (p->seg[0].p[0] == '@') {
		if (!s)
			return NULL;
		tmp->type = VIEW_INT;
		tmp->i = (int64_t)s->index + str_eq_c(p->seg[0], "@number");
		return tmp;
	}
	for (; s; s = s->up)
		if (str_eq(s->name, p->seg[0]))
			return view_val_walk(s->item, p->seg + 1, p->hint + 1, p->n - 1);
	return view_val_walk(r->root, p->seg, p->hint, p->n);
}

/*
 * Write `msg` with {0}..{9} replaced by the arguments, escaped for the
 * instruction's context, or plain for the caller to escape as a whole.
 */
static int
msg_format(struct render *r, const struct view_ins *ins, struct str msg, struct buf *out,
	   bool escape)
{
	size_t run_at = 0;
	int rc = 0;

	for (size_t i = 0; i + 2 < msg.len && !rc; i++) {
		const struct view_arg *arg;
		struct view_val tmp;
		struct str lit = {msg.p + run_at, i - run_at};
		unsigned k = (unsigned char)msg.p[i + 1] - '0';

		if (msg.p[i] != '{' || k >= ins->nargs || msg.p[i + 2] != '}')
			continue;
		arg = &ins->args[k];
		rc = escape ? view_escape(out, ins->ctx, lit) : buf_addstr(out, lit);
		if (!rc && arg->is_lit)
			rc = escape ? view_escape(out, ins->ctx, arg->lit)
				    : buf_addstr(out, arg->lit);
		else if (!rc && escape)
			rc = view_emit(out, ins->ctx, lookup(r, &arg->path, &tmp));
		else if (!rc)
			rc = view_plain(out, ins->ctx, lookup(r, &arg->path, &tmp));
		i += 2;
		run_at = i + 1;
	}
	if (rc)
		return rc;
	msg = (struct str){msg.p + run_at, msg.len - run_at};
	return escape ? view_escape(out, ins->ctx, msg) : buf_addstr(out, msg);
}

static int
run_msg(struct render *r, const struct view_ins *ins)
{
	const char *text = view_msg_find(r->v, r->lang, ins->text);
	struct str msg = text ? str_c(text) : ins->text;
	struct buf whole;
	int rc;

	/* Escaping these is the same in pieces as in one. */
	if (ins->ctx == VIEW_CTX_TEXT || ins->ctx == VIEW_CTX_ATTR || ins->ctx == VIEW_CTX_JSON_STR)
		return msg_format(r, ins, msg, r->out, true);
	/* A URL's scheme and a JSON string's quotes need the whole message. */
	buf_init(&whole, r->out->max);
	rc = msg_format(r, ins, msg, &whole, false);
	if (!rc)
		rc = view_escape(r->out, ins->ctx, buf_str(&whole));
	buf_release(&whole);
	return rc;
}

static int
run_if(struct render *r, const struct view_tpl *t, size_t at)
{
	const struct view_ins *ins = &t->ins[at];
	struct view_val tmp;
	bool yes = view_val_truthy(lookup(r, &ins->path, &tmp)) == (ins->op == VIEW_OP_IF);

	if (yes)
		return run(r, t, at + 1, ins->else_at);
	return ins->else_at < ins->end_at ? run(r, t, ins->else_at + 1, ins->end_at) : 0;
}

static int
run_each(struct render *r, const struct view_tpl *t, size_t at)
{
	const struct view_ins *ins = &t->ins[at];
	struct view_val tmp;
	const struct view_val *l = lookup(r, &ins->path, &tmp);

	if (!l || l->type != VIEW_LIST || l->c.n == 0)
		return ins->else_at < ins->end_at ? run(r, t, ins->else_at + 1, ins->end_at) : 0;
	for (size_t k = 0; k < l->c.n; k++) {
		struct scope s = {r->scope, ins->text, l->c.items[k], k};
		int rc;

		r->scope = &s;
		rc = run(r, t, at + 1, ins->else_at);
		r->scope = s.up;
		if (rc)
			return rc;
	}
	return 0;
}

static int
run_partial(struct render *r, const struct view_tpl *t, const struct view_ins *ins)
{
	const struct view_tpl *p = view_tpl_find(r->v, ins->text);
	int rc;

	if (!p)
		return fail(r, t, ins, ERR_NOTFOUND, "unknown partial '%.*s'", (int)ins->text.len,
			    ins->text.p);
	if (r->depth == VIEW_PARTIAL_DEPTH_MAX)
		return fail(r, t, ins, ERR_TOOBIG, "partials nested deeper than %d",
			    VIEW_PARTIAL_DEPTH_MAX);
	r->depth++;
	rc = run(r, p, 0, p->n);
	r->depth--;
	return rc;
}

static int
run(struct render *r, const struct view_tpl *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct view_ins *ins = &t->ins[i];
		struct view_val tmp;
		int rc = 0;

		if (++r->steps > VIEW_STEPS_MAX)
			return fail(r, t, ins, ERR_TOOBIG, "render takes more than %u steps",
				    VIEW_STEPS_MAX);
		switch (ins->op) {
		case VIEW_OP_TEXT:
			rc = buf_addstr(r->out, ins->text);
			break;
		case VIEW_OP_VALUE:
			rc = view_emit(r->out, ins->ctx, lookup(r, &ins->path, &tmp));
			break;
		case VIEW_OP_MSG:
			rc = run_msg(r, ins);
			break;
		case VIEW_OP_IF:
		case VIEW_OP_UNLESS:
			rc = run_if(r, t, i);
			i = ins->end_at;
			break;
		case VIEW_OP_EACH:
			rc = run_each(r, t, i);
			i = ins->end_at;
			break;
		case VIEW_OP_PARTIAL:
			rc = run_partial(r, t, ins);
			break;
		case VIEW_OP_ELSE:
		case VIEW_OP_END:
			/* Not reached: blocks jump past their markers. */
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int
view_render(const struct view *v, const char *name, const char *lang, const struct view_val *root,
	    struct buf *out, struct err *e)
{
	const struct view_tpl *t;
	struct render r = {
		.v = v,
		.lang = view_lang_of(lang),
		.root = root,
		.out = out,
		.e = e,
	};
	size_t start;
	int rc;

	assert(v && name && out);
	start = out->len;
	t = view_tpl_find(v, str_c(name));
	if (!t)
		return err_set(e, ERR_NOTFOUND, "error.internal", "template '%s' not found", name);
	rc = run(&r, t, 0, t->n);
	if (rc == ERR_TOOBIG && out->toobig)
		err_set(e, rc, "error.internal", "%s: output larger than %zu bytes", t->file,
			out->max);
	if (rc && out->len != start) {
		/* Half a page is no page: leave `out` as it was. */
		out->len = start;
		out->p[start] = '\0';
	}
	return rc;
}
