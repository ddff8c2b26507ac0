/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the ID token check (core/jwt.h): the input is a token, a newline and
 * a JWK set, as an identity provider sends both.  Whatever it is, the check
 * answers 0, ERR_FORBIDDEN or ERR_NOTFOUND, and claims only come with 0.
 * Base64url must survive a round trip.
 */
#include "core/jwt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl, enc[64];
	struct jwt_expect x = {
		.iss = "https://idp.example", .aud = "rathaus", .nonce = "n1", .now = 1800000000};
	struct err e = {0};
	json_t *jwks = NULL, *claims = NULL;
	unsigned char dec[48], back[48];
	long n;
	int rc;

	memcpy(s, data, size);
	s[size] = '\0';
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		jwks = json_loads(nl + 1, 0, NULL);
	}
	rc = jwt_verify(s, jwks, &x, &claims, &e);
	if ((rc != 0 && rc != ERR_FORBIDDEN && rc != ERR_NOTFOUND) || (rc == 0) != (claims != NULL))
		__builtin_trap();
	json_decref(claims);
	json_decref(jwks);
	n = jwt_b64url_decode(s, strnlen(s, 64), dec, sizeof(dec));
	if (n >= 0) {
		jwt_b64url_encode(dec, (size_t)n, enc, sizeof(enc));
		if (jwt_b64url_decode(enc, strlen(enc), back, sizeof(back)) != n ||
		    memcmp(dec, back, (size_t)n) != 0)
			__builtin_trap();
	}
	free(s);
	return 0;
}
