-- SPDX-License-Identifier: EUPL-1.2
-- Appointments and the citizen account, the citizen's language, and the
-- waiting list per day (docs/appointments.md).
--
-- citizen_id: the account that booked (NULL: booked without one, or the
-- account was deleted); its owner sees and cancels the booking under
-- /konto/termine without the mailed token.  lang: the language of the
-- pages the booking was made in; the reminder is written in it.
ALTER TABLE appointment ADD COLUMN citizen_id BIGINT REFERENCES citizen (id) ON DELETE SET NULL;
ALTER TABLE appointment ADD COLUMN lang TEXT NOT NULL DEFAULT 'de';
CREATE INDEX appointment_citizen ON appointment (citizen_id, starts_at) WHERE citizen_id IS NOT NULL;

-- A booking that waits for the confirmation of its mailed link (tenant
-- setting appt_confirm_minutes): the deadline; NULL once confirmed or when
-- none was asked for.  It holds its places meanwhile; the job appt.remind
-- cancels it after the deadline and gives them back.
ALTER TABLE appointment ADD COLUMN confirm_expires BIGINT;
CREATE INDEX appointment_unconfirmed ON appointment (confirm_expires) WHERE confirm_expires IS NOT NULL;

-- Citizens waiting for a place of a type at a location on one local day
-- (day: days since 1970-01-01 in Europe/Berlin).  A freed place is offered
-- by mail to the earliest entry not yet offered one (offered_at), in the
-- transaction that frees it; token_hash is the BLAKE2b of the token of the
-- link that leaves the list.
CREATE TABLE appt_wait (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	type_id BIGINT NOT NULL REFERENCES appt_type (id) ON DELETE CASCADE,
	day BIGINT NOT NULL,
	email TEXT NOT NULL,
	lang TEXT NOT NULL DEFAULT 'de',
	token_hash TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	offered_at BIGINT,
	UNIQUE (office_id, type_id, day, email)
);
CREATE INDEX appt_wait_open ON appt_wait (office_id, type_id, day, id) WHERE offered_at IS NULL;
