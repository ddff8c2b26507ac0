/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The one validation of answers, for the HTML steps and the API alike:
 * every field in order, its condition evaluated over the clean answers
 * before it (so a condition sees what the citizen can see), its value
 * checked for its type and normalised.  Answers to unknown or hidden
 * fields are dropped.
 */
#include "features/forms/forms.h"

#include "core/str.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX_DEFAULT 200
#define TEXTAREA_MAX_DEFAULT 5000
#define TEXT_MAX_HARD 20000
#define STREET_MAX 200
#define PLACE_MAX 120
#define NUMBER_TEXT_MAX 40
#define FILES_NAME_BUF 128

struct cctx {
	const struct form_env *env;
	struct arena *a;
	struct form_check *c;
	unsigned flags;
	size_t upto, step;
	json_t *top;   /* clean answers of the form */
	json_t *entry; /* clean answers of the group entry being checked, or NULL */
	int fatal;     /* an error of a callback that is not the citizen's */
	struct err *e;
};

static json_t *
lookup(const char *key, void *cls)
{
	struct cctx *cx = cls;
	json_t *v = cx->entry ? json_object_get(cx->entry, key) : NULL;

	return v ? v : json_object_get(cx->top, key);
}

static bool
holds(struct cctx *cx, const struct form_expr *x)
{
	return form_expr_eval(x, lookup, cx);
}

static void
issue(struct cctx *cx, const char *path, const struct form_field *fd, const char *msg)
{
	struct form_check *c = cx->c;

	if ((cx->flags & FORM_CHECK_UPTO) && cx->step > cx->upto)
		return;
	c->issues = arena_grow(cx->a, c->issues, c->n_issues, &c->cap, sizeof(*c->issues));
	c->issues[c->n_issues++] =
		(struct form_issue){arena_strdup(cx->a, path), fd->key, msg, cx->step};
}

/* `s` without leading and trailing blanks, CR LF as LF, in the arena; NULL with a control char. */
static char *
clean_text(struct cctx *cx, const char *s, bool multiline)
{
	char *out = arena_strdup(cx->a, s), *w = out, *end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\r' && s[1] == '\n')
			continue;
		if (ch == '\r')
			ch = '\n';
		if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\t'))) || ch == 0x7f)
			return NULL;
		*w++ = (char)ch;
	}
	*w = '\0';
	end = w;
	while (end > out && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'))
		*--end = '\0';
	return out;
}

static bool
matches(const char *pattern, const char *s)
{
	char *anchored = NULL;
	regex_t re;
	bool ok = false;
	size_t n = strlen(pattern) + 8;

	anchored = malloc(n);
	snprintf(anchored, n, "^(%s)$", pattern);
	if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
		ok = regexec(&re, s, 0, NULL, 0) == 0;
		regfree(&re);
	}
	free(anchored);
	return ok;
}

static json_t *
check_text(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	double max = fd->type == FT_TEXTAREA ? TEXTAREA_MAX_DEFAULT : TEXT_MAX_DEFAULT;
	const char *raw = json_string_value(v);
	char *s;
	size_t n;

	if (fd->has_max)
		max = fmin(fd->max, TEXT_MAX_HARD);
	if (!raw || strlen(raw) > TEXT_MAX_HARD * 4) {
		issue(cx, path, fd, raw ? "forms.err.too_long" : "forms.err.type");
		return NULL;
	}
	s = clean_text(cx, raw, fd->type == FT_TEXTAREA);
	if (!s) {
		issue(cx, path, fd, "forms.err.control");
		return NULL;
	}
	n = str_utf8_chars(s);
	if (n > max) {
		issue(cx, path, fd, "forms.err.too_long");
	} else if (fd->has_min && n < fd->min) {
		issue(cx, path, fd, "forms.err.too_short");
	} else if (fd->pattern && !matches(fd->pattern, s)) {
		issue(cx, path, fd, "forms.err.pattern");
	} else {
		return json_string(s);
	}
	return NULL;
}

