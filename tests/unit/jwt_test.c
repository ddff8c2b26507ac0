/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * JWT verification: tokens signed here with fresh RSA and P-256 keys,
 * checked against their JWK sets; every claim and every part tampered once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1800000000
#define ISS "https://idp.example"
#define AUD "rathaus"

struct fixture {
	EVP_PKEY *rsa, *ec, *other;
	json_t *jwks;
};

static char *
b64(const unsigned char *p, size_t n)
{
	size_t need = jwt_b64url_encode(p, n, NULL, 0);
	char *s = malloc(need + 1);

	jwt_b64url_encode(p, n, s, need + 1);
	return s;
}

static json_t *
bn_member(EVP_PKEY *k, const char *name)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1024];
	char *s;
	json_t *j;
	int n;

	assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
	n = BN_bn2bin(bn, buf);
	s = b64(buf, (size_t)n);
	j = json_string(s);
	free(s);
	BN_free(bn);
	return j;
}

static json_t *
rsa_jwk(EVP_PKEY *k, const char *kid)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "kty", "RSA", "kid", kid, "use", "sig", "n",
			 bn_member(k, OSSL_PKEY_PARAM_RSA_N), "e",
			 bn_member(k, OSSL_PKEY_PARAM_RSA_E));
}

static json_t *
ec_jwk(EVP_PKEY *k, const char *kid)
{
	unsigned char pt[65];
	size_t n = 0;
	char *x, *y;
	json_t *j;

	assert_int_equal(
		EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n), 1);
	assert_int_equal(n, 65);
	x = b64(pt + 1, 32);
	y = b64(pt + 33, 32);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "kid", kid, "crv", "P-256", "x", x,
		      "y", y);
	free(x);
	free(y);
	return j;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->rsa = EVP_RSA_gen(2048);
	f->other = EVP_RSA_gen(2048);
	f->ec = EVP_EC_gen("P-256");
	f->jwks = json_pack("{s:[o, o]}", "keys", rsa_jwk(f->rsa, "r1"), ec_jwk(f->ec, "e1"));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	EVP_PKEY_free(f->rsa);
	EVP_PKEY_free(f->other);
	EVP_PKEY_free(f->ec);
	json_decref(f->jwks);
	free(f);
	return 0;
}

/* The signature of `data` by `k`, in JWS form (ES256: r || s). */
static char *
sign(EVP_PKEY *k, const char *data)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char sig[1024], raw[64];
	size_t n = sizeof(sig);
	char *s;

	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(md, sig, &n, (const unsigned char *)data, strlen(data)), 1);
	EVP_MD_CTX_free(md);
	if (EVP_PKEY_is_a(k, "EC")) {
		const unsigned char *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)n);

		BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32);
		ECDSA_SIG_free(es);
		return b64(raw, 64);
	}
	s = b64(sig, n);
	return s;
}

/* A token of `header` and `claims` (JSON text) signed by `k`. */
static char *
token(EVP_PKEY *k, const char *header, const char *claims)
{
	char *h = b64((const unsigned char *)header, strlen(header));
	char *c = b64((const unsigned char *)claims, strlen(claims));
	size_t n = strlen(h) + strlen(c) + 2;
	char *data = malloc(n), *sig, *out;

	snprintf(data, n, "%s.%s", h, c);
	sig = sign(k, data);
	out = malloc(n + strlen(sig) + 1);
	snprintf(out, n + strlen(sig) + 1, "%s.%s", data, sig);
	free(h);
	free(c);
	free(data);
	free(sig);
	return out;
}

static const char GOOD[] = "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\","
			   "\"exp\":1800000300,\"iat\":1800000000,\"nonce\":\"n1\"}";
static const char RS[] = "{\"alg\":\"RS256\",\"kid\":\"r1\"}";

static int
verify(struct fixture *f, const char *tok, struct err *e)
{
	struct jwt_expect x = {.iss = ISS, .aud = AUD, .nonce = "n1", .now = NOW};
	json_t *claims = NULL;
	int rc = jwt_verify(tok, f->jwks, &x, &claims, e);

	if (rc == 0) {
		assert_string_equal(json_string_value(json_object_get(claims, "sub")), "u1");
		json_decref(claims);
	} else {
		assert_null(claims);
	}
	return rc;
}

