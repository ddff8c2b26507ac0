/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The PostgreSQL backend over libpq.  Each statement is prepared once per
 * connection under the name "s<N>" and run with PQexecPrepared, parameters
 * and results in text format.  The whole result is fetched on the first
 * db_step() and the later steps walk its rows: simple, and it lets several
 * statements be open at once on one connection, at the price of holding big
 * results in memory (page them with LIMIT).  Session settings (time zone,
 * notice level) are made again after a reconnect.
 */
#include "db/db_int.h"

#include "core/log.h"
#include "core/str.h"
#include "core/xalloc.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's protocol carries at most this many parameters. */
#define PG_PARAMS_MAX 65535

static const char PG_SESSION_SQL[] = "SET client_min_messages = warning;"
				     "SET TIME ZONE 'UTC'";

struct pg_db {
	struct db base; /* first: db.c sees this */
	PGconn *conn;
	unsigned long next_id; /* names prepared statements s<N> */
};

struct pg_stmt {
	struct db_stmt base; /* first: db.c sees this */
	char name[24];	     /* of the server-side prepared statement */
	int nparams;	     /* highest $N in the SQL */
	char **values;	     /* nparams copies, NULL for SQL NULL */
	PGresult *res;	     /* of the current run, NULL before the first step */
	int row;	     /* current row of res */
	int nrows;
	int64_t changes;
};

static_assert(offsetof(struct pg_db, base) == 0, "base first");
static_assert(offsetof(struct pg_stmt, base) == 0, "base first");

static PGconn *
conn_of(struct db *db)
{
	return ((struct pg_db *)db)->conn;
}

static struct pg_stmt *
pg_stmt(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

/*
 * Record the failure of `what`: SQLSTATE class 23 (integrity constraint
 * violation) is a conflict, the rest a storage error.  Without a result
 * (lost connection) the connection's message is used.
 */
static int
fail(PGconn *conn, const PGresult *res, const char *what, struct err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	int code = state && strncmp(state, "23", 2) == 0 ? ERR_CONFLICT : ERR_DB;
	char conn_msg[256];
	size_t n;

	if (!msg) {
		/* libpq's own messages end in a newline; the log wants one line. */
		snprintf(conn_msg, sizeof(conn_msg), "%s", PQerrorMessage(conn));
		n = strlen(conn_msg);
		while (n > 0 && isspace((unsigned char)conn_msg[n - 1]))
			conn_msg[--n] = '\0';
		for (char *p = conn_msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		msg = n ? conn_msg : "no connection to the server";
	}
	return err_set(e, code, db_user_key(code), "postgresql %s: %s%s%s (sqlstate %s)", what, msg,
		       detail ? ": " : "", detail ? detail : "", state ? state : "none");
}

/* Run `sql` without parameters; 0 when it succeeded, whatever it returned. */
static int
run(PGconn *conn, const char *sql, const char *what, struct err *e)
{
	PGresult *res = PQexec(conn, sql);
	int rc = 0;

	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	default:
		rc = fail(conn, res, what, e);
		break;
	}
	PQclear(res);
	return rc;
}

/* Server notices (warnings and up) go to our log rather than to stderr raw. */
static void
notice_to_log(void *arg, const char *message)
{
	size_t n = strlen(message);

	(void)arg;
	while (n > 0 && message[n - 1] == '\n')
		n--;
	log_warn("postgresql: %.*s", (int)n, message);
}

static int
session_setup(PGconn *conn, struct err *e)
{
	PQsetNoticeProcessor(conn, notice_to_log, NULL);
	return run(conn, PG_SESSION_SQL, "session setup", e);
}

static int
pg_open(const char *url, struct db **out, struct err *e)
{
	PGconn *conn = PQconnectdb(url);
	struct pg_db *db;
	int rc;

	if (PQstatus(conn) != CONNECTION_OK) {
		rc = fail(conn, NULL, "connect", e);
		PQfinish(conn);
		return rc;
	}
	rc = session_setup(conn, e);
	if (rc != 0) {
		PQfinish(conn);
		return rc;
	}
	db = xcalloc(1, sizeof(*db));
	db->conn = conn;
	*out = &db->base;
	return 0;
}

static void
pg_close(struct db *db)
{
	PQfinish(conn_of(db));
	free(db);
}

static int
pg_exec(struct db *db, const char *sql, struct err *e)
{
	/* PQexec runs several statements; the first failure stops it. */
	return run(conn_of(db), sql, "exec", e);
}

/* Skip a quoted run that starts at `p` (on the opening quote `q`). */
static const char *
skip_quoted(const char *p, char q, bool backslash)
{
	for (p++; *p; p++) {
		if (backslash && *p == '\\' && p[1]) {
			p++;
		} else if (*p == q) {
			if (p[1] != q)
				return p + 1;
			p++; /* a doubled quote stands for itself */
		}
	}
	return p;
}

/* Skip a comment at `p` ("--" to the line end, nesting slash-star). */
static const char *
skip_comment(const char *p)
{
	int depth = 0;

	if (p[0] == '-')
		return p + strcspn(p, "\n");
	do {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			depth--;
			p += 2;
		} else {
			p++;
		}
	} while (depth > 0 && *p);
	return p;
}

