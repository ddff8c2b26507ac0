/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * saml: the service provider's side of SAML 2.0 Web Browser SSO (SAML
 * Profiles 4.1) with liblasso: the SP metadata, a signed AuthnRequest for
 * the HTTP-Redirect binding, and the check of a Response posted to the
 * assertion consumer service (HTTP-POST binding), also with an encrypted
 * assertion.
 *
 * liblasso (with xmlsec1 and libxml2) parses the messages, verifies the
 * signature of the response or of the assertion by a key of the IdP's
 * metadata and decrypts with the SP's key; every other rule of the profile
 * is checked here and written out in saml_check.c: one assertion, its
 * issuer, audience, recipient, InResponseTo and times.  Knows nothing of
 * HTTP, the database or accounts; the input comes from outside and every
 * failure is an error code with a detail for the log.
 */
#ifndef RATHAUS_SAML_H
#define RATHAUS_SAML_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <stdint.h>

#define SAML_SKEW_S 60		       /* clock skew allowed for NotBefore and NotOnOrAfter */
#define SAML_RESPONSE_MAX (512 * 1024) /* bytes of a posted SAMLResponse (base64) */
#define SAML_METADATA_MAX (512 * 1024) /* bytes of an IdP's metadata */
#define SAML_VALUE_MAX 255	       /* bytes of a subject or an address we keep */
#define SAML_LIFETIME_MAX_S 3600       /* an assertion valid longer is held this long */

/* Our side; every string borrowed from the caller for the call. */
struct saml_sp {
	const char *entity_id; /* our entity id: the URL of our metadata */
	const char *acs_url;   /* the assertion consumer service (HTTP-POST) */
	const char *key_pem;   /* private key (PEM) for signing requests and decryption */
	const char *cert_pem;  /* its certificate (PEM), published in the metadata */
};

/* What a response must answer, and which attributes we read. */
struct saml_expect {
	const char *request_id;	  /* the ID of our AuthnRequest (InResponseTo) */
	const char *subject_attr; /* attribute of the subject; NULL or "": the NameID */
	const char *email_attr;	  /* attribute of the address; NULL or "": none */
	int64_t now;		  /* unix time of the check */
};

/* What a checked assertion says; the strings live in the arena of the check. */
struct saml_assertion {
	const char *id;		   /* the assertion's ID, for the replay store */
	const char *issuer;	   /* the IdP's entity id */
	const char *subject;	   /* 1 to SAML_VALUE_MAX bytes */
	const char *email;	   /* NULL when the IdP sent none */
	const char *authn_context; /* AuthnContextClassRef, NULL when none */
	int64_t expires_at;	   /* the end of its validity (at most now + SAML_LIFETIME_MAX_S) */
};

/*
 * The SP's metadata (SAML Metadata 2.4.4): entity id, our certificate for
 * signing and encryption, signed requests, signed assertions wanted, and
 * the ACS with the HTTP-POST binding.  Appended to `out`; 0 or ERR_TOOBIG.
 */
int saml_sp_metadata(const struct saml_sp *sp, struct buf *out) MUST_CHECK;

/*
 * The URL of a signed AuthnRequest (HTTP-Redirect binding, RSA-SHA256) to
 * the IdP of `idp_metadata`, with `relay_state`.  *url and *request_id live
 * in arena `a`.  ERR_FORBIDDEN when the metadata is unusable (detail in e).
 */
int saml_request(const struct saml_sp *sp, const char *idp_metadata, const char *relay_state,
		 struct arena *a, const char **url, const char **request_id,
		 struct err *e) MUST_CHECK;

/*
 * Check the base64 `response` posted to our ACS against the IdP of
 * `idp_metadata` and `x`, and fill *out (strings in arena `a`).  0, or:
 * ERR_INVALID for what is no SAML response at all, ERR_NOTFOUND when it
 * answers another request than x->request_id, ERR_FORBIDDEN for any other
 * failed check (signature, decryption, status, issuer, audience,
 * recipient, times, missing subject).  The reason is in e->detail.
 */
int saml_response_check(const struct saml_sp *sp, const char *idp_metadata, const char *response,
			const struct saml_expect *x, struct arena *a, struct saml_assertion *out,
			struct err *e) MUST_CHECK;

/*
 * A new RSA key of 3072 bits and a self-signed certificate of 20 years for
 * `common_name`, both PEM, in arena `a`.  0 or ERR_INTERNAL.
 */
int saml_keypair_new(const char *common_name, struct arena *a, const char **key_pem,
		     const char **cert_pem, struct err *e) MUST_CHECK;

/* xs:dateTime in UTC ("2026-01-02T03:04:05Z", fractions allowed) as unix time; false if not. */
bool saml_time_parse(const char *s, int64_t *out);

#endif
