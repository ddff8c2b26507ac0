/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The responsibility knowledge base: the shipped data/responsibility/ files
 * import with a source on every row, a malformed set is refused whole, and
 * the resolution applies the precedence (a tenant's own entry, then the
 * most specific rule, then the level's default), named Land and federal
 * authorities, towns that do a Kreis task, and "unknown" where the rule is
 * not sure.  The authorities' names as the register gives them.
 */
#include "db/db.h"
#include "features/finder/finder.h"
#include "scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void
test_the_shipped_rules_import_with_sources(void **state)
{
	struct scratch_fixture *f = *state;
	struct finder_kb_stats st;
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/data/responsibility", getenv("RATHAUS_SHARE_DIR"));
	ASSERT_OK(&f->e, finder_kb_import(f->s.db, dir, &st, &f->e));
	assert_true(st.rules >= 100);
	assert_true(st.authorities >= 20);
	assert_true(st.towns >= 100);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM responsibility_rule"),
			 st.rules);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM responsibility_rule "
						"WHERE source = ''"),
			 0);
	/* Every named authority exists, and every Land has rules of its own. */
	assert_int_equal(scratch_int64(f->s.db,
				       "SELECT count(*) FROM responsibility_rule r WHERE "
				       "r.authority <> '' AND NOT EXISTS (SELECT 1 FROM authority "
				       "a WHERE a.key = r.authority)"),
			 0);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(DISTINCT substr(land, 1, 2)) FROM "
						"responsibility_rule WHERE land <> ''"),
			 16);
	/* A second import replaces the first. */
	ASSERT_OK(&f->e, finder_kb_import(f->s.db, dir, &st, &f->e));
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM responsibility_rule"),
			 st.rules);
}

static const char authorities[] = "key,name,street,postal_code,city,web,online_url,source,checked\n"
				  "fk,Familienkasse,,,,https://example.org,,§ 72 EStG,2026-12-03\n";
static const char towns[] = "ars,name,task,note,source,checked\n"
			    "033550022022,Lüneburg,bau,,§ 57 NBauO,2026-12-03\n"
			    "033555402,Bardowick,wohngeld,,§ 24 WoGG,2026-12-03\n";
static const char head[] =
	"service,leika,land,level,authority,town_task,certain,note,online_url,source,checked\n";

/* Write the three files to a new directory with `rule` as the only rule. */
static const char *
rule_set(const char *rule)
{
	const char *dir = scratch_subdir();
	char path[1024], text[2048];

	snprintf(path, sizeof(path), "%s/authorities.csv", dir);
	scratch_write(path, authorities);
	snprintf(path, sizeof(path), "%s/towns.csv", dir);
	scratch_write(path, towns);
	snprintf(path, sizeof(path), "%s/rules.csv", dir);
	snprintf(text, sizeof(text), "%s%s\n", head, rule);
	scratch_write(path, text);
	return dir;
}

static void
test_a_malformed_rule_set_is_refused_whole(void **state)
{
	static const struct {
		const char *rule, *why;
	} bad[] = {
		{"Kindergeld,99041008,,bund,fk,,yes,,,,2026-12-03", "needs a source"},
		{"Kindergeld,99041008,,bund,fk,,yes,,,§ 72 EStG,", "date"},
		{"Kindergeld,9904100,,bund,fk,,yes,,,§ 72 EStG,2026-12-03", "5, 8, 11 or 14"},
		{"Kindergeld,99041008,17,bund,fk,,yes,,,§ 72 EStG,2026-12-03", "01 to 16"},
		{"Kindergeld,99041008,0335,bund,fk,,yes,,,§ 72 EStG,2026-12-03", "Kreis"},
		{"Kindergeld,99041008,171,bund,fk,,yes,,,§ 72 EStG,2026-12-03", "01 to 16"},
		{"Kindergeld,99041008,,amt,,,yes,,,§ 72 EStG,2026-12-03", "level"},
		{"Kindergeld,99041008,,bund,nope,,yes,,,§ 72 EStG,2026-12-03", "authorities.csv"},
		{"Kindergeld,99041008,,kreis,fk,,yes,,,§ 72 EStG,2026-12-03", "land or bund"},
		{"Kindergeld,99041008,,bund,fk,,maybe,,,§ 72 EStG,2026-12-03", "yes or no"},
	};
	struct scratch_fixture *f = *state;
	struct finder_kb_stats st;

	ASSERT_OK(&f->e,
		  finder_kb_import(
			  f->s.db,
			  rule_set("Kindergeld,99041008,,bund,fk,,yes,,,§ 72 EStG,2026-12-03"), &st,
			  &f->e));
	assert_int_equal(st.rules, 1);
	/* A Regierungsbezirk's (3 digits) or a Kreis's (5) own rule. */
	ASSERT_OK(&f->e,
		  finder_kb_import(
			  f->s.db,
			  rule_set("Kindergeld,99041008,03355,bund,fk,,yes,,,§ 72 EStG,2026-12-03"),
			  &st, &f->e));
	ASSERT_OK(&f->e,
		  finder_kb_import(
			  f->s.db,
			  rule_set("Kindergeld,99041008,033,bund,fk,,yes,,,§ 72 EStG,2026-12-03"),
			  &st, &f->e));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = finder_kb_import(f->s.db, rule_set(bad[i].rule), &st, &f->e);

		if (rc != ERR_INVALID || !strstr(f->e.detail, bad[i].why) ||
		    !strstr(f->e.detail, "rules.csv:2"))
			print_error("case %zu: rc %d, %s\n", i, rc, f->e.detail);
		assert_int_equal(rc, ERR_INVALID);
		assert_non_null(strstr(f->e.detail, bad[i].why));
		err_clear(&f->e);
	}
	/* The good set stays as it was. */
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM responsibility_rule"), 1);
	/* A Gemeinde by its 12 digits, a Gemeindeverband by its 9. */
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM responsibility_town"), 2);
}

