/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Original file names made safe to show and to offer in a download: the
 * name never becomes a path (files are stored by id), but it is shown to
 * staff and sent in Content-Disposition, so it must not carry a path, a
 * control character, a bidi override that makes "gpj.exe" read as
 * "exe.jpg", or a name Windows treats as a device.
 */
#include "files/files.h"

#include <string.h>

#define EXT_MAX 16 /* bytes of an extension kept when a long name is cut */

/*
 * Decode one UTF-8 character of s[0..n) into *cp; returns its length, or 0
 * when the bytes are not well-formed (overlong forms, surrogates and values
 * past U+10FFFF included).
 */
static size_t
utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters that are dropped: invisible, or they reorder what is shown. */
static bool
dropped(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xad || cp == 0x61c ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* Characters Windows forbids in names, and the path separators. */
static bool
replaced(unsigned cp)
{
	return cp < 0x80 && strchr("<>:\"/\\|?*", (int)cp) != NULL;
}

/* Start of the last path segment: clients on Windows send "C:\\x\\y.pdf". */
static size_t
last_segment(const char *in, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++)
		if (in[i] == '/' || in[i] == '\\')
			start = i + 1;
	return start;
}

/* Copy the characters of in[0..len) that are kept into out (up to `cap` bytes). */
static size_t
clean_chars(const char *in, size_t len, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0, i = 0;

	while (i < len && n < cap) {
		unsigned cp = 0;
		size_t k = utf8_next(s + i, len - i, &cp);

		if (k == 0) {
			out[n++] = '_';
			i++;
			continue;
		}
		if (dropped(cp)) {
			i += k;
			continue;
		}
		if (replaced(cp) || cp == '\t') {
			out[n++] = '_';
			i += k;
			continue;
		}
		if (n + k > cap)
			break;
		memcpy(out + n, in + i, k);
		n += k;
		i += k;
	}
	return n;
}

/* Strip leading dots and blanks and trailing dots and blanks in place. */
static size_t
trim_dots(char *s, size_t n)
{
	size_t start = 0;

	while (start < n && (s[start] == '.' || s[start] == ' '))
		start++;
	while (n > start && (s[n - 1] == '.' || s[n - 1] == ' '))
		n--;
	memmove(s, s + start, n - start);
	return n - start;
}

static bool
ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != b[i])
			return false;
	}
	return true;
}

/* CON, PRN, AUX, NUL, COM1..9, LPT1..9, also with an extension ("nul.txt"). */
static bool
windows_device(const char *s, size_t n)
{
	static const char *const names[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
	const char *dot = memchr(s, '.', n);
	size_t stem = dot ? (size_t)(dot - s) : n;

	while (stem > 0 && s[stem - 1] == ' ')
		stem--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ieq(s, stem, names[i]))
			return true;
	return stem == 4 && (ieq(s, 3, "COM") || ieq(s, 3, "LPT")) && s[3] >= '1' && s[3] <= '9';
}

/* Length of the longest prefix of s[0..n) that ends between characters and fits `max`. */
static size_t
cut_utf8(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Cut a long name to FILES_NAME_MAX, keeping a short extension. */
static size_t
fit(char *s, size_t n)
{
	const char *dot;
	size_t ext = 0, head;

	if (n <= FILES_NAME_MAX)
		return n;
	dot = memrchr(s, '.', n);
	if (dot && dot != s && (size_t)(s + n - dot) <= EXT_MAX)
		ext = (size_t)(s + n - dot);
	head = cut_utf8(s, n - ext, FILES_NAME_MAX - ext);
	memmove(s + head, s + n - ext, ext);
	return head + ext;
}

size_t
files_name_sanitize(const char *in, size_t len, char *out)
{
	/* Room for the cleaned name before it is cut: every input byte may stay. */
	char tmp[4 * FILES_NAME_MAX + 8];
	size_t start = in ? last_segment(in, len) : 0, n = 0, ext = 0;
	const char *seg = in ? in + start : "", *dot;

	len = in ? len - start : 0;
	/* The extension apart, so that a cut of a very long stem keeps it. */
	dot = len ? memrchr(seg, '.', len) : NULL;
	if (dot && dot != seg && (size_t)(seg + len - dot) <= EXT_MAX)
		ext = (size_t)(seg + len - dot);
	n = clean_chars(seg, len - ext, tmp + 1, sizeof(tmp) - 2 - ext);
	n += clean_chars(seg + len - ext, ext, tmp + 1 + n, ext);
	n = trim_dots(tmp + 1, n);
	if (n > 0 && windows_device(tmp + 1, n)) {
		tmp[0] = '_';
		n++;
	} else {
		memmove(tmp, tmp + 1, n);
	}
	n = fit(tmp, n);
	n = trim_dots(tmp, n);
	if (n == 0) {
		memcpy(out, FILES_FALLBACK_NAME, sizeof(FILES_FALLBACK_NAME));
		return sizeof(FILES_FALLBACK_NAME) - 1;
	}
	memcpy(out, tmp, n);
	out[n] = '\0';
	return n;
}

bool
files_id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n != FILES_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}