static json_t *
check_number(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	double d;

	if (json_is_number(v)) {
		d = json_number_value(v);
	} else {
		const char *s = json_string_value(v);
		char buf[NUMBER_TEXT_MAX + 1], *end;
		size_t n;

		if (!s || strlen(s) > NUMBER_TEXT_MAX) {
			issue(cx, path, fd, "forms.err.number");
			return NULL;
		}
		n = strlen(s);
		for (size_t i = 0; i <= n; i++)
			buf[i] = s[i] == ',' ? '.' : s[i]; /* German decimal comma */
		d = strtod(buf, &end);
		while (*end == ' ')
			end++;
		if (end == buf || *end || strchr(buf, 'x') || strchr(buf, 'X')) {
			issue(cx, path, fd, "forms.err.number");
			return NULL;
		}
	}
	if (!isfinite(d)) {
		issue(cx, path, fd, "forms.err.number");
	} else if (fd->has_min && d < fd->min) {
		issue(cx, path, fd, "forms.err.min");
	} else if (fd->has_max && d > fd->max) {
		issue(cx, path, fd, "forms.err.max");
	} else if (d == floor(d) && fabs(d) < 9e15) {
		return json_integer((json_int_t)d);
	} else {
		return json_real(d);
	}
	return NULL;
}

static json_t *
check_date(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	const char *s = json_string_value(v);
	int64_t days;
	char out[11];

	if (!s || !form_date_parse(s, &days)) {
		issue(cx, path, fd, "forms.err.date");
	} else if (fd->has_min && days < cx->env->today + (int64_t)fd->min) {
		issue(cx, path, fd, "forms.err.date_min");
	} else if (fd->has_max && days > cx->env->today + (int64_t)fd->max) {
		issue(cx, path, fd, "forms.err.date_max");
	} else {
		form_date_format(days, out);
		return json_string(out);
	}
	return NULL;
}

static json_t *
check_choice(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	const char *s = json_string_value(v);

	for (size_t i = 0; s && i < fd->n_options; i++)
		if (strcmp(fd->options[i].value, s) == 0)
			return json_string(s);
	issue(cx, path, fd, "forms.err.option");
	return NULL;
}

static json_t *
check_options(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	json_t *out = json_array(), *it;
	size_t i;

	if (json_is_string(v)) {
		json_t *one = check_choice(cx, fd, v, path);

		if (one)
			json_array_append_new(out, one);
		else
			goto bad;
	} else if (json_is_array(v) && json_array_size(v) <= FORM_OPTIONS_MAX) {
		json_array_foreach(v, i, it)
		{
			json_t *one = check_choice(cx, fd, it, path);
			size_t j;
			json_t *have;
			bool dup = false;

			if (!one)
				goto bad;
			json_array_foreach(out, j, have) dup |= json_equal(have, one);
			if (dup)
				json_decref(one);
			else
				json_array_append_new(out, one);
		}
	} else {
		issue(cx, path, fd, "forms.err.option");
		goto bad;
	}
	if (fd->has_min && (double)json_array_size(out) < fd->min) {
		issue(cx, path, fd, "forms.err.few");
		goto bad;
	}
	if (fd->has_max && (double)json_array_size(out) > fd->max) {
		issue(cx, path, fd, "forms.err.many");
		goto bad;
	}
	return out;
bad:
	json_decref(out);
	return NULL;
}

static json_t *
check_scalar(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	const char *s = json_string_value(v);
	char buf[64];

	switch (fd->type) {
	case FT_EMAIL:
	case FT_PHONE:
		s = s ? clean_text(cx, s, false) : NULL;
		if (s && (fd->type == FT_EMAIL ? form_email_ok(s) : form_phone_ok(s)))
			return json_string(s);
		issue(cx, path, fd, fd->type == FT_EMAIL ? "forms.err.email" : "forms.err.phone");
		return NULL;
	case FT_IBAN:
		if (s && strlen(s) < 64 && form_iban_ok(s, buf, sizeof(buf)))
			return json_string(buf);
		issue(cx, path, fd, "forms.err.iban");
		return NULL;
	default:
		return check_choice(cx, fd, v, path);
	}
}

/* A box without options: true, or the ways browsers and people say yes. */
static int
checked(json_t *v)
{
	static const char *const yes[] = {"1", "on", "true", "ja", "yes", NULL};
	static const char *const no[] = {"0", "off", "false", "nein", "no", "", NULL};
	const char *s = json_string_value(v);

	if (json_is_boolean(v))
		return json_is_true(v);
	for (int i = 0; s && yes[i]; i++)
		if (strcmp(s, yes[i]) == 0)
			return 1;
	for (int i = 0; s && no[i]; i++)
		if (strcmp(s, no[i]) == 0)
			return 0;
	return -1;
}

