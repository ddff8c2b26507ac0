-- SPDX-License-Identifier: EUPL-1.2
-- The file store (src/files/) and the typed settings of each tenant
-- (src/tenant/tenant_settings.c).
--
-- file: one row per uploaded or generated file.  id is 128 random bits,
-- base64url; the bytes live under data_dir/files/ on SQLite and in
-- file_data on PostgreSQL, so instances sharing a PostgreSQL database
-- share no disk.  expires_at 0: kept until deleted.
CREATE TABLE file (
	id TEXT PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	purpose TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	name TEXT NOT NULL,
	owner TEXT NOT NULL DEFAULT '',
	is_public INTEGER NOT NULL DEFAULT 0,
	sha256 TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX file_tenant ON file (tenant_id, purpose);
CREATE INDEX file_expires ON file (expires_at);

-- The bytes of a file on PostgreSQL, base64 (the storage interface binds text).
CREATE TABLE file_data (
	file_id TEXT PRIMARY KEY REFERENCES file (id) ON DELETE CASCADE,
	data TEXT NOT NULL
);

-- key: one of the keys declared in src/tenant/tenant_settings.c; value in
-- its canonical text form.  A key without a row has its default.
CREATE TABLE tenant_setting (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	updated_by BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	PRIMARY KEY (tenant_id, key)
);
