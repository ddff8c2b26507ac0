/* SPDX-License-Identifier: EUPL-1.2 */
/* Page helpers that several features share (rq_page.h). */
#include "app/rq_page.h"

#include "auth/auth.h"
#include "core/civil.h"

#include <string.h>

bool
rq_failed_as(struct rq *q, int rc, int code, const char *key)
{
	if (!rc)
		return false;
	if (rc == code)
		q->err.user = key;
	rq_fail(q, rc);
	return true;
}

bool
rq_staff_may(struct rq *q, unsigned roles)
{
	if (q->user && (q->user->roles & roles))
		return true;
	rq_error(q, 403, NULL);
	return false;
}

void
rq_staff_crumbs(struct rq *q, const char *section_key, const char *section_path, const char *here)
{
	rq_crumbs_under(q, "staff.title", "/verwaltung", section_key, section_path, here);
}

const char *
rq_date_time(struct rq *q, int64_t t)
{
	struct civil_local l;
	char hm[6];

	civil_local_at(t, &l);
	civil_format_time(l.minute, hm);
	return arena_printf(q->a, "%02d.%02d.%d %s", l.day, l.month, l.year, hm);
}

struct view_val *
rq_option(struct rq *q, struct view_val *list, const char *value, const char *name, bool selected)
{
	struct view_val *m = view_push(list, view_map(q->a));

	view_set_text(m, "value", value);
	view_set_text(m, "name", name);
	view_set_bool(m, "selected", selected);
	return m;
}

const char *
rq_key_name(struct rq *q, const char *prefix, const char *key)
{
	return key[0] ? rq_msg(q, arena_printf(q->a, "%s.%s", prefix, key)) : "";
}

void
rq_key_options(struct rq *q, struct view_val *list, const char *const *keys, const char *prefix,
	       const char *selected)
{
	for (size_t i = 0; keys[i]; i++) {
		struct view_val *m = view_push(list, view_map(q->a));

		view_set_text(m, "key", keys[i]);
		view_set_text(m, "name", rq_key_name(q, prefix, keys[i]));
		view_set_bool(m, "selected", strcmp(keys[i], selected) == 0);
	}
}

struct view_val *
rq_jsonld_place(struct rq *q, const char *name, const char *street, const char *postal,
		const char *city)
{
	struct view_val *p = view_map(q->a), *addr = view_map(q->a);

	view_set_text(p, "@type", "Place");
	view_set_text(p, "name", name);
	view_set_text(addr, "@type", "PostalAddress");
	view_set_text(addr, "streetAddress", street);
	if (postal[0])
		view_set_text(addr, "postalCode", postal);
	view_set_text(addr, "addressLocality", city);
	view_set_text(addr, "addressCountry", "DE");
	view_set(p, "address", addr);
	return p;
}

bool
rq_param_ics(struct rq *q, const char *name, const char **out)
{
	const char *v = http_param(q->http, name);
	size_t len = strlen(v);
	bool ics = len > 4 && strcmp(v + len - 4, ".ics") == 0;

	*out = ics ? arena_strndup(q->a, v, len - 4) : v;
	return ics;
}

void
rq_download(struct rq *q, int rc, const char *type, const char *filename)
{
	if (rc) {
		buf_reset(&q->resp->body);
		rq_fail(q, rc);
		return;
	}
	q->resp->content_type = type;
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	http_resp_header(q->http, q->resp, "Content-Disposition",
			 arena_printf(q->a, "attachment; filename=\"%s\"", filename));
}

/* What rq_page_rows() fills. */
struct page_rows {
	struct rq *q;
	struct view_val *list;
	rq_row_fn *fill;
};

static int
page_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct page_rows *r = ctx;

	r->fill(r->q, st, view_push(r->list, view_map(r->q->a)));
	return 0;
}

int
rq_page_rows_args(struct rq *q, const char *key, const char *sql, rq_row_fn *fill,
		  const struct db_arg *args, size_t n)
{
	struct page_rows r = {q, view_set(q->page, key, view_list(q->a)), fill};

	return db_each_args(q->db, &q->err, sql, page_row, &r, args, n);
}

const char *
rq_mail_token(struct rq *q, const char *error_key)
{
	const char *tok = http_query(q->http, "token");
	struct session *s;
	int rc;

	if (!auth_token_ok(tok)) {
		rq_error(q, 404, error_key);
		return NULL;
	}
	rc = rq_session(q, true, &s);
	if (rc) {
		rq_fail(q, rc);
		return NULL;
	}
	return tok;
}