static const char *
file_id(json_t *it)
{
	return json_is_object(it) ? json_string_value(json_object_get(it, "id"))
				  : json_string_value(it);
}

/* Upload ids (or {"id"} objects kept from an earlier step) as [{"id", "name"}]. */
static json_t *
check_file(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	double max = fd->has_max ? fmin(fd->max, FORM_FILES_MAX) : 1;
	json_t *out, *it;
	size_t i;

	if (!json_is_array(v)) {
		json_t *one = json_array();
		json_t *res;

		json_array_append(one, v);
		res = check_file(cx, fd, one, path);
		json_decref(one);
		return res;
	}
	if ((double)json_array_size(v) > max) {
		issue(cx, path, fd, "forms.err.many");
		return NULL;
	}
	out = json_array();
	json_array_foreach(v, i, it)
	{
		static const char *const msgs[] = {[ERR_NOTFOUND] = "forms.err.file",
						   [ERR_UNPROCESSABLE] = "forms.err.file_type",
						   [ERR_TOOBIG] = "forms.err.file_size"};
		const char *id = file_id(it);
		char name[FILES_NAME_BUF] = "";
		int rc = ERR_NOTFOUND;

		if (id && strlen(id) < 64)
			rc = cx->env->file_ok
				     ? cx->env->file_ok(cx->env->cls, fd, id, name, sizeof(name))
				     : 0;
		if (rc == ERR_NOTFOUND || rc == ERR_UNPROCESSABLE || rc == ERR_TOOBIG) {
			issue(cx, path, fd, msgs[rc]);
			json_decref(out);
			return NULL;
		}
		if (rc) {
			cx->fatal = rc;
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, json_pack("{s:s, s:s}", "id", id, "name", name));
	}
	return out;
}

static const char *
part(struct cctx *cx, json_t *v, const char *name)
{
	const char *s = json_string_value(json_object_get(v, name));

	return clean_text(cx, s ? s : "", false);
}

/* {"street", "postcode", "place"}: the place from the postal code when it is empty. */
static json_t *
check_address(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	const char *street, *plz, *place;
	char known[PLACE_MAX + 1] = "";
	int rc = 0;

	if (!json_is_object(v)) {
		issue(cx, path, fd, "forms.err.type");
		return NULL;
	}
	street = part(cx, v, "street");
	plz = part(cx, v, "postcode");
	place = part(cx, v, "place");
	if (!street || !street[0] || str_utf8_chars(street) > STREET_MAX)
		issue(cx, arena_printf(cx->a, "%s.street", path), fd, "forms.err.street");
	if (!plz || strlen(plz) != 5 || strspn(plz, "0123456789") != 5) {
		issue(cx, arena_printf(cx->a, "%s.postcode", path), fd, "forms.err.postcode");
		return NULL;
	}
	if (cx->env->place_of)
		rc = cx->env->place_of(cx->env->cls, plz, known, sizeof(known));
	if (rc == ERR_NOTFOUND) {
		issue(cx, arena_printf(cx->a, "%s.postcode", path), fd,
		      "forms.err.postcode_unknown");
		return NULL;
	}
	if (rc) {
		cx->fatal = rc;
		return NULL;
	}
	if (!place || !place[0])
		place = known;
	if (!place[0] || str_utf8_chars(place) > PLACE_MAX) {
		issue(cx, arena_printf(cx->a, "%s.place", path), fd, "forms.err.place");
		return NULL;
	}
	if (!street || !street[0] || str_utf8_chars(street) > STREET_MAX)
		return NULL;
	return json_pack("{s:s, s:s, s:s}", "street", street, "postcode", plz, "place", place);
}

static bool
is_empty(const struct form_field *fd, json_t *v)
{
	const char *s = json_string_value(v);

	if (!v || json_is_null(v))
		return true;
	if (s) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		return *s == '\0' && fd->type != FT_CHECKBOX;
	}
	if (fd->type == FT_CHECKBOX && !fd->n_options)
		return checked(v) == 0;
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (json_is_object(v) && fd->type == FT_ADDRESS) {
		const char *k;
		json_t *it;

		json_object_foreach(v, k, it)
		{
			const char *t = json_string_value(it);

			if (!t || strspn(t, " \t") < strlen(t))
				return false;
		}
		return true;
	}
	return false;
}

