/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * An office as an editable snapshot: name, address, contacts,
 * accessibility, appointment only, and the weekly hours as rows
 *   {"name": ..., "hours": [{"weekday": 1, "opens": "08:00", "closes": "12:30", "note": ""}]}
 * The slug, the coordinates and the default flag are kept as they are;
 * dated exceptions are not edited here.
 */
#include "features/offices/office.h"

#include "app/app.h"
#include "features/editor/editor.h"

#include <string.h>
#include <time.h>

#define LINE_MAX_BYTES 200 /* one-line fields */
#define NOTE_MAX 2000	   /* accessibility notes */
#define HOURS_ROWS 21	   /* rows of the hours form: three intervals a day */

static const char *const FIELDS[] = {"name",  "street", "postal_code",	 "city",	   "phone",
				     "email", "web",	"accessibility", "appointment_url"};

static int
load(struct rq *q, const char *slug, struct office **o)
{
	struct civil_local now;

	civil_local_at((int64_t)time(NULL), &now);
	if (!tenant_slug_valid(slug))
		return err_set(&q->err, ERR_NOTFOUND, "error.404.text", "bad office slug");
	return office_find(q->db, q->tenant, slug, now.days, q->a, o, &q->err);
}

static int
off_title(struct rq *q, const char *slug, const char **title)
{
	struct office *o;
	int rc = load(q, slug, &o);

	if (rc == 0)
		*title = o->name;
	return rc;
}

static json_t *
snapshot_of(const struct office *o)
{
	const char *vals[] = {o->name,	o->street, o->postal_code,   o->city,		o->phone,
			      o->email, o->web,	   o->accessibility, o->appointment_url};
	json_t *snap = json_object(), *hours = json_array();

	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++)
		json_object_set_new(snap, FIELDS[i], json_string(vals[i]));
	json_object_set_new(snap, "appointment_only", json_boolean(o->hours.appointment_only));
	for (size_t i = 0; i < o->hours.n_rules; i++) {
		const struct office_rule *r = &o->hours.rules[i];
		char opens[8], closes[8];

		civil_format_time(r->opens, opens);
		civil_format_time(r->closes, closes);
		json_array_append_new(hours,
				      json_pack("{s:i, s:s, s:s, s:s}", "weekday", r->weekday,
						"opens", opens, "closes", closes, "note", r->note));
	}
	json_object_set_new(snap, "hours", hours);
	return snap;
}

static int
off_live(struct rq *q, const char *slug, json_t **out)
{
	struct office *o;
	int rc = load(q, slug, &o);

	*out = rc ? json_object() : snapshot_of(o);
	return rc;
}

static bool
one_line(const char *s)
{
	return strlen(s) <= LINE_MAX_BYTES && !strchr(s, '\n') && !strchr(s, '\r') &&
	       !strchr(s, '\t');
}

static bool
chars_in(const char *s, const char *allowed)
{
	return strspn(s, allowed) == strlen(s);
}

static void
check_fields(struct rq *q, json_t *snap, struct ed_errors *errors)
{
	const char *name = ed_json_str(snap, "name"), *pc = ed_json_str(snap, "postal_code");
	const char *phone = ed_json_str(snap, "phone"), *email = ed_json_str(snap, "email");

	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++) {
		const char *v = ed_json_str(snap, FIELDS[i]);
		bool multi = strcmp(FIELDS[i], "accessibility") == 0;

		if (multi ? strlen(v) > NOTE_MAX : !one_line(v))
			ed_error(q, errors, FIELDS[i], "ed.err.too_long");
	}
	if (!name[0])
		ed_error(q, errors, "name", "ed.err.required");
	if (pc[0] && (strlen(pc) != 5 || !chars_in(pc, "0123456789")))
		ed_error(q, errors, "postal_code", "ed.err.postal_code");
	if (phone[0] && (strlen(phone) > 40 || !chars_in(phone, "0123456789 +()/-")))
		ed_error(q, errors, "phone", "ed.err.phone");
	if (email[0] && (!strchr(email, '@') || strchr(email, ' ') || strchr(email, '<') ||
			 strchr(email, '"') || email[0] == '@'))
		ed_error(q, errors, "email", "ed.err.email");
	if (ed_json_str(snap, "web")[0] && !ed_url_ok(ed_json_str(snap, "web")))
		ed_error(q, errors, "web", "ed.err.url");
	if (ed_json_str(snap, "appointment_url")[0] &&
	    !ed_url_ok(ed_json_str(snap, "appointment_url")))
		ed_error(q, errors, "appointment_url", "ed.err.url");
}

