/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Files sent inside API answers as data URLs (RFC 2397): each is stored
 * like an upload, its type detected from the content, and replaced by its
 * id, so that validation sees upload ids only.
 */
#include "features/forms/form_int.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

/* "data:<type>[;name=<name>];base64,<bytes>": the name and the decoded bytes in `a`. */
static int
decode(struct rq *q, const char *url, const char **name, unsigned char **bin, size_t *len)
{
	const char *comma = strchr(url, ','), *n;
	size_t b64 = comma ? strlen(comma + 1) : 0;

	if (!comma || comma - url < 12 || strncmp(comma - 7, ";base64", 7) != 0)
		return err_set(&q->err, ERR_UNPROCESSABLE, "forms.err.data_url",
			       "no base64 data URL");
	*name = "";
	n = strstr(url, ";name=");
	if (n && n < comma)
		*name = arena_strndup(q->a, n + 6, (size_t)(strcspn(n + 6, ";,")));
	*bin = arena_alloc(q->a, b64 / 4 * 3 + 3);
	if (sodium_base642bin(*bin, b64 / 4 * 3 + 3, comma + 1, b64, " \r\n", len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return err_set(&q->err, ERR_UNPROCESSABLE, "forms.err.data_url", "bad base64");
	return 0;
}

static int
store(struct rq *q, json_t *holder, size_t i, const char *key, json_t *v)
{
	struct files_store fs = {q->app->cfg.data_dir};
	struct files_new in = {.use = "document", .owner = "form-upload"};
	const char *url = json_string_value(v);
	struct file_meta *m;
	unsigned char *bin = NULL;
	int rc;

	if (!url || strncmp(url, "data:", 5) != 0)
		return 0;
	rc = decode(q, url, &in.name, &bin, &in.len);
	if (rc)
		return rc;
	in.data = bin;
	in.now = (int64_t)time(NULL);
	in.expires_at = in.now + FORM_UPLOAD_PENDING_S;
	rc = files_put(q->db, &fs, q->tenant, &in, q->a, &m, &q->err);
	if (rc)
		return rc == ERR_INVALID ? ERR_UNPROCESSABLE : rc;
	if (key)
		return json_object_set_new(holder, key, json_string(m->id)) ? ERR_INTERNAL : 0;
	return json_array_set_new(holder, i, json_string(m->id)) ? ERR_INTERNAL : 0;
}

static int
field(struct rq *q, const struct form_field *fd, json_t *obj)
{
	json_t *v = json_object_get(obj, fd->key), *it;
	size_t i;
	int rc = 0;

	if (!v || fd->type != FT_FILE)
		return 0;
	if (!json_is_array(v))
		return store(q, obj, 0, fd->key, v);
	if (json_array_size(v) > FORM_FILES_MAX)
		return 0; /* validation says so */
	json_array_foreach(v, i, it)
	{
		rc = store(q, v, i, NULL, it);
		if (rc)
			break;
	}
	return rc;
}

int
form_api_data_urls(struct rq *q, const struct form *f, json_t *answers)
{
	int rc = 0;

	if (!json_is_object(answers))
		return 0;
	for (size_t s = 0; rc == 0 && s < f->n_steps; s++) {
		for (size_t i = 0; rc == 0 && i < f->steps[s].n_fields; i++) {
			const struct form_field *fd = &f->steps[s].fields[i];
			json_t *entries = json_object_get(answers, fd->key), *entry;
			size_t k;

			rc = field(q, fd, answers);
			if (fd->type != FT_GROUP || !json_is_array(entries) ||
			    json_array_size(entries) > FORM_GROUP_ENTRIES_MAX)
				continue;
			json_array_foreach(entries, k, entry)
			{
				for (size_t c = 0; rc == 0 && c < fd->n_fields; c++)
					if (json_is_object(entry))
						rc = field(q, &fd->fields[c], entry);
			}
		}
	}
	return rc;
}
