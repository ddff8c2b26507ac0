-- SPDX-License-Identifier: EUPL-1.2
-- Citizen accounts (src/features/account/): one account per installation,
-- usable on every tenant.  Secrets are stored only as hashes: the password
-- as Argon2id, session ids and mailed tokens as BLAKE2b (auth_token_hash).

-- email is kept in lower case; verified_at 0 until the address is confirmed.
CREATE TABLE citizen (
	id @ID@,
	email TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	verified_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- Sessions of citizens: not bound to a tenant (docs/account.md).
CREATE TABLE citizen_session (
	id_hash TEXT PRIMARY KEY,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
	tenant_id BIGINT REFERENCES tenant (id) ON DELETE SET NULL,
	ip TEXT NOT NULL DEFAULT '',
	agent TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX citizen_session_citizen ON citizen_session (citizen_id);
CREATE INDEX citizen_session_expires ON citizen_session (expires_at);

-- Single-use tokens sent by mail: address verification (48 h), password
-- reset (1 h) and a change of address (48 h, the new address in new_email).
CREATE TABLE citizen_token (
	token_hash TEXT PRIMARY KEY,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
	purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'email')),
	new_email TEXT,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX citizen_token_citizen ON citizen_token (citizen_id, purpose);
CREATE INDEX citizen_token_expires ON citizen_token (expires_at);

-- Failed logins per address (known or not, so it tells nothing) and per IP,
-- with the time before which the next attempt is refused (backoff).
CREATE TABLE citizen_throttle (
	key TEXT PRIMARY KEY,
	fails INTEGER NOT NULL,
	next_at BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL
);

-- The logins the citizen sees on /konto/anmeldungen: each try with the right
-- address, successful or not, kept 90 days.
CREATE TABLE citizen_login (
	id @ID@,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
	tenant_id BIGINT REFERENCES tenant (id) ON DELETE SET NULL,
	at BIGINT NOT NULL,
	ok INTEGER NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX citizen_login_citizen ON citizen_login (citizen_id, at);
