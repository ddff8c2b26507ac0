/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the catalogue import on the backend RATHAUS_TEST_DB names
 * (sqlite:PATH or a postgresql:// URL, SQLite when unset).  Every test gets
 * a migrated database and a scratch directory of its own.  The
 * LeiKa fixture is tests/unit/fixtures/leika/: 17 rows, 15 with a usable key.
 */
#include "features/catalog/svc.h"
#include "features/catalog/svc_int.h"

#include "core/err.h"
#include "db/db.h"
#include "scratch.h"
#include "tenant/tenant.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define FIXTURE_SERVICES 15 /* rows of the fixture with a 14-digit key */
#define PERSO "99008001012000"

static char leika_dir[PATH_MAX]; /* the fixture */

struct fixture {
	struct scratch_db s;
	const char *work; /* a scratch directory of this test */
	struct err e;
	struct svc_import_stats st;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	*state = f;
	f->work = scratch_subdir();
	ASSERT_OK(&f->e, scratch_db_open(&f->s, true, &f->e));
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	scratch_db_close(&f->s);
	free(f);
	return 0;
}

/* The first column of the first row of `sql` with text parameter $1 = `arg`. */
static char *
query_text(struct fixture *f, const char *sql, const char *arg)
{
	static char out[4096];
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, sql, &st, &f->e));
	if (arg)
		db_bind_text(st, 1, arg);
	assert_int_equal(db_step(st, &f->e), DB_ROW);
	snprintf(out, sizeof(out), "%s", db_col_text(st, 0));
	db_finalize(st);
	return out;
}

static int64_t
query_int(struct fixture *f, const char *sql, const char *arg)
{
	return strtoll(query_text(f, sql, arg), NULL, 10);
}

static const char *
service_field(struct fixture *f, const char *column, const char *leika)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT %s FROM service WHERE leika = $1", column);
	return query_text(f, sql, leika);
}

/* Copy the fixture into f->work, with leika_leistungen.csv replaced by `leika` if given. */
static void
copy_fixture(struct fixture *f, const char *leika)
{
	static const char *const names[] = {"themenfelder.csv", "lebenslagen.csv",
					    "ozg_leistungen.csv", "kreis_groups.csv",
					    "leika_leistungen.csv"};
	char from[PATH_MAX * 2], to[PATH_MAX * 2], buf[8192];

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		FILE *in, *out;
		size_t n;

		snprintf(to, sizeof(to), "%s/%s", f->work, names[i]);
		if (leika && strcmp(names[i], "leika_leistungen.csv") == 0) {
			scratch_write(to, leika);
			continue;
		}
		snprintf(from, sizeof(from), "%s/%s", leika_dir, names[i]);
		in = fopen(from, "r");
		out = fopen(to, "w");
		assert_non_null(in);
		assert_non_null(out);
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			assert_int_equal(fwrite(buf, 1, n, out), n);
		fclose(in);
		assert_int_equal(fclose(out), 0);
	}
}

