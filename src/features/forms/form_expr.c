/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The condition language of visible_if and required_if: a recursive-descent
 * parser into a small tree and its evaluation over the answers.  No eval, no
 * functions, no loops: a condition is at most FORM_EXPR_MAX bytes and
 * FORM_EXPR_DEPTH levels deep, so parsing and evaluation are bounded.
 *
 *	expr := and ("or" and)*          and := not ("and" not)*
 *	not  := "not" not | cmp          cmp := atom (("=="|"!="|"<"|"<="|">"|">=") atom)?
 *	atom := "(" expr ")" | key | "string" | number | true | false
 */
#include "features/forms/forms.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op { X_KEY, X_STR, X_NUM, X_BOOL, X_NOT, X_AND, X_OR, X_EQ, X_NE, X_LT, X_LE, X_GT, X_GE };

struct form_expr {
	enum op op;
	struct form_expr *l, *r;
	const char *s; /* key or string */
	double num;    /* number, or 0/1 for a boolean */
};

struct parser {
	const char *src, *p;
	struct arena *a;
	int depth;
	struct err *e;
};

static int
fail(struct parser *ps, const char *what)
{
	return err_set(ps->e, ERR_INVALID, "forms.err.condition", "%s at offset %d", what,
		       (int)(ps->p - ps->src));
}

static void
skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static bool
is_ident(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* The word at the cursor if it is `w` followed by no identifier character. */
static bool
take_word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	skip_ws(ps);
	if (strncmp(ps->p, w, n) != 0 || is_ident(ps->p[n], false))
		return false;
	ps->p += n;
	return true;
}

static struct form_expr *
node(struct parser *ps, enum op op)
{
	struct form_expr *x = arena_calloc(ps->a, 1, sizeof(*x));

	x->op = op;
	return x;
}

static int parse_or(struct parser *ps, struct form_expr **out);

static int
parse_string(struct parser *ps, struct form_expr **out)
{
	const char *start = ++ps->p;
	char *s, *w;

	while (*ps->p && *ps->p != '"') {
		if (*ps->p == '\\' && (ps->p[1] == '"' || ps->p[1] == '\\'))
			ps->p++;
		ps->p++;
	}
	if (*ps->p != '"')
		return fail(ps, "unterminated string");
	s = w = arena_strndup(ps->a, start, (size_t)(ps->p - start));
	for (const char *r = s; *r; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	*w = '\0';
	ps->p++;
	*out = node(ps, X_STR);
	(*out)->s = s;
	return 0;
}

static int
parse_atom(struct parser *ps, struct form_expr **out)
{
	skip_ws(ps);
	if (*ps->p == '(') {
		int rc;

		ps->p++;
		rc = parse_or(ps, out);
		skip_ws(ps);
		if (rc == 0 && *ps->p != ')')
			return fail(ps, "')' expected");
		ps->p++;
		return rc;
	}
	if (*ps->p == '"')
		return parse_string(ps, out);
	if ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '-') {
		char *end;
		double v = strtod(ps->p, &end);

		if (end == ps->p || !isfinite(v) || is_ident(*end, true))
			return fail(ps, "bad number");
		ps->p = end;
		*out = node(ps, X_NUM);
		(*out)->num = v;
		return 0;
	}
	if (take_word(ps, "true") || take_word(ps, "false")) {
		*out = node(ps, X_BOOL);
		(*out)->num = ps->p[-2] == 'u'; /* tr-u-e, fal-s-e */
		return 0;
	}
	if (is_ident(*ps->p, true)) {
		const char *start = ps->p;

		while (is_ident(*ps->p, false))
			ps->p++;
		if (ps->p - start > FORM_KEY_MAX)
			return fail(ps, "key too long");
		*out = node(ps, X_KEY);
		(*out)->s = arena_strndup(ps->a, start, (size_t)(ps->p - start));
		return 0;
	}
	return fail(ps, *ps->p ? "unexpected character" : "unexpected end");
}

