-- SPDX-License-Identifier: EUPL-1.2
-- Confirmation of defect reports by email, merging of duplicates, and the
-- API keys of Open311 clients.
-- Confirmation (src/features/reports/rp_submit.c):
-- a report made with an email address is published only once the link
-- mailed to that address was opened.  confirm_hash is the BLAKE2b hash
-- (hex) of the link's token, NULL for reports that need no confirmation
-- (no address given, or made before this migration); confirmed_at is when
-- the link was first opened.
ALTER TABLE report ADD COLUMN confirm_hash TEXT;
ALTER TABLE report ADD COLUMN confirmed_at BIGINT;
CREATE INDEX report_confirm ON report (confirm_hash);

-- Merging (src/features/reports/rp_staff.c): duplicate_of is the report this
-- one repeats; it then follows that report's later states (and mails).
ALTER TABLE report ADD COLUMN duplicate_of BIGINT REFERENCES report (id) ON DELETE SET NULL;
CREATE INDEX report_duplicate ON report (duplicate_of);

-- Open311 POST (src/features/reports/rp_post.c): the API keys of a
-- tenant's clients, issued and revoked by its admins.  Only the BLAKE2b
-- hash (hex) of a key is kept; the key is shown once when issued.
CREATE TABLE report_api_key (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	key_hash TEXT NOT NULL UNIQUE,
	created_by BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL,
	revoked_at BIGINT
);
CREATE INDEX report_api_key_tenant ON report_api_key (tenant_id);
