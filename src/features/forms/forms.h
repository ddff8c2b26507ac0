/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * forms: online applications of a tenant.  A form is a versioned JSON
 * definition (docs/forms.md, docs/forms.schema.json) of steps and fields
 * with conditions; citizens fill it in step by step in HTML or send all
 * answers at once to the API, and one validation decides for both.  A
 * submission becomes a case with a readable number per tenant
 * (LUE-2026-000123), made at most once per Idempotency-Key.
 *
 * The parsing side (form_def.c, form_expr.c, form_check.c) is pure and
 * fuzzed; it needs the database only through the callbacks of struct
 * form_env.  The storage side (form_store.c) reads and writes the form
 * tables; the routes (form_api.c, form_web*.c) know HTTP.
 */
#ifndef RATHAUS_FORMS_H
#define RATHAUS_FORMS_H

#include "core/arena.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

extern const struct feature forms_feature;

/* Limits of a definition and of the answers to it. */
#define FORM_DEF_MAX (256u * 1024) /* bytes of a definition */
#define FORM_STEPS_MAX 30
#define FORM_FIELDS_MAX 100	  /* per step or group */
#define FORM_OPTIONS_MAX 200	  /* per select, radio or checkbox */
#define FORM_KEY_MAX 64		  /* bytes of a field key or form id */
#define FORM_LABEL_MAX 500	  /* bytes of a title, label or option */
#define FORM_HINT_MAX 2000	  /* bytes of a hint or the consent text */
#define FORM_PATTERN_MAX 200	  /* bytes of a pattern */
#define FORM_GROUP_ENTRIES_MAX 50 /* entries of a repeating group */
#define FORM_FILES_MAX 10	  /* files of one file field */
#define FORM_EXPR_MAX 500	  /* bytes of a condition */
#define FORM_EXPR_DEPTH 16	  /* nesting of a condition */
#define FORM_ERRORS_MAX 50	  /* definition errors reported */

enum form_type {
	FT_TEXT,
	FT_TEXTAREA,
	FT_NUMBER,
	FT_DATE,
	FT_EMAIL,
	FT_PHONE,
	FT_IBAN,
	FT_SELECT,
	FT_RADIO,
	FT_CHECKBOX,
	FT_FILE,
	FT_ADDRESS,
	FT_GROUP,
};

struct form_expr; /* a parsed condition (form_expr.c) */

struct form_option {
	const char *value, *label;
};

struct form_field {
	const char *key; /* [a-z][a-z0-9_]*, unique in the form */
	enum form_type type;
	const char *label, *hint; /* hint "" if none */
	bool required;
	bool has_min, has_max;
	double min, max;     /* number: value; text: characters; date: days from today;
				checkbox with options, group, file: count */
	const char *pattern; /* POSIX extended regex over the whole value, or NULL */
	struct form_option *options;
	size_t n_options;
	struct form_expr *visible_if, *required_if; /* NULL: always / never */
	const char *const *accept;		    /* file: MIME types, NULL-terminated */
	int64_t max_bytes;			    /* file: per file */
	struct form_field *fields;		    /* group: child fields */
	size_t n_fields;
};

struct form_step {
	const char *title;
	struct form_field *fields;
	size_t n_fields;
};

struct form {
	const char *id; /* [a-z0-9-], unique per tenant */
	int64_t version;
	const char *title;
	const char *leika;   /* 14 digits or "" */
	const char *consent; /* privacy text the citizen agrees to, "" if none */
	int64_t retention_days;
	int64_t trust_level; /* 0: none; 1..4 eID levels (later: citizen accounts) */
	struct form_step *steps;
	size_t n_steps;
};

/* One problem of a definition: where (a JSON path such as $.steps[0].fields[2].type) and what. */
struct form_def_error {
	char path[160];
	char msg[160]; /* English, for staff and logs */
};

struct form_def_errors {
	struct form_def_error v[FORM_ERRORS_MAX];
	size_t n;
	bool more; /* some were left out */
};

/*
 * Parse and validate the definition `json` of `len` bytes against the rules
 * of docs/forms.schema.json plus what a schema cannot say (unique keys,
 * conditions that parse and name earlier fields, options of choices).
 * *out lives in arena `a`.  Returns 0, or ERR_UNPROCESSABLE with every
 * problem in `errs` (at most FORM_ERRORS_MAX), ERR_INVALID when `json` is
 * no JSON object, ERR_TOOBIG past FORM_DEF_MAX.
 */
int form_def_parse(const char *json, size_t len, struct arena *a, struct form **out,
		   struct form_def_errors *errs, struct err *e) MUST_CHECK;

/* Whether `s` is a form id: [a-z0-9][a-z0-9-]*, no trailing '-', at most FORM_KEY_MAX bytes. */
bool form_id_valid(const char *s);

