/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The demo's online forms: every JSON file in data/demo/forms/<tenant slug>/
 * is a form definition (docs/forms.md) saved for that tenant.  Saving is
 * idempotent; a definition with errors stops the demo with their JSON paths.
 */
#include "cli/cli.h"

#include "core/file.h"

#include "db/db.h"
#include "features/forms/forms.h"
#include "tenant/tenant.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
save_file(struct db *db, const struct tenant *t, const char *path, int *saved)
{
	struct form_def_errors errs;
	struct err e = {0};
	bool changed = false;
	char *text = NULL;
	size_t n = 0;
	int rc = file_read(path, FORM_DEF_MAX, &text, &n, &e);

	errs.n = 0;
	if (rc == 0)
		rc = form_save(db, t, text, n, (int64_t)time(NULL), &errs, &changed, &e);
	free(text);
	if (rc) {
		fprintf(stderr, "rathaus demo: %s: %s\n", path, e.detail);
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "  %s: %s\n", errs.v[i].path, errs.v[i].msg);
		return CLI_FAIL;
	}
	*saved += changed;
	return CLI_OK;
}

static int
tenant_forms(struct db *db, const char *dir, const char *slug, int *saved)
{
	char path[4096];
	struct tenant *t;
	struct arena a;
	struct err e = {0};
	struct dirent **names = NULL;
	int n, rc = CLI_OK;

	arena_init(&a);
	if (tenant_find_by_slug(db, slug, &a, &t, &e)) {
		fprintf(stderr, "rathaus demo: forms for unknown tenant '%s'\n", slug);
		arena_release(&a);
		return CLI_FAIL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, slug);
	n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t len = strlen(nm);

		if (rc == CLI_OK && len > 5 && strcmp(nm + len - 5, ".json") == 0) {
			snprintf(path, sizeof(path), "%s/%s/%s", dir, slug, nm);
			rc = save_file(db, t, path, saved);
		}
		free(names[i]);
	}
	free(names);
	arena_release(&a);
	return rc;
}

int
cli_demo_forms(struct db *db, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), rc = CLI_OK, saved = 0;

	if (n < 0) {
		fprintf(stderr, "rathaus demo: cannot read %s\n", dir);
		return CLI_FAIL;
	}
	for (int i = 0; i < n; i++) {
		if (rc == CLI_OK && names[i]->d_name[0] != '.' && names[i]->d_type == DT_DIR)
			rc = tenant_forms(db, dir, names[i]->d_name, &saved);
		free(names[i]);
	}
	free(names);
	if (rc == CLI_OK)
		printf("forms: %d saved\n", saved);
	return rc;
}
