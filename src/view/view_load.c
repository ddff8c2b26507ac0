/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Loading a view from disk at start-up: every *.html below the template
 * directory, named by its relative path, and the catalogues de.json and
 * en.json.  Partials are resolved by name when rendering; here they are
 * also checked once, so a misspelt include fails start-up, not a request.
 */
#include "view/view_int.h"

#include "core/file.h"
#include "core/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Longest path we build, and how deep template folders may nest. */
#define VIEW_PATH_BYTES 4096
#define VIEW_DIR_DEPTH_MAX 16

static const char TPL_SUFFIX[] = ".html";

static int
load_template(struct view *v, const char *path, const char *rel, struct err *e)
{
	char *src = NULL, *name = xstrndup(rel, strlen(rel) - strlen(TPL_SUFFIX));
	size_t n = 0;
	int rc;

	rc = file_read(path, VIEW_SRC_MAX, &src, &n, e);
	if (rc == 0)
		rc = view_add_file(v, name, path, src, n, e);
	free(src);
	free(name);
	return rc;
}

/* Load the templates in `root`/`rel` and below; `rel` is "" at the top. */
static int
load_tree(struct view *v, const char *root, const char *rel, unsigned depth, struct err *e)
{
	struct buf dir, path, sub;
	struct dirent *de;
	DIR *d = NULL;
	int rc = 0;

	buf_init(&dir, VIEW_PATH_BYTES);
	buf_init(&path, VIEW_PATH_BYTES);
	buf_init(&sub, VIEW_PATH_BYTES);
	if (depth > VIEW_DIR_DEPTH_MAX || buf_addf(&dir, "%s%s%s", root, *rel ? "/" : "", rel)) {
		rc = err_set(e, ERR_INVALID, "error.internal", "%s/%s: folders nested too deep",
			     root, rel);
		goto out;
	}
	d = opendir(dir.p);
	if (!d) {
		rc = err_set(e, ERR_INVALID, "error.internal", "%s: %s", dir.p, strerror(errno));
		goto out;
	}
	while (rc == 0 && (de = readdir(d))) {
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		buf_reset(&path);
		buf_reset(&sub);
		if (buf_addf(&path, "%s/%s", dir.p, de->d_name) ||
		    buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name)) {
			rc = err_set(e, ERR_INVALID, "error.internal", "%s: path too long", dir.p);
		} else if (stat(path.p, &sb) != 0) {
			rc = err_set(e, ERR_INVALID, "error.internal", "%s: %s", path.p,
				     strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			rc = load_tree(v, root, sub.p, depth + 1, e);
		} else if (S_ISREG(sb.st_mode) && str_ends(buf_str(&sub), TPL_SUFFIX) &&
			   sub.len > strlen(TPL_SUFFIX)) {
			rc = load_template(v, path.p, sub.p, e);
		}
	}
out:
	if (d)
		closedir(d);
	buf_release(&sub);
	buf_release(&path);
	buf_release(&dir);
	return rc;
}

/* `dir`/`lang`.json: one flat object of message keys and texts. */
static int
load_catalogue(struct view *v, const char *dir, const char *lang, struct err *e)
{
	struct buf path;
	json_error_t je;
	json_t *doc = NULL, *val;
	const char *key;
	int rc = 0;

	buf_init(&path, VIEW_PATH_BYTES);
	if (buf_addf(&path, "%s/%s.json", dir, lang)) {
		rc = err_set(e, ERR_INVALID, "error.internal", "%s: path too long", dir);
		goto out;
	}
	doc = json_load_file(path.p, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		rc = err_set(e, ERR_INVALID, "error.internal", "%s:%d: %s", path.p,
			     je.line > 0 ? je.line : 1, je.text);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = err_set(e, ERR_INVALID, "error.internal", "%s:1: not a JSON object", path.p);
		goto out;
	}
	json_object_foreach(doc, key, val)
	{
		if (!json_is_string(val)) {
			rc = err_set(e, ERR_INVALID, "error.internal",
				     "%s: message '%s' is not a string", path.p, key);
			goto out;
		}
		view_add_msg(v, lang, key, json_string_value(val));
	}
out:
	json_decref(doc);
	buf_release(&path);
	return rc;
}

/* Every {{> name}} must name a loaded template. */
static int
check_partials(const struct view *v, struct err *e)
{
	for (size_t i = 0; i < v->tpls.cap; i++) {
		const struct view_tpl *t = v->tpls.slots[i].val;

		for (size_t k = 0; t && k < t->n; k++) {
			const struct view_ins *ins = &t->ins[k];

			if (ins->op == VIEW_OP_PARTIAL && !view_tpl_find(v, ins->text))
				return err_set(e, ERR_INVALID, "error.internal",
					       "%s:%u: unknown partial '%.*s'", t->file, ins->line,
					       (int)ins->text.len, ins->text.p);
		}
	}
	return 0;
}

int
view_load(const char *tpl_dir, const char *locale_dir, struct view **out, struct err *e)
{
	struct view *v = view_new();
	int rc;

	rc = load_tree(v, tpl_dir, "", 0, e);
	if (rc == 0)
		rc = load_catalogue(v, locale_dir, "de", e);
	if (rc == 0)
		rc = load_catalogue(v, locale_dir, "en", e);
	if (rc == 0)
		rc = check_partials(v, e);
	if (rc) {
		view_free(v);
		v = NULL;
	}
	*out = v;
	return rc;
}
