-- SPDX-License-Identifier: EUPL-1.2
-- The number of services a tenant offers per Themenfeld and Lage, kept up to
-- date whenever its offer changes (svc_refresh_topics), so home and topic
-- pages read a dozen rows instead of grouping thousands.

CREATE TABLE tenant_topic (
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('themenfeld', 'lebenslage', 'unternehmenslage',
		'querschnitt')),
	topic_id BIGINT NOT NULL,
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	services INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, kind, topic_id)
);

-- Services with an authored short text (home page) are found from the texts.
CREATE INDEX service_text_module ON service_text (module, leika);
