-- SPDX-License-Identifier: EUPL-1.2
-- Delivery of submitted cases to a per-form HTTPS endpoint
-- (src/features/forms/form_delivery*.c, docs/forms.md "Delivery").
--
-- form_delivery_target: where the cases of one form of a tenant go, for
-- every version of the form.  secret signs each request (HMAC-SHA256); it
-- is needed in clear to sign, so it is kept as given and shown back to
-- staff only by its last characters.
CREATE TABLE form_delivery_target (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	form_id TEXT NOT NULL,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, form_id)
);

-- One delivery per case, written in the submission's transaction together
-- with its 'forms.deliver' job.  state: pending -> delivered | failed;
-- "Erneut zustellen" moves failed back to pending with a new job.
-- next_at is when the job tries next (for the staff page); the job row
-- holds the schedule itself.
CREATE TABLE form_delivery (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	case_id BIGINT NOT NULL UNIQUE REFERENCES form_case (id) ON DELETE CASCADE,
	state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
	attempts BIGINT NOT NULL DEFAULT 0,
	last_status BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	next_at BIGINT NOT NULL DEFAULT 0,
	delivered_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX form_delivery_state ON form_delivery (tenant_id, state);
