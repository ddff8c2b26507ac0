-- SPDX-License-Identifier: EUPL-1.2
-- Confirmation of defect reports by email, and merging of duplicates.
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
