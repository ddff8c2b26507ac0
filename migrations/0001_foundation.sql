-- SPDX-License-Identifier: EUPL-1.2
-- Foundation: tenants, staff users with roles per tenant, sessions, rate limits, audit log.
-- Portable SQL for SQLite and PostgreSQL: times are Unix seconds (BIGINT),
-- flags are INTEGER 0/1, @ID@ is the dialect's auto-increment primary key.

CREATE TABLE tenant (
	id @ID@,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('gemeinde', 'stadt', 'samtgemeinde', 'kreis',
		'land', 'portal_network')),
	ars TEXT NOT NULL DEFAULT '',
	parent_id BIGINT REFERENCES tenant (id),
	host TEXT UNIQUE,
	languages TEXT NOT NULL DEFAULT 'de,en',
	theme_primary TEXT NOT NULL DEFAULT '#004b76',
	logo_text TEXT NOT NULL DEFAULT '',
	street TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	web TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX tenant_parent ON tenant (parent_id);

CREATE TABLE staff_user (
	id @ID@,
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);

CREATE TABLE staff_role (
	user_id BIGINT NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'caseworker')),
	PRIMARY KEY (user_id, tenant_id, role)
);
CREATE INDEX staff_role_tenant ON staff_role (tenant_id);

-- The session id is stored only as a hash, so a leaked table opens no session.
CREATE TABLE session (
	id_hash TEXT PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	user_id BIGINT REFERENCES staff_user (id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	seen_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX session_expires ON session (expires_at);

-- Fixed-window counters shared by all instances.
CREATE TABLE rate_limit (
	bucket TEXT NOT NULL,
	window_start BIGINT NOT NULL,
	hits INTEGER NOT NULL,
	PRIMARY KEY (bucket, window_start)
);

CREATE TABLE audit_log (
	id @ID@,
	tenant_id BIGINT REFERENCES tenant (id) ON DELETE SET NULL,
	user_id BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, at);
