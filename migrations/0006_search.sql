-- SPDX-License-Identifier: EUPL-1.2
-- Search: colloquial terms a tenant's staff add to the shipped synonyms
-- (data/search/synonyms.tsv).  term is what citizens type ("Perso"),
-- words what the catalogue says ("Personalausweis"), comma-separated.
-- updated_at lets every instance notice a change and rebuild its index.

CREATE TABLE search_synonym (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	term TEXT NOT NULL,
	words TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, term)
);

-- The search's change fingerprint reads the newest change of these tables
-- once a second per instance: from an index, not a scan.
CREATE INDEX tenant_service_updated ON tenant_service (updated_at);
CREATE INDEX service_updated ON service (updated_at);
