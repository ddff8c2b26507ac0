/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The extra questions of the categories (their Open311 attributes) on the
 * report form.  Without JavaScript the form shows each category's
 * questions in a group of their own and only the chosen category's
 * answers are read; static/js/report-form.js shows just that group.  A
 * field is named "frage.<category>.<code>"; the answers of a
 * "multivaluelist" are checkboxes named "frage.<category>.<code>[]",
 * stored comma separated as Open311 POST sends them.
 */
#include "features/reports/rp_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const PROBLEM_KEY[] = {
	[RP_ATTR_MISSING] = "reports.err.q_missing",
	[RP_ATTR_TOO_LONG] = "reports.err.too_long",
	[RP_ATTR_NOT_NUMBER] = "reports.err.q_number",
	[RP_ATTR_UNKNOWN] = "reports.err.q_value",
};

static bool
is_type(json_t *def, const char *type)
{
	const char *t = json_string_value(json_object_get(def, "datatype"));

	return t && strcmp(t, type) == 0;
}

/* The field of question `code` of `c`; checkboxes of one name end in "[]". */
static const char *
name_of(struct rq *q, const struct rp_category *c, json_t *def, const char *code)
{
	return arena_printf(q->a, "frage.%s.%s%s", c->code, code,
			    is_type(def, "multivaluelist") ? "[]" : "");
}

/* Every value posted under `name`, comma separated; "" when none. */
static const char *
posted(struct rq *q, const char *name)
{
	const struct http_kvs *f = &q->http->form;
	struct buf b;
	const char *out;

	buf_init(&b, 64);
	for (size_t i = 0; i < f->n; i++)
		if (str_eq_c(f->v[i].key, name) && f->v[i].val.len) {
			if (b.len)
				buf_addc(&b, ',');
			buf_add(&b, f->v[i].val.p, f->v[i].val.len);
		}
	out = arena_strndup(q->a, b.p ? b.p : "", b.len);
	buf_release(&b);
	return out;
}

/* The message for field `name` in `ans`, or NULL. */
static const char *
error_of(const struct rp_answers *ans, const char *name)
{
	for (size_t i = 0; ans && i < ans->n_errors; i++)
		if (strcmp(ans->errors[i].name, name) == 0)
			return ans->errors[i].message;
	return NULL;
}

int
rp_questions_read(struct rq *q, const struct rp_category *cat, struct rp_answers *ans)
{
	json_t *defs = json_loads(cat->attributes, 0, NULL), *out = json_object(), *d;
	char *text;
	size_t i;

	ans->n_errors = 0;
	json_array_foreach(defs, i, d)
	{
		const char *code = json_string_value(json_object_get(d, "code"));
		const char *name, *v;
		enum rp_attr_problem p;

		if (!code)
			continue;
		name = name_of(q, cat, d, code);
		v = posted(q, name);
		p = rp_attr_check(d, v);
		if (p != RP_ATTR_OK) {
			if (ans->n_errors < RP_QUESTIONS_MAX)
				ans->errors[ans->n_errors++] =
					(struct rp_answer_error){name, rq_msg(q, PROBLEM_KEY[p])};
		} else if (v[0]) {
			json_object_set_new(out, code, json_string(v));
		}
	}
	text = json_dumps(out, JSON_COMPACT);
	ans->json = arena_strdup(q->a, text ? text : "{}");
	free(text);
	json_decref(out);
	json_decref(defs);
	return text ? 0 : ERR_INTERNAL;
}

/* Whether `key` is one of the comma-separated values of `v`. */
static bool
chosen(const char *v, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, key, len) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

static void
options_view(struct rq *q, struct view_val *m, json_t *def, const char *v, const char *id)
{
	struct view_val *l = view_set(m, "options", view_list(q->a));
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(def, "values"), i, x)
	{
		const char *key = json_string_value(json_object_get(x, "key"));
		const char *label = json_string_value(json_object_get(x, "name"));
		struct view_val *o;

		if (!key)
			continue;
		o = view_push(l, view_map(q->a));
		view_set_text(o, "value", key);
		view_set_text(o, "label", label ? label : key);
		view_set_text(o, "id", arena_printf(q->a, "%s-%zu", id, i + 1));
		view_set_bool(o, "selected", chosen(v, key));
	}
}

void
rp_questions_view(struct rq *q, struct view_val *cm, const struct rp_category *c, size_t index,
		  const struct rp_answers *ans, struct view_val *summary)
{
	json_t *defs = json_loads(c->attributes, 0, NULL), *d;
	struct view_val *l = view_set(cm, "questions", view_list(q->a));
	size_t i, n = 0;

	json_array_foreach(defs, i, d)
	{
		const char *code = json_string_value(json_object_get(d, "code"));
		const char *label = json_string_value(json_object_get(d, "description"));
		const char *hint = json_string_value(json_object_get(d, "datatype_description"));
		const char *name, *id, *v, *err;
		struct view_val *m;

		if (!code)
			continue;
		name = name_of(q, c, d, code);
		id = arena_printf(q->a, "frage-%zu-%zu", index + 1, i + 1);
		v = ans ? posted(q, name) : "";
		err = error_of(ans, name);
		m = view_push(l, view_map(q->a));
		view_set_text(m, "name", name);
		view_set_text(m, "id", id);
		view_set_text(m, "label", label ? label : code);
		view_set_text(m, "hint", hint ? hint : "");
		view_set_text(m, "value", v);
		view_set_bool(m, "required", json_is_true(json_object_get(d, "required")));
		view_set_bool(m, "single", is_type(d, "singlevaluelist"));
		view_set_bool(m, "multi", is_type(d, "multivaluelist"));
		view_set_bool(m, "number", is_type(d, "number"));
		if (is_type(d, "singlevaluelist") || is_type(d, "multivaluelist"))
			options_view(q, m, d, v, id);
		if (err) {
			struct view_val *s = view_push(summary, view_map(q->a));

			view_set_text(m, "error", err);
			view_set_text(s, "id",
				      is_type(d, "multivaluelist") ? arena_printf(q->a, "%s-1", id)
								   : id);
			view_set_text(s, "message",
				      arena_printf(q->a, "%s: %s", label ? label : code, err));
		}
		n++;
	}
	view_set_bool(cm, "has_questions", n > 0);
	json_decref(defs);
}