/* The fixture's leika_leistungen.csv with `from` replaced by `to` once. */
static char *
fixture_leika_with(struct fixture *f, const char *from, const char *to)
{
	char path[PATH_MAX * 2];
	static char text[16384], out[16384];
	FILE *fp;
	size_t n;
	char *at;

	snprintf(path, sizeof(path), "%s/leika_leistungen.csv", leika_dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	at = strstr(text, from);
	assert_non_null(at);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

static void
import_fixture(struct fixture *f)
{
	ASSERT_OK(&f->e, svc_import_leika(f->s.db, leika_dir, &f->st, &f->e));
}

/* A description of the ID card service as descriptions.json has it. */
static const char perso_json[] =
	"{\"format\": 1, \"reviewed\": \"2026-11-23\", \"services\": [\n"
	" {\"leika\": \"" PERSO "\", \"leika_bezeichnung\": \"Personalausweis Ausstellung\",\n"
	"  \"title\": \"Personalausweis beantragen\", \"synonyms\": [\"Perso\", \"Ausweis\"],\n"
	"  \"short_text\": \"Kurz.\", \"full_text\": \"Lang.\\n\\nZweiter Absatz.\",\n"
	"  \"requirements\": \"- Deutsch\", \"documents\": \"- Foto\", \"fees\": \"46,00 Euro\",\n"
	"  \"deadlines\": \"\", \"processing_time\": \"2 Wochen\", \"procedure\": \"1. "
	"Hingehen\",\n"
	"  \"legal_basis\": [{\"title\": \"§ 9 PAuswG\", \"url\": "
	"\"https://buzer.de/9_PAuswG.htm\"},\n"
	"                  {\"title\": \"§ 1 PAuswG\", \"url\": \"\"}],\n"
	"  \"notes\": \"\", \"online\": \"Nein.\", \"responsible_level\": \"kreis\",\n"
	"  \"sources\": [{\"url\": \"https://example.org/perso\", \"title\": \"Stadt\",\n"
	"               \"checked\": \"2026-11-23\"}],\n"
	"  \"notes_internal\": \"nur intern\", \"reviewed\": \"2026-11-23\"},\n"
	" {\"leika\": \"99999999999999\", \"title\": \"Gibt es nicht\"}\n"
	"]}\n";

static const char *
write_json(struct fixture *f, const char *name, const char *text)
{
	static char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", f->work, name);
	scratch_write(path, text);
	return path;
}

/* ---- Pure helpers ---- */

static void
test_slugs_are_lower_case_ascii_with_umlauts_spelled_out(void **state)
{
	struct arena a;

	arena_init(&a);
	assert_string_equal(svc_slugify("Straße & Größe – Übergang", &a),
			    "strasse-groesse-uebergang");
	assert_string_equal(svc_slugify("  (Drohender) Arbeitsplatzverlust & -suche ", &a),
			    "drohender-arbeitsplatzverlust-suche");
	assert_string_equal(svc_slugify("§ 1", &a), "1");
	assert_string_equal(svc_slugify("--", &a), "");
	arena_release(&a);
}

static void
test_a_taken_slug_gets_a_number_and_its_owner_keeps_it(void **state)
{
	struct arena a;
	struct svc_map used;

	arena_init(&a);
	svc_map_init(&used);
	assert_string_equal(svc_slug_claim(&used, "Geburt", "x", "1", &a), "geburt");
	assert_string_equal(svc_slug_claim(&used, "Geburt!", "x", "2", &a), "geburt-2");
	assert_string_equal(svc_slug_claim(&used, "GEBURT", "x", "3", &a), "geburt-3");
	assert_string_equal(svc_slug_claim(&used, "Geburt", "x", "1", &a), "geburt");
	assert_string_equal(svc_slug_claim(&used, "!!", "fallback", "4", &a), "fallback");
	svc_map_release(&used);
	arena_release(&a);
}

static void
test_keys_modules_and_levels_are_checked(void **state)
{
	enum svc_module m;

	assert_true(svc_leika_valid(PERSO));
	assert_false(svc_leika_valid("9900800101200"));
	assert_false(svc_leika_valid("990080010120001"));
	assert_false(svc_leika_valid("9900800101200x"));
	assert_false(svc_leika_valid(NULL));
	for (int i = 0; i < SVC_N_MODULES; i++) {
		assert_int_equal(svc_module_parse(svc_module_name((enum svc_module)i), &m), 0);
		assert_int_equal(m, i);
	}
	assert_int_equal(svc_module_parse("short_text", &m), ERR_INVALID);
	assert_true(svc_level_valid("kreis"));
	assert_false(svc_level_valid(""));
	assert_false(svc_level_valid("Kreis"));
}

static void
test_legal_basis_splits_after_links_and_at_line_breaks(void **state)
{
	struct arena a;
	struct svc_link *l;
	size_t n;

	arena_init(&a);
	svc_legal_parse("A, B (X) [https://a.example/], C [ftp://c.example]\n"
			"D, E\r\n[http://d.example/]",
			&a, &l, &n);
	assert_int_equal(n, 4);
	assert_string_equal(l[0].title, "A, B (X)");
	assert_string_equal(l[0].url, "https://a.example/");
	assert_string_equal(l[1].title, "C");
	assert_string_equal(l[1].url, "");
	assert_string_equal(l[2].title, "D, E");
	assert_string_equal(l[2].url, "");
	assert_string_equal(l[3].title, "http://d.example/");
	assert_string_equal(l[3].url, "http://d.example/");
	svc_legal_parse("", &a, &l, &n);
	assert_int_equal(n, 0);
	arena_release(&a);
}

/* ---- The LeiKa import ---- */

static void
test_leika_import_reads_the_fixture_with_exact_counts(void **state)
{
	struct fixture *f = *state;

	import_fixture(f);
	assert_int_equal(f->st.themenfelder, 4);
	assert_int_equal(f->st.lagen, 6);
	assert_int_equal(f->st.ozg_leistungen, 3);
	assert_int_equal(f->st.added, FIXTURE_SERVICES);
	assert_int_equal(f->st.changed, 0);
	assert_int_equal(f->st.unchanged, 0);
	assert_int_equal(f->st.skipped, 2);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM service", NULL), FIXTURE_SERVICES);
	assert_int_equal(
		query_int(f, "SELECT COUNT(*) FROM ozg_leistung WHERE lage_id IS NULL", NULL), 1);
	assert_string_equal(service_field(f, "COALESCE(ozg_leistung_id, 0)", PERSO), "100");
	assert_string_equal(service_field(f, "COALESCE(ozg_leistung_id, 0)", "99036008007000"),
			    "0");
}

static void
test_themenfelder_and_lagen_get_unique_slugs_and_kinds(void **state)
{
	struct fixture *f = *state;
	static const char kind_sql[] = "SELECT kind FROM lage WHERE id = CAST($1 AS BIGINT)";

	import_fixture(f);
	assert_string_equal(query_text(f, "SELECT slug FROM themenfeld WHERE id = 2", NULL),
			    "unternehmensfuehrung-entwicklung");
	assert_string_equal(query_text(f, "SELECT slug FROM lage WHERE id = 10", NULL), "geburt");
	assert_string_equal(query_text(f, "SELECT slug FROM lage WHERE id = 15", NULL), "geburt-2");
	assert_string_equal(query_text(f, kind_sql, "10"), "lebenslage");
	assert_string_equal(query_text(f, kind_sql, "11"), "unternehmenslage");
	assert_string_equal(query_text(f, kind_sql, "12"), "querschnitt");
	assert_string_equal(query_text(f, kind_sql, "13"), "unternehmenslage");
	assert_string_equal(query_text(f, kind_sql, "14"), "lebenslage");
}

static void
test_levels_follow_the_typisierung_and_the_kreis_groups(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *leika, *typ, *level;
	} want[] = {
		{PERSO, "2/3", "gemeinde"},	       /* group 008 is not the Kreis's */
		{"99036008007000", "2/3", "kreis"},    /* 036 is listed */
		{"99041006017000", "1, 2/3", "kreis"}, /* municipal wins, 041 listed */
		{"99102013000000", "4", "land"},
		{"99022001017000", "2", "land"},
		{"99038001017000", "1", "bund"},
		{"99001009004000", "5", "gemeinde"},
		{"99110009104000", "6", "gemeinde"},
		{"99079002026001", "3", "gemeinde"},
		{"99050012104000", "", ""},
	};

	import_fixture(f);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		assert_string_equal(service_field(f, "typisierung", want[i].leika), want[i].typ);
		assert_string_equal(service_field(f, "level", want[i].leika), want[i].level);
	}
}

