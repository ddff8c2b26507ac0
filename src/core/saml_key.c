/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A key pair for the SAML service provider: RSA 3072 and a self-signed
 * X.509 certificate with SHA-256.  IdPs take the certificate from our
 * metadata, so no CA is involved; its validity is long because a new
 * certificate means new metadata at every IdP.
 */
#include "core/saml.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <string.h>

#define KEY_BITS 3072
#define CERT_DAYS (20 * 365)

static const char *
pem_of(BIO *b, struct arena *a)
{
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);
	char *out = arena_alloc(a, (size_t)n + 1);

	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	return out;
}

static X509 *
self_signed(EVP_PKEY *key, const char *common_name)
{
	unsigned char serial[16];
	X509 *x = X509_new();
	X509_NAME *name = x ? X509_get_subject_name(x) : NULL;
	BIGNUM *bn = NULL;
	bool ok = name && RAND_bytes(serial, sizeof(serial)) == 1;

	serial[0] &= 0x7f; /* a positive serial (RFC 5280 4.1.2.2) */
	if (ok)
		bn = BN_bin2bn(serial, sizeof(serial), NULL);
	ok = ok && bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
	     X509_set_version(x, 2) && X509_gmtime_adj(X509_getm_notBefore(x), 0) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), (long)CERT_DAYS * 86400) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)common_name, -1, -1, 0) &&
	     X509_set_issuer_name(x, name) && X509_set_pubkey(x, key) &&
	     X509_sign(x, key, EVP_sha256()) > 0;
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

int
saml_keypair_new(const char *common_name, struct arena *a, const char **key_pem,
		 const char **cert_pem, struct err *e)
{
	EVP_PKEY *key = EVP_RSA_gen(KEY_BITS);
	X509 *x = key ? self_signed(key, common_name) : NULL;
	BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
	int rc = 0;

	if (!x || !kb || !cb || !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, x)) {
		rc = err_set(e, ERR_INTERNAL, NULL, "saml: could not make a key pair");
	} else {
		*key_pem = pem_of(kb, a);
		*cert_pem = pem_of(cb, a);
	}
	BIO_free(kb);
	BIO_free(cb);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}
