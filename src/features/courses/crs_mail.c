/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The mails of a booking, queued in the outbox inside the booking's or
 * cancellation's transaction: a confirmation (booked or on the waiting
 * list) with the booking's link, which carries the secret cancel token, and
 * a notice when a waiting booking moved up.  That notice has no link: the
 * token is kept only hashed, and the first mail's link stays valid.
 */
#include "features/courses/crs_int.h"

#include "app/app.h"
#include "core/log.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

int
crs_mail_hook(struct db *db, const struct crs_course *c, const struct crs_booking *b, bool promoted,
	      void *cls, struct err *e)
{
	struct crs_mail *cm = cls;
	struct rq *q = cm->q;
	const char *tpl = promoted     ? "course_promoted"
			  : b->waiting ? "course_waiting"
				       : "course_booked";
	struct view_val *data;
	struct mail m;
	int rc = 0;

	if (!q->app->mail || !mail_addr_valid(b->email))
		return 0;
	data = view_map(q->a);
	view_set_text(data, "course", c->title);
	view_set_text(data, "when", crs_when(q, c->first_starts_at));
	view_set_int(data, "places", b->places);
	if (b->token) {
		struct buf link;

		buf_init(&link, 4096);
		rc = mail_link(q->app->mail, q->tenant,
			       arena_printf(q->a, "/kurse/%s/buchung/%s?token=%s", c->slug,
					    b->public_id, b->token),
			       &link);
		view_set_text(data, "booking_link", arena_strdup(q->a, link.p));
		buf_release(&link);
	}
	if (rc == 0)
		rc = mail_compose(q->app->mail, q->tenant, tpl, q->lang, data, b->email, q->a, &m,
				  e);
	if (rc == 0)
		rc = mail_queue(q->app->mail, db, q->tenant, &m, NULL, e);
	if (rc == ERR_INVALID) { /* an address our check took and the mailer does not */
		log_warn("rid=%s course mail not queued: %s", q->http->id, e->detail);
		return 0;
	}
	cm->queued = cm->queued || rc == 0;
	return rc;
}

void
crs_mail_sent(const struct crs_mail *m)
{
	if (m->queued && m->q->app->jobs)
		jobs_nudge(m->q->app->jobs);
}
