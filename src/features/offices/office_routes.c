/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The offices' public pages: /stellen, a contact directory of the tenant's
 * offices, and /stellen/:slug, one office with address, contacts, weekly
 * hours, the changed days of the next two weeks (exceptions and public
 * holidays), accessibility notes and schema.org GovernmentOffice data; and
 * office_view(), the template data the catalogue's service page shows.
 *
 * The "open now" line uses the current time in Europe/Berlin; pages are
 * micro-cached, so it may be a few seconds stale.  No map: the address is
 * text, and a map would load third-party tiles.
 */
#include "features/offices/office.h"

#include "app/app.h"
#include "features/editor/editor.h"

#include <string.h>
#include <time.h>

#define SPECIAL_DAYS 14	 /* days ahead whose exceptions the office page lists */
#define DAY_RULES_MAX 16 /* intervals of one day shown; real offices have 1-3 */

static const char *
office_day_name(struct rq *q, int weekday, bool is_short)
{
	return rq_msg(q, arena_printf(q->a, "office.%s.%d", is_short ? "wd" : "day", weekday));
}

static const char *
office_hhmm(struct rq *q, int minute)
{
	return arena_printf(q->a, "%02d:%02d", minute / 60, minute % 60);
}

static int64_t
office_now(struct civil_local *out)
{
	int64_t now = (int64_t)time(NULL);

	civil_local_at(now, out);
	return now;
}

/* "08:00–12:30, 14:00–16:00" or "" for none. */
static const char *
office_times(struct rq *q, const struct office_rule *v, size_t n)
{
	const char *s = "";

	for (size_t i = 0; i < n && i < DAY_RULES_MAX; i++)
		s = arena_printf(q->a, "%s%s%s–%s", s, i ? ", " : "", office_hhmm(q, v[i].opens),
				 office_hhmm(q, v[i].closes));
	return s;
}

/* Message `key` with its "{0}" replaced by `arg` (text: the template escapes it). */
static const char *
fmt1(struct rq *q, const char *key, const char *arg)
{
	const char *m = rq_msg(q, key), *at = strstr(m, "{0}");

	if (!at)
		return m;
	return arena_printf(q->a, "%.*s%s%s", (int)(at - m), m, arg, at + 3);
}

/* "Jetzt geöffnet – schließt um 12:30" or "Geschlossen – öffnet wieder Mo 08:00". */
static const char *
status_text(struct rq *q, const struct office_status *st)
{
	const char *when;

	if (st->is_open)
		return arena_printf(q->a, "%s – %s", rq_msg(q, "office.open_now"),
				    fmt1(q, "office.closes_at", office_hhmm(q, st->closes)));
	if (!st->has_next)
		return rq_msg(q, st->appointment_only ? "office.by_appointment" : "office.closed");
	if (st->next_days == 0)
		when = arena_printf(q->a, "%s %s", rq_msg(q, "office.today"),
				    office_hhmm(q, st->next_minute));
	else if (st->next_days < 7)
		when = arena_printf(q->a, "%s %s", office_day_name(q, st->next_weekday, true),
				    office_hhmm(q, st->next_minute));
	else
		when = arena_printf(q->a, "%s %.2s.%.2s. %s",
				    office_day_name(q, st->next_weekday, true), st->next_date + 8,
				    st->next_date + 5, office_hhmm(q, st->next_minute));
	if (st->appointment_only)
		return arena_printf(q->a, "%s – %s", rq_msg(q, "office.by_appointment"),
				    fmt1(q, "office.next_appointment", when));
	return arena_printf(q->a, "%s – %s", rq_msg(q, "office.closed"),
			    fmt1(q, "office.opens_again", when));
}

/* The weekly rules, Monday to Sunday, as {day, times} with "geschlossen" for none. */
static struct view_val *
week(struct rq *q, const struct office_hours *h)
{
	struct view_val *l = view_list(q->a);

	for (int d = 1; d <= 7; d++) {
		struct office_rule v[DAY_RULES_MAX];
		struct view_val *m;
		size_t n = 0;

		for (size_t i = 0; i < h->n_rules && n < DAY_RULES_MAX; i++)
			if (h->rules[i].weekday == d)
				v[n++] = h->rules[i];
		if (n == 0 && d >= 6)
			continue; /* weekends closed: left out rather than listed */
		m = view_push(l, view_map(q->a));
		view_set_text(m, "day", office_day_name(q, d, false));
		view_set_text(m, "times",
			      n ? office_times(q, v, n) : rq_msg(q, "office.closed_day"));
		view_set_bool(m, "closed", n == 0);
	}
	return l;
}

struct view_val *
office_view(struct rq *q, const struct office *o)
{
	struct view_val *m = view_map(q->a);
	struct office_status st;
	struct civil_local now;

	office_now(&now);
	office_status_at(&o->hours, &now, &st);
	view_set_text(m, "name", o->name);
	view_set_text(m, "slug", o->slug);
	view_set_text(m, "url", rq_url(q, arena_printf(q->a, "/stellen/%s", o->slug)));
	view_set_text(m, "street", o->street);
	view_set_text(m, "postal_code", o->postal_code);
	view_set_text(m, "city", o->city);
	view_set_text(m, "phone", o->phone);
	view_set_text(m, "tel", rq_tel(q, o->phone));
	view_set_text(m, "email", o->email);
	view_set_text(m, "web", o->web);
	view_set_text(m, "accessibility", o->accessibility);
	view_set_text(m, "appointment_url", o->appointment_url);
	view_set_bool(m, "appointment_only", o->hours.appointment_only);
	view_set_bool(m, "open_now", st.is_open);
	view_set_text(m, "status", status_text(q, &st));
	view_set(m, "hours", week(q, &o->hours));
	view_set_bool(m, "has_hours", o->hours.n_rules > 0);
	return m;
}

