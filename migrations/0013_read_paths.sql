-- SPDX-License-Identifier: EUPL-1.2
-- Indexes for the public read paths: a topic page finds its OZG-Leistungen
-- from the Themenfeld or Lage down, and the number of services a tenant
-- publishes is counted from a small partial index alone.

CREATE INDEX lage_themenfeld ON lage (themenfeld_id);
CREATE INDEX ozg_leistung_lage ON ozg_leistung (lage_id);
CREATE INDEX tenant_service_published ON tenant_service (tenant_id) WHERE status = 'published';
