-- SPDX-License-Identifier: EUPL-1.2
-- Online appointments at a tenant's offices.  A location is an office of the
-- catalogue with a booking grid (slot_minutes); appointment types name a
-- catalogue service and how long one person takes.  The capacity of a grid
-- unit is the number of counters open then.  Times of day are text "HH:MM",
-- dates text "YYYY-MM-DD", instants Unix seconds, as elsewhere.
--
-- No overbooking is a rule of the schema: appt_unit holds one row per
-- location and grid unit that has bookings, and a booking raises `booked`
-- of each unit it covers with a conditional UPDATE ... WHERE booked <
-- capacity inside one transaction; the CHECK below is the last guard.

CREATE TABLE appt_location (
	office_id BIGINT PRIMARY KEY REFERENCES office (id) ON DELETE CASCADE,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	slot_minutes INTEGER NOT NULL DEFAULT 15 CHECK (slot_minutes BETWEEN 5 AND 120),
	-- Bookable from today + lead_days; the window's length is the tenant setting.
	lead_days INTEGER NOT NULL DEFAULT 1 CHECK (lead_days BETWEEN 0 AND 60)
);

CREATE TABLE appt_type (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	leika TEXT NOT NULL DEFAULT '',
	minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),
	-- Kept free after each appointment of this type (files, cleaning the desk).
	buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 120),
	persons_max INTEGER NOT NULL DEFAULT 4 CHECK (persons_max BETWEEN 1 AND 10),
	position INTEGER NOT NULL DEFAULT 0,
	UNIQUE (tenant_id, slug)
);

CREATE TABLE appt_type_location (
	type_id BIGINT NOT NULL REFERENCES appt_type (id) ON DELETE CASCADE,
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	PRIMARY KEY (type_id, office_id)
);

-- The weekly schedule: several rows per weekday for a lunch break.
CREATE TABLE appt_hours (
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
	opens TEXT NOT NULL,
	closes TEXT NOT NULL,
	counters INTEGER NOT NULL CHECK (counters BETWEEN 1 AND 100),
	CHECK (opens < closes)
);
CREATE INDEX appt_hours_office ON appt_hours (office_id);

-- Dated changes: rows with counters > 0 replace that day's weekly rows (and
-- open a public holiday); rows with counters = 0 block their interval.
CREATE TABLE appt_exception (
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	date TEXT NOT NULL,
	opens TEXT NOT NULL,
	closes TEXT NOT NULL,
	counters INTEGER NOT NULL CHECK (counters BETWEEN 0 AND 100),
	note TEXT NOT NULL DEFAULT '',
	CHECK (opens < closes)
);
CREATE INDEX appt_exception_office ON appt_exception (office_id, date);

CREATE TABLE appt_unit (
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	starts_at BIGINT NOT NULL,
	capacity INTEGER NOT NULL,
	booked INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (office_id, starts_at),
	CHECK (booked >= 0 AND booked <= capacity)
);

CREATE TABLE appointment (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	office_id BIGINT NOT NULL REFERENCES appt_location (office_id) ON DELETE CASCADE,
	type_id BIGINT NOT NULL REFERENCES appt_type (id) ON DELETE CASCADE,
	-- What the citizen sees in links: random, not guessable.
	public_id TEXT NOT NULL UNIQUE,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	-- The grid units held: `units` of `unit_seconds` from starts_at.
	units INTEGER NOT NULL,
	unit_seconds INTEGER NOT NULL,
	persons INTEGER NOT NULL,
	name TEXT NOT NULL,
	email TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	-- BLAKE2b of the cancel token (hex); NULL once it was used.
	token_hash TEXT,
	state TEXT NOT NULL DEFAULT 'booked' CHECK (state IN ('booked', 'cancelled')),
	created_at BIGINT NOT NULL,
	cancelled_at BIGINT
);
CREATE INDEX appointment_office_start ON appointment (office_id, starts_at);
