/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * db_int: what db.c shares with its backends, as sqlite's sqlite3_vfs is
 * shared by os_unix.c and os_win.c.  A backend fills one const struct db_ops
 * and embeds struct db / struct db_stmt as the first member of its own
 * connection and statement structs; db.c owns the common parts (the
 * statement cache, the step state, the first bind error) so the backends
 * only talk to their library.  Only files in src/db/ include this header.
 */
#ifndef RATHAUS_DB_INT_H
#define RATHAUS_DB_INT_H

#include "db/db.h"

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buckets of a connection's statement cache: a power of two. */
#define DB_CACHE_BUCKETS 64
/*
 * Statements a connection keeps.  Past this, finalized statements are
 * destroyed instead of cached, so SQL built at run time cannot grow a
 * connection without bound.
 */
#define DB_CACHE_MAX 256

/* Message-catalogue keys for the citizen, from locale/en.json and de.json. */
#define DB_USER_ERROR "error.internal"
#define DB_USER_CONFLICT "error.409.text"
#define DB_USER_INVALID "error.400.text"

enum db_stmt_state {
	DB_STMT_READY,	/* not run since prepare or reset: binds allowed */
	DB_STMT_ROW,	/* a row is current */
	DB_STMT_DONE,	/* ran to the end */
	DB_STMT_FAILED, /* the last step failed; needs db_reset() */
};

/*
 * The backend interface.  Backends set errors with err_set() and the keys
 * above.  Column functions are only called while a row is current.
 */
struct db_ops {
	const char *name; /* "sqlite", "postgresql" for messages */
	enum db_dialect dialect;

	/*
	 * Connect to `target` (a path for SQLite, the whole URL for
	 * PostgreSQL).  *out is the backend's zeroed struct; db.c fills the
	 * common part.
	 */
	int (*open)(const char *target, struct db **out, struct err *e);
	void (*close)(struct db *db); /* statements are destroyed first */
	int (*exec)(struct db *db, const char *sql, struct err *e);

	/* Prepare one statement: *out is the backend's zeroed struct. */
	int (*prepare)(struct db *db, const char *sql, struct db_stmt **out, struct err *e);
	/* Destroy the backend part and free the struct prepare() made. */
	void (*finalize)(struct db_stmt *st);

	/* Binds return 0 or an error code; $i beyond the statement's are ignored. */
	int (*bind_int64)(struct db_stmt *st, int i, int64_t v, struct err *e);
	int (*bind_text)(struct db_stmt *st, int i, const char *p, size_t len, struct err *e);
	int (*bind_null)(struct db_stmt *st, int i, struct err *e);
	void (*clear_bindings)(struct db_stmt *st);

	/* DB_ROW, DB_DONE or an error code. */
	int (*step)(struct db_stmt *st, struct err *e);
	void (*reset)(struct db_stmt *st); /* keeps the binds */

	bool (*col_null)(struct db_stmt *st, int i);
	int64_t (*col_int64)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i); /* "" for NULL */
	size_t (*col_len)(struct db_stmt *st, int i);
	int (*col_count)(struct db_stmt *st);
	/* Called once the statement reached DB_DONE: rows it changed. */
	int64_t (*changes)(struct db_stmt *st);

	int (*begin)(struct db *db, struct err *e);
	int (*commit)(struct db *db, struct err *e);
	void (*rollback)(struct db *db); /* no-op without a transaction */
	int (*ping)(struct db *db, struct err *e);

	/*
	 * Optional (NULL for SQLite): is_broken() tells a lost connection,
	 * revive() reconnects it, returning 0 or ERR_DB.  Server-side state,
	 * prepared statements included, is gone afterwards.
	 */
	bool (*is_broken)(struct db *db);
	int (*revive)(struct db *db, struct err *e);

	/* Optional (NULL for PostgreSQL): db_backup(). */
	int (*backup)(struct db *db, const char *path, struct err *e);
};

/* The common head of every backend's connection. */
struct db {
	const struct db_ops *ops;
	/* The connection's statements, busy or idle, chained by hash of their SQL. */
	struct db_stmt *cache[DB_CACHE_BUCKETS];
	size_t n_stmts;	 /* statements in the cache */
	size_t n_busy;	 /* prepared and not finalized yet */
	bool is_closing; /* statements go with the connection */
	bool in_tx;	 /* db_begin() succeeded, no commit or rollback yet */
	bool tx_failed;	 /* a statement failed inside that transaction */
};

/* The common head of every backend's statement. */
struct db_stmt {
	struct db *db;		  /* the connection it belongs to */
	char *sql;		  /* owned copy of the text, the cache key */
	uint64_t hash;		  /* of sql */
	struct db_stmt *next;	  /* in its cache bucket */
	bool is_busy;		  /* handed out by db_prepare(), not finalized */
	enum db_stmt_state state; /* where its run is */
	int64_t changes;	  /* set when the statement reached DB_DONE */
	struct err err;		  /* the first bind error, reported by db_step() */
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/*
 * The backend for `url` and the part of it the backend opens, borrowed from
 * `url`.  Returns 0 or ERR_INVALID.
 */
int db_url_ops(const char *url, const struct db_ops **ops, const char **target,
	       struct err *e) MUST_CHECK;

/*
 * Make a connection coming back to a pool fit for the next borrower: roll
 * back a forgotten transaction, reconnect a broken one (dropping the
 * statements prepared on it).  Returns 0, or ERR_DB when it stays broken and
 * should be closed.
 */
int db_recycle(struct db *db, struct err *e) MUST_CHECK;

/* Size of an excerpt of SQL in an error detail, with its NUL. */
#define DB_EXCERPT_MAX 84

/*
 * The start of `sql` on one line for an error detail: runs of white space
 * become one space, and a cut is marked with "...".  Returns `out`.
 */
const char *db_sql_excerpt(const char *sql, char out[DB_EXCERPT_MAX]);

/* The catalogue key for an error code of this module. */
const char *db_user_key(int code);

#endif
