/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Verification of signed JWTs against a JWK set (jwt.h).  The order is
 * fixed: split, decode and parse the header, pick the key, verify the
 * signature, and only then parse and check the claims, so nothing of an
 * unsigned payload is ever believed.
 */
#include "core/jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define JWK_MEMBER_MAX 1024 /* bytes of n (8192-bit keys) */
#define ES256_SIG_LEN 64
#define P256_COORD_LEN 32

static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long
jwt_b64url_decode(const char *s, size_t n, unsigned char *out, size_t outn)
{
	uint32_t acc = 0;
	size_t bits = 0, o = 0;

	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64url_value((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outn)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0) /* RFC 4648 3.5: the unused bits must be zero */
		return -1;
	return (long)o;
}

size_t
jwt_b64url_encode(const unsigned char *p, size_t n, char *out, size_t outn)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0, need = n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
	uint32_t acc = 0;
	size_t bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			if (o + 1 < outn)
				out[o] = alpha[(acc >> bits) & 63];
			o++;
		}
	}
	if (bits) {
		if (o + 1 < outn)
			out[o] = alpha[(acc << (6 - bits)) & 63];
		o++;
	}
	if (outn)
		out[o < outn ? o : outn - 1] = '\0';
	return need;
}

/* Decode the base64url member `name` of `obj` into a new buffer; NULL if absent or bad. */
static unsigned char *
member_bytes(const json_t *obj, const char *name, size_t max, size_t *len)
{
	const char *s = json_string_value(json_object_get(obj, name));
	unsigned char *out;
	long n;

	if (!s || strlen(s) > max * 4 / 3 + 4)
		return NULL;
	out = malloc(max);
	n = out ? jwt_b64url_decode(s, strlen(s), out, max) : -1;
	if (n <= 0) {
		free(out);
		return NULL;
	}
	*len = (size_t)n;
	return out;
}

/* A segment of the token decoded and parsed as a JSON object. */
static json_t *
segment_json(const char *s, size_t n)
{
	unsigned char *buf = malloc(n + 1);
	json_t *j = NULL;
	long len = buf ? jwt_b64url_decode(s, n, buf, n) : -1;

	if (len > 0)
		j = json_loadb((const char *)buf, (size_t)len, JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static EVP_PKEY *
key_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *key = NULL;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return key;
}

/* A decoded base64url member of a JWK. */
struct member {
	unsigned char *p;
	size_t len;
};

/* RFC 7518 6.3.1: the modulus n and exponent e of an RSA public key. */
static EVP_PKEY *
rsa_key(OSSL_PARAM_BLD *bld, const struct member *n, const struct member *e)
{
	BIGNUM *bn = BN_bin2bn(n->p, (int)n->len, NULL);
	BIGNUM *be = BN_bin2bn(e->p, (int)e->len, NULL);
	EVP_PKEY *key = NULL;

	if (bn && be && BN_num_bits(bn) >= JWT_RSA_MIN_BITS &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
		key = key_from_params("RSA", bld);
	BN_free(bn);
	BN_free(be);
	return key;
}

/* RFC 7518 6.2.1: the point x, y of a P-256 public key, as an uncompressed point. */
static EVP_PKEY *
ec_key(OSSL_PARAM_BLD *bld, const json_t *jwk, const struct member *x, const struct member *y)
{
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	unsigned char pt[1 + 2 * P256_COORD_LEN];

	if (x->len != P256_COORD_LEN || y->len != P256_COORD_LEN || !crv ||
	    strcmp(crv, "P-256") != 0)
		return NULL;
	pt[0] = 0x04;
	memcpy(pt + 1, x->p, P256_COORD_LEN);
	memcpy(pt + 1 + P256_COORD_LEN, y->p, P256_COORD_LEN);
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)))
		return NULL;
	return key_from_params("EC", bld);
}

