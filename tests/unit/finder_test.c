/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The responsibility finder's resolution (finder_resolve.c) against a table
 * of (service, place) -> expected authority cases, on the real register
 * (data/regions/gemeinden.csv and kreise.csv, read through the same
 * row parser as the import).  No database.
 *
 * Tenants: the demo's (Landkreis Lüneburg and its members, Lünen, Detmold,
 * Espelkamp, Amt Neustadt-Glewe and Stadt Neustadt-Glewe) and, for the
 * special cases, Land Berlin, Land Bremen, Stadt Bremerhaven and the
 * Heidekreis (which does the Gemeinde's work in the gemeindefreier Bezirk
 * Osterheide).  Each offers the services of its levels, as `rathaus demo`
 * lets them.  Rules: the demo's building permits of the towns that are
 * their own building authority, and hypothetical rules for a shared
 * office (marked below) that exercise the precedence of rules.
 */
#include "core/str.h"
#include "features/finder/finder.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define WOHNSITZ "99115005104000"   /* Wohnsitz anmelden: gemeinde */
#define PASS "99085001012000"	    /* Reisepass beantragen: gemeinde */
#define KFZ "99036008007000"	    /* Fahrzeug zulassen: kreis */
#define BAU "99012008001000"	    /* Baugenehmigung beantragen: kreis */
#define DENKMAL "99033001017000"    /* Denkmalförderung Bewilligung: land */
#define KINDERGELD "99041008000000" /* Kindergeld beantragen: bund */

static const struct {
	const char *leika, *level;
} services[] = {
	{WOHNSITZ, "gemeinde"}, {PASS, "gemeinde"}, {KFZ, "kreis"},
	{BAU, "kreis"},		{DENKMAL, "land"},  {KINDERGELD, "bund"},
};

struct fixture_tenant {
	const char *slug, *ars, *levels;
};

static const struct fixture_tenant tenants[] = {
	{"landkreis-lueneburg", "033550000000", "kreis,land,bund"},
	{"adendorf", "033550001001", "gemeinde,land,bund"},
	{"bleckede", "033550009009", "gemeinde,land,bund"},
	{"hansestadt-lueneburg", "033550022022", "gemeinde,land,bund"},
	{"amt-neuhaus", "033550049049", "gemeinde,land,bund"},
	{"samtgemeinde-amelinghausen", "033555401000", "gemeinde,land,bund"},
	{"samtgemeinde-bardowick", "033555402000", "gemeinde,land,bund"},
	{"samtgemeinde-dahlenburg", "033555403000", "gemeinde,land,bund"},
	{"samtgemeinde-gellersen", "033555404000", "gemeinde,land,bund"},
	{"samtgemeinde-ilmenau", "033555405000", "gemeinde,land,bund"},
	{"samtgemeinde-ostheide", "033555406000", "gemeinde,land,bund"},
	{"samtgemeinde-scharnebeck", "033555407000", "gemeinde,land,bund"},
	{"luenen", "059780024024", "gemeinde,land,bund"},
	{"detmold", "057660020020", "gemeinde,land,bund"},
	{"espelkamp", "057700008008", "gemeinde,land,bund"},
	{"amt-neustadt-glewe", "130765660000", "gemeinde,land,bund"},
	{"neustadt-glewe", "130765660105", "gemeinde,land,bund"},
	{"berlin", "110000000000", "gemeinde,kreis,land,bund"},
	{"land-bremen", "040000000000", "land"},
	{"bremerhaven", "040120000000", "gemeinde,kreis,bund"},
	{"heidekreis", "033580000000", "gemeinde,kreis"},
	{"no-ars", "", "gemeinde,kreis,land,bund"},
};
#define N_TENANTS (sizeof(tenants) / sizeof(tenants[0]))
#define ID(i) ((int64_t)(i) + 1)

/* Tenant index by slug; the test fails on a typo. */
static size_t
tenant_index(const char *slug)
{
	for (size_t i = 0; i < N_TENANTS; i++)
		if (strcmp(tenants[i].slug, slug) == 0)
			return i;
	fail_msg("unknown fixture tenant %s", slug);
	return 0;
}

struct fixture_rule {
	const char *area, *leika, *level, *tenant;
	int64_t tenant_id; /* overrides `tenant` when set: a tenant that no longer exists */
};