static void
test_objekt_and_verrichtung_split_the_leika_name(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *leika, *objekt, *verrichtung;
	} want[] = {
		{PERSO, "Personalausweis", "Ausstellung"},
		{"99008001000000", "Personalausweis", ""},
		/* The object row differs in case only. */
		{"99006032019000", "hochradioaktive Strahlenquellen", "Registrierung"},
		/* No object row: the first word and the phrase qualifying it. */
		{"99079002026001", "Begründung einer Lebenspartnerschaft",
		 "Beurkundung im Ausland"},
		{"99038001017000", "Arbeitslosengeld", "Bewilligung"},
	};

	import_fixture(f);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		assert_string_equal(service_field(f, "objekt", want[i].leika), want[i].objekt);
		assert_string_equal(service_field(f, "verrichtung", want[i].leika),
				    want[i].verrichtung);
	}
	assert_string_equal(service_field(f, "title", PERSO), "Personalausweis Ausstellung");
	assert_string_equal(service_field(f, "slug", PERSO), "personalausweis-ausstellung");
	assert_string_equal(service_field(f, "slug", "99050003000000"), "veranstaltung");
	assert_string_equal(service_field(f, "slug", "99089001000000"), "veranstaltung-2");
}

static void
test_legal_basis_rows_keep_order_and_only_http_links(void **state)
{
	struct fixture *f = *state;
	static const char sql[] = "SELECT title || ' <' || url || '>' FROM service_legal "
				  "WHERE leika = $1 AND pos = ";
	char q[sizeof(sql) + 8];

	import_fixture(f);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM service_legal WHERE leika = $1", PERSO),
			 3);
	snprintf(q, sizeof(q), "%s0", sql);
	assert_string_equal(
		query_text(f, q, PERSO),
		"Personalausweisgesetz (PAuswG) <https://www.gesetze-im-internet.de/pauswg/>");
	snprintf(q, sizeof(q), "%s1", sql);
	assert_string_equal(query_text(f, q, PERSO),
			    "§ 9 PAuswG, Ausstellung <http://example.org/9>");
	snprintf(q, sizeof(q), "%s2", sql);
	assert_string_equal(query_text(f, q, PERSO), "Personalausweisverordnung (PAuswV) <>");
	snprintf(q, sizeof(q), "%s0", sql);
	assert_string_equal(query_text(f, q, "99001009004000"),
			    "Kreislaufwirtschaftsgesetz (KrWG) <>");
}

