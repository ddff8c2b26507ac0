/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Status names, W3C date-times and the Open311 query of GET requests:
 * outside input, parsed here without the database and fuzzed
 * (tests/fuzz/fuzz_reports_filter.c).
 */
#include "features/reports/reports.h"

#include "core/civil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	unsigned bit;
	const char *name;
} statuses[] = {
	{RP_RECEIVED, "received"}, {RP_IN_PROGRESS, "in_progress"}, {RP_DONE, "done"},
	{RP_REJECTED, "rejected"}, {RP_FORWARDED, "forwarded"},
};

const char *
rp_status_name(unsigned st)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].bit == st)
			return statuses[i].name;
	return NULL;
}

unsigned
rp_status_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(statuses[i].name, name) == 0)
			return statuses[i].bit;
	return 0;
}

/* `n` digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "Z", "+01:00", "+0100" or "" at s: the offset in seconds east of UTC. */
static bool
zone(const char *s, bool *has, int64_t *off)
{
	int h, m;

	*has = *s != '\0';
	*off = 0;
	if (!*has)
		return true;
	if (strcmp(s, "Z") == 0)
		return true;
	if ((s[0] != '+' && s[0] != '-') || (h = digits(s + 1, 2)) < 0)
		return false;
	if (s[3] == ':')
		m = strlen(s) == 6 ? digits(s + 4, 2) : -1;
	else
		m = strlen(s) == 5 ? digits(s + 3, 2) : -1;
	if (m < 0 || h > 14 || m > 59)
		return false;
	*off = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return true;
}

bool
rp_time_parse(const char *s, int64_t *out)
{
	char local[CIVIL_DATETIME_LEN + 1];
	int64_t days, off, t;
	int hh = 0, mm = 0, ss = 0;
	bool has_zone;
	const char *p;

	if (!s || strlen(s) < 10 || !civil_parse_date(s, &days))
		return false;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		hh = digits(p + 1, 2);
		mm = p[3] == ':' ? digits(p + 4, 2) : -1;
		if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
			return false;
		p += 6;
		if (*p == ':') {
			ss = digits(p + 1, 2);
			if (ss < 0 || ss > 59)
				return false;
			p += 3;
			if (*p == '.') {
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
				if (p[-1] == '.')
					return false;
			}
		}
	}
	if (!zone(p, &has_zone, &off))
		return false;
	if (has_zone) {
		*out = days * 86400 + hh * 3600 + mm * 60 + ss - off;
		return true;
	}
	snprintf(local, sizeof(local), "%.10sT%02d:%02d", s, hh, mm);
	if (civil_local_to_utc(local, &t) != 0)
		return false;
	*out = t + ss;
	return true;
}

/* "open,closed" into status bits. */
static int
parse_status(const char *s, unsigned *out, struct err *e)
{
	size_t n;

	*out = 0;
	while (*s) {
		n = strcspn(s, ",");
		if (n == 4 && strncmp(s, "open", 4) == 0)
			*out |= RP_OPEN;
		else if (n == 6 && strncmp(s, "closed", 6) == 0)
			*out |= RP_CLOSED;
		else
			return err_set(e, ERR_INVALID, "error.400.text",
				       "status must be open or closed");
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* "12,13" into report numbers. */
static int
parse_ids(const char *s, struct rp_filter *f, struct err *e)
{
	char *end;

	while (*s) {
		long long v;

		if (*s < '0' || *s > '9' || f->n_ids == RP_IDS_MAX)
			return err_set(e, ERR_INVALID, "error.400.text",
				       "service_request_id must be up to %d numbers", RP_IDS_MAX);
		v = strtoll(s, &end, 10);
		if (v <= 0 || v > 1000000000000LL || (*end != ',' && *end != '\0'))
			return err_set(e, ERR_INVALID, "error.400.text",
				       "service_request_id must be numbers");
		f->ids[f->n_ids++] = v;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static bool
code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > RP_CODE_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

int
rp_filter_open311(const char *status, const char *code, const char *start, const char *end,
		  const char *ids, int64_t now, struct rp_filter *f, struct err *e)
{
	bool has_start = start && *start, has_end = end && *end;

	memset(f, 0, sizeof(*f));
	if (status && parse_status(status, &f->statuses, e))
		return ERR_INVALID;
	if (code && *code) {
		if (!code_ok(code))
			return err_set(e, ERR_INVALID, "error.400.text", "unknown service_code");
		memcpy(f->code, code, strlen(code) + 1);
	}
	if (ids && parse_ids(ids, f, e))
		return ERR_INVALID;
	if (has_start && !rp_time_parse(start, &f->since))
		return err_set(e, ERR_INVALID, "error.400.text", "start_date is no W3C date-time");
	if (has_end && !rp_time_parse(end, &f->until))
		return err_set(e, ERR_INVALID, "error.400.text", "end_date is no W3C date-time");
	if (!has_end)
		f->until = has_start ? f->since + RP_RANGE_MAX_S : now;
	if (!has_start)
		f->since = f->until - RP_RANGE_MAX_S;
	if (f->until < f->since)
		return err_set(e, ERR_INVALID, "error.400.text", "end_date is before start_date");
	if (f->until - f->since > RP_RANGE_MAX_S)
		return err_set(e, ERR_INVALID, "error.400.text",
			       "start_date and end_date may span at most 90 days");
	return 0;
}

bool
rp_coord_parse(const char *s, double min, double max, int64_t *e6)
{
	int64_t whole = 0, frac = 0, scale = 1000000;
	bool neg = false;
	int ndig = 0;

	if (!s || !*s || strlen(s) > 16)
		return false;
	if (*s == '-')
		neg = true, s++;
	for (; *s >= '0' && *s <= '9'; s++, ndig++)
		whole = whole * 10 + (*s - '0');
	if (ndig == 0 || ndig > 3)
		return false;
	if (*s == '.' || *s == ',') {
		int nf = 0;

		for (s++; *s >= '0' && *s <= '9'; s++, nf++) {
			if (nf >= 7)
				return false;
			if (nf < 6) {
				scale /= 10;
				frac += (*s - '0') * scale;
			}
		}
		if (nf == 0)
			return false;
	}
	if (*s)
		return false;
	*e6 = (neg ? -1 : 1) * (whole * 1000000 + frac);
	return *e6 >= (int64_t)(min * 1e6) && *e6 <= (int64_t)(max * 1e6);
}
