-- SPDX-License-Identifier: EUPL-1.2
-- The reminder the day before an appointment.  The 'appt.remind' job claims
-- a booking by setting reminded_at with a conditional UPDATE (WHERE
-- reminded_at IS NULL) in the transaction that puts the mail into the
-- outbox, so each booking gets one reminder however many instances run the
-- job.  The reminder's cancel link carries a second token: the first one is
-- kept only as its hash and cannot be mailed again.
ALTER TABLE appointment ADD COLUMN reminded_at BIGINT;
-- BLAKE2b of the reminder's cancel token (hex); NULL once the booking is cancelled.
ALTER TABLE appointment ADD COLUMN reminder_token_hash TEXT;
CREATE INDEX appointment_remind ON appointment (starts_at) WHERE reminded_at IS NULL AND state = 'booked';
