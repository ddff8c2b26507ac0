/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The revision table: every saved state of a service layer or office, and
 * the promotion of scheduled publications.  Every query is bound to the
 * tenant's id, so a forged subject or number of another tenant finds nothing.
 */
#include "features/editor/ed_int.h"

#include "core/log.h"
#include "db/db.h"

#include <string.h>

#define REV_COLS                                                                                   \
	"SELECT r.id, r.num, COALESCE(r.author_id, 0), r.created_at, r.changed_at, "               \
	"r.publish_at, r.state, r.snapshot, r.comment, COALESCE(u.name, '') FROM revision r "      \
	"LEFT JOIN staff_user u ON u.id = r.author_id "

static void
read_rev(struct db_stmt *st, struct arena *a, void *row)
{
	struct ed_rev *r = row;

	db_cols_int64(st, 0, &r->id, &r->num, &r->author_id, &r->created_at, &r->changed_at,
		      &r->publish_at);
	db_cols_dup(st, 6, a, &r->state, &r->snapshot, &r->comment, &r->author);
}

int
ed_rev_list(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	    size_t max, struct arena *a, struct ed_rev **out, size_t *n, struct err *e)
{
	static const char sql[] = REV_COLS "WHERE r.tenant_id = $1 AND r.kind = $2 AND "
					   "r.subject = $3 ORDER BY r.num DESC LIMIT $4";
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(**out), read_rev, &v, n, DB_INT(t->id),
			 DB_TEXT(kind), DB_TEXT(subject), DB_INT((int64_t)max));

	*out = v;
	return rc;
}

int
ed_rev_get(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	   int64_t num, struct arena *a, struct ed_rev *out, struct err *e)
{
	static const char sql[] = REV_COLS "WHERE r.tenant_id = $1 AND r.kind = $2 AND "
					   "r.subject = $3 AND ($4 = 0 OR r.num = $4) "
					   "ORDER BY r.num DESC LIMIT 1";
	int rc = db_get(db, e, sql, a, read_rev, out, DB_INT(t->id), DB_TEXT(kind),
			DB_TEXT(subject), DB_INT(num));

	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "no revision %lld of %s %s",
			       (long long)num, kind, subject);
	return rc;
}

int
ed_rev_add(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	   const char *state, int64_t author_id, int64_t publish_at, const char *snapshot,
	   const char *comment, int64_t now, int64_t *num, struct err *e)
{
	static const char next_sql[] = "SELECT COALESCE(max(num), 0) + 1 FROM revision "
				       "WHERE tenant_id = $1 AND kind = $2 AND subject = $3";
	static const char sql[] = "INSERT INTO revision (tenant_id, kind, subject, num, state, "
				  "author_id, created_at, "
				  "changed_at, publish_at, snapshot, comment) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)";
	int rc = db_int64(db, e, num, next_sql, DB_INT(t->id), DB_TEXT(kind), DB_TEXT(subject));

	if (rc)
		return rc;
	return db_run(db, e, sql, DB_INT(t->id), DB_TEXT(kind), DB_TEXT(subject), DB_INT(*num),
		      DB_TEXT(state), DB_ID(author_id), DB_INT(now), DB_INT(publish_at),
		      DB_TEXT(snapshot), DB_TEXT(comment));
}

int
ed_rev_move(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	    int64_t num, const char *from, const char *to, const char *comment, int64_t publish_at,
	    int64_t now, struct err *e)
{
	static const char sql[] =
		"UPDATE revision SET state = $6, comment = COALESCE($7, comment), publish_at = $8, "
		"changed_at = $9 WHERE tenant_id = $1 AND kind = $2 AND subject = $3 AND num = $4 "
		"AND state = $5";
	int64_t changed = 0;
	int rc = db_run_count(db, e, &changed, sql, DB_INT(t->id), DB_TEXT(kind), DB_TEXT(subject),
			      DB_INT(num), DB_TEXT(from), DB_TEXT(to), DB_TEXT(comment),
			      DB_INT(publish_at), DB_INT(now));

	if (rc)
		return rc;
	return changed == 1 ? 0
			    : err_set(e, ERR_CONFLICT, "ed.err.conflict",
				      "revision %lld of %s %s is no longer %s", (long long)num,
				      kind, subject, from);
}

/* A scheduled revision whose time has come. */
struct due {
	const char *kind, *subject, *snapshot;
	int64_t num;
};

static void
read_due(struct db_stmt *st, struct arena *a, void *row)
{
	struct due *d = row;

	db_cols_dup(st, 0, a, &d->kind, &d->subject);
	d->num = db_col_int64(st, 2);
	d->snapshot = db_col_dup(st, 3, a);
}

static int
find_due(struct db *db, const struct tenant *t, int64_t now, struct arena *a, struct due *out,
	 struct err *e)
{
	static const char sql[] =
		"SELECT kind, subject, num, snapshot FROM revision WHERE tenant_id = $1 AND "
		"state = 'scheduled' AND publish_at <= $2 ORDER BY publish_at, num LIMIT 1";

