/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The view data of a step: each field as the template needs it (ids,
 * names, values, options, the error at the field and what aria-describedby
 * names), the error summary with links to the fields, and the summary page
 * with an answer per field and its "Ändern" link.
 */
#include "features/forms/form_int.h"

#include <stdio.h>
#include <string.h>

/* "f-" and the path with each run of characters outside [a-z0-9_] as one '-': an id. */
const char *
form_web_id(struct rq *q, const char *path)
{
	char *id = arena_printf(q->a, "f-%s", path), *w = id + 2;

	for (const char *r = id + 2; *r; r++) {
		bool ok = (*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '_';

		if (ok)
			*w++ = *r;
		else if (w[-1] != '-')
			*w++ = '-';
	}
	while (w > id + 2 && w[-1] == '-')
		w--;
	*w = '\0';
	return id;
}

static const char *
issue_at(const struct form_check *c, const char *path)
{
	for (size_t i = 0; c && i < c->n_issues; i++)
		if (strcmp(c->issues[i].key, path) == 0)
			return c->issues[i].msg;
	return NULL;
}

/* The issue of a field or of one of its parts ("anschrift.postcode"). */
static const char *
issue_under(const struct form_check *c, const char *path, const char **where)
{
	size_t n = strlen(path);

	for (size_t i = 0; c && i < c->n_issues; i++) {
		const char *k = c->issues[i].key;

		if (strncmp(k, path, n) == 0 && (k[n] == '\0' || k[n] == '.')) {
			*where = k;
			return c->issues[i].msg;
		}
	}
	return NULL;
}

static const char *
text_of(json_t *v)
{
	static char num[32];

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return num;
	}
	if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%g", json_real_value(v));
		return num;
	}
	return "";
}

static bool
chosen(const struct form_field *fd, json_t *v, const char *value)
{
	size_t i;
	json_t *it;

	if (json_is_string(v))
		return strcmp(json_string_value(v), value) == 0;
	json_array_foreach(v, i, it) if (json_is_string(it) &&
					 strcmp(json_string_value(it), value) == 0) return true;
	(void)fd;
	return false;
}

static void
options_view(struct rq *q, struct view_val *m, const struct form_field *fd, const char *id,
	     json_t *v)
{
	struct view_val *list = view_list(q->a);

	for (size_t i = 0; i < fd->n_options; i++) {
		struct view_val *o = view_map(q->a);

		view_set_text(o, "value", fd->options[i].value);
		view_set_text(o, "label", fd->options[i].label);
		view_set_text(o, "id", i ? arena_printf(q->a, "%s-%zu", id, i + 1) : id);
		view_set_bool(o, "checked", chosen(fd, v, fd->options[i].value));
		view_push(list, o);
	}
	view_set(m, "options", list);
}

static const char *const INPUT_TYPES[] = {
	[FT_TEXT] = "text",   [FT_NUMBER] = "text", [FT_DATE] = "date",
	[FT_EMAIL] = "email", [FT_PHONE] = "tel",   [FT_IBAN] = "text",
};

static void field_kind(struct rq *q, struct view_val *m, const struct form_field *fd);

static struct view_val *group_view(struct rq *q, const struct form_field *fd, json_t *v,
				   const struct form_check *c, const char *path);

struct view_val *
form_web_field(struct rq *q, const struct form_field *fd, json_t *v, const struct form_check *c,
	       const char *path)
{
	struct view_val *m = view_map(q->a);
	const char *id = form_web_id(q, path), *where = path;
	const char *msg = issue_under(c, path, &where);
	const char *desc = "";

	view_set_text(m, "id", id);
	view_set_text(m, "name", path);
	view_set_text(m, "label", fd->label);
	view_set_bool(m, "required", fd->required);
	field_kind(q, m, fd);
	if (fd->hint[0]) {
		view_set_text(m, "hint", fd->hint);
		desc = arena_printf(q->a, "%s-hint", id);
	}
	if (msg) {
		view_set_text(m, "error", rq_msg(q, msg));
		view_set_text(m, "error_id", arena_printf(q->a, "%s-error", id));
		desc = arena_printf(q->a, "%s-error%s%s", id, desc[0] ? " " : "", desc);
	}
	view_set_text(m, "described", desc);
	view_set_text(m, "invalid", msg ? "true" : "false");
	if (fd->type < sizeof(INPUT_TYPES) / sizeof(INPUT_TYPES[0]) && INPUT_TYPES[fd->type])
		view_set_text(m, "input_type", INPUT_TYPES[fd->type]);
	view_set_text(m, "value", text_of(v));
	view_set_bool(m, "checked", json_is_true(v));
	if (fd->n_options)
		options_view(q, m, fd, id, v);
	if (fd->type == FT_ADDRESS) {
		static const char *const parts[] = {"street", "postcode", "place"};

		for (size_t i = 0; i < 3; i++) {
			const char *p = arena_printf(q->a, "%s.%s", path, parts[i]);

			view_set_text(m, parts[i], text_of(json_object_get(v, parts[i])));
			view_set_text(m, arena_printf(q->a, "%s_id", parts[i]), form_web_id(q, p));
			view_set_text(m, arena_printf(q->a, "%s_invalid", parts[i]),
				      issue_at(c, p) || (msg && !strcmp(where, path)) ? "true"
										      : "false");
		}
	}
	if (fd->type == FT_FILE) {
		struct view_val *files = view_list(q->a);
		size_t i;
		json_t *it;

		json_array_foreach(v, i, it)
		{
			struct view_val *fm = view_map(q->a);

			view_set_text(fm, "id", text_of(json_object_get(it, "id")));
			view_set_text(fm, "name", text_of(json_object_get(it, "name")));
			view_set_text(fm, "box", arena_printf(q->a, "%s-rm-%zu", id, i));
			view_push(files, fm);
		}
		view_set(m, "files", files);
		view_set_bool(m, "multiple", fd->has_max && fd->max > 1);
	}
	if (fd->type == FT_GROUP)
		view_set(m, "group", group_view(q, fd, v, c, path));
	return m;
}

