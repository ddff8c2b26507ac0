-- SPDX-License-Identifier: EUPL-1.2
-- Daily booking limits per e-mail address and per client IP (tenant settings
-- appt_limit_email and appt_limit_ip).  A booking raises its two counters
-- with UPDATE ... WHERE booked < limit inside the booking's transaction, as
-- it raises its grid units, so a booking that fails takes nothing and two
-- instances cannot both pass the last place.  key_hash is the hex BLAKE2b
-- of tenant, day, kind and the address: neither e-mail addresses nor IPs
-- are stored, and the same address gives other hashes on other days.  Rows
-- of past days are deleted by the 'appt.remind' job.
CREATE TABLE appt_limit (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	-- The local date "YYYY-MM-DD" the bookings were made on.
	day TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('email', 'ip')),
	key_hash TEXT NOT NULL,
	booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
	PRIMARY KEY (tenant_id, day, kind, key_hash)
);
CREATE INDEX appt_limit_day ON appt_limit (day);

-- Moving a booking to another time ("Termin verschieben") keeps its public id,
-- so the calendar event keeps its UID; `revision` is the event's SEQUENCE
-- (RFC 5545 3.8.7.4), raised with each move so calendars replace the event.
ALTER TABLE appointment ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
