/* SPDX-License-Identifier: EUPL-1.2 */
/* Page helpers that several features share (rq_page.h). */
#include "app/rq_page.h"

#include "auth/auth.h"

bool
rq_staff_may(struct rq *q, unsigned roles)
{
	if (q->user && (q->user->roles & roles))
		return true;
	rq_error(q, 403, NULL);
	return false;
}

void
rq_staff_crumbs(struct rq *q, const char *section_key, const char *section_path, const char *here)
{
	rq_crumb(q, rq_msg(q, "staff.title"), "/verwaltung");
	rq_crumb(q, rq_msg(q, section_key), here ? section_path : NULL);
	if (here)
		rq_crumb(q, here, NULL);
}

void
rq_download(struct rq *q, int rc, const char *type, const char *filename)
{
	if (rc) {
		buf_reset(&q->resp->body);
		rq_fail(q, rc);
		return;
	}
	q->resp->content_type = type;
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	http_resp_header(q->http, q->resp, "Content-Disposition",
			 arena_printf(q->a, "attachment; filename=\"%s\"", filename));
}

const char *
rq_mail_token(struct rq *q, const char *error_key)
{
	const char *tok = http_query(q->http, "token");
	struct session *s;
	int rc;

	if (!auth_token_ok(tok)) {
		rq_error(q, 404, error_key);
		return NULL;
	}
	rc = rq_session(q, true, &s);
	if (rc) {
		rq_fail(q, rc);
		return NULL;
	}
	return tok;
}
