-- SPDX-License-Identifier: EUPL-1.2
-- The citizen account's cases and mailbox (docs/account.md "My cases and
-- mailbox", src/features/forms/form_mine*.c).
--
-- form_case.citizen_id: the account that was logged in when the form was
-- sent (NULL: sent without one, through the API, or the account was
-- deleted; the case itself stays with the authority for its retention).
-- Its owner finds the case under /konto/antraege, reads by the account's
-- id, never by a number from the URL alone.
ALTER TABLE form_case ADD COLUMN citizen_id BIGINT REFERENCES citizen (id) ON DELETE SET NULL;
CREATE INDEX form_case_citizen ON form_case (citizen_id, created_at) WHERE citizen_id IS NOT NULL;

-- The mailbox of a case: messages of staff to the account that sent it,
-- and the citizen's replies (from_citizen = 1).  read_at: when the other
-- side first opened it.  Rows are only added; they go with their case.
CREATE TABLE case_message (
	id @ID@,
	case_id BIGINT NOT NULL REFERENCES form_case (id) ON DELETE CASCADE,
	from_citizen INTEGER NOT NULL DEFAULT 0,
	body TEXT NOT NULL,
	staff_id BIGINT REFERENCES staff_user (id) ON DELETE SET NULL,
	created_at BIGINT NOT NULL,
	read_at BIGINT
);
CREATE INDEX case_message_case ON case_message (case_id, created_at);

-- Files sent with a message (a decision as PDF, a proof the citizen adds),
-- kept in the file store of the case's tenant (owner "case-message").
CREATE TABLE case_message_file (
	message_id BIGINT NOT NULL REFERENCES case_message (id) ON DELETE CASCADE,
	file_id TEXT NOT NULL REFERENCES file (id) ON DELETE CASCADE,
	position INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (message_id, file_id)
);
CREATE INDEX case_message_file_file ON case_message_file (file_id);
