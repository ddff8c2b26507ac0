-- SPDX-License-Identifier: EUPL-1.2
-- Trusted organisers of the event calendar: staff of a tenant mark an
-- organiser by e-mail address (kept in lower case); a submission from that
-- address is published without moderation once the submitter has opened
-- the confirmation link mailed to it.  Removing the row stops that at once,
-- also for links already sent.
CREATE TABLE event_organiser (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	email TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (tenant_id, email)
);

-- The confirmation of a trusted organiser's submission: the BLAKE2b hash of
-- the mailed token (auth_token_hash), cleared when used, and its expiry.
ALTER TABLE event ADD COLUMN confirm_hash TEXT;
ALTER TABLE event ADD COLUMN confirm_expires BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX event_confirm ON event (confirm_hash);

-- A submission made while logged in with a citizen account belongs to it
-- and is listed under /konto/veranstaltungen with its moderation state.
ALTER TABLE event ADD COLUMN citizen_id BIGINT REFERENCES citizen (id) ON DELETE SET NULL;
CREATE INDEX event_citizen ON event (citizen_id) WHERE citizen_id IS NOT NULL;
