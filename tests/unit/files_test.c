/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of src/files on a fresh, migrated database of the backend
 * RATHAUS_TEST_DB names (bytes on disk with SQLite, in the database with
 * PostgreSQL): types detected from the content against the use's list,
 * size limits, names made safe, reads only for the file's tenant and with
 * the caller's consent, and purging of expired files with their bytes.
 */
#include "files/files.h"

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "scratch.h"

#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* After the headers it needs. */
#include <cmocka.h>

static const char TENANTS_JSON[] =
	"{\"tenants\": [\n"
	" {\"slug\": \"a-stadt\", \"name\": \"Stadt A\", \"kind\": \"stadt\",\n"
	"  \"ars\": \"033550001001\", \"parent\": null, \"languages\": [\"de\"],\n"
	"  \"theme\": {\"primary\": \"#2E6B30\"}},\n"
	" {\"slug\": \"b-dorf\", \"name\": \"Gemeinde B\", \"kind\": \"gemeinde\",\n"
	"  \"ars\": \"033550002002\", \"parent\": null, \"languages\": [\"de\"],\n"
	"  \"theme\": {\"primary\": \"#1F4E79\"}}\n"
	"]}\n";

/* The smallest PNG header libmagic recognises, then a few bytes of "image". */
static const unsigned char PNG[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0, 0, 13,
				    'I',  'H', 'D', 'R', 0,    0,    0,	   1,	 0,    0, 0, 1,
				    8,	  2,   0,   0,	 0,    0x90, 0x77, 0x53, 0xde, 0, 0, 0,
				    0,	  'I', 'E', 'N', 'D',  0xae, 0x42, 0x60, 0x82};
static const char HTML[] = "<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n";

static struct {
	struct scratch_db s;
	char dir[512];
	struct files_store fs;
} g;

struct fixture {
	struct arena a;
	struct err e;
	struct tenant *ta, *tb;
};

static int
group_setup(void **state)
{
	struct err e = {0};
	char json[600];
	int saved, changed;

	if (sodium_init() < 0 || scratch_group_setup(state))
		return -1;
	snprintf(json, sizeof(json), "%s/tenants.json", scratch_dir());
	scratch_write(json, TENANTS_JSON);
	snprintf(g.dir, sizeof(g.dir), "%s/data", scratch_dir());
	g.fs.data_dir = g.dir;
	if (scratch_db_open(&g.s, true, &e) ||
	    tenant_import_json(g.s.db, json, &saved, &changed, &e)) {
		print_error("group setup: %s\n", e.detail);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	scratch_db_close(&g.s);
	return scratch_group_teardown(state);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	arena_init(&f->a);
	ASSERT_OK(&f->e, tenant_find_by_slug(g.s.db, "a-stadt", &f->a, &f->ta, &f->e));
	ASSERT_OK(&f->e, tenant_find_by_slug(g.s.db, "b-dorf", &f->a, &f->tb, &f->e));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->a);
	free(f);
	return 0;
}

static struct files_new
new_file(const char *use, const char *name, const void *data, size_t len)
{
	return (struct files_new){.use = use,
				  .name = name,
				  .data = data,
				  .len = len,
				  .owner = "test",
				  .is_public = true,
				  .now = (int64_t)time(NULL)};
}

static bool
yes(const struct file_meta *m, void *cls)
{
	(void)m;
	(void)cls;
	return true;
}

static bool
no(const struct file_meta *m, void *cls)
{
	(void)m;
	(void)cls;
	return false;
}

static bool
bytes_on_disk(const struct tenant *t, const char *id)
{
	char path[1024];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/files/%lld/%s", g.dir, (long long)t->id, id);
	return stat(path, &sb) == 0;
}

static int64_t
file_rows(void)
{
	return scratch_int64(g.s.db, "SELECT count(*) FROM file");
}

static void
test_html_content_named_png_is_refused_and_nothing_is_stored(void **state)
{
	struct fixture *f = *state;
	struct files_new in = new_file("logo", "logo.png", HTML, sizeof(HTML) - 1);
	struct file_meta *m = NULL;
	int64_t before = file_rows();

	assert_int_equal(files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e), ERR_UNPROCESSABLE);
	assert_string_equal(f->e.user, "files.err.type");
	assert_non_null(strstr(f->e.detail, "text/html"));
	assert_int_equal(file_rows(), before);
}

static void
test_pdf_is_a_document_but_not_a_logo(void **state)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
	struct fixture *f = *state;
	struct files_new in = new_file("logo", "brief.pdf", pdf, sizeof(pdf) - 1);
	struct file_meta *m = NULL;

	assert_int_equal(files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e), ERR_UNPROCESSABLE);
	in.use = "document";
	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e));
	assert_string_equal(m->mime, "application/pdf");
	in.use = "no-such-use";
	assert_int_equal(files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e), ERR_INVALID);
}

