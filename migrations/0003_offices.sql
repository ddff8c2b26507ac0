-- SPDX-License-Identifier: EUPL-1.2
-- Offices of a tenant (Bürgerbüro, Standesamt, ...) with weekly opening
-- hours, dated exceptions, which office is responsible for which service,
-- and public holidays per Land.  Portable SQL for SQLite and PostgreSQL:
-- times of day are text "HH:MM", dates text "YYYY-MM-DD" (both sort as
-- text), flags INTEGER 0/1, @ID@ is the dialect's auto-increment key.

CREATE TABLE office (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	street TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	web TEXT NOT NULL DEFAULT '',
	lat TEXT NOT NULL DEFAULT '',
	lon TEXT NOT NULL DEFAULT '',
	accessibility TEXT NOT NULL DEFAULT '',
	appointment_only INTEGER NOT NULL DEFAULT 0 CHECK (appointment_only IN (0, 1)),
	appointment_url TEXT NOT NULL DEFAULT '',
	-- Responsible for every service no responsibility row assigns elsewhere.
	is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
	UNIQUE (tenant_id, slug),
	UNIQUE (tenant_id, id)
);
-- At most one default office per tenant.
CREATE UNIQUE INDEX office_default ON office (tenant_id) WHERE is_default = 1;

-- Several rows per weekday for intervals with a lunch break.
CREATE TABLE office_hours (
	office_id BIGINT NOT NULL REFERENCES office (id) ON DELETE CASCADE,
	weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
	opens TEXT NOT NULL,
	closes TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	CHECK (opens < closes)
);
CREATE INDEX office_hours_office ON office_hours (office_id, weekday);

-- A date with other hours: closed = 1 closes the whole day, otherwise the
-- rows of that date replace the weekday's intervals.
CREATE TABLE office_exception (
	office_id BIGINT NOT NULL REFERENCES office (id) ON DELETE CASCADE,
	date TEXT NOT NULL,
	closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
	opens TEXT NOT NULL DEFAULT '',
	closes TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX office_exception_office ON office_exception (office_id, date);

-- The office of the same tenant that handles a service.
CREATE TABLE responsibility (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	leika TEXT NOT NULL REFERENCES service (leika) ON DELETE CASCADE,
	office_id BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, leika),
	FOREIGN KEY (tenant_id, office_id) REFERENCES office (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX responsibility_office ON responsibility (office_id);

-- Public holidays per Land (ISO 3166-2 code without "DE-"), from
-- data/feiertage/ (OpenHolidays API, ODbL 1.0).  Shared by all tenants.
CREATE TABLE holiday (
	land TEXT NOT NULL,
	date TEXT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (land, date)
);
