-- SPDX-License-Identifier: EUPL-1.2
-- Login of citizens through a SAML 2.0 identity provider such as BundID
-- (docs/account.md, "Login with SAML").  Linked identities, the trust level
-- of the session and the link with a password are those of 0031.

-- The key pair of the installation's service provider when the
-- configuration names no files: made by the first instance that needs it
-- (the insert of id 1 wins once), the same for every instance.
CREATE TABLE saml_sp_key (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	key_pem TEXT NOT NULL,
	cert_pem TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

-- An AuthnRequest sent, behind the cookie rh_konto_saml (the BLAKE2b of its
-- value): its ID, which the response must answer, and where to go after
-- the login; 10 minutes, single use.
CREATE TABLE citizen_saml (
	id_hash TEXT PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	request_id TEXT NOT NULL,
	next TEXT NOT NULL DEFAULT '/konto',
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX citizen_saml_expires ON citizen_saml (expires_at);

-- Every assertion accepted, until it expires: the primary key lets an
-- assertion in once, on any instance.
CREATE TABLE saml_assertion (
	issuer TEXT NOT NULL,
	assertion_id TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	PRIMARY KEY (issuer, assertion_id)
);
CREATE INDEX saml_assertion_expires ON saml_assertion (expires_at);
