/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The confirmation mail of a submission: to the first e-mail answer of the
 * form, queued in the outbox (mail.h) inside the submission's transaction,
 * so there is a mail exactly when there is a case.  It names the form and
 * the case number; the PDF receipt with the answers is attached, as the
 * citizen also gets it on the confirmation page.  form_case_made() puts
 * the case's delivery (form_delivery.h) into the same transaction.
 */
#include "features/forms/form_delivery.h"

#include "core/log.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <string.h>

static const char *
first_email(const struct form *f, json_t *clean)
{
	for (size_t s = 0; s < f->n_steps; s++)
		for (size_t i = 0; i < f->steps[s].n_fields; i++)
			if (f->steps[s].fields[i].type == FT_EMAIL &&
			    json_is_string(json_object_get(clean, f->steps[s].fields[i].key)))
				return json_string_value(
					json_object_get(clean, f->steps[s].fields[i].key));
	return NULL;
}

int
form_mail_confirm(struct db *db, const char *case_no, void *cls, struct err *e)
{
	struct form_mail_ctx *c = cls;
	struct rq *q = c->q;
	const char *to = first_email(c->f, c->clean);
	struct form_text x = {q->a, q->app->view, q->lang};
	struct mail_attachment att;
	struct view_val *data;
	struct buf pdf;
	struct mail m;
	int rc;

	if (!to || !q->app->mail || !mail_addr_valid(to))
		return 0;
	data = view_map(q->a);
	view_set_text(data, "case_no", case_no);
	view_set_text(data, "form", c->f->title);
	buf_init(&pdf, FORM_RECEIPT_MAX);
	rc = mail_compose(q->app->mail, q->tenant, "form_received", q->lang, data, to, q->a, &m, e);
	if (rc == 0)
		rc = form_receipt_build(&x, q->tenant, c->f, case_no, c->now, c->clean, &pdf, e);
	if (rc == 0) {
		att = (struct mail_attachment){form_receipt_name(q->a, case_no), "application/pdf",
					       pdf.p, pdf.len};
		m.attachments = &att;
		m.n_attachments = 1;
		rc = mail_queue(q->app->mail, db, q->tenant, &m, NULL, e);
	}
	buf_release(&pdf);
	if (rc == ERR_INVALID) { /* an address our check took and the mailer does not */
		log_warn("rid=%s form mail not queued: %s", q->http->id, e->detail);
		rc = 0;
	}
	c->queued = rc == 0;
	return rc;
}

int
form_case_made(struct db *db, const char *case_no, void *cls, struct err *e)
{
	struct form_mail_ctx *c = cls;
	int rc = form_delivery_queue(db, c->q->tenant, c->f->id, case_no, c->now, &c->delivery, e);

	return rc ? rc : form_mail_confirm(db, case_no, cls, e);
}

void
form_mail_sent(struct form_mail_ctx *c)
{
	if ((c->queued || c->delivery) && c->q->app->jobs)
		jobs_nudge(c->q->app->jobs);
}
