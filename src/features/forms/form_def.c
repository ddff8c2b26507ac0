/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Form definitions: the JSON of docs/forms.md checked against the rules of
 * docs/forms.schema.json (there is no JSON Schema validator for C in
 * Debian, so the rules are code here, mirrored by the schema file and kept
 * in step by tests) and turned into a struct form.  Every problem is
 * reported with its JSON path, not just the first one.
 */
#include "features/forms/forms.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FILE_MAX_BYTES (20 * 1024 * 1024)
#define RETENTION_MAX_DAYS 3650
#define TRUST_MAX 4

static const char *const TYPES[] = {
	[FT_TEXT] = "text",	    [FT_TEXTAREA] = "textarea", [FT_NUMBER] = "number",
	[FT_DATE] = "date",	    [FT_EMAIL] = "email",	[FT_PHONE] = "phone",
	[FT_IBAN] = "iban",	    [FT_SELECT] = "select",	[FT_RADIO] = "radio",
	[FT_CHECKBOX] = "checkbox", [FT_FILE] = "file",		[FT_ADDRESS] = "address",
	[FT_GROUP] = "group",
};
#define N_TYPES (sizeof(TYPES) / sizeof(TYPES[0]))

static const char *const FORM_PROPS[] = {"$schema",	"id",	       "version", "title",
					 "leika",	"steps",       "consent", "retention_days",
					 "trust_level", "description", NULL};
static const char *const STEP_PROPS[] = {"title", "fields", NULL};
static const char *const FIELD_PROPS[] = {
	"key",	   "type",	 "label",	"hint",	  "required", "options",   "min", "max",
	"pattern", "visible_if", "required_if", "fields", "accept",   "max_bytes", NULL};
static const char *const OPTION_PROPS[] = {"value", "label", NULL};

struct dctx {
	struct arena *a;
	struct form_def_errors *errs;
	const char **keys; /* every key so far, for uniqueness */
	size_t n_keys, cap_keys;
	const char **seen; /* keys a condition may name here: earlier fields */
	size_t n_seen, cap_seen;
};

const char *
form_type_name(enum form_type t)
{
	return (size_t)t < N_TYPES ? TYPES[t] : "?";
}

static void PRINTF_LIKE(3, 4) add(struct dctx *c, const char *path, const char *fmt, ...)
{
	struct form_def_error *d;
	va_list ap;

	if (c->errs->n >= FORM_ERRORS_MAX) {
		c->errs->more = true;
		return;
	}
	d = &c->errs->v[c->errs->n++];
	snprintf(d->path, sizeof(d->path), "%s", path);
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

static const char *
sub(struct dctx *c, const char *path, const char *name)
{
	return arena_printf(c->a, "%s.%s", path, name);
}

static const char *
idx(struct dctx *c, const char *path, const char *name, size_t i)
{
	return arena_printf(c->a, "%s.%s[%zu]", path, name, i);
}

static void
only_props(struct dctx *c, json_t *o, const char *path, const char *const *allowed)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v)
	{
		size_t i = 0;

		while (allowed[i] && strcmp(allowed[i], k) != 0)
			i++;
		if (!allowed[i])
			add(c, sub(c, path, k), "unknown property");
	}
}

/* A string member: its copy in the arena, "" when absent and optional, NULL on error. */
static const char *
str_prop(struct dctx *c, json_t *o, const char *path, const char *name, bool required, size_t max)
{
	json_t *v = json_object_get(o, name);
	const char *s;

	if (!v) {
		if (required)
			add(c, sub(c, path, name), "required");
		return required ? NULL : "";
	}
	if (!json_is_string(v)) {
		add(c, sub(c, path, name), "must be a string");
		return NULL;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || strlen(s) > max) {
		add(c, sub(c, path, name), "must be at most %zu bytes without NUL", max);
		return NULL;
	}
	if (required && !s[0]) {
		add(c, sub(c, path, name), "must not be empty");
		return NULL;
	}
	return arena_strdup(c->a, s);
}

static int64_t
int_prop(struct dctx *c, json_t *o, const char *path, const char *name, int64_t def, int64_t min,
	 int64_t max)
{
	json_t *v = json_object_get(o, name);
	int64_t n;

	if (!v)
		return def;
	if (!json_is_integer(v)) {
		add(c, sub(c, path, name), "must be an integer");
		return def;
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		add(c, sub(c, path, name), "must be from %lld to %lld", (long long)min,
		    (long long)max);
		return def;
	}
	return n;
}

