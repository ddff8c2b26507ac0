-- SPDX-License-Identifier: EUPL-1.2
-- The responsibility knowledge base's version: `rathaus import responsibility-rules`
-- raises it in the transaction that replaces the rules, so each process's copy of
-- the knowledge base (src/features/finder/finder_kb_cache.c) sees a new import by
-- one cheap read at most once a second.
CREATE TABLE responsibility_kb_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version BIGINT NOT NULL
);
INSERT INTO responsibility_kb_version (id, version) VALUES (1, 0);
