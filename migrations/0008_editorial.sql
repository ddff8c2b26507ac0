-- SPDX-License-Identifier: EUPL-1.2
-- The editorial workflow: every change staff make to a tenant's service layer
-- or to an office is a revision (a JSON snapshot of the editable fields).
-- The public rows (tenant_service, tenant_service_text, responsibility,
-- office, office_hours) are written only when a revision is published, or
-- when the publish_at time of a scheduled one has come (src/features/editor/).
-- state: draft -> review -> published, or scheduled until publish_at;
-- replaced: a scheduled revision overtaken by a later publication.

CREATE TABLE revision (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('service', 'office')),
	subject TEXT NOT NULL,
	num INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('draft', 'review', 'scheduled', 'published',
		'replaced')),
	author_id BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL,
	changed_at BIGINT NOT NULL,
	publish_at BIGINT NOT NULL DEFAULT 0,
	snapshot TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, kind, subject, num)
);
CREATE INDEX revision_state ON revision (tenant_id, state, publish_at);

-- When the published text of a service should be checked again ("YYYY-MM-DD", '' for never).
ALTER TABLE tenant_service ADD COLUMN review_due TEXT NOT NULL DEFAULT '';
