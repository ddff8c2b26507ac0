/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff's course form, checked field by field without a database: the
 * fee as euros ("45" or "45,50"), the places, the registration period as
 * local date-times and the sessions, one a line "YYYY-MM-DD HH:MM-HH:MM"
 * (Europe/Berlin).  A problem names its field's message key.
 */
#include "features/courses/crs_int.h"

#include "core/civil.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
line_ok(const char *s, size_t max, bool empty)
{
	size_t n = strlen(s);

	return (empty || n > 0) && n <= max && str_valid_line(str_c(s));
}

/* Cents of "45", "45,5", "45,50" or "45.50"; -1 when malformed or above 100000 €. */
int
crs_fee_parse(const char *s)
{
	long euros = 0, cents = 0;
	int digits = 0;
	const char *p = s;

	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		euros = euros * 10 + (*p - '0');
	if (digits == 0 || digits > 6)
		return -1;
	if (*p == ',' || *p == '.') {
		p++;
		for (int i = 0; i < 2; i++)
			cents = cents * 10 + (*p >= '0' && *p <= '9' ? *p++ - '0' : 0);
	}
	return *p || euros > 100000 ? -1 : (int)(euros * 100 + cents);
}

/* Local "YYYY-MM-DDTHH:MM" (or a blank for T) into Unix seconds. */
static bool
local_time(const char *s, int64_t *out)
{
	char v[CIVIL_DATETIME_LEN + 1];

	if (strlen(s) != CIVIL_DATETIME_LEN || (s[10] != 'T' && s[10] != ' '))
		return false;
	memcpy(v, s, sizeof(v));
	v[10] = 'T';
	return civil_local_to_utc(v, out) == 0;
}

/* One session line "YYYY-MM-DD HH:MM-HH:MM" (a dash or an en dash). */
static bool
session_parse(const char *s, size_t n, struct crs_session *out)
{
	char start[CIVIL_DATETIME_LEN + 1], end[CIVIL_DATETIME_LEN + 1];
	size_t dash = 16;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (n == 22 && s[16] == '-')
		dash = 17;
	else if (n == 24 && memcmp(s + 16, "\xe2\x80\x93", 3) == 0)
		dash = 19;
	else
		return false;
	memcpy(start, s, 16);
	start[16] = '\0';
	memcpy(end, s, 11);
	memcpy(end + 11, s + dash, 5);
	end[16] = '\0';
	return local_time(start, &out->starts_at) && local_time(end, &out->ends_at) &&
	       out->starts_at < out->ends_at;
}

int
crs_sessions_parse(const char *s, struct crs_session *out, size_t *n)
{
	*n = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		if (len > 0 && !(len == 1 && s[0] == '\r')) {
			if (*n == CRS_SESSIONS_MAX || !session_parse(s, len, &out[*n]))
				return -1;
			if (*n && out[*n].starts_at <= out[*n - 1].starts_at)
				return -1; /* in order, each once */
			(*n)++;
		}
		s += len + (nl ? 1 : 0);
	}
	return *n ? 0 : -1;
}

static void
fail(struct crs_form *f, int field, const char *key)
{
	f->error[field] = key;
	f->n_errors++;
}