static bool
is_ident(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/*
 * Skip a dollar-quoted string ($$...$$ or $tag$...$tag$) at `p`; returns `p`
 * itself when no dollar quote starts there.
 */
static const char *
skip_dollar_quote(const char *p)
{
	const char *q = p + 1, *end;
	size_t n;

	while (*q && (isalnum((unsigned char)*q) || *q == '_' || (unsigned char)*q >= 0x80))
		q++;
	if (*q != '$')
		return p;
	n = (size_t)(q - p) + 1; /* the tag with both dollars */
	for (end = q + 1; (end = strchr(end, '$')); end++) {
		if (strncmp(end, p, n) == 0)
			return end + n;
	}
	return p + strlen(p);
}

/*
 * The highest $N in `sql` outside literals, quoted identifiers, comments and
 * dollar quotes; -1 past PG_PARAMS_MAX.  PQexecPrepared must pass exactly
 * that many values, and counting here saves a round trip to describe.
 */
static int
count_params(const char *sql)
{
	const char *p = sql;
	int max = 0;
	long n;

	while (*p) {
		unsigned char prev = p > sql ? (unsigned char)p[-1] : ' ';

		if (*p == '\'') {
			/* E'...' takes backslash escapes. */
			bool esc = (prev == 'E' || prev == 'e') &&
				   (p - 1 == sql || !is_ident((unsigned char)p[-2]));

			p = skip_quoted(p, '\'', esc);
		} else if (*p == '"') {
			p = skip_quoted(p, '"', false);
		} else if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
			p = skip_comment(p);
		} else if (*p == '$' && !is_ident(prev) && isdigit((unsigned char)p[1])) {
			for (n = 0, p++; isdigit((unsigned char)*p); p++) {
				n = n * 10 + (*p - '0');
				if (n > PG_PARAMS_MAX)
					return -1;
			}
			if (n > max)
				max = (int)n;
		} else if (*p == '$' && !is_ident(prev)) {
			const char *q = skip_dollar_quote(p);

			p = q == p ? p + 1 : q;
		} else {
			p++;
		}
	}
	return max;
}

static int
pg_prepare(struct db *base, const char *sql, struct db_stmt **out, struct err *e)
{
	struct pg_db *db = (struct pg_db *)base;
	int nparams = count_params(sql);
	struct pg_stmt *st;
	PGresult *res;
	char name[24], excerpt[DB_EXCERPT_MAX];
	int rc;

	if (nparams < 0)
		return err_set(e, ERR_DB, DB_USER_ERROR,
			       "postgresql prepare \"%s\": more than %d parameters",
			       db_sql_excerpt(sql, excerpt), PG_PARAMS_MAX);
	snprintf(name, sizeof(name), "s%lu", db->next_id++);
	res = PQprepare(db->conn, name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char what[128];

		snprintf(what, sizeof(what), "prepare \"%s\"", db_sql_excerpt(sql, excerpt));
		rc = fail(db->conn, res, what, e);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	st = xcalloc(1, sizeof(*st));
	memcpy(st->name, name, sizeof(name));
	st->nparams = nparams;
	st->values = nparams ? xcalloc((size_t)nparams, sizeof(*st->values)) : NULL;
	st->row = -1;
	*out = &st->base;
	return 0;
}

static void
pg_clear_bindings(struct db_stmt *base)
{
	struct pg_stmt *st = pg_stmt(base);

	for (int i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
	}
}

static void
pg_reset(struct db_stmt *base)
{
	struct pg_stmt *st = pg_stmt(base);

	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	st->changes = 0;
}

static void
pg_finalize(struct db_stmt *base)
{
	struct pg_stmt *st = pg_stmt(base);
	PGconn *conn = conn_of(base->db);
	char sql[48];

	/* Closing or a lost connection frees the server side anyway. */
	if (!base->db->is_closing && PQstatus(conn) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
		(void)run(conn, sql, "deallocate", NULL);
	}
	pg_reset(base);
	pg_clear_bindings(base);
	free(st->values);
	free(st);
}

/* Set $i to `v` (owned, NULL for SQL NULL), or drop v when the SQL has no $i. */
static int
set_value(struct db_stmt *base, int i, char *v)
{
	struct pg_stmt *st = pg_stmt(base);

	if (i > st->nparams) {
		free(v);
		return 0;
	}
	free(st->values[i - 1]);
	st->values[i - 1] = v;
	return 0;
}

static int
pg_bind_int64(struct db_stmt *st, int i, int64_t v, struct err *e)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	return set_value(st, i, xstrdup(num));
}

static int
pg_bind_text(struct db_stmt *st, int i, const char *p, size_t len, struct err *e)
{
	return set_value(st, i, xstrndup(p, len));
}

static int
pg_bind_null(struct db_stmt *st, int i, struct err *e)
{
	return set_value(st, i, NULL);
}

/* Rows written by the command of `res`: PQcmdTuples also counts SELECTs. */
static int
pg_col_count(struct db_stmt *base)
{
	return PQnfields(pg_stmt(base)->res);
}

