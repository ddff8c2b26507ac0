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

/* How a message reaches the citizen of a case. */
enum inbox_channel {
	INBOX_CHANNEL_NONE, /* no way: the form asked for no e-mail address */
	INBOX_CHANNEL_MAIL, /* a mail to the e-mail answer of the case */
};

/*
 * Decide how to reach the citizen of case `c` (made with form `f`) and
 * put the address into *to (borrowed from `answers`).  The seam for the
 * citizen account's mailbox, which will come first once it exists.
 */
enum inbox_channel inbox_channel(const struct form *f, json_t *answers, const char **to);

/* The pages: the list (form_inbox.c) and one case (form_inbox_case.c). */
void form_inbox_register(struct app *app);
void form_inbox_case_register(struct app *app);
/* Whether the user may see cases (admin or case worker); else 403 was answered. */
bool inbox_allowed(struct rq *q);

/* View helpers, the answers and the CSV export (form_inbox_view.c); results in q's arena. */
const char *inbox_status_label(struct rq *q, unsigned st);
const char *inbox_when(struct rq *q, int64_t t);
const char *inbox_case_url(struct rq *q, const char *case_no, const char *tail);
struct view_val *inbox_answers_view(struct rq *q, const struct form *f, json_t *answers,
				    const char *files_url);
/* Answer with the CSV of cases `v`. */
void inbox_csv(struct rq *q, const struct inbox_case *v, size_t n);

#endif
