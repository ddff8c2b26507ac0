-- SPDX-License-Identifier: EUPL-1.2
-- The responsibility knowledge base (data/responsibility/, loaded by
-- `rathaus import responsibility-rules`): Land and federal authorities as
-- places to go that are no tenants, rules per (service or service group,
-- Land) naming the executing level or authority, and the towns that take
-- over a Kreis task.  Shared by all tenants; replaced whole by the import.
-- A tenant's own responsibility_area entry still wins over these rules.

CREATE TABLE authority (
	key TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	street TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '',
	web TEXT NOT NULL DEFAULT '',
	online_url TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL
);

-- leika: a prefix of 5 (service group), 8 (Leistungsobjekt), 11 or 14
-- digits; land: two digits or '' for every Land.  The longest prefix wins,
-- a Land's own rule before one for every Land.
CREATE TABLE responsibility_rule (
	leika TEXT NOT NULL,
	land TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL CHECK (level IN ('bund', 'land', 'kreis', 'gemeinde')),
	authority TEXT NOT NULL DEFAULT '',
	town_task TEXT NOT NULL DEFAULT '',
	certain INTEGER NOT NULL DEFAULT 1,
	online_url TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL,
	PRIMARY KEY (leika, land)
);

-- A Gemeinde (12-digit ARS) that does the Kreis's `task` itself.
CREATE TABLE responsibility_town (
	ars TEXT NOT NULL,
	task TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL,
	PRIMARY KEY (ars, task)
);
