/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The JSON body of POST /api/v1/appointments, checked field by field: a
 * refusal names the field in its message key.  Text must be a JSON string
 * without NUL or other control characters and within its limit; the start
 * is an ISO 8601 instant with offset.  Fuzzed by tests/fuzz/fuzz_appt_request.c.
 */
#include "features/appointments/appt.h"

#include "core/str.h"
#include "mail/mail.h"

#include <jansson.h>
#include <string.h>

/* A JSON body larger than this is no booking (the route's limit is the same). */
#define APPT_BODY_MAX 4096

/* The string member `key` within 1..max bytes and free of control characters, else NULL. */
static const char *
text(json_t *doc, const char *key, size_t max, struct arena *a)
{
	json_t *v = json_object_get(doc, key);
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	n = json_string_length(v);
	return strlen(s) == n && str_line_ok(s, max) ? arena_strdup(a, s) : NULL;
}

static bool
slug_ok(const char *s)
{
	if (!s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static int
fields(json_t *doc, struct arena *a, struct appt_request *out, struct err *e)
{
	json_t *persons = json_object_get(doc, "persons");
	const char *start;

	out->type = text(doc, "type", APPT_SLUG_MAX, a);
	if (!slug_ok(out->type))
		return err_set(e, ERR_INVALID, "appt.err.type", "type missing or malformed");
	out->location = text(doc, "location", APPT_SLUG_MAX, a);
	if (!slug_ok(out->location))
		return err_set(e, ERR_INVALID, "appt.err.location",
			       "location missing or malformed");
	start = text(doc, "start", 40, a);
	if (!start || appt_parse_iso(start, &out->starts_at))
		return err_set(e, ERR_INVALID, "appt.err.start", "start missing or malformed");
	out->persons = 1;
	if (persons && (!json_is_integer(persons) || json_integer_value(persons) < 1 ||
			json_integer_value(persons) > APPT_PERSONS_MAX))
		return err_set(e, ERR_INVALID, "appt.err.persons", "persons not 1..%d",
			       APPT_PERSONS_MAX);
	if (persons)
		out->persons = (int)json_integer_value(persons);
	out->name = text(doc, "name", APPT_NAME_MAX, a);
	if (!out->name)
		return err_set(e, ERR_INVALID, "appt.err.name", "name missing or malformed");
	out->email = text(doc, "email", APPT_EMAIL_MAX, a);
	if (!mail_addr_valid(out->email))
		return err_set(e, ERR_INVALID, "appt.err.email", "email missing or malformed");
	out->phone = "";
	if (json_object_get(doc, "phone") && !json_is_null(json_object_get(doc, "phone")) &&
	    !(out->phone = text(doc, "phone", APPT_PHONE_MAX, a)))
		return err_set(e, ERR_INVALID, "appt.err.phone", "phone malformed");
	return 0;
}

int
appt_request_parse(const char *body, size_t len, struct arena *a, struct appt_request *out,
		   struct err *e)
{
	json_error_t je;
	json_t *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > APPT_BODY_MAX)
		return err_set(e, ERR_INVALID, "appt.err.json", "body of %zu bytes", len);
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return err_set(e, ERR_INVALID, "appt.err.json", "body is no JSON object");
	}
	rc = fields(doc, a, out, e);
	json_decref(doc);
	return rc;
}