void
crs_form_check(struct crs_form *f, struct arena *a, struct crs_course *c)
{
	struct crs_session *s = arena_calloc(a, CRS_SESSIONS_MAX, sizeof(*s));
	char *end = NULL;
	long cap = strtol(f->value[CRS_F_CAPACITY], &end, 10);

	memset(f->error, 0, sizeof(f->error));
	f->n_errors = 0;
	if (!line_ok(f->value[CRS_F_TITLE], 200, false))
		fail(f, CRS_F_TITLE, "crs.staff.err.title");
	if (!crs_slug_valid(f->value[CRS_F_SLUG]))
		fail(f, CRS_F_SLUG, "crs.staff.err.slug");
	if (!line_ok(f->value[CRS_F_SUMMARY], 500, true))
		fail(f, CRS_F_SUMMARY, "crs.staff.err.summary");
	if (strlen(f->value[CRS_F_DESCRIPTION]) > 20000)
		fail(f, CRS_F_DESCRIPTION, "crs.staff.err.description");
	if (!line_ok(f->value[CRS_F_PROVIDER], 200, false))
		fail(f, CRS_F_PROVIDER, "crs.staff.err.provider");
	if (!crs_category_valid(f->value[CRS_F_CATEGORY]))
		fail(f, CRS_F_CATEGORY, "crs.staff.err.category");
	if ((c->fee_cents = crs_fee_parse(f->value[CRS_F_FEE])) < 0)
		fail(f, CRS_F_FEE, "crs.staff.err.fee");
	if (!f->value[CRS_F_CAPACITY][0] || *end || cap < 1 || cap > 1000)
		fail(f, CRS_F_CAPACITY, "crs.staff.err.capacity");
	if (!local_time(f->value[CRS_F_OPENS], &c->registration_opens))
		fail(f, CRS_F_OPENS, "crs.staff.err.opens");
	if (!local_time(f->value[CRS_F_CLOSES], &c->registration_closes) ||
	    (!f->error[CRS_F_OPENS] && c->registration_closes <= c->registration_opens))
		fail(f, CRS_F_CLOSES, "crs.staff.err.closes");
	if (!line_ok(f->value[CRS_F_PLACE], 200, false))
		fail(f, CRS_F_PLACE, "crs.staff.err.place");
	if (!line_ok(f->value[CRS_F_ADDRESS], 300, true))
		fail(f, CRS_F_ADDRESS, "crs.staff.err.address");
	if (crs_sessions_parse(f->value[CRS_F_SESSIONS], s, &c->n_sessions))
		fail(f, CRS_F_SESSIONS, "crs.staff.err.sessions");
	c->slug = f->value[CRS_F_SLUG];
	c->title = f->value[CRS_F_TITLE];
	c->summary = f->value[CRS_F_SUMMARY];
	c->description = f->value[CRS_F_DESCRIPTION];
	c->provider = f->value[CRS_F_PROVIDER];
	c->category = f->value[CRS_F_CATEGORY];
	c->location_name = f->value[CRS_F_PLACE];
	c->location_address = f->value[CRS_F_ADDRESS];
	c->capacity = (int)cap;
	c->sessions = s;
}

/* "YYYY-MM-DDTHH:MM" of `utc`, in `a`. */
static const char *
local_of(struct arena *a, int64_t utc)
{
	char *s = arena_alloc(a, CIVIL_DATETIME_LEN + 1);

	civil_utc_to_local(utc, true, s);
	return s;
}

void
crs_form_of(const struct crs_course *c, struct arena *a, struct crs_form *f)
{
	char *lines = arena_alloc(a, c->n_sessions * 24 + 1), *p = lines;

	memset(f, 0, sizeof(*f));
	*p = '\0';
	for (size_t i = 0; i < c->n_sessions; i++) {
		char s[CIVIL_DATETIME_LEN + 1], e[CIVIL_DATETIME_LEN + 1];

		civil_utc_to_local(c->sessions[i].starts_at, false, s);
		civil_utc_to_local(c->sessions[i].ends_at, false, e);
		p += snprintf(p, 24, "%.10s %.5s-%.5s\n", s, s + 11, e + 11);
	}
	f->value[CRS_F_TITLE] = c->title;
	f->value[CRS_F_SLUG] = c->slug;
	f->value[CRS_F_SUMMARY] = c->summary;
	f->value[CRS_F_DESCRIPTION] = c->description;
	f->value[CRS_F_PROVIDER] = c->provider;
	f->value[CRS_F_CATEGORY] = c->category;
	f->value[CRS_F_FEE] =
		arena_printf(a, "%d,%02d", c->fee_cents / 100 % 1000000, c->fee_cents % 100);
	f->value[CRS_F_CAPACITY] = arena_printf(a, "%d", c->capacity);
	f->value[CRS_F_OPENS] = local_of(a, c->registration_opens);
	f->value[CRS_F_CLOSES] = local_of(a, c->registration_closes);
	f->value[CRS_F_PLACE] = c->location_name;
	f->value[CRS_F_ADDRESS] = c->location_address;
	f->value[CRS_F_SESSIONS] = lines;
}
