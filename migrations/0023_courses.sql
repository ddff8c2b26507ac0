-- SPDX-License-Identifier: EUPL-1.2
-- Courses with bookable places: adult education (VHS), city tours, first
-- aid.  A course has a capacity of places, a registration period (instants,
-- Unix seconds) and a series of sessions (instants; shown in Europe/Berlin).
-- first_starts_at/last_ends_at are written with the sessions, so the list is
-- one query ordered by the first date.
--
-- No overbooking is a rule of the schema: `booked` is raised by
-- UPDATE ... WHERE booked + places <= capacity inside the booking's
-- transaction, and the CHECK is the last guard.  A booking that found the
-- course full may wait ('waiting'); a cancellation moves the first waiting
-- booking (lowest id) up in the same transaction.

CREATE TABLE course (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	slug TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	provider TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	-- The fee in euro cents; 0 is free of charge.
	fee_cents INTEGER NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
	capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
	booked INTEGER NOT NULL DEFAULT 0,
	registration_opens BIGINT NOT NULL,
	registration_closes BIGINT NOT NULL,
	location_name TEXT NOT NULL DEFAULT '',
	location_address TEXT NOT NULL DEFAULT '',
	first_starts_at BIGINT NOT NULL DEFAULT 0,
	last_ends_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (tenant_id, slug),
	CHECK (booked >= 0 AND booked <= capacity),
	CHECK (registration_opens < registration_closes)
);
CREATE INDEX course_list ON course (tenant_id, first_starts_at);

CREATE TABLE course_session (
	course_id BIGINT NOT NULL REFERENCES course (id) ON DELETE CASCADE,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	PRIMARY KEY (course_id, starts_at),
	CHECK (starts_at < ends_at)
);

CREATE TABLE course_booking (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	course_id BIGINT NOT NULL REFERENCES course (id) ON DELETE CASCADE,
	-- What the citizen sees in links: random, not guessable.
	public_id TEXT NOT NULL UNIQUE,
	places INTEGER NOT NULL CHECK (places BETWEEN 1 AND 10),
	name TEXT NOT NULL,
	email TEXT NOT NULL,
	-- BLAKE2b of the cancel token (hex); NULL once it was used.
	token_hash TEXT,
	state TEXT NOT NULL CHECK (state IN ('booked', 'waiting', 'cancelled')),
	created_at BIGINT NOT NULL,
	-- When a waiting booking got its places.
	promoted_at BIGINT,
	cancelled_at BIGINT
);
CREATE INDEX course_booking_course ON course_booking (course_id, state, id);