static json_t *
off_from_form(struct rq *q, const char *slug, struct ed_errors *errors)
{
	json_t *snap = json_object(), *hours = json_array();

	(void)slug;
	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++)
		json_object_set_new(snap, FIELDS[i], json_string(ed_field(q, FIELDS[i])));
	json_object_set_new(snap, "appointment_only",
			    json_boolean(strcmp(ed_field(q, "appointment_only"), "1") == 0));
	check_fields(q, snap, errors);
	for (int i = 0; i < HOURS_ROWS; i++) {
		const char *day = ed_field(q, arena_printf(q->a, "day_%d", i));
		const char *opens = ed_field(q, arena_printf(q->a, "opens_%d", i));
		const char *closes = ed_field(q, arena_printf(q->a, "closes_%d", i));
		const char *note = ed_field(q, arena_printf(q->a, "note_%d", i));
		int o = civil_parse_time(opens), c = civil_parse_time(closes);
		int64_t wd = 0;

		if (!opens[0] && !closes[0])
			continue;
		if (str_to_int64(str_c(day), 1, 7, &wd) || o < 0 || c <= o || !one_line(note)) {
			ed_error(q, errors, arena_printf(q->a, "opens_%d", i), "ed.err.hours");
			continue;
		}
		json_array_append_new(hours,
				      json_pack("{s:i, s:s, s:s, s:s}", "weekday", (int)wd, "opens",
						opens, "closes", closes, "note", note));
	}
	json_object_set_new(snap, "hours", hours);
	return snap;
}

static int
off_apply(struct db *db, const struct tenant *t, const char *slug, json_t *snap, int64_t now,
	  struct err *e)
{
	struct civil_local day;
	struct office *o;
	struct arena a;
	json_t *hours = json_object_get(snap, "hours"), *h;
	size_t i;
	bool changed;
	int rc;

	civil_local_at(now, &day);
	arena_init(&a);
	rc = office_find(db, t, slug, day.days, &a, &o, e);
	if (rc) {
		arena_release(&a);
		return rc;
	}
	o->name = ed_json_str(snap, "name");
	o->street = ed_json_str(snap, "street");
	o->postal_code = ed_json_str(snap, "postal_code");
	o->city = ed_json_str(snap, "city");
	o->phone = ed_json_str(snap, "phone");
	o->email = ed_json_str(snap, "email");
	o->web = ed_json_str(snap, "web");
	o->accessibility = ed_json_str(snap, "accessibility");
	o->appointment_url = ed_json_str(snap, "appointment_url");
	o->hours.appointment_only = json_is_true(json_object_get(snap, "appointment_only"));
	o->rules = arena_calloc(&a, json_array_size(hours) + 1, sizeof(*o->rules));
	json_array_foreach(hours, i, h)
	{
		o->rules[i].weekday = (int)json_integer_value(json_object_get(h, "weekday"));
		o->rules[i].opens = civil_parse_time(ed_json_str(h, "opens"));
		o->rules[i].closes = civil_parse_time(ed_json_str(h, "closes"));
		o->rules[i].note = ed_json_str(h, "note");
	}
	o->hours.rules = o->rules;
	o->hours.n_rules = json_array_size(hours);
	rc = office_save(db, t, o, &changed, e);
	arena_release(&a);
	return rc;
}