/* The field `key` of `f` (also inside groups), or NULL.  Borrowed from `f`. */
const struct form_field *form_field_find(const struct form *f, const char *key);
/* "text", "group", ... */
const char *form_type_name(enum form_type t);

/* ---- Definitions as staff edit them (form_def_edit.c) --------------------- */

/*
 * The form editor shows a definition without the members the portal
 * manages itself (id, version) and those it has fields of their own for
 * (title, leika): its "body".  Composing puts them back.
 */

/* A copy of definition `def` without id, version, title and leika; the caller decrefs. */
json_t *form_def_body(json_t *def);

/* `o` as JSON text indented by two blanks, keys in their order, in arena `a`. */
const char *form_def_pretty(json_t *o, struct arena *a);

/*
 * Compose body `body` (JSON text of `len` bytes, an object) with id,
 * version, title and leika (members of the body with these names give way)
 * and validate the whole as form_def_parse() does; *json is its text
 * (form_def_pretty()) and *f the parsed form, both in `a`.  Returns as
 * form_def_parse(): problems of the body are reported with the paths they
 * have in it ("$.steps[0]...").
 */
int form_def_compose(const char *body, size_t len, const char *id, int64_t version,
		     const char *title, const char *leika, struct arena *a, const char **json,
		     struct form **f, struct form_def_errors *errs, struct err *e) MUST_CHECK;

/*
 * The three-way merge of an adopted form (docs/forms.md "Taking over a new
 * version"), member by member at the top level of three JSON objects: the
 * library version the copy was based on (`base`), the local copy (`ours`)
 * and the new library version (`theirs`).  A member changed on one side
 * only takes that side's value (absent: removed); changed alike on both it
 * is kept; changed differently it is a conflict and keeps the local value.
 */
struct form_merge {
	json_t *result;		/* the merged object; the caller decrefs */
	const char **conflicts; /* members changed differently on both sides */
	const char **taken;	/* members changed only in the new version, taken over */
	const char **kept;	/* members changed only locally, kept */
	size_t n_conflicts, n_taken, n_kept;
};

/*
 * Merge as above; the member names live in `a` (they are copied).  Returns
 * 0, or ERR_INVALID when one of the three is no object.
 */
int form_merge3(json_t *base, json_t *ours, json_t *theirs, struct arena *a,
		struct form_merge *m) MUST_CHECK;

/* ---- Conditions (form_expr.c) ------------------------------------------- */

/*
 * Parse a condition: comparisons (== != < <= > >=) of field keys, "strings",
 * numbers, true and false, joined by and, or, not and parentheses, at most
 * FORM_EXPR_MAX bytes and FORM_EXPR_DEPTH levels.  *out lives in `a`.
 * Returns 0 or ERR_INVALID with the position in e->detail.
 */
int form_expr_parse(const char *src, struct arena *a, struct form_expr **out,
		    struct err *e) MUST_CHECK;

/* The value of a key, or NULL when it has none; borrowed. */
typedef json_t *(*form_lookup)(const char *key, void *cls);

/* Whether `x` holds for the values `look` gives.  Never fails. */
bool form_expr_eval(const struct form_expr *x, form_lookup look, void *cls);

/* Call fn(key, cls) for every key `x` names; stops at the first non-zero result. */
int form_expr_keys(const struct form_expr *x, int (*fn)(const char *key, void *cls), void *cls);

/* ---- Answers (form_check.c) --------------------------------------------- */

/* What validation needs from outside: today, places of postal codes, uploaded files. */
struct form_env {
	int64_t today; /* days since 1970-01-01 */
	/*
	 * The place of postal code `plz` into out (cap bytes): 0, ERR_NOTFOUND
	 * for an unknown code, or another error.  NULL: every code is accepted.
	 */
	int (*place_of)(void *cls, const char *plz, char *out, size_t cap);
	/*
	 * Whether upload `id` exists and fits field `fd` (type, size); its
	 * display name into out.  0, ERR_NOTFOUND, ERR_UNPROCESSABLE (type),
	 * ERR_TOOBIG.  NULL: every well-formed id is accepted.
	 */
	int (*file_ok)(void *cls, const struct form_field *fd, const char *id, char *out,
		       size_t cap);
	void *cls;
};

/* One invalid answer: its path ("email", "members[1].name") and a catalogue key. */
struct form_issue {
	const char *key;   /* lives in the check's arena */
	const char *field; /* the field's key */
	const char *msg;   /* static catalogue key, e.g. "forms.err.required" */
	size_t step;	   /* index of the step of the field */
};

struct form_check {
	json_t *clean; /* the visible answers, normalised; the caller decrefs */
	struct form_issue *issues;
	size_t n_issues, cap;
};

enum form_check_flags {
	FORM_CHECK_ALL = 0,	  /* every step */
	FORM_CHECK_UPTO = 1 << 0, /* only issues of steps <= step */
};