static const struct fixture_rule rules[] = {
	/* The demo: towns that are their own untere Bauaufsichtsbehörde. */
	{"033550022022", BAU, "", "hansestadt-lueneburg", 0},
	{"059780024024", BAU, "", "luenen", 0},
	{"057660020020", BAU, "", "detmold", 0},
	{"057700008008", BAU, "", "espelkamp", 0},
	/* Hypothetical: Tosterglope's citizens use Bleckede's Bürgerbüro for every
	 * municipal service, but passports stay with the Samtgemeinde. */
	{"033555403037", "", "gemeinde", "bleckede", 0},
	{"033555403037", PASS, "", "samtgemeinde-dahlenburg", 0},
	/* Hypothetical: the Land hands a service to the Landkreis, and the
	 * Hansestadt does it itself: the longer area wins. */
	{"03355", DENKMAL, "", "landkreis-lueneburg", 0},
	{"033550022022", DENKMAL, "", "hansestadt-lueneburg", 0},
	/* A rule for a tenant that is gone is ignored. */
	{"033550001001", WOHNSITZ, "", "", 999},
};

struct finder_case {
	const char *leika, *ars;
	const char *tenant; /* expected slug, "" for an authority elsewhere */
	enum finder_why why;
	const char *authority;	 /* expected area name when elsewhere, else NULL */
	enum finder_level level; /* the level the responsible area stands for */
};

#define W(x) FINDER_WHY_##x
#define L(x) FINDER_##x