static const char *
day_name(struct rq *q, int weekday)
{
	return rq_msg(q, arena_printf(q->a, "office.day.%d", weekday));
}

static const char *
off_text(struct rq *q, json_t *snap)
{
	const char *s = "";
	json_t *hours = json_object_get(snap, "hours"), *h;
	size_t i;

	for (size_t f = 0; f < sizeof(FIELDS) / sizeof(FIELDS[0]); f++)
		s = arena_printf(q->a, "%s%s: %s\n", s,
				 rq_msg(q, arena_printf(q->a, "ed.office.%s", FIELDS[f])),
				 ed_json_str(snap, FIELDS[f]));
	s = arena_printf(q->a, "%s%s: %s\n\n## %s\n", s, rq_msg(q, "ed.office.appointment_only"),
			 rq_msg(q, json_is_true(json_object_get(snap, "appointment_only"))
					   ? "ed.yes"
					   : "ed.no"),
			 rq_msg(q, "ed.office.hours"));
	json_array_foreach(hours, i, h)
	{
		s = arena_printf(
			q->a, "%s%s %s–%s %s\n", s,
			day_name(q, (int)json_integer_value(json_object_get(h, "weekday"))),
			ed_json_str(h, "opens"), ed_json_str(h, "closes"), ed_json_str(h, "note"));
	}
	return s;
}

static void
hours_rows(struct rq *q, json_t *hours)
{
	struct view_val *rows = view_set(q->page, "hours", view_list(q->a));
	size_t n = json_array_size(hours) + 4;

	if (n > HOURS_ROWS)
		n = HOURS_ROWS;
	for (size_t i = 0; i < n; i++) {
		json_t *h = json_array_get(hours, i);
		struct view_val *r = view_push(rows, view_map(q->a)),
				*days = view_set(r, "days", view_list(q->a));
		int wd = h ? (int)json_integer_value(json_object_get(h, "weekday")) : 0;

		view_set_int(r, "i", (int64_t)i);
		ed_field_error(q, r, arena_printf(q->a, "invalid.opens_%zu", i));
		view_set_text(r, "opens", ed_json_str(h, "opens"));
		view_set_text(r, "closes", ed_json_str(h, "closes"));
		view_set_text(r, "note", ed_json_str(h, "note"));
		for (int d = 1; d <= 7; d++) {
			struct view_val *dv = view_push(days, view_map(q->a));

			view_set_int(dv, "value", d);
			view_set_text(dv, "name", day_name(q, d));
			view_set_bool(dv, "selected", d == (wd ? wd : 1));
		}
	}
}

static void
off_form(struct rq *q, const char *slug, json_t *snap, bool preview)
{
	struct view_val *o = view_set(q->page, "office", view_map(q->a));

	(void)slug;
	(void)preview;
	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++)
		view_set_text(o, FIELDS[i], ed_json_str(snap, FIELDS[i]));
	view_set_bool(o, "appointment_only",
		      json_is_true(json_object_get(snap, "appointment_only")));
	hours_rows(q, json_object_get(snap, "hours"));
}

/* The tenant's offices with their workflow state. */
static void
off_list(struct rq *q)
{
	struct view_val *l;
	struct office *v;
	size_t n;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = office_list(q->db, q->tenant, q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	l = view_set(q->page, "offices", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = ed_list_row(q, l, &office_edit_kind, v[i].slug, "published");

		view_set_text(m, "name", v[i].name);
	}
	ed_render(q, "ed.office.list", "editor/offices");
}

const struct ed_kind office_edit_kind = {
	.name = "office",
	.path = "/stellen",
	.tpl = "editor/office",
	.list_label = "ed.office.list",
	.title_sql = "(SELECT o.name FROM office o WHERE o.tenant_id = r.tenant_id AND "
		     "o.slug = r.subject)",
	.body_limit = 64 * 1024,
	.title = off_title,
	.live = off_live,
	.from_form = off_from_form,
	.apply = off_apply,
	.text = off_text,
	.form = off_form,
	.list = off_list,
};