static void
test_reimport_changes_nothing(void **state)
{
	struct fixture *f = *state;

	import_fixture(f);
	import_fixture(f);
	assert_int_equal(f->st.added, 0);
	assert_int_equal(f->st.changed, 0);
	assert_int_equal(f->st.unchanged, FIXTURE_SERVICES);
	assert_int_equal(f->st.skipped, 2);
}

static void
test_a_changed_row_counts_as_one_change_and_renames_an_unedited_title(void **state)
{
	struct fixture *f = *state;
	static const char kfz[] = "99036008007000";

	import_fixture(f);
	copy_fixture(f, fixture_leika_with(f, "99036008007000,Kraftfahrzeug Zulassung,2/3",
					   "99036008007000,Kraftfahrzeug Neuzulassung,1"));
	ASSERT_OK(&f->e, svc_import_leika(f->s.db, f->work, &f->st, &f->e));
	assert_int_equal(f->st.added, 0);
	assert_int_equal(f->st.changed, 1);
	assert_int_equal(f->st.unchanged, FIXTURE_SERVICES - 1);
	assert_string_equal(service_field(f, "title", kfz), "Kraftfahrzeug Neuzulassung");
	assert_string_equal(service_field(f, "slug", kfz), "kraftfahrzeug-neuzulassung");
	assert_string_equal(service_field(f, "level", kfz), "bund");
	assert_string_equal(service_field(f, "objekt", kfz), "Kraftfahrzeug");
	assert_string_equal(service_field(f, "verrichtung", kfz), "Neuzulassung");
}