static void
test_size_limit_of_a_use_is_inclusive(void **state)
{
	struct fixture *f = *state;
	const struct files_use *u = files_use_find("logo");
	char *big = calloc(1, u->max_bytes + 1);
	struct files_new in;
	struct file_meta *m = NULL;

	assert_non_null(big);
	memcpy(big, PNG, sizeof(PNG));
	in = new_file("logo", "gross.png", big, u->max_bytes + 1);
	assert_int_equal(files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e), ERR_TOOBIG);
	assert_string_equal(f->e.user, "files.err.size");
	in.len = u->max_bytes;
	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e));
	assert_int_equal(m->size, (int64_t)u->max_bytes);
	in.len = 0;
	assert_int_equal(files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e), ERR_INVALID);
	free(big);
}

static void
test_stored_file_reads_back_only_for_its_tenant_and_with_consent(void **state)
{
	struct fixture *f = *state;
	struct files_new in = new_file("image", "../../etc/passwd.png", PNG, sizeof(PNG));
	struct file_meta *m = NULL, *got = NULL;
	struct str data;

	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m, &f->e));
	assert_true(files_id_valid(m->id));
	assert_string_equal(m->name, "passwd.png");
	assert_string_equal(m->mime, "image/png");
	assert_int_equal(strlen(m->sha256), 64);
	assert_int_equal(bytes_on_disk(f->ta, m->id), !scratch_is_pg());
	ASSERT_OK(&f->e,
		  files_get(g.s.db, &g.fs, f->ta, m->id, yes, NULL, &f->a, &got, &data, &f->e));
	assert_int_equal(data.len, sizeof(PNG));
	assert_memory_equal(data.p, PNG, sizeof(PNG));
	assert_string_equal(got->name, "passwd.png");
	assert_int_equal(
		files_get(g.s.db, &g.fs, f->tb, m->id, yes, NULL, &f->a, &got, &data, &f->e),
		ERR_NOTFOUND);
	assert_int_equal(
		files_get(g.s.db, &g.fs, f->ta, m->id, no, NULL, &f->a, &got, &data, &f->e),
		ERR_NOTFOUND);
	assert_int_equal(files_get(g.s.db, &g.fs, f->ta, "../../../etc/passwd", yes, NULL, &f->a,
				   &got, &data, &f->e),
			 ERR_NOTFOUND);
}

static void
test_two_files_get_different_random_ids(void **state)
{
	struct fixture *f = *state;
	struct files_new in = new_file("image", "a.png", PNG, sizeof(PNG));
	struct file_meta *m1 = NULL, *m2 = NULL;

	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m1, &f->e));
	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &m2, &f->e));
	assert_string_not_equal(m1->id, m2->id);
	assert_string_equal(m1->sha256, m2->sha256);
}

static void
test_purge_deletes_expired_files_with_their_bytes_and_keeps_the_rest(void **state)
{
	struct fixture *f = *state;
	struct files_new in = new_file("image", "alt.png", PNG, sizeof(PNG));
	struct file_meta *old = NULL, *keep = NULL, *later = NULL, *got;
	struct str data;
	int64_t now = (int64_t)time(NULL), n = -1;

	in.expires_at = now - 1;
	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &old, &f->e));
	in.expires_at = 0;
	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->ta, &in, &f->a, &keep, &f->e));
	ASSERT_OK(&f->e, files_put(g.s.db, &g.fs, f->tb, &in, &f->a, &later, &f->e));
	ASSERT_OK(&f->e, files_expire(g.s.db, f->tb, later->id, now + 3600, &f->e));
	/* An expired file is not served even before the purge. */
	assert_int_equal(
		files_get(g.s.db, &g.fs, f->ta, old->id, yes, NULL, &f->a, &got, &data, &f->e),
		ERR_NOTFOUND);
	ASSERT_OK(&f->e, files_purge_expired(g.s.db, &g.fs, now, &n, &f->e));
	assert_true(n >= 1);
	assert_false(bytes_on_disk(f->ta, old->id));
	assert_int_equal(scratch_int64(g.s.db, "SELECT count(*) FROM file_data WHERE file_id "
					       "NOT IN (SELECT id FROM file)"),
			 0);
	ASSERT_OK(&f->e,
		  files_get(g.s.db, &g.fs, f->ta, keep->id, yes, NULL, &f->a, &got, &data, &f->e));
	ASSERT_OK(&f->e,
		  files_get(g.s.db, &g.fs, f->tb, later->id, yes, NULL, &f->a, &got, &data, &f->e));
	ASSERT_OK(&f->e, files_purge_expired(g.s.db, &g.fs, now + 3600, &n, &f->e));
	assert_int_equal(n, 1);
	assert_int_equal(
		files_get(g.s.db, &g.fs, f->tb, later->id, yes, NULL, &f->a, &got, &data, &f->e),
		ERR_NOTFOUND);
}

