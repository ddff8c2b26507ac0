/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Building a MIME message (RFC 5322, 2045-2047) from checked parts.  Header
 * values are refused when they hold a control character, so no input can
 * add a header; bodies are base64, so no body line can end the message or
 * exceed a line limit, and the boundary (with "=_", which base64 never
 * holds) cannot occur in a part.
 */
#include "mail/mail.h"

#include "core/str.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* RFC 5321 4.5.3.1: 64 octets of local part, 254 of path without brackets. */
#define MAIL_LOCAL_MAX 64
#define MAIL_ADDR_MAX 254
/*
 * RFC 2047 2: an encoded word is at most 75 characters.  39 bytes make 52 of
 * base64, a word of 64, so "Subject: " and the first word fit RFC 5322's 78.
 */
#define WORD_BYTES 39
/* RFC 2045 6.8: base64 lines of at most 76 characters; 57 bytes make 76. */
#define B64_LINE_BYTES 57

static const char LOCAL_CHARS[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				  "!#$%&'*+/=?^_`{|}~.-";
static const char PHRASE_CHARS[] =
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -";

static bool
domain_valid(const char *d)
{
	size_t label = 0;

	if (!*d)
		return false;
	for (const char *p = d;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-' || *(p - label) == '-')
				return false;
			if (*p == '\0')
				return true;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '-') {
			label++;
		} else {
			return false;
		}
	}
}

bool
mail_addr_valid(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	size_t local;

	if (!at || strlen(addr) > MAIL_ADDR_MAX)
		return false;
	local = (size_t)(at - addr);
	if (local == 0 || local > MAIL_LOCAL_MAX || addr[0] == '.' || at[-1] == '.')
		return false;
	for (size_t i = 0; i < local; i++)
		if (!strchr(LOCAL_CHARS, addr[i]) || (addr[i] == '.' && addr[i + 1] == '.'))
			return false;
	return domain_valid(at + 1);
}

/* UTF-8 without control characters: fit for a header value. */
static bool
header_text_valid(const char *s)
{
	if (!str_valid_utf8(str_c(s)))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool
plain_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return strstr(s, "=?") == NULL;
}

static void
add_base64(struct buf *out, const unsigned char *p, size_t n)
{
	char b64[sodium_base64_ENCODED_LEN(B64_LINE_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof(b64), p, n, sodium_base64_VARIANT_ORIGINAL);
	(void)buf_adds(out, b64);
}

/*
 * RFC 2047 encoded words of `s`, cut between characters, folded onto
 * continuation lines.  Plain ASCII stays as it is when short (a display
 * name, `phrase`, only when it is letters, digits, spaces and hyphens).
 */
static void
add_encoded(struct buf *out, const char *s, bool phrase)
{
	size_t n = strlen(s), at = 0;
	/* A display name stays plain only without RFC 5322 specials such as , < " ( */
	bool plain = phrase ? strspn(s, PHRASE_CHARS) == n : plain_ascii(s);

	if (plain && n > 0 && n <= 70) {
		(void)buf_adds(out, s);
		return;
	}
	while (at < n) {
		size_t k = n - at < WORD_BYTES ? n - at : WORD_BYTES;

		/* Do not split a UTF-8 sequence: back up to the start of one. */
		while (at + k < n && k > 0 && ((unsigned char)s[at + k] & 0xc0) == 0x80)
			k--;
		if (at)
			(void)buf_adds(out, "\r\n ");
		(void)buf_adds(out, "=?UTF-8?B?");
		add_base64(out, (const unsigned char *)s + at, k);
		(void)buf_adds(out, "?=");
		at += k;
	}
}

/* RFC 5322 3.3, in English whatever the locale. */
static void
add_date(struct buf *out, int64_t t)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	(void)buf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
		       tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		       tm.tm_sec);
}

/*
 * A body as base64 of its CRLF form: LF becomes CRLF, a CR alone and other
 * control characters but TAB are dropped.
 */