/* ---- Resolution with rules (no database) ------------------------------ */

static const struct region lueneburg = {
	.ars = "033550022022",
	.name = "Lüneburg, Hansestadt",
	.typ = 63,
	.land = "03",
	.land_name = "Niedersachsen",
	.rb = "",
	.rb_name = "",
	.kreis = "03355",
	.kreis_name = "Lüneburg",
	.kreis_typ = 44,
	.verband = "033550022",
	.verband_name = "Lüneburg, Hansestadt",
	.verband_typ = 50,
};

static const struct region radbruch = {
	.ars = "033555402028",
	.name = "Radbruch",
	.typ = 64,
	.land = "03",
	.land_name = "Niedersachsen",
	.rb = "",
	.rb_name = "",
	.kreis = "03355",
	.kreis_name = "Lüneburg",
	.kreis_typ = 44,
	.verband = "033555402",
	.verband_name = "Bardowick",
	.verband_typ = 52,
};

static const struct finder_authority ls = {"ls-ni", "Landesamt", "", "", "Hildesheim", "", ""};
static const struct finder_authority drv_ni = {
	"drv-bh", "DRV Braunschweig-Hannover", "", "", "Laatzen", "", ""};
static const struct finder_authority drv_ob = {
	"drv-ob", "DRV Oldenburg-Bremen", "", "", "Oldenburg", "", ""};
static const struct finder_authority drv_lg = {"drv-lg", "DRV Kreis", "", "", "Lüneburg", "", ""};
static const struct finder_authority kbs = {"kbs", "Knappschaft", "", "", "Bochum", "", ""};

/* Generic: the Kreis; Niedersachsen: the Landesamt; a longer key: the Gemeinde, unsure. */
static const struct finder_kb_rule kb[] = {
	{"99015", "", "kreis", "", "", "", "src", NULL, true},
	{"99015007", "03", "land", "", "", "", "src", &ls, true},
	{"99015007", "", "kreis", "", "", "", "src", NULL, true},
	{"99015013012", "", "gemeinde", "", "", "Nicht sicher.", "src", NULL, false},
	{"99012008", "03", "kreis", "bau", "", "", "src", NULL, true},
	/* By area: the Land, a Regierungsbezirk (033), a Kreis (03355); a longer key beats all. */
	{"99114", "03", "land", "", "", "", "src", &drv_ob, true},
	{"99114", "033", "land", "", "", "", "src", &drv_ni, true},
	{"99114", "03355", "land", "", "", "", "src", &drv_lg, true},
	{"99114", "03455", "land", "", "", "", "src", &drv_lg, true},
	{"99114014", "", "bund", "", "", "", "src", &kbs, true},
	/* A named authority the rule is not sure of for every place. */
	{"99114015", "", "land", "", "", "Oder ein anderer Träger.", "src", &drv_ob, false},
};

static const struct finder_tenant tenants[] = {
	{1, "033550000000", true}, /* Landkreis Lüneburg */
	{2, "033550022022", true}, /* Hansestadt Lüneburg */
	{3, "033555402000", true}, /* Samtgemeinde Bardowick */
};

