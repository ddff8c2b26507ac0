/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of the forms feature share. */
#ifndef RATHAUS_FORM_INT_H
#define RATHAUS_FORM_INT_H

#include "app/app.h"
#include "app/feature.h"
#include "features/forms/forms.h"
#include "files/files.h"

/* Upload ids stay this long until a submission takes them. */
#define FORM_UPLOAD_PENDING_S (24 * 3600)
/* Idempotency keys are remembered this long. */
#define FORM_IDEM_KEEP_S (24 * 3600)
#define FORM_IDEM_KEY_MAX 200

/* The environment of a request: today, places from the regions, files of the tenant. */
struct form_req_env {
	struct rq *q;
	struct files_store fs;
};
void form_env_init(struct form_env *env, struct form_req_env *re, struct rq *q);

/*
 * The parsed definition of stored text `text` (form_def_cache.c): shared
 * between requests and kept while arena `a` lives; callers only read it.
 * Errors as form_def_parse().
 */
int form_def_cached(const char *text, struct arena *a, struct form **out, struct err *e) MUST_CHECK;

/* After a submission: let its uploads live as long as the tenant keeps uploads. */
int form_keep_uploads(struct rq *q, const struct form *f, json_t *clean);

/*
 * Store the files that answers to file fields carry as data URLs
 * ("data:application/pdf;name=a.pdf;base64,...") as uploads and put their
 * ids in their place.  Returns 0, or ERR_UNPROCESSABLE / ERR_TOOBIG with
 * e->user saying why (form_api_data.c).
 */
int form_api_data_urls(struct rq *q, const struct form *f, json_t *answers) MUST_CHECK;

/*
 * The case number of idempotency key `key` of `t` into *case_no (in `a`):
 * 0; ERR_NOTFOUND when the key is new; ERR_UNPROCESSABLE when it came with
 * another form or body (`fp`); ERR_CONFLICT when its case is not written yet.
 */
int form_idem_find(struct db *db, const struct tenant *t, const char *form_id, const char *key,
		   const char *fp, struct arena *a, const char **case_no, struct err *e) MUST_CHECK;

/* ---- Drafts (form_draft.c) ---------------------------------------------- */

#define FORM_DRAFT_TTL_S (7 * 24 * 3600) /* a draft lives a week after its last change */
#define FORM_TOKEN_BYTES 24		 /* 192 random bits */
#define FORM_TOKEN_LEN 32		 /* their base64url length */

struct form_draft {
	char token_hash[65]; /* hex of the token's hash: the row's key */
	json_t *answers;     /* the answers so far; freed with the request arena */
	int64_t step;	     /* the furthest step reached, 0-based */
	const char *case_no; /* "" until submitted */
	int64_t expires_at;
};

/*
 * Whether the citizen may use form `f`: its trust_level is 0 or the login
 * of the request asserted at least that level (account_trust()).  Else the
 * page that asks to log in so is answered with 403 and false returned.
 */
bool form_web_trusted(struct rq *q, const struct form *f);

/*
 * Warn before the session of a form page ends (WCAG 2.2.1): view
 * "timeout" (the seconds until the warning, the minutes of the session,
 * the keepalive URL below `form_url`) and static/js/form-timeout.js.
 */
void form_web_timeout(struct rq *q, const char *form_url);

/* json_decref() for arena_defer(). */
void form_json_free(void *p);
/* A new secret token (base64url, FORM_TOKEN_LEN characters). */
void form_token_new(char out[FORM_TOKEN_LEN + 1]);
/* The hex hash of a well-formed token; false for anything else. */
bool form_token_hash(const char *token, char out[65]);

int form_draft_create(struct db *db, const struct tenant *t, const struct form *f,
		      const char *token_hash, int64_t now, struct err *e) MUST_CHECK;
/* The unexpired draft of form `form_id`; ERR_NOTFOUND when there is none. */
int form_draft_load(struct db *db, const struct tenant *t, const char *form_id,
		    const char *token_hash, int64_t now, struct arena *a, struct form_draft *out,
		    struct err *e) MUST_CHECK;