static void
add_body(struct buf *out, const char *s)
{
	unsigned char chunk[B64_LINE_BYTES];
	size_t k = 0;

	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		bool end = *p == '\0';

		if (!end && *p == '\n') {
			chunk[k++] = '\r';
			if (k == B64_LINE_BYTES) {
				add_base64(out, chunk, k);
				(void)buf_adds(out, "\r\n");
				k = 0;
			}
			chunk[k++] = '\n';
		} else if (!end && (*p >= 0x20 || *p == '\t') && *p != 0x7f) {
			chunk[k++] = *p;
		}
		if (k == B64_LINE_BYTES || (end && k)) {
			add_base64(out, chunk, k);
			(void)buf_adds(out, "\r\n");
			k = 0;
		}
		if (end)
			return;
	}
}

static void
add_part(struct buf *out, const char *boundary, const char *type, const char *body)
{
	if (boundary)
		(void)buf_addf(out, "--%s\r\n", boundary);
	(void)buf_addf(out,
		       "Content-Type: %s; charset=UTF-8\r\n"
		       "Content-Transfer-Encoding: base64\r\n\r\n",
		       type);
	add_body(out, body);
}

static bool
token_valid(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz=_") == n;
}

/* An http(s) URL of visible ASCII without '<', '>' or blanks, fit for List-Unsubscribe. */
static bool
unsubscribe_valid(const char *s)
{
	size_t n = strlen(s);

	if (n > 900 || (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0))
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>' || *p == '"')
			return false;
	return true;
}

/* RFC 2045 5.1: "type/subtype" of token characters (a safe subset). */
static bool
type_valid(const char *s)
{
	static const char tok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				  ".+-_";
	size_t a = strspn(s, tok);

	return a > 0 && s[a] == '/' && strspn(s + a + 1, tok) > 0 &&
	       s[a + 1 + strspn(s + a + 1, tok)] == '\0' && strlen(s) <= 100;
}

static int
check_attachments(const struct mail_msg *m, struct err *e)
{
	size_t total = 0;

	if (m->n_attachments > MAIL_ATTACH_COUNT_MAX)
		return err_set(e, ERR_TOOBIG, "mail.invalid", "more than %d attachments",
			       MAIL_ATTACH_COUNT_MAX);
	for (size_t i = 0; i < m->n_attachments; i++) {
		const struct mail_attachment *at = &m->attachments[i];

		if (!at->name || !at->name[0] || strlen(at->name) > 200 ||
		    !header_text_valid(at->name) || strpbrk(at->name, "/\\") || !at->type ||
		    !type_valid(at->type) || (!at->data && at->len))
			return err_set(e, ERR_INVALID, "mail.invalid",
				       "attachment %zu has a bad name or type", i);
		total += at->len;
		if (total > MAIL_ATTACH_MAX)
			return err_set(e, ERR_TOOBIG, "mail.invalid",
				       "attachments larger than %u bytes", MAIL_ATTACH_MAX);
	}
	return 0;
}

static int
check(const struct mail_msg *m, struct err *e)
{
	if (!mail_addr_valid(m->from) || !mail_addr_valid(m->to))
		return err_set(e, ERR_INVALID, "mail.invalid", "mail address '%s' or '%s' refused",
			       m->from ? m->from : "", m->to ? m->to : "");
	if (!m->subject || !header_text_valid(m->subject) || !m->from_name ||
	    !header_text_valid(m->from_name))
		return err_set(e, ERR_INVALID, "mail.invalid",
			       "mail subject or sender name has a control character or bad UTF-8");
	if (!m->text || !str_valid_utf8(str_c(m->text)) ||
	    (m->html && !str_valid_utf8(str_c(m->html))))
		return err_set(e, ERR_INVALID, "mail.invalid", "mail body is not UTF-8");
	if (!m->message_id || !header_text_valid(m->message_id) || !plain_ascii(m->message_id) ||
	    !m->boundary || !token_valid(m->boundary, 60))
		return err_set(e, ERR_INVALID, "mail.invalid", "bad Message-ID or boundary");
	if (m->unsubscribe && !unsubscribe_valid(m->unsubscribe))
		return err_set(e, ERR_INVALID, "mail.invalid", "bad unsubscribe URL");
	return check_attachments(m, e);
}