static int64_t
written_rows(PGresult *res)
{
	const char *tag = PQcmdStatus(res);
	int64_t n;

	if (strncmp(tag, "INSERT", 6) != 0 && strncmp(tag, "UPDATE", 6) != 0 &&
	    strncmp(tag, "DELETE", 6) != 0 && strncmp(tag, "MERGE", 5) != 0)
		return 0;
	if (str_to_int64(str_c(PQcmdTuples(res)), 0, INT64_MAX, &n) != 0)
		return 0;
	return n;
}

static int
pg_step(struct db_stmt *base, struct err *e)
{
	struct pg_stmt *st = pg_stmt(base);
	PGconn *conn = conn_of(base->db);
	int rc;

	if (st->res) {
		st->row++;
		return st->row < st->nrows ? DB_ROW : DB_DONE;
	}
	if (PQstatus(conn) != CONNECTION_OK)
		return fail(conn, NULL, "step", e);
	st->res = PQexecPrepared(conn, st->name, st->nparams, (const char *const *)st->values, NULL,
				 NULL, 0);
	switch (PQresultStatus(st->res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		st->nrows = PQntuples(st->res);
		st->changes = written_rows(st->res);
		st->row = 0;
		return st->nrows > 0 ? DB_ROW : DB_DONE;
	default:
		rc = fail(conn, st->res, "step", e);
		PQclear(st->res);
		st->res = NULL;
		return rc;
	}
}

static bool
col_ok(struct pg_stmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 && i < PQnfields(st->res);
}

static bool
pg_col_null(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pg_stmt(base);

	return !col_ok(st, i) || PQgetisnull(st->res, st->row, i);
}

static int64_t
pg_col_int64(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pg_stmt(base);
	const char *s;

	if (pg_col_null(base, i))
		return 0;
	s = PQgetvalue(st->res, st->row, i);
	/* Booleans come as t/f in text format; SQLite has 1/0. */
	if (s[0] == 't' && s[1] == '\0')
		return 1;
	/* Like sqlite3_column_int64(): the leading integer, 0 without one. */
	return strtoll(s, NULL, 10);
}

static const char *
pg_col_text(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pg_stmt(base);

	return pg_col_null(base, i) ? "" : PQgetvalue(st->res, st->row, i);
}

static size_t
pg_col_len(struct db_stmt *base, int i)
{
	struct pg_stmt *st = pg_stmt(base);

	return pg_col_null(base, i) ? 0 : (size_t)PQgetlength(st->res, st->row, i);
}

static int64_t
pg_changes(struct db_stmt *st)
{
	return pg_stmt(st)->changes;
}

static int
pg_begin(struct db *db, struct err *e)
{
	PGconn *conn = conn_of(db);

	/* PostgreSQL only warns about a nested BEGIN; SQLite refuses it, and so do we. */
	if (PQtransactionStatus(conn) != PQTRANS_IDLE && PQstatus(conn) == CONNECTION_OK)
		return err_set(e, ERR_DB, DB_USER_ERROR,
			       "postgresql begin: a transaction is already open");
	return run(conn, "BEGIN", "begin", e);
}

static int
pg_commit(struct db *db, struct err *e)
{
	PGconn *conn = conn_of(db);
	PGresult *res = PQexec(conn, "COMMIT");
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = fail(conn, res, "commit", e);
	else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		/* COMMIT of a transaction aborted by an earlier error rolls back quietly. */
		rc = err_set(e, ERR_DB, DB_USER_ERROR,
			     "postgresql commit: the transaction was aborted by an earlier error "
			     "and rolled back");
	PQclear(res);
	return rc;
}

static void
pg_rollback(struct db *db)
{
	PGconn *conn = conn_of(db);

	switch (PQtransactionStatus(conn)) {
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
		(void)run(conn, "ROLLBACK", "rollback", NULL);
		break;
	default:
		break; /* idle, or the connection is lost and so is the transaction */
	}
}

static int
pg_ping(struct db *db, struct err *e)
{
	return run(conn_of(db), "SELECT 1", "ping", e);
}

static bool
pg_is_broken(struct db *db)
{
	return PQstatus(conn_of(db)) != CONNECTION_OK;
}

static int
pg_revive(struct db *db, struct err *e)
{
	PGconn *conn = conn_of(db);

	log_warn("postgresql: connection lost, reconnecting");
	PQreset(conn);
	if (PQstatus(conn) != CONNECTION_OK)
		return fail(conn, NULL, "reconnect", e);
	return session_setup(conn, e);
}

const struct db_ops db_pg_ops = {
	.name = "postgresql",
	.dialect = DB_PG,
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int64 = pg_bind_int64,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.clear_bindings = pg_clear_bindings,
	.step = pg_step,
	.reset = pg_reset,
	.col_null = pg_col_null,
	.col_int64 = pg_col_int64,
	.col_text = pg_col_text,
	.col_len = pg_col_len,
	.col_count = pg_col_count,
	.changes = pg_changes,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.ping = pg_ping,
	.is_broken = pg_is_broken,
	.revive = pg_revive,
};
