/* SPDX-License-Identifier: EUPL-1.2 */
/* Staff users: Argon2id password hashes (libsodium), roles per tenant, logins. */
#include "auth/auth.h"

#include "core/str.h"
#include "db/db.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#define PASSWORD_MIN 12
#define PASSWORD_MAX 1024

static const char *const role_names[] = {"admin", "editor", "caseworker"};

int
auth_role_parse(const char *s, enum auth_role *out)
{
	for (int i = 0; i < 3; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum auth_role)(1 << i);
			return 0;
		}
	}
	return ERR_INVALID;
}

const char *
auth_role_name(enum auth_role r)
{
	for (int i = 0; i < 3; i++)
		if ((unsigned)r == 1u << i)
			return role_names[i];
	return "";
}

static bool
email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot;
	size_t n = strlen(s);

	if (!at || at == s || strchr(at + 1, '@') || n >= 254 || !str_valid_text(str_c(s)) ||
	    strpbrk(s, " \t\r\n<>\""))
		return false;
	/* A domain of labels: "b.de", not ".", "b." or ".b". */
	dot = strchr(at + 1, '.');
	return dot && dot != at + 1 && s[n - 1] != '.' && !strstr(at, "..");
}

/* Email addresses are kept in lower case, so "Anna@x.de" and "anna@x.de" are one user. */
static const char *
email_key(const char *email, char *out, size_t n)
{
	size_t i = 0;

	for (; email[i] && i + 1 < n; i++)
		out[i] = (char)(email[i] >= 'A' && email[i] <= 'Z' ? email[i] + 32 : email[i]);
	out[i] = '\0';
	return out;
}

int
user_add(struct db *db, const char *email, const char *name, const char *password, int64_t *id,
	 struct err *e)
{
	static const char sql[] = "INSERT INTO staff_user (email, name, password_hash, "
				  "created_at) VALUES ($1, $2, $3, $4) RETURNING id";
	char hash[crypto_pwhash_STRBYTES], key[256];
	size_t n = strlen(password);
	int rc;

	if (!email_ok(email))
		return err_set(e, ERR_INVALID, "auth.bad_email", "'%s' is not an email address",
			       email);
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return err_set(e, ERR_INVALID, "auth.weak_password",
			       "the password needs %d to %d characters", PASSWORD_MIN,
			       PASSWORD_MAX);
	if (crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, ERR_INTERNAL, NULL, "argon2id hashing ran out of memory");
	rc = db_int64(db, e, id, sql, DB_TEXT(email_key(email, key, sizeof(key))), DB_TEXT(name),
		      DB_TEXT(hash), DB_INT((int64_t)time(NULL)));
	if (rc == ERR_CONFLICT)
		err_set(e, rc, "auth.user_exists", "a user '%s' exists already", email);
	return rc;
}

int
user_grant(struct db *db, int64_t user_id, const struct tenant *t, enum auth_role role,
	   struct err *e)
{
	static const char sql[] = "INSERT INTO staff_role (user_id, tenant_id, role) "
				  "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

	return db_run(db, e, sql, DB_INT(user_id), DB_INT(t->id), DB_TEXT(auth_role_name(role)));
}

static int
add_role(struct db_stmt *st, void *ctx, struct err *e)
{
	unsigned *roles = ctx;
	enum auth_role r;

	if (auth_role_parse(db_col_text(st, 0), &r) == 0)
		*roles |= r;
	return 0;
}

/* The roles of `user_id` in tenant `t` as enum auth_role bits. */
static int
load_roles(struct db *db, const struct tenant *t, int64_t user_id, unsigned *roles, struct err *e)
{
	static const char sql[] =
		"SELECT role FROM staff_role WHERE user_id = $1 AND tenant_id = $2";

	*roles = 0;
	return db_each(db, e, sql, add_role, roles, DB_INT(user_id), DB_INT(t->id));
}

static void
read_user(struct db_stmt *st, struct arena *a, void *row)
{
	struct staff_user *u = row;

	u->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &u->email, &u->name);
}

int
user_find(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
	  struct staff_user **out, struct err *e)
{
	static const char sql[] =
		"SELECT id, email, name FROM staff_user WHERE id = $1 AND disabled = 0";
	struct staff_user *u = arena_calloc(a, 1, sizeof(*u));
	int rc = db_get(db, e, sql, a, read_user, u, DB_INT(id));

	if (rc == 0)
		rc = load_roles(db, t, u->id, &u->roles, e);
	if (rc == 0)
		*out = u;
	return rc;
}

/* Verified when the user is unknown, so both answers take as long. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	if (crypto_pwhash_str(dummy_hash, "no such user here", 17,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

int
user_login(struct db *db, const struct tenant *t, const char *email, const char *password,
	   struct arena *a, struct staff_user **out, struct err *e)
{
	static const char sql[] =
		"SELECT id, password_hash FROM staff_user WHERE email = $1 AND disabled = 0";
	struct db_stmt *st = NULL;
	char hash[crypto_pwhash_STRBYTES] = "", key[256];
	int64_t id = 0;
	int rc;

	pthread_once(&dummy_once, dummy_init);
	rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, email_key(email, key, sizeof(key)));
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		id = db_col_int64(st, 0);
		snprintf(hash, sizeof(hash), "%s", db_col_text(st, 1));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = 0;
	}
	db_finalize(st);
	if (rc)
		return rc;
	if (crypto_pwhash_str_verify(id ? hash : dummy_hash, password, strlen(password)) != 0 ||
	    !id)
		return err_set(e, ERR_UNAUTHORIZED, "auth.login_failed", "login failed for '%s'",
			       email);
	rc = user_find(db, t, id, a, out, e);
	if (rc == 0 && (*out)->roles == 0)
		rc = err_set(e, ERR_UNAUTHORIZED, "auth.login_failed",
			     "'%s' has no role in tenant '%s'", email, t->slug);
	return rc;
}