static const struct finder_case cases[] = {
	/* Landkreis Lüneburg: verbandsfreie Gemeinden and the Landkreis. */
	{WOHNSITZ, "033550001001", "adendorf", W(LEVEL), NULL, L(GEMEINDE)},
	{PASS, "033550009009", "bleckede", W(LEVEL), NULL, L(GEMEINDE)},
	{WOHNSITZ, "033550022022", "hansestadt-lueneburg", W(LEVEL), NULL, L(GEMEINDE)},
	{PASS, "033550049049", "amt-neuhaus", W(LEVEL), NULL, L(GEMEINDE)},
	{KFZ, "033550022022", "landkreis-lueneburg", W(LEVEL), NULL, L(KREIS)},
	{KFZ, "033555402028", "landkreis-lueneburg", W(LEVEL), NULL, L(KREIS)},
	{BAU, "033550001001", "landkreis-lueneburg", W(LEVEL), NULL, L(KREIS)},
	{BAU, "033555405016", "landkreis-lueneburg", W(LEVEL), NULL, L(KREIS)},
	/* Samtgemeinde members: their Samtgemeinde's office. */
	{WOHNSITZ, "033555402028", "samtgemeinde-bardowick", W(VERBAND), NULL, L(VERBAND)},
	{PASS, "033555401008", "samtgemeinde-amelinghausen", W(VERBAND), NULL, L(VERBAND)},
	{WOHNSITZ, "033555403010", "samtgemeinde-dahlenburg", W(VERBAND), NULL, L(VERBAND)},
	{WOHNSITZ, "033555404031", "samtgemeinde-gellersen", W(VERBAND), NULL, L(VERBAND)},
	{PASS, "033555405016", "samtgemeinde-ilmenau", W(VERBAND), NULL, L(VERBAND)},
	{WOHNSITZ, "033555406026", "samtgemeinde-ostheide", W(VERBAND), NULL, L(VERBAND)},
	{WOHNSITZ, "033555407033", "samtgemeinde-scharnebeck", W(VERBAND), NULL, L(VERBAND)},
	/* A large town as its own building authority (rule by area). */
	{BAU, "033550022022", "hansestadt-lueneburg", W(RULE), NULL, L(GEMEINDE)},
	{BAU, "059780024024", "luenen", W(RULE), NULL, L(GEMEINDE)},
	{BAU, "057660020020", "detmold", W(RULE), NULL, L(GEMEINDE)},
	{BAU, "057700008008", "espelkamp", W(RULE), NULL, L(GEMEINDE)},
	/* NRW towns and their Kreise outside the installation. */
	{WOHNSITZ, "059780024024", "luenen", W(LEVEL), NULL, L(GEMEINDE)},
	{KFZ, "059780024024", "", W(ELSEWHERE), "Kreis Unna", L(KREIS)},
	{WOHNSITZ, "059780036036", "", W(ELSEWHERE), "Stadt Unna", L(GEMEINDE)},
	{BAU, "059780036036", "", W(ELSEWHERE), "Kreis Unna", L(KREIS)},
	{PASS, "057660020020", "detmold", W(LEVEL), NULL, L(GEMEINDE)},
	{KFZ, "057660020020", "", W(ELSEWHERE), "Kreis Lippe", L(KREIS)},
	{WOHNSITZ, "057700008008", "espelkamp", W(LEVEL), NULL, L(GEMEINDE)},
	{KFZ, "057700008008", "", W(ELSEWHERE), "Kreis Minden-Lübbecke", L(KREIS)},
	/* Kreisfreie Stadt without a tenant: the city for municipal and district work. */
	{WOHNSITZ, "057110000000", "", W(ELSEWHERE), "Stadt Bielefeld", L(GEMEINDE)},
	{KFZ, "057110000000", "", W(ELSEWHERE), "Stadt Bielefeld", L(KREIS)},
	/* Amt members, the member town with its own portal included. */
	{WOHNSITZ, "130765660105", "amt-neustadt-glewe", W(VERBAND), NULL, L(VERBAND)},
	{WOHNSITZ, "130765660017", "amt-neustadt-glewe", W(VERBAND), NULL, L(VERBAND)},
	{PASS, "130765660012", "amt-neustadt-glewe", W(VERBAND), NULL, L(VERBAND)},
	{KFZ, "130765660105", "", W(ELSEWHERE), "Landkreis Ludwigslust-Parchim", L(KREIS)},
	/* City states: Berlin (a tenant), Hamburg (none), Bremen and Bremerhaven. */
	{WOHNSITZ, "110000000000", "berlin", W(CITY_STATE), NULL, L(GEMEINDE)},
	{KFZ, "110000000000", "berlin", W(CITY_STATE), NULL, L(KREIS)},
	{DENKMAL, "110000000000", "berlin", W(CITY_STATE), NULL, L(LAND)},
	{WOHNSITZ, "020000000000", "", W(ELSEWHERE), "Freie und Hansestadt Hamburg", L(GEMEINDE)},
	{DENKMAL, "020000000000", "", W(ELSEWHERE), "Freie und Hansestadt Hamburg", L(LAND)},
	{KFZ, "040120000000", "bremerhaven", W(KREISFREI), NULL, L(KREIS)},
	{WOHNSITZ, "040120000000", "bremerhaven", W(LEVEL), NULL, L(GEMEINDE)},
	{DENKMAL, "040120000000", "land-bremen", W(LEVEL), NULL, L(LAND)},
	{DENKMAL, "040110000000", "land-bremen", W(LEVEL), NULL, L(LAND)},
	{KFZ, "040110000000", "", W(ELSEWHERE), "Stadt Bremen", L(KREIS)},
	/* Land and federal services: their authority, outside the installation. */
	{DENKMAL, "059780024024", "", W(ELSEWHERE), "Land Nordrhein-Westfalen", L(LAND)},
	{DENKMAL, "033580002002", "", W(ELSEWHERE), "Land Niedersachsen", L(LAND)},
	{KINDERGELD, "033550001001", "", W(ELSEWHERE), "Bundesverwaltung", L(BUND)},
	{KINDERGELD, "110000000000", "", W(ELSEWHERE), "Bundesverwaltung", L(BUND)},
	/* Shared office and the precedence of rules (hypothetical rules). */
	{WOHNSITZ, "033555403037", "bleckede", W(RULE), NULL, L(GEMEINDE)},
	{PASS, "033555403037", "samtgemeinde-dahlenburg", W(RULE), NULL, L(GEMEINDE)},
	{WOHNSITZ, "033555407033", "samtgemeinde-scharnebeck", W(VERBAND), NULL, L(VERBAND)},
	{DENKMAL, "033550009009", "landkreis-lueneburg", W(RULE), NULL, L(KREIS)},
	{DENKMAL, "033550022022", "hansestadt-lueneburg", W(RULE), NULL, L(GEMEINDE)},
	/* A gemeindefreier Bezirk: the Kreis does the Gemeinde's work (walk up). */
	{WOHNSITZ, "033589501501", "heidekreis", W(UP), NULL, L(KREIS)},
	{WOHNSITZ, "033580002002", "", W(ELSEWHERE), "Gemeinde Bispingen", L(GEMEINDE)},
	/* The area in no Kreis. */
	{WOHNSITZ, "070009999999", "", W(ELSEWHERE),
	 "Gemeinsames deutsch-luxemburgisches Hoheitsgebiet", L(GEMEINDE)},
};

/* The register, read once. */
static struct arena reg_arena;
static struct region *regions;
static size_t n_regions;

