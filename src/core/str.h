/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * str: a borrowed, length-carrying view of bytes (h2o_iovec_t, curl's Curl_str).
 * A str never owns its bytes and need not be NUL-terminated; whoever made it
 * says how long the bytes live.  Parsers return views into their input.
 */
#ifndef RATHAUS_STR_H
#define RATHAUS_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
	const char *p; /* the bytes; may be NULL only when len is 0 */
	size_t len;
};

/* A view of a string literal. */
#define STR(lit) ((struct str){(lit), sizeof(lit) - 1})
#define STR_NULL ((struct str){NULL, 0})

/* A view of the NUL-terminated `s` (NULL gives the empty view). */
struct str str_c(const char *s);

bool str_eq(struct str a, struct str b);
bool str_eq_c(struct str a, const char *b);
/* ASCII case-insensitive comparison. */
bool str_ieq_c(struct str a, const char *b);
bool str_starts(struct str s, const char *prefix);
bool str_ends(struct str s, const char *suffix);

/* Without leading and trailing ASCII white space. */
struct str str_trim(struct str s);

/*
 * Split `s` at the first `sep`: *head gets the part before it, the result is
 * the part after it.  Without `sep`, *head is all of s and the result is empty
 * with p == NULL, so a loop stops on !rest.p.
 */
struct str str_cut(struct str s, char sep, struct str *head);

/*
 * Parse all of `s` as a decimal integer in [min, max].  Returns 0 or
 * ERR_INVALID (empty, junk, sign where min >= 0, out of range).
 */
int str_to_int64(struct str s, int64_t min, int64_t max, int64_t *out);

/* True when `s` is well-formed UTF-8 without NUL and other C0 controls but TAB, CR, LF. */
bool str_valid_text(struct str s);

/* True when `s` is well-formed UTF-8 without any control character (C0 or DEL): one line. */
bool str_valid_line(struct str s);
/* True when `s` is a line (see str_valid_line) of 1 to `max` bytes; false for NULL. */
bool str_line_ok(const char *s, size_t max);

/* True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates). */
bool str_valid_utf8(struct str s);

/* The code points of the valid UTF-8 text `s` (its bytes other than continuation bytes). */
size_t str_utf8_chars(const char *s);

/*
 * True when `s` is a slug of 1 to `max` bytes: lower-case ASCII letters,
 * digits and '-', not at either end.  False for NULL.
 */
bool str_slug_ok(const char *s, size_t max);

/*
 * The whole number from 1 to `max` written in `s` (white space around it
 * allowed): a count typed into a form.  0 when `s` holds anything else.
 */
int str_count(const char *s, int max);

/* True when `s` is one of the NULL-terminated `list`; false for NULL. */
bool str_in_list(const char *s, const char *const *list);

#endif
