-- SPDX-License-Identifier: EUPL-1.2
-- The staff case inbox of the online forms (src/features/forms/form_inbox*.c,
-- docs/forms.md "Case inbox").
--
-- form_case.status follows received -> in_progress -> done | rejected;
-- closed_at is set when it becomes done or rejected, and the retention
-- clock of a closed case starts there.
ALTER TABLE form_case ADD COLUMN closed_at BIGINT;
CREATE INDEX form_case_created ON form_case (tenant_id, created_at, id);
CREATE INDEX form_case_status ON form_case (tenant_id, status, created_at, id);

-- The history of a case: status changes, internal notes and messages to
-- the citizen, with who and when.  Rows are only ever added; they go
-- with their case when retention deletes it.
CREATE TABLE form_case_event (
	id @ID@,
	case_id BIGINT NOT NULL REFERENCES form_case (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('status', 'note', 'message')),
	status TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	staff_id BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX form_case_event_case ON form_case_event (case_id, created_at);
