-- SPDX-License-Identifier: EUPL-1.2
-- Background jobs and the outbox of outgoing mail (src/jobs/, src/mail/).
--
-- job: one row per piece of work.  A worker claims a due row with a
-- conditional UPDATE that sets claimed_by (a token unique to the claim) and
-- claimed_until (the lease); a row whose lease ran out (its instance died)
-- is claimed again.  Done one-off jobs are deleted; a recurring job is one
-- row per installation (unique_key 'every:<kind>') that is moved to its next
-- run; after max attempts a job stays as 'dead' with its last error.
CREATE TABLE job (
	id @ID@,
	kind TEXT NOT NULL,
	tenant_id BIGINT REFERENCES tenant (id) ON DELETE CASCADE,
	payload TEXT NOT NULL DEFAULT '{}',
	unique_key TEXT UNIQUE,
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'dead')),
	run_at BIGINT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	claimed_by TEXT,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
-- The claim query: due rows of one kind, oldest first.
CREATE INDEX job_due ON job (kind, state, run_at);

-- mail_outbox: every mail, written in the transaction of the change that
-- causes it, as the complete RFC 5322 message; a 'mail.deliver' job sends it.
CREATE TABLE mail_outbox (
	id @ID@,
	tenant_id BIGINT REFERENCES tenant (id) ON DELETE SET NULL,
	from_addr TEXT NOT NULL,
	to_addr TEXT NOT NULL,
	subject TEXT NOT NULL,
	message_id TEXT NOT NULL,
	message TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	sent_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX mail_outbox_state ON mail_outbox (state, created_at);