static bool
key_ok(const char *s, bool dashes)
{
	size_t n = strlen(s);

	if (n == 0 || n > FORM_KEY_MAX ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (dashes && s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      (dashes ? ch == '-' : ch == '_')))
			return false;
	}
	return !dashes || s[n - 1] != '-';
}

bool
form_id_valid(const char *s)
{
	return key_ok(s, true);
}

static void
push(struct arena *a, const char ***v, size_t *n, size_t *cap, const char *s)
{
	*v = arena_grow(a, *v, *n, cap, sizeof(**v));
	(*v)[(*n)++] = s;
}

static bool
has(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

struct refcheck {
	struct dctx *c;
	const char *path;
};

static int
ref_ok(const char *key, void *cls)
{
	struct refcheck *r = cls;

	if (!has(r->c->seen, r->c->n_seen, key))
		add(r->c, r->path, "names \"%s\", which is no earlier field", key);
	return 0;
}

static struct form_expr *
cond_prop(struct dctx *c, json_t *o, const char *path, const char *name)
{
	const char *src = str_prop(c, o, path, name, false, FORM_EXPR_MAX);
	struct form_expr *x = NULL;
	struct refcheck r = {c, sub(c, path, name)};
	struct err e;

	if (!src || !src[0])
		return NULL;
	if (form_expr_parse(src, c->a, &x, &e)) {
		add(c, r.path, "condition: %s", e.detail);
		return NULL;
	}
	(void)form_expr_keys(x, ref_ok, &r);
	return x;
}

static void
parse_options(struct dctx *c, json_t *o, const char *path, struct form_field *fd)
{
	json_t *arr = json_object_get(o, "options"), *it;
	const char **vals = NULL;
	size_t i, nv = 0, cv = 0;

	if (!arr) {
		if (fd->type == FT_SELECT || fd->type == FT_RADIO)
			add(c, sub(c, path, "options"), "required for %s", TYPES[fd->type]);
		return;
	}
	if (fd->type != FT_SELECT && fd->type != FT_RADIO && fd->type != FT_CHECKBOX) {
		add(c, sub(c, path, "options"), "only for select, radio and checkbox");
		return;
	}
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > FORM_OPTIONS_MAX) {
		add(c, sub(c, path, "options"), "must be an array of 1 to %d options",
		    FORM_OPTIONS_MAX);
		return;
	}
	fd->options = arena_calloc(c->a, json_array_size(arr), sizeof(*fd->options));
	json_array_foreach(arr, i, it)
	{
		const char *p = idx(c, path, "options", i);
		struct form_option *op = &fd->options[fd->n_options];

		if (!json_is_object(it)) {
			add(c, p, "must be an object");
			continue;
		}
		only_props(c, it, p, OPTION_PROPS);
		op->value = str_prop(c, it, p, "value", true, FORM_LABEL_MAX);
		op->label = str_prop(c, it, p, "label", true, FORM_LABEL_MAX);
		if (!op->value || !op->label)
			continue;
		if (has(vals, nv, op->value))
			add(c, sub(c, p, "value"), "\"%s\" appears twice", op->value);
		push(c->a, &vals, &nv, &cv, op->value);
		fd->n_options++;
	}
}

static double
num_prop(struct dctx *c, json_t *o, const char *path, const char *name, bool *present)
{
	json_t *v = json_object_get(o, name);

	*present = false;
	if (!v)
		return 0;
	if (!json_is_number(v)) {
		add(c, sub(c, path, name), "must be a number");
		return 0;
	}
	*present = true;
	return json_number_value(v);
}

static void
parse_file_props(struct dctx *c, json_t *o, const char *path, struct form_field *fd)
{
	json_t *acc = json_object_get(o, "accept"), *it;
	const char **v = NULL;
	size_t i, n = 0, cap = 0;

	if (fd->type != FT_FILE) {
		if (acc || json_object_get(o, "max_bytes"))
			add(c, path, "accept and max_bytes are only for file fields");
		return;
	}
	fd->max_bytes = int_prop(c, o, path, "max_bytes", 5 * 1024 * 1024, 1, FILE_MAX_BYTES);
	if (!acc)
		return;
	if (!json_is_array(acc) || json_array_size(acc) == 0 || json_array_size(acc) > 10) {
		add(c, sub(c, path, "accept"), "must be an array of 1 to 10 MIME types");
		return;
	}
	json_array_foreach(acc, i, it)
	{
		const char *s = json_string_value(it);

		if (!s || !strchr(s, '/') || strlen(s) > 100)
			add(c, idx(c, path, "accept", i),
			    "must be a MIME type such as application/pdf");
		else
			push(c->a, &v, &n, &cap, arena_strdup(c->a, s));
	}
	push(c->a, &v, &n, &cap, NULL);
	fd->accept = v;
}

