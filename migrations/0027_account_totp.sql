-- SPDX-License-Identifier: EUPL-1.2
-- Two-factor login of citizens with one-time codes (RFC 6238, docs/account.md).
-- totp_secret is the confirmed secret in base32 ('' when switched off),
-- totp_pending the one being set up until a code confirms it, totp_step the
-- last time step whose code was used (a code counts once).
ALTER TABLE citizen ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE citizen ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE citizen ADD COLUMN totp_step BIGINT NOT NULL DEFAULT 0;

-- The ten single-use recovery codes, as BLAKE2b of the normalised code.
CREATE TABLE citizen_recovery (
	code_hash TEXT PRIMARY KEY,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX citizen_recovery_citizen ON citizen_recovery (citizen_id);

-- A login between the password and the code: no session yet, only this
-- short-lived row behind the cookie rh_konto_mfa (the BLAKE2b of its value).
CREATE TABLE citizen_mfa (
	id_hash TEXT PRIMARY KEY,
	citizen_id BIGINT NOT NULL REFERENCES citizen (id) ON DELETE CASCADE,
	next TEXT NOT NULL DEFAULT '/konto',
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX citizen_mfa_expires ON citizen_mfa (expires_at);
