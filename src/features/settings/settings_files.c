/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The tenant logo (uploaded by an admin on the settings page) and the
 * public files of a tenant, /dateien/<id>.  A file is served only when its
 * row belongs to the request's tenant and is marked public: the id of
 * another tenant's file, a private one or a malformed id is a 404.  The
 * type sent is the one detected at upload, never the client's claim.
 */
#include "features/settings/settings_int.h"

#include "files/files.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The logo form's body: the file (files.h caps a logo at 1 MiB) and a few fields. */
#define LOGO_BODY_MAX (2u << 20)
/* Public files are immutable under their id; an hour bounds how long a deleted one lingers. */
#define FILE_MAX_AGE "public, max-age=3600"

static const struct files_store *
store_of(struct rq *q)
{
	struct files_store *fs = arena_calloc(q->a, 1, sizeof(*fs));

	fs->data_dir = q->app->cfg.data_dir;
	return fs;
}

static bool
is_public(const struct file_meta *m, void *cls)
{
	(void)cls;
	return m->is_public;
}

/* RFC 6266 with an RFC 8187 filename*: an ASCII fallback and the UTF-8 name. */
static const char *
disposition(struct rq *q, const struct file_meta *m)
{
	static const char hex[] = "0123456789ABCDEF";
	bool inline_ok = strncmp(m->mime, "image/", 6) == 0;
	size_t n = strlen(m->name);
	char *ascii = arena_alloc(q->a, n + 1), *pct = arena_alloc(q->a, 3 * n + 1);
	char *a = ascii, *p = pct;

	for (const unsigned char *s = (const unsigned char *)m->name; *s; s++) {
		*a++ = (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\' && *s != '%') ? (char)*s
											 : '_';
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("!#$&+-.^_`|~", *s)) {
			*p++ = (char)*s;
		} else {
			*p++ = '%';
			*p++ = hex[*s >> 4];
			*p++ = hex[*s & 15];
		}
	}
	*a = *p = '\0';
	return arena_printf(q->a, "%s; filename=\"%s\"; filename*=UTF-8''%s",
			    inline_ok ? "inline" : "attachment", ascii, pct);
}

static void
file_get(struct rq *q)
{
	struct file_meta *m = NULL;
	struct str data;
	int rc = files_get(q->db, store_of(q), q->tenant, http_param(q->http, "id"), is_public,
			   NULL, q->a, &m, &data, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (!rq_bytes(q, m->mime, data.p, data.len))
		return;
	http_resp_header(q->http, q->resp, "Content-Disposition", disposition(q, m));
	http_resp_header(q->http, q->resp, "Cache-Control", FILE_MAX_AGE);
	http_resp_header(q->http, q->resp, "ETag", arena_printf(q->a, "\"%s\"", m->sha256));
}

static const struct http_upload *
upload_of(struct rq *q, const char *field)
{
	for (size_t i = 0; i < q->http->n_uploads; i++)
		if (strcmp(q->http->uploads[i].field, field) == 0)
			return &q->http->uploads[i];
	return NULL;
}

static void
logo_error(struct rq *q, const char *key, int status)
{
	struct ed_errors errs = {view_list(q->a), view_map(q->a), 0};

	ed_error(q, &errs, "logo", key);
	settings_page(q, NULL, &errs, status);
}

/* Store the new logo, point the setting at it, let the old one expire. */
static int
replace_logo(struct rq *q, const struct http_upload *u, struct file_meta **m)
{
	int64_t now = (int64_t)time(NULL);
	const struct tenant_settings *s = NULL;
	const char *old;
	struct files_new in = {
		.use = "logo",
		.name = u->filename,
		.data = u->data,
		.len = u->len,
		.owner = "setting:logo_file",
		.is_public = true,
		.now = now,
	};
	int rc = tenant_settings_load(q->db, q->tenant, q->a, &s, &q->err);

	if (rc)
		return rc;
	old = tenant_settings_value(s, TSET_LOGO_FILE);
	rc = files_put(q->db, store_of(q), q->tenant, &in, q->a, m, &q->err);
	if (rc == 0)
		rc = tenant_setting_save(q->db, q->tenant, TSET_LOGO_FILE, (*m)->id, q->user->id,
					 now, &q->err);
	/* Pages cached elsewhere may show the old logo for a while: it goes at the next purge. */
	if (rc == 0 && old[0])
		rc = files_expire(q->db, q->tenant, old, now + 3600, &q->err);
	return rc;
}

static void
logo_post(struct rq *q)
{
	const struct http_upload *u;
	struct file_meta *m = NULL;
	int rc;

	if (!settings_may_admin(q))
		return;
	u = upload_of(q, "logo");
	if (!u || u->len == 0) {
		logo_error(q, "set.err.logo_missing", 422);
		return;
	}
	rc = replace_logo(q, u, &m);
	if (rc == ERR_TOOBIG || rc == ERR_UNPROCESSABLE || rc == ERR_INVALID) {
		logo_error(q, q->err.user, rc == ERR_TOOBIG ? 413 : 422);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, "settings.logo",
		 arena_printf(q->a, "%s (%s, %lld bytes)", m->id, m->mime, (long long)m->size));
	rq_redirect(q, "/verwaltung/einstellungen?logo=1");
}

void
settings_files_register(struct app *app)
{
	app_route(app, HTTP_POST, "/verwaltung/einstellungen/logo", logo_post, ROUTE_STAFF,
		  LOGO_BODY_MAX);
	app_route(app, HTTP_GET, "/dateien/:id", file_get, 0, 0);
}
