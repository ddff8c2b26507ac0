-- SPDX-License-Identifier: EUPL-1.2
-- The form editor and the installation's form library
-- (src/features/forms/form_edit*.c, form_lib*.c, docs/forms.md "Editor and library").
--
-- form_entry: a form of a tenant that staff made or adopted, from the
-- moment it is made (before its first version in `form`).  title names it
-- until then.  A form adopted from the library names its origin:
-- origin_tenant_id and origin_form, and base_version, the library version
-- its local copy was last taken over from (the base of the three-way merge).
-- origin_tenant_id is NULL for a tenant's own form; an origin that is
-- deleted leaves the copy as the adopter's own.
CREATE TABLE form_entry (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	id TEXT NOT NULL,
	title TEXT NOT NULL,
	origin_tenant_id BIGINT REFERENCES tenant (id) ON DELETE SET NULL,
	origin_form TEXT NOT NULL DEFAULT '',
	base_version BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX form_entry_origin ON form_entry (origin_tenant_id, origin_form);

-- form_library: definitions a tenant shared with every tenant of the
-- installation, one row per version; rows are only added.  It holds the
-- definition and what lists show, never cases or answers.
CREATE TABLE form_library (
	origin_tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	form_id TEXT NOT NULL,
	version BIGINT NOT NULL,
	title TEXT NOT NULL,
	leika TEXT NOT NULL DEFAULT '',
	definition TEXT NOT NULL,
	published_at BIGINT NOT NULL,
	PRIMARY KEY (origin_tenant_id, form_id, version)
);
