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
read_rev(struct db_stmt *st, struct arena *a, struct ed_rev *r)
{
	r->id = db_col_int64(st, 0);
	r->num = db_col_int64(st, 1);
	r->author_id = db_col_int64(st, 2);
	r->created_at = db_col_int64(st, 3);
	r->changed_at = db_col_int64(st, 4);
	r->publish_at = db_col_int64(st, 5);
	r->state = arena_strdup(a, db_col_text(st, 6));
	r->snapshot = arena_strdup(a, db_col_text(st, 7));
	r->comment = arena_strdup(a, db_col_text(st, 8));
	r->author = arena_strdup(a, db_col_text(st, 9));
}

int
ed_rev_list(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	    size_t max, struct arena *a, struct ed_rev **out, size_t *n, struct err *e)
{
	static const char sql[] = REV_COLS "WHERE r.tenant_id = $1 AND r.kind = $2 AND "
					   "r.subject = $3 ORDER BY r.num DESC LIMIT $4";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	*n = 0;
	*out = arena_calloc(a, max ? max : 1, sizeof(**out));
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, subject);
	db_bind_int64(st, 4, (int64_t)max);
	while ((rc = db_step(st, e)) == DB_ROW && *n < max)
		read_rev(st, a, &(*out)[(*n)++]);
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

int
ed_rev_get(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	   int64_t num, struct arena *a, struct ed_rev *out, struct err *e)
{
	static const char sql[] = REV_COLS "WHERE r.tenant_id = $1 AND r.kind = $2 AND "
					   "r.subject = $3 AND ($4 = 0 OR r.num = $4) "
					   "ORDER BY r.num DESC LIMIT 1";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, subject);
	db_bind_int64(st, 4, num);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		read_rev(st, a, out);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "no revision %lld of %s %s",
			     (long long)num, kind, subject);
	}
	db_finalize(st);
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
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, next_sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, subject);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*num = db_col_int64(st, 0);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc;
	rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, subject);
	db_bind_int64(st, 4, *num);
	db_bind_text(st, 5, state);
	if (author_id)
		db_bind_int64(st, 6, author_id);
	else
		db_bind_null(st, 6);
	db_bind_int64(st, 7, now);
	db_bind_int64(st, 8, publish_at);
	db_bind_text(st, 9, snapshot);
	db_bind_text(st, 10, comment);
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
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
	struct db_stmt *st = NULL;
	int64_t changed = 0;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, subject);
	db_bind_int64(st, 4, num);
	db_bind_text(st, 5, from);
	db_bind_text(st, 6, to);
	if (comment)
		db_bind_text(st, 7, comment);
	else
		db_bind_null(st, 7);
	db_bind_int64(st, 8, publish_at);
	db_bind_int64(st, 9, now);
	rc = db_step(st, e);
	if (rc == DB_DONE)
		changed = db_changes(st);
	db_finalize(st);
	if (rc != DB_DONE)
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

static int
find_due(struct db *db, const struct tenant *t, int64_t now, struct arena *a, struct due *out,
	 struct err *e)
{
	static const char sql[] =
		"SELECT kind, subject, num, snapshot FROM revision WHERE tenant_id = $1 AND "
		"state = 'scheduled' AND publish_at <= $2 ORDER BY publish_at, num LIMIT 1";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, now);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		out->kind = arena_strdup(a, db_col_text(st, 0));
		out->subject = arena_strdup(a, db_col_text(st, 1));
		out->num = db_col_int64(st, 2);
		out->snapshot = arena_strdup(a, db_col_text(st, 3));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = ERR_NOTFOUND;
	}
	db_finalize(st);
	return rc;
}

/* Set a revision that cannot be applied aside, so it is not retried on every request. */
static int
set_aside(struct db *db, const struct tenant *t, const struct due *d, int64_t now, struct err *e)
{
	int rc = db_begin(db, e);

	if (rc == 0)
		rc = ed_rev_move(db, t, d->kind, d->subject, d->num, "scheduled", "replaced", NULL,
				 now, now, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
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

int
ed_rev_recent(struct db *db, const struct tenant *t, const char *state, size_t max, struct arena *a,
	      struct ed_rev_item **out, size_t *n, struct err *e)
{
	const char *title = ed_kinds_title_sql(a);
	const char *sql =
		state ? arena_printf(
				a,
				"SELECT r.kind, r.subject, r.num, r.state, COALESCE(u.name, ''), "
				"r.publish_at, COALESCE(%s, r.subject) FROM revision r LEFT JOIN "
				"staff_user u ON u.id = r.author_id WHERE r.tenant_id = $1 AND "
				"r.state = $2 ORDER BY r.publish_at, r.changed_at LIMIT $3",
				title)
		      : arena_printf(
				a,
				"SELECT r.kind, r.subject, r.num, r.state, COALESCE(u.name, ''), "
				"r.changed_at, COALESCE(%s, r.subject) FROM revision r LEFT JOIN "
				"staff_user u ON u.id = r.author_id WHERE r.tenant_id = $1 "
				"ORDER BY r.changed_at DESC, r.id DESC LIMIT $2",
				title);
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	*out = arena_calloc(a, max ? max : 1, sizeof(**out));
	*n = 0;
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	if (state)
		db_bind_text(st, 2, state);
	db_bind_int64(st, state ? 3 : 2, (int64_t)max);
	while ((rc = db_step(st, e)) == DB_ROW && *n < max) {
		struct ed_rev_item *r = &(*out)[(*n)++];

		r->kind = arena_strdup(a, db_col_text(st, 0));
		r->subject = arena_strdup(a, db_col_text(st, 1));
		r->num = db_col_int64(st, 2);
		r->state = arena_strdup(a, db_col_text(st, 3));
		r->author = arena_strdup(a, db_col_text(st, 4));
		r->when = db_col_int64(st, 5);
		r->title = arena_strdup(a, db_col_text(st, 6));
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

int
ed_audit_list(struct db *db, const struct tenant *t, size_t max, struct arena *a,
	      struct ed_audit_item **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT a.at, COALESCE(u.name, ''), a.action, a.detail, a.ip FROM audit_log a "
		"LEFT JOIN staff_user u ON u.id = a.user_id WHERE a.tenant_id = $1 "
		"ORDER BY a.at DESC, a.id DESC LIMIT $2";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	*out = arena_calloc(a, max ? max : 1, sizeof(**out));
	*n = 0;
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, (int64_t)max);
	while ((rc = db_step(st, e)) == DB_ROW && *n < max) {
		struct ed_audit_item *r = &(*out)[(*n)++];

		r->at = db_col_int64(st, 0);
		r->who = arena_strdup(a, db_col_text(st, 1));
		r->action = arena_strdup(a, db_col_text(st, 2));
		r->detail = arena_strdup(a, db_col_text(st, 3));
		r->ip = arena_strdup(a, db_col_text(st, 4));
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}