static int
load_register(void **state)
{
	const char *share = getenv("RATHAUS_SHARE_DIR");
	char path[1024];
	struct csvfile g, k;
	struct region_cols c;
	struct err e = {0};
	int ck, ct;

	(void)state;
	arena_init(&reg_arena);
	snprintf(path, sizeof(path), "%s/data/regions/gemeinden.csv", share ? share : ".");
	assert_int_equal(csvfile_load(arena_strdup(&reg_arena, path), &reg_arena, &g, &e), 0);
	snprintf(path, sizeof(path), "%s/data/regions/kreise.csv", share ? share : ".");
	assert_int_equal(csvfile_load(arena_strdup(&reg_arena, path), &reg_arena, &k, &e), 0);
	assert_int_equal(region_cols_find(&g, &c, &e), 0);
	ck = csvfile_col(&k, "kreis", &e);
	ct = csvfile_col(&k, "typ", &e);
	regions = arena_calloc(&reg_arena, g.nrows, sizeof(*regions));
	for (size_t r = 0; r < g.nrows; r++) {
		assert_int_equal(region_from_row(&g, r, &c, &reg_arena, &regions[r], &e), 0);
		for (size_t i = 0; i < k.nrows; i++)
			if (strcmp(csvfile_cell(&k, i, ck), regions[r].kreis) == 0) {
				int64_t typ = 0;

				assert_int_equal(
					str_to_int64(str_c(csvfile_cell(&k, i, ct)), 41, 45, &typ),
					0);
				regions[r].kreis_typ = (int)typ;
			}
	}
	n_regions = g.nrows;
	assert_int_equal(n_regions, 10981);
	return 0;
}

static int
free_register(void **state)
{
	(void)state;
	arena_release(&reg_arena);
	return 0;
}

static const struct region *
region_of(const char *ars)
{
	for (size_t i = 0; i < n_regions; i++)
		if (strcmp(regions[i].ars, ars) == 0)
			return &regions[i];
	fail_msg("ARS %s not in the register", ars);
	return NULL;
}

static const char *
level_of(const char *leika)
{
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (strcmp(services[i].leika, leika) == 0)
			return services[i].level;
	fail_msg("unknown fixture service %s", leika);
	return "";
}

static bool
offers(const char *levels, const char *level)
{
	const char *at = strstr(levels, level);
	size_t n = strlen(level);

	return at && (at[n] == ',' || at[n] == '\0');
}

/* Resolve one case as finder_answer() would: its rules, the tenants' offers. */
static void
resolve(const struct finder_case *c, struct arena *a, struct finder_result *out)
{
	struct finder_tenant *ts = arena_calloc(a, N_TENANTS, sizeof(*ts));
	struct finder_rule *rs = arena_calloc(a, sizeof(rules) / sizeof(rules[0]), sizeof(*rs));
	struct finder_input in = {.level = level_of(c->leika), .place = region_of(c->ars)};
	size_t nr = 0;

	for (size_t i = 0; i < N_TENANTS; i++)
		ts[i] = (struct finder_tenant){ID(i), tenants[i].ars,
					       offers(tenants[i].levels, in.level)};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct fixture_rule *r = &rules[i];

		if (strcmp(r->leika, c->leika) != 0 &&
		    !(r->leika[0] == '\0' && strcmp(r->level, in.level) == 0))
			continue;
		rs[nr++] = (struct finder_rule){
			r->area, r->tenant_id ? r->tenant_id : ID(tenant_index(r->tenant)),
			"",	 "",
			"",	 r->leika[0] != '\0'};
	}
	in.tenants = ts;
	in.n_tenants = N_TENANTS;
	in.rules = rs;
	in.n_rules = nr;
	finder_resolve(&in, a, out);
}

static void
test_case_table_resolves_every_special_case(void **state)
{
	size_t failed = 0;

	(void)state;
	assert_true(sizeof(cases) / sizeof(cases[0]) >= 40);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct finder_case *c = &cases[i];
		struct finder_result r;
		struct arena a;
		const char *got, *name;
		enum finder_level lv = c->level;

		arena_init(&a);
		resolve(c, &a, &r);
		got = r.tenant ? tenants[r.tenant->id - 1].slug : "";
		name = r.chain[r.area].name;
		if (strcmp(got, c->tenant) != 0 || r.why != c->why ||
		    !(r.chain[r.area].levels & (1u << lv)) ||
		    (c->authority && strcmp(name, c->authority) != 0)) {
			print_error("case %zu (%s at %s): got '%s' why %d area '%s' levels %#x; "
				    "want '%s' why %d area '%s' level %d\n",
				    i + 1, c->leika, c->ars, got, (int)r.why, name,
				    r.chain[r.area].levels, c->tenant, (int)c->why,
				    c->authority ? c->authority : "", (int)lv);
			failed++;
		}
		arena_release(&a);
	}
	assert_int_equal(failed, 0);
}

