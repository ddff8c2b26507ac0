/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff case inbox of the forms feature (form_inbox*.c): the cases of
 * a tenant under /verwaltung/antraege for case workers and admins, their
 * status workflow with an append-only history, internal notes, messages to
 * the citizen, the CSV export and the retention that deletes old cases.
 *
 * Storage (form_inbox_store.c) takes the tenant in every call; a case of
 * another tenant is not found.  The routes (form_inbox.c) and the views of
 * answers and exports (form_inbox_view.c) know HTTP.
 */
#ifndef RATHAUS_FORM_INBOX_H
#define RATHAUS_FORM_INBOX_H

#include "features/forms/form_int.h"

#define INBOX_URL "/verwaltung/antraege"
#define INBOX_PAGE 50		   /* cases on one page of the list */
#define INBOX_EXPORT_MAX 10000	   /* cases in one CSV export */
#define INBOX_TEXT_MAX 4000	   /* bytes of a note or message */
#define INBOX_FORM_MAX (16 * 1024) /* bytes of a posted staff form */
#define INBOX_CASE_NO_MAX 40	   /* bytes of a case number */
#define INBOX_RETAIN_BATCH 200	   /* cases deleted per transaction */

/* The states of a case, as stored in form_case.status. */
enum inbox_status {
	INBOX_RECEIVED = 1 << 0,
	INBOX_IN_PROGRESS = 1 << 1,
	INBOX_DONE = 1 << 2,
	INBOX_REJECTED = 1 << 3,
};
#define INBOX_STATUS_LAST INBOX_REJECTED

/* "received", ... for a state; NULL for 0 or a mix. */
const char *inbox_status_name(unsigned st);
/* The state of a stored name; 0 when unknown. */
unsigned inbox_status_parse(const char *s);
/* Whether a case may go from `from` to `to`: received -> in_progress -> done | rejected. */
bool inbox_status_next(unsigned from, unsigned to);

/* What the list shows; the filter is on form, state and the day of submission. */
struct inbox_filter {
	const char *form_id;		  /* "" for every form */
	unsigned status;		  /* 0 for every state */
	int64_t from, until;		  /* created_at in [from, until) */
	const char *from_day, *until_day; /* the days as given (YYYY-MM-DD), "" if none */
	int64_t limit, offset;
};

struct inbox_case {
	int64_t id;
	const char *case_no, *form_id, *title, *answers; /* answers: the stored JSON */
	int64_t version;
	unsigned status;
	int64_t created_at, closed_at; /* closed_at 0 while open */
	int64_t citizen_id;	       /* the account that sent it; 0: none */
};

struct inbox_event {
	const char *kind;   /* "status", "note", "message" */
	unsigned status;    /* kind "status": the new state */
	const char *body;   /* the note or message, "" if none */
	const char *author; /* the staff user's name, "" when deleted */
	int64_t at;
};

/* The cases of `t` that `f` matches, newest first; *total counts them all (may be NULL). */
int inbox_list(struct db *db, const struct tenant *t, const struct inbox_filter *f, struct arena *a,
	       struct inbox_case **out, size_t *n, int64_t *total, struct err *e) MUST_CHECK;
/*
 * Case `case_no` of `t` sent from the account `citizen_id` (0: from
 * anyone, for staff): 0 or ERR_NOTFOUND.
 */
int inbox_get_mine(struct db *db, const struct tenant *t, const char *case_no, int64_t citizen_id,
		   struct arena *a, struct inbox_case **out, struct err *e) MUST_CHECK;
/* Case `case_no` of `t`: 0 or ERR_NOTFOUND. */
int inbox_get(struct db *db, const struct tenant *t, const char *case_no, struct arena *a,
	      struct inbox_case **out, struct err *e) MUST_CHECK;
/* The stored definition of the form version `c` was made with, parsed into `a`. */
int inbox_form_of(struct db *db, const struct tenant *t, const struct inbox_case *c,
		  struct arena *a, struct form **out, struct err *e) MUST_CHECK;
/* The history of case `id` of `t`, oldest first. */
int inbox_events(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
		 struct inbox_event **out, size_t *n, struct err *e) MUST_CHECK;

/*
 * Move case `c` to `to` when it still has the state `c` was read with and
 * the step is allowed, and append the change with `note` to its history.
 * ERR_CONFLICT ("forms.inbox.err.transition") otherwise.
 */
int inbox_set_status(struct db *db, const struct tenant *t, const struct inbox_case *c, unsigned to,
		     const char *note, int64_t staff_id, int64_t now, struct err *e) MUST_CHECK;
/* Append a note or message (`kind`) to the history of case `id` of `t`. */
int inbox_add_event(struct db *db, const struct tenant *t, int64_t id, const char *kind,
		    const char *body, int64_t staff_id, int64_t now, struct err *e) MUST_CHECK;

/*
 * files_get()'s permission for the files of cases: an upload of a form.
 * The caller has checked the role and that the file is among the case's.
 */
bool inbox_upload_file(const struct file_meta *m, void *cls);

