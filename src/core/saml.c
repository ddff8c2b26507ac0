/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The SP's metadata and the AuthnRequest, and the lasso objects both
 * sides share.  liblasso is set up once per process (lasso_init() is not
 * thread-safe, so it runs under pthread_once); after that every call
 * builds its own LassoServer from the metadata, so threads share nothing.
 * lasso, xmlsec and libxml2 report problems on stderr by default: their
 * handlers are set to drop them, since every failure reaches the caller
 * as an error with its detail.
 */
#include "core/saml.h"
#include "core/saml_int.h"

#include "core/xml.h"

#include <lasso/lasso.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xmlsec/errors.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool ready;

static void
drop_glib(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
}

static void
drop_xmlsec(const char *file, int line, const char *func, const char *obj, const char *subj,
	    int reason, const char *msg)
{
}

static void
init_once(void)
{
	ready = lasso_init() == 0;
	g_log_set_handler("Lasso", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
			  drop_glib, NULL);
	xmlSecErrorsSetCallback(drop_xmlsec);
}

static void
drop_xml(void *ctx, const char *msg, ...)
{
}

static void
drop_xml_structured(void *ctx, xmlErrorPtr error)
{
}

int
saml_ready(struct err *e)
{
	pthread_once(&once, init_once);
	/* libxml2 keeps its error handlers per thread. */
	xmlSetGenericErrorFunc(NULL, drop_xml);
	xmlSetStructuredErrorFunc(NULL, drop_xml_structured);
	return ready ? 0 : err_set(e, ERR_INTERNAL, NULL, "saml: lasso_init failed");
}

/* The base64 body of a PEM certificate, without its armour and line breaks. */
static void
cert_body(struct buf *out, const char *pem)
{
	const char *p = strstr(pem, "-----BEGIN CERTIFICATE-----");
	const char *end = p ? strstr(p, "-----END CERTIFICATE-----") : NULL;

	if (!end)
		return;
	for (p += strlen("-----BEGIN CERTIFICATE-----"); p < end; p++)
		if (!strchr("\r\n \t", *p))
			(void)buf_addc(out, *p);
}

static void
key_descriptor(struct buf *out, const char *use, const char *cert_pem)
{
	(void)buf_addf(out,
		       "<md:KeyDescriptor use=\"%s\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>",
		       use);
	cert_body(out, cert_pem);
	(void)buf_adds(out, "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
			    "</md:KeyDescriptor>");
}

