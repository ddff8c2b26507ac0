/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * jwt: verification of a signed JSON Web Token (RFC 7519, compact JWS of
 * RFC 7515) against a JSON Web Key Set (RFC 7517), as an OpenID Connect
 * relying party needs it for the ID token (OpenID Connect Core 3.1.3.7).
 *
 * Only RS256 (RSA PKCS#1 v1.5 with SHA-256, keys of at least 2048 bits) and
 * ES256 (ECDSA P-256 with SHA-256) are accepted; "none" and the HMAC
 * algorithms are refused, so a public key can never serve as a shared
 * secret.  The keys are built from the JWK members with OpenSSL 3
 * (EVP_PKEY_fromdata) and the signature checked by EVP_DigestVerify: no
 * cryptography is written here.  The input comes from outside; every
 * length is capped and every parse error is an ERR_FORBIDDEN with a detail
 * for the log.  Knows nothing of HTTP or the database.
 */
#ifndef RATHAUS_JWT_H
#define RATHAUS_JWT_H

#include "core/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define JWT_MAX 16384	/* bytes of a token we look at */
#define JWT_SKEW_S 60	/* clock skew allowed for exp and iat */
#define JWT_SUB_MAX 255 /* OpenID Connect Core 2: sub is at most 255 ASCII characters */
#define JWT_RSA_MIN_BITS 2048

/*
 * Base64url (RFC 4648 section 5) without padding of `n` bytes of `s` into
 * `out` (outn bytes): the number of bytes, or -1 for a character outside
 * the alphabet, padding, an impossible length or an `out` too small.
 */
long jwt_b64url_decode(const char *s, size_t n, unsigned char *out, size_t outn);
/* Encode `n` bytes as base64url without padding into `out` (outn with the NUL); the length
 * it needs without the NUL (nothing written past outn). */
size_t jwt_b64url_encode(const unsigned char *p, size_t n, char *out, size_t outn);

/* What the claims of a token must say. */
struct jwt_expect {
	const char *iss;   /* exact issuer */
	const char *aud;   /* our client id: aud or one of aud, and azp when aud has more */
	const char *nonce; /* the nonce of the authorization request, NULL: none expected */
	int64_t now;	   /* unix time of the check */
};

/*
 * Verify `token` (a compact JWS) with the key of `jwks` (an object with a
 * "keys" array) whose "kid" the header names (or the only key of the right
 * type when the header has no kid), then its claims: iss, aud (and azp),
 * exp and iat within JWT_SKEW_S of x->now, nonce, and a sub of 1 to
 * JWT_SUB_MAX characters.  On success *claims is the payload, the caller's
 * reference (json_decref()).  ERR_FORBIDDEN for any failure, the reason in
 * e->detail; ERR_NOTFOUND when no key has the kid (the set may be stale).
 */
int jwt_verify(const char *token, const json_t *jwks, const struct jwt_expect *x, json_t **claims,
	       struct err *e) MUST_CHECK;

#endif
