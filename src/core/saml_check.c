/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The check of a Response posted to our assertion consumer service, after
 * the Web Browser SSO profile (SAML Profiles 4.1.4.3, 4.1.4.2) and SAML
 * Core 2.5.1:
 *
 * - lasso parses the message, decrypts an EncryptedAssertion with our key
 *   and verifies the signature of the response or, where that is missing
 *   or not the IdP's, of the assertion, by the IdP's key from its metadata;
 * - the status is Success and there is exactly one assertion, issued by
 *   the IdP of the metadata;
 * - a bearer SubjectConfirmationData names our ACS as Recipient, our
 *   request as InResponseTo (the Response's InResponseTo and Destination,
 *   when present, too) and a NotOnOrAfter;
 * - the Conditions' AudienceRestrictions each name our entity id;
 * - NotBefore and NotOnOrAfter hold within SAML_SKEW_S of the clock, and
 *   the assertion is not valid for more than SAML_LIFETIME_MAX_S ahead;
 * - there is an AuthnStatement and a subject.
 *
 * The assertion's ID and the end of its validity go to the caller, whose
 * replay store accepts an ID once.
 */
#include "core/saml.h"
#include "core/saml_int.h"

#include <lasso/xml/misc_text_node.h>
#include <lasso/xml/saml-2.0/saml2_attribute.h>
#include <lasso/xml/saml-2.0/saml2_attribute_statement.h>
#include <lasso/xml/saml-2.0/saml2_attribute_value.h>
#include <lasso/xml/saml-2.0/saml2_audience_restriction.h>
#include <lasso/xml/saml-2.0/saml2_authn_statement.h>
#include <lasso/xml/saml-2.0/samlp2_response.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool
saml_time_parse(const char *s, int64_t *out)
{
	struct tm tm = {0};
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;

	if (!p || tm.tm_year < 70 || tm.tm_year > 1100)
		return false;
	if (*p == '.') /* fractions of a second */
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z')
		p++;
	if (*p)
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

static bool
same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* NotBefore and NotOnOrAfter (NULL: absent) against x->now; the end into *end. */
static int
check_times(const char *what, const char *not_before, const char *not_after, int64_t now,
	    int64_t *end, struct err *e)
{
	int64_t t;

	if (not_before && (!saml_time_parse(not_before, &t) || now + SAML_SKEW_S < t))
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: %s not yet valid ('%.40s')", what,
			       not_before);
	if (!not_after)
		return 0;
	if (!saml_time_parse(not_after, &t) || now - SAML_SKEW_S >= t)
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: %s expired ('%.40s')", what,
			       not_after);
	if (t > now + SAML_LIFETIME_MAX_S)
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: %s valid too long ('%.40s')", what,
			       not_after);
	if (*end == 0 || t < *end)
		*end = t;
	return 0;
}

static int
check_subject(LassoSaml2Assertion *as, const struct saml_sp *sp, const struct saml_expect *x,
	      int64_t *end, struct err *e)
{
	LassoSaml2SubjectConfirmation *sc = as->Subject ? as->Subject->SubjectConfirmation : NULL;
	LassoSaml2SubjectConfirmationData *d = sc ? sc->SubjectConfirmationData : NULL;

	if (!d || !same(sc->Method, LASSO_SAML2_CONFIRMATION_METHOD_BEARER))
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: no bearer subject confirmation");
	if (!same(d->InResponseTo, x->request_id))
		return err_set(e, ERR_NOTFOUND, NULL, "saml: answers request '%.80s'",
			       d->InResponseTo ? d->InResponseTo : "");
	if (!same(d->Recipient, sp->acs_url))
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: recipient '%.200s' is not our ACS",
			       d->Recipient ? d->Recipient : "");
	if (!d->NotOnOrAfter)
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: subject confirmation without end");
	return check_times("subject confirmation", d->NotBefore, d->NotOnOrAfter, x->now, end, e);
}

static int
check_conditions(LassoSaml2Assertion *as, const struct saml_sp *sp, const struct saml_expect *x,
		 int64_t *end, struct err *e)
{
	LassoSaml2Conditions *c = as->Conditions;
	GList *it;

	if (!c || !c->AudienceRestriction)
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: no audience restriction");
	for (it = c->AudienceRestriction; it; it = it->next) {
		LassoSaml2AudienceRestriction *r = it->data;

		if (!LASSO_IS_SAML2_AUDIENCE_RESTRICTION(r) || !same(r->Audience, sp->entity_id))
			return err_set(e, ERR_FORBIDDEN, NULL,
				       "saml: audience '%.200s' is not our entity id",
				       LASSO_IS_SAML2_AUDIENCE_RESTRICTION(r) && r->Audience
					       ? r->Audience
					       : "");
	}
	return check_times("assertion", c->NotBefore, c->NotOnOrAfter, x->now, end, e);
}

