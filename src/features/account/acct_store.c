/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The statements of the account feature.  Accounts, their sessions and
 * tokens belong to the installation, not to a tenant: these are the reads
 * keyed by the citizen's own id that docs/account.md describes.  Tokens and
 * session ids are looked up by their hash only.
 */
#include "features/account/acct_int.h"

#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define THROTTLE_QUIET_S 3600 /* failures older than this are forgotten */
#define THROTTLE_BASE_S 10
#define THROTTLE_MAX_S 900
#define SESSION_TOUCH_S 60
#define AGENT_MAX 200

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

struct login_row {
	int64_t id, verified_at;
	char *hash;
	size_t n;
};

static int
read_login(struct db_stmt *st, void *ctx, struct err *e)
{
	struct login_row *r = ctx;

	r->id = db_col_int64(st, 0);
	snprintf(r->hash, r->n, "%s", db_col_text(st, 1));
	r->verified_at = db_col_int64(st, 2);
	return 0;
}

int
acct_find_login(struct db *db, const char *email, int64_t *id, char *hash, size_t n,
		int64_t *verified_at, struct err *e)
{
	static const char sql[] =
		"SELECT id, password_hash, verified_at FROM citizen WHERE email = $1";
	struct login_row r = {0, 0, hash, n};
	int rc = db_one(db, e, sql, read_login, &r, DB_TEXT(email));

	*id = r.id;
	*verified_at = r.verified_at;
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int
acct_create(struct db *db, const char *email, const char *hash, int64_t *id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO citizen (email, password_hash, created_at, updated_at) "
		"VALUES ($1, $2, $3, $3) ON CONFLICT (email) DO NOTHING RETURNING id";
	int rc = db_int64(db, e, id, sql, DB_TEXT(email), DB_TEXT(hash), DB_INT(now_s()));

	if (rc == ERR_NOTFOUND)
		*id = 0;
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int
acct_token_new(struct db *db, int64_t citizen_id, const char *purpose, const char *new_email,
	       int ttl_s, char *token, struct err *e)
{
	static const char old_sql[] = "UPDATE citizen_token SET used_at = $3 WHERE citizen_id = "
				      "$1 AND purpose = $2 AND used_at = 0";
	static const char sql[] = "INSERT INTO citizen_token (token_hash, citizen_id, purpose, "
				  "new_email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, "
				  "$6)";
	char h[65];
	int64_t now = now_s();
	int rc;

	auth_token(token);
	auth_token_hash(token, h);
	/* Only the newest link to reset or change works; any open link verifies. */
	if (strcmp(purpose, "verify") != 0)
		rc = db_run(db, e, old_sql, DB_INT(citizen_id), DB_TEXT(purpose), DB_INT(now));
	else
		rc = 0;
	if (rc == 0)
		rc = db_run(db, e, sql, DB_TEXT(h), DB_INT(citizen_id), DB_TEXT(purpose),
			    DB_TEXT(new_email), DB_INT(now), DB_INT(now + ttl_s));
	return rc;
}

struct use_row {
	int64_t id;
	const char *purpose, *new_email;
	struct arena *a;
};

static int
read_use(struct db_stmt *st, void *ctx, struct err *e)
{
	struct use_row *r = ctx;

	r->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, r->a, &r->purpose, &r->new_email);
	return 0;
}

int
acct_token_use(struct db *db, const char *token, const char *purpose, int64_t *citizen_id,
	       const char **purpose_out, const char **new_email, struct arena *a, struct err *e)
{
	/* Conditional, so two clicks at once use it once. */
	static const char sql[] =
		"UPDATE citizen_token SET used_at = $2 WHERE token_hash = $1 AND used_at = 0 "
		"AND expires_at > $2 AND (purpose = $3 OR ($3 = 'verify' AND purpose = "
		"'email')) RETURNING citizen_id, purpose, new_email";
	struct use_row r = {0, "", "", a};
	char h[65];
	int rc;

	if (!auth_token_ok(token))
		return ERR_NOTFOUND;
	auth_token_hash(token, h);
	rc = db_one(db, e, sql, read_use, &r, DB_TEXT(h), DB_INT(now_s()), DB_TEXT(purpose));
	*citizen_id = r.id;
	if (purpose_out)
		*purpose_out = r.purpose;
	if (new_email)
		*new_email = r.new_email;
	return rc;
}

int
acct_token_peek(struct db *db, const char *token, const char *purpose, struct err *e)
{
	static const char sql[] = "SELECT citizen_id FROM citizen_token WHERE token_hash = $1 "
				  "AND used_at = 0 AND expires_at > $2 AND purpose = $3";
	char h[65];
	int64_t id;

	if (!auth_token_ok(token))
		return ERR_NOTFOUND;
	auth_token_hash(token, h);
	return db_int64(db, e, &id, sql, DB_TEXT(h), DB_INT(now_s()), DB_TEXT(purpose));
}

int
acct_verify(struct db *db, int64_t id, const char *new_email, struct err *e)
{
	static const char sql[] = "UPDATE citizen SET verified_at = $2, updated_at = $2 "
				  "WHERE id = $1 AND verified_at = 0";
	static const char email_sql[] = "UPDATE citizen SET email = $3, verified_at = $2, "
					"updated_at = $2 WHERE id = $1";

	if (new_email && new_email[0])
		return db_run(db, e, email_sql, DB_INT(id), DB_INT(now_s()), DB_TEXT(new_email));
	return db_run(db, e, sql, DB_INT(id), DB_INT(now_s()));
}

int
acct_set_password(struct db *db, int64_t id, const char *hash, struct err *e)
{
	/* A reset proves the mailbox too, so it verifies the address. */
	static const char sql[] =
		"UPDATE citizen SET password_hash = $2, updated_at = $3, verified_at = CASE "
		"WHEN verified_at = 0 THEN $3 ELSE verified_at END WHERE id = $1";
	static const char tok_sql[] = "UPDATE citizen_token SET used_at = $2 WHERE citizen_id = "
				      "$1 AND purpose = 'reset' AND used_at = 0";
	int rc = db_run(db, e, sql, DB_INT(id), DB_TEXT(hash), DB_INT(now_s()));

	return rc ? rc : db_run(db, e, tok_sql, DB_INT(id), DB_INT(now_s()));
}

/* The User-Agent as text of at most AGENT_MAX bytes, cut at a character boundary. */
static void
clip_agent(const char *agent, char *out)
{
	size_t n;

	snprintf(out, AGENT_MAX + 1, "%s", agent && str_valid_text(str_c(agent)) ? agent : "");
	n = strlen(out);
	if (n < AGENT_MAX)
		return;
	while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
		out[--n] = '\0';
	if (n > 0 && ((unsigned char)out[n - 1] & 0x80))
		out[--n] = '\0';
}

int
acct_login_log(struct db *db, int64_t citizen_id, bool ok, const struct tenant *t, const char *ip,
	       const char *agent, struct err *e)
{
	static const char sql[] = "INSERT INTO citizen_login (citizen_id, tenant_id, at, ok, ip, "
				  "agent) VALUES ($1, $2, $3, $4, $5, $6)";
	char ag[AGENT_MAX + 1];

	clip_agent(agent, ag);
	return db_run(db, e, sql, DB_INT(citizen_id), DB_ID(t ? t->id : 0), DB_INT(now_s()),
		      DB_INT(ok ? 1 : 0), DB_TEXT(ip ? ip : ""), DB_TEXT(ag));
}

static void
read_login_row(struct db_stmt *st, struct arena *a, void *row)
{
	struct acct_login_row *r = row;

	r->at = db_col_int64(st, 0);
	r->ok = db_col_int64(st, 1) != 0;
	db_cols_dup(st, 2, a, &r->ip, &r->agent, &r->portal);
}

#define LOGINS_SQL                                                                                 \
	"SELECT l.at, l.ok, l.ip, l.agent, COALESCE(t.name, '') FROM citizen_login l "             \
	"LEFT JOIN tenant t ON t.id = l.tenant_id WHERE l.citizen_id = $1 "                        \
	"ORDER BY l.at DESC, l.id DESC"

int
acct_logins(struct db *db, int64_t citizen_id, bool all, struct arena *a,
	    struct acct_login_row **out, size_t *n, struct err *e)
{
	const char *sql = all ? LOGINS_SQL : LOGINS_SQL " LIMIT 100";
	return db_list_of(db, e, sql, a, read_login_row, out, n, DB_INT(citizen_id));
}

int
acct_delete(struct db *db, int64_t id, struct err *e)
{
	/* Sessions, tokens, history, recovery codes and pending logins go by ON DELETE CASCADE. */
	return db_run(db, e, "DELETE FROM citizen WHERE id = $1", DB_INT(id));
}

int
acct_session_new(struct db *db, int64_t citizen_id, const struct tenant *t, const char *ip,
		 const char *agent, int ttl_s, char *token, struct err *e)
{
	static const char sql[] =
		"INSERT INTO citizen_session (id_hash, citizen_id, tenant_id, ip, agent, "
		"created_at, seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)";
	char h[65], ag[AGENT_MAX + 1];
	int64_t now = now_s();

	auth_token(token);
	auth_token_hash(token, h);
	clip_agent(agent, ag);
	return db_run(db, e, sql, DB_TEXT(h), DB_INT(citizen_id), DB_ID(t ? t->id : 0),
		      DB_TEXT(ip ? ip : ""), DB_TEXT(ag), DB_INT(now), DB_INT(now + ttl_s));
}

struct sess_load {
	struct citizen *c;
	int64_t seen_at, expires_at, created_at;
	struct arena *a;
};

static int
read_sess(struct db_stmt *st, void *ctx, struct err *e)
{
	struct sess_load *s = ctx;

	s->c->id = db_col_int64(st, 0);
	s->c->email = db_col_dup(st, 1, s->a);
	s->c->verified_at = db_col_int64(st, 2);
	s->c->created_at = db_col_int64(st, 3);
	s->seen_at = db_col_int64(st, 4);
	s->created_at = db_col_int64(st, 5);
	s->c->trust_level = (int)db_col_int64(st, 6);
	return 0;
}

int
acct_session_load(struct db *db, const char *token, int ttl_s, struct arena *a,
		  struct citizen **out, struct err *e)
{
	static const char sql[] =
		"SELECT c.id, c.email, c.verified_at, c.created_at, s.seen_at, s.created_at, "
		"s.trust_level FROM citizen_session s JOIN citizen c ON c.id = s.citizen_id "
		"WHERE s.id_hash = $1 AND s.expires_at > $2";
	static const char touch_sql[] =
		"UPDATE citizen_session SET seen_at = $2, expires_at = $3 WHERE id_hash = $1";
	struct citizen *c = arena_calloc(a, 1, sizeof(*c));
	struct sess_load s = {c, 0, 0, 0, a};
	char *h = arena_alloc(a, 65);
	int64_t now = now_s(), until;
	int rc;

	*out = NULL;
	if (!auth_token_ok(token))
		return ERR_NOTFOUND;
	auth_token_hash(token, h);
	rc = db_one(db, e, sql, read_sess, &s, DB_TEXT(h), DB_INT(now));
	if (rc)
		return rc;
	c->sid_hash = h;
	*out = c;
	if (now - s.seen_at < SESSION_TOUCH_S)
		return 0;
	until = now + ttl_s;
	if (until > s.created_at + ACCT_SESSION_MAX_S)
		until = s.created_at + ACCT_SESSION_MAX_S;
	/* A failed touch only shortens the session. */
	if (db_run(db, e, touch_sql, DB_TEXT(h), DB_INT(now), DB_INT(until)) != 0)
		err_clear(e);
	return 0;
}

int
acct_session_end(struct db *db, const char *id_hash, struct err *e)
{
	return db_run(db, e, "DELETE FROM citizen_session WHERE id_hash = $1", DB_TEXT(id_hash));
}

int
acct_sessions_end_all(struct db *db, int64_t citizen_id, struct err *e)
{
	return db_run(db, e, "DELETE FROM citizen_session WHERE citizen_id = $1",
		      DB_INT(citizen_id));
}

static void
read_session_row(struct db_stmt *st, struct arena *a, void *row)
{
	struct acct_session_row *r = row;

	db_cols_dup(st, 0, a, &r->id_hash, &r->ip, &r->agent);
	r->created_at = db_col_int64(st, 3);
	r->seen_at = db_col_int64(st, 4);
}

int
acct_sessions(struct db *db, int64_t citizen_id, struct arena *a, struct acct_session_row **out,
	      size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT id_hash, ip, agent, created_at, seen_at FROM citizen_session "
		"WHERE citizen_id = $1 AND expires_at > $2 ORDER BY seen_at DESC LIMIT 50";
	return db_list_of(db, e, sql, a, read_session_row, out, n, DB_INT(citizen_id),
			  DB_INT(now_s()));
}

int
acct_throttle_wait(struct db *db, const char *key, const char *key2, int64_t *wait_s, struct err *e)
{
	static const char sql[] =
		"SELECT COALESCE(max(next_at), 0) FROM citizen_throttle WHERE key IN ($1, $2)";
	int64_t next = 0, now = now_s();
	int rc = db_int64(db, e, &next, sql, DB_TEXT(key), DB_TEXT(key2));

	*wait_s = rc == 0 && next > now ? next - now : 0;
	return rc;
}

int
acct_throttle_fail(struct db *db, const char *key, int free_fails, struct err *e)
{
	static const char sql[] =
		"INSERT INTO citizen_throttle (key, fails, updated_at) VALUES ($1, 1, $2) "
		"ON CONFLICT (key) DO UPDATE SET fails = CASE WHEN citizen_throttle.updated_at "
		"< $3 THEN 1 ELSE citizen_throttle.fails + 1 END, updated_at = $2 RETURNING fails";
	static const char next_sql[] = "UPDATE citizen_throttle SET next_at = $2 WHERE key = $1";
	int64_t fails = 0, now = now_s(), wait = THROTTLE_BASE_S;
	int rc = db_int64(db, e, &fails, sql, DB_TEXT(key), DB_INT(now),
			  DB_INT(now - THROTTLE_QUIET_S));

	if (rc || fails < free_fails)
		return rc;
	/* After the free ones, 10 s after each failure, doubling up to 15 min. */
	for (int64_t i = free_fails; i < fails && wait < THROTTLE_MAX_S; i++)
		wait *= 2;
	if (wait > THROTTLE_MAX_S)
		wait = THROTTLE_MAX_S;
	return db_run(db, e, next_sql, DB_TEXT(key), DB_INT(now + wait));
}

int
acct_throttle_clear(struct db *db, const char *key, struct err *e)
{
	return db_run(db, e, "DELETE FROM citizen_throttle WHERE key = $1", DB_TEXT(key));
}

int
acct_purge(struct db *db, int64_t now, struct err *e)
{
	static const char *const sqls[] = {
		"DELETE FROM citizen_session WHERE expires_at <= $1",
		"DELETE FROM citizen_token WHERE expires_at <= $1 - 86400",
		"DELETE FROM citizen_throttle WHERE updated_at < $1 - 86400 AND next_at < $1",
		"DELETE FROM citizen_login WHERE at < $1 - 90 * 86400",
		"DELETE FROM citizen_mfa WHERE expires_at <= $1",
		"DELETE FROM citizen_oidc WHERE expires_at <= $1",
		"DELETE FROM citizen_saml WHERE expires_at <= $1",
		"DELETE FROM saml_assertion WHERE expires_at <= $1",
		/* Never confirmed: the address was not the registrant's, or it was lost. */
		"DELETE FROM citizen WHERE verified_at = 0 AND created_at < $1 - 7 * 86400",
	};
	int rc = 0;

	for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]) && rc == 0; i++)
		rc = db_run(db, e, sqls[i], DB_INT(now));
	return rc;
}

