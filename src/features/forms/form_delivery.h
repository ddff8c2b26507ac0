/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Delivery of cases to downstream systems (form_delivery*.c): a form may
 * name an HTTPS endpoint and a shared secret; each case of it is then sent
 * there as one signed JSON document by the job 'forms.deliver', with
 * retries on a fixed schedule.
 *
 * The delivery row and its job are written in the submission's
 * transaction, so a delivery exists exactly when its case does.  The job's
 * claim (jobs.h: a conditional UPDATE with a lease) makes one instance send
 * it; the delivery's own conditional updates (WHERE state = 'pending')
 * keep a late or second run from recording twice.  A request whose answer
 * was lost may be sent again: receivers deduplicate by Idempotency-Key.
 *
 * Storage (form_delivery_store.c) takes the tenant in every call the pages
 * make; the job (form_delivery_send.c) works on rows by id.  The pages
 * (form_delivery_web.c) know HTTP.
 */
#ifndef RATHAUS_FORM_DELIVERY_H
#define RATHAUS_FORM_DELIVERY_H

#include "features/forms/form_int.h"
#include "jobs/jobs.h"

#define FORM_DELIVERY_KIND "forms.deliver"
#define FORM_DELIVERY_URL_MAX 2000
#define FORM_DELIVERY_SECRET_MIN 16 /* characters of a shared secret */
#define FORM_DELIVERY_SECRET_MAX 200
#define FORM_DELIVERY_SECRET_SHOWN 4 /* its last characters shown back to staff */
/* One try and five retries: 1, 5, 30, 120 and 720 times config form_delivery_backoff. */
#define FORM_DELIVERY_ATTEMPTS 6
#define FORM_DELIVERY_CONNECT_S 10 /* seconds to connect */
#define FORM_DELIVERY_TIMEOUT_S 30 /* seconds for the whole request */
/* Uploads travel inside the document up to this many bytes in all; later ones by URL. */
#define FORM_DELIVERY_INLINE_MAX (10u << 20)
#define FORM_DELIVERY_ERROR_MAX 300 /* bytes of an error kept for staff */

/* The states of a delivery, as stored in form_delivery.state. */
enum form_delivery_state {
	DELIVERY_PENDING = 1 << 0,
	DELIVERY_DELIVERED = 1 << 1,
	DELIVERY_FAILED = 1 << 2,
};

/* Where the cases of a form go. */
struct form_delivery_target {
	const char *form_id;
	const char *url;	/* "" when the form has none */
	const char *secret_end; /* the secret's last characters, "" when none */
	int64_t secret_len;	/* characters of the secret */
	int64_t updated_at;
};

/* The delivery of one case, as the staff page shows it. */
struct form_delivery {
	int64_t id;
	unsigned state; /* enum form_delivery_state */
	int64_t attempts, last_status;
	const char *last_error; /* "" when none */
	int64_t next_at, delivered_at, created_at;
};

/*
 * Whether `url` may be an endpoint: https:// with a host, no user or
 * password, no fragment; http:// only to 127.0.0.1, ::1 or localhost and
 * only when `http_local`.  Pure; unit-tested.
 */
bool form_delivery_url_ok(const char *url, bool http_local);
/* Whether `s` may be a shared secret: FORM_DELIVERY_SECRET_MIN..MAX printable ASCII. */
bool form_delivery_secret_ok(const char *s);

/* The targets of the published forms of `t` (forms without one have url ""), by title. */
int form_delivery_targets(struct db *db, const struct tenant *t, struct arena *a,
			  struct form_delivery_target **out, struct form_item **forms, size_t *n,
			  struct err *e) MUST_CHECK;
/* The target of form `form_id` of `t` into *out (url "" when none), in `a`. */
int form_delivery_target_get(struct db *db, const struct tenant *t, const char *form_id,
			     struct arena *a, struct form_delivery_target *out,
			     struct err *e) MUST_CHECK;
/*
 * Set the target of form `form_id` of `t`: `url` "" removes it; `secret`
 * "" keeps the stored one (ERR_UNPROCESSABLE "forms.delivery.err.secret"
 * when there is none yet).  The caller checked both.
 */
int form_delivery_target_save(struct db *db, const struct tenant *t, const char *form_id,
			      const char *url, const char *secret, int64_t now,
			      struct err *e) MUST_CHECK;

/*
 * Inside the submission's transaction: when form `form_id` of `t` has a
 * target, add the delivery of case `case_no` and its job.  *queued says
 * whether it did.  Returns 0 or ERR_DB.
 */
int form_delivery_queue(struct db *db, const struct tenant *t, const char *form_id,
			const char *case_no, int64_t now, bool *queued, struct err *e) MUST_CHECK;
/* The delivery of case `case_id` of `t` into *out: 0, ERR_NOTFOUND (none) or ERR_DB. */
int form_delivery_get(struct db *db, const struct tenant *t, int64_t case_id, struct arena *a,
		      struct form_delivery *out, struct err *e) MUST_CHECK;
/*
 * "Erneut zustellen": move the failed delivery of case `case_id` of `t`
 * back to pending with a new job, in one transaction.  ERR_CONFLICT
 * ("forms.delivery.err.not_failed") when it is not failed (also when two
 * clicks come at once: one of them wins).
 */
int form_delivery_retry(struct db *db, const struct tenant *t, int64_t case_id, int64_t now,
			struct err *e) MUST_CHECK;

/* "pending", "delivered", "failed"; NULL for anything else. */
const char *form_delivery_state_name(unsigned st);
unsigned form_delivery_state_parse(const char *s);

/* What one try of the job loads: the case, its form and where it goes. */
struct form_delivery_job {
	int64_t id, tenant_id;
	unsigned state;
	const char *tenant_slug, *case_no, *form_id, *channel, *answers;
	int64_t form_version, created_at;
	const char *url, *secret; /* "" when the form has no target any more */
};
/* Delivery `id` with its case and target, in `a`: 0, ERR_NOTFOUND or ERR_DB. */
int form_delivery_job_load(struct db *db, int64_t id, struct arena *a,
			   struct form_delivery_job *out, struct err *e) MUST_CHECK;
/*
 * Record one try of delivery `id` while it is pending: `state` delivered
 * (error NULL), pending again with the next try at `next_at`, or failed.
 * `status` is the HTTP status (0: none).  Returns 0 or ERR_DB.
 */
int form_delivery_record(struct db *db, int64_t id, unsigned state, int64_t status,
			 const char *error, int64_t now, int64_t next_at, struct err *e) MUST_CHECK;

/* The seconds to wait after try `attempt` (1-based) failed, for backoff base `base_s`. */
int64_t form_delivery_backoff(int attempt, int base_s);

/*
 * The signature header value of `body` at time `t` with `secret`:
 * "t=<t>,v1=<hex of HMAC-SHA256(secret, "<t>." body)>", in `a`.
 */
const char *form_delivery_sign(const char *secret, int64_t t, const char *body, size_t len,
			       struct arena *a);

/* The job kind 'forms.deliver' (its context is the struct app). */
extern const struct job_kind form_delivery_kind;

/* Staff pages: the targets (admins) and the case page's delivery (form_delivery_web.c). */
void form_delivery_register(struct app *app);
/* Fill `delivery` of q->page for case `case_id`; 0 or ERR_DB. */
int form_delivery_view(struct rq *q, int64_t case_id, const char *case_no);

#endif
