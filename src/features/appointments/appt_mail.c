/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The confirmation of a booking: queued in the outbox inside the booking's
 * transaction, so there is a mail exactly when there is a booking.  It names
 * the type, the place and the time and links the booking's page, where the
 * holder finds the calendar file and can cancel.  The link carries the
 * cancel token: whoever has the mail holds the booking, as with the API's
 * answer.  A booking that is moved gets the same mail with the former and
 * the new time (appt_moved); both link the calendar file, whose UID stays
 * and whose SEQUENCE is the booking's revision, so calendars update the
 * event they have.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "core/log.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

/*
 * The booking's calendar file into `out` as an attachment of its mail, read
 * inside the booking's transaction: 0, or an error the mail goes without.
 */
static int
calendar_file(struct db *db, const struct appt_booking *b, struct rq *q, struct buf *out,
	      struct mail_attachment *att, struct err *e)
{
	struct appt_view v;
	struct appt_ics ev;
	int rc = appt_view_load(db, q->tenant, b->public_id,
				&(struct appt_holder){.token = b->token}, q->a, &v, e);

	if (rc)
		return rc;
	appt_ics_fill(q, b->public_id, &v, &ev);
	rc = appt_ics_render(&ev, out);
	if (rc == 0)
		*att = (struct mail_attachment){"termin.ics", "text/calendar", out->p, out->len};
	return rc;
}

/* Queue mail `tpl` for booking `b`; `old_start` is its former time when it was moved. */
static int
queue(struct db *db, const struct appt_booking *b, struct appt_mail *c, const char *tpl,
      int64_t old_start, struct err *e)
{
	struct rq *q = c->q;
	struct view_val *data;
	struct buf link, ics, file;
	struct mail_attachment att;
	struct mail m;
	int rc;

	if (!q->app->mail || !c->to || !mail_addr_valid(c->to))
		return 0;
	buf_init(&link, 4096);
	buf_init(&ics, 4096);
	rc = mail_link(q->app->mail, q->tenant,
		       arena_printf(q->a, "/termin/%s?token=%s", b->public_id, b->token), &link);
	if (rc == 0)
		rc = mail_link(q->app->mail, q->tenant,
			       arena_printf(q->a, "/api/v1/appointments/%s/calendar.ics?token=%s",
					    b->public_id, b->token),
			       &ics);
	data = view_map(q->a);
	view_set_text(data, "type", b->type->name);
	view_set_text(data, "location", b->loc->name);
	view_set_text(data, "when", appt_web_when(q, b->starts_at));
	if (old_start)
		view_set_text(data, "old_when", appt_web_when(q, old_start));
	if (b->confirm_by)
		view_set_text(data, "until", appt_web_when(q, b->confirm_by));
	view_set_text(data, "booking_link", arena_strdup(q->a, link.p));
	view_set_text(data, "calendar_link", arena_strdup(q->a, ics.p));
	buf_release(&link);
	buf_release(&ics);
	if (rc == 0)
		rc = mail_compose(q->app->mail, q->tenant, tpl, q->lang, data, c->to, q->a, &m, e);
	buf_init(&file, 64 * 1024);
	if (rc == 0 && !b->confirm_by) { /* a reserved one: the file is on its page */
		if (calendar_file(db, b, q, &file, &att, e) == 0) {
			m.attachments = &att;
			m.n_attachments = 1;
		} else {
			log_warn("rid=%s booking mail without its calendar file: %s", q->http->id,
				 e->detail);
		}
	}
	if (rc == 0)
		rc = mail_queue(q->app->mail, db, q->tenant, &m, NULL, e);
	buf_release(&file);
	if (rc == ERR_INVALID) { /* an address our check took and the mailer does not */
		log_warn("rid=%s booking mail not queued: %s", q->http->id, e->detail);
		return 0;
	}
	c->queued = rc == 0;
	return rc;
}

int
appt_mail_booked(struct db *db, const struct appt_booking *b, void *cls, struct err *e)
{
	return queue(db, b, cls, b->confirm_by ? "appt_confirm" : "appt_booked", 0, e);
}

int
appt_mail_moved(struct db *db, const struct appt_booking *b, void *cls, struct err *e)
{
	struct appt_mail *c = cls;

	return queue(db, b, c, "appt_moved", c->old_start, e);
}

/*
 * A waiting-list mail `tpl` in language `lang`: the day, type and location,
 * the week of that day and the link that leaves the list.
 */
static int
queue_wait(struct db *db, struct appt_mail *c, const char *tpl, const char *lang,
	   const struct appt_offer *o, struct err *e)
{
	struct rq *q = c->q;
	struct view_val *data = view_map(q->a);
	struct buf week, leave;
	struct mail m;
	int rc;

	if (!q->app->mail || !mail_addr_valid(o->email))
		return 0;
	buf_init(&week, 4096);
	buf_init(&leave, 4096);
	rc = mail_link(q->app->mail, q->tenant,
		       arena_printf(q->a, "%s?ab=%s",
				    appt_web_week_path(q, o->type_slug, o->office_slug),
				    appt_web_date(q, o->day)),
		       &week);
	if (rc == 0)
		rc = mail_link(q->app->mail, q->tenant,
			       arena_printf(q->a, "%s/warteliste/verlassen?token=%s",
					    appt_web_week_path(q, o->type_slug, o->office_slug),
					    o->token),
			       &leave);
	view_set_text(data, "type", o->type_name);
	view_set_text(data, "location", o->office_name);
	view_set_text(data, "day", appt_day_label(q->app->view, lang, q->a, o->day));
	view_set_text(data, "week_link", arena_strdup(q->a, week.p));
	view_set_text(data, "leave_link", arena_strdup(q->a, leave.p));
	buf_release(&week);
	buf_release(&leave);
	if (rc == 0)
		rc = mail_compose(q->app->mail, q->tenant, tpl, lang, data, o->email, q->a, &m, e);
	if (rc == 0)
		rc = mail_queue(q->app->mail, db, q->tenant, &m, NULL, e);
	if (rc == ERR_INVALID || rc == ERR_TOOBIG) {
		log_warn("rid=%s waiting-list mail not queued: %s", q->http->id, e->detail);
		return 0;
	}
	c->queued |= rc == 0;
	return rc;
}

int
appt_mail_offer(struct db *db, const struct appt_offer *o, void *cls, struct err *e)
{
	return queue_wait(db, cls, "appt_offer", o->lang, o, e);
}

int
appt_mail_waiting(struct db *db, const struct appt_offer *o, void *cls, struct err *e)
{
	struct appt_mail *c = cls;

	return queue_wait(db, c, "appt_waiting", c->q->lang, o, e);
}

void
appt_mail_sent(const struct appt_mail *m)
{
	if (m->queued && m->q->app->jobs)
		jobs_nudge(m->q->app->jobs);
}
