/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Password rules after NIST SP 800-63B 5.1.1.2: at least 8 characters, up to
 * 128 (more than the 64 the guideline asks to allow), any characters, no
 * composition rules, but not one of the common and breached passwords of the
 * bundled list (data/passwords/, SecLists), not one character repeated, and
 * not the address itself.  Passwords are compared with the list in lower
 * case, so "Password1" is as common as "password1".
 */
#include "features/account/account.h"

#include "core/str.h"
#include "core/xalloc.h"
#include "mail/mail.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct acct_pwlist {
	char *text;   /* the lines, lower case, NUL-terminated */
	char **words; /* sorted */
	size_t n;
};

static void
lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

static int
cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct acct_pwlist *
acct_pwlist_parse(const char *text, size_t n)
{
	struct acct_pwlist *l = xcalloc(1, sizeof(*l));
	size_t cap = 1;
	char *p;

	l->text = xmalloc(n + 1);
	memcpy(l->text, text, n);
	l->text[n] = '\0';
	for (size_t i = 0; i < n; i++)
		cap += l->text[i] == '\n';
	l->words = xcalloc(cap, sizeof(char *));
	for (p = l->text; p && *p && l->n < cap;) {
		char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);

		*end = '\0';
		if (end > p && end[-1] == '\r')
			end[-1] = '\0';
		lower_ascii(p);
		if (*p)
			l->words[l->n++] = p;
		p = nl ? nl + 1 : NULL;
	}
	qsort(l->words, l->n, sizeof(char *), cmp_words);
	return l;
}

int
acct_pwlist_load(const char *path, struct acct_pwlist **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	size_t got;

	if (!f)
		return err_set(e, ERR_IO, NULL, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 64L << 20 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return err_set(e, ERR_INVALID, NULL, "%s: unreadable or over 64 MiB", path);
	}
	buf = xmalloc((size_t)n + 1);
	got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	if (got != (size_t)n) {
		free(buf);
		return err_set(e, ERR_IO, NULL, "%s: short read", path);
	}
	*out = acct_pwlist_parse(buf, got);
	free(buf);
	return 0;
}

size_t
acct_pwlist_count(const struct acct_pwlist *l)
{
	return l ? l->n : 0;
}

void
acct_pwlist_free(struct acct_pwlist *l)
{
	if (!l)
		return;
	free(l->words);
	free(l->text);
	free(l);
}

static bool
listed(const struct acct_pwlist *l, const char *lower)
{
	return l && l->n && bsearch(&lower, l->words, l->n, sizeof(char *), cmp_words) != NULL;
}

static bool
one_char_repeated(const char *s)
{
	size_t first = 1;

	while (s[first] && ((unsigned char)s[first] & 0xc0) == 0x80)
		first++;
	for (size_t i = first; s[i]; i++)
		if (s[i] != s[i % first])
			return false;
	return strlen(s) % first == 0;
}

/* True when `lower` is the address or its local part (both lower case). */
static bool
is_address(const char *lower, const char *email)
{
	char addr[ACCT_EMAIL_MAX + 1];
	char *at;

	if (!email || !acct_email_norm(email, addr, sizeof(addr)))
		return false;
	if (strcmp(lower, addr) == 0)
		return true;
	at = strchr(addr, '@');
	*at = '\0';
	return strcmp(lower, addr) == 0;
}

const char *
acct_password_check(const struct acct_pwlist *l, const char *pw, const char *email)
{
	size_t n;
	char lower[ACCT_PW_MAX * 4 + 1];
	bool bad;

	if (!pw || !pw[0])
		return "account.pw_missing";
	if (strlen(pw) > ACCT_PW_MAX * 4 || !str_valid_text(str_c(pw)))
		return strlen(pw) > ACCT_PW_MAX * 4 ? "account.pw_long" : "account.pw_text";
	n = str_utf8_chars(pw);
	if (n < ACCT_PW_MIN)
		return "account.pw_short";
	if (n > ACCT_PW_MAX)
		return "account.pw_long";
	snprintf(lower, sizeof(lower), "%s", pw);
	lower_ascii(lower);
	bad = listed(l, lower) || one_char_repeated(lower) || is_address(lower, email);
	return bad ? "account.pw_common" : NULL;
}

bool
acct_email_norm(const char *in, char *out, size_t n)
{
	struct str s = str_trim(str_c(in ? in : ""));

	if (s.len == 0 || s.len > ACCT_EMAIL_MAX || s.len + 1 > n)
		return false;
	memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	lower_ascii(out);
	return mail_addr_valid(out);
}
