/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * iCalendar (RFC 5545) of a course: one VEVENT per session, in UTC, with a
 * stable UID per session.  Lines end in CRLF and are folded at 75 octets
 * between UTF-8 characters; text is escaped (checked by
 * tests/tools/ical_check.mjs).
 */
#include "features/courses/crs_int.h"

#include "app/app.h"
#include "core/civil.h"
#include "mail/mail.h"

#include <stdio.h>
#include <string.h>

#define ICS_LINE_MAX 75

static int
add_line(struct buf *out, const char *line)
{
	size_t n = strlen(line), used = 0, room = ICS_LINE_MAX;
	int rc = 0;

	while (rc == 0 && n - used > room) {
		size_t cut = used + room;

		while (cut > used && ((unsigned char)line[cut] & 0xc0) == 0x80)
			cut--;
		rc = buf_add(out, line + used, cut - used);
		rc = rc ? rc : buf_adds(out, "\r\n ");
		used = cut;
		room = ICS_LINE_MAX - 1;
	}
	rc = rc ? rc : buf_add(out, line + used, n - used);
	return rc ? rc : buf_adds(out, "\r\n");
}

/* NAME:text with \ ; , and newlines escaped and other control characters dropped. */
static int
prop_text(struct buf *out, const char *name, const char *s)
{
	struct buf b;
	int rc;

	buf_init(&b, 64 * 1024);
	(void)buf_adds(&b, name);
	(void)buf_addc(&b, ':');
	for (; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			(void)buf_addc(&b, '\\');
		if (*s == '\n')
			(void)buf_adds(&b, "\\n");
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			(void)buf_addc(&b, *s);
	}
	rc = b.toobig ? ERR_TOOBIG : add_line(out, b.p);
	buf_release(&b);
	return rc;
}

static int
prop_utc(struct buf *out, const char *name, int64_t t)
{
	struct civil_local d;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, sec = t - days * 86400;
	char line[64];

	civil_day(days, &d);
	snprintf(line, sizeof(line), "%s:%04d%02d%02dT%02d%02d%02dZ", name, d.year % 10000,
		 d.month % 100, d.day % 100, (int)(sec / 3600), (int)(sec / 60 % 60),
		 (int)(sec % 60));
	return add_line(out, line);
}

int
crs_ics(struct rq *q, const struct crs_course *c, const char *url, struct buf *out)
{
	const char *where = c->location_address[0] ? arena_printf(q->a, "%s, %s", c->location_name,
								  c->location_address)
						   : c->location_name;
	int rc = add_line(out, "BEGIN:VCALENDAR");

	rc = rc ? rc : add_line(out, "VERSION:2.0");
	rc = rc ? rc : add_line(out, "PRODID:-//Rathaus//Kurse//DE");
	rc = rc ? rc : add_line(out, "CALSCALE:GREGORIAN");
	rc = rc ? rc : add_line(out, "METHOD:PUBLISH");
	for (size_t i = 0; rc == 0 && i < c->n_sessions; i++) {
		rc = add_line(out, "BEGIN:VEVENT");
		rc = rc ? rc
			: prop_text(out, "UID",
				    arena_printf(q->a, "%s-kurs-%s-%lld@rathaus", q->tenant->slug,
						 c->slug, (long long)c->sessions[i].starts_at));
		rc = rc ? rc : prop_utc(out, "DTSTAMP", c->updated_at);
		rc = rc ? rc : prop_utc(out, "DTSTART", c->sessions[i].starts_at);
		rc = rc ? rc : prop_utc(out, "DTEND", c->sessions[i].ends_at);
		rc = rc ? rc
			: prop_text(out, "SUMMARY",
				    c->n_sessions > 1 ? arena_printf(q->a, "%s (%zu/%zu)", c->title,
								     i + 1, c->n_sessions)
						      : c->title);
		if (where[0])
			rc = rc ? rc : prop_text(out, "LOCATION", where);
		rc = rc ? rc : prop_text(out, "DESCRIPTION", c->summary);
		rc = rc ? rc : add_line(out, arena_printf(q->a, "URL:%s", url));
		rc = rc ? rc : add_line(out, "END:VEVENT");
	}
	rc = rc ? rc : add_line(out, "END:VCALENDAR");
	return rc || out->toobig ? ERR_TOOBIG : 0;
}

const char *
crs_abs_url(struct rq *q, const char *path)
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
