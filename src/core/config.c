/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Settings from defaults, a file and the environment.  One table lists every
 * key with its type, limits and default, so the file, the environment and the printout
 * cannot drift apart.
 */
#include "core/config.h"

#include "core/buf.h"
#include "core/log.h"
#include "core/str.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RATHAUS_SHARE_DIR_DEFAULT
#define RATHAUS_SHARE_DIR_DEFAULT "."
#endif

#define CONFIG_LINE_MAX 4096

enum kind { K_STR, K_INT, K_INT64, K_LISTEN, K_PROXIES, K_LOGLEVEL, K_ONOFF };

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	size_t size; /* for strings */
	int64_t min, max;
	const char *def; /* the default as the file would write it; NULL: 0, "" or none */
	const char *help;
};

#define S(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define I(f) offsetof(struct config, f), 0

static const struct key keys[] = {
	{"listen", K_LISTEN, 0, 0, 0, 0, "127.0.0.1:8080", "host:port to serve on"},
	{"db", K_STR, S(db), 0, 0, "sqlite:var/rathaus.db", "sqlite:PATH or postgresql://..."},
	{"data_dir", K_STR, S(data_dir), 0, 0, "var/data", "directory for uploads and files"},
	{"share_dir", K_STR, S(share_dir), 0, 0, RATHAUS_SHARE_DIR_DEFAULT,
	 "directory with templates/, static/, migrations/"},
	{"log_level", K_LOGLEVEL, S(log_level), 0, 0, "info", "debug, info, warn or error"},
	{"threads", K_INT, I(threads), 0, 256, "0", "worker threads (0: one per core)"},
	{"max_connections", K_INT, I(max_connections), 1, 100000, "1024", "connection cap"},
	{"timeout", K_INT, I(timeout_s), 1, 3600, "30", "idle connection timeout in seconds"},
	{"header_timeout", K_INT, I(header_timeout_s), 1, 3600, "20",
	 "seconds a client has to send a request head"},
	{"max_connections_per_ip", K_INT, I(max_connections_per_ip), 1, 100000, "64",
	 "connections per client address (trusted proxies exempt)"},
	{"max_body", K_INT64, I(max_body), 1024, 1LL << 30, "1048576", "request body cap in bytes"},
	{"max_upload", K_INT64, I(max_upload), 1024, 1LL << 32, "20971520",
	 "upload body cap in bytes"},
	{"session_ttl", K_INT, I(session_ttl_s), 60, 86400 * 30, "28800",
	 "session idle lifetime in s"},
	{"login_rate", K_INT, I(login_rate), 1, 100000, "10", "login attempts per IP and minute"},
	{"api_write_rate", K_INT, I(api_write_rate), 1, 1000000, "600",
	 "API submissions and uploads per IP and minute"},
	{"page_cache_ttl", K_INT, I(page_cache_ttl_s), 0, 3600, "5",
	 "seconds anonymous pages are reused (0: off)"},
	{"trusted_proxies", K_PROXIES, 0, 0, 0, 0, NULL, "comma-separated proxy IPs"},
	{"public_url", K_STR, S(public_url), 0, 0, NULL,
	 "base URL for links outside a request (\"\": http://<listen>)"},
	{"smtp_url", K_STR, S(smtp_url), 0, 0, NULL, "smtp://[USER:PASS@]HOST:PORT or smtps://..."},
	{"mail_from", K_STR, S(mail_from), 0, 0, "rathaus@localhost",
	 "sender address of outgoing mail"},
	{"booking_limits", K_ONOFF, I(booking_limits), 0, 0, "on",
	 "on or off: the tenants' daily appointment limits per e-mail and IP (off: load tests)"},
	{"report_limits", K_ONOFF, I(report_limits), 0, 0, "on",
	 "on or off: the tenants' hourly defect report limit per IP (off: load tests)"},
	{"form_delivery_backoff", K_INT, I(form_delivery_backoff_s), 0, 3600, "60",
	 "seconds of the first retry of a form delivery; later ones wait 5, 30, 120, 720 times it"},
	{"secret_key_file", K_STR, S(secret_key_file), 0, 0, NULL,
	 "file with the base64 key that seals stored secrets (\"\": stored as they are)"},
	{"form_delivery_http_local", K_ONOFF, I(form_delivery_http_local), 0, 0, "off",
	 "on or off: form deliveries may use http:// to 127.0.0.1, ::1 or localhost (tests)"},
	{"saml_key_file", K_STR, S(saml_key_file), 0, 0, NULL,
	 "PEM private key of the SAML service provider (\"\": one made and kept in the database)"},
	{"saml_cert_file", K_STR, S(saml_cert_file), 0, 0, NULL,
	 "PEM certificate of that key, published in the SAML metadata"},
};

