/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Delivery: the 'mail.deliver' job sends one outbox row over SMTP with
 * libcurl and records the outcome.  STARTTLS is used when the relay offers
 * it (smtp://), TLS from the start with smtps://; user and password come
 * from the URL.  A 5xx answer is permanent: the mail is marked 'failed' at
 * once; anything else is tried again with backoff.
 */
#include "mail/mail_int.h"

#include "core/log.h"
#include "db/db.h"
#include "jobs/jobs.h"

#include <curl/curl.h>
#include <string.h>

/* Give up on one SMTP conversation after this long; well below the job's lease. */
#define SMTP_TIMEOUT_S 60
#define SMTP_CONNECT_TIMEOUT_S 10

struct upload {
	const char *p;
	size_t left;
};

static size_t
read_message(char *out, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;

	memcpy(out, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

int
mail_smtp_send(const char *smtp_url, const char *from, const char *to, const char *message,
	       bool *permanent, struct err *e)
{
	struct upload u = {message, strlen(message)};
	char mail_from[320], rcpt[320], errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *rcpts = NULL;
	CURL *c = curl_easy_init();
	long code = 0;
	CURLcode rc;

	*permanent = false;
	if (!c)
		return err_set(e, ERR_INTERNAL, NULL, "smtp: curl_easy_init failed");
	snprintf(mail_from, sizeof(mail_from), "<%s>", from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	rcpts = curl_slist_append(rcpts, rcpt);
	curl_easy_setopt(c, CURLOPT_URL, smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.left);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)SMTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK)
		return 0;
	*permanent = code >= 500 && code < 600;
	/* The relay's words end up in the outbox: keep them printable ASCII. */
	for (char *p = errbuf; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return err_set(e, ERR_IO, NULL, "smtp: %s (last reply %ld)",
		       errbuf[0] ? errbuf : curl_easy_strerror(rc), code);
}

/* Record the outcome of one attempt; `error` NULL means sent. */
static int
record(struct db *db, int64_t id, int64_t now, const char *error, bool final, struct err *e)
{
	static const char sent_sql[] = "UPDATE mail_outbox SET state = 'sent', sent_at = $2, "
				       "attempts = attempts + 1, last_error = '' WHERE id = $1";
	static const char failed_sql[] =
		"UPDATE mail_outbox SET state = $2, attempts = attempts + 1, last_error = $3 "
		"WHERE id = $1";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, error ? failed_sql : sent_sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, id);
	if (error) {
		db_bind_text(st, 2, final ? "failed" : "queued");
		db_bind_text(st, 3, error);
	} else {
		db_bind_int64(st, 2, now);
	}
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static int
deliver(struct job_run *r, struct err *e)
{
	static const char sql[] = "SELECT from_addr, to_addr, message FROM mail_outbox "
				  "WHERE id = $1 AND state = 'queued'";
	const struct mailer *m = r->ctx;
	int64_t id = job_payload_int(r, "mail");
	struct db_stmt *st = NULL;
	struct err se = {0};
	bool permanent = false;
	int rc = db_prepare(r->db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc != DB_ROW) {
		db_finalize(st);
		/* DB_DONE: sent already, or the row is gone; nothing to do. */
		return rc == DB_DONE ? 0 : rc;
	}
	rc = mail_smtp_send(m->cfg->smtp_url, db_col_text(st, 0), db_col_text(st, 1),
			    db_col_text(st, 2), &permanent, &se);
	db_finalize(st);
	r->give_up = permanent;
	if (rc == 0)
		log_info("mail: %lld sent", (long long)id);
	rc = record(r->db, id, r->now, rc ? se.detail : NULL,
		    permanent || r->attempt >= r->max_attempts, e);
	if (rc)
		return rc;
	return se.code ? err_set(e, se.code, NULL, "%s", se.detail) : 0;
}

/*
 * Retries: 5 s, 10 s, 20 s, ... an hour at most; 14 attempts span about five
 * hours, enough for a relay's maintenance window.
 */
static const struct job_kind deliver_kind = {
	.name = MAIL_JOB_KIND,
	.run = deliver,
	.max_attempts = 14,
	.lease_s = 5 * SMTP_TIMEOUT_S,
	.backoff_s = 5,
};

/* Sent mails hold personal data: they are kept this long for the record, then deleted. */
#define MAIL_KEEP_S (30 * 86400)

static int
purge_sent(struct job_run *r, struct err *e)
{
	static const char sql[] = "DELETE FROM mail_outbox WHERE state = 'sent' AND sent_at < $1";
	int64_t n = 0;
	int rc = db_run_count(r->db, e, &n, sql, DB_INT(r->now - MAIL_KEEP_S));

	return job_purged(rc, n, "sent mails older than 30 days");
}

static const struct job_every *const purge_every = JOB_EVERY("mail.purge", purge_sent, 86400);

void
mail_register(struct mailer *m, struct jobs *j)
{
	jobs_add_every(j, purge_every, m);
	if (!m->cfg->smtp_url[0]) {
		log_info("mail: smtp_url is not set; mails stay queued");
		return;
	}
	jobs_add_kind(j, &deliver_kind, m);
}
