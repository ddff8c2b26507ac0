/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * One event: /veranstaltungen/:slug with its next dates, place, organiser,
 * price, accessibility and description (Markdown, cmark's safe mode) and
 * schema.org Event data; /veranstaltungen/:slug.ics is the same event as
 * iCalendar.  Only published events of the request's tenant are found.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "core/civil.h"

#include <string.h>
#include <time.h>

#define NEXT_DATES 12 /* dates listed on the page of a recurring event */

/* ISO 8601 with the Berlin offset, or the date alone for all-day. */
static const char *
iso(struct rq *q, int64_t utc, bool all_day, int64_t day)
{
	char s[CIVIL_DATETIME_LEN + 1];

	if (all_day)
		return ev_day_iso(q->a, day);
	civil_utc_to_local(utc, true, s);
	return arena_printf(q->a, "%s:00%s", s, civil_berlin_dst(utc) ? "+02:00" : "+01:00");
}

static const char *
when_text(struct rq *q, const struct ev_event *ev, const struct ev_occ *o)
{
	char a[CIVIL_DATETIME_LEN + 1], b[CIVIL_DATETIME_LEN + 1];
	struct civil_local l;

	civil_day(o->start_day, &l);
	const char *day = arena_printf(q->a, "%s, %02d.%02d.%04d",
				       rq_msg(q, arena_printf(q->a, "office.day.%d", l.weekday)),
				       l.day, l.month, l.year);
	if (ev->when.all_day)
		return o->end_day == o->start_day
			       ? day
			       : arena_printf(q->a, "%s – %s", day, ev_day_iso(q->a, o->end_day));
	civil_utc_to_local(o->starts_at, false, a);
	civil_utc_to_local(o->ends_at, false, b);
	if (o->end_day == o->start_day)
		return arena_printf(q->a, "%s, %s–%s %s", day, a + 11, b + 11,
				    rq_msg(q, "ev.clock"));
	return arena_printf(q->a, "%s, %s %s – %s", day, a + 11, rq_msg(q, "ev.clock"), b);
}

static struct view_val *
place_jsonld(struct rq *q, const struct ev_event *ev)
{
	if (ev->office_name[0])
		return rq_jsonld_place(q, ev->office_name, ev->office_street, ev->office_postal,
				       ev->office_city);
	return rq_jsonld_place(q, ev->location_name,
			       ev->location_address[0] ? ev->location_address : ev->location_name,
			       "", q->tenant->contact.city);
}

static struct view_val *
jsonld(struct rq *q, const struct ev_event *ev, const struct ev_occ *o, const char *url)
{
	struct view_val *d = view_map(q->a);

	view_set_text(d, "@context", "https://schema.org");
	view_set_text(d, "@type", "Event");
	view_set_text(d, "name", ev->title);
	view_set_text(d, "url", url);
	view_set_text(d, "startDate", iso(q, o->starts_at, ev->when.all_day, o->start_day));
	view_set_text(d, "endDate", iso(q, o->ends_at, ev->when.all_day, o->end_day));
	view_set_text(d, "eventStatus", "https://schema.org/EventScheduled");
	view_set_text(d, "eventAttendanceMode", "https://schema.org/OfflineEventAttendanceMode");
	if (ev->summary[0])
		view_set_text(d, "description", ev->summary);
	view_set(d, "location", place_jsonld(q, ev));
	view_set(d, "isAccessibleForFree", view_bool(q->a, ev->is_free));
	if (ev->organiser[0]) {
		struct view_val *org = view_set(d, "organizer", view_map(q->a));

		view_set_text(org, "@type", "Organization");
		view_set_text(org, "name", ev->organiser);
	}
	if (ev->image_file[0])
		view_set_text(d, "image",
			      rq_abs_url(q, arena_printf(q->a, "/dateien/%s", ev->image_file)));
	return d;
}

static void
page_data(struct rq *q, const struct ev_event *ev, const struct ev_occ *o, size_t n)
{
	const char *url = rq_url(q, arena_printf(q->a, "/veranstaltungen/%s", ev->slug));
	struct view_val *m = view_set(q->page, "event", view_map(q->a));
	struct view_val *dates = view_set(m, "dates", view_list(q->a));

	rq_crumbs(q, "ev.title", "/veranstaltungen", ev->title);
	view_set_text(m, "title", ev->title);
	view_set_text(m, "summary", ev->summary);
	view_set(m, "description", view_markdown(q->a, ev->description));
	view_set_bool(m, "has_description", ev->description[0] != '\0');
	for (size_t i = 0; i < n; i++)
		view_push(dates, view_text(q->a, when_text(q, ev, &o[i])));
	view_set_bool(m, "recurring", ev->when.rrule[0] != '\0');
	view_set_bool(m, "past", n == 0);
	view_set_text(m, "office_name", ev->office_name);
	view_set_text(m, "office_url",
		      ev->office_slug[0]
			      ? rq_url(q, arena_printf(q->a, "/stellen/%s", ev->office_slug))
			      : "");
	view_set_text(m, "office_address",
		      ev->office_name[0] ? arena_printf(q->a, "%s, %s %s", ev->office_street,
							ev->office_postal, ev->office_city)
					 : "");
	view_set_text(m, "location_name", ev->location_name);
	view_set_text(m, "location_address", ev->location_address);
	view_set_text(m, "organiser", ev->organiser);
	view_set_text(m, "price", ev->price);
	view_set_bool(m, "free", ev->is_free);
	view_set_bool(m, "accessible", ev->accessible);
	view_set_text(m, "accessibility", ev->accessibility);
	view_set_text(m, "category", rq_key_name(q, "ev.cat", ev->category));
	view_set_text(m, "image_url",
		      ev->image_file[0]
			      ? rq_url(q, arena_printf(q->a, "/dateien/%s", ev->image_file))
			      : "");
	view_set_text(m, "image_alt", ev->image_alt);
	view_set_text(m, "ics_url", arena_printf(q->a, "%s.ics", url));
	view_set_text(q->page, "title", ev->title);
	view_set_text(q->page, "canonical", url);
	if (n)
		view_set(q->page, "jsonld",
			 jsonld(q, ev, &o[0], rq_abs_url(q, url + strlen(q->base))));
}

void
ev_page(struct rq *q)
{
	const char *slug;
	bool ics = rq_param_ics(q, "slug", &slug);
	struct ev_event *ev = NULL;
	struct ev_occ *o = NULL;
	size_t n = 0;
	int rc;

	if (!ev_slug_valid(slug)) {
		rq_error(q, 404, NULL);
		return;
	}
	rc = ev_find(q->db, q->tenant, slug, true, q->a, &ev, &q->err);
	if (rc == 0 && ics) {
		const char *url =
			rq_abs_url(q, arena_printf(q->a, "/veranstaltungen/%s", ev->slug));

		rc = ev_ics_event(q, ev, url, &q->resp->body);
		if (rc) {
			rq_fail(q, rc);
			return;
		}
		q->resp->content_type = "text/calendar; charset=utf-8";
		return;
	}
	if (rc == 0)
		rc = ev_dates(q->db, q->tenant, ev->id, (int64_t)time(NULL), NEXT_DATES, q->a, &o,
			      &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	page_data(q, ev, o, n);
	rq_render(q, "events/event");
}
