/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * account: citizen accounts under /konto of every tenant, one account per
 * installation (docs/account.md): registration with a verified address,
 * login and logout, password reset, change of address, sessions with "log
 * out everywhere", throttling with backoff.
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

#endif
