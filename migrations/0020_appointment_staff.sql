-- SPDX-License-Identifier: EUPL-1.2
-- What the staff of a citizens' office do with the bookings: the visit of a
-- booking (checked in, called, done, no-show, each with its time) and
-- blocked times at a location.
--
-- A blocked time (a staff meeting, training) is one appt_block row that
-- staff see and delete, and one appt_exception row with 0 counters per day
-- it covers: the slot logic reads exceptions already, so a block takes its
-- places away from the public slots at once, and deleting the block deletes
-- its exception rows with it.  Bookings inside a block stay; staff see them
-- as conflicts.

CREATE TABLE appt_block (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	-- Local dates "YYYY-MM-DD" and times "HH:MM", the same interval each day.
	first_date TEXT NOT NULL,
	last_date TEXT NOT NULL,
	opens TEXT NOT NULL,
	closes TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL,
	CHECK (first_date <= last_date AND opens < closes)
);
CREATE INDEX appt_block_office ON appt_block (office_id, last_date);

ALTER TABLE appt_exception ADD COLUMN block_id BIGINT REFERENCES appt_block (id) ON DELETE CASCADE;
CREATE INDEX appt_exception_block ON appt_exception (block_id);

-- One row per booking that staff have handled.  `number` is the call number
-- of the day at the location, drawn at the first change; the call display
-- shows it instead of a name.  Each status keeps the time it was last set.
CREATE TABLE appt_visit (
	appointment_id BIGINT PRIMARY KEY REFERENCES appointment (id) ON DELETE CASCADE,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	day TEXT NOT NULL,
	number INTEGER NOT NULL CHECK (number > 0),
	status TEXT NOT NULL CHECK (status IN ('checked_in', 'called', 'done', 'no_show')),
	-- Where the citizen is called to ("Platz 3"); empty until called.
	desk TEXT NOT NULL DEFAULT '',
	checked_in_at BIGINT,
	called_at BIGINT,
	done_at BIGINT,
	no_show_at BIGINT,
	changed_by BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	UNIQUE (office_id, day, number)
);
CREATE INDEX appt_visit_called ON appt_visit (office_id, called_at);
CREATE INDEX appointment_tenant_start ON appointment (tenant_id, starts_at);
