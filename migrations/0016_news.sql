-- SPDX-License-Identifier: EUPL-1.2
-- News articles and the newsletter.  An article's public row is written
-- only when a revision of kind 'news' is published (editor.h); until then
-- its status is 'draft' and every public read leaves it out.  Times are
-- Unix seconds; expires_at 0 means the article does not expire.

-- Revisions of any editorial kind: the kinds are registered in code
-- (ed_kind_register), so the table names none.  SQLite cannot drop a CHECK,
-- so the table is made anew; nothing refers to its ids.
CREATE TABLE revision_any (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind <> ''),
	subject TEXT NOT NULL,
	num INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('draft', 'review', 'scheduled', 'published',
		'replaced')),
	author_id BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL,
	changed_at BIGINT NOT NULL,
	publish_at BIGINT NOT NULL DEFAULT 0,
	snapshot TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	UNIQUE (tenant_id, kind, subject, num)
);
INSERT INTO revision_any (tenant_id, kind, subject, num, state, author_id, created_at,
	changed_at, publish_at, snapshot, comment)
	SELECT tenant_id, kind, subject, num, state, author_id, created_at, changed_at, publish_at,
		snapshot, comment FROM revision ORDER BY id;
DROP TABLE revision;
ALTER TABLE revision_any RENAME TO revision;
CREATE INDEX revision_state ON revision (tenant_id, state, publish_at);

CREATE TABLE news (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	slug TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
	title TEXT NOT NULL,
	teaser TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	-- A public image of the file store (files.h, use 'image') and its alt text.
	image_id TEXT NOT NULL DEFAULT '',
	image_alt TEXT NOT NULL DEFAULT '',
	published_at BIGINT NOT NULL DEFAULT 0,
	expires_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (tenant_id, slug)
);
CREATE INDEX news_public ON news (tenant_id, status, published_at);

CREATE TABLE news_category (
	news_id BIGINT NOT NULL REFERENCES news (id) ON DELETE CASCADE,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (news_id, slug)
);
CREATE INDEX news_category_tenant ON news_category (tenant_id, slug);

-- Subscribers with double opt-in: 'pending' until the confirmation link
-- (a token stored only as its hash, single-use, expiring) is used; the
-- consent is the time of confirmation and the version of the text agreed.
CREATE TABLE newsletter_subscriber (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	email TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'confirmed', 'unsubscribed')),
	confirm_hash TEXT,
	confirm_expires BIGINT NOT NULL DEFAULT 0,
	requested_at BIGINT NOT NULL,
	consent_version TEXT NOT NULL DEFAULT '',
	consent_at BIGINT NOT NULL DEFAULT 0,
	unsubscribed_at BIGINT NOT NULL DEFAULT 0,
	UNIQUE (tenant_id, email)
);
CREATE UNIQUE INDEX newsletter_confirm ON newsletter_subscriber (confirm_hash);

-- One unsubscribe token per mail sent, stored only as its hash.
CREATE TABLE newsletter_unsub (
	hash TEXT PRIMARY KEY,
	subscriber_id BIGINT NOT NULL REFERENCES newsletter_subscriber (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL
);
CREATE INDEX newsletter_unsub_subscriber ON newsletter_unsub (subscriber_id);

-- An issue sent to the confirmed subscribers in batches; `last_subscriber` is the
-- last subscriber id done, so a batch that runs twice sends nothing twice.
CREATE TABLE newsletter_issue (
	id @ID@,
	tenant_id BIGINT NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
	news_id BIGINT NOT NULL REFERENCES news (id) ON DELETE CASCADE,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	last_subscriber BIGINT NOT NULL DEFAULT 0,
	sent BIGINT NOT NULL DEFAULT 0,
	done_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX newsletter_issue_tenant ON newsletter_issue (tenant_id, created_at);
