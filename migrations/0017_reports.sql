-- SPDX-License-Identifier: EUPL-1.2
-- Defect reports (Mängelmelder) of a tenant, also served as Open311
-- GeoReport v2 (src/features/reports/).
--
-- report_category: what citizens report; code is the Open311 service_code.
-- attributes is the JSON array of the Open311 service definition's extra
-- attributes (code, datatype, description, required, values).
CREATE TABLE report_category (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	grp TEXT NOT NULL DEFAULT '',
	keywords TEXT NOT NULL DEFAULT '',
	attributes TEXT NOT NULL DEFAULT '[]',
	position INTEGER NOT NULL DEFAULT 0,
	is_active INTEGER NOT NULL DEFAULT 1,
	UNIQUE (tenant_id, code)
);

-- report: one defect.  number is the tenant's own running number (the
-- Open311 service_request_id).  status repeats the newest row of
-- report_status for filtering.  description is what the reporter wrote
-- and stays internal: the public sees public_text only, set when staff
-- approved it (it may hold personal data).  The contact columns are
-- personal data and never leave the staff pages.  Coordinates are
-- micro-degrees (WGS 84), NULL when the report has none.
CREATE TABLE report (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	number BIGINT NOT NULL,
	category_id BIGINT NOT NULL REFERENCES report_category (id) ON DELETE CASCADE,
	status TEXT NOT NULL DEFAULT 'received'
		CHECK (status IN ('received', 'in_progress', 'done', 'rejected', 'forwarded')),
	description TEXT NOT NULL,
	public_text TEXT,
	street TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	place TEXT NOT NULL DEFAULT '',
	lat_e6 BIGINT,
	lon_e6 BIGINT,
	office_id BIGINT REFERENCES office (id) ON DELETE SET NULL,
	answers TEXT NOT NULL DEFAULT '{}',
	contact_name TEXT NOT NULL DEFAULT '',
	contact_email TEXT NOT NULL DEFAULT '',
	contact_phone TEXT NOT NULL DEFAULT '',
	consent_at BIGINT,
	-- BLAKE2b of the tracking token (hex); also answers Open311 tokens/{token}.
	token_hash TEXT UNIQUE,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (tenant_id, number)
);
CREATE INDEX report_tenant_created ON report (tenant_id, created_at);
CREATE INDEX report_tenant_status ON report (tenant_id, status, created_at);

-- The status history: rows are only ever added (never updated or deleted
-- by the application).  note is public (Open311 status_notes).
CREATE TABLE report_status (
	id @ID@,
	report_id BIGINT NOT NULL REFERENCES report (id) ON DELETE CASCADE,
	status TEXT NOT NULL
		CHECK (status IN ('received', 'in_progress', 'done', 'rejected', 'forwarded')),
	note TEXT NOT NULL DEFAULT '',
	office_id BIGINT REFERENCES office (id) ON DELETE SET NULL,
	staff_id BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX report_status_report ON report_status (report_id, created_at);

-- Photos of a report in the file store; public only once staff approved them.
CREATE TABLE report_photo (
	report_id BIGINT NOT NULL REFERENCES report (id) ON DELETE CASCADE,
	file_id TEXT NOT NULL REFERENCES file (id) ON DELETE CASCADE,
	position INTEGER NOT NULL DEFAULT 0,
	is_approved INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (report_id, file_id)
);

-- Routing: which office of the tenant takes a report, by category and area
-- (postal code or place as typed; the data has no street lists or
-- boundaries).  NULL category and '' area match everything; the most
-- specific row wins (category, then postal code, then place).
CREATE TABLE report_route (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	category_id BIGINT REFERENCES report_category (id) ON DELETE CASCADE,
	postal_code TEXT NOT NULL DEFAULT '',
	place TEXT NOT NULL DEFAULT '',
	office_id BIGINT NOT NULL REFERENCES office (id) ON DELETE CASCADE
);
CREATE INDEX report_route_tenant ON report_route (tenant_id);
