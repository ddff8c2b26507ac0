-- SPDX-License-Identifier: EUPL-1.2
-- Online forms (src/features/forms/, docs/forms.md).
--
-- form: every version of every definition of a tenant; the newest
-- published version is the one citizens fill in, cases keep the version
-- they were made with.  definition is the JSON of docs/forms.schema.json.
CREATE TABLE form (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	id TEXT NOT NULL,
	version BIGINT NOT NULL,
	title TEXT NOT NULL,
	leika TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'published',
	definition TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, id, version)
);
CREATE INDEX form_leika ON form (tenant_id, leika);

-- The last case number given per tenant and year: the counter behind
-- LUE-2026-000123, taken with one conditional upsert.
CREATE TABLE form_case_seq (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	year BIGINT NOT NULL,
	last BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, year)
);

-- A submitted application.  answers is the clean JSON of the answers by key.
CREATE TABLE form_case (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	case_no TEXT NOT NULL,
	form_id TEXT NOT NULL,
	form_version BIGINT NOT NULL,
	status TEXT NOT NULL DEFAULT 'received',
	channel TEXT NOT NULL,
	answers TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (tenant_id, case_no)
);
CREATE INDEX form_case_form ON form_case (tenant_id, form_id, created_at);

-- Idempotency keys of submissions: the first request with a key inserts the
-- row and makes the case in the same transaction; a concurrent one waits
-- on the key and then reads the case number.  fingerprint spots a key
-- reused for another request.
CREATE TABLE form_idempotency (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	idem_key TEXT NOT NULL,
	form_id TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	case_no TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, idem_key)
);
CREATE INDEX form_idempotency_created ON form_idempotency (created_at);

-- Answers of a citizen between steps, found by the SHA-256 of a secret
-- token (cookie or resume link); deleted after expires_at.
CREATE TABLE form_draft (
	token_hash TEXT PRIMARY KEY,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	form_id TEXT NOT NULL,
	form_version BIGINT NOT NULL,
	answers TEXT NOT NULL,
	step BIGINT NOT NULL DEFAULT 0,
	case_no TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX form_draft_expires ON form_draft (expires_at);