static void parse_fields(struct dctx *c, json_t *arr, const char *path, bool in_group,
			 struct form_field **out, size_t *n);

static void
parse_pattern(struct dctx *c, json_t *o, const char *path, struct form_field *fd)
{
	regex_t re;

	fd->pattern = str_prop(c, o, path, "pattern", false, FORM_PATTERN_MAX);
	if (!fd->pattern || !fd->pattern[0]) {
		fd->pattern = NULL;
		return;
	}
	if (fd->type != FT_TEXT && fd->type != FT_TEXTAREA) {
		add(c, sub(c, path, "pattern"), "only for text and textarea");
		return;
	}
	if (regcomp(&re, fd->pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		add(c, sub(c, path, "pattern"), "not a POSIX extended regular expression");
		fd->pattern = NULL;
		return;
	}
	regfree(&re);
}

static enum form_type
type_prop(struct dctx *c, json_t *o, const char *path, bool in_group, bool *ok)
{
	const char *t = str_prop(c, o, path, "type", true, 20);

	*ok = false;
	for (size_t i = 0; t && i < N_TYPES; i++) {
		if (strcmp(TYPES[i], t) == 0) {
			*ok = !(in_group && i == FT_GROUP);
			if (!*ok)
				add(c, sub(c, path, "type"), "groups do not nest");
			return (enum form_type)i;
		}
	}
	if (t)
		add(c, sub(c, path, "type"), "unknown type \"%s\"", t);
	return FT_TEXT;
}

static void
parse_field(struct dctx *c, json_t *o, const char *path, bool in_group, struct form_field *fd)
{
	json_t *children = json_object_get(o, "fields");
	bool ok;

	only_props(c, o, path, FIELD_PROPS);
	fd->key = str_prop(c, o, path, "key", true, FORM_KEY_MAX);
	if (fd->key && !key_ok(fd->key, false))
		add(c, sub(c, path, "key"), "must match [a-z][a-z0-9_]* (at most %d)",
		    FORM_KEY_MAX);
	else if (fd->key && has(c->keys, c->n_keys, fd->key))
		add(c, sub(c, path, "key"), "\"%s\" appears twice", fd->key);
	fd->type = type_prop(c, o, path, in_group, &ok);
	fd->label = str_prop(c, o, path, "label", true, FORM_LABEL_MAX);
	fd->hint = str_prop(c, o, path, "hint", false, FORM_HINT_MAX);
	if (json_object_get(o, "required") && !json_is_boolean(json_object_get(o, "required")))
		add(c, sub(c, path, "required"), "must be true or false");
	fd->required = json_is_true(json_object_get(o, "required"));
	fd->min = num_prop(c, o, path, "min", &fd->has_min);
	fd->max = num_prop(c, o, path, "max", &fd->has_max);
	if (fd->has_min && fd->has_max && fd->min > fd->max)
		add(c, sub(c, path, "min"), "must not be greater than max");
	parse_pattern(c, o, path, fd);
	fd->visible_if = cond_prop(c, o, path, "visible_if");
	fd->required_if = cond_prop(c, o, path, "required_if");
	if (!ok)
		return;
	parse_options(c, o, path, fd);
	parse_file_props(c, o, path, fd);
	if (fd->type == FT_GROUP) {
		/* Children are unique among themselves and seen only inside their entry. */
		size_t mark = c->n_seen, n_keys = c->n_keys, cap_keys = c->cap_keys;
		const char **keys = c->keys;

		c->keys = NULL;
		c->n_keys = c->cap_keys = 0;
		if (!children)
			add(c, sub(c, path, "fields"), "required for a group");
		else
			parse_fields(c, children, path, true, &fd->fields, &fd->n_fields);
		c->n_seen = mark;
		c->keys = keys;
		c->n_keys = n_keys;
		c->cap_keys = cap_keys;
	} else if (children) {
		add(c, sub(c, path, "fields"), "only for groups");
	}
}

static void
parse_fields(struct dctx *c, json_t *arr, const char *path, bool in_group, struct form_field **out,
	     size_t *n)
{
	json_t *it;
	size_t i;

	*n = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > FORM_FIELDS_MAX) {
		add(c, sub(c, path, "fields"), "must be an array of 1 to %d fields",
		    FORM_FIELDS_MAX);
		return;
	}
	*out = arena_calloc(c->a, json_array_size(arr), sizeof(**out));
	json_array_foreach(arr, i, it)
	{
		const char *p = idx(c, path, "fields", i);
		struct form_field *fd = &(*out)[*n];

		if (!json_is_object(it)) {
			add(c, p, "must be an object");
			continue;
		}
		parse_field(c, it, p, in_group, fd);
		if (!fd->key || !fd->label)
			continue;
		push(c->a, &c->keys, &c->n_keys, &c->cap_keys, fd->key);
		push(c->a, &c->seen, &c->n_seen, &c->cap_seen, fd->key);
		(*n)++;
	}
}

