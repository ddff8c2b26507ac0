-- SPDX-License-Identifier: EUPL-1.2
-- The event calendar.  An event is edited through the editorial workflow
-- (revision kind 'event', subject = slug); its row holds the published
-- state, or status 'draft' before the first publication, which every public
-- read leaves out; a club's submission waits as 'submitted'.  Start and end are local times in Europe/Berlin as text
-- "YYYY-MM-DDTHH:MM" (all-day events: T00:00, end = the last day); a
-- recurrence is an RRULE subset with exception dates "YYYY-MM-DD,...".
--
-- event_occurrence holds the expanded instants of published events,
-- written when an event is published, so a calendar page is one indexed
-- range query and no request expands a rule.  start_day/end_day are local
-- days since 1970-01-01; an occurrence lasts at most 31 days.

-- Revisions of kind 'event' need no change here: 0016 lets the revision
-- table hold any editorial kind.

CREATE TABLE event (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	slug TEXT NOT NULL,
	-- 'submitted' by a club through the public form and waiting for moderation,
	-- 'rejected' by staff with a message; only 'published' is ever public.
	status TEXT NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'submitted', 'published', 'rejected')),
	title TEXT NOT NULL DEFAULT '',
	summary TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	starts_local TEXT NOT NULL DEFAULT '',
	ends_local TEXT NOT NULL DEFAULT '',
	all_day INTEGER NOT NULL DEFAULT 0,
	rrule TEXT NOT NULL DEFAULT '',
	exdates TEXT NOT NULL DEFAULT '',
	office_id BIGINT REFERENCES office (id) ON DELETE SET NULL,
	location_name TEXT NOT NULL DEFAULT '',
	location_address TEXT NOT NULL DEFAULT '',
	organiser TEXT NOT NULL DEFAULT '',
	price TEXT NOT NULL DEFAULT '',
	is_free INTEGER NOT NULL DEFAULT 0,
	accessible INTEGER NOT NULL DEFAULT 0,
	accessibility TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	image_file TEXT NOT NULL DEFAULT '',
	image_alt TEXT NOT NULL DEFAULT '',
	submitter_name TEXT NOT NULL DEFAULT '',
	submitter_email TEXT NOT NULL DEFAULT '',
	moderation_note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL DEFAULT 0,
	published_at BIGINT NOT NULL DEFAULT 0,
	updated_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (tenant_id, slug)
);
CREATE INDEX event_published ON event (tenant_id, published_at) WHERE status = 'published';

CREATE TABLE event_occurrence (
	event_id BIGINT NOT NULL REFERENCES event (id) ON DELETE CASCADE,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	start_day BIGINT NOT NULL,
	end_day BIGINT NOT NULL,
	PRIMARY KEY (event_id, starts_at)
);
CREATE INDEX event_occurrence_day ON event_occurrence (tenant_id, start_day, starts_at, event_id);
