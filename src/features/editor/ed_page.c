/* SPDX-License-Identifier: EUPL-1.2 */
/* Small helpers the editor's pages share: messages, form fields, checks, audit. */
#include "features/editor/ed_int.h"

#include "core/civil.h"
#include "core/log.h"

#include <string.h>

void
ed_error_text(struct rq *q, struct ed_errors *errors, const char *field, const char *text)
{
	struct view_val *m = view_push(errors->list, view_map(q->a));

	errors->n++;
	view_set_text(m, "field", field);
	view_set_text(m, "text", text);
	if (!view_get(errors->by_field, field))
		view_set_text(errors->by_field, field, text);
}

void
ed_error(struct rq *q, struct ed_errors *errors, const char *field, const char *key)
{
	ed_error_text(q, errors, field, rq_msg(q, key));
}

void
ed_field_error(struct rq *q, struct view_val *m, const char *path)
{
	const struct view_val *v = view_get(q->page, path);

	if (v && !view_get(m, "error"))
		view_set(m, "error", (struct view_val *)v);
}

const char *
ed_field(struct rq *q, const char *name)
{
	const char *v = http_form(q->http, name);
	size_t n;

	if (!v)
		return "";
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	n = strlen(v);
	while (n > 0 &&
	       (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
		n--;
	return arena_strndup(q->a, v, n);
}

bool
ed_url_ok(const char *s)
{
	const char *host;

	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return false;
	if (!*host || *host == '/' || strlen(s) > 2000)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\'' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '`' || (unsigned char)*p == 0x7f)
			return false;
	return true;
}

bool
ed_may_edit(struct rq *q)
{
	if (q->user && (q->user->roles & (ROLE_ADMIN | ROLE_EDITOR)))
		return true;
	rq_error(q, 403, "ed.err.role");
	return false;
}

const char *
ed_json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

const char *
ed_state_name(struct rq *q, const char *state)
{
	return rq_msg(q, arena_printf(q->a, "ed.state.%s", state));
}

const char *
ed_when(struct rq *q, int64_t utc)
{
	char buf[17];

	civil_utc_to_local(utc, false, buf);
	return arena_strdup(q->a, buf);
}

void
ed_audit(struct rq *q, const char *action, const char *detail)
{
	struct err e = {0};

	if (audit_log(q->db, q->tenant, q->user ? q->user->id : 0, action, detail,
		      q->http->client_ip, &e))
		log_error("rid=%s audit %s: %s", q->http->id, action, e.detail);
}

void
ed_crumb(struct rq *q, const char *label)
{
	rq_crumb(q, rq_msg(q, "staff.title"), "/verwaltung");
	rq_crumb(q, label, NULL);
}

void
ed_render(struct rq *q, const char *title_key, const char *tpl)
{
	const char *title = rq_msg(q, title_key);

	view_set_text(q->page, "title", title);
	ed_crumb(q, title);
	rq_render(q, tpl);
}

const char *
ed_subject_state(struct rq *q, const struct ed_kind *k, const char *subject, const char *otherwise)
{
	struct ed_rev r;

	if (ed_rev_get(q->db, q->tenant, k->name, subject, 0, q->a, &r, &q->err) == 0)
		return r.state;
	return otherwise;
}

struct view_val *
ed_list_row(struct rq *q, struct view_val *list, const struct ed_kind *k, const char *subject,
	    const char *otherwise)
{
	struct view_val *m = view_push(list, view_map(q->a));

	view_set_text(m, "url",
		      rq_url(q, arena_printf(q->a, "/verwaltung%s/%s", k->path, subject)));
	view_set_text(m, "state", ed_state_name(q, ed_subject_state(q, k, subject, otherwise)));
	return m;
}