static void
test_malformed_csv_is_refused_with_file_and_line_and_nothing_is_written(void **state)
{
	struct fixture *f = *state;
	static const char head[] =
		"leika_schluessel,bezeichnung,typisierung,ozg_leistung_id,ozg_id,ozg_leistung,"
		"rechtsgrundlage,gesetze,gesetz_kuerzel,relevanz1,relevanz2,source_id\n"
		"99008001000000,Personalausweis,2/3,100,10119,Personalausweis,\"A\nB\nC\","
		",,1,0,1\n";
	char text[1024];

	/* A stray quote in an unquoted field, on line 5 (the quoted field spans 2-4). */
	snprintf(text, sizeof(text), "%s99036008007000,Kfz \"Zulassung\",2/3,,,,,,,0,0,3\n", head);
	copy_fixture(f, text);
	assert_int_equal(svc_import_leika(f->s.db, f->work, &f->st, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "leika_leistungen.csv:5: malformed CSV"));

	/* A row with a field too few. */
	snprintf(text, sizeof(text), "%s99036008007000,Kfz,2/3,,,,,,0,0,3\n", head);
	copy_fixture(f, text);
	assert_int_equal(svc_import_leika(f->s.db, f->work, &f->st, &f->e), ERR_INVALID);
	assert_non_null(
		strstr(f->e.detail, "leika_leistungen.csv:5: 11 fields, the header has 12"));

	/* A quoted field that never ends. */
	snprintf(text, sizeof(text), "%s99036008007000,\"Kfz,2/3,,,,,,,0,0,3\n", head);
	copy_fixture(f, text);
	assert_int_equal(svc_import_leika(f->s.db, f->work, &f->st, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "leika_leistungen.csv:5: quoted field is not closed"));

	/* An unknown OZG-Leistung. */
	snprintf(text, sizeof(text), "%s99036008007000,Kfz,2/3,999,,,,,,0,0,3\n", head);
	copy_fixture(f, text);
	assert_int_equal(svc_import_leika(f->s.db, f->work, &f->st, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "leika_leistungen.csv:5: unknown ozg_leistung_id 999"));

	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM service", NULL), 0);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM themenfeld", NULL), 0);
	assert_int_equal(f->st.added + f->st.changed + f->st.unchanged, 0);
}

static void
test_a_missing_file_or_column_is_an_error(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX * 2];

	copy_fixture(f, "leika_schluessel,bezeichnung\n99008001000000,Personalausweis\n");
	assert_int_equal(svc_import_leika(f->s.db, f->work, &f->st, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "leika_leistungen.csv:1: no column"));
	snprintf(path, sizeof(path), "%s/kreis_groups.csv", f->work);
	unlink(path);
	assert_int_equal(svc_import_leika(f->s.db, f->work, &f->st, &f->e), ERR_IO);
	assert_non_null(strstr(f->e.detail, "kreis_groups.csv"));
}

/* ---- Descriptions ---- */

static void
import_perso(struct fixture *f)
{
	ASSERT_OK(&f->e, svc_import_descriptions(f->s.db, write_json(f, "d.json", perso_json),
						 &f->st, &f->e));
}

static void
test_description_sets_title_texts_and_lists_and_skips_unknown_services(void **state)
{
	struct fixture *f = *state;
	static const char text_sql[] =
		"SELECT body FROM service_text WHERE leika = '" PERSO "' AND module = $1";

	import_fixture(f);
	import_perso(f);
	assert_int_equal(f->st.added, 1);
	assert_int_equal(f->st.changed + f->st.unchanged, 0);
	assert_int_equal(f->st.skipped, 1);
	assert_string_equal(service_field(f, "title", PERSO), "Personalausweis beantragen");
	assert_string_equal(service_field(f, "slug", PERSO), "personalausweis-beantragen");
	assert_string_equal(service_field(f, "leika_name", PERSO), "Personalausweis Ausstellung");
	assert_string_equal(service_field(f, "reviewed", PERSO), "2026-11-23");
	assert_string_equal(service_field(f, "level", PERSO), "kreis");
	assert_string_equal(query_text(f, text_sql, "short"), "Kurz.");
	assert_string_equal(query_text(f, text_sql, "full"), "Lang.\n\nZweiter Absatz.");
	assert_string_equal(query_text(f, text_sql, "processing_time"), "2 Wochen");
	/* Empty strings are absent modules: deadlines and notes. */
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM service_text WHERE leika = $1", PERSO),
			 8);
	assert_int_equal(
		query_int(f, "SELECT COUNT(*) FROM service_synonym WHERE leika = $1", PERSO), 2);
	assert_string_equal(query_text(f, "SELECT url FROM service_source WHERE leika = $1", PERSO),
			    "https://example.org/perso");
	assert_string_equal(query_text(f,
				       "SELECT title || ' <' || url || '>' FROM service_legal "
				       "WHERE leika = $1 AND pos = 1",
				       PERSO),
			    "§ 1 PAuswG <>");
}