static void
resolve(const struct region *g, const char *leika, const char *level,
	const struct finder_rule *rule, const char *task, struct arena *a, struct finder_result *r)
{
	const char *tasks[] = {task};
	struct finder_input in = {
		.level = level,
		.leika = leika,
		.place = g,
		.tenants = tenants,
		.n_tenants = 3,
		.rules = rule,
		.n_rules = rule ? 1 : 0,
		.kb = kb,
		.n_kb = sizeof(kb) / sizeof(kb[0]),
		.town_tasks = tasks,
		.n_town_tasks = task ? 1 : 0,
	};

	finder_resolve(&in, a, r);
}

static void
test_precedence_of_entries_rules_and_levels(void **state)
{
	static const struct finder_rule own = {"03355", 1, "", "", "", true};
	struct finder_result r;
	struct arena a;

	(void)state;
	arena_init(&a);
	/* The Land's own rule beats the one for every Land: a named authority. */
	resolve(&radbruch, "99015007012000", "gemeinde", NULL, NULL, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_AUTHORITY);
	assert_string_equal(r.authority->name, "Landesamt");
	assert_null(r.tenant);
	assert_true(r.chain[r.area].levels & (1u << FINDER_LAND));
	/* The tenant's own entry beats every rule. */
	resolve(&radbruch, "99015007012000", "gemeinde", &own, NULL, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_RULE);
	assert_int_equal(r.tenant->id, 1);
	/* The longest key wins: unsure, the level it is sure of (the Samtgemeinde). */
	resolve(&radbruch, "99015013012000", "kreis", NULL, NULL, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_UNKNOWN);
	assert_int_equal(r.tenant->id, 3);
	assert_string_equal(r.kb->note, "Nicht sicher.");
	/* The group rule sets the level against the catalogue's. */
	resolve(&radbruch, "99015099000000", "gemeinde", NULL, NULL, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_LEVEL);
	assert_int_equal(r.tenant->id, 1);
	/* No rule: the level's default. */
	resolve(&radbruch, "99115005104000", "gemeinde", NULL, NULL, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_VERBAND);
	assert_null(r.kb);
	arena_release(&a);
}

static void
test_the_narrowest_area_wins_after_the_longest_key(void **state)
{
	struct region elsewhere = radbruch;
	struct finder_result r;
	struct arena a;

	(void)state;
	arena_init(&a);
	resolve(&radbruch, "99114013002000", "bund", NULL, NULL, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_AUTHORITY);
	assert_string_equal(r.authority->name, "DRV Kreis");
	elsewhere.ars = "033540001001"; /* another Kreis of the same Regierungsbezirk */
	resolve(&elsewhere, "99114013002000", "bund", NULL, NULL, &a, &r);
	assert_string_equal(r.authority->name, "DRV Braunschweig-Hannover");
	elsewhere.ars = "034510001001"; /* another Regierungsbezirk: the Land's rule */
	resolve(&elsewhere, "99114013002000", "bund", NULL, NULL, &a, &r);
	assert_string_equal(r.authority->name, "DRV Oldenburg-Bremen");
	/* The longer key for every Land beats the Kreis's own shorter one. */
	resolve(&radbruch, "99114014002000", "bund", NULL, NULL, &a, &r);
	assert_string_equal(r.authority->name, "Knappschaft");
	/* Named, and said to be unsure where the rule says so. */
	resolve(&radbruch, "99114015002000", "bund", NULL, NULL, &a, &r);
	assert_string_equal(r.authority->name, "DRV Oldenburg-Bremen");
	assert_int_equal(r.why, FINDER_WHY_UNKNOWN);
	/* An area of another Land never applies. */
	elsewhere.ars = "091620000000";
	elsewhere.land = "09";
	resolve(&elsewhere, "99114013002000", "bund", NULL, NULL, &a, &r);
	assert_null(r.kb);
	arena_release(&a);
}

static void
test_towns_do_the_kreis_task_they_are_listed_for(void **state)
{
	struct finder_result r;
	struct arena a;

	(void)state;
	arena_init(&a);
	resolve(&lueneburg, "99012008001001", "land", NULL, "bau", &a, &r);
	assert_int_equal(r.why, FINDER_WHY_TOWN);
	assert_int_equal(r.tenant->id, 2);
	resolve(&lueneburg, "99012008001001", "land", NULL, "auslaender", &a, &r);
	assert_int_equal(r.why, FINDER_WHY_LEVEL);
	assert_int_equal(r.tenant->id, 1);
	resolve(&radbruch, "99012008001001", "land", NULL, NULL, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_LEVEL);
	assert_int_equal(r.tenant->id, 1);
	arena_release(&a);
}

