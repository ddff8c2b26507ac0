/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The settings of a tenant: the declaration of every key (type, range,
 * default, label), parsing of what staff enter, and reading and writing the
 * tenant_setting table.  Values are stored in one canonical text form per
 * type, so the getters only convert numbers.
 */
#include "tenant/tenant.h"

#include "core/log.h"
#include "core/seal.h"
#include "core/str.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400
#define YEAR_S (366 * DAY_S)
#define LINE_MAX_BYTES 200
#define EMAIL_MAX 254 /* RFC 5321 4.5.3.1.3 */
#define FILE_ID_LEN 22

struct tenant_settings {
	const char *v[TSET_COUNT]; /* NULL: the default */
};

static const struct tenant_setting_def DEFS[TSET_COUNT] = {
	[TSET_MAIL_FROM_NAME] = {"mail_from_name", TSET_STRING, "", 0, LINE_MAX_BYTES,
				 "set.mail_from_name", "set.group.mail"},
	[TSET_MAIL_FROM] = {"mail_from", TSET_EMAIL, "", 0, EMAIL_MAX, "set.mail_from",
			    "set.group.mail"},
	[TSET_RETAIN_FORMS] = {"retain_forms", TSET_DURATION, "7776000", DAY_S, 10 * YEAR_S,
			       "set.retain_forms", "set.group.retention"},
	[TSET_RETAIN_UPLOADS] = {"retain_uploads", TSET_DURATION, "7776000", DAY_S, 10 * YEAR_S,
				 "set.retain_uploads", "set.group.retention"},
	[TSET_APPT_PER_PERSON] = {"appt_per_person", TSET_INT, "3", 1, 20, "set.appt_per_person",
				  "set.group.appointments"},
	[TSET_APPT_WINDOW_DAYS] = {"appt_window_days", TSET_INT, "60", 1, 365,
				   "set.appt_window_days", "set.group.appointments"},
	/* Bookings a day per e-mail address and per client IP (appt_limit, hashed keys). */
	[TSET_APPT_LIMIT_EMAIL] = {"appt_limit_email", TSET_INT, "5", 1, 1000,
				   "set.appt_limit_email", "set.group.appointments"},
	[TSET_APPT_LIMIT_IP] = {"appt_limit_ip", TSET_INT, "30", 1, 100000, "set.appt_limit_ip",
				"set.group.appointments"},
	/* Minutes a booking waits for its mailed link to be confirmed; 0: no confirmation. */
	[TSET_APPT_CONFIRM_MINUTES] = {"appt_confirm_minutes", TSET_INT, "0", 0, 1440,
				       "set.appt_confirm_minutes", "set.group.appointments"},
	[TSET_FEATURE_FORMS] = {"feature_forms", TSET_BOOL, "1", 0, 1, "set.feature_forms",
				"set.group.features"},
	[TSET_FEATURE_APPOINTMENTS] = {"feature_appointments", TSET_BOOL, "1", 0, 1,
				       "set.feature_appointments", "set.group.features"},
	[TSET_FEATURE_NEWS] = {"feature_news", TSET_BOOL, "1", 0, 1, "set.feature_news",
			       "set.group.features"},
	[TSET_FEATURE_EVENTS] = {"feature_events", TSET_BOOL, "1", 0, 1, "set.feature_events",
				 "set.group.features"},
	[TSET_FEATURE_DEFECTS] = {"feature_defects", TSET_BOOL, "0", 0, 1, "set.feature_defects",
				  "set.group.features"},
	[TSET_LOGO_FILE] = {"logo_file", TSET_FILE, "", 0, FILE_ID_LEN, "set.logo_file",
			    "set.group.look"},
	/* "" means derived from the slug (forms.h: form_case_prefix). */
	[TSET_CASE_PREFIX] = {"case_prefix", TSET_STRING, "", 0, 12, "set.case_prefix",
			      "set.group.forms"},
	/* Defect reports an hour per client IP, form and Open311 (report_limit, hashed keys). */
	[TSET_REPORTS_LIMIT_IP] = {"reports_limit_ip", TSET_INT, "10", 1, 100000,
				   "set.reports_limit_ip", "set.group.reports"},
	/* Login of citizens through an OpenID Connect provider (docs/account.md); off while empty.
	 */
	[TSET_OIDC_ISSUER] = {"oidc_issuer", TSET_STRING, "", 0, LINE_MAX_BYTES, "set.oidc_issuer",
			      "set.group.oidc"},
	[TSET_OIDC_CLIENT_ID] = {"oidc_client_id", TSET_STRING, "", 0, LINE_MAX_BYTES,
				 "set.oidc_client_id", "set.group.oidc"},
	[TSET_OIDC_CLIENT_SECRET] = {"oidc_client_secret", TSET_SECRET, "", 0, LINE_MAX_BYTES,
				     "set.oidc_client_secret", "set.group.oidc"},
	[TSET_OIDC_NAME] = {"oidc_name", TSET_STRING, "Mit Servicekonto anmelden", 0,
			    LINE_MAX_BYTES, "set.oidc_name", "set.group.oidc"},
	[TSET_OIDC_SCOPES] = {"oidc_scopes", TSET_STRING, "openid email", 0, LINE_MAX_BYTES,
			      "set.oidc_scopes", "set.group.oidc"},
	/* Login of citizens through a SAML identity provider (docs/account.md); off while empty. */
	[TSET_SAML_METADATA] = {"saml_metadata", TSET_STRING, "", 0, LINE_MAX_BYTES,
				"set.saml_metadata", "set.group.saml"},
	[TSET_SAML_NAME] = {"saml_name", TSET_STRING, "Mit BundID anmelden", 0, LINE_MAX_BYTES,
			    "set.saml_name", "set.group.saml"},
	/* The attribute "mail" (RFC 4524) as BundID sends it. */
	[TSET_SAML_ATTR_EMAIL] = {"saml_attr_email", TSET_STRING,
				  "urn:oid:0.9.2342.19200300.100.1.3", 0, LINE_MAX_BYTES,
				  "set.saml_attr_email", "set.group.saml"},
	/* "": the NameID; BundID: its bPK2, urn:oid:1.3.6.1.4.1.25484.494450.3. */
	[TSET_SAML_ATTR_SUBJECT] = {"saml_attr_subject", TSET_STRING, "", 0, LINE_MAX_BYTES,
				    "set.saml_attr_subject", "set.group.saml"},
	/* The map of the report form; none while empty: nothing is loaded from elsewhere. */
	[TSET_MAP_TILES] = {"map_tiles", TSET_TILES, "", 0, LINE_MAX_BYTES, "set.map_tiles",
			    "set.group.reports"},
	[TSET_MAP_ATTRIBUTION] = {"map_attribution", TSET_STRING, "", 0, LINE_MAX_BYTES,
				  "set.map_attribution", "set.group.reports"},
	[TSET_MAP_CENTER] = {"map_center", TSET_POSITION, "", 0, 40, "set.map_center",
			     "set.group.reports"},
};

