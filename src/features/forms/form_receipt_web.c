/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Downloading a receipt.  The citizen fetches it from the confirmation
 * page with the draft cookie that made the case (form_web_submit.c), so
 * only the submitter's browser gets it; staff with the role caseworker or
 * admin of the tenant fetch any case's receipt at
 * /verwaltung/formulare/vorgaenge/<case>/quittung.pdf (the case inbox links
 * there).  Both answers are private and never cached.
 */
#include "features/forms/form_int.h"

#include "app/rq_page.h"

void
form_receipt_send(struct rq *q, const char *case_no)
{
	struct form_text x = {q->a, q->app->view, q->lang};
	struct buf pdf;
	int rc;

	buf_init(&pdf, FORM_RECEIPT_MAX);
	rc = form_receipt_case(q->db, &x, q->tenant, case_no, &pdf, &q->err);
	if (rc == 0) {
		buf_reset(&q->resp->body);
		rc = buf_add(&q->resp->body, pdf.p, pdf.len);
	}
	buf_release(&pdf);
	rq_download(q, rc, "application/pdf", form_receipt_name(q->a, case_no));
}

static void
staff_receipt(struct rq *q)
{
	if (rq_staff_may(q, ROLE_ADMIN | ROLE_CASEWORKER))
		form_receipt_send(q, http_param(q->http, "case"));
}

void
form_receipt_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/formulare/vorgaenge/:case/quittung.pdf",
		  staff_receipt, ROUTE_STAFF, 0);
}
