/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The summary page's data: every visible answer as text under its step,
 * with a link back to the field to change it; the text of an answer
 * (also for the PDF receipt).
 */
#include "features/forms/form_int.h"

#include <stdio.h>
#include <string.h>

static const char *
option_label(const struct form_field *fd, const char *value)
{
	for (size_t i = 0; i < fd->n_options; i++)
		if (strcmp(fd->options[i].value, value) == 0)
			return fd->options[i].label;
	return value;
}

static const char *
list_text(const struct form_text *q, const struct form_field *fd, json_t *v)
{
	const char *out = "";
	size_t i;
	json_t *it;

	json_array_foreach(v, i, it)
	{
		const char *one = fd->type == FT_FILE
					  ? json_string_value(json_object_get(it, "name"))
					  : option_label(fd, json_string_value(it));

		out = arena_printf(q->a, "%s%s%s", out, i ? ", " : "", one ? one : "");
	}
	return out;
}

static const char *
group_text(const struct form_text *q, const struct form_field *fd, json_t *v)
{
	const char *out = "";
	size_t i;
	json_t *entry;

	json_array_foreach(v, i, entry)
	{
		const char *line = "";

		for (size_t k = 0; k < fd->n_fields; k++) {
			json_t *cv = json_object_get(entry, fd->fields[k].key);

			if (cv)
				line = arena_printf(q->a, "%s%s%s: %s", line, line[0] ? "; " : "",
						    fd->fields[k].label,
						    form_answer_text(q, &fd->fields[k], cv));
		}
		out = arena_printf(q->a, "%s%s%zu. %s", out, i ? "\n" : "", i + 1, line);
	}
	return out;
}

const char *
form_answer_text(const struct form_text *q, const struct form_field *fd, json_t *v)
{
	int64_t days;

	switch (fd->type) {
	case FT_CHECKBOX:
		if (fd->n_options)
			return list_text(q, fd, v);
		return view_msg(q->view, q->lang, json_is_true(v) ? "forms.yes" : "forms.no");
	case FT_FILE:
		return list_text(q, fd, v);
	case FT_SELECT:
	case FT_RADIO:
		return option_label(fd, json_string_value(v));
	case FT_ADDRESS:
		return arena_printf(q->a, "%s, %s %s",
				    json_string_value(json_object_get(v, "street")),
				    json_string_value(json_object_get(v, "postcode")),
				    json_string_value(json_object_get(v, "place")));
	case FT_GROUP:
		return group_text(q, fd, v);
	case FT_DATE:
		if (json_is_string(v) && form_date_parse(json_string_value(v), &days)) {
			const char *s = json_string_value(v);

			return arena_printf(q->a, "%.2s.%.2s.%.4s", s + 8, s + 5, s);
		}
		break;
	case FT_NUMBER:
		if (json_is_integer(v))
			return arena_printf(q->a, "%lld", (long long)json_integer_value(v));
		if (json_is_real(v))
			return arena_printf(q->a, "%g", json_real_value(v));
		break;
	default:
		break;
	}
	return json_is_string(v) ? json_string_value(v) : "";
}

struct view_val *
form_web_summary(struct rq *q, const struct form *f, json_t *clean)
{
	struct view_val *steps = view_list(q->a);
	struct form_text x = {q->a, q->app->view, q->lang};

	for (size_t s = 0; s < f->n_steps; s++) {
		struct view_val *sv = view_map(q->a), *rows = view_list(q->a);

		for (size_t i = 0; i < f->steps[s].n_fields; i++) {
			const struct form_field *fd = &f->steps[s].fields[i];
			json_t *v = json_object_get(clean, fd->key);
			struct view_val *r;

			if (!v)
				continue;
			r = view_map(q->a);
			view_set_text(r, "label", fd->label);
			view_set_text(r, "value", form_answer_text(&x, fd, v));
			view_set_text(
				r, "change",
				rq_url(q, arena_printf(q->a, "/formulare/%s/schritt/%zu#%s", f->id,
						       s + 1, form_web_id(q, fd->key))));
			view_push(rows, r);
		}
		view_set_text(sv, "title", f->steps[s].title);
		view_set(sv, "rows", rows);
		view_push(steps, sv);
	}
	return steps;
}