#undef S
#undef I

static int
set_listen(struct config *c, const char *v, struct err *e)
{
	const char *colon = strrchr(v, ':');
	int64_t port;
	struct str host;

	if (!colon)
		return err_set(e, ERR_INVALID, NULL, "listen '%s' is not host:port", v);
	host = (struct str){v, (size_t)(colon - v)};
	if (host.len >= 2 && host.p[0] == '[' && host.p[host.len - 1] == ']') {
		host.p++;
		host.len -= 2;
	}
	if (host.len == 0 || host.len >= sizeof(c->listen_host))
		return err_set(e, ERR_INVALID, NULL, "listen '%s' has no usable host", v);
	if (str_to_int64(str_c(colon + 1), 0, 65535, &port))
		return err_set(e, ERR_INVALID, NULL, "listen '%s' has a bad port", v);
	memcpy(c->listen_host, host.p, host.len);
	c->listen_host[host.len] = '\0';
	c->listen_port = (int)port;
	return 0;
}

static int
set_proxies(struct config *c, const char *v, struct err *e)
{
	struct str rest = str_c(v), item;

	c->n_trusted_proxies = 0;
	while (rest.p) {
		rest = str_cut(rest, ',', &item);
		item = str_trim(item);
		if (item.len == 0)
			continue;
		if (c->n_trusted_proxies == CONFIG_PROXIES_MAX || item.len >= 64)
			return err_set(e, ERR_INVALID, NULL,
				       "trusted_proxies: too many or too long");
		memcpy(c->trusted_proxies[c->n_trusted_proxies], item.p, item.len);
		c->trusted_proxies[c->n_trusted_proxies][item.len] = '\0';
		c->n_trusted_proxies++;
	}
	return 0;
}

int
config_set(struct config *c, const char *key, const char *value, struct err *e)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		char *field = (char *)c + k->off;
		int64_t n;
		enum log_level lv;

		if (strcmp(k->name, key) != 0)
			continue;
		switch (k->kind) {
		case K_LISTEN:
			return set_listen(c, value, e);
		case K_PROXIES:
			return set_proxies(c, value, e);
		case K_LOGLEVEL:
			if (log_level_parse(value, &lv))
				return err_set(e, ERR_INVALID, NULL, "log_level '%s' unknown",
					       value);
			/* fall through */
		case K_STR:
			if (strlen(value) >= k->size)
				return err_set(e, ERR_INVALID, NULL, "%s is too long", key);
			snprintf(field, k->size, "%s", value);
			return 0;
		case K_ONOFF:
			if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
				return err_set(e, ERR_INVALID, NULL, "%s '%s' is not on or off",
					       key, value);
			*(bool *)field = strcmp(value, "on") == 0;
			return 0;
		case K_INT:
		case K_INT64:
			if (str_to_int64(str_c(value), k->min, k->max, &n))
				return err_set(e, ERR_INVALID, NULL,
					       "%s '%s' is not a number from %lld to %lld", key,
					       value, (long long)k->min, (long long)k->max);
			if (k->kind == K_INT)
				*(int *)field = (int)n;
			else
				*(int64_t *)field = n;
			return 0;
		}
	}
	return err_set(e, ERR_INVALID, NULL, "unknown setting '%s'", key);
}

/* Every setting at its default from the table. */
static int
defaults(struct config *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int rc = keys[i].def ? config_set(c, keys[i].name, keys[i].def, e) : 0;

		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Put "prefix: " before the detail in `e`.  The detail is copied first: passing
 * e->detail to err_set() would make vsnprintf() read what it is overwriting.
 */
static int
err_prefix(struct err *e, const char *prefix)
{
	char detail[sizeof(e->detail)];

	if (!e)
		return ERR_INVALID;
	snprintf(detail, sizeof(detail), "%s", e->detail);
	return err_set(e, e->code, e->user, "%s: %s", prefix, detail);
}

static int
load_file(struct config *c, const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char line[CONFIG_LINE_MAX];
	int lineno = 0, rc = 0;

	if (!f)
		return err_set(e, ERR_INVALID, NULL, "cannot open config file '%s'", path);
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		struct str s, key, value;
		char k[64], v[CONFIG_STR_MAX];

		lineno++;
		s = str_trim(str_c(line));
		if (s.len == 0 || s.p[0] == '#')
			continue;
		value = str_trim(str_cut(s, '=', &key));
		key = str_trim(key);
		if (!value.p || key.len == 0 || key.len >= sizeof(k) || value.len >= sizeof(v)) {
			rc = err_set(e, ERR_INVALID, NULL, "%s:%d: expected 'key = value'", path,
				     lineno);
			break;
		}
		memcpy(k, key.p, key.len);
		k[key.len] = '\0';
		memcpy(v, value.p, value.len);
		v[value.len] = '\0';
		rc = config_set(c, k, v, e);
		if (rc) {
			char where[CONFIG_STR_MAX + 16];

			snprintf(where, sizeof(where), "%s:%d", path, lineno);
			err_prefix(e, where);
		}
	}
	fclose(f);
	if (rc == 0)
		snprintf(c->file, sizeof(c->file), "%s", path);
	return rc;
}