static enum op
take_cmp(struct parser *ps)
{
	static const struct {
		const char *tok;
		enum op op;
	} ops[] = {{"==", X_EQ}, {"!=", X_NE}, {"<=", X_LE},
		   {">=", X_GE}, {"<", X_LT},  {">", X_GT}};

	skip_ws(ps);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].tok);

		if (strncmp(ps->p, ops[i].tok, n) == 0) {
			ps->p += n;
			return ops[i].op;
		}
	}
	return X_KEY; /* none */
}

static int
parse_cmp(struct parser *ps, struct form_expr **out)
{
	struct form_expr *l, *r;
	enum op op;
	int rc = parse_atom(ps, &l);

	if (rc)
		return rc;
	op = take_cmp(ps);
	if (op == X_KEY) {
		*out = l;
		return 0;
	}
	rc = parse_atom(ps, &r);
	if (rc)
		return rc;
	*out = node(ps, op);
	(*out)->l = l;
	(*out)->r = r;
	return 0;
}

static int
parse_not(struct parser *ps, struct form_expr **out)
{
	int rc;

	if (++ps->depth > FORM_EXPR_DEPTH)
		return fail(ps, "nested too deeply");
	if (take_word(ps, "not")) {
		struct form_expr *x = node(ps, X_NOT);

		rc = parse_not(ps, &x->l);
		*out = x;
	} else {
		rc = parse_cmp(ps, out);
	}
	ps->depth--;
	return rc;
}

static int
parse_chain(struct parser *ps, struct form_expr **out, const char *word, enum op op,
	    int (*sub)(struct parser *, struct form_expr **))
{
	int rc = sub(ps, out);

	while (rc == 0 && take_word(ps, word)) {
		struct form_expr *x = node(ps, op);

		x->l = *out;
		rc = sub(ps, &x->r);
		*out = x;
	}
	return rc;
}

static int
parse_and(struct parser *ps, struct form_expr **out)
{
	return parse_chain(ps, out, "and", X_AND, parse_not);
}

static int
parse_or(struct parser *ps, struct form_expr **out)
{
	int rc;

	if (++ps->depth > FORM_EXPR_DEPTH)
		return fail(ps, "nested too deeply");
	rc = parse_chain(ps, out, "or", X_OR, parse_and);
	ps->depth--;
	return rc;
}

int
form_expr_parse(const char *src, struct arena *a, struct form_expr **out, struct err *e)
{
	struct parser ps = {src, src, a, 0, e};
	int rc;

	if (strlen(src) > FORM_EXPR_MAX)
		return err_set(e, ERR_INVALID, "forms.err.condition", "condition longer than %d",
			       FORM_EXPR_MAX);
	rc = parse_or(&ps, out);
	if (rc)
		return rc;
	skip_ws(&ps);
	return *ps.p ? fail(&ps, "unexpected text") : 0;
}

/* ---- Evaluation ---------------------------------------------------------- */

struct val {
	json_t *j; /* a key's value, or NULL */
	double num;
	const char *s;
	enum { V_NULL, V_BOOL, V_NUM, V_STR, V_OTHER } kind;
};

static struct val
value_of(const struct form_expr *x, form_lookup look, void *cls)
{
	struct val v = {0};

	switch (x->op) {
	case X_STR:
		v.kind = V_STR;
		v.s = x->s;
		return v;
	case X_NUM:
		v.kind = V_NUM;
		v.num = x->num;
		return v;
	case X_BOOL:
		v.kind = V_BOOL;
		v.num = x->num;
		return v;
	case X_KEY:
		v.j = look(x->s, cls);
		break;
	default:
		v.kind = V_BOOL;
		v.num = form_expr_eval(x, look, cls);
		return v;
	}
	if (json_is_string(v.j)) {
		v.kind = V_STR;
		v.s = json_string_value(v.j);
	} else if (json_is_number(v.j)) {
		v.kind = V_NUM;
		v.num = json_number_value(v.j);
	} else if (json_is_boolean(v.j)) {
		v.kind = V_BOOL;
		v.num = json_is_true(v.j);
	} else {
		v.kind = v.j && !json_is_null(v.j) ? V_OTHER : V_NULL;
	}
	return v;
}

