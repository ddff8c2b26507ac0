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

void
form_receipt_send(struct rq *q, const char *case_no)
{
	struct form_text x = {q->a, q->app->view, q->lang};
	struct buf pdf;
	int rc;

	buf_init(&pdf, FORM_RECEIPT_MAX);
	rc = form_receipt_case(q->db, &x, q->tenant, case_no, &pdf, &q->err);
	if (rc) {
		buf_release(&pdf);
		rq_fail(q, rc);
		return;
	}
	buf_reset(&q->resp->body);
	rc = buf_add(&q->resp->body, pdf.p, pdf.len);
	buf_release(&pdf);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	q->resp->content_type = "application/pdf";
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	http_resp_header(q->http, q->resp, "Content-Disposition",
			 arena_printf(q->a, "attachment; filename=\"%s\"",
				      form_receipt_name(q->a, case_no)));
}

static void
staff_receipt(struct rq *q)
{
	if (!q->user || !(q->user->roles & (ROLE_ADMIN | ROLE_CASEWORKER))) {
		rq_error(q, 403, NULL);
		return;
	}
	form_receipt_send(q, http_param(q->http, "case"));
}

void
form_receipt_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/formulare/vorgaenge/:case/quittung.pdf",
		  staff_receipt, ROUTE_STAFF, 0);
}