const struct tenant_setting_def *
tenant_setting_def(enum tenant_setting_id id)
{
	return id < TSET_COUNT ? &DEFS[id] : NULL;
}

const struct tenant_setting_def *
tenant_setting_find(const char *key, enum tenant_setting_id *id)
{
	for (int i = 0; key && i < TSET_COUNT; i++) {
		if (strcmp(DEFS[i].key, key) == 0) {
			if (id)
				*id = (enum tenant_setting_id)i;
			return &DEFS[i];
		}
	}
	return NULL;
}

/* A plain check of the shape local@domain.tld; the mail server decides the rest. */
static bool
email_ok(struct str s)
{
	const char *at = memchr(s.p, '@', s.len), *dot;

	if (!at || at == s.p || s.len > EMAIL_MAX ||
	    memchr(at + 1, '@', s.len - (size_t)(at - s.p) - 1))
		return false;
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.p[i] <= ' ' || strchr("<>\"(),;:[]\\", s.p[i]) ||
		    (unsigned char)s.p[i] >= 0x7f)
			return false;
	dot = memrchr(at, '.', s.len - (size_t)(at - s.p));
	return dot && dot > at + 1 && dot < s.p + s.len - 1;
}

/* "30d", "12h", "90m", "45s", "2w", or plain seconds; *out in seconds. */
static int
parse_duration(struct str s, int64_t *out)
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', DAY_S}, {'w', 7 * DAY_S}};
	int64_t mult = 1, n;

	if (s.len > 1) {
		char u = s.p[s.len - 1];

		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (u == units[i].unit || u == units[i].unit - 32) {
				mult = units[i].secs;
				s.len--;
				break;
			}
		}
	}
	if (str_to_int64(str_trim(s), 0, INT64_MAX / (7 * DAY_S), &n))
		return ERR_INVALID;
	*out = n * mult;
	return 0;
}

