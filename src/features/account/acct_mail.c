/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The mails of the account feature: queued in the outbox inside the
 * caller's transaction (mail.h), links built from the configured public URL
 * or the tenant's own domain (mail_link), never from the Host header.  At
 * most ACCT_MAILS_PER_HOUR go to one address, so the forms cannot be used
 * to flood a mailbox; beyond that the page answers the same and no mail goes.
 */
#include "features/account/acct_int.h"

#include "core/log.h"
#include "mail/mail.h"

#include <stdio.h>

bool
acct_mail_quota(struct db *db, const char *to, struct arena *a)
{
	char h[65];
	struct err e = {0};
	int rc;

	auth_token_hash(to, h);
	rc = ratelimit_hit(db, arena_printf(a, "acct-mail:%s", h), 3600, ACCT_MAILS_PER_HOUR, &e);
	if (rc)
		log_info("account mail not sent: %s",
			 rc == ERR_RATELIMIT ? "too many to one address" : e.detail);
	return rc == 0;
}

bool
acct_mail_allowed(struct rq *q, const char *to)
{
	return acct_mail_quota(q->db, to, q->a);
}

int
acct_mail_to(const struct acct_mail_env *env, const char *tpl, const char *to, const char *path,
	     struct err *e)
{
	struct view_val *data;
	struct mail m;
	struct buf link;
	int rc;

	if (!env->app->mail)
		return 0;
	buf_init(&link, 4096);
	rc = mail_link(env->app->mail, env->t, path, &link);
	data = view_map(env->a);
	if (rc == 0) {
		view_set_text(data, "url", link.p);
		view_set_text(data, "email", to);
		rc = mail_compose(env->app->mail, env->t, tpl, env->lang, data, to, env->a, &m, e);
	}
	buf_release(&link);
	if (rc == 0)
		rc = mail_queue(env->app->mail, env->db, env->t, &m, NULL, e);
	if (rc == ERR_INVALID) { /* an address our check took and the mailer does not */
		log_warn("account mail not queued: %s", e->detail);
		rc = 0;
	}
	return rc;
}

int
acct_mail(struct rq *q, const char *tpl, const char *to, const char *path, struct err *e)
{
	struct acct_mail_env env = {q->app, q->db, q->tenant, q->lang, q->a};

	return acct_mail_to(&env, tpl, to, path, e);
}
