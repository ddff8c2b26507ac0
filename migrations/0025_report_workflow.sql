-- SPDX-License-Identifier: EUPL-1.2
-- The staff side of the defect reports (src/features/reports/rp_staff*.c).
--
-- report_note: what staff write about a report for each other (kind
-- 'note', never public) and the messages sent to the reporter by mail
-- (kind 'message', kept so colleagues see what was said).  Rows are only
-- added.
CREATE TABLE report_note (
	id @ID@,
	report_id BIGINT NOT NULL REFERENCES report (id) ON DELETE CASCADE,
	kind TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'message')),
	body TEXT NOT NULL,
	staff_id BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX report_note_report ON report_note (report_id, created_at);
CREATE INDEX report_tenant_office ON report (tenant_id, office_id, created_at);
