/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * One course: /kurse/:slug with its sessions, provider, place, fee, free
 * places and registration period, the description (Markdown, cmark's safe
 * mode), schema.org Course data with one CourseInstance, and a link to the
 * booking form; /kurse/:slug.ics is every session as iCalendar.
 */
#include "features/courses/crs_int.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "core/civil.h"

#include <string.h>
#include <time.h>

/* ISO 8601 local time with the Berlin offset. */
static const char *
iso(struct rq *q, int64_t utc)
{
	char s[CIVIL_DATETIME_LEN + 1];

	civil_utc_to_local(utc, true, s);
	return arena_printf(q->a, "%s:00%s", s, civil_berlin_dst(utc) ? "+02:00" : "+01:00");
}

static struct view_val *
instance_jsonld(struct rq *q, const struct crs_course *c, const char *url, int64_t now)
{
	struct view_val *i = view_map(q->a), *offer = view_map(q->a);
	struct view_val *sched = view_list(q->a);

	view_set_text(i, "@type", "CourseInstance");
	view_set_text(i, "courseMode", "onsite");
	view_set_text(i, "startDate", iso(q, c->first_starts_at));
	view_set_text(i, "endDate", iso(q, c->last_ends_at));
	view_set(i, "location",
		 rq_jsonld_place(q, c->location_name,
				 c->location_address[0] ? c->location_address : c->location_name,
				 "", q->tenant->contact.city));
	view_set_int(i, "maximumAttendeeCapacity", c->capacity);
	view_set_int(i, "remainingAttendeeCapacity", c->capacity - c->booked);
	for (size_t k = 0; k < c->n_sessions; k++) {
		struct view_val *s = view_push(sched, view_map(q->a));

		view_set_text(s, "@type", "Event");
		view_set_text(s, "name", c->title);
		view_set_text(s, "startDate", iso(q, c->sessions[k].starts_at));
		view_set_text(s, "endDate", iso(q, c->sessions[k].ends_at));
	}
	view_set(i, "subEvent", sched);
	view_set_text(offer, "@type", "Offer");
	view_set_text(offer, "price",
		      arena_printf(q->a, "%d.%02d", c->fee_cents / 100, c->fee_cents % 100));
	view_set_text(offer, "priceCurrency", "EUR");
	view_set_text(offer, "url", url);
	view_set_text(offer, "availability",
		      c->booked < c->capacity && crs_open_at(c, now)
			      ? "https://schema.org/InStock"
			      : "https://schema.org/SoldOut");
	view_set_text(offer, "validFrom", iso(q, c->registration_opens));
	view_set_text(offer, "validThrough", iso(q, c->registration_closes));
	view_set_text(offer, "category", c->fee_cents ? "Paid" : "Free");
	view_set(i, "offers", offer);
	return i;
}

static struct view_val *
jsonld(struct rq *q, const struct crs_course *c, const char *url, int64_t now)
{
	struct view_val *d = view_map(q->a), *org = view_map(q->a);
	struct view_val *inst = view_list(q->a);

	view_set_text(d, "@context", "https://schema.org");
	view_set_text(d, "@type", "Course");
	view_set_text(d, "name", c->title);
	view_set_text(d, "url", url);
	view_set_text(d, "description", c->summary[0] ? c->summary : c->title);
	view_set_text(org, "@type", "Organization");
	view_set_text(org, "name", c->provider[0] ? c->provider : q->tenant->name);
	view_set(d, "provider", org);
	view_push(inst, instance_jsonld(q, c, url, now));
	view_set(d, "hasCourseInstance", inst);
	return d;
}

static void
page_data(struct rq *q, const struct crs_course *c, int64_t now)
{
	const char *path = arena_printf(q->a, "/kurse/%s", c->slug), *url = rq_url(q, path);
	struct view_val *m = view_set(q->page, "course", view_map(q->a));
	struct view_val *dates = view_set(m, "dates", view_list(q->a));
	bool open = crs_open_at(c, now);

	rq_crumbs(q, "crs.title", "/kurse", c->title);
	view_set_text(m, "title", c->title);
	view_set_text(m, "summary", c->summary);
	view_set(m, "description", view_markdown(q->a, c->description));
	view_set_bool(m, "has_description", c->description[0] != '\0');
	for (size_t i = 0; i < c->n_sessions; i++)
		view_push(dates, view_text(q->a, crs_session_text(q, &c->sessions[i])));
	view_set_int(m, "n_dates", (int64_t)c->n_sessions);
	view_set_text(m, "provider", c->provider);
	view_set_text(m, "location_name", c->location_name);
	view_set_text(m, "location_address", c->location_address);
	view_set_text(m, "fee", crs_fee_text(q, c->fee_cents));
	view_set_text(m, "category", rq_key_name(q, "crs.cat", c->category));
	view_set_int(m, "capacity", c->capacity);
	view_set_int(m, "free", c->capacity - c->booked);
	view_set_text(m, "opens", crs_when(q, c->registration_opens));
	view_set_text(m, "closes", crs_when(q, c->registration_closes));
	view_set_bool(m, "open", open);
	view_set_bool(m, "full", c->booked >= c->capacity);
	view_set_text(m, "book_url", rq_url(q, arena_printf(q->a, "%s/buchen", path)));
	view_set_text(m, "ics_url", arena_printf(q->a, "%s.ics", url));
	view_set_text(q->page, "title", c->title);
	view_set_text(q->page, "canonical", url);
	view_set(q->page, "jsonld", jsonld(q, c, rq_abs_url(q, path), now));
}

void
crs_page(struct rq *q)
{
	const char *slug;
	bool ics = rq_param_ics(q, "slug", &slug);
	struct crs_course *c = NULL;
	int rc;

	rc = crs_find(q->db, q->tenant, slug, q->a, &c, &q->err);
	if (rc == 0 && ics) {
		rc = crs_ics(q, c, rq_abs_url(q, arena_printf(q->a, "/kurse/%s", c->slug)),
			     &q->resp->body);
		if (rc == 0)
			q->resp->content_type = "text/calendar; charset=utf-8";
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (!ics) {
		page_data(q, c, (int64_t)time(NULL));
		rq_render(q, "courses/course");
	}
}