static int
read_totp(struct db_stmt *st, void *ctx, struct err *e)
{
	struct acct_totp *t = ctx;

	snprintf(t->secret, sizeof(t->secret), "%s", db_col_text(st, 0));
	snprintf(t->pending, sizeof(t->pending), "%s", db_col_text(st, 1));
	t->step = db_col_int64(st, 2);
	return 0;
}

int
acct_totp_get(struct db *db, int64_t id, struct acct_totp *t, struct err *e)
{
	static const char sql[] =
		"SELECT totp_secret, totp_pending, totp_step FROM citizen WHERE id = $1";

	memset(t, 0, sizeof(*t));
	return db_one(db, e, sql, read_totp, t, DB_INT(id));
}

int
acct_totp_set_pending(struct db *db, int64_t id, const char *secret, struct err *e)
{
	return db_run(db, e, "UPDATE citizen SET totp_pending = $2 WHERE id = $1", DB_INT(id),
		      DB_TEXT(secret));
}

int
acct_totp_enable(struct db *db, int64_t id, const char *secret, int64_t step,
		 char codes[][ACCT_RECOVERY_LEN + 1], struct err *e)
{
	static const char sql[] = "UPDATE citizen SET totp_secret = $2, totp_pending = '', "
				  "totp_step = $3, updated_at = $4 WHERE id = $1 AND "
				  "totp_pending = $2 AND totp_secret = '' RETURNING id";
	static const char ins[] = "INSERT INTO citizen_recovery (code_hash, citizen_id, "
				  "created_at) VALUES ($1, $2, $3)";
	int64_t now = now_s(), got = 0;
	int rc = db_int64(db, e, &got, sql, DB_INT(id), DB_TEXT(secret), DB_INT(step), DB_INT(now));

	if (rc == 0)
		rc = db_run(db, e, "DELETE FROM citizen_recovery WHERE citizen_id = $1",
			    DB_INT(id));
	for (int i = 0; i < ACCT_RECOVERY_CODES && rc == 0; i++) {
		unsigned char raw[10];
		char plain[17], h[65];

		randombytes_buf(raw, sizeof(raw));
		acct_base32_encode(raw, sizeof(raw), plain, sizeof(plain));
		snprintf(codes[i], ACCT_RECOVERY_LEN + 1, "%.4s-%.4s-%.4s-%.4s", plain, plain + 4,
			 plain + 8, plain + 12);
		auth_token_hash(plain, h);
		rc = db_run(db, e, ins, DB_TEXT(h), DB_INT(id), DB_INT(now));
	}
	return rc;
}