static void
field_kind(struct rq *q, struct view_val *m, const struct form_field *fd)
{
	static const char *const flags[] = {
		[FT_TEXT] = "is_input",	       [FT_NUMBER] = "is_input",
		[FT_DATE] = "is_input",	       [FT_EMAIL] = "is_input",
		[FT_PHONE] = "is_input",       [FT_IBAN] = "is_input",
		[FT_TEXTAREA] = "is_textarea", [FT_SELECT] = "is_select",
		[FT_RADIO] = "is_radio",       [FT_CHECKBOX] = "is_checkbox",
		[FT_FILE] = "is_file",	       [FT_ADDRESS] = "is_address",
		[FT_GROUP] = "is_group",
	};

	if (fd->type == FT_CHECKBOX && fd->n_options)
		view_set_bool(m, "is_choices", true);
	else
		view_set_bool(m, flags[fd->type], true);
	if (fd->type == FT_NUMBER)
		view_set_text(m, "inputmode", "decimal");
	(void)q;
}

/* The entries of a repeating group and one blank entry to add, up to its maximum. */
static struct view_val *
group_view(struct rq *q, const struct form_field *fd, json_t *v, const struct form_check *c,
	   const char *path)
{
	struct view_val *g = view_map(q->a), *entries = view_list(q->a);
	size_t n = json_is_array(v) ? json_array_size(v) : 0;
	size_t max = fd->has_max ? (size_t)fd->max : FORM_GROUP_ENTRIES_MAX;
	size_t shown = n < max ? n + 1 : n;

	for (size_t i = 0; i < shown; i++) {
		struct view_val *e = view_map(q->a), *fields = view_list(q->a);
		json_t *entry = i < n ? json_array_get(v, i) : NULL;

		for (size_t k = 0; k < fd->n_fields; k++) {
			const char *p =
				arena_printf(q->a, "%s[%zu].%s", path, i, fd->fields[k].key);

			view_push(fields,
				  form_web_field(q, &fd->fields[k],
						 json_object_get(entry, fd->fields[k].key), c, p));
		}
		view_set(e, "fields", fields);
		view_set_int(e, "number", (int64_t)i + 1);
		if (i < n)
			view_set_text(e, "remove", arena_printf(q->a, "remove:%s:%zu", fd->key, i));
		view_push(entries, e);
	}
	view_set(g, "entries", entries);
	view_set_int(g, "count", (int64_t)shown);
	view_set_text(g, "count_name", arena_printf(q->a, "%s.count", path));
	return g;
}

/* The error summary: one link per issue of step `step` (all steps when step < 0). */
struct view_val *
form_web_errors(struct rq *q, const struct form *f, const struct form_check *c, long step)
{
	struct view_val *list = view_list(q->a);

	for (size_t i = 0; c && i < c->n_issues; i++) {
		const struct form_issue *is = &c->issues[i];
		const struct form_field *fd = form_field_find(f, is->field);
		struct view_val *e = view_map(q->a);
		const char *target = form_web_id(q, is->key);

		if (step >= 0 && is->step != (size_t)step)
			continue;
		if (fd && fd->type == FT_ADDRESS && !strchr(is->key, '.'))
			target = form_web_id(q, arena_printf(q->a, "%s.street", is->key));
		view_set_text(e, "href", arena_printf(q->a, "#%s", target));
		view_set_text(
			e, "text",
			arena_printf(q->a, "%s: %s", fd ? fd->label : is->key, rq_msg(q, is->msg)));
		view_push(list, e);
	}
	return list;
}
