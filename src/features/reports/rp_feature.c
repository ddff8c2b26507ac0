/* SPDX-License-Identifier: EUPL-1.2 */
/* The reports feature: its routes and the helpers its pages and Open311 answers share. */
#include "features/reports/rp_int.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int
reports_init(struct app *app, struct err *e)
{
	(void)e;
	rp_post_register(app); /* before the routes with :file and :nr */
	rp_open311_register(app);
	rp_submit_register(app);
	rp_photo_register(app);
	rp_web_register(app);
	rp_staff_register(app);
	rp_mine_register(app);
	return 0;
}

const struct feature reports_feature = {
	.name = "reports",
	.init = reports_init,
	.staff = FEATURE_LINK("/verwaltung/maengel", "reports.staff.title",
			      ROLE_ADMIN | ROLE_CASEWORKER),
	.citizen_data = rp_citizen_data,
	.account = rp_account_links,
};

bool
rp_enabled(const struct tenant *t)
{
	return t && tenant_setting_bool(t, TSET_FEATURE_DEFECTS);
}

bool
rp_offered(struct rq *q)
{
	if (rp_enabled(q->tenant))
		return true;
	rq_error(q, 404, NULL);
	return false;
}

bool
rp_staff_may(struct rq *q, unsigned roles)
{
	return rp_offered(q) && rq_staff_may(q, roles);
}

const char *
rp_origin(struct rq *q)
{
	const struct config *cfg = &q->app->cfg;
	size_t n = strlen(cfg->public_url);

	if (q->tenant && q->tenant->host[0] && q->base[0] == '\0')
		return arena_printf(q->a, "%s://%s",
				    q->http->https || strncmp(cfg->public_url, "https:", 6) == 0
					    ? "https"
					    : "http",
				    q->tenant->host);
	while (n > 0 && cfg->public_url[n - 1] == '/')
		n--;
	if (n > 0)
		return arena_printf(q->a, "%.*s", (int)n, cfg->public_url);
	/* No public_url: the address really bound ("listen = host:0" takes any free port). */
	return arena_printf(q->a, strchr(cfg->listen_host, ':') ? "http://[%s]:%d" : "http://%s:%d",
			    cfg->listen_host,
			    q->app->server ? http_server_port(q->app->server) : cfg->listen_port);
}

const char *
rp_address(struct arena *a, const struct rp_report *r)
{
	const char *sep = r->street[0] && (r->postal_code[0] || r->place[0]) ? ", " : "";
	const char *gap = r->postal_code[0] && r->place[0] ? " " : "";

	return arena_printf(a, "%s%s%s%s%s", r->street, sep, r->postal_code, gap, r->place);
}

/* The element name of one item of array `key`. */
static const char *
singular(const char *key)
{
	static const char *const names[][2] = {
		{"services", "service"},     {"service_requests", "request"},
		{"attributes", "attribute"}, {"values", "value"},
		{"endpoints", "endpoint"},   {"formats", "format"},
		{"errors", "error"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], key) == 0)
			return names[i][1];
	return "item";
}

static void
scalar(struct xml_writer *x, const char *name, json_t *v)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		xml_text(x, name, json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		xml_text(x, name, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.6f", json_real_value(v));
		xml_text(x, name, num);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		xml_text(x, name, json_is_true(v) ? "true" : "false");
		break;
	default:
		xml_text(x, name, NULL);
	}
}

/* An XML name of ASCII letters, digits, '_', '-' and '.', as every Open311 field is. */
static bool
name_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static void
element(struct xml_writer *x, const char *name, json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	/* Stored attribute definitions may hold any JSON: keep the document well-formed. */
	if (!name_ok(name))
		return;
	if (x->depth >= XML_DEPTH - 1 && (json_is_object(v) || json_is_array(v))) {
		xml_text(x, name, NULL);
		return;
	}
	if (json_is_object(v)) {
		xml_open(x, name, NULL);
		json_object_foreach(v, key, child) element(x, key, child);
		xml_close(x);
	} else if (json_is_array(v)) {
		xml_open(x, name, NULL);
		json_array_foreach(v, i, child) element(x, singular(name), child);
		xml_close(x);
	} else {
		scalar(x, name, v);
	}
}

void
rp_xml_json(struct xml_writer *x, const char *root, const char *item, json_t *doc)
{
	json_t *child;
	size_t i;

	if (!json_is_array(doc)) {
		element(x, root, doc);
		return;
	}
	xml_open(x, root, NULL);
	json_array_foreach(doc, i, child) element(x, item, child);
	xml_close(x);
}

void
rp_limit_set(struct rq *q, const char *kind, struct rp_input *in)
{
	unsigned char ip6[16];
	char addr[INET6_ADDRSTRLEN + 1], key[INET6_ADDRSTRLEN + 64];
	char *hash = arena_alloc(q->a, 65);
	int64_t now = (int64_t)time(NULL);

	in->limit = 0;
	if (!q->app->cfg.report_limits)
		return;
	snprintf(addr, sizeof(addr), "%s", q->http->client_ip ? q->http->client_ip : "");
	if (inet_pton(AF_INET6, addr, ip6) == 1) {
		memset(ip6 + 8, 0, 8); /* the /64 network */
		inet_ntop(AF_INET6, ip6, addr, sizeof(addr));
	}
	in->limit_hour = now - now % 3600;
	snprintf(key, sizeof(key), "%lld|%lld|%s|%s", (long long)q->tenant->id,
		 (long long)in->limit_hour, kind, addr);
	auth_token_hash(key, hash);
	in->limit_key = hash;
	in->limit_tenant = q->tenant->id;
	in->limit = tenant_setting_int(q->tenant, TSET_REPORTS_LIMIT_IP);
}