int
acct_totp_disable(struct db *db, int64_t id, struct err *e)
{
	static const char sql[] = "UPDATE citizen SET totp_secret = '', totp_pending = '', "
				  "totp_step = 0, updated_at = $2 WHERE id = $1";
	int rc = db_run(db, e, sql, DB_INT(id), DB_INT(now_s()));

	return rc ? rc
		  : db_run(db, e, "DELETE FROM citizen_recovery WHERE citizen_id = $1", DB_INT(id));
}

int
acct_totp_use_step(struct db *db, int64_t id, int64_t step, struct err *e)
{
	/* Conditional, so two posts of one code at once use it once. */
	static const char sql[] = "UPDATE citizen SET totp_step = $2 WHERE id = $1 AND "
				  "totp_step < $2 AND totp_secret <> '' RETURNING id";
	int64_t got = 0;

	return db_int64(db, e, &got, sql, DB_INT(id), DB_INT(step));
}

/* The recovery code in upper case without dashes and spaces; false when it cannot be one. */
static bool
recovery_norm(const char *in, char *out)
{
	size_t n = 0;

	for (; in && *in; in++) {
		char ch = *in >= 'a' && *in <= 'z' ? (char)(*in - 32) : *in;

		if (ch == '-' || ch == ' ')
			continue;
		if (n >= 16 || !((ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7')))
			return false;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n == 16;
}

int
acct_recovery_use(struct db *db, int64_t id, const char *code, struct err *e)
{
	static const char sql[] = "UPDATE citizen_recovery SET used_at = $3 WHERE citizen_id = $1 "
				  "AND code_hash = $2 AND used_at = 0 RETURNING citizen_id";
	char plain[17], h[65];
	int64_t got = 0;

	if (!recovery_norm(code, plain))
		return ERR_NOTFOUND;
	auth_token_hash(plain, h);
	return db_int64(db, e, &got, sql, DB_INT(id), DB_TEXT(h), DB_INT(now_s()));
}

int
acct_recovery_left(struct db *db, int64_t id, int64_t *n, struct err *e)
{
	return db_int64(
		db, e, n,
		"SELECT count(*) FROM citizen_recovery WHERE citizen_id = $1 AND used_at = 0",
		DB_INT(id));
}

int
acct_mfa_new(struct db *db, int64_t id, const char *next, char *token, struct err *e)
{
	static const char sql[] = "INSERT INTO citizen_mfa (id_hash, citizen_id, next, "
				  "created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
	char h[65];
	int64_t now = now_s();

	auth_token(token);
	auth_token_hash(token, h);
	return db_run(db, e, sql, DB_TEXT(h), DB_INT(id), DB_TEXT(next), DB_INT(now),
		      DB_INT(now + ACCT_MFA_TTL_S));
}

struct mfa_row {
	int64_t id;
	const char *next;
	struct arena *a;
};

static int
read_mfa(struct db_stmt *st, void *ctx, struct err *e)
{
	struct mfa_row *r = ctx;

	r->id = db_col_int64(st, 0);
	r->next = db_col_dup(st, 1, r->a);
	return 0;
}

int
acct_mfa_load(struct db *db, const char *token, bool consume, int64_t *id, const char **next,
	      struct arena *a, struct err *e)
{
	static const char sql[] =
		"SELECT citizen_id, next FROM citizen_mfa WHERE id_hash = $1 AND expires_at > $2";
	static const char del[] = "DELETE FROM citizen_mfa WHERE id_hash = $1 AND expires_at > $2 "
				  "RETURNING citizen_id, next";
	struct mfa_row r = {0, "/konto", a};
	char h[65];
	int rc;

	*id = 0;
	if (!auth_token_ok(token))
		return ERR_NOTFOUND;
	auth_token_hash(token, h);
	rc = db_one(db, e, consume ? del : sql, read_mfa, &r, DB_TEXT(h), DB_INT(now_s()));
	*id = r.id;
	if (next)
		*next = r.next;
	return rc;
}