int
config_load(struct config *c, const char *file, struct err *e)
{
	int rc = defaults(c, e);

	if (rc)
		return rc;
	if (!file)
		file = getenv("RATHAUS_CONFIG");
	if (file && *file) {
		rc = load_file(c, file, e);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char env[64];
		const char *v;

		snprintf(env, sizeof(env), "RATHAUS_%s", keys[i].name);
		for (char *p = env; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		v = getenv(env);
		if (!v)
			continue;
		rc = config_set(c, keys[i].name, v, e);
		if (rc)
			return err_prefix(e, env);
	}
	return 0;
}

/*
 * libpq takes the password in the user info, which ends at the first '@'
 * before the path or query, and as the query parameter "password".
 */
const char *
config_masked_url(const char *url, char *out, size_t n)
{
	const char *scheme = strstr(url, "://"), *auth, *colon = NULL, *query;
	struct str rest, param, key;
	struct buf b;

	buf_init(&b, BUF_MAX_DEFAULT);
	if (scheme) {
		size_t len;

		auth = scheme + 3;
		len = strcspn(auth, "@/?");
		colon = auth[len] == '@' ? memchr(auth, ':', len) : NULL;
		if (colon) {
			(void)buf_add(&b, url, (size_t)(colon + 1 - url));
			(void)buf_adds(&b, "***");
			url = auth + len;
		}
	}
	query = scheme ? strchr(url, '?') : NULL;
	(void)buf_add(&b, url, query ? (size_t)(query + 1 - url) : strlen(url));
	for (rest = query ? str_c(query + 1) : STR_NULL; rest.p;) {
		rest = str_cut(rest, '&', &param);
		str_cut(param, '=', &key);
		(void)buf_addstr(&b, str_eq_c(key, "password") ? STR("password=***") : param);
		if (rest.p)
			(void)buf_addc(&b, '&');
	}
	snprintf(out, n, "%s", b.p);
	buf_release(&b);
	return out;
}

/* Settings may hold a URL with a password: print it as "***". */
static void
add_masked(struct buf *b, const char *v)
{
	char masked[CONFIG_STR_MAX + 8];

	buf_adds(b, config_masked_url(v, masked, sizeof(masked)));
}

void
config_print(const struct config *c, int fd)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		const char *field = (const char *)c + k->off;

		buf_addf(&b, "%s = ", k->name);
		switch (k->kind) {
		case K_LISTEN:
			buf_addf(&b, "%s:%d", c->listen_host, c->listen_port);
			break;
		case K_PROXIES:
			for (int j = 0; j < c->n_trusted_proxies; j++)
				buf_addf(&b, "%s%s", j ? "," : "", c->trusted_proxies[j]);
			break;
		case K_STR:
		case K_LOGLEVEL:
			add_masked(&b, field);
			break;
		case K_INT:
			buf_addf(&b, "%d", *(const int *)field);
			break;
		case K_ONOFF:
			(void)buf_adds(&b, *(const bool *)field ? "on" : "off");
			break;
		case K_INT64:
			buf_addf(&b, "%lld", (long long)*(const int64_t *)field);
			break;
		}
		buf_addf(&b, "\t# %s\n", k->help);
	}
	if (write(fd, b.p, b.len) < 0)
		log_warn("cannot write the configuration");
	buf_release(&b);
}

bool
config_is_trusted_proxy(const struct config *c, const char *ip)
{
	for (int i = 0; i < c->n_trusted_proxies; i++)
		if (strcmp(c->trusted_proxies[i], ip) == 0)
			return true;
	return false;
}