/* The public key of a JWK of type RSA (members n, e) or EC (x, y); NULL if unusable. */
static EVP_PKEY *
jwk_key(const json_t *jwk, bool is_ec)
{
	struct member a = {0}, b = {0};
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *key = NULL;

	a.p = member_bytes(jwk, is_ec ? "x" : "n", is_ec ? P256_COORD_LEN : JWK_MEMBER_MAX, &a.len);
	b.p = member_bytes(jwk, is_ec ? "y" : "e", is_ec ? P256_COORD_LEN : 8, &b.len);
	if (a.p && b.p && bld)
		key = is_ec ? ec_key(bld, jwk, &a, &b) : rsa_key(bld, &a, &b);
	OSSL_PARAM_BLD_free(bld);
	free(a.p);
	free(b.p);
	return key;
}

/*
 * The key of `jwks` for `kid` (or the only one of type `kty` when kid is
 * NULL): ERR_NOTFOUND when there is none, ERR_FORBIDDEN when it is unusable.
 */
static int
find_key(const json_t *jwks, const char *kid, const char *kty, EVP_PKEY **out, struct err *e)
{
	const json_t *keys = json_object_get(jwks, "keys"), *hit = NULL, *k;
	size_t i, n = 0;

	json_array_foreach(keys, i, k)
	{
		const char *t = json_string_value(json_object_get(k, "kty"));
		const char *id = json_string_value(json_object_get(k, "kid"));
		const char *use = json_string_value(json_object_get(k, "use"));

		if (!t || strcmp(t, kty) != 0 || (use && strcmp(use, "sig") != 0))
			continue;
		if (kid && (!id || strcmp(id, kid) != 0))
			continue;
		hit = k;
		n++;
	}
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, NULL, "jwt: no %s key with kid '%.64s'", kty,
			       kid ? kid : "");
	if (n > 1)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: %zu keys match kid '%.64s'", n,
			       kid ? kid : "");
	*out = jwk_key(hit, strcmp(kty, "EC") == 0);
	if (!*out)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: the %s key is unusable", kty);
	return 0;
}

/* RFC 7518 3.4: ES256 signs as r || s of 32 bytes each; OpenSSL wants DER. */
static unsigned char *
es256_der(const unsigned char *sig, size_t n, size_t *len)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, P256_COORD_LEN, NULL);
	BIGNUM *ss = BN_bin2bn(sig + P256_COORD_LEN, P256_COORD_LEN, NULL);
	unsigned char *der = NULL;
	int dl;

	if (n != ES256_SIG_LEN || !s || !r || !ss || !ECDSA_SIG_set0(s, r, ss)) {
		BN_free(r);
		BN_free(ss);
		ECDSA_SIG_free(s);
		return NULL;
	}
	dl = i2d_ECDSA_SIG(s, &der);
	ECDSA_SIG_free(s);
	if (dl <= 0)
		return NULL;
	*len = (size_t)dl;
	return der;
}

static bool
signature_ok(EVP_PKEY *key, bool is_ec, const char *data, size_t dn, const unsigned char *sig,
	     size_t sn)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	size_t dl = sn;
	bool ok = false;

	if (is_ec) {
		der = es256_der(sig, sn, &dl);
		sig = der;
	}
	if (md && sig && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1)
		ok = EVP_DigestVerify(md, sig, dl, (const unsigned char *)data, dn) == 1;
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	return ok;
}

/* The header's alg (RS256 or ES256) and kid. */
static int
check_header(const char *token, size_t n, bool *is_ec, const char **kid, json_t **hdr,
	     struct err *e)
{
	const char *alg;

	*hdr = segment_json(token, n);
	if (!*hdr)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: the header is not a JSON object");
	alg = json_string_value(json_object_get(*hdr, "alg"));
	if (!alg || (strcmp(alg, "RS256") != 0 && strcmp(alg, "ES256") != 0))
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: algorithm '%.32s' not accepted",
			       alg ? alg : "");
	if (json_object_get(*hdr, "crit"))
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: critical header parameters");
	*is_ec = alg[0] == 'E';
	*kid = json_string_value(json_object_get(*hdr, "kid"));
	return 0;
}