int
saml_sp_metadata(const struct saml_sp *sp, struct buf *out)
{
	(void)buf_adds(out,
		       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
		       "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"");
	xml_escape(out, sp->entity_id);
	(void)buf_adds(out, "\"><md:SPSSODescriptor AuthnRequestsSigned=\"true\" "
			    "WantAssertionsSigned=\"true\" protocolSupportEnumeration="
			    "\"urn:oasis:names:tc:SAML:2.0:protocol\">");
	key_descriptor(out, "signing", sp->cert_pem);
	key_descriptor(out, "encryption", sp->cert_pem);
	(void)buf_adds(out,
		       "<md:AssertionConsumerService Binding=\"" LASSO_SAML2_METADATA_BINDING_POST
		       "\" Location=\"");
	xml_escape(out, sp->acs_url);
	return buf_adds(out, "\" index=\"0\" isDefault=\"true\"/></md:SPSSODescriptor>"
			     "</md:EntityDescriptor>\n");
}

/*
 * A PEM given to lasso as the path of a memory file: lasso tries a key or
 * certificate as a file name before it reads it as PEM, and xmlsec 1.2.37
 * loses a BIO on every failed open, so it gets a name that opens.
 */
static int
pem_file(const char *pem, int *fd, char *path, size_t n)
{
	size_t len = strlen(pem);

	*fd = memfd_create("saml-pem", MFD_CLOEXEC);
	if (*fd < 0 || write(*fd, pem, len) != (ssize_t)len)
		return -1;
	snprintf(path, n, "/proc/self/fd/%d", *fd);
	return 0;
}

void
saml_server_release(struct saml_server *sv)
{
	if (sv->s)
		lasso_server_destroy(sv->s);
	if (sv->key_fd >= 0)
		close(sv->key_fd);
	if (sv->cert_fd >= 0)
		close(sv->cert_fd);
	sv->s = NULL;
	sv->key_fd = sv->cert_fd = -1;
}

int
saml_server_new(const struct saml_sp *sp, const char *idp_metadata, struct saml_server *sv,
		const char **idp_id, struct err *e)
{
	struct buf md;
	LassoProvider *idp = NULL;
	int rc = saml_ready(e);

	*sv = (struct saml_server){.s = NULL, .key_fd = -1, .cert_fd = -1};
	if (rc)
		return rc;
	if (pem_file(sp->key_pem, &sv->key_fd, sv->key_path, sizeof(sv->key_path)) ||
	    pem_file(sp->cert_pem, &sv->cert_fd, sv->cert_path, sizeof(sv->cert_path))) {
		saml_server_release(sv);
		return err_set(e, ERR_INTERNAL, NULL, "saml: memfd_create failed");
	}
	buf_init(&md, SAML_METADATA_MAX);
	if (saml_sp_metadata(sp, &md) == 0)
		sv->s = lasso_server_new_from_buffers(md.p, sv->key_path, NULL, sv->cert_path);
	buf_release(&md);
	if (!sv->s || lasso_server_set_encryption_private_key(sv->s, sv->key_path) != 0) {
		saml_server_release(sv);
		return err_set(e, ERR_INTERNAL, NULL, "saml: our metadata or key is unusable");
	}
	sv->s->signature_method = LASSO_SIGNATURE_METHOD_RSA_SHA256;
	if (idp_metadata && strlen(idp_metadata) < SAML_METADATA_MAX)
		idp = lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_IDP, idp_metadata, NULL,
						     NULL);
	if (!idp || !idp->ProviderID || lasso_server_add_provider2(sv->s, idp) != 0) {
		if (idp)
			g_object_unref(idp);
		saml_server_release(sv);
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: the IdP's metadata is unusable");
	}
	*idp_id = idp->ProviderID; /* the server holds the provider */
	return 0;
}

int
saml_request(const struct saml_sp *sp, const char *idp_metadata, const char *relay_state,
	     struct arena *a, const char **url, const char **request_id, struct err *e)
{
	struct saml_server sv;
	LassoLogin *login = NULL;
	LassoSamlp2AuthnRequest *req;
	const char *idp_id = NULL;
	int rc = saml_server_new(sp, idp_metadata, &sv, &idp_id, e);

	if (rc)
		return rc;
	login = lasso_login_new(sv.s);
	if (!login || lasso_login_init_authn_request(login, idp_id, LASSO_HTTP_METHOD_REDIRECT)) {
		rc = err_set(e, ERR_FORBIDDEN, NULL,
			     "saml: the IdP takes no HTTP-Redirect request");
		goto out;
	}
	req = LASSO_SAMLP2_AUTHN_REQUEST(LASSO_PROFILE(login)->request);
	req->IsPassive = FALSE;
	req->ForceAuthn = FALSE;
	g_free(req->ProtocolBinding);
	req->ProtocolBinding = g_strdup(LASSO_SAML2_METADATA_BINDING_POST);
	g_free(req->AssertionConsumerServiceURL);
	req->AssertionConsumerServiceURL = g_strdup(sp->acs_url);
	if (req->NameIDPolicy) {
		g_free(req->NameIDPolicy->Format);
		req->NameIDPolicy->Format = NULL; /* the IdP's choice */
		req->NameIDPolicy->AllowCreate = TRUE;
	}
	LASSO_PROFILE(login)->msg_relayState = g_strdup(relay_state);
	if (lasso_login_build_authn_request_msg(login) || !LASSO_PROFILE(login)->msg_url) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "saml: could not build the AuthnRequest");
		goto out;
	}
	*url = arena_strdup(a, LASSO_PROFILE(login)->msg_url);
	*request_id = arena_strdup(a, LASSO_SAMLP2_REQUEST_ABSTRACT(req)->ID);
out:
	if (login)
		lasso_login_destroy(login);
	saml_server_release(&sv);
	return rc;
}
