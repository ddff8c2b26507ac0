/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * mail: outgoing mail through an outbox.  A mail is written to the table
 * `mail_outbox` as a complete RFC 5322 message in the transaction of the
 * change that causes it, with a 'mail.deliver' job (jobs.h) that sends it
 * over SMTP with libcurl and tries again with backoff when the relay fails.
 * Without `smtp_url` the delivery kind is not registered: mails stay
 * queued, and nothing else fails.
 *
 * Delivery is at least once: a mail is sent again only when the relay's
 * answer to the message was lost (a dropped connection, or a crash between
 * the relay's "250" and the outbox update); it keeps its Message-ID then.
 *
 * Links in mails are absolute and come from configuration (mail_link()),
 * never from a request's Host header.
 *
 * mail uses core, db, view, tenant and jobs; it knows nothing of HTTP.
 */
#ifndef RATHAUS_MAIL_H
#define RATHAUS_MAIL_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"

#include <stdbool.h>
#include <stdint.h>

struct db;
struct jobs;
struct tenant;
struct view;
struct view_val;

/* Attachments of one mail together hold at most this many bytes. */
#define MAIL_ATTACH_MAX (10u << 20)
/* A mail has at most this many attachments. */
#define MAIL_ATTACH_COUNT_MAX 10

/* A file sent with a mail, as a base64 part of multipart/mixed (RFC 2046). */
struct mail_attachment {
	const char *name; /* file name, UTF-8 without control characters or '/' */
	const char *type; /* MIME type "type/subtype", e.g. "application/pdf" */
	const void *data; /* the bytes; borrowed */
	size_t len;
};

/* One mail to one recipient; text is UTF-8. */
struct mail {
	const char *to;	     /* local@domain, ASCII */
	const char *subject; /* one line */
	const char *text;    /* the plain-text body */
	const char *html;    /* the HTML alternative, or NULL */
	/*
	 * An absolute https (or http) URL that unsubscribes the recipient with
	 * one POST, or NULL: sent as List-Unsubscribe with
	 * List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058).
	 */
	const char *unsubscribe;
	/* Files sent along (borrowed), or NULL; at most MAIL_ATTACH_COUNT_MAX. */
	const struct mail_attachment *attachments;
	size_t n_attachments;
};

/* The installation's mail settings and templates.  Opaque. */
struct mailer;

/*
 * `cfg` (smtp_url, mail_from, public_url, listen) and `v` (templates below
 * templates/mail/, may be NULL when nothing is composed) are borrowed for
 * the mailer's life.  Caller frees with mail_free(); NULL is a no-op there.
 */
struct mailer *mail_new(const struct config *cfg, const struct view *v);
void mail_free(struct mailer *m);

/*
 * Add the delivery job kind to `j`, unless smtp_url is unset (then mails
 * stay queued), and the daily deletion of mails sent more than 30 days ago.
 */
void mail_register(struct mailer *m, struct jobs *j);

/*
 * Render mail `tpl` for `to`: the HTML part from template "mail/<tpl>"
 * (escaped as every page), the text part from "mail/<tpl>.text" (rendered
 * the same way, then the escapes undone and control characters dropped:
 * plain text is never read as markup), the subject from message
 * "mail.<tpl>.subject".  `data` gets "tenant" (the name), "link" (the
 * tenant's absolute home URL) and "lang".  *out lives in arena `a`.  Returns 0,
 * ERR_NOTFOUND (no such template), ERR_INTERNAL (no templates loaded) or
 * ERR_TOOBIG.
 */
int mail_compose(const struct mailer *m, const struct tenant *t, const char *tpl, const char *lang,
		 struct view_val *data, const char *to, struct arena *a, struct mail *out,
		 struct err *e) MUST_CHECK;

/*
 * Put `mail` from tenant `t` (NULL: the installation) into the outbox with
 * its delivery job, on the caller's connection: inside the caller's
 * transaction both exist only if it commits (call it inside one).  Wake the
 * worker with jobs_nudge() after the commit to send at once.  *id (may be
 * NULL) is the outbox row.  Attachments are part of the stored message, so
 * they live and go with the outbox row.  Returns 0, ERR_INVALID with user
 * key "mail.invalid" (bad address, CR or LF in a header value, malformed
 * UTF-8, a bad attachment name or type), ERR_TOOBIG (past MAIL_ATTACH_MAX or
 * MAIL_ATTACH_COUNT_MAX) or ERR_DB.
 */
int mail_queue(const struct mailer *m, struct db *db, const struct tenant *t,
	       const struct mail *mail, int64_t *id, struct err *e) MUST_CHECK;

/*
 * The sender address of mail from tenant `t`: the tenant's setting
 * mail_from, else the installation's.  Borrowed.
 */
const char *mail_sender(const struct mailer *m, const struct tenant *t);

/*
 * Append the absolute URL of `path` ("/...") of tenant `t` (NULL: the
 * installation root) to `out`: https://<the tenant's own domain><path>
 * (the scheme of public_url if that is set), else public_url (or
 * http://<listen>) + "/t/<slug>" + path.  Returns 0 or ERR_TOOBIG.
 */
int mail_link(const struct mailer *m, const struct tenant *t, const char *path, struct buf *out);

/* True for an address local@domain we send to: ASCII, no spaces, quotes or brackets. */
bool mail_addr_valid(const char *addr);

/* A message as it is built (mail_mime.c); every field is required except html. */
struct mail_msg {
	const char *from_name; /* display name of the sender, UTF-8 */
	const char *from, *to; /* addresses */
	const char *subject, *text, *html;
	int64_t date;		 /* Unix seconds */
	const char *message_id;	 /* "<...@domain>" */
	const char *boundary;	 /* [0-9a-z=_]{1,60}, not in the parts */
	const char *unsubscribe; /* one-click unsubscribe URL (RFC 8058), or NULL */
	const struct mail_attachment *attachments; /* or NULL */
	size_t n_attachments;
};

/*
 * Append `msg` as a MIME message (CRLF lines; multipart/alternative when it
 * has html, else text/plain; UTF-8 bodies in base64; RFC 2047 subject and
 * sender name) to `out`.  With attachments the message is multipart/mixed:
 * that body first, then each file as a base64 part with its name in
 * RFC 2231 form (filename*=UTF-8''...) and an ASCII fallback.  Returns 0,
 * ERR_INVALID ("mail.invalid": a bad address, a control character in a
 * header value, malformed UTF-8, a bad attachment name or type) or
 * ERR_TOOBIG (the attachments' limits, or `out`'s).  On error `out` may
 * hold part of the message.
 */
int mail_mime_build(const struct mail_msg *msg, struct buf *out, struct err *e) MUST_CHECK;

#endif
