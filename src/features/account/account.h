/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * account: citizen accounts under /konto of every tenant, one account per
 * installation (docs/account.md): registration with a verified address,
 * login and logout, password reset, change of address, sessions with "log
 * out everywhere", throttling with backoff, optional two-factor login with
 * one-time codes (RFC 6238), the download of one's data, deletion of the
 * account and the privacy page.
 *
 * The password rules follow NIST SP 800-63B and are exposed for the unit
 * tests and the fuzzer.
 */
#ifndef RATHAUS_ACCOUNT_H
#define RATHAUS_ACCOUNT_H

#include "app/feature.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern const struct feature account_feature;

struct rq;

/*
 * The citizen logged in on request `q` with a confirmed address: true with
 * *id and *email (in the request arena); false when there is none (a
 * database error is logged, not answered).  For other features that link
 * what a citizen does to the account.
 */
bool account_citizen(struct rq *q, int64_t *id, const char **email);
/*
 * For the pages of a citizen's own things: the id of the citizen logged in
 * on `q` (the answer marked private, no-store), or 0 after sending the
 * browser to the login, which returns to `back` (a path of the tenant).
 */
int64_t account_citizen_or_login(struct rq *q, const char *back);
/* Breadcrumbs "Home > Mein Konto > <message `title_key`>" of such a page. */
void account_crumbs(struct rq *q, const char *title_key);
/* account_crumbs(), the message `title_key` as the page's title, and template `tpl` rendered. */
void account_mine_render(struct rq *q, const char *title_key, const char *tpl);

/*
 * The trust level of the login of the citizen on request `q`: 1 to 4 as
 * an identity provider asserted it (account_trust_level()), 0 for a login
 * with a password, -1 without a citizen with a confirmed address.
 */
int account_trust(struct rq *q);
/*
 * The trust level (1 to 4, 0: none asserted) of an OpenID Connect `acr`
 * value (may be NULL): eIDAS low/substantial/high are 2/3/4, STORK-QAA
 * levels 1 to 4 are themselves; the table is in docs/account.md.
 */
int account_trust_level(const char *acr);

#define ACCT_PW_MIN 8	/* characters (code points) */
#define ACCT_PW_MAX 128 /* characters */
#define ACCT_EMAIL_MAX 254

/* A sorted list of common and breached passwords, in lower case.  Opaque. */
struct acct_pwlist;

/*
 * Read `path`, one password a line (blank lines skipped).  *out is freed
 * with acct_pwlist_free().  Returns 0, ERR_IO or ERR_INVALID.
 */
int acct_pwlist_load(const char *path, struct acct_pwlist **out, struct err *e) MUST_CHECK;
/* A list from `n` bytes of text (the same format), for tests and the fuzzer. */
struct acct_pwlist *acct_pwlist_parse(const char *text, size_t n);
size_t acct_pwlist_count(const struct acct_pwlist *l);
void acct_pwlist_free(struct acct_pwlist *l);

/*
 * NULL when `pw` is acceptable as the password of `email` (may be NULL),
 * else the message key of the reason: too short, too long, not valid text,
 * on the list (case-insensitive), one character repeated, or the address or
 * its local part.  No composition rules.
 */
const char *acct_password_check(const struct acct_pwlist *l, const char *pw, const char *email);

/*
 * The address `in` trimmed and in lower case in `out` (n bytes), true when
 * it is an address we can send to (mail_addr_valid) of at most
 * ACCT_EMAIL_MAX bytes.
 */
bool acct_email_norm(const char *in, char *out, size_t n);

/*
 * Two-factor login with one-time codes (RFC 6238): 30-second steps, six
 * digits, HMAC-SHA-1 as every authenticator app expects, a secret of 20
 * random bytes shown in base32, a window of one step either side.
 */
#define ACCT_TOTP_STEP_S 30
#define ACCT_TOTP_DIGITS 6
#define ACCT_TOTP_WINDOW 1
#define ACCT_TOTP_KEY_LEN 20
#define ACCT_TOTP_SECRET_LEN 32 /* base32 characters of ACCT_TOTP_KEY_LEN bytes */
#define ACCT_RECOVERY_CODES 10

enum acct_otp_alg { ACCT_OTP_SHA1, ACCT_OTP_SHA256, ACCT_OTP_SHA512 };

/* HOTP (RFC 4226) of `counter` with `digits` digits (at most 9). */
uint32_t acct_hotp(enum acct_otp_alg alg, const unsigned char *key, size_t keylen, uint64_t counter,
		   int digits);
/* TOTP (RFC 6238) at `unix_time` with steps of ACCT_TOTP_STEP_S. */
uint32_t acct_totp(enum acct_otp_alg alg, const unsigned char *key, size_t keylen,
		   int64_t unix_time, int digits);
/*
 * Base32 (RFC 4648) without padding into `out` (outn bytes with the NUL);
 * returns the length it needs without the NUL.
 */
size_t acct_base32_encode(const unsigned char *p, size_t n, char *out, size_t outn);
/* Bytes decoded (case, spaces and dashes ignored), or -1 for a bad character or too long. */
int acct_base32_decode(const char *s, unsigned char *out, size_t outn);
/*
 * 1 when `code` (six digits) is the code of `secret_b32` for a step within
 * ACCT_TOTP_WINDOW of `now` and later than `after_step` (the last one used:
 * a code counts once); *step is then that step.  0 otherwise.
 */
int acct_totp_match(const char *secret_b32, const char *code, int64_t now, int64_t after_step,
		    int64_t *step);
/*
 * The QR code of `text` as the `d` of one SVG path of unit squares, with a
 * quiet zone of 4 modules; *size is the side in modules.  free() it; NULL
 * when the text does not fit.
 */
char *acct_qr_svg_path(const char *text, int *size);

#endif
