/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * seal: secrets at rest.  Values such as an OpenID Connect client secret or
 * a form delivery's signing key are stored sealed with the installation's
 * key (libsodium's secretbox: XSalsa20-Poly1305, a random nonce per value),
 * so that a copy of the database alone does not give them away.  The key is
 * 32 random bytes in base64 in the file named by the setting
 * secret_key_file, loaded once per process; every instance of an
 * installation reads the same file.  Without a key values are stored as
 * they are, and values stored before a key was set are still read.
 */
#ifndef RATHAUS_SEAL_H
#define RATHAUS_SEAL_H

#include "core/arena.h"
#include "core/err.h"

#include <stdbool.h>

/* The prefix of a sealed value. */
#define SEAL_PREFIX "sealed:1:"

/*
 * Load the process's key from `path` ("": none, values stay as they are).
 * Returns 0, or ERR_INVALID when the file cannot be read or holds no key of
 * 32 bytes in base64.  Call once at start-up, before any thread uses it.
 */
int seal_key_load(const char *path, struct err *e) MUST_CHECK;

/* Whether a key is loaded. */
bool seal_has_key(void);

/* `plain` as it is to be stored: sealed when a key is loaded, else itself.  In `a`. */
const char *seal_text(struct arena *a, const char *plain);

/*
 * The plain text of stored value `stored` into *plain (in `a`): a sealed
 * value opened, any other as it is.  Returns 0, or ERR_INTERNAL when a
 * sealed value cannot be opened (no key, another key, or altered).
 */
int seal_open(struct arena *a, const char *stored, const char **plain, struct err *e) MUST_CHECK;

#endif