static int
verify_claims(struct fixture *f, const char *claims)
{
	struct err e = {0};
	char *t = token(f->rsa, RS, claims);
	int rc = verify(f, t, &e);

	free(t);
	return rc;
}

static void
test_base64url_round_trip_and_refusals(void **state)
{
	unsigned char in[] = {0xfb, 0xff, 0x00, 0x10, 0x3e}, out[8];
	char s[16];

	(void)state;
	assert_int_equal(jwt_b64url_encode(in, 5, s, sizeof(s)), 7);
	assert_string_equal(s, "-_8AED4");
	assert_int_equal(jwt_b64url_decode(s, 7, out, sizeof(out)), 5);
	assert_memory_equal(in, out, 5);
	assert_int_equal(jwt_b64url_decode("-_8AED4=", 8, out, sizeof(out)), -1);
	assert_int_equal(jwt_b64url_decode("+/8A", 4, out, sizeof(out)), -1);
	assert_int_equal(jwt_b64url_decode("A", 1, out, sizeof(out)), -1);
	assert_int_equal(jwt_b64url_decode("AB", 2, out, sizeof(out)), -1); /* unused bits set */
	assert_int_equal(jwt_b64url_decode("-_8AED4", 7, out, 4), -1);
}

static void
test_rs256_and_es256_tokens_verify(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	char *t = token(f->rsa, RS, GOOD);

	assert_int_equal(verify(f, t, &e), 0);
	free(t);
	t = token(f->ec, "{\"alg\":\"ES256\",\"kid\":\"e1\"}", GOOD);
	assert_int_equal(verify(f, t, &e), 0);
	free(t);
}

static void
test_wrong_key_or_tampered_parts_are_refused(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	char *t = token(f->other, RS, GOOD), *dot;

	assert_int_equal(verify(f, t, &e), ERR_FORBIDDEN);
	assert_string_equal(e.detail, "jwt: bad signature");
	free(t);
	t = token(f->rsa, RS, GOOD);
	dot = strchr(t, '.');
	dot[3] = dot[3] == 'A' ? 'B' : 'A'; /* the payload */
	assert_int_equal(verify(f, t, &e), ERR_FORBIDDEN);
	dot = strrchr(t, '.');
	*dot = '\0';
	assert_int_equal(verify(f, t, &e), ERR_FORBIDDEN);
	assert_string_equal(e.detail, "jwt: not three parts");
	free(t);
}

static void
test_algorithms_none_and_hs256_and_unknown_kid_are_refused(void **state)
{
	struct fixture *f = *state;
	struct err e = {0};
	char *t = token(f->rsa, "{\"alg\":\"HS256\",\"kid\":\"r1\"}", GOOD);

	assert_int_equal(verify(f, t, &e), ERR_FORBIDDEN);
	free(t);
	t = token(f->rsa, "{\"alg\":\"none\"}", GOOD);
	assert_int_equal(verify(f, t, &e), ERR_FORBIDDEN);
	free(t);
	t = token(f->rsa, "{\"alg\":\"RS256\",\"kid\":\"zz\"}", GOOD);
	assert_int_equal(verify(f, t, &e), ERR_NOTFOUND);
	free(t);
	/* The RSA key named by an ES256 header does not serve. */
	t = token(f->rsa, "{\"alg\":\"ES256\",\"kid\":\"r1\"}", GOOD);
	assert_int_equal(verify(f, t, &e), ERR_NOTFOUND);
	free(t);
}

