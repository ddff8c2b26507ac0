-- SPDX-License-Identifier: EUPL-1.2
-- Regions for the responsibility finder: every German Gemeinde with its
-- chain Land > Regierungsbezirk > Kreis > Gemeindeverband (Destatis GV100AD,
-- data/regions/), the postal codes that cover it (OpenStreetMap), and
-- responsibilities by area: which tenant (and office) handles a service, or
-- every service of a level, for the places below an ARS prefix.  Shared by
-- all tenants.  Keys are text with leading zeros.

CREATE TABLE region (
	ars TEXT PRIMARY KEY,
	ags TEXT NOT NULL,
	name TEXT NOT NULL,
	display_name TEXT NOT NULL,
	-- display_name folded to [a-z0-9 ] (umlauts as ae, oe, ue, ss) for
	-- prefix search; fold2 holds its first two characters for the index.
	fold TEXT NOT NULL,
	fold2 TEXT NOT NULL,
	typ INTEGER NOT NULL,
	land TEXT NOT NULL,
	land_name TEXT NOT NULL,
	rb TEXT NOT NULL,
	rb_name TEXT NOT NULL,
	kreis TEXT NOT NULL,
	kreis_name TEXT NOT NULL,
	kreis_typ INTEGER NOT NULL,
	verband TEXT NOT NULL,
	verband_name TEXT NOT NULL,
	verband_typ INTEGER NOT NULL,
	population BIGINT NOT NULL,
	plz TEXT NOT NULL
);
CREATE INDEX region_fold ON region (fold2, fold);

CREATE TABLE region_plz (
	plz TEXT NOT NULL,
	ars TEXT NOT NULL REFERENCES region (ars) ON DELETE CASCADE,
	PRIMARY KEY (plz, ars)
);
CREATE INDEX region_plz_ars ON region_plz (ars);

-- area: an ARS prefix of 2 (Land), 3 (Regierungsbezirk), 5 (Kreis),
-- 9 (Gemeindeverband) or 12 digits (Gemeinde).  A row names one service
-- (leika) or every service of one level; the longest matching area wins.
-- office_id NULL: the tenant's own responsible office for the service.
CREATE TABLE responsibility_area (
	id @ID@,
	area TEXT NOT NULL,
	leika TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL DEFAULT '' CHECK (level IN ('', 'bund', 'land', 'kreis', 'gemeinde')),
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	office_id BIGINT,
	online_url TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	UNIQUE (area, leika, level),
	CHECK ((leika = '' AND level <> '') OR (leika <> '' AND level = '')),
	FOREIGN KEY (tenant_id, office_id) REFERENCES office (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX responsibility_area_leika ON responsibility_area (leika, level);
