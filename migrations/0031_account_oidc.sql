-- SPDX-License-Identifier: EUPL-1.2
-- Login of citizens through an OpenID Connect provider (docs/account.md,
-- "Login with OpenID Connect").

-- The provider's account (issuer, subject) of a tenant linked to a citizen.
CREATE TABLE citizen_identity (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	login_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (tenant_id, issuer, subject)
);
CREATE INDEX citizen_identity_citizen ON citizen_identity (citizen_id);

-- A login under way behind the cookie rh_konto_oidc (the BLAKE2b of its
-- value): state, nonce and PKCE verifier of the authorization request, 10
-- minutes, single use.  After the callback, when an existing account must
-- confirm the link with its password, the row holds the verified identity
-- (citizen_id, issuer, subject, trust_level) for another 10 minutes.
CREATE TABLE citizen_oidc (
	id_hash TEXT PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	state TEXT NOT NULL DEFAULT '',
	nonce TEXT NOT NULL DEFAULT '',
	verifier TEXT NOT NULL DEFAULT '',
	next TEXT NOT NULL DEFAULT '/konto',
	citizen_id BIGINT REFERENCES citizen (id) ON DELETE CASCADE,
	issuer TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	trust_level INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX citizen_oidc_expires ON citizen_oidc (expires_at);

-- The trust level (0 none, 1 to 4) the provider asserted for this login.
ALTER TABLE citizen_session ADD COLUMN trust_level INTEGER NOT NULL DEFAULT 0;

-- Discovery documents and key sets of providers, shared by the instances.
CREATE TABLE oidc_cache (
	url TEXT PRIMARY KEY,
	body TEXT NOT NULL,
	fetched_at BIGINT NOT NULL
);
