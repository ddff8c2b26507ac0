-- SPDX-License-Identifier: EUPL-1.2
-- Defect reports and the citizen account: citizen_id is the account that
-- was logged in when the report was made (NULL: made without one, through
-- Open311, or the account was deleted).  Its owner follows the report under
-- /konto/meldungen without the tracking link; the rows are read by the
-- session's account, never by an id from the URL alone.
ALTER TABLE report ADD COLUMN citizen_id BIGINT REFERENCES citizen (id) ON DELETE SET NULL;
CREATE INDEX report_citizen ON report (citizen_id, created_at) WHERE citizen_id IS NOT NULL;