/* The file ids in answers `json` (file fields, also inside groups), into `a`. */
size_t inbox_file_ids(const char *json, struct arena *a, const char ***out);

/*
 * Delete the cases whose retention has passed at `now`, in every tenant,
 * with their history and files; one audit entry per tenant says how many.
 * *n (may be NULL) counts them.  Idempotent.
 */
int inbox_retain(struct db *db, const struct files_store *fs, int64_t now, int64_t *n,
		 struct err *e) MUST_CHECK;

/* ---- The mailbox of a case from a citizen account (form_mailbox.c) ---- */

#define CASE_MSG_FILES 3 /* files of one message */
/* A posted message with its files: three documents (use "document", 20 MiB) and the text. */
#define CASE_MSG_BODY_MAX (CASE_MSG_FILES * (size_t)(20u << 20) + 64u * 1024)

struct case_file {
	const char *id, *name;
};

struct case_msg {
	int64_t id;
	bool from_citizen;
	const char *body, *author; /* author: the staff user's name, "" for the citizen */
	int64_t at, read_at;	   /* read_at 0: not yet opened by the other side */
	struct case_file files[CASE_MSG_FILES];
	size_t n_files;
};

/* The messages of case id `case_id` of `t`, oldest first, with their files, in `a`. */
int case_messages(struct db *db, const struct tenant *t, int64_t case_id, struct arena *a,
		  struct case_msg **out, size_t *n, struct err *e) MUST_CHECK;
/*
 * Append a message to case id `case_id` of `t`, by staff user `staff_id`
 * or (from_citizen) by its citizen, with the `n_files` files `files`
 * (stored to expire by case_files_store(); kept from now on).  Call inside
 * a transaction.
 */
int case_message_add(struct db *db, const struct tenant *t, int64_t case_id, bool from_citizen,
		     const char *body, int64_t staff_id, const char *const *files, size_t n_files,
		     int64_t now, struct err *e) MUST_CHECK;
/*
 * Mark the other side's messages of case id `case_id` read by the citizen
 * (or by staff); `v` (n) are its messages as just read: without an unread
 * one there is nothing to write.
 */
int case_messages_read(struct db *db, const struct tenant *t, int64_t case_id,
		       const struct case_msg *v, size_t n, bool by_citizen, int64_t now,
		       struct err *e) MUST_CHECK;
/* Whether file `id` belongs to case `c`: one of its answers' uploads or a message's file. */
int case_file_of(struct db *db, const struct tenant *t, const struct inbox_case *c, const char *id,
		 struct arena *a, bool *yes, struct err *e) MUST_CHECK;
/*
 * Store the non-empty uploads of form field `field` of the request (at
 * most CASE_MSG_FILES, each a document by its content) for the request's
 * tenant, to expire until case_message_add() keeps them; their ids into
 * `ids` (CASE_MSG_FILES entries).  *problem a message key (too many, too
 * large, another type) when one is refused; 0 or a server error.
 */
int case_files_store(struct rq *q, const char *field, const char **ids, size_t *n,
		     const char **problem) MUST_CHECK;
/* Answer with file `id` of case `c` as a download, or 404 when it is not one of the case's. */
void case_file_send(struct rq *q, const struct inbox_case *c, const char *id);
/* Messages `v` as a view list; their files link to `files_url` + id. */
struct view_val *form_mailbox_view(struct rq *q, const struct case_msg *v, size_t n,
				   const char *files_url);

/* How a message reaches the citizen of a case. */
enum inbox_channel {
	INBOX_CHANNEL_NONE,    /* no way: the form asked for no e-mail address */
	INBOX_CHANNEL_MAIL,    /* a mail to the e-mail answer of the case */
	INBOX_CHANNEL_ACCOUNT, /* the mailbox of the account that sent it, with a notice mail */
};

/*
 * Decide how to reach the citizen of case `c` (made with form `f`, its
 * answers `answers`): the mailbox of the account that sent it first, else
 * a mail to the address among the answers, put into *to (borrowed).
 */
enum inbox_channel inbox_channel(const struct inbox_case *c, const struct form *f, json_t *answers,
				 const char **to);

/* The pages: the list (form_inbox.c) and one case (form_inbox_case.c). */
void form_inbox_register(struct app *app);
void form_inbox_case_register(struct app *app);
/* The citizen's cases and mailbox under /konto/antraege (form_mine.c), the feature's members. */
void form_mine_register(struct app *app);
void form_account_links(struct rq *q, struct view_val *links);
int form_citizen_data(struct rq *q, int64_t citizen_id, json_t *doc);
/* Whether the user may see cases (admin or case worker); else 403 was answered. */
bool inbox_allowed(struct rq *q);

/* View helpers, the answers and the CSV export (form_inbox_view.c); results in q's arena. */
const char *inbox_status_label(struct rq *q, unsigned st);
const char *inbox_case_url(struct rq *q, const char *case_no, const char *tail);
struct view_val *inbox_answers_view(struct rq *q, const struct form *f, json_t *answers,
				    const char *files_url);
/* Answer with the CSV of cases `v`. */
void inbox_csv(struct rq *q, const struct inbox_case *v, size_t n);

#endif