static void
test_leika_reimport_keeps_what_a_description_set(void **state)
{
	struct fixture *f = *state;
	char *changed_name;

	import_fixture(f);
	import_perso(f);
	/* The description says kreis; the catalogue now says bund, and renames. */
	changed_name = fixture_leika_with(f, "99008001012000,Personalausweis Ausstellung,2/3",
					  "99008001012000,Personalausweis Ausstellung neu,1");
	copy_fixture(f, changed_name);
	ASSERT_OK(&f->e, svc_import_leika(f->s.db, f->work, &f->st, &f->e));
	assert_int_equal(f->st.changed, 1);
	assert_string_equal(service_field(f, "leika_name", PERSO),
			    "Personalausweis Ausstellung neu");
	assert_string_equal(service_field(f, "typisierung", PERSO), "1");
	assert_string_equal(service_field(f, "title", PERSO), "Personalausweis beantragen");
	assert_string_equal(service_field(f, "slug", PERSO), "personalausweis-beantragen");
	assert_string_equal(service_field(f, "level", PERSO), "kreis");
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM service_legal WHERE leika = $1", PERSO),
			 2);
	ASSERT_OK(&f->e, svc_import_leika(f->s.db, f->work, &f->st, &f->e));
	assert_int_equal(f->st.changed, 0);
}

static void
test_description_reimport_changes_nothing_and_an_emptied_text_is_deleted(void **state)
{
	struct fixture *f = *state;
	char text[sizeof(perso_json) + 64];
	const char *at = strstr(perso_json, "\"46,00 Euro\"");

	import_fixture(f);
	import_perso(f);
	import_perso(f);
	assert_int_equal(f->st.unchanged, 1);
	assert_int_equal(f->st.added + f->st.changed, 0);
	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s\"\"%s", (int)(at - perso_json), perso_json,
		 at + strlen("\"46,00 Euro\""));
	ASSERT_OK(&f->e,
		  svc_import_descriptions(f->s.db, write_json(f, "d2.json", text), &f->st, &f->e));
	assert_int_equal(f->st.changed, 1);
	assert_int_equal(query_int(f,
				   "SELECT COUNT(*) FROM service_text WHERE leika = $1 "
				   "AND module = 'fees'",
				   PERSO),
			 0);
}

static void
test_description_with_an_unknown_key_is_refused_naming_it(void **state)
{
	struct fixture *f = *state;
	static const char bad[] = "{\"format\": 1, \"services\": [{\"leika\": \"" PERSO "\", "
				  "\"title\": \"X\", \"kosten\": \"5 Euro\"}]}";
	static const char bad_url[] =
		"{\"format\": 1, \"services\": [{\"leika\": \"" PERSO "\", \"title\": \"X\", "
		"\"legal_basis\": [{\"title\": \"T\", \"url\": \"javascript:alert(1)\"}]}]}";

	import_fixture(f);
	assert_int_equal(
		svc_import_descriptions(f->s.db, write_json(f, "bad.json", bad), &f->st, &f->e),
		ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "services[0] " PERSO ": unknown key 'kosten'"));
	assert_int_equal(
		svc_import_descriptions(f->s.db, write_json(f, "url.json", bad_url), &f->st, &f->e),
		ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "legal_basis[0].url is not http(s)"));
	assert_string_equal(service_field(f, "title", PERSO), "Personalausweis Ausstellung");
}

static void
test_export_then_import_changes_nothing(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 64];
	int n = 0;

	import_fixture(f);
	import_perso(f);
	snprintf(path, sizeof(path), "%s/export.json", f->work);
	ASSERT_OK(&f->e, svc_export_descriptions(f->s.db, path, &n, &f->e));
	assert_int_equal(n, 1);
	ASSERT_OK(&f->e, svc_import_descriptions(f->s.db, path, &f->st, &f->e));
	assert_int_equal(f->st.unchanged, 1);
	assert_int_equal(f->st.added + f->st.changed + f->st.skipped, 0);
	/* And the other way round: import the export into a fresh catalogue. */
	ASSERT_OK(&f->e, db_exec(f->s.db,
				 "DELETE FROM service_text; DELETE FROM service_synonym; "
				 "DELETE FROM service_source; UPDATE service SET reviewed = ''",
				 &f->e));
	ASSERT_OK(&f->e, svc_import_descriptions(f->s.db, path, &f->st, &f->e));
	assert_int_equal(f->st.added, 1);
	assert_int_equal(query_int(f, "SELECT COUNT(*) FROM service_text WHERE leika = $1", PERSO),
			 8);
}

