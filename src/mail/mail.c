/* SPDX-License-Identifier: EUPL-1.2 */
/* The mailer: senders, absolute links, rendering from templates, and the outbox. */
#include "mail/mail_int.h"

#include "core/xalloc.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "tenant/tenant.h"
#include "view/view.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "<" 32 hex "." time "@" domain ">": the domain is at most 254 characters. */
#define MESSAGE_ID_MAX 320

struct mailer *
mail_new(const struct config *cfg, const struct view *v)
{
	struct mailer *m = xcalloc(1, sizeof(*m));

	/* libcurl's global set-up is not thread-safe: it runs here, at start-up. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m->cfg = cfg;
	m->view = v;
	return m;
}

void
mail_free(struct mailer *m)
{
	if (!m)
		return;
	curl_global_cleanup();
	free(m);
}

const char *
mail_sender(const struct mailer *m, const struct tenant *t)
{
	const char *own = t ? tenant_setting_str(t, TSET_MAIL_FROM) : "";

	return own && own[0] ? own : m->cfg->mail_from;
}

/* The sender's display name: the tenant's setting, else its name. */
static const char *
sender_name(const struct tenant *t)
{
	const char *own = t ? tenant_setting_str(t, TSET_MAIL_FROM_NAME) : "";

	if (own && own[0])
		return own;
	return t ? t->name : "Rathaus";
}

int
mail_link(const struct mailer *m, const struct tenant *t, const char *path, struct buf *out)
{
	const char *pub = m->cfg->public_url;
	size_t n = strlen(pub);

	while (n > 0 && pub[n - 1] == '/')
		n--;
	if (t && t->host && t->host[0]) {
		const char *scheme = strncmp(pub, "http://", 7) == 0 ? "http" : "https";

		(void)buf_addf(out, "%s://%s", scheme, t->host);
	} else {
		if (n)
			(void)buf_add(out, pub, n);
		else if (strchr(m->cfg->listen_host, ':'))
			(void)buf_addf(out, "http://[%s]:%d", m->cfg->listen_host,
				       m->cfg->listen_port);
		else
			(void)buf_addf(out, "http://%s:%d", m->cfg->listen_host,
				       m->cfg->listen_port);
		if (t)
			(void)buf_addf(out, "/t/%s", t->slug);
	}
	(void)buf_adds(out, path && *path ? path : "/");
	return out->toobig ? ERR_TOOBIG : 0;
}

/*
 * Undo the HTML escapes of the view (view_escape.c writes exactly these) and
 * drop control characters but TAB and LF: the text part is never read as
 * markup, so escapes would show, and a control character has no place in it.
 */
static char *
unescape_text(struct arena *a, const char *s)
{
	static const struct {
		const char *esc;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	char *out = arena_alloc(a, strlen(s) + 1), *o = out;

	while (*s) {
		size_t i = 0;

		for (; *s == '&' && i < sizeof(ents) / sizeof(ents[0]); i++)
			if (strncmp(s, ents[i].esc, strlen(ents[i].esc)) == 0)
				break;
		if (*s == '&' && i < sizeof(ents) / sizeof(ents[0])) {
			*o++ = ents[i].c;
			s += strlen(ents[i].esc);
			continue;
		}
		if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
			if (*s != 0x7f)
				*o++ = *s;
		s++;
	}
	*o = '\0';
	return out;
}

static int
render(const struct mailer *m, const char *name, const char *lang, struct view_val *data,
       struct arena *a, char **out, struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b, MAIL_MAX_BYTES);
	rc = view_render(m->view, name, lang, data, &b, e);
	if (rc == 0) {
		size_t skip = strspn(b.p, "\n"); /* left by the template's comments */

		*out = arena_strndup(a, b.p + skip, b.len - skip);
	}
	buf_release(&b);
	return rc;
}

int
mail_compose(const struct mailer *m, const struct tenant *t, const char *tpl, const char *lang,
	     struct view_val *data, const char *to, struct arena *a, struct mail *out,
	     struct err *e)
{
	char name[128], key[128], *html = NULL, *text = NULL;
	struct buf link;
	int rc;

	if (!m->view)
		return err_set(e, ERR_INTERNAL, NULL, "mail: no templates loaded");
	buf_init(&link, 4096);
	rc = mail_link(m, t, "/", &link);
	view_set_text(data, "link", link.p);
	buf_release(&link);
	if (rc)
		return err_set(e, rc, NULL, "mail: link too long");
	view_set_text(data, "tenant", t ? t->name : "Rathaus");
	view_set_text(data, "lang", lang);
	snprintf(name, sizeof(name), "mail/%s", tpl);
	rc = render(m, name, lang, data, a, &html, e);
	snprintf(name, sizeof(name), "mail/%s.text", tpl);
	if (rc == 0)
		rc = render(m, name, lang, data, a, &text, e);
	if (rc)
		return rc;
	snprintf(key, sizeof(key), "mail.%s.subject", tpl);
	*out = (struct mail){
		.to = arena_strdup(a, to),
		.subject = arena_strdup(a, view_msg(m->view, lang, key)),
		.text = unescape_text(a, text),
		.html = html,
	};
	return 0;
}

static void
random_hex(char *out, size_t bytes)
{
	unsigned char r[32];

	randombytes_buf(r, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, r, bytes);
}

static int
insert(struct db *db, const struct tenant *t, const char *from, const struct mail *mail,
       const char *message_id, const struct buf *msg, int64_t *id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO mail_outbox (tenant_id, from_addr, to_addr, subject, message_id, "
		"message, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	if (t)
		db_bind_int64(st, 1, t->id);
	else
		db_bind_null(st, 1);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, mail->to);
	db_bind_text(st, 4, mail->subject);
	db_bind_text(st, 5, message_id);
	db_bind_text(st, 6, msg->p);
	db_bind_int64(st, 7, (int64_t)time(NULL));
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

int
mail_queue(const struct mailer *m, struct db *db, const struct tenant *t, const struct mail *mail,
	   int64_t *id, struct err *e)
{
	const char *from = mail_sender(m, t);
	const char *domain = strrchr(from, '@');
	char rnd[33], boundary[40], message_id[MESSAGE_ID_MAX], payload[64];
	struct mail_msg msg = {
		.from_name = sender_name(t),
		.from = from,
		.to = mail->to,
		.subject = mail->subject,
		.text = mail->text,
		.html = mail->html,
		.date = (int64_t)time(NULL),
		.message_id = message_id,
		.boundary = boundary,
		.unsubscribe = mail->unsubscribe,
		.attachments = mail->attachments,
		.n_attachments = mail->n_attachments,
	};
	struct buf b;
	int64_t row = 0;
	int rc;

	random_hex(rnd, 16);
	snprintf(boundary, sizeof(boundary), "=_%s", rnd);
	random_hex(rnd, 16);
	snprintf(message_id, sizeof(message_id), "<%s.%lld@%s>", rnd, (long long)msg.date,
		 domain ? domain + 1 : "localhost");
	buf_init(&b, MAIL_MAX_BYTES);
	rc = mail_mime_build(&msg, &b, e);
	if (rc == 0)
		rc = insert(db, t, from, mail, message_id, &b, &row, e);
	buf_release(&b);
	if (rc)
		return rc;
	snprintf(payload, sizeof(payload), "{\"mail\": %lld}", (long long)row);
	rc = job_enqueue(db, MAIL_JOB_KIND, t ? t->id : 0, payload, 0, NULL, e);
	if (rc == 0 && id)
		*id = row;
	return rc;
}
