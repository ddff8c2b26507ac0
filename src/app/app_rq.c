/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The request context: a database connection and the session on demand,
 * language choice, tenant URLs, and rendering pages, errors and redirects.
 */
#include "app/app.h"

#include "app/app_int.h"
#include "app/metrics.h"
#include "core/log.h"
#include "db/db.h"
#include "mail/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LANG_COOKIE_AGE (365 * 86400)

int
rq_db(struct rq *q, struct db **out)
{
	if (!q->db && db_pool_get(q->app->pool, &q->db, &q->err)) {
		metrics_db_error(q->app->metrics);
		log_error("rid=%s database unavailable: %s", q->http->id, q->err.detail);
		return ERR_DB;
	}
	*out = q->db;
	return 0;
}

static const char *
cookie_name(struct rq *q)
{
	return arena_printf(q->a, "rh_%s", q->tenant->slug);
}

static void
send_cookie(struct rq *q, const char *value, int64_t max_age)
{
	unsigned flags = HTTP_COOKIE_HTTPONLY | HTTP_COOKIE_LAX;

	if (q->http->https)
		flags |= HTTP_COOKIE_SECURE;
	http_set_cookie(q->http, q->resp, cookie_name(q), value, max_age, flags);
}

void
rq_session_clear_cookie(struct rq *q)
{
	send_cookie(q, "", 0);
}

int
rq_session(struct rq *q, bool create, struct session **out)
{
	struct session *s;
	int rc;

	if (q->session) {
		*out = q->session;
		return 0;
	}
	if (!q->tenant)
		return ERR_NOTFOUND;
	s = arena_calloc(q->a, 1, sizeof(*s));
	rc = session_load(q->db, q->tenant, http_cookie(q->http, cookie_name(q)),
			  q->app->cfg.session_ttl_s, s, &q->err);
	if (rc == ERR_NOTFOUND && create) {
		rc = session_create(q->db, q->tenant, 0, q->app->cfg.session_ttl_s, s, &q->err);
		if (rc == 0)
			send_cookie(q, s->token, -1);
	}
	if (rc)
		return rc;
	q->session = s;
	view_set_text(q->page, "csrf", s->csrf);
	*out = s;
	return 0;
}

bool
rq_form_session(struct rq *q)
{
	struct session *s;
	int rc = rq_session(q, true, &s);

	if (rc)
		rq_fail(q, rc);
	return rc == 0;
}

int
rq_session_renew(struct rq *q, int64_t user_id)
{
	struct session *old = NULL, *s;
	int rc;

	/* A new id at every change of identity stops session fixation. */
	if (rq_session(q, false, &old) == 0)
		session_destroy(q->db, old, &q->err);
	q->session = NULL;
	s = arena_calloc(q->a, 1, sizeof(*s));
	rc = session_create(q->db, q->tenant, user_id, q->app->cfg.session_ttl_s, s, &q->err);
	if (rc)
		return rc;
	send_cookie(q, s->token, -1);
	q->session = s;
	view_set_text(q->page, "csrf", s->csrf);
	return 0;
}

static const char *
lang_from_accept(const char *h)
{
	struct str rest = str_c(h), item, tag;
	double best_q = -1;
	const char *best = "de";

	while (rest.p) {
		struct str params;
		double qv = 1.0;

		rest = str_cut(rest, ',', &item);
		params = str_cut(str_trim(item), ';', &tag);
		tag = str_trim(tag);
		if (params.p) {
			params = str_trim(params);
			if (str_starts(params, "q=")) {
				char num[8] = "";

				snprintf(num, sizeof(num), "%.*s", (int)(params.len - 2),
					 params.p + 2);
				qv = strtod(num, NULL);
			}
		}
		if (qv <= best_q)
			continue;
		if (str_ieq_c(tag, "de") || (tag.len > 3 && str_starts(tag, "de-"))) {
			best = "de";
			best_q = qv;
		} else if (str_ieq_c(tag, "en") || (tag.len > 3 && str_starts(tag, "en-"))) {
			best = "en";
			best_q = qv;
		}
	}
	return best;
}

const char *
rq_pick_lang(struct http_req *r)
{
	const char *v = http_query(r, "lang"), *h;

	if (!v)
		v = http_cookie(r, "lang");
	if (v && (strcmp(v, "de") == 0 || strcmp(v, "en") == 0))
		return strcmp(v, "de") == 0 ? "de" : "en";
	h = http_header(r, "Accept-Language");
	return h ? lang_from_accept(h) : "de";
}