	return db_get(db, e, sql, a, read_due, out, DB_INT(t->id), DB_INT(now));
}

/* Set a revision that cannot be applied aside, so it is not retried on every request. */
static int
set_aside(struct db *db, const struct tenant *t, const struct due *d, int64_t now, struct err *e)
{
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	rc = ed_rev_move(db, t, d->kind, d->subject, d->num, "scheduled", "replaced", NULL, now,
			 now, e);
	return db_end(db, rc, e);
}

/*
 * Claim and apply one due revision in a transaction; another instance may
 * win the claim (ERR_CONFLICT).  The audit log records it without a user.
 */
static int
promote(struct db *db, const struct tenant *t, const struct due *d, int64_t now, struct arena *a,
	struct err *e)
{
	const struct ed_kind *k = ed_kind_of(d->kind);
	json_t *snap = json_loads(d->snapshot, 0, NULL);
	int rc = k && snap ? db_begin(db, e) : ERR_INVALID;

	if (rc == 0)
		rc = ed_rev_move(db, t, d->kind, d->subject, d->num, "scheduled", "published", NULL,
				 now, now, e);
	if (rc == 0)
		rc = k->apply(db, t, d->subject, snap, now, e);
	if (rc == 0)
		rc = audit_log(db, t, 0, arena_printf(a, "%s.publish_scheduled", d->kind),
			       arena_printf(a, "%s r%lld", d->subject, (long long)d->num), "", e);
	json_decref(snap);
	if (rc == 0)
		return db_commit(db, e);
	db_rollback(db);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		log_error("tenant=%s scheduled %s %s r%lld cannot be applied: %s", t->slug, d->kind,
			  d->subject, (long long)d->num, e->detail);
		return set_aside(db, t, d, now, e);
	}
	return rc;
}

int
editor_promote_due(struct db *db, const struct tenant *t, int64_t now, struct err *e)
{
	struct arena a;
	int rc = 0;

	arena_init(&a);
	for (int i = 0; i < 16 && rc == 0; i++) {
		struct due d = {0};

		rc = find_due(db, t, now, &a, &d, e);
		if (rc == 0) {
			rc = promote(db, t, &d, now, &a, e);
			if (rc == ERR_CONFLICT) /* another instance published it */
				rc = 0;
			else if (rc == 0)
				log_info("tenant=%s published scheduled %s %s r%lld", t->slug,
					 d.kind, d.subject, (long long)d.num);
		}
	}
	arena_release(&a);
	return rc == ERR_NOTFOUND ? 0 : rc;
}

static void
read_item(struct db_stmt *st, struct arena *a, void *row)
{
	struct ed_rev_item *r = row;

	db_cols_dup(st, 0, a, &r->kind, &r->subject);
	r->num = db_col_int64(st, 2);
	db_cols_dup(st, 3, a, &r->state, &r->author);
	r->when = db_col_int64(st, 5);
	r->title = db_col_dup(st, 6, a);
}

int
ed_rev_recent(struct db *db, const struct tenant *t, const char *state, size_t max, struct arena *a,
	      struct ed_rev_item **out, size_t *n, struct err *e)
{
	static const char head[] =
		"SELECT r.kind, r.subject, r.num, r.state, COALESCE(u.name, ''), "
		"r.%s, COALESCE(%s, r.subject) FROM revision r LEFT JOIN "
		"staff_user u ON u.id = r.author_id WHERE r.tenant_id = $1 ";
	const char *title = ed_kinds_title_sql(a);
	void *v = NULL;
	int rc;

	if (state)
		rc = db_list(db, e,
			     arena_printf(a,
					  "%s AND r.state = $2 ORDER BY r.publish_at, "
					  "r.changed_at LIMIT $3",
					  arena_printf(a, head, "publish_at", title)),
			     a, sizeof(**out), read_item, &v, n, DB_INT(t->id), DB_TEXT(state),
			     DB_INT((int64_t)max));
	else
		rc = db_list(db, e,
			     arena_printf(a, "%s ORDER BY r.changed_at DESC, r.id DESC LIMIT $2",
					  arena_printf(a, head, "changed_at", title)),
			     a, sizeof(**out), read_item, &v, n, DB_INT(t->id),
			     DB_INT((int64_t)max));
	*out = v;
	return rc;
}

static void
read_audit(struct db_stmt *st, struct arena *a, void *row)
{
	struct ed_audit_item *r = row;

	r->at = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &r->who, &r->action, &r->detail, &r->ip);
}

int
ed_audit_list(struct db *db, const struct tenant *t, size_t max, struct arena *a,
	      struct ed_audit_item **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT a.at, COALESCE(u.name, ''), a.action, a.detail, a.ip FROM audit_log a "
		"LEFT JOIN staff_user u ON u.id = a.user_id WHERE a.tenant_id = $1 "
		"ORDER BY a.at DESC, a.id DESC LIMIT $2";
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(**out), read_audit, &v, n, DB_INT(t->id),
			 DB_INT((int64_t)max));

	*out = v;
	return rc;
}