/* Write answers, step and case number; the draft lives FORM_DRAFT_TTL_S longer. */
int form_draft_save(struct db *db, const struct tenant *t, const struct form_draft *d, int64_t now,
		    struct err *e) MUST_CHECK;

/*
 * Fold what the HTML form of step `step` posted into `answers` (the
 * draft's); refused uploads become issues in `uploads`.  Returns 0 or a
 * storage error.
 */
int form_web_read_step(struct rq *q, const struct form *f, size_t step, json_t *answers,
		       struct form_check *uploads) MUST_CHECK;

/* View data of the citizen pages (form_web_view.c, form_web_summary.c); all in q's arena. */
const char *form_web_id(struct rq *q, const char *path);
struct view_val *form_web_field(struct rq *q, const struct form_field *fd, json_t *v,
				const struct form_check *c, const char *path);
/* Links to the issues of step `step`, or of every step when it is negative. */
struct view_val *form_web_errors(struct rq *q, const struct form *f, const struct form_check *c,
				 long step);
struct view_val *form_web_summary(struct rq *q, const struct form *f, json_t *clean);

/* What turning answers into text needs: an arena for the result and the messages. */
struct form_text {
	struct arena *a;
	const struct view *view;
	const char *lang;
};
/*
 * The answer `v` to field `fd` as one line of text for people: option
 * labels, "Ja"/"Nein", dates as DD.MM.YYYY, files by name, a group's entries
 * numbered on lines of their own.  Lives in x->a.
 */
const char *form_answer_text(const struct form_text *x, const struct form_field *fd, json_t *v);

/* ---- The PDF receipt (form_receipt.c) ------------------------------------ */

/* PDF receipts are at most this large. */
#define FORM_RECEIPT_MAX (4u << 20)

/*
 * Append the receipt of case `case_no` of form `f` made at `created_at`
 * with clean answers `answers` to `out`.  Returns 0 or pdf_render()'s error.
 */
int form_receipt_build(const struct form_text *x, const struct tenant *t, const struct form *f,
		       const char *case_no, int64_t created_at, json_t *answers, struct buf *out,
		       struct err *e) MUST_CHECK;
/* The same for a stored case, with the form version it was made with: also ERR_NOTFOUND. */
int form_receipt_case(struct db *db, const struct form_text *x, const struct tenant *t,
		      const char *case_no, struct buf *out, struct err *e) MUST_CHECK;
/* "Eingangsbestaetigung-<case>.pdf", in `a`. */
const char *form_receipt_name(struct arena *a, const char *case_no);
/* Answer with the receipt of case `case_no` of q's tenant as a download. */
void form_receipt_send(struct rq *q, const char *case_no);
/* The staff download (form_receipt_web.c); the citizen's is in form_web_submit.c. */
void form_receipt_register(struct app *app);

/* What a new case sets off (form_mail.c): the confirmation mail and the delivery. */
struct form_mail_ctx {
	struct rq *q;
	const struct form *f;
	json_t *clean;
	bool queued;
	int64_t now;   /* when the case is made */
	bool delivery; /* a delivery was queued (form_delivery.h) */
};
int form_mail_confirm(struct db *db, const char *case_no, void *cls, struct err *e) MUST_CHECK;
/*
 * struct form_submission's with_case: inside the submission's transaction,
 * queue the case's delivery when its form has an endpoint, then the
 * confirmation mail.
 */
int form_case_made(struct db *db, const char *case_no, void *cls, struct err *e) MUST_CHECK;
/* After the commit: send the queued mail and delivery now. */
void form_mail_sent(struct form_mail_ctx *c);

/* The API routes (form_api.c) and the citizen pages (form_web.c). */
void form_api_register(struct app *app);
void form_web_register(struct app *app);
void form_web_summary_register(struct app *app);

/* Periodic clean-up of idempotency keys and expired drafts (form_store.c). */
int form_purge(struct db *db, int64_t now, struct err *e) MUST_CHECK;

#endif