static bool
truthy(struct val v)
{
	switch (v.kind) {
	case V_NULL:
		return false;
	case V_BOOL:
	case V_NUM:
		return v.num != 0;
	case V_STR:
		return v.s[0] != '\0';
	case V_OTHER:
		return json_is_array(v.j) ? json_array_size(v.j) > 0 : json_object_size(v.j) > 0;
	}
	return false;
}

/* A choice of a checkbox with options contains the string. */
static bool
contains(struct val arr, struct val s)
{
	size_t i;
	json_t *it;

	if (arr.kind != V_OTHER || !json_is_array(arr.j) || s.kind != V_STR)
		return false;
	json_array_foreach(arr.j, i, it)
	{
		if (json_is_string(it) && strcmp(json_string_value(it), s.s) == 0)
			return true;
	}
	return false;
}

/* -1, 0, 1, or 2 when the values cannot be compared. */
static int
compare(struct val l, struct val r)
{
	if (l.kind == V_STR && r.kind == V_NUM) {
		char *end;
		double d = strtod(l.s, &end);

		if (end == l.s || *end)
			return 2;
		l.kind = V_NUM;
		l.num = d;
	}
	if (r.kind == V_STR && l.kind == V_NUM) {
		struct val t = l;
		int c;

		l = r;
		r = t;
		c = compare(l, r);
		return c == 2 ? 2 : -c;
	}
	if (l.kind != r.kind)
		return 2;
	if (l.kind == V_NUM || l.kind == V_BOOL)
		return l.num < r.num ? -1 : l.num > r.num ? 1 : 0;
	if (l.kind == V_STR) {
		int c = strcmp(l.s, r.s);

		return c < 0 ? -1 : c > 0;
	}
	return l.kind == V_NULL ? 0 : 2;
}

static bool
equal(struct val l, struct val r)
{
	if (contains(l, r) || contains(r, l))
		return true;
	if (l.kind == V_NULL || r.kind == V_NULL)
		return !truthy(l.kind == V_NULL ? r : l);
	return compare(l, r) == 0;
}

bool
form_expr_eval(const struct form_expr *x, form_lookup look, void *cls)
{
	struct val l, r;
	int c;

	switch (x->op) {
	case X_NOT:
		return !form_expr_eval(x->l, look, cls);
	case X_AND:
		return form_expr_eval(x->l, look, cls) && form_expr_eval(x->r, look, cls);
	case X_OR:
		return form_expr_eval(x->l, look, cls) || form_expr_eval(x->r, look, cls);
	case X_KEY:
	case X_STR:
	case X_NUM:
	case X_BOOL:
		return truthy(value_of(x, look, cls));
	default:
		break;
	}
	l = value_of(x->l, look, cls);
	r = value_of(x->r, look, cls);
	if (x->op == X_EQ)
		return equal(l, r);
	if (x->op == X_NE)
		return !equal(l, r);
	c = compare(l, r);
	if (c == 2)
		return false;
	switch (x->op) {
	case X_LT:
		return c < 0;
	case X_LE:
		return c <= 0;
	case X_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

int
form_expr_keys(const struct form_expr *x, int (*fn)(const char *key, void *cls), void *cls)
{
	int rc = 0;

	if (!x)
		return 0;
	if (x->op == X_KEY)
		return fn(x->s, cls);
	if (x->l)
		rc = form_expr_keys(x->l, fn, cls);
	if (rc == 0 && x->r)
		rc = form_expr_keys(x->r, fn, cls);
	return rc;
}