static bool
aud_ok(const json_t *claims, const char *aud)
{
	const json_t *a = json_object_get(claims, "aud"), *v;
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	bool found = false;
	size_t i;

	if (json_is_string(a))
		return strcmp(json_string_value(a), aud) == 0 && (!azp || strcmp(azp, aud) == 0);
	json_array_foreach(a, i, v) if (json_is_string(v) && strcmp(json_string_value(v), aud) == 0)
		found = true;
	/* OpenID Connect Core 3.1.3.7 (4, 5): with several audiences, azp must be us. */
	if (found && json_array_size(a) > 1)
		found = azp && strcmp(azp, aud) == 0;
	return found;
}

static int
check_claims(const json_t *c, const struct jwt_expect *x, struct err *e)
{
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *sub = json_string_value(json_object_get(c, "sub"));
	const char *nonce = json_string_value(json_object_get(c, "nonce"));
	const json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat");

	if (!iss || strcmp(iss, x->iss) != 0)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: issuer '%.100s' is not '%.100s'",
			       iss ? iss : "", x->iss);
	if (!aud_ok(c, x->aud))
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: not for audience '%.100s'", x->aud);
	if (!json_is_number(exp) || json_number_value(exp) + JWT_SKEW_S <= (double)x->now)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: expired or without exp");
	if (!json_is_number(iat) || json_number_value(iat) - JWT_SKEW_S > (double)x->now)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: issued in the future or without iat");
	if (x->nonce && (!nonce || strcmp(nonce, x->nonce) != 0))
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: the nonce does not match");
	if (!sub || !sub[0] || strlen(sub) > JWT_SUB_MAX)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: sub missing or too long");
	return 0;
}

/* The parts of a compact JWS: header.payload.signature, each non-empty. */
static int
split(const char *token, const char **dot1, const char **dot2, struct err *e)
{
	size_t n = token ? strnlen(token, JWT_MAX + 1) : 0;

	if (n == 0 || n > JWT_MAX)
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: empty or longer than %d bytes",
			       JWT_MAX);
	*dot1 = strchr(token, '.');
	*dot2 = *dot1 ? strchr(*dot1 + 1, '.') : NULL;
	if (!*dot2 || *dot1 == token || *dot2 == *dot1 + 1 || !(*dot2)[1] || strchr(*dot2 + 1, '.'))
		return err_set(e, ERR_FORBIDDEN, NULL, "jwt: not three parts");
	return 0;
}

int
jwt_verify(const char *token, const json_t *jwks, const struct jwt_expect *x, json_t **claims,
	   struct err *e)
{
	const char *d1 = NULL, *d2 = NULL, *kid = NULL;
	unsigned char *sig = NULL;
	EVP_PKEY *key = NULL;
	json_t *hdr = NULL;
	bool is_ec = false;
	long sn = -1;
	int rc;

	*claims = NULL;
	rc = split(token, &d1, &d2, e);
	if (rc == 0)
		rc = check_header(token, (size_t)(d1 - token), &is_ec, &kid, &hdr, e);
	if (rc == 0)
		rc = find_key(jwks, kid, is_ec ? "EC" : "RSA", &key, e);
	if (rc == 0) {
		sig = malloc(strlen(d2 + 1) + 1);
		sn = sig ? jwt_b64url_decode(d2 + 1, strlen(d2 + 1), sig, strlen(d2 + 1)) : -1;
		if (sn <= 0 ||
		    !signature_ok(key, is_ec, token, (size_t)(d2 - token), sig, (size_t)sn))
			rc = err_set(e, ERR_FORBIDDEN, NULL, "jwt: bad signature");
	}
	if (rc == 0) {
		*claims = segment_json(d1 + 1, (size_t)(d2 - d1 - 1));
		if (!*claims)
			rc = err_set(e, ERR_FORBIDDEN, NULL, "jwt: the payload is not an object");
	}
	if (rc == 0)
		rc = check_claims(*claims, x, e);
	if (rc && *claims) {
		json_decref(*claims);
		*claims = NULL;
	}
	free(sig);
	EVP_PKEY_free(key);
	json_decref(hdr);
	return rc;
}