static void
test_a_verband_does_the_kreis_task_for_all_its_members(void **state)
{
	const char *tasks[] = {"bau"};
	struct finder_input in = {
		.level = "land",
		.leika = "99012008001001",
		.place = &radbruch,
		.tenants = tenants,
		.n_tenants = 3,
		.kb = kb,
		.n_kb = sizeof(kb) / sizeof(kb[0]),
		.verband_tasks = tasks,
		.n_verband_tasks = 1,
	};
	struct finder_result r;
	struct arena a;

	(void)state;
	arena_init(&a);
	finder_resolve(&in, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_TOWN);
	assert_int_equal(r.tenant->id, 3);
	assert_true(r.chain[r.area].levels & (1u << FINDER_VERBAND));
	/* Another task stays with the Kreis. */
	tasks[0] = "auslaender";
	finder_resolve(&in, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_LEVEL);
	assert_int_equal(r.tenant->id, 1);
	/* A verbandsfreie Gemeinde's one-member "Verband" takes over nothing. */
	tasks[0] = "bau";
	in.place = &lueneburg;
	finder_resolve(&in, &a, &r);
	assert_int_equal(r.why, FINDER_WHY_LEVEL);
	assert_int_equal(r.tenant->id, 1);
	arena_release(&a);
}

static const char *
name_of(struct region g, int level_index, struct arena *a)
{
	struct finder_area v[FINDER_N_LEVELS];

	finder_chain(&g, a, v);
	return v[level_index].name;
}

static void
test_names_are_those_the_authorities_use(void **state)
{
	struct region g = radbruch;
	struct arena a;

	(void)state;
	arena_init(&a);
	g.name = "Dachau, GKSt";
	g.typ = 67;
	g.verband_typ = 50;
	assert_string_equal(name_of(g, 0, &a), "Große Kreisstadt Dachau");
	g.name = "Vestenbergsgreuth, M";
	g.typ = 60;
	assert_string_equal(name_of(g, 0, &a), "Markt Vestenbergsgreuth");
	g.name = "Rerik, Ostseebad, Stadt";
	g.typ = 63;
	assert_string_equal(name_of(g, 0, &a), "Stadt Rerik");
	g.name = "Harsewinkel, Die Mähdrescherstadt";
	assert_string_equal(name_of(g, 0, &a), "Stadt Harsewinkel");
	g.kreis_name = "Städteregion Aachen";
	g.kreis_typ = 43;
	assert_string_equal(name_of(g, 1, &a), "StädteRegion Aachen");
	g.kreis_name = "Main-Kinzig-Kreis";
	g.kreis_typ = 44;
	assert_string_equal(name_of(g, 1, &a), "Main-Kinzig-Kreis");
	g.kreis_name = "Heidekreis";
	assert_string_equal(name_of(g, 1, &a), "Landkreis Heidekreis");
	g.name = "Radbruch";
	g.typ = 64;
	g.verband_typ = 54;
	g.verband_name = "Höchstadt a.d.Aisch (VGem)";
	assert_string_equal(name_of(g, 1, &a), "Verwaltungsgemeinschaft Höchstadt a.d.Aisch");
	arena_release(&a);
}

static void
test_members_of_a_verwaltungsgemeinschaft_in_bw_keep_their_office(void **state)
{
	struct region g = radbruch;
	struct finder_input in = {.level = "gemeinde", .place = &g};
	struct finder_result r;
	struct arena a;

	(void)state;
	arena_init(&a);
	g.ars = "084375005044";
	g.name = "Herbertingen";
	g.land = "08";
	g.verband_typ = 54;
	g.verband_name = "VVG der Stadt Bad Saulgau";
	finder_resolve(&in, &a, &r);
	assert_int_equal(r.area, 0);
	g.land = "09";
	finder_resolve(&in, &a, &r);
	assert_int_equal(r.area, 1);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_the_shipped_rules_import_with_sources,
						scratch_setup_migrated, scratch_teardown),
		cmocka_unit_test_setup_teardown(test_a_malformed_rule_set_is_refused_whole,
						scratch_setup_migrated, scratch_teardown),
		cmocka_unit_test(test_precedence_of_entries_rules_and_levels),
		cmocka_unit_test(test_the_narrowest_area_wins_after_the_longest_key),
		cmocka_unit_test(test_towns_do_the_kreis_task_they_are_listed_for),
		cmocka_unit_test(test_a_verband_does_the_kreis_task_for_all_its_members),
		cmocka_unit_test(test_names_are_those_the_authorities_use),
		cmocka_unit_test(test_members_of_a_verwaltungsgemeinschaft_in_bw_keep_their_office),
	};

	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
