/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What a step's HTML form posts, folded into the draft's answers as the
 * JSON the API takes, so that one validation serves both: text inputs as
 * strings, checkboxes as true/false or arrays, addresses as objects,
 * repeating groups as arrays of entries (blank entries dropped), files
 * stored as uploads through the file store.
 */
#include "features/forms/form_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool
blank(const char *s)
{
	return !s || s[strspn(s, " \t\r\n")] == '\0';
}

static json_t *
all_values(struct rq *q, const char *name)
{
	const struct http_kvs *kv = &q->http->form;
	json_t *arr = json_array();

	for (size_t i = 0; i < kv->n; i++)
		if (str_eq_c(kv->v[i].key, name))
			json_array_append_new(arr, json_stringn(kv->v[i].val.p, kv->v[i].val.len));
	return arr;
}

/* The posted value of a field named `name`, or NULL when nothing was entered. */
static json_t *
read_value(struct rq *q, const struct form_field *fd, const char *name)
{
	const char *v;

	switch (fd->type) {
	case FT_CHECKBOX:
		if (fd->n_options) /* name[]: one field of several values */
			return all_values(q, arena_printf(q->a, "%s[]", name));
		return json_boolean(http_form(q->http, name) != NULL);
	case FT_ADDRESS: {
		const char *st = http_form(q->http, arena_printf(q->a, "%s.street", name));
		const char *pc = http_form(q->http, arena_printf(q->a, "%s.postcode", name));
		const char *pl = http_form(q->http, arena_printf(q->a, "%s.place", name));

		if (blank(st) && blank(pc) && blank(pl))
			return NULL;
		return json_pack("{s:s, s:s, s:s}", "street", st ? st : "", "postcode",
				 pc ? pc : "", "place", pl ? pl : "");
	}
	case FT_FILE:
	case FT_GROUP:
		return NULL; /* read_files(), read_group() */
	default:
		v = http_form(q->http, name);
		return blank(v) ? NULL : json_string(v);
	}
}

static void
set_or_drop(json_t *obj, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(obj, key, v);
	else
		json_object_del(obj, key);
}

/*
 * The files of file field `fd` posted under `name` ("doc", "members[0].doc"):
 * the ones in `have` kept unless ticked for removal, new uploads appended.
 * Into *out (NULL when none); a refused upload is an issue at `name`.
 */
static int
read_files(struct rq *q, const struct form_field *fd, const char *name, json_t *have,
	   struct form_check *up, json_t **out)
{
	struct files_store fs = {q->app->cfg.data_dir};
	json_t *keep = json_array(), *it;
	json_t *removed = all_values(q, arena_printf(q->a, "%s.remove", name));
	size_t i;
	int rc = 0;

	json_array_foreach(have, i, it)
	{
		size_t j;
		json_t *r;
		bool drop = false;

		json_array_foreach(removed, j, r) drop |= json_equal(r, json_object_get(it, "id"));
		if (!drop)
			json_array_append(keep, it);
	}
	json_decref(removed);
	for (size_t u = 0; rc == 0 && u < q->http->n_uploads; u++) {
		const struct http_upload *hu = &q->http->uploads[u];
		struct files_new in = {.use = "document", .owner = "form-upload"};
		struct file_meta *m;

		if (strcmp(hu->field, name) != 0 || hu->len == 0)
			continue;
		in.name = hu->filename;
		in.data = hu->data;
		in.len = hu->len;
		in.now = (int64_t)time(NULL);
		in.expires_at = in.now + FORM_DRAFT_TTL_S;
		rc = files_put(q->db, &fs, q->tenant, &in, q->a, &m, &q->err);
		if (rc == ERR_UNPROCESSABLE || rc == ERR_TOOBIG || rc == ERR_INVALID) {
			up->issues = arena_grow(q->a, up->issues, up->n_issues, &up->cap,
						sizeof(*up->issues));
			up->issues[up->n_issues++] = (struct form_issue){
				fd->key, arena_strdup(q->a, name),
				rc == ERR_TOOBIG ? "forms.err.file_size" : "forms.err.file_type",
				0};
			rc = 0;
			continue;
		}
		if (rc == 0)
			json_array_append_new(
				keep, json_pack("{s:s, s:s}", "id", m->id, "name", m->name));
	}
	if (json_array_size(keep)) {
		*out = keep;
	} else {
		json_decref(keep);
		*out = NULL;
	}
	return rc;
}

/*
 * Entries of group `fd` into *out; the one a "remove" button names is left
 * out.  `old` holds the entries as the page showed them, whose files a file
 * child keeps.
 */
static int
read_group(struct rq *q, const struct form_field *fd, json_t *old, struct form_check *up,
	   json_t **out)
{
	const char *cnt = http_form(q->http, arena_printf(q->a, "%s.count", fd->key));
	const char *action = http_form(q->http, "action");
	int64_t n = 0;
	int rc = 0;

	*out = json_array();
	if (!cnt || str_to_int64(str_c(cnt), 0, FORM_GROUP_ENTRIES_MAX + 1, &n))
		n = 0;
	for (int64_t i = 0; rc == 0 && i < n; i++) {
		json_t *entry = json_object();

		if (action && strcmp(action, arena_printf(q->a, "remove:%s:%lld", fd->key,
							  (long long)i)) == 0) {
			json_decref(entry);
			continue;
		}
		for (size_t c = 0; rc == 0 && c < fd->n_fields; c++) {
			const struct form_field *ch = &fd->fields[c];
			const char *name =
				arena_printf(q->a, "%s[%lld].%s", fd->key, (long long)i, ch->key);
			json_t *v = NULL;

			if (ch->type == FT_FILE)
				rc = read_files(
					q, ch, name,
					json_object_get(json_array_get(old, (size_t)i), ch->key),
					up, &v);
			else
				v = read_value(q, ch, name);
			if (v && !(json_is_false(v) || (json_is_array(v) && !json_array_size(v))))
				json_object_set_new(entry, ch->key, v);
			else
				json_decref(v);
		}
		if (json_object_size(entry))
			json_array_append_new(*out, entry);
		else
			json_decref(entry);
	}
	return rc;
}

int
form_web_read_step(struct rq *q, const struct form *f, size_t step, json_t *answers,
		   struct form_check *uploads)
{
	const struct form_step *s = &f->steps[step];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < s->n_fields; i++) {
		const struct form_field *fd = &s->fields[i];

		json_t *v = NULL;

		if (fd->type == FT_FILE)
			rc = read_files(q, fd, fd->key, json_object_get(answers, fd->key), uploads,
					&v);
		else if (fd->type == FT_GROUP)
			rc = read_group(q, fd, json_object_get(answers, fd->key), uploads, &v);
		else
			v = read_value(q, fd, fd->key);
		set_or_drop(answers, fd->key, v);
	}
	return rc;
}
