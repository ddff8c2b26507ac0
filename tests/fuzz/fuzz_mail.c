/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the mail builder with outside text in every field: the input is
 * split at NUL bytes into recipient, sender name, subject, text, HTML and
 * the one-click unsubscribe URL.
 * A message that is built must keep its shape: CRLF lines only, each within
 * RFC 5322's 998 characters, and exactly the headers we wrote.
 */
#include "mail/mail.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS 6

static void
check_message(const char *s, int extra)
{
	const char *line = s, *body = strstr(s, "\r\n\r\n");
	int headers = 0;

	if (!body)
		__builtin_trap();
	for (const char *p = s; *p; p++) {
		if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
			__builtin_trap(); /* a bare CR or LF */
		if (*p != '\r')
			continue;
		if (p - line > 998)
			__builtin_trap();
		/* A header line starts with a letter, a continuation with a space: 8 with html,
		 * else 9, and two for an unsubscribe URL. */
		if (line < body && line[0] != ' ')
			headers++;
		line = p + 2;
		p++;
	}
	if (headers - extra != 8 && headers - extra != 9)
		__builtin_trap(); /* someone added a header */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *f[FIELDS];
	size_t at = 0;
	struct buf b;
	struct err e = {0};

	memcpy(copy, data, size);
	copy[size] = '\0';
	for (int i = 0; i < FIELDS; i++) {
		f[i] = copy + (at <= size ? at : size);
		at += strlen(f[i]) + 1;
	}
	struct mail_msg m = {
		.from_name = f[1],
		.from = "rathaus@example.de",
		.to = f[0],
		.subject = f[2],
		.text = f[3],
		.html = *f[4] ? f[4] : NULL,
		.date = 1796319029,
		.message_id = "<x.1@example.de>",
		.boundary = "=_fuzz",
		.unsubscribe = *f[5] ? f[5] : NULL,
	};
	buf_init(&b, 1 << 20);
	if (mail_mime_build(&m, &b, &e) == 0)
		check_message(b.p, m.unsubscribe ? 2 : 0);
	(void)mail_addr_valid(f[0]);
	buf_release(&b);
	free(copy);
	return 0;
}
