/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What validation needs from a request: today's date, the place of a postal
 * code from the regions data, and the uploads of the tenant in the file
 * store; and, after a submission, keeping its uploads as long as the tenant
 * keeps them.
 */
#include "features/forms/form_int.h"

#include "features/regions/region.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define PLACES_MAX 20

static int
place_of(void *cls, const char *plz, char *out, size_t cap)
{
	struct form_req_env *re = cls;
	struct region *v;
	size_t n;
	int rc = region_suggest(re->q->db, plz, PLACES_MAX, re->q->a, &v, &n, &re->q->err);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (v[i].plz && strcmp(v[i].plz, plz) == 0) {
			snprintf(out, cap, "%s", v[i].display_name);
			return 0;
		}
	}
	return ERR_NOTFOUND;
}

static bool
is_upload(const struct file_meta *m, void *cls)
{
	(void)cls;
	return strcmp(m->owner, "form-upload") == 0;
}

static int
file_ok(void *cls, const struct form_field *fd, const char *id, char *out, size_t cap)
{
	struct form_req_env *re = cls;
	struct file_meta *m;
	struct str data;
	bool type_ok = !fd->accept;
	int rc;

	if (!files_id_valid(id))
		return ERR_NOTFOUND;
	rc = files_get(re->q->db, &re->fs, re->q->tenant, id, is_upload, NULL, re->q->a, &m, &data,
		       &re->q->err);
	if (rc)
		return rc;
	for (size_t i = 0; fd->accept && fd->accept[i]; i++)
		type_ok |= strcmp(fd->accept[i], m->mime) == 0;
	if (!type_ok)
		return ERR_UNPROCESSABLE;
	if (fd->max_bytes && m->size > fd->max_bytes)
		return ERR_TOOBIG;
	snprintf(out, cap, "%s", m->name);
	return 0;
}

void
form_env_init(struct form_env *env, struct form_req_env *re, struct rq *q)
{
	re->q = q;
	re->fs.data_dir = q->app->cfg.data_dir;
	env->today = (int64_t)time(NULL) / 86400;
	env->place_of = place_of;
	env->file_ok = file_ok;
	env->cls = re;
}

static int
keep_files(struct rq *q, json_t *files, int64_t until)
{
	json_t *it;
	size_t i;
	int rc = 0;

	json_array_foreach(files, i, it)
	{
		const char *id = json_string_value(json_object_get(it, "id"));

		if (rc == 0 && id)
			rc = files_expire(q->db, q->tenant, id, until, &q->err);
	}
	return rc;
}

int
form_keep_uploads(struct rq *q, const struct form *f, json_t *clean)
{
	int64_t until = (int64_t)time(NULL) + tenant_setting_int(q->tenant, TSET_RETAIN_UPLOADS);
	int rc = 0;

	for (size_t s = 0; s < f->n_steps; s++) {
		for (size_t i = 0; rc == 0 && i < f->steps[s].n_fields; i++) {
			const struct form_field *fd = &f->steps[s].fields[i];
			json_t *v = json_object_get(clean, fd->key), *entry;
			size_t k;

			if (fd->type == FT_FILE)
				rc = keep_files(q, v, until);
			if (fd->type != FT_GROUP)
				continue;
			json_array_foreach(v, k, entry)
			{
				for (size_t c = 0; rc == 0 && c < fd->n_fields; c++)
					if (fd->fields[c].type == FT_FILE)
						rc = keep_files(
							q,
							json_object_get(entry, fd->fields[c].key),
							until);
			}
		}
	}
	return rc;
}
