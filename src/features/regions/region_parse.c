/* SPDX-License-Identifier: EUPL-1.2 */
/* Pure parts of the regions: keys, folding names for search, rows of the register. */
#include "features/regions/region.h"

#include "core/str.h"

#include <string.h>

bool
region_digits(const char *s, size_t n)
{
	size_t i = 0;

	if (!s)
		return false;
	for (; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return i == n;
}

bool
region_ars_valid(const char *s)
{
	return region_digits(s, REGION_ARS_LEN);
}

/* The ASCII letters for the Latin-1 letter with code `c` (0xC0..0xFF), or NULL. */
static const char *
latin1_fold(unsigned c)
{
	static const char *const map[64] = {
		"a", "a", "a",	"a",  "ae", "a",  "ae", "c", "e",  "e",	 "e",  "e", "i",
		"i", "i", "i",	"d",  "n",  "o",  "o",	"o", "o",  "oe", NULL, "o", "u",
		"u", "u", "ue", "y",  NULL, "ss", "a",	"a", "a",  "a",	 "ae", "a", "ae",
		"c", "e", "e",	"e",  "e",  "i",  "i",	"i", "i",  "d",	 "n",  "o", "o",
		"o", "o", "oe", NULL, "o",  "u",  "u",	"u", "ue", "y",	 NULL, "y",
	};

	return c >= 0xC0 && c <= 0xFF ? map[c - 0xC0] : NULL;
}

void
region_fold(const char *in, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0;
	bool space = false;

	if (cap == 0)
		return;
	while (*p) {
		const char *add = NULL;
		char one[2] = {0, 0};

		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			one[0] = (char)*p++;
			add = one;
		} else if (*p >= 'A' && *p <= 'Z') {
			one[0] = (char)(*p++ - 'A' + 'a');
			add = one;
		} else if ((*p == 0xC3) && p[1] >= 0x80 && p[1] <= 0xBF) {
			add = latin1_fold(0xC0u + (p[1] - 0x80u));
			p += 2;
		} else {
			p++;
			while (*p >= 0x80 && *p <= 0xBF)
				p++; /* the rest of a character we do not fold */
		}
		if (!add) {
			space = n > 0;
			continue;
		}
		if (space && n + 1 < cap)
			out[n++] = ' ';
		space = false;
		for (; *add && n + 1 < cap; add++)
			out[n++] = *add;
	}
	out[n] = '\0';
}

const char *
region_display_name(struct arena *a, const char *official)
{
	const char *comma = strstr(official, ", ");

	return comma ? arena_strndup(a, official, (size_t)(comma - official))
		     : arena_strdup(a, official);
}

int
region_cols_find(const struct csvfile *t, struct region_cols *c, struct err *e)
{
	struct {
		int *at;
		const char *name;
	} cols[] = {
		{&c->ars, "ars"},
		{&c->ags, "ags"},
		{&c->name, "name"},
		{&c->typ, "typ"},
		{&c->land, "land"},
		{&c->land_name, "land_name"},
		{&c->rb, "rb"},
		{&c->rb_name, "rb_name"},
		{&c->kreis, "kreis"},
		{&c->kreis_name, "kreis_name"},
		{&c->verband, "verband"},
		{&c->verband_name, "verband_name"},
		{&c->verband_typ, "verband_typ"},
		{&c->einwohner, "einwohner"},
		{&c->plz, "plz"},
	};

	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if ((*cols[i].at = csvfile_col(t, cols[i].name, e)) < 0)
			return ERR_INVALID;
	return 0;
}

/* Whether key `k` is `len` digits and the first `len` digits of `ars`. */
static bool
key_of(const char *k, size_t len, const char *ars)
{
	return region_digits(k, len) && strncmp(k, ars, len) == 0;
}

static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 200 && str_valid_text(str_c(s));
}

int
region_from_row(const struct csvfile *t, size_t row, const struct region_cols *c, struct arena *a,
		struct region *out, struct err *e)
{
	const char *typ = csvfile_cell(t, row, c->typ);
	const char *vtyp = csvfile_cell(t, row, c->verband_typ);
	int64_t ntyp = 0, nvtyp = 0, pop = 0;
	const char *bad = NULL;

	memset(out, 0, sizeof(*out));
	out->ars = csvfile_cell(t, row, c->ars);
	out->ags = csvfile_cell(t, row, c->ags);
	out->name = csvfile_cell(t, row, c->name);
	out->land = csvfile_cell(t, row, c->land);
	out->land_name = csvfile_cell(t, row, c->land_name);
	out->rb = csvfile_cell(t, row, c->rb);
	out->rb_name = csvfile_cell(t, row, c->rb_name);
	out->kreis = csvfile_cell(t, row, c->kreis);
	out->kreis_name = csvfile_cell(t, row, c->kreis_name);
	out->verband = csvfile_cell(t, row, c->verband);
	out->verband_name = csvfile_cell(t, row, c->verband_name);
	out->plz = csvfile_cell(t, row, c->plz);
	if (!region_ars_valid(out->ars))
		bad = "ars is not 12 digits";
	else if (!region_digits(out->ags, 8) || strncmp(out->ags, out->ars, 5) != 0 ||
		 strcmp(out->ags + 5, out->ars + 9) != 0)
		bad = "ags does not match the ars";
	else if (!key_of(out->land, 2, out->ars) || !key_of(out->kreis, 5, out->ars) ||
		 !key_of(out->verband, 9, out->ars))
		bad = "land, kreis or verband does not match the ars";
	else if (out->rb[0] && !key_of(out->rb, 3, out->ars))
		bad = "rb does not match the ars";
	else if (!name_ok(out->name) || !name_ok(out->land_name) || !name_ok(out->verband_name) ||
		 (out->kreis_name[0] && !name_ok(out->kreis_name)) ||
		 (out->rb_name[0] && !name_ok(out->rb_name)))
		bad = "a name is missing, too long or not text";
	else if (str_to_int64(str_c(typ), 60, 67, &ntyp) ||
		 str_to_int64(str_c(vtyp), 50, 58, &nvtyp))
		bad = "typ or verband_typ out of range";
	else if (str_to_int64(str_c(csvfile_cell(t, row, c->einwohner)), 0, 100000000, &pop))
		bad = "einwohner is not a number";
	else if (out->plz[0] && !region_digits(out->plz, 5))
		bad = "plz is not 5 digits";
	if (bad)
		return err_set(e, ERR_INVALID, NULL, "%s:%ld: %s", t->path, t->lines[row], bad);
	out->typ = (int)ntyp;
	out->verband_typ = (int)nvtyp;
	out->population = pop;
	out->display_name = region_display_name(a, out->name);
	return 0;
}