/* schema.org day names for openingHoursSpecification. */
static const char *const schema_days[] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

/* schema.org GovernmentOffice with address, contacts and weekly hours. */
static struct view_val *
office_jsonld(struct rq *q, const struct office *o, const char *url)
{
	struct view_val *d = view_map(q->a), *addr = view_map(q->a), *spec = view_list(q->a);

	view_set_text(d, "@context", "https://schema.org");
	view_set_text(d, "@type", "GovernmentOffice");
	view_set_text(d, "name", o->name);
	view_set_text(d, "url", url);
	if (o->phone[0])
		view_set_text(d, "telephone", o->phone);
	if (o->email[0])
		view_set_text(d, "email", o->email);
	view_set_text(addr, "@type", "PostalAddress");
	view_set_text(addr, "streetAddress", o->street);
	view_set_text(addr, "postalCode", o->postal_code);
	view_set_text(addr, "addressLocality", o->city);
	view_set_text(addr, "addressCountry", "DE");
	view_set(d, "address", addr);
	for (size_t i = 0; i < o->hours.n_rules && !o->hours.appointment_only; i++) {
		const struct office_rule *r = &o->hours.rules[i];
		struct view_val *s = view_push(spec, view_map(q->a));

		view_set_text(s, "@type", "OpeningHoursSpecification");
		view_set_text(s, "dayOfWeek",
			      arena_printf(q->a, "https://schema.org/%s", schema_days[r->weekday]));
		view_set_text(s, "opens", office_hhmm(q, r->opens));
		view_set_text(s, "closes", office_hhmm(q, r->closes));
	}
	if (o->hours.n_rules && !o->hours.appointment_only)
		view_set(d, "openingHoursSpecification", spec);
	return d;
}

static void
directory(struct rq *q)
{
	struct view_val *l = view_set(q->page, "offices", view_list(q->a));
	struct civil_local today;
	struct office *v = NULL;
	size_t n = 0;
	int rc = office_list(q->db, q->tenant, q->a, &v, &n, &q->err);

	office_now(&today);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = office_load_hours(q->db, q->tenant, &v[i], today.days, q->a, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", rq_msg(q, "office.directory"));
	view_set_text(q->page, "canonical", rq_url(q, "/stellen"));
	rq_crumbs(q, "office.directory", "/stellen", NULL);
	for (size_t i = 0; i < n; i++)
		view_push(l, office_view(q, &v[i]));
	rq_render(q, "offices/list");
}

/* A day of the next two weeks with hours other than the weekly ones. */
static struct view_val *
special_day(struct rq *q, const struct office_hours *h, const struct civil_local *day)
{
	struct office_rule v[DAY_RULES_MAX];
	struct view_val *m = view_map(q->a);
	const char *note;
	size_t n = office_day_intervals(h, day, v, DAY_RULES_MAX, &note);

	view_set_text(m, "date",
		      arena_printf(q->a, "%s, %02d.%02d.%04d",
				   office_day_name(q, day->weekday, false), day->day, day->month,
				   day->year));
	view_set_text(m, "times",
		      n ? office_times(q, v, n < DAY_RULES_MAX ? n : DAY_RULES_MAX)
			: rq_msg(q, "office.closed_day"));
	view_set_text(m, "note", note);
	return m;
}

static void
office_page_data(struct rq *q, const struct office *o, const struct civil_local *today)
{
	const char *url = rq_url(q, arena_printf(q->a, "/stellen/%s", o->slug));
	struct view_val *special = view_list(q->a);
	struct view_val *m = office_view(q, o);
	int n = 0;

	for (int d = 0; d < SPECIAL_DAYS; d++) {
		struct civil_local day;

		civil_day(today->days + d, &day);
		if (office_day_is_special(&o->hours, &day)) {
			view_push(special, special_day(q, &o->hours, &day));
			n++;
		}
	}
	view_set(m, "special", special);
	view_set_bool(m, "has_special", n > 0);
	view_set_text(q->page, "title", o->name);
	view_set_text(q->page, "canonical", url);
	rq_crumbs(q, "office.directory", "/stellen", o->name);
	view_set(q->page, "office", m);
	view_set(q->page, "jsonld", office_jsonld(q, o, url));
}

static void
office_page(struct rq *q)
{
	const char *slug = http_param(q->http, "slug");
	struct civil_local today;
	struct office *o = NULL;
	int rc;

	if (!tenant_slug_valid(slug)) {
		rq_error(q, 404, NULL);
		return;
	}
	office_now(&today);
	rc = office_find(q->db, q->tenant, slug, today.days, q->a, &o, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	office_page_data(q, o, &today);
	rq_render(q, "offices/office");
}

static int
offices_init(struct app *app, struct err *e)
{
	app_route(app, HTTP_GET, "/stellen", directory, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/stellen/:slug", office_page, ROUTE_CACHE, 0);
	office_api_register(app);
	return ed_kind_register(app, &office_edit_kind, e);
}

const struct feature offices_feature = {
	.name = "offices",
	.init = offices_init,
	.search = &office_search_source,
	.staff = FEATURE_LINK("/verwaltung/stellen", "ed.office.list", ROLE_ADMIN | ROLE_EDITOR),
};
