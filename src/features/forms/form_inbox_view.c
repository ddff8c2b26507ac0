/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the inbox shows of answers: the detail page's steps with their
 * answers (groups as nested lists, files as download links) and the CSV
 * export, one row per case with the answers flattened by key
 * ("anschrift.street", "mitglieder[2].name").  Cells go through
 * core/csv_out, which neutralises formulas.
 */
#include "features/forms/form_inbox.h"

#include "app/rq_page.h"
#include "core/civil.h"
#include "core/csv_out.h"

#include <string.h>

const char *
inbox_status_label(struct rq *q, unsigned st)
{
	const char *name = inbox_status_name(st);

	return name ? rq_msg(q, arena_printf(q->a, "forms.status.%s", name)) : "";
}

const char *
inbox_case_url(struct rq *q, const char *case_no, const char *tail)
{
	return rq_url(q, arena_printf(q->a, INBOX_URL "/%s%s", case_no, tail));
}

/* Items of the answers to `fields`, each {label, text} or {label, files} or {label, entries}. */
static struct view_val *items_view(struct rq *q, const struct form_field *fields, size_t n,
				   json_t *answers, const char *files_url, int depth);

static struct view_val *
files_view(struct rq *q, json_t *v, const char *files_url)
{
	struct view_val *l = view_list(q->a);
	json_t *it;
	size_t i;

	json_array_foreach(v, i, it)
	{
		const char *id = json_string_value(json_object_get(it, "id"));
		const char *name = json_string_value(json_object_get(it, "name"));
		struct view_val *m;

		if (!id || !name || !files_id_valid(id))
			continue;
		m = view_push(l, view_map(q->a));
		view_set_text(m, "name", name);
		view_set_text(m, "url", arena_printf(q->a, "%s%s", files_url, id));
	}
	return l;
}

static struct view_val *
entries_view(struct rq *q, const struct form_field *fd, json_t *v, const char *files_url, int depth)
{
	struct view_val *l = view_list(q->a);
	json_t *entry;
	size_t i;

	json_array_foreach(v, i, entry)
	{
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_int(m, "n", (int64_t)i + 1);
		view_set(m, "items",
			 items_view(q, fd->fields, fd->n_fields, entry, files_url, depth + 1));
	}
	return l;
}

static struct view_val *
items_view(struct rq *q, const struct form_field *fields, size_t n, json_t *answers,
	   const char *files_url, int depth)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < n; i++) {
		const struct form_field *fd = &fields[i];
		json_t *v = json_object_get(answers, fd->key);
		struct view_val *m;

		if (!v || json_is_null(v))
			continue;
		m = view_push(l, view_map(q->a));
		view_set_text(m, "label", fd->label);
		view_set_text(m, "key", fd->key);
		if (fd->type == FT_FILE)
			view_set(m, "files", files_view(q, v, files_url));
		else if (fd->type == FT_GROUP && depth == 0)
			view_set(m, "entries", entries_view(q, fd, v, files_url, depth));
		else
			view_set_text(
				m, "text",
				form_answer_text(&(struct form_text){q->a, q->app->view, q->lang},
						 fd, v));
	}
	return l;
}

struct view_val *
inbox_answers_view(struct rq *q, const struct form *f, json_t *answers, const char *files_url)
{
	struct view_val *steps = view_list(q->a);

	for (size_t s = 0; s < f->n_steps; s++) {
		struct view_val *m = view_push(steps, view_map(q->a));

		view_set_text(m, "title", f->steps[s].title);
		view_set(m, "items",
			 items_view(q, f->steps[s].fields, f->steps[s].n_fields, answers, files_url,
				    0));
	}
	return steps;
}

/* ---- CSV ------------------------------------------------------------------ */

