-- SPDX-License-Identifier: EUPL-1.2
-- The hourly limit of defect reports per client IP (tenant setting
-- reports_limit_ip), for the report form and Open311 POST alike.  A report
-- raises its counter with UPDATE ... WHERE reports < limit inside the
-- transaction that stores it, so a report that fails takes nothing and two
-- instances cannot both pass the last place.  key_hash is the hex BLAKE2b of
-- tenant, hour and the address (an IPv6 address by its /64): no IP is
-- stored, and the same address gives another hash the next hour.  Rows of
-- past hours are deleted as new reports come in.
CREATE TABLE report_limit (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	-- The hour the reports were made in, as Unix seconds of its start.
	hour BIGINT NOT NULL,
	key_hash TEXT NOT NULL,
	reports INTEGER NOT NULL DEFAULT 0 CHECK (reports >= 0),
	PRIMARY KEY (tenant_id, hour, key_hash)
);