static void
test_chain_merges_levels_that_share_a_key(void **state)
{
	struct finder_area v[FINDER_N_LEVELS];
	struct arena a;
	size_t n;

	(void)state;
	arena_init(&a);
	/* Radbruch: Gemeinde, Samtgemeinde, Landkreis, Land, Bund (no RB in NI). */
	n = finder_chain(region_of("033555402028"), &a, v);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].name, "Gemeinde Radbruch");
	assert_string_equal(v[1].name, "Samtgemeinde Bardowick");
	assert_string_equal(v[1].ars, "033555402000");
	assert_string_equal(v[2].name, "Landkreis Lüneburg");
	assert_string_equal(v[3].name, "Land Niedersachsen");
	assert_string_equal(v[4].ars, "000000000000");
	/* Lünen: Regierungsbezirk Arnsberg between Kreis and Land. */
	n = finder_chain(region_of("059780024024"), &a, v);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].name, "Stadt Lünen");
	assert_string_equal(v[1].name, "Kreis Unna");
	assert_string_equal(v[2].name, "Regierungsbezirk Arnsberg");
	/* Berlin: Gemeinde, Kreis and Land are one area. */
	n = finder_chain(region_of("110000000000"), &a, v);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].levels,
			 (1u << FINDER_GEMEINDE) | (1u << FINDER_KREIS) | (1u << FINDER_LAND));
	assert_string_equal(v[0].name, "Land Berlin");
	arena_release(&a);
}

static void
test_fold_makes_umlauts_and_their_spellings_equal(void **state)
{
	char a[REGION_FOLD_MAX], b[REGION_FOLD_MAX], small[6];

	(void)state;
	region_fold("Lüneburg", a, sizeof(a));
	region_fold("  LUENEBURG ", b, sizeof(b));
	assert_string_equal(a, "lueneburg");
	assert_string_equal(b, a);
	region_fold("Neustadt-Glewe", a, sizeof(a));
	assert_string_equal(a, "neustadt glewe");
	region_fold("Groß Äßé\xe2\x80\x93x", a, sizeof(a));
	assert_string_equal(a, "gross aesse x");
	region_fold("Lüneburg", small, sizeof(small));
	assert_string_equal(small, "luene");
	region_fold("\xc3", a, sizeof(a)); /* a cut-off character */
	assert_string_equal(a, "");
}

static void
test_rows_with_inconsistent_keys_are_refused(void **state)
{
	struct csvfile t;
	struct region_cols c = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
	char *good[] = {
		"033550001001", "03355001",	 "Adendorf",  "64",
		"03",		"Niedersachsen", "033",	      "Statistische Region Lüneburg",
		"03355",	"Lüneburg",	 "033550001", "Adendorf",
		"50",		"10956",	 "21365"};
	char *row[15];
	long line = 2;
	struct region g;
	struct err e = {0};
	struct arena a;

	(void)state;
	arena_init(&a);
	t = (struct csvfile){
		.path = "t.csv", .ncols = 15, .cells = row, .lines = &line, .nrows = 1};
	memcpy(row, good, sizeof(row));
	assert_int_equal(region_from_row(&t, 0, &c, &a, &g, &e), 0);
	assert_string_equal(g.display_name, "Adendorf");
	assert_int_equal(g.population, 10956);
	row[1] = "03355002"; /* AGS of another Gemeinde */
	assert_int_equal(region_from_row(&t, 0, &c, &a, &g, &e), ERR_INVALID);
	assert_non_null(strstr(e.detail, "t.csv:2"));
	memcpy(row, good, sizeof(row));
	row[8] = "03354"; /* Kreis that is not the ARS's */
	assert_int_equal(region_from_row(&t, 0, &c, &a, &g, &e), ERR_INVALID);
	memcpy(row, good, sizeof(row));
	row[12] = "59"; /* no such Verband type */
	assert_int_equal(region_from_row(&t, 0, &c, &a, &g, &e), ERR_INVALID);
	memcpy(row, good, sizeof(row));
	row[14] = "2136"; /* short postal code */
	assert_int_equal(region_from_row(&t, 0, &c, &a, &g, &e), ERR_INVALID);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_table_resolves_every_special_case),
		cmocka_unit_test(test_chain_merges_levels_that_share_a_key),
		cmocka_unit_test(test_fold_makes_umlauts_and_their_spellings_equal),
		cmocka_unit_test(test_rows_with_inconsistent_keys_are_refused),
	};

	return cmocka_run_group_tests(tests, load_register, free_register);
}