static const char *
scalar_text(struct arena *a, json_t *v)
{
	const char *name = json_string_value(json_object_get(v, "name"));

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(a, "%g", json_real_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return name ? name : ""; /* a file: its name */
}

static bool
is_file(json_t *v)
{
	return json_is_string(json_object_get(v, "id")) &&
	       json_is_string(json_object_get(v, "name"));
}

/* Flatten answer `v` under `key` into `flat` (key -> text). */
static void
flatten(struct arena *a, const char *key, json_t *v, json_t *flat, int depth)
{
	const char *k;
	json_t *child;
	size_t i;
	bool plain = true;

	if (!v || depth > FORM_EXPR_DEPTH)
		return;
	if (json_is_object(v) && !is_file(v)) {
		json_object_foreach(v, k, child) flatten(
			a, key[0] ? arena_printf(a, "%s.%s", key, k) : k, child, flat, depth + 1);
		return;
	}
	if (!json_is_array(v)) {
		json_object_set_new(flat, key, json_string(scalar_text(a, v)));
		return;
	}
	json_array_foreach(v, i, child) plain &= !json_is_object(child) || is_file(child);
	if (plain) { /* choices and files: one cell */
		const char *text = "";

		json_array_foreach(v, i, child) text =
			arena_printf(a, "%s%s%s", text, i ? ", " : "", scalar_text(a, child));
		json_object_set_new(flat, key, json_string(text));
		return;
	}
	json_array_foreach(v, i, child)
		flatten(a, arena_printf(a, "%s[%zu]", key, i + 1), child, flat, depth + 1);
}

static const char *const HEADINGS[] = {"forms.inbox.case_no", "forms.inbox.form",
				       "forms.inbox.version", "forms.inbox.status",
				       "forms.inbox.created"};
#define N_FIXED (sizeof(HEADINGS) / sizeof(HEADINGS[0]))

/* The flat answers of each case and the union of their keys in order of appearance. */
static json_t *
flat_rows(struct rq *q, const struct inbox_case *v, size_t n, json_t *keys)
{
	json_t *rows = json_array(), *seen = json_object();

	for (size_t i = 0; i < n; i++) {
		json_t *doc = json_loads(v[i].answers, 0, NULL), *flat = json_object(), *x;
		const char *k;

		flatten(q->a, "", doc, flat, 0);
		json_decref(doc);
		json_object_foreach(flat, k, x) if (!json_object_get(seen, k))
		{
			json_object_set_new(seen, k, json_true());
			json_array_append_new(keys, json_string(k));
		}
		json_array_append_new(rows, flat);
	}
	json_decref(seen);
	return rows;
}

static int
render(struct rq *q, const struct inbox_case *v, size_t n, json_t *keys, json_t *rows)
{
	size_t nk = json_array_size(keys);
	const char **cells = arena_alloc(q->a, (N_FIXED + nk) * sizeof(*cells));
	char created[CIVIL_DATETIME_LEN + 1];
	int rc = buf_adds(&q->resp->body, "\xEF\xBB\xBF");

	for (size_t i = 0; i < N_FIXED; i++)
		cells[i] = rq_msg(q, HEADINGS[i]);
	for (size_t k = 0; k < nk; k++)
		cells[N_FIXED + k] = json_string_value(json_array_get(keys, k));
	rc = rc ? rc : csv_line(&q->resp->body, cells, N_FIXED + nk);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *flat = json_array_get(rows, i);

		civil_utc_to_local(v[i].created_at, false, created);
		cells[0] = v[i].case_no;
		cells[1] = v[i].title;
		cells[2] = arena_printf(q->a, "%lld", (long long)v[i].version);
		cells[3] = inbox_status_name(v[i].status) ? inbox_status_name(v[i].status) : "";
		cells[4] = arena_strdup(q->a, created);
		for (size_t k = 0; k < nk; k++) {
			const char *s = json_string_value(
				json_object_get(flat, json_string_value(json_array_get(keys, k))));

			cells[N_FIXED + k] = s ? s : "";
		}
		rc = csv_line(&q->resp->body, cells, N_FIXED + nk);
	}
	return rc;
}

void
inbox_csv(struct rq *q, const struct inbox_case *v, size_t n)
{
	json_t *keys = json_array(), *rows = flat_rows(q, v, n, keys);
	int rc;

	buf_reset(&q->resp->body);
	rc = render(q, v, n, keys, rows);
	json_decref(keys);
	json_decref(rows);
	rq_download(q, rc, "text/csv; charset=utf-8; header=present", "antraege.csv");
}