/* The text of the first value of attribute `name` (by Name or FriendlyName), or NULL. */
static const char *
attribute(LassoSaml2Assertion *as, const char *name)
{
	for (GList *s = as->AttributeStatement; s && name && name[0]; s = s->next) {
		LassoSaml2AttributeStatement *st = s->data;

		for (GList *i = LASSO_IS_SAML2_ATTRIBUTE_STATEMENT(st) ? st->Attribute : NULL; i;
		     i = i->next) {
			LassoSaml2Attribute *at = i->data;
			LassoSaml2AttributeValue *v;
			LassoMiscTextNode *t;

			if (!LASSO_IS_SAML2_ATTRIBUTE(at) ||
			    !(same(at->Name, name) || same(at->FriendlyName, name)) ||
			    !at->AttributeValue)
				continue;
			v = at->AttributeValue->data;
			t = LASSO_IS_SAML2_ATTRIBUTE_VALUE(v) && v->any ? v->any->data : NULL;
			return LASSO_IS_MISC_TEXT_NODE(t) ? t->content : NULL;
		}
	}
	return NULL;
}

static const char *
value(struct arena *a, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n && n <= SAML_VALUE_MAX ? arena_strdup(a, s) : NULL;
}

/* The one assertion, its statements read into *out. */
static int
read_assertion(LassoSaml2Assertion *as, const char *idp_id, const struct saml_expect *x,
	       struct arena *a, struct saml_assertion *out, struct err *e)
{
	LassoSaml2AuthnStatement *st = as->AuthnStatement ? as->AuthnStatement->data : NULL;
	LassoSaml2NameID *nid = as->Subject ? as->Subject->NameID : NULL;

	if (!as->Issuer || !same(as->Issuer->content, idp_id))
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: assertion not issued by the IdP");
	if (!as->ID || !as->ID[0] || strlen(as->ID) > SAML_VALUE_MAX)
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: assertion without a usable ID");
	if (!LASSO_IS_SAML2_AUTHN_STATEMENT(st))
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: no AuthnStatement");
	out->id = arena_strdup(a, as->ID);
	out->issuer = arena_strdup(a, idp_id);
	out->subject =
		value(a, x->subject_attr && x->subject_attr[0] ? attribute(as, x->subject_attr)
							       : (nid ? nid->content : NULL));
	out->email = value(a, attribute(as, x->email_attr));
	out->authn_context =
		st->AuthnContext ? value(a, st->AuthnContext->AuthnContextClassRef) : NULL;
	if (!out->subject)
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: no subject of 1 to %d bytes",
			       SAML_VALUE_MAX);
	return 0;
}

/* The rules on the checked message; lasso has verified its signature. */
static int
check_response(LassoSamlp2Response *r, const char *idp_id, const struct saml_sp *sp,
	       const struct saml_expect *x, struct arena *a, struct saml_assertion *out,
	       struct err *e)
{
	LassoSamlp2StatusResponse *sr = LASSO_SAMLP2_STATUS_RESPONSE(r);
	LassoSaml2Assertion *as;
	int64_t end = 0;
	int rc;

	if (sr->Destination && !same(sr->Destination, sp->acs_url))
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: destination '%.200s' is not our ACS",
			       sr->Destination);
	if (sr->InResponseTo && !same(sr->InResponseTo, x->request_id))
		return err_set(e, ERR_NOTFOUND, NULL, "saml: response to request '%.80s'",
			       sr->InResponseTo);
	/* Decryption has added to Assertion what was in EncryptedAssertion. */
	if (g_list_length(r->Assertion) != 1 || !LASSO_IS_SAML2_ASSERTION(r->Assertion->data))
		return err_set(e, ERR_FORBIDDEN, NULL, "saml: %u assertions instead of one",
			       g_list_length(r->Assertion));
	as = r->Assertion->data;
	rc = check_subject(as, sp, x, &end, e);
	if (rc == 0)
		rc = check_conditions(as, sp, x, &end, e);
	if (rc == 0)
		rc = read_assertion(as, idp_id, x, a, out, e);
	out->expires_at = end;
	return rc;
}

int
saml_response_check(const struct saml_sp *sp, const char *idp_metadata, const char *response,
		    const struct saml_expect *x, struct arena *a, struct saml_assertion *out,
		    struct err *e)
{
	struct saml_server sv;
	LassoLogin *login = NULL;
	LassoNode *msg;
	const char *idp_id = NULL;
	int rc, lrc;

	memset(out, 0, sizeof(*out));
	if (!response || !response[0] || strlen(response) > SAML_RESPONSE_MAX)
		return err_set(e, ERR_INVALID, NULL, "saml: no SAMLResponse or too big");
	rc = saml_server_new(sp, idp_metadata, &sv, &idp_id, e);
	if (rc)
		return rc;
	login = lasso_login_new(sv.s);
	lasso_profile_set_signature_verify_hint(LASSO_PROFILE(login),
						LASSO_PROFILE_SIGNATURE_VERIFY_HINT_MAYBE);
	lrc = lasso_login_process_authn_response_msg(login, (gchar *)response);
	msg = LASSO_PROFILE(login)->response;
	if (!LASSO_IS_SAMLP2_RESPONSE(msg)) {
		rc = err_set(e, ERR_INVALID, NULL, "saml: no SAML response (%s)",
			     lasso_strerror(lrc));
		goto out;
	}
	if (lrc) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "saml: %s", lasso_strerror(lrc));
		goto out;
	}
	rc = check_response(LASSO_SAMLP2_RESPONSE(msg), idp_id, sp, x, a, out, e);
out:
	lasso_login_destroy(login);
	saml_server_release(&sv);
	return rc;
}
