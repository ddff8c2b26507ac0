-- SPDX-License-Identifier: EUPL-1.2
-- Service catalogue: the OZG taxonomy, the shared base catalogue keyed by the
-- 14-digit LeiKa key (federal and Land level, written once for every tenant),
-- and each tenant's layer on top (which services it offers, its own texts).

CREATE TABLE themenfeld (
	id BIGINT PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	slug TEXT NOT NULL UNIQUE
);

-- Lebenslagen (citizens) and Unternehmenslagen (businesses).
CREATE TABLE lage (
	id BIGINT PRIMARY KEY,
	themenfeld_id BIGINT NOT NULL REFERENCES themenfeld (id),
	name TEXT NOT NULL,
	slug TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('lebenslage', 'unternehmenslage', 'querschnitt'))
);

CREATE TABLE ozg_leistung (
	id BIGINT PRIMARY KEY,
	ozg_id TEXT NOT NULL,
	name TEXT NOT NULL,
	lage_id BIGINT REFERENCES lage (id)
);

-- One row per LeiKa key.  level: who executes it (from the Typisierung, or
-- set by an authored description): bund, land, kreis or gemeinde.
CREATE TABLE service (
	leika TEXT PRIMARY KEY,
	leika_name TEXT NOT NULL,
	title TEXT NOT NULL,
	slug TEXT NOT NULL,
	objekt TEXT NOT NULL DEFAULT '',
	verrichtung TEXT NOT NULL DEFAULT '',
	typisierung TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL DEFAULT '' CHECK (level IN ('', 'bund', 'land', 'kreis', 'gemeinde')),
	ozg_leistung_id BIGINT REFERENCES ozg_leistung (id),
	reviewed TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL
);
CREATE INDEX service_ozg ON service (ozg_leistung_id);
CREATE INDEX service_title ON service (title);

-- Text modules (XZuFi modulText) in Markdown: short, full, requirements,
-- documents, fees, deadlines, processing_time, procedure, notes, online.
CREATE TABLE service_text (
	leika TEXT NOT NULL REFERENCES service (leika) ON DELETE CASCADE,
	module TEXT NOT NULL,
	body TEXT NOT NULL,
	PRIMARY KEY (leika, module)
);

CREATE TABLE service_legal (
	leika TEXT NOT NULL REFERENCES service (leika) ON DELETE CASCADE,
	pos INTEGER NOT NULL,
	title TEXT NOT NULL,
	url TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (leika, pos)
);

CREATE TABLE service_synonym (
	leika TEXT NOT NULL REFERENCES service (leika) ON DELETE CASCADE,
	term TEXT NOT NULL,
	PRIMARY KEY (leika, term)
);

-- Where an authored text's facts come from.
CREATE TABLE service_source (
	leika TEXT NOT NULL REFERENCES service (leika) ON DELETE CASCADE,
	pos INTEGER NOT NULL,
	url TEXT NOT NULL,
	title TEXT NOT NULL DEFAULT '',
	checked TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (leika, pos)
);

-- The services a tenant offers, and its own additions to the shared texts.
CREATE TABLE tenant_service (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	leika TEXT NOT NULL REFERENCES service (leika) ON DELETE CASCADE,
	status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'review', 'published')),
	online_url TEXT NOT NULL DEFAULT '',
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (tenant_id, leika)
);
CREATE INDEX tenant_service_leika ON tenant_service (leika);

-- mode 'append' adds the tenant's text after the shared one; 'replace' shows
-- only the tenant's (local fees, local procedure).
CREATE TABLE tenant_service_text (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	leika TEXT NOT NULL REFERENCES service (leika) ON DELETE CASCADE,
	module TEXT NOT NULL,
	mode TEXT NOT NULL CHECK (mode IN ('append', 'replace')),
	body TEXT NOT NULL,
	PRIMARY KEY (tenant_id, leika, module)
);
