/* SPDX-License-Identifier: EUPL-1.2 */
/* `rathaus mail test ADDRESS`: queue a test mail to prove the mail set-up. */
#include "app/app.h"
#include "cli/cli.h"
#include "core/arena.h"
#include "db/db.h"
#include "mail/mail.h"
#include "tenant/tenant.h"
#include "view/view.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Where the test mail goes: an address, from the tenant `slug` (NULL: the installation). */
struct test_mail {
	const char *to, *slug;
};

static int
queue(struct app *app, struct db *db, const struct test_mail *tm, struct arena *a, struct err *e)
{
	struct tenant *t = NULL;
	struct view_val *data = view_map(a);
	struct mail m;
	int64_t id = 0;
	int rc = 0;

	if (tm->slug)
		rc = tenant_find_by_slug(db, tm->slug, a, &t, e);
	if (rc == ERR_NOTFOUND)
		return err_set(e, rc, NULL, "no tenant '%s'", tm->slug);
	view_set_text(data, "address", tm->to);
	if (rc == 0)
		rc = mail_compose(app->mail, t, "test", "de", data, tm->to, a, &m, e);
	if (rc == 0)
		rc = db_begin(db, e);
	if (rc)
		return rc;
	rc = mail_queue(app->mail, db, t, &m, &id, e);
	if (rc == 0)
		rc = db_commit(db, e);
	db_rollback(db);
	if (rc == 0)
		printf("mail %lld to %s queued%s\n", (long long)id, tm->to,
		       app->cfg.smtp_url[0] ? "" : "; smtp_url is not set, so it stays queued");
	return rc;
}

static int
queue_test(struct app *app, struct db *db, void *arg, struct err *e)
{
	struct arena a;
	int rc;

	arena_init(&a);
	rc = queue(app, db, arg, &a, e);
	arena_release(&a);
	return rc;
}

static int
run_mail(int argc, char **argv, const struct config *cfg)
{
	struct test_mail tm = {NULL, NULL};
	bool bad = argc < 3 || strcmp(argv[1], "test") != 0;

	for (int i = 2; i < argc && !bad; i++) {
		if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc)
			tm.slug = argv[++i];
		else if (!tm.to && argv[i][0] != '-')
			tm.to = argv[i];
		else
			bad = true;
	}
	if (bad || !tm.to) {
		fprintf(stderr,
			"rathaus mail: expected 'test ADDRESS [--tenant SLUG]' (see --help)\n");
		return CLI_USAGE;
	}
	if (!mail_addr_valid(tm.to)) {
		fprintf(stderr, "rathaus mail test: '%s' is not a mail address we send to\n",
			tm.to);
		return CLI_USAGE;
	}
	return cli_app_run(cfg, true, "mail test", queue_test, &tm);
}

const struct cli_cmd cli_mail = {
	"mail",
	"queue a test mail",
	"Usage: rathaus mail test ADDRESS [--tenant SLUG]\n\n"
	"Put a test mail to ADDRESS into the outbox, sent from the tenant SLUG or\n"
	"the installation.  A running 'rathaus serve' (or 'rathaus jobs run')\n"
	"delivers it through smtp_url (RATHAUS_SMTP_URL) from mail_from\n"
	"(RATHAUS_MAIL_FROM); without smtp_url it stays queued.  Links in it are\n"
	"built from public_url (RATHAUS_PUBLIC_URL) or the tenant's own domain.\n",
	run_mail,
};
