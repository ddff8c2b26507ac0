/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz what the account feature reads from outside: the address and the
 * password of a form, and a password list.  The rules may refuse anything,
 * but an accepted address is lower case and one the mailer takes, and the
 * check of a password never reads past it.
 */
#include "features/account/account.h"

#include "mail/mail.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char LIST[] = "password1\nqwertyuiop\nIloveyou\n\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[ACCT_EMAIL_MAX + 1];
	struct acct_pwlist *l = acct_pwlist_parse(LIST, sizeof(LIST) - 1), *own;
	const char *why;

	memcpy(s, data, size);
	s[size] = '\0';
	if (acct_email_norm(s, out, sizeof(out))) {
		if (!mail_addr_valid(out) || strlen(out) > ACCT_EMAIL_MAX)
			__builtin_trap();
		for (const char *p = out; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				__builtin_trap();
	}
	why = acct_password_check(l, s, s);
	if (why && strncmp(why, "account.pw_", 11) != 0)
		__builtin_trap();
	if (!why && strlen(s) < ACCT_PW_MIN)
		__builtin_trap();
	own = acct_pwlist_parse((const char *)data, size);
	if (acct_pwlist_count(own) > size)
		__builtin_trap();
	(void)acct_password_check(own, "ein langer satz", NULL);
	acct_pwlist_free(own);
	acct_pwlist_free(l);
	free(s);
	return 0;
}