/*
 * An https URL template of map tiles: {z}, {x} and {y} once each in the
 * path, a plain host (no user, no braces) so that the page's
 * Content-Security-Policy can name its origin, no quotes or blanks.
 */
static bool
tiles_ok(struct str s)
{
	size_t host = strlen("https://"), end;
	char buf[LINE_MAX_BYTES + 1];

	if (s.len > LINE_MAX_BYTES || s.len <= host || strncmp(s.p, "https://", host) != 0)
		return false;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	end = host + strspn(buf + host, "abcdefghijklmnopqrstuvwxyz0123456789.-:");
	if (end == host || buf[end] != '/')
		return false;
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)buf[i] <= ' ' || strchr("\"'<>\\`", buf[i]))
			return false;
	for (const char *const *k = (const char *const[]){"{z}", "{x}", "{y}", NULL}; *k; k++) {
		const char *at = strstr(buf + end, *k);

		if (!at || strstr(at + 3, *k))
			return false;
	}
	return true;
}

/* "lat, lon" in decimal degrees inside Germany, written back as "51.616600, 7.523700". */
static bool
position_ok(struct str s, char *out, size_t cap)
{
	char buf[64], *end;
	double lat, lon;

	if (s.len >= sizeof(buf))
		return false;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	lat = strtod(buf, &end);
	if (end == buf || *end != ',')
		return false;
	lon = strtod(end + 1, &end);
	while (*end == ' ')
		end++;
	if (*end || !(lat >= 47.2 && lat <= 55.1 && lon >= 5.8 && lon <= 15.1))
		return false;
	snprintf(out, cap, "%.6f, %.6f", lat, lon);
	return true;
}

static int
bad(struct err *e, const char *key, const struct tenant_setting_def *d)
{
	return err_set(e, ERR_INVALID, key, "bad value for setting '%s'", d->key);
}

static int
parse_number(const struct tenant_setting_def *d, struct str s, char *out, size_t cap, struct err *e)
{
	int64_t n;

	if (d->type == TSET_INT) {
		if (str_to_int64(s, INT64_MIN, INT64_MAX, &n))
			return bad(e, "set.err.int", d);
	} else if (parse_duration(s, &n)) {
		return bad(e, "set.err.duration", d);
	}
	if (n < d->min || n > d->max)
		return bad(e, d->type == TSET_INT ? "set.err.range" : "set.err.duration_range", d);
	snprintf(out, cap, "%lld", (long long)n);
	return 0;
}

int
tenant_setting_parse(enum tenant_setting_id id, const char *input, char *out, size_t cap,
		     struct err *e)
{
	const struct tenant_setting_def *d = tenant_setting_def(id);
	struct str s = str_trim(str_c(input ? input : ""));

	if (!d)
		return err_set(e, ERR_INVALID, "error.400.text", "no setting %d", (int)id);
	if (!str_valid_line(s))
		return bad(e, "set.err.line", d);
	switch (d->type) {
	case TSET_INT:
	case TSET_DURATION:
		return parse_number(d, s, out, cap, e);
	case TSET_BOOL:
		if (!str_eq_c(s, "0") && !str_eq_c(s, "1") && s.len)
			return bad(e, "set.err.bool", d);
		snprintf(out, cap, "%s", str_eq_c(s, "1") ? "1" : "0");
		return 0;
	case TSET_EMAIL:
		if (s.len && !email_ok(s))
			return bad(e, "set.err.email", d);
		break;
	case TSET_FILE:
		if (s.len && (s.len != FILE_ID_LEN ||
			      strspn(s.p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					  "0123456789-_") < s.len))
			return bad(e, "set.err.file", d);
		break;
	case TSET_STRING:
		if (s.len > (size_t)d->max)
			return bad(e, "set.err.too_long", d);
		break;
	case TSET_SECRET:
		if (s.len > (size_t)d->max)
			return bad(e, "set.err.too_long", d);
		if (str_starts(s, SEAL_PREFIX))
			return bad(e, "set.err.line", d);
		break;
	case TSET_TILES:
		if (s.len && !tiles_ok(s))
			return bad(e, "set.err.tiles", d);
		break;
	case TSET_POSITION:
		if (!s.len)
			break;
		if (!position_ok(s, out, cap))
			return bad(e, "set.err.position", d);
		return 0;
	}
	if (s.len >= cap)
		return bad(e, "set.err.too_long", d);
	memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	return 0;
}