const char *
rq_urlencode(struct rq *q, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = arena_alloc(q->a, 3 * n + 1), *p = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

const char *
rq_safe_next(const char *next, const char *fallback)
{
	if (!next || next[0] != '/' || next[1] == '/')
		return fallback;
	for (const char *s = next; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '\\')
			return fallback;
	return next;
}

const char *
rq_abs_url(struct rq *q, const char *path)
{
	struct buf b;
	const char *s;

	if (!q->app->mail)
		return rq_url(q, path);
	buf_init(&b, 4096);
	if (mail_link(q->app->mail, q->tenant, path, &b))
		buf_reset(&b);
	s = arena_strdup(q->a, b.p);
	buf_release(&b);
	return s;
}

const char *
rq_url(struct rq *q, const char *path)
{
	size_t nb = strlen(q->base), np = strlen(path);
	char *u = arena_alloc(q->a, nb + np + 1);

	memcpy(u, q->base, nb);
	memcpy(u + nb, path, np + 1);
	return u;
}

void
rq_crumb(struct rq *q, const char *label, const char *path)
{
	struct view_val *l = (struct view_val *)view_get(q->page, "breadcrumbs");
	struct view_val *c;

	if (!l)
		l = view_set(q->page, "breadcrumbs", view_list(q->a));
	c = view_push(l, view_map(q->a));
	view_set_text(c, "label", label);
	if (path)
		view_set_text(c, "url", rq_url(q, path));
}

void
rq_crumbs_under(struct rq *q, const char *root_key, const char *root_path, const char *section_key,
		const char *section_path, const char *here)
{
	rq_crumb(q, rq_msg(q, root_key), root_path);
	rq_crumb(q, rq_msg(q, section_key), here ? section_path : NULL);
	if (here)
		rq_crumb(q, here, NULL);
}

void
rq_crumbs(struct rq *q, const char *section_key, const char *section_path, const char *here)
{
	rq_crumbs_under(q, "nav.home", "/", section_key, section_path, here);
}

const char *
rq_tel(struct rq *q, const char *phone)
{
	char *out = arena_alloc(q->a, strlen(phone) + 1), *p = out;

	for (const char *s = phone; *s; s++)
		if ((*s >= '0' && *s <= '9') || (*s == '+' && p == out))
			*p++ = *s;
	*p = '\0';
	return out;
}

static struct view_val *
tenant_val(struct rq *q, const struct tenant *t)
{
	struct view_val *m = view_map(q->a), *c = view_map(q->a);

	view_set_text(m, "name", t->name);
	view_set_text(m, "slug", t->slug);
	view_set_text(m, "kind", tenant_kind_name(t->kind));
	view_set_text(m, "ars", t->ars);
	view_set_text(m, "logo_text", t->logo_text[0] ? t->logo_text : t->name);
	if (tenant_setting_str(t, TSET_LOGO_FILE)[0] && t == q->tenant)
		view_set_text(m, "logo_url",
			      rq_url(q, arena_printf(q->a, "/dateien/%s",
						     tenant_setting_str(t, TSET_LOGO_FILE))));
	view_set_text(c, "street", t->contact.street);
	view_set_text(c, "postal_code", t->contact.postal_code);
	view_set_text(c, "city", t->contact.city);
	view_set_text(c, "phone", t->contact.phone);
	view_set_text(c, "tel", rq_tel(q, t->contact.phone));
	view_set_text(c, "email", t->contact.email);
	view_set_text(c, "web", t->contact.web);
	view_set(m, "contact", c);
	return m;
}

const char *
rq_msg(struct rq *q, const char *key)
{
	return view_msg(q->app->view, q->lang, key);
}

struct view_val *
rq_field(struct rq *q, struct view_val *m, const char *value, const char *error)
{
	view_set_text(m, "value", value);
	if (error)
		view_set_text(m, "error", rq_msg(q, error));
	view_set_text(m, "invalid", error ? "true" : "false");
	return m;
}

bool
rq_bytes(struct rq *q, const char *type, const void *p, size_t len)
{
	q->resp->status = 200;
	q->resp->content_type = type;
	buf_reset(&q->resp->body);
	if (buf_add(&q->resp->body, p, len) == 0)
		return true;
	rq_error(q, 500, NULL);
	return false;
}

const char *
rq_form_text(struct rq *q, const char *key)
{
	const char *s = http_form(q->http, key);

	return s ? s : "";
}

void
rq_page_init(struct rq *q)
{
	struct view_val *p = view_map(q->a);
	bool en = strcmp(q->lang, "en") == 0;
	const char *path = rq_url(q, q->path);

	q->page = p;
	view_set_text(p, "lang", q->lang);
	view_set_text(p, "base", q->base);
	view_set_text(p, "home", rq_url(q, "/"));
	view_set_text(p, "other_lang", en ? "de" : "en");
	view_set_text(p, "other_lang_name", en ? "Deutsch" : "English");
	view_set_text(p, "other_lang_url",
		      arena_printf(q->a, "%s?lang=%s", path, en ? "de" : "en"));
	view_set_text(p, "theme_css", q->tenant ? rq_url(q, "/theme.css") : "");
	if (q->tenant)
		view_set(p, "tenant", tenant_val(q, q->tenant));
	view_set_text(p, "site_name", q->tenant ? q->tenant->name : "Rathaus");
	view_set(p, "breadcrumbs", view_list(q->a));
	rq_page_user(q);
}

void
rq_page_user(struct rq *q)
{
	struct view_val *u;

	if (!q->user)
		return;
	u = view_set(q->page, "user", view_map(q->a));
	view_set_text(u, "name", q->user->name);
	view_set_text(u, "email", q->user->email);
	view_set_bool(u, "is_admin", q->user->roles & ROLE_ADMIN);
}

/* Remember an explicit ?lang= choice for later pages. */
static void
keep_lang(struct rq *q)
{
	const char *v = http_query(q->http, "lang");

	if (v && strcmp(v, q->lang) == 0)
		http_set_cookie(q->http, q->resp, "lang", q->lang, LANG_COOKIE_AGE,
				HTTP_COOKIE_LAX | HTTP_COOKIE_HTTPONLY |
					(q->http->https ? HTTP_COOKIE_SECURE : 0));
}

/* Append `item` to the page's list `name`, made on first use. */
static void
page_list_add(struct rq *q, const char *name, const char *item)
{
	struct view_val *l = (struct view_val *)view_get(q->page, name);

	if (!l)
		l = view_set(q->page, name, view_list(q->a));
	view_push(l, view_text(q->a, item));
}

void
rq_page_script(struct rq *q, const char *src)
{
	page_list_add(q, "page_scripts", src);
}

void
rq_page_style(struct rq *q, const char *href)
{
	page_list_add(q, "page_styles", href);
}

void
rq_render(struct rq *q, const char *tpl)
{
	struct buf body;
	int rc;

	buf_init(&body, HTTP_RESP_MAX);
	rc = view_render(q->app->view, tpl, q->lang, q->page, &body, &q->err);
	if (rc == 0) {
		view_set(q->page, "content", view_html_trusted(q->a, body.p, body.len));
		buf_reset(&q->resp->body);
		rc = view_render(q->app->view, "layout", q->lang, q->page, &q->resp->body, &q->err);
	}
	buf_release(&body);
	if (rc) {
		log_error("rid=%s render '%s': %s", q->http->id, tpl, q->err.detail);
		buf_reset(&q->resp->body);
		q->resp->status = 500;
		q->resp->content_type = "text/plain; charset=utf-8";
		buf_adds(&q->resp->body, "500 Internal Server Error\n");
		return;
	}
	keep_lang(q);
	q->resp->content_type = "text/html; charset=utf-8";
	http_resp_header(q->http, q->resp, "Cache-Control",
			 q->session || q->user ? "private, no-store" : "no-cache");
	http_resp_header(q->http, q->resp, "Content-Language", q->lang);
}

void
rq_error(struct rq *q, int status, const char *msg)
{
	char title_key[32], msg_key[32];

	snprintf(title_key, sizeof(title_key), "error.%d.title", status);
	snprintf(msg_key, sizeof(msg_key), "error.%d.text", status);
	view_set_int(q->page, "status", status);
	view_set_text(q->page, "title", rq_msg(q, title_key));
	view_set_text(q->page, "message", rq_msg(q, msg ? msg : msg_key));
	q->resp->status = status;
	if (status == 429)
		http_resp_header(q->http, q->resp, "Retry-After", "60");
	rq_render(q, "error");
	q->resp->status = q->resp->status == 500 ? 500 : status;
}

void
rq_log_failure(struct rq *q, int code)
{
	if (http_status_of(code) < 500)
		return;
	log_error("rid=%s %s: %s", q->http->id, err_name(code), q->err.detail);
	if (code == ERR_DB)
		metrics_db_error(q->app->metrics);
}

void
rq_fail(struct rq *q, int code)
{
	int status = http_status_of(code);

	rq_log_failure(q, code);
	rq_error(q, status, status < 500 && q->err.user ? q->err.user : NULL);
}

const char *
rq_tenant_url(struct rq *q, const struct tenant *t, const char *path)
{
	struct buf b;
	const char *url;

	if (!t || (q->tenant && t->id == q->tenant->id))
		return rq_url(q, path);
	if (q->base[0]) /* on this host under /t/<slug> */
		return arena_printf(q->a, "/t/%s%s", t->slug, path);
	buf_init(&b, 256);
	url = q->app->mail && mail_link(q->app->mail, t, path, &b) == 0
		      ? arena_strdup(q->a, b.p)
		      : arena_printf(q->a, "/t/%s%s", t->slug, path);
	buf_release(&b);
	return url;
}

const char *
rq_tenant_url_slug(struct rq *q, const char *slug, const char *path)
{
	const struct tenant *t = NULL;
	struct err e = {0};

	if (tenant_cache_by_slug(q->app->tenants, q->db, slug, q->a, &t, &e))
		t = NULL;
	return rq_tenant_url(q, t, path);
}

void
rq_redirect(struct rq *q, const char *path)
{
	http_redirect(q->http, q->resp, 303, rq_url(q, path));
}