/* files_name_sanitize() of a C string. */
static const char *
clean(const char *in, char *out)
{
	files_name_sanitize(in, strlen(in), out);
	return out;
}

static void
test_traversal_and_hostile_names_are_neutralised(void **state)
{
	char out[FILES_NAME_MAX + 1];

	(void)state;
	assert_string_equal(clean("../../etc/passwd", out), "passwd");
	assert_string_equal(clean("..\\..\\Windows\\win.ini", out), "win.ini");
	assert_string_equal(clean("C:\\Users\\anna\\Antrag.pdf", out), "Antrag.pdf");
	assert_string_equal(clean("..", out), FILES_FALLBACK_NAME);
	assert_string_equal(clean("", out), FILES_FALLBACK_NAME);
	assert_string_equal(clean("/", out), FILES_FALLBACK_NAME);
	assert_string_equal(clean(".htaccess", out), "htaccess");
	assert_string_equal(clean("bild. ", out), "bild");
	assert_string_equal(clean("a\x01\x1f\x7f"
				  "b.png",
				  out),
			    "ab.png");
	/* U+202E RIGHT-TO-LEFT OVERRIDE would show "gnp.exe" as "exe.png". */
	assert_string_equal(clean("rechnung\xe2\x80\xaegnp.exe", out), "rechnunggnp.exe");
	assert_string_equal(clean("a\xe2\x80\x8b"
				  "b\xef\xbb\xbf.txt",
				  out),
			    "ab.txt");
	assert_string_equal(clean("Antrag: \"neu\" <1>?.pdf", out), "Antrag_ _neu_ _1__.pdf");
	assert_string_equal(clean("Straße Lünen.pdf", out), "Straße Lünen.pdf");
}

static void
test_invalid_utf8_and_nul_become_safe(void **state)
{
	char out[FILES_NAME_MAX + 1];

	(void)state;
	files_name_sanitize("a\0b.png", 7, out);
	assert_string_equal(out, "ab.png");
	assert_string_equal(clean("\xff\xfe.png", out), "__.png");
	/* Overlong '/' (C0 AF) and a UTF-16 surrogate (ED A0 80) are not characters. */
	assert_string_equal(clean("x\xc0\xafy", out), "x__y");
	assert_string_equal(clean("x\xed\xa0\x80y", out), "x___y");
}

static void
test_windows_device_names_are_prefixed(void **state)
{
	char out[FILES_NAME_MAX + 1];

	(void)state;
	assert_string_equal(clean("CON", out), "_CON");
	assert_string_equal(clean("nul.txt", out), "_nul.txt");
	assert_string_equal(clean("com1.pdf", out), "_com1.pdf");
	assert_string_equal(clean("LPT9", out), "_LPT9");
	assert_string_equal(clean("console.txt", out), "console.txt");
	assert_string_equal(clean("com10.pdf", out), "com10.pdf");
}

static void
test_long_names_are_cut_between_characters_keeping_the_extension(void **state)
{
	char in[1000], out[FILES_NAME_MAX + 1];
	size_t n = 0, len;

	(void)state;
	while (n + 2 < 600) {
		memcpy(in + n, "\xc3\xbc", 2); /* ü */
		n += 2;
	}
	memcpy(in + n, ".pdf", 5);
	len = files_name_sanitize(in, strlen(in), out);
	assert_true(len <= FILES_NAME_MAX);
	assert_int_equal(strlen(out), len);
	assert_string_equal(out + len - 4, ".pdf");
	assert_true(str_valid_utf8((struct str){out, len}));
}

int
main(void)
{
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		TEST(test_html_content_named_png_is_refused_and_nothing_is_stored),
		TEST(test_pdf_is_a_document_but_not_a_logo),
		TEST(test_size_limit_of_a_use_is_inclusive),
		TEST(test_stored_file_reads_back_only_for_its_tenant_and_with_consent),
		TEST(test_two_files_get_different_random_ids),
		TEST(test_purge_deletes_expired_files_with_their_bytes_and_keeps_the_rest),
		cmocka_unit_test(test_traversal_and_hostile_names_are_neutralised),
		cmocka_unit_test(test_invalid_utf8_and_nul_become_safe),
		cmocka_unit_test(test_windows_device_names_are_prefixed),
		cmocka_unit_test(test_long_names_are_cut_between_characters_keeping_the_extension),
	};
#undef TEST
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