const char *
tenant_settings_value(const struct tenant_settings *s, enum tenant_setting_id id)
{
	if (id >= TSET_COUNT)
		return "";
	return s && s->v[id] ? s->v[id] : DEFS[id].def;
}

const char *
tenant_setting_str(const struct tenant *t, enum tenant_setting_id id)
{
	return tenant_settings_value(t ? t->settings : NULL, id);
}

int64_t
tenant_setting_int(const struct tenant *t, enum tenant_setting_id id)
{
	return strtoll(tenant_setting_str(t, id), NULL, 10);
}

bool
tenant_setting_bool(const struct tenant *t, enum tenant_setting_id id)
{
	return strcmp(tenant_setting_str(t, id), "1") == 0;
}

/* Keep a stored value only when it is still valid for its key (declarations may change). */
static void
set_value(struct tenant_settings *s, const char *key, const char *value, struct arena *a)
{
	enum tenant_setting_id id;
	char canon[512];
	struct err e = {0};

	if (!tenant_setting_find(key, &id))
		return;
	if (DEFS[id].type == TSET_SECRET && seal_open(a, value, &value, &e)) {
		log_warn("tenant setting %s not read: %s", key, e.detail);
		return;
	}
	if (tenant_setting_parse(id, value, canon, sizeof(canon), NULL) == 0)
		s->v[id] = arena_strdup(a, canon);
}

static void
read_setting(struct db_stmt *st, struct arena *a, void *settings)
{
	set_value(settings, db_col_text(st, 0), db_col_text(st, 1), a);
}

int
tenant_settings_load(struct db *db, const struct tenant *t, struct arena *a,
		     const struct tenant_settings **out, struct err *e)
{
	static const char sql[] = "SELECT key, value FROM tenant_setting WHERE tenant_id = $1";
	struct tenant_settings *s = arena_calloc(a, 1, sizeof(*s));
	int rc = db_fill(db, e, sql, a, read_setting, s, DB_INT(t->id));

	if (rc == 0)
		*out = s;
	return rc;
}

static struct tenant *
by_id(struct tenant *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

int
tenant_settings_attach(struct db *db, struct tenant *v, size_t n, struct arena *a, struct err *e)
{
	static const char sql[] = "SELECT tenant_id, key, value FROM tenant_setting";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct tenant *t = by_id(v, n, db_col_int64(st, 0));

		if (!t)
			continue;
		if (!t->settings)
			t->settings = arena_calloc(a, 1, sizeof(struct tenant_settings));
		set_value((struct tenant_settings *)t->settings, db_col_text(st, 1),
			  db_col_text(st, 2), a);
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
tenant_setting_save(struct db *db, const struct tenant *t, enum tenant_setting_id id,
		    const char *value, int64_t user_id, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO tenant_setting (tenant_id, key, value, updated_at, updated_by) "
		"VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, key) DO UPDATE SET "
		"value = excluded.value, updated_at = excluded.updated_at, "
		"updated_by = excluded.updated_by";
	char canon[512];
	struct arena a;
	int rc = tenant_setting_parse(id, value, canon, sizeof(canon), e);

	if (rc)
		return rc;
	if (strcmp(canon, value) != 0)
		return err_set(e, ERR_INVALID, "error.400.text", "'%s' is not canonical",
			       DEFS[id].key);
	arena_init(&a);
	rc = db_run(
		db, e, sql, DB_INT(t->id), DB_TEXT(DEFS[id].key),
		DB_TEXT(DEFS[id].type == TSET_SECRET && canon[0] ? seal_text(&a, canon) : canon),
		DB_INT(now), DB_ID(user_id > 0 ? user_id : 0));
	arena_release(&a);
	return rc;
}