/*
 * Check `answers` (an object of answers by key; others' types are refused)
 * against `f`: fields hidden by their visible_if are left out, the others
 * normalised into c->clean (trimmed text, numbers, ISO dates, compact
 * IBANs, places filled in).  With FORM_CHECK_UPTO only the issues of steps
 * up to `step` count.  Issues and keys live in `a`.  Returns 0 when there
 * is none, ERR_UNPROCESSABLE when there are, or another error of the env
 * callbacks in `e`.
 */
int form_check_answers(const struct form *f, json_t *answers, const struct form_env *env,
		       unsigned flags, size_t step, struct arena *a, struct form_check *c,
		       struct err *e) MUST_CHECK;
void form_check_release(struct form_check *c);

/* Field value checks, exposed for tests: each true when the text is valid. */
bool form_iban_ok(const char *s, char *compact, size_t cap);
bool form_email_ok(const char *s);
bool form_phone_ok(const char *s);
/* "2026-12-17" or "17.12.2026" as days since 1970-01-01; false when no real date. */
bool form_date_parse(const char *s, int64_t *days);
/* Days since 1970-01-01 as "YYYY-MM-DD" into out (11 bytes). */
void form_date_format(int64_t days, char out[11]);

/* ---- Storage (form_store.c) ---------------------------------------------- */

struct form_item {
	const char *id, *title, *leika;
	int64_t version;
};

/*
 * Validate and store definition `json` for tenant `t` as published.  The
 * same id and version with the same text changes nothing (*changed false);
 * with another text it is ERR_CONFLICT (raise the version).  Errors of the
 * definition as form_def_parse().
 */
int form_save(struct db *db, const struct tenant *t, const char *json, size_t len, int64_t now,
	      struct form_def_errors *errs, bool *changed, struct err *e) MUST_CHECK;

/* The published forms of `t` (newest version of each), by title.  In arena `a`. */
int form_list(struct db *db, const struct tenant *t, struct arena *a, struct form_item **out,
	      size_t *n, struct err *e) MUST_CHECK;

/*
 * The newest published version of form `id` of `t`: parsed into *f and
 * as stored text into *json (may be NULL), both in `a`.  Returns 0,
 * ERR_NOTFOUND or ERR_DB.
 */
int form_load(struct db *db, const struct tenant *t, const char *id, struct arena *a,
	      struct form **f, const char **json, struct err *e) MUST_CHECK;

/* Version `version` of form `id` of `t`, parsed into *f (in `a`): 0, ERR_NOTFOUND or ERR_DB. */
int form_load_version(struct db *db, const struct tenant *t, const char *id, int64_t version,
		      struct arena *a, struct form **f, struct err *e) MUST_CHECK;

/* A stored case. */
struct form_case {
	const char *case_no, *form_id;
	int64_t form_version;
	const char *answers; /* the clean answers as JSON text */
	int64_t created_at;  /* Unix seconds */
};

/* Case `case_no` of `t` into *out (strings in `a`): 0, ERR_NOTFOUND or ERR_DB. */
int form_case_load(struct db *db, const struct tenant *t, const char *case_no, struct arena *a,
		   struct form_case *out, struct err *e) MUST_CHECK;

/* The id of a published form of `t` for service `leika` into *id (in `a`); ERR_NOTFOUND. */
int form_for_service(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
		     const char **id, struct err *e) MUST_CHECK;

/* The case-number prefix of `t`: its setting, else from its slug ("luenen" -> "LUE"). */
void form_case_prefix(const struct tenant *t, char *out, size_t cap);

struct form_submission {
	const struct form *form;
	json_t *answers;	 /* the clean answers (borrowed) */
	const char *channel;	 /* "web" or "api" */
	const char *idem_key;	 /* NULL: no idempotency */
	const char *fingerprint; /* hash of the request, to spot a reused key */
	int64_t citizen_id;	 /* the account logged in; 0: none */
	int64_t now;
	/*
	 * Called inside the transaction once the case is written, with its
	 * number (the confirmation mail), or NULL.  An error rolls back.
	 */
	int (*with_case)(struct db *db, const char *case_no, void *cls, struct err *e);
	void *cls;
};

/*
 * Make a case of submission `s` in one transaction and put its number into
 * *case_no (in `a`).  With an idempotency key the first request makes the
 * case and every later one with the key gets its number with *replayed
 * true, also when they arrive at once on several instances.  Returns 0,
 * ERR_UNPROCESSABLE ("forms.err.idem_reuse") when the key came with another
 * request, or ERR_DB.
 */
int form_submit(struct db *db, const struct tenant *t, const struct form_submission *s,
		struct arena *a, const char **case_no, bool *replayed, struct err *e) MUST_CHECK;

#endif