static void
parse_steps(struct dctx *c, json_t *doc, struct form *f)
{
	json_t *arr = json_object_get(doc, "steps"), *it;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > FORM_STEPS_MAX) {
		add(c, "$.steps", "must be an array of 1 to %d steps", FORM_STEPS_MAX);
		return;
	}
	f->steps = arena_calloc(c->a, json_array_size(arr), sizeof(*f->steps));
	json_array_foreach(arr, i, it)
	{
		const char *p = idx(c, "$", "steps", i);
		struct form_step *st = &f->steps[f->n_steps++];

		if (!json_is_object(it)) {
			add(c, p, "must be an object");
			continue;
		}
		only_props(c, it, p, STEP_PROPS);
		st->title = str_prop(c, it, p, "title", true, FORM_LABEL_MAX);
		parse_fields(c, json_object_get(it, "fields"), p, false, &st->fields,
			     &st->n_fields);
	}
}

static void
parse_head(struct dctx *c, json_t *doc, struct form *f)
{
	only_props(c, doc, "$", FORM_PROPS);
	f->id = str_prop(c, doc, "$", "id", true, FORM_KEY_MAX);
	if (f->id && !key_ok(f->id, true))
		add(c, "$.id", "must match [a-z0-9][a-z0-9-]* (at most %d)", FORM_KEY_MAX);
	if (!json_is_integer(json_object_get(doc, "version")))
		add(c, "$.version", "required, an integer from 1");
	f->version = int_prop(c, doc, "$", "version", 1, 1, 1000000);
	f->title = str_prop(c, doc, "$", "title", true, FORM_LABEL_MAX);
	f->leika = str_prop(c, doc, "$", "leika", false, 14);
	if (f->leika && f->leika[0] &&
	    (strlen(f->leika) != 14 || strspn(f->leika, "0123456789") != 14))
		add(c, "$.leika", "must be a LeiKa key of 14 digits");
	f->consent = str_prop(c, doc, "$", "consent", false, FORM_HINT_MAX);
	f->retention_days = int_prop(c, doc, "$", "retention_days", 0, 1, RETENTION_MAX_DAYS);
	f->trust_level = int_prop(c, doc, "$", "trust_level", 0, 0, TRUST_MAX);
}

int
form_def_parse(const char *json, size_t len, struct arena *a, struct form **out,
	       struct form_def_errors *errs, struct err *e)
{
	struct dctx c = {.a = a, .errs = errs};
	struct form *f;
	json_error_t je;
	json_t *doc;

	errs->n = 0;
	errs->more = false;
	if (len > FORM_DEF_MAX)
		return err_set(e, ERR_TOOBIG, "forms.err.def_size", "definition of %zu bytes", len);
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(doc)) {
		if (doc)
			add(&c, "$", "must be an object");
		else
			add(&c, "$", "line %d column %d: %.100s", je.line, je.column, je.text);
		json_decref(doc);
		return err_set(e, ERR_INVALID, "forms.err.def_json",
			       "definition is no JSON object");
	}
	f = arena_calloc(a, 1, sizeof(*f));
	parse_head(&c, doc, f);
	parse_steps(&c, doc, f);
	json_decref(doc);
	if (errs->n)
		return err_set(e, ERR_UNPROCESSABLE, "forms.err.def", "%s: %s", errs->v[0].path,
			       errs->v[0].msg);
	*out = f;
	return 0;
}

static const struct form_field *
find_in(const struct form_field *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
		if (v[i].type == FT_GROUP) {
			const struct form_field *g = find_in(v[i].fields, v[i].n_fields, key);

			if (g)
				return g;
		}
	}
	return NULL;
}

const struct form_field *
form_field_find(const struct form *f, const char *key)
{
	for (size_t s = 0; s < f->n_steps; s++) {
		const struct form_field *fd =
			find_in(f->steps[s].fields, f->steps[s].n_fields, key);

		if (fd)
			return fd;
	}
	return NULL;
}