static void check_fields(struct cctx *cx, const struct form_field *v, size_t n, json_t *in,
			 json_t *out, const char *prefix);

static json_t *
check_group(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	double max = fd->has_max ? fmin(fd->max, FORM_GROUP_ENTRIES_MAX) : FORM_GROUP_ENTRIES_MAX;
	json_t *out, *it, *saved = cx->entry;
	size_t i, before = cx->c->n_issues;

	if (!json_is_array(v)) {
		issue(cx, path, fd, "forms.err.type");
		return NULL;
	}
	if ((double)json_array_size(v) > max) {
		issue(cx, path, fd, "forms.err.many");
		return NULL;
	}
	if (fd->has_min && (double)json_array_size(v) < fd->min) {
		issue(cx, path, fd, "forms.err.few");
		return NULL;
	}
	out = json_array();
	json_array_foreach(v, i, it)
	{
		json_t *entry = json_object();
		const char *p = arena_printf(cx->a, "%s[%zu].", path, i);

		if (!json_is_object(it)) {
			issue(cx, arena_printf(cx->a, "%s[%zu]", path, i), fd, "forms.err.type");
			json_decref(entry);
			continue;
		}
		cx->entry = entry;
		check_fields(cx, fd->fields, fd->n_fields, it, entry, p);
		json_array_append_new(out, entry);
	}
	cx->entry = saved;
	if (cx->c->n_issues > before) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static json_t *
check_value(struct cctx *cx, const struct form_field *fd, json_t *v, const char *path)
{
	int yes;

	switch (fd->type) {
	case FT_TEXT:
	case FT_TEXTAREA:
		return check_text(cx, fd, v, path);
	case FT_NUMBER:
		return check_number(cx, fd, v, path);
	case FT_DATE:
		return check_date(cx, fd, v, path);
	case FT_CHECKBOX:
		if (fd->n_options)
			return check_options(cx, fd, v, path);
		yes = checked(v);
		if (yes < 0)
			issue(cx, path, fd, "forms.err.checkbox");
		return yes < 0 ? NULL : json_boolean(yes);
	case FT_FILE:
		return check_file(cx, fd, v, path);
	case FT_ADDRESS:
		return check_address(cx, fd, v, path);
	case FT_GROUP:
		return check_group(cx, fd, v, path);
	default:
		return check_scalar(cx, fd, v, path);
	}
}

static void
check_fields(struct cctx *cx, const struct form_field *v, size_t n, json_t *in, json_t *out,
	     const char *prefix)
{
	for (size_t i = 0; i < n && !cx->fatal; i++) {
		const struct form_field *fd = &v[i];
		json_t *val = json_object_get(in, fd->key), *clean;
		const char *path = arena_printf(cx->a, "%s%s", prefix, fd->key);
		bool required;

		if (fd->visible_if && !holds(cx, fd->visible_if))
			continue;
		required = fd->required || (fd->required_if && holds(cx, fd->required_if));
		if (is_empty(fd, val)) {
			if (required)
				issue(cx, path, fd, "forms.err.required");
			continue;
		}
		clean = check_value(cx, fd, val, path);
		if (clean)
			json_object_set_new(out, fd->key, clean);
	}
}

int
form_check_answers(const struct form *f, json_t *answers, const struct form_env *env,
		   unsigned flags, size_t step, struct arena *a, struct form_check *c,
		   struct err *e)
{
	struct cctx cx = {env, a, c, flags, step, 0, NULL, NULL, 0, e};

	memset(c, 0, sizeof(*c));
	if (!json_is_object(answers))
		return err_set(e, ERR_INVALID, "forms.err.body", "answers are no JSON object");
	c->clean = cx.top = json_object();
	for (size_t s = 0; s < f->n_steps && !cx.fatal; s++) {
		cx.step = s;
		check_fields(&cx, f->steps[s].fields, f->steps[s].n_fields, answers, c->clean, "");
	}
	if (cx.fatal)
		return cx.fatal;
	if (c->n_issues)
		return err_set(e, ERR_UNPROCESSABLE, "forms.err.invalid", "%zu invalid answers",
			       c->n_issues);
	return 0;
}

void
form_check_release(struct form_check *c)
{
	json_decref(c->clean);
	c->clean = NULL;
}
