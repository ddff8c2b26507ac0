/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Privacy self-service (docs/account.md): /konto/daten with the download of
 * everything stored about the account (JSON in a zip made by libzip) and the
 * deletion of the account; /konto/datenschutz says what is stored and for
 * how long.  Other features that keep rows of the citizen (events submitted
 * with the account) add them to the export through their struct feature's
 * citizen_data.
 */
#include "features/account/acct_int.h"

#include "app/feature.h"
#include "app/rq_rows.h"
#include "core/civil.h"
#include "db/db.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static json_t *
iso(int64_t utc)
{
	char buf[CIVIL_DATETIME_LEN + 1];

	if (!utc)
		return json_null();
	civil_utc_to_local(utc, true, buf);
	return json_string(buf);
}

static json_t *
identity_json(struct db_stmt *st)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "portal", db_col_text(st, 0), "provider",
			 db_col_text(st, 1), "subject", db_col_text(st, 2), "linked",
			 iso(db_col_int64(st, 3)), "last_login", iso(db_col_int64(st, 4)));
}

/* The identities of login providers linked to the account (citizen_identity). */
static int
identities(struct rq *q, int64_t citizen_id, json_t *root)
{
	static const char sql[] =
		"SELECT t.slug, i.issuer, i.subject, i.created_at, i.login_at FROM "
		"citizen_identity i JOIN tenant t ON t.id = i.tenant_id WHERE "
		"i.citizen_id = $1 ORDER BY i.created_at, i.id";

	return rq_export_rows(q, root, "identities", sql, identity_json, citizen_id);
}

static int
export_json(struct rq *q, const struct citizen *c, char **out)
{
	struct acct_session_row *sv = NULL;
	struct acct_login_row *lv = NULL;
	struct acct_totp t;
	size_t ns = 0, nl = 0;
	int64_t left = 0;
	json_t *root, *sess, *logins;
	int rc = acct_sessions(q->db, c->id, q->a, &sv, &ns, &q->err);

	if (rc == 0)
		rc = acct_logins(q->db, c->id, true, q->a, &lv, &nl, &q->err);
	if (rc == 0)
		rc = acct_totp_get(q->db, c->id, &t, &q->err);
	if (rc == 0)
		rc = acct_recovery_left(q->db, c->id, &left, &q->err);
	if (rc)
		return rc;
	sess = json_array();
	for (size_t i = 0; i < ns; i++)
		json_array_append_new(sess, json_pack("{s:o, s:o, s:s, s:s, s:b}", "created",
						      iso(sv[i].created_at), "last_active",
						      iso(sv[i].seen_at), "ip", sv[i].ip, "browser",
						      sv[i].agent, "this_session",
						      strcmp(sv[i].id_hash, c->sid_hash) == 0));
	logins = json_array();
	for (size_t i = 0; i < nl; i++)
		json_array_append_new(logins,
				      json_pack("{s:o, s:b, s:s, s:s, s:s}", "at", iso(lv[i].at),
						"ok", lv[i].ok, "portal", lv[i].portal, "ip",
						lv[i].ip, "browser", lv[i].agent));
	root = json_pack("{s:{s:s, s:o, s:o, s:{s:b, s:I}}, s:o, s:o}", "account", "email",
			 c->email, "created", iso(c->created_at), "address_confirmed",
			 iso(c->verified_at), "two_factor", "on", t.secret[0] != '\0',
			 "recovery_codes_unused", (json_int_t)left, "sessions", sess,
			 "login_history", logins);
	rc = root ? identities(q, c->id, root) : rc;
	for (size_t i = 0; root && rc == 0 && i < features_n; i++)
		if (features[i]->citizen_data)
			rc = features[i]->citizen_data(q, c->id, root);
	*out = root && rc == 0 ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(root);
	sodium_memzero(&t, sizeof(t));
	if (rc)
		return rc;
	return *out ? 0 : err_set(&q->err, ERR_INTERNAL, NULL, "export: json failed");
}

/* `json` as meine-daten.json in a zip, into the response body. */
static int
zip_into(struct rq *q, const char *json)
{
	zip_error_t ze;
	zip_source_t *src, *file;
	zip_t *za;
	zip_stat_t st;
	int rc = ERR_INTERNAL;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!za) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return err_set(&q->err, ERR_INTERNAL, NULL, "export: zip open failed");
	}
	zip_source_keep(src);
	file = zip_source_buffer(za, json, strlen(json), 0);
	if (!file || zip_file_add(za, "meine-daten.json", file, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(file);
		zip_discard(za);
	} else if (zip_close(za) == 0 && zip_source_stat(src, &st) == 0 &&
		   zip_source_open(src) == 0) {
		char *bytes = arena_alloc(q->a, st.size + 1);
		zip_int64_t got = zip_source_read(src, bytes, st.size);

		zip_source_close(src);
		if (got == (zip_int64_t)st.size)
			rc = buf_add(&q->resp->body, bytes, st.size) == 0 ? 0 : ERR_INTERNAL;
	} else {
		zip_discard(za);
	}
	zip_source_free(src);
	zip_error_fini(&ze);
	return rc ? err_set(&q->err, ERR_INTERNAL, NULL, "export: zip failed") : 0;
}

static void
export_get(struct rq *q)
{
	struct citizen *c = acct_require(q);
	char *json = NULL;
	int rc;

	if (!c || !acct_ip_limit(q, "export"))
		return;
	rc = export_json(q, c, &json);
	if (rc == 0) {
		buf_reset(&q->resp->body);
		rc = zip_into(q, json);
	}
	free(json);
	if (rc) {
		buf_reset(&q->resp->body);
		rq_fail(q, rc);
		return;
	}
	q->resp->content_type = "application/zip";
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	http_resp_header(q->http, q->resp, "Content-Disposition",
			 "attachment; filename=\"meine-daten.zip\"");
}

static void
data_get(struct rq *q)
{
	if (acct_require(q))
		acct_page(q, 200, "account.data.title", "data");
}

static void
delete_post(struct rq *q)
{
	struct citizen *c = acct_require(q);
	const char *pw = http_form(q->http, "password");
	char hash[crypto_pwhash_STRBYTES] = "";
	int64_t id = 0, verified = 0;
	int rc;

	if (!c || !acct_ip_limit(q, "delete"))
		return;
	rc = acct_find_login(q->db, c->email, &id, hash, sizeof(hash), &verified, &q->err);
	if (rc == 0 && (!pw || id != c->id || !acct_hash_ok(hash, pw))) {
		acct_page_error(q, 422, "account.password_wrong", "account.data.title", "data");
		return;
	}
	if (rc == 0)
		rc = acct_delete(q->db, c->id, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_signed_out(q, "/konto/anmelden?geloescht=1");
}

static void
privacy_get(struct rq *q)
{
	if (acct_begin(q))
		acct_page(q, 200, "account.privacy.title", "privacy");
}

void
acct_register_privacy(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/daten", data_get, 0, 0);
	app_route(app, HTTP_GET, "/konto/daten/export.zip", export_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/loeschen", delete_post, 0, 16 * 1024);
	app_route(app, HTTP_GET, "/konto/datenschutz", privacy_get, 0, 0);
}