/* The text (and html) body: one part, or multipart/alternative under `boundary`. */
static void
add_text_body(struct buf *out, const struct mail_msg *m, const char *boundary)
{
	if (m->html) {
		(void)buf_addf(out,
			       "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n"
			       "This is a message in MIME format.\r\n",
			       boundary);
		add_part(out, boundary, "text/plain", m->text);
		add_part(out, boundary, "text/html", m->html);
		(void)buf_addf(out, "--%s--\r\n", boundary);
	} else {
		add_part(out, NULL, "text/plain", m->text);
	}
}

/*
 * The file name as a quoted ASCII fallback ('_' for what is not plain
 * ASCII, at most 60 characters), then in RFC 2231 form: UTF-8,
 * percent-encoded, in continuations of at most 18 bytes so that every line
 * stays short.
 */
static void
add_filename(struct buf *out, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				   ".-_";
	size_t n = strlen(name);

	(void)buf_adds(out, "Content-Disposition: attachment;\r\n filename=\"");
	for (size_t i = 0; i < n && i < 60; i++)
		if (((unsigned char)name[i] & 0xc0) != 0x80) /* one '_' per character */
			(void)buf_addc(out,
				       strchr(keep, name[i]) || name[i] == ' ' ? name[i] : '_');
	(void)buf_adds(out, "\"");
	for (size_t i = 0, part = 0; i < n; i += 18, part++) {
		(void)buf_addf(out, ";\r\n filename*%zu*=%s", part, part ? "" : "UTF-8''");
		for (size_t k = i; k < n && k < i + 18; k++) {
			unsigned char c = (unsigned char)name[k];

			if (strchr(keep, c))
				(void)buf_addc(out, (char)c);
			else
				(void)buf_addf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
		}
	}
	(void)buf_adds(out, "\r\n");
}

static void
add_attachment(struct buf *out, const char *boundary, const struct mail_attachment *at)
{
	const unsigned char *p = at->data;

	(void)buf_addf(out, "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\n",
		       boundary, at->type);
	add_filename(out, at->name);
	(void)buf_adds(out, "\r\n");
	for (size_t i = 0; i < at->len && !out->toobig; i += B64_LINE_BYTES) {
		add_base64(out, p + i, at->len - i < B64_LINE_BYTES ? at->len - i : B64_LINE_BYTES);
		(void)buf_adds(out, "\r\n");
	}
}

int
mail_mime_build(const struct mail_msg *m, struct buf *out, struct err *e)
{
	int rc = check(m, e);

	if (rc)
		return rc;
	(void)buf_adds(out, "From: ");
	add_encoded(out, m->from_name, true);
	(void)buf_addf(out, " <%s>\r\nTo: <%s>\r\nSubject: ", m->from, m->to);
	add_encoded(out, m->subject, false);
	(void)buf_adds(out, "\r\n");
	add_date(out, m->date);
	(void)buf_addf(out,
		       "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
		       "Auto-Submitted: auto-generated\r\n",
		       m->message_id);
	if (m->unsubscribe) /* RFC 2369 and RFC 8058 */
		(void)buf_addf(out,
			       "List-Unsubscribe: <%s>\r\n"
			       "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
			       m->unsubscribe);
	if (m->n_attachments) {
		/* "=_mix" + the boundary: neither boundary is a prefix of the other */
		char mixed[80];

		snprintf(mixed, sizeof(mixed), "=_mix%s", m->boundary);
		(void)buf_addf(out,
			       "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n"
			       "This is a message in MIME format.\r\n--%s\r\n",
			       mixed, mixed);
		add_text_body(out, m, m->boundary);
		for (size_t i = 0; i < m->n_attachments; i++)
			add_attachment(out, mixed, &m->attachments[i]);
		(void)buf_addf(out, "--%s--\r\n", mixed);
	} else {
		add_text_body(out, m, m->boundary);
	}
	if (out->toobig)
		return err_set(e, ERR_TOOBIG, "mail.invalid", "mail larger than %zu bytes",
			       out->max);
	return 0;
}