static void
test_each_claim_is_checked(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(verify_claims(f, "{\"iss\":\"https://evil\",\"aud\":\"rathaus\","
					  "\"sub\":\"u1\",\"exp\":1800000300,\"iat\":1800000000,"
					  "\"nonce\":\"n1\"}"),
			 ERR_FORBIDDEN);
	assert_int_equal(verify_claims(f,
				       "{\"iss\":\"" ISS "\",\"aud\":\"other\",\"sub\":\"u1\","
				       "\"exp\":1800000300,\"iat\":1800000000,\"nonce\":\"n1\"}"),
			 ERR_FORBIDDEN);
	assert_int_equal(verify_claims(f,
				       "{\"iss\":\"" ISS "\",\"aud\":\"rathaus\",\"sub\":\"u1\","
				       "\"exp\":1800000300,\"iat\":1800000000,\"nonce\":\"n2\"}"),
			 ERR_FORBIDDEN);
	assert_int_equal(verify_claims(f, "{\"iss\":\"" ISS "\",\"aud\":\"rathaus\",\"sub\":\"u1\","
					  "\"exp\":1800000300,\"iat\":1800000000}"),
			 ERR_FORBIDDEN);
	assert_int_equal(verify_claims(f,
				       "{\"iss\":\"" ISS "\",\"aud\":\"rathaus\",\"sub\":\"\","
				       "\"exp\":1800000300,\"iat\":1800000000,\"nonce\":\"n1\"}"),
			 ERR_FORBIDDEN);
	/* Several audiences: only with azp naming us. */
	assert_int_equal(verify_claims(f, "{\"iss\":\"" ISS "\",\"aud\":[\"x\",\"rathaus\"],"
					  "\"sub\":\"u1\",\"exp\":1800000300,\"iat\":1800000000,"
					  "\"nonce\":\"n1\"}"),
			 ERR_FORBIDDEN);
	assert_int_equal(verify_claims(f, "{\"iss\":\"" ISS "\",\"aud\":[\"x\",\"rathaus\"],"
					  "\"azp\":\"rathaus\",\"sub\":\"u1\",\"exp\":1800000300,"
					  "\"iat\":1800000000,\"nonce\":\"n1\"}"),
			 0);
}

static void
test_expiry_and_issue_time_allow_sixty_seconds_of_skew(void **state)
{
	struct fixture *f = *state;
	char c[256];

	/* exp 59 s ago: still within the skew; 60 s ago: expired. */
	snprintf(c, sizeof(c),
		 "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"exp\":%d,\"iat\":%d,"
		 "\"nonce\":\"n1\"}",
		 NOW - 59, NOW - 600);
	assert_int_equal(verify_claims(f, c), 0);
	snprintf(c, sizeof(c),
		 "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"exp\":%d,\"iat\":%d,"
		 "\"nonce\":\"n1\"}",
		 NOW - 60, NOW - 600);
	assert_int_equal(verify_claims(f, c), ERR_FORBIDDEN);
	snprintf(c, sizeof(c),
		 "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"exp\":%d,\"iat\":%d,"
		 "\"nonce\":\"n1\"}",
		 NOW + 600, NOW + 61);
	assert_int_equal(verify_claims(f, c), ERR_FORBIDDEN);
	snprintf(c, sizeof(c),
		 "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u1\",\"exp\":%d,\"iat\":%d,"
		 "\"nonce\":\"n1\"}",
		 NOW + 600, NOW + 60);
	assert_int_equal(verify_claims(f, c), 0);
}

static void
test_small_rsa_keys_are_refused(void **state)
{
	struct fixture *f = *state;
	EVP_PKEY *small = EVP_RSA_gen(1024);
	json_t *jwks = json_pack("{s:[o]}", "keys", rsa_jwk(small, "r1"));
	struct jwt_expect x = {.iss = ISS, .aud = AUD, .nonce = "n1", .now = NOW};
	struct err e = {0};
	json_t *claims = NULL;
	char *t = token(small, RS, GOOD);

	(void)f;
	assert_int_equal(jwt_verify(t, jwks, &x, &claims, &e), ERR_FORBIDDEN);
	assert_string_equal(e.detail, "jwt: the RSA key is unusable");
	free(t);
	json_decref(jwks);
	EVP_PKEY_free(small);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64url_round_trip_and_refusals),
		cmocka_unit_test(test_rs256_and_es256_tokens_verify),
		cmocka_unit_test(test_wrong_key_or_tampered_parts_are_refused),
		cmocka_unit_test(test_algorithms_none_and_hs256_and_unknown_kid_are_refused),
		cmocka_unit_test(test_each_claim_is_checked),
		cmocka_unit_test(test_expiry_and_issue_time_allow_sixty_seconds_of_skew),
		cmocka_unit_test(test_small_rsa_keys_are_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