/* ---- Offering services ---- */

static void
test_offer_levels_counts_new_offers_and_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct tenant t = {.slug = "musterstadt",
			   .name = "Musterstadt",
			   .kind = TENANT_STADT,
			   .ars = "",
			   .parent_slug = "",
			   .host = "",
			   .languages = "de",
			   .primary = "#004b76",
			   .logo_text = "",
			   .contact = {"", "", "", "", "", ""}};
	bool changed = false;
	int n = -1;

	import_fixture(f);
	ASSERT_OK(&f->e, tenant_save(f->s.db, &t, &changed, &f->e));
	ASSERT_OK(&f->e, svc_offer_levels(f->s.db, &t, "gemeinde", &n, &f->e));
	assert_int_equal(n, 7);
	ASSERT_OK(&f->e, svc_offer_levels(f->s.db, &t, "gemeinde, land,bund", &n, &f->e));
	assert_int_equal(n, 5); /* land 2, bund 3: gemeinde is offered already */
	ASSERT_OK(&f->e, svc_offer_levels(f->s.db, &t, "gemeinde,land,bund", &n, &f->e));
	assert_int_equal(n, 0);
	assert_int_equal(query_int(f,
				   "SELECT COUNT(*) FROM tenant_service WHERE status = 'published' "
				   "AND tenant_id = CAST($1 AS BIGINT)",
				   "1"),
			 12);
	assert_int_equal(svc_offer_levels(f->s.db, &t, "gemeinde,stadt", &n, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "'stadt'"));
	assert_int_equal(svc_offer_levels(f->s.db, &t, "", &n, &f->e), ERR_INVALID);
}

/* Pick the backend: RATHAUS_TEST_DB, or SQLite files in our temporary directory. */
static int
group_setup(void **state)
{
	const char *share = getenv("RATHAUS_SHARE_DIR");

	snprintf(leika_dir, sizeof(leika_dir), "%s/tests/unit/fixtures/leika",
		 share && *share ? share : RATHAUS_SHARE_DIR_DEFAULT);
	return scratch_group_setup(state);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slugs_are_lower_case_ascii_with_umlauts_spelled_out),
		cmocka_unit_test(test_a_taken_slug_gets_a_number_and_its_owner_keeps_it),
		cmocka_unit_test(test_keys_modules_and_levels_are_checked),
		cmocka_unit_test(test_legal_basis_splits_after_links_and_at_line_breaks),
		TEST(test_leika_import_reads_the_fixture_with_exact_counts),
		TEST(test_themenfelder_and_lagen_get_unique_slugs_and_kinds),
		TEST(test_levels_follow_the_typisierung_and_the_kreis_groups),
		TEST(test_objekt_and_verrichtung_split_the_leika_name),
		TEST(test_legal_basis_rows_keep_order_and_only_http_links),
		TEST(test_reimport_changes_nothing),
		TEST(test_a_changed_row_counts_as_one_change_and_renames_an_unedited_title),
		TEST(test_malformed_csv_is_refused_with_file_and_line_and_nothing_is_written),
		TEST(test_a_missing_file_or_column_is_an_error),
		TEST(test_description_sets_title_texts_and_lists_and_skips_unknown_services),
		TEST(test_leika_reimport_keeps_what_a_description_set),
		TEST(test_description_reimport_changes_nothing_and_an_emptied_text_is_deleted),
		TEST(test_description_with_an_unknown_key_is_refused_naming_it),
		TEST(test_export_then_import_changes_nothing),
		TEST(test_offer_levels_counts_new_offers_and_is_idempotent),
	};

	return cmocka_run_group_tests(tests, group_setup, scratch_group_teardown);
}
