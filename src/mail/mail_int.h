/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of src/mail share. */
#ifndef RATHAUS_MAIL_INT_H
#define RATHAUS_MAIL_INT_H

#include "mail/mail.h"

/* The delivery job's kind name. */
#define MAIL_JOB_KIND "mail.deliver"
/* A whole message is at most this large. */
/* (attachments as base64 take 4/3 of MAIL_ATTACH_MAX, plus line ends) */
#define MAIL_MAX_BYTES (16u << 20)

struct mailer {
	const struct config *cfg; /* borrowed */
	const struct view *view;  /* borrowed, may be NULL */
};

/* Send `message` from `from` to `to` through `smtp_url`.  *permanent: a 5xx answer. */
int mail_smtp_send(const char *smtp_url, const char *from, const char *to, const char *message,
		   bool *permanent, struct err *e) MUST_CHECK;

#endif
