/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the check of a SAML Response posted to the assertion consumer
 * service (core/saml.h): the input is the Response's XML, which the target
 * encodes in base64 as the HTTP-POST binding carries it.  The IdP's
 * metadata, our key pair and the expectations are fixed (saml_fixture.h,
 * shared with tests/unit/saml_test.c).  The seeds are
 * responses of that IdP (signed, encrypted to our certificate, signed as a
 * whole, tampered, for another audience or request, unsigned, with two
 * assertions, a refusal) valid at the fixed `now`.  Whatever the input, the
 * check answers 0, ERR_INVALID, ERR_NOTFOUND or ERR_FORBIDDEN, and only 0
 * comes with an assertion ID and a subject.
 */
#include "core/saml.h"
#include "saml_fixture.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_MAX (64 * 1024)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct saml_sp sp = SAML_FIXTURE_SP;
	const struct saml_expect x = SAML_FIXTURE_EXPECT(SAML_FIXTURE_NOW);
	struct saml_assertion out;
	struct err e = {0};
	struct arena a;
	size_t n;
	char *b64;
	int rc;

	if (size > INPUT_MAX)
		return 0;
	n = sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(n);
	sodium_bin2base64(b64, n, data, size, sodium_base64_VARIANT_ORIGINAL);
	arena_init(&a);
	rc = saml_response_check(&sp, IDP_METADATA, b64, &x, &a, &out, &e);
	if (rc != 0 && rc != ERR_INVALID && rc != ERR_NOTFOUND && rc != ERR_FORBIDDEN)
		__builtin_trap();
	if (rc == 0 && (!out.id || !out.subject || !out.issuer || out.expires_at <= 0))
		__builtin_trap();
	arena_release(&a);
	free(b64);
	return 0;
}
