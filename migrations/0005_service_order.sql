-- SPDX-License-Identifier: EUPL-1.2
-- Lists are ordered by title and key: with this index a page of a tenant's
-- services is read in order instead of sorting thousands of rows.

CREATE INDEX service_title_leika ON service (title, leika);
