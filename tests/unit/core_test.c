/* SPDX-License-Identifier: EUPL-1.2 */
/* Unit tests of src/core: str parsing and UTF-8 checks, buf, arena, config and err. */
#include "core/arena.h"
#include "core/atom.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/seal.h"
#include "core/str.h"

#include <assert.h>
#include <limits.h>
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* After the headers it needs. */
#include <cmocka.h>

static char tmp_dir[64];		     /* holds the config files of this run */
static char conf_path[sizeof(tmp_dir) + 16]; /* tmp_dir/rathaus.conf */

#define VIEW(s) ((struct str){(s), sizeof(s) - 1}) /* also for literals holding NUL */

static void
assert_str(struct str s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.p, want, s.len);
}

static void
test_cut_splits_at_the_first_separator_only(void **state)
{
	struct str head, rest = str_cut(STR("a=b=c"), '=', &head);

	assert_str(head, "a");
	assert_str(rest, "b=c");
	rest = str_cut(STR("a="), '=', &head); /* empty rest, but not the "no separator" one */
	assert_str(head, "a");
	assert_non_null(rest.p);
	assert_int_equal(rest.len, 0);
}

static void
test_cut_without_separator_gives_all_as_head_and_a_null_rest(void **state)
{
	struct str head, rest = str_cut(STR("abc"), '&', &head);

	assert_str(head, "abc");
	assert_null(rest.p);
	assert_int_equal(rest.len, 0);
	rest = str_cut(STR_NULL, '&', &head);
	assert_int_equal(head.len, 0);
	assert_null(rest.p);
}

static void
test_trim_removes_ascii_white_space_at_both_ends_only(void **state)
{
	assert_str(str_trim(STR(" \t\r\n\f\va b\t \n")), "a b");
	assert_int_equal(str_trim(STR(" \t\n ")).len, 0);
	assert_int_equal(str_trim(STR_NULL).len, 0);
	/* A no-break space is not ASCII white space. */
	assert_str(str_trim(STR("\xc2\xa0x\xc2\xa0")), "\xc2\xa0x\xc2\xa0");
}

#define ANY INT64_MIN, INT64_MAX

/* The value of `s`, asserting that it parses. */
static int64_t
int64_ok(const char *s, int64_t min, int64_t max)
{
	int64_t v = -42;

	assert_int_equal(str_to_int64(str_c(s), min, max, &v), 0);
	return v;
}

/* The result of parsing `s`, asserting that a failure leaves the output alone. */
static int
int64_rc(struct str s, int64_t min, int64_t max)
{
	int64_t v = -42;
	int rc = str_to_int64(s, min, max, &v);

	if (rc)
		assert_true(v == -42);
	return rc;
}

static void
test_int64_parses_its_extremes_and_one_past_them_is_invalid(void **state)
{
	assert_true(int64_ok("9223372036854775807", ANY) == INT64_MAX);
	assert_true(int64_ok("-9223372036854775808", ANY) == INT64_MIN);
	assert_int_equal(int64_rc(STR("9223372036854775808"), ANY), ERR_INVALID);
	assert_int_equal(int64_rc(STR("-9223372036854775809"), ANY), ERR_INVALID);
	assert_int_equal(int64_rc(STR("18446744073709551616"), ANY), ERR_INVALID);
	assert_int_equal(int64_rc(STR("99999999999999999999999"), ANY), ERR_INVALID);
	assert_true(int64_ok("+0009", ANY) == 9);
}

static void
test_int64_range_is_inclusive_and_a_minus_needs_a_negative_min(void **state)
{
	assert_true(int64_ok("1", 1, 10) == 1);
	assert_true(int64_ok("10", 1, 10) == 10);
	assert_int_equal(int64_rc(STR("0"), 1, 10), ERR_INVALID);
	assert_int_equal(int64_rc(STR("11"), 1, 10), ERR_INVALID);
	assert_int_equal(int64_rc(STR("-11"), -10, 10), ERR_INVALID);
	assert_true(int64_ok("-0", -1, 1) == 0);
	assert_int_equal(int64_rc(STR("-0"), 0, 100), ERR_INVALID);
	assert_int_equal(int64_rc(STR("-1"), 0, 100), ERR_INVALID);
	assert_true(int64_ok("+5", 0, 100) == 5);
}

static void
test_int64_junk_empty_and_lone_signs_are_invalid(void **state)
{
	static const char *const bad[] = {"",	 "+",	"-",   " 1",  "1 ",	  "1a",	 "0x10",
					  "1.0", "--1", "+-1", "1e3", "\xd9\xa1", "1\n", "1,000"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(int64_rc(str_c(bad[i]), ANY), ERR_INVALID);
	/* The view's length counts, not a NUL terminator. */
	assert_int_equal(int64_rc((struct str){"12x", 2}, ANY), 0);
	assert_int_equal(int64_rc(VIEW("1\0"), ANY), ERR_INVALID);
}

/* Assert str_valid_utf8() is `want` for each NUL-terminated string up to NULL. */
static void
assert_utf8(bool want, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, want);
	while ((s = va_arg(ap, const char *))) {
		if (str_valid_utf8(str_c(s)) != want)
			fail_msg("str_valid_utf8 of \"%s\" is not %d", s, want);
	}
	va_end(ap);
}

static void
test_utf8_accepts_each_sequence_length_at_its_limits(void **state)
{
	assert_utf8(true, "", "\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf",
		    "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
		    "K\xc3\xb6ln \xf0\x9f\x8f\x9b", NULL);
	assert_true(str_valid_utf8(VIEW("a\0b"))); /* NUL is UTF-8; str_valid_text refuses it */
}

static void
test_utf8_rejects_overlong_encodings(void **state)
{
	assert_utf8(false, "\xc0\x80", "\xc1\xbf", "\xc0\xaf", "\xe0\x80\x80", "\xe0\x9f\xbf",
		    "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", NULL);
}

static void
test_utf8_rejects_surrogates(void **state)
{
	/* U+D800, U+DFFF, and a CESU-8 surrogate pair. */
	assert_utf8(false, "\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xa0\xbd\xed\xb8\x80", NULL);
}

static void
test_utf8_rejects_code_points_above_10ffff_and_bytes_never_used(void **state)
{
	assert_utf8(false, "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf",
		    "\xf8\x88\x80\x80\x80", "\xfe", "\xff", NULL);
}

static void
test_utf8_rejects_truncated_sequences_and_stray_continuations(void **state)
{
	assert_utf8(false, "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xe2\x82\x41", "\xf0\x9f\x98\x41",
		    "\xc3 ", "\x80", "a\xbf", "\xf0\x9f\x98\x80\x80", NULL);
	/* Cut inside a sequence by the view's length, with the rest in memory. */
	assert_false(str_valid_utf8((struct str){"\xc3\xa9", 1}));
	assert_false(str_valid_utf8((struct str){"\xe2\x82\xac", 2}));
	assert_false(str_valid_utf8((struct str){"\xf0\x9f\x98\x80", 3}));
}

static void
test_utf8_chars_counts_code_points_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(str_utf8_chars(""), 0);
	assert_int_equal(str_utf8_chars("abc"), 3);
	assert_int_equal(str_utf8_chars("Grüße"), 5);
	assert_int_equal(str_utf8_chars("\xe2\x82\xac\xf0\x9f\x98\x80x"), 3);
}

static void
test_slug_is_lower_case_letters_digits_and_inner_hyphens_up_to_max(void **state)
{
	(void)state;
	assert_true(str_slug_ok("yoga-2027", 9));
	assert_true(str_slug_ok("a", 1));
	assert_false(str_slug_ok("yoga-2027", 8));
	assert_false(str_slug_ok("", 80));
	assert_false(str_slug_ok(NULL, 80));
	assert_false(str_slug_ok("-yoga", 80));
	assert_false(str_slug_ok("yoga-", 80));
	assert_false(str_slug_ok("Yoga", 80));
	assert_false(str_slug_ok("yoga kurs", 80));
	assert_false(str_slug_ok("k\xc3\xbc"
				 "che",
				 80));
}

static void
test_count_is_a_whole_number_from_one_to_max_else_zero(void **state)
{
	(void)state;
	assert_int_equal(str_count("3", 8), 3);
	assert_int_equal(str_count(" 8\n", 8), 8);
	assert_int_equal(str_count("9", 8), 0);
	assert_int_equal(str_count("0", 8), 0);
	assert_int_equal(str_count("-1", 8), 0);
	assert_int_equal(str_count("2x", 8), 0);
	assert_int_equal(str_count("", 8), 0);
	assert_int_equal(str_count(NULL, 8), 0);
}

static void
test_in_list_finds_only_whole_entries(void **state)
{
	static const char *const list[] = {"markt", "musik", NULL};

	(void)state;
	assert_true(str_in_list("musik", list));
	assert_false(str_in_list("mus", list));
	assert_false(str_in_list("", list));
	assert_false(str_in_list(NULL, list));
}

static void
test_text_refuses_c0_controls_and_del_but_tab_cr_lf(void **state)
{
	for (int c = 0; c < 0x20; c++) {
		char s[2] = {(char)c, 'x'};

		assert_int_equal(str_valid_text((struct str){s, 2}),
				 c == '\t' || c == '\r' || c == '\n');
	}
	assert_false(str_valid_text(STR("a\x7f")));
	assert_false(str_valid_text(VIEW("a\0b")));
	assert_false(str_valid_text(STR("\xc3")));
	assert_true(str_valid_text(STR("K\xc3\xb6ln 1\r\n\t\xf0\x9f\x8f\x9b")));
	assert_true(str_valid_text(STR_NULL));
}

static void
test_line_refuses_every_control_and_broken_utf8(void **state)
{
	for (int c = 0; c < 0x20; c++) {
		char s[2] = {(char)c, 'x'};

		assert_false(str_valid_line((struct str){s, 2}));
	}
	assert_false(str_valid_line(STR("a\x7f")));
	assert_false(str_valid_line(STR("\xc3")));
	assert_true(str_valid_line(STR("Gro\xc3\x9f"
				       "e Stra\xc3\x9f"
				       "e 1")));
	assert_true(str_valid_line(STR_NULL));
}

/* A feed with one entry of another publisher: the whole document, escaped. */
static void
test_atom_feed_is_the_rfc_4287_document(void **state)
{
	static const char want[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de\">\n"
		"<id>https://x.de/aktuelles</id><title>News &amp; mehr</title>"
		"<updated>2025-12-01T10:00:00Z</updated>"
		"<link rel=\"self\" type=\"application/atom+xml\" "
		"href=\"https://x.de/a.atom?a=1&amp;b=2\"/>"
		"<link rel=\"alternate\" type=\"text/html\" href=\"https://x.de/aktuelles\"/>"
		"<author><name>Stadt X</name></author>\n"
		"<entry><id>https://x.de/aktuelles/1</id><title>&lt;b&gt;Fest&lt;/b&gt;</title>"
		"<published>1970-01-01T00:00:00Z</published><updated>2025-12-01T10:00:00Z</updated>"
		"<link rel=\"alternate\" type=\"text/html\" href=\"https://x.de/aktuelles/1\"/>"
		"<author><name>Gemeinde Y</name></author>"
		"<category term=\"kultur\" label=\"Kultur &quot;&amp;&quot; Sport\"/>"
		"<summary>kurz</summary></entry>\n"
		"</feed>\n";
	const char *const cats[] = {"kultur", "Kultur \"&\" Sport"};
	struct atom_feed f = {"https://x.de/aktuelles",
			      "https://x.de/a.atom?a=1&b=2",
			      "News & mehr",
			      "Stadt X",
			      NULL,
			      1764583200};
	struct atom_entry e = {"https://x.de/aktuelles/1",
			       "<b>Fest</b>",
			       "kurz",
			       "Gemeinde Y",
			       0,
			       1764583200,
			       cats,
			       1};
	struct xml_writer x;
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	atom_begin(&x, &b, &f);
	atom_entry(&x, &e);
	atom_end(&x);
	assert_string_equal(b.p, want);
	buf_release(&b);
}

/* git's assert_sane_strbuf(): what must hold after every operation. */
static void
assert_sane_buf(const struct buf *b)
{
	assert_non_null(b->p);
	assert_int_equal(b->p[b->len], '\0');
	assert_true(b->len <= b->max);
	assert_true(b->cap ? b->len < b->cap : b->len == 0);
}

/* Assert that an operation on `b` returned `want` and left `b` sane. */
static void
check(struct buf *b, int rc, int want)
{
	assert_int_equal(rc, want);
	assert_sane_buf(b);
}

static void
test_appends_keep_the_bytes_and_the_nul_after_each(void **state)
{
	struct buf b;

	buf_init(&b, 1024);
	assert_sane_buf(&b);
	assert_string_equal(b.p, ""); /* never NULL, even before the first append */
	check(&b, buf_add(&b, "ab", 2), 0);
	check(&b, buf_add(&b, "zzz", 0), 0);
	check(&b, buf_addc(&b, 'c'), 0);
	check(&b, buf_adds(&b, "de"), 0);
	check(&b, buf_addstr(&b, (struct str){"fgXX", 2}), 0);
	check(&b, buf_addf(&b, "%d%s", 12, "h"), 0);
	assert_string_equal(b.p, "abcdefg12h");
	assert_str(buf_str(&b), "abcdefg12h");
	buf_reset(&b);
	assert_sane_buf(&b);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	assert_sane_buf(&b);
}

static void
test_append_past_the_cap_is_toobig_adds_nothing_and_sticks(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	check(&b, buf_adds(&b, "12345"), 0);
	check(&b, buf_adds(&b, "6789"), ERR_TOOBIG);
	assert_string_equal(b.p, "12345");
	assert_true(b.toobig);
	/* A later append that fits works, up to the cap exactly, but the flag stays. */
	check(&b, buf_addf(&b, "%s", "678"), 0);
	assert_string_equal(b.p, "12345678");
	assert_true(b.toobig);
	check(&b, buf_addc(&b, '9'), ERR_TOOBIG);
	check(&b, buf_addf(&b, "%d", 9), ERR_TOOBIG);
	check(&b, buf_addstr(&b, STR("9")), ERR_TOOBIG);
	check(&b, buf_addf(&b, "%s", ""), 0);
	assert_string_equal(b.p, "12345678");
	buf_reset(&b);
	assert_false(b.toobig);
	check(&b, buf_adds(&b, "12345678"), 0);
	assert_false(b.toobig);
	buf_release(&b);
	buf_init(&b, 0);
	check(&b, buf_addc(&b, 'x'), ERR_TOOBIG);
	buf_release(&b);
}

static void
test_addf_grows_past_the_first_64_bytes(void **state)
{
	char want[400] = "";
	size_t n = 0;
	struct buf b;

	buf_init(&b, BUF_MAX_DEFAULT);
	for (int i = 0; i < 30; i++) {
		check(&b, buf_addf(&b, "%d:%s;", i, "abcdefgh"), 0);
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%d:%s;", i, "abcdefgh");
	}
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, n);
	/* One format far longer than the doubled capacity. */
	buf_reset(&b);
	check(&b, buf_addf(&b, "%0*d", 5000, 7), 0);
	assert_int_equal(b.len, 5000);
	assert_int_equal(b.p[4998], '0');
	assert_int_equal(b.p[4999], '7');
	buf_release(&b);
}

static void
test_detach_hands_over_the_bytes_and_leaves_an_empty_buffer(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b, 100);
	p = buf_detach(&b, &len); /* never grown: still a string the caller frees */
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	check(&b, buf_adds(&b, "hello"), 0);
	p = buf_detach(&b, &len);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	assert_sane_buf(&b);
	assert_int_equal(b.max, 100);
	check(&b, buf_adds(&b, "again"), 0);
	assert_string_equal(p, "hello");
	free(p);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "again");
	free(p);
	buf_release(&b);
}

static void
test_every_arena_allocation_is_aligned_for_any_type_and_disjoint(void **state)
{
	unsigned char *ptrs[300];
	struct arena a;

	arena_init(&a);
	for (size_t n = 0; n < 300; n++) {
		ptrs[n] = arena_alloc(&a, n);
		assert_int_equal((uintptr_t)ptrs[n] % alignof(max_align_t), 0);
		memset(ptrs[n], (int)n, n);
	}
	for (size_t n = 0; n < 300; n++)
		for (size_t i = 0; i < n; i++)
			assert_int_equal(ptrs[n][i], n & 0xff);
	arena_release(&a);
}

static void
test_large_allocations_are_usable_and_leave_small_ones_intact(void **state)
{
	const size_t sizes[] = {4097, 16 * 1024 + 1, 1 << 20};
	struct arena a;
	char *small, *big;

	arena_init(&a);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		small = arena_strdup(&a, "before");
		big = arena_alloc(&a, sizes[i]);
		assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
		memset(big, 'x', sizes[i]);
		assert_string_equal(arena_strdup(&a, "after"), "after");
		assert_string_equal(small, "before");
		assert_int_equal(big[sizes[i] - 1], 'x');
	}
	arena_release(&a);
	big = arena_alloc(&a, 100000); /* as the very first allocation */
	memset(big, 'y', 100000);
	assert_string_equal(arena_strdup(&a, "ok"), "ok");
	assert_int_equal(big[99999], 'y');
	arena_release(&a);
}

static void
test_arena_copies_are_nul_terminated_and_independent(void **state)
{
	char src[] = "Rathaus";
	struct arena a;
	char *s, *t, *u, *p, *z;

	arena_init(&a);
	s = arena_strdup(&a, src);
	t = arena_strndup(&a, src, 3);
	u = arena_strdup_str(&a, (struct str){src + 3, 2});
	p = arena_printf(&a, "%s-%05d-%c", "id", 42, 'z');
	src[0] = 'X';
	assert_string_equal(s, "Rathaus");
	assert_string_equal(t, "Rat");
	assert_string_equal(u, "ha");
	assert_string_equal(arena_strdup_str(&a, STR_NULL), "");
	assert_string_equal(p, "id-00042-z");
	p = arena_printf(&a, "%0*d", 20000, 5); /* longer than a block */
	assert_int_equal(strlen(p), 20000);
	assert_int_equal(p[19999], '5');
	z = arena_calloc(&a, 1000, 8);
	for (size_t i = 0; i < 8000; i++)
		assert_int_equal(z[i], 0);
	arena_release(&a);
}

/* Strings formatted into a block's rest, at every length up to past a block, stay apart. */
static void
test_arena_printf_fills_blocks_without_overlap(void **state)
{
	struct arena a;
	char *v[600];

	(void)state;
	arena_init(&a);
	for (int i = 0; i < 600; i++) {
		v[i] = arena_printf(&a, "%0*d", (i * 37) % 5000, i % 10);
		if (i % 7 == 0)
			memset(arena_alloc(&a, (size_t)i), 0xff, (size_t)i);
	}
	for (int i = 0; i < 600; i++) {
		size_t n = (size_t)(i * 37) % 5000;

		assert_int_equal(strlen(v[i]), n ? n : 1);
		assert_int_equal(v[i][strlen(v[i]) - 1], '0' + i % 10);
	}
	arena_release(&a);
}

static int defer_log[8];
static int defer_n;

static void
record(void *p)
{
	defer_log[defer_n++] = *(int *)p;
}

static void
test_defers_run_in_reverse_order_once_at_release(void **state)
{
	static int one = 1, three = 3;
	struct arena a;
	int *two;

	defer_n = 0;
	arena_init(&a);
	arena_defer(&a, record, &one);
	two = arena_alloc(&a, sizeof(*two));
	*two = 2;
	arena_defer(&a, record, two); /* arena memory is still readable in a defer */
	arena_defer(&a, record, &three);
	assert_int_equal(defer_n, 0);
	arena_release(&a);
	assert_int_equal(defer_n, 3);
	assert_int_equal(defer_log[0], 3);
	assert_int_equal(defer_log[1], 2);
	assert_int_equal(defer_log[2], 1);
	arena_release(&a);
	assert_int_equal(defer_n, 3);
}

static void
test_arena_is_empty_and_usable_again_after_release(void **state)
{
	struct arena a;

	arena_init(&a);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 100; i++)
			memset(arena_alloc(&a, 1000), 'r', 1000);
		assert_true(a.used >= 100 * 1000);
		assert_string_equal(arena_strdup(&a, "still here"), "still here");
		arena_release(&a);
		assert_null(a.head);
		assert_null(a.defers);
		assert_int_equal(a.used, 0);
	}
}

struct cfg {
	struct config c;
	struct err e;
};

/* The environment is process-wide: every config test starts without RATHAUS_ variables. */
static int
config_setup(void **state)
{
	static struct cfg f;
	char name[256];

	for (size_t i = 0; environ[i];) {
		size_t n = strcspn(environ[i], "=");

		if (strncmp(environ[i], "RATHAUS_", 8) != 0 || n >= sizeof(name)) {
			i++;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)n, environ[i]);
		unsetenv(name); /* the later entries move down to i */
	}
	unlink(conf_path);
	memset(&f, 0, sizeof(f));
	*state = &f;
	return 0;
}

static void
write_conf(const char *text)
{
	FILE *f = fopen(conf_path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
test_config_without_file_or_environment_has_the_defaults(void **state)
{
	struct cfg *f = *state;

	assert_int_equal(config_load(&f->c, NULL, &f->e), 0);
	assert_string_equal(f->c.listen_host, "127.0.0.1");
	assert_int_equal(f->c.listen_port, 8080);
	assert_string_equal(f->c.db, "sqlite:var/rathaus.db");
	assert_string_equal(f->c.data_dir, "var/data");
	assert_string_equal(f->c.share_dir, RATHAUS_SHARE_DIR_DEFAULT);
	assert_string_equal(f->c.log_level, "info");
	assert_int_equal(f->c.threads, 0);
	assert_int_equal(f->c.max_connections, 1024);
	assert_int_equal(f->c.timeout_s, 30);
	assert_true(f->c.max_body == 1 << 20);
	assert_true(f->c.max_upload == 20 << 20);
	assert_int_equal(f->c.session_ttl_s, 8 * 3600);
	assert_int_equal(f->c.login_rate, 10);
	assert_true(f->c.booking_limits);
	assert_true(f->c.report_limits);
	assert_false(f->c.form_delivery_http_local);
	assert_int_equal(f->c.header_timeout_s, 20);
	assert_int_equal(f->c.max_connections_per_ip, 64);
	assert_int_equal(f->c.api_write_rate, 600);
	assert_int_equal(f->c.page_cache_ttl_s, 5);
	assert_int_equal(f->c.form_delivery_backoff_s, 60);
	assert_string_equal(f->c.mail_from, "rathaus@localhost");
	assert_string_equal(f->c.smtp_url, "");
	assert_int_equal(f->c.n_trusted_proxies, 0);
	assert_string_equal(f->c.file, "");
}

static void
test_config_file_sets_keys_and_skips_comments_and_blank_lines(void **state)
{
	struct cfg *f = *state;

	write_conf("# Rathaus\n\n   \n\t# indented = comment\nlisten = 0.0.0.0:9000\n"
		   "  db=sqlite:/srv/r.db  \nthreads = 4\nmax_upload = 4294967296\n"
		   "log_level = debug\ntrusted_proxies = 10.0.0.1, ::1 ,, 192.168.1.1\n"
		   "session_ttl = 60");
	assert_int_equal(config_load(&f->c, conf_path, &f->e), 0);
	assert_string_equal(f->c.listen_host, "0.0.0.0");
	assert_int_equal(f->c.listen_port, 9000);
	assert_string_equal(f->c.db, "sqlite:/srv/r.db");
	assert_int_equal(f->c.threads, 4);
	assert_true(f->c.max_upload == 4294967296LL);
	assert_string_equal(f->c.log_level, "debug");
	assert_int_equal(f->c.session_ttl_s, 60);
	assert_int_equal(f->c.n_trusted_proxies, 3);
	assert_string_equal(f->c.trusted_proxies[0], "10.0.0.1");
	assert_string_equal(f->c.trusted_proxies[1], "::1");
	assert_string_equal(f->c.trusted_proxies[2], "192.168.1.1");
	assert_true(config_is_trusted_proxy(&f->c, "::1"));
	assert_false(config_is_trusted_proxy(&f->c, "10.0.0.2"));
	assert_false(config_is_trusted_proxy(&f->c, "10.0.0.1 "));
	assert_int_equal(f->c.max_connections, 1024); /* not in the file: default */
	assert_string_equal(f->c.file, conf_path);
}

static void
test_environment_overrides_the_file_and_may_name_it(void **state)
{
	struct cfg *f = *state;

	write_conf("listen = 0.0.0.0:9000\ndb = sqlite:/srv/file.db\nthreads = 2\n");
	setenv("RATHAUS_LISTEN", "[::1]:7000", 1);
	setenv("RATHAUS_DB", "postgresql://rathaus@db/rathaus", 1);
	assert_int_equal(config_load(&f->c, conf_path, &f->e), 0);
	assert_string_equal(f->c.listen_host, "::1");
	assert_int_equal(f->c.listen_port, 7000);
	assert_string_equal(f->c.db, "postgresql://rathaus@db/rathaus");
	assert_int_equal(f->c.threads, 2);
	setenv("RATHAUS_CONFIG", conf_path, 1);
	assert_int_equal(config_load(&f->c, NULL, &f->e), 0);
	assert_string_equal(f->c.file, conf_path);
	assert_int_equal(f->c.threads, 2);
}

static void
test_bad_setting_is_invalid_naming_its_line_or_variable(void **state)
{
	char want[256];
	struct cfg *f = *state;

	write_conf("threads = 2\n\n# typo below\nthread = 3\n");
	assert_int_equal(config_load(&f->c, conf_path, &f->e), ERR_INVALID);
	snprintf(want, sizeof(want), "%s:4: unknown setting 'thread'", conf_path);
	assert_string_equal(f->e.detail, want);
	write_conf("listen\n");
	assert_int_equal(config_load(&f->c, conf_path, &f->e), ERR_INVALID);
	snprintf(want, sizeof(want), "%s:1: expected 'key = value'", conf_path);
	assert_string_equal(f->e.detail, want);
	assert_int_equal(config_load(&f->c, "/nonexistent/rathaus.conf", &f->e), ERR_INVALID);
	setenv("RATHAUS_THREADS", "many", 1);
	assert_int_equal(config_load(&f->c, NULL, &f->e), ERR_INVALID);
	assert_string_equal(f->e.detail,
			    "RATHAUS_THREADS: threads 'many' is not a number from 0 to 256");
}

static void
test_listen_with_a_bad_port_or_no_host_is_invalid_and_changes_nothing(void **state)
{
	static const char *const bad[] = {
		"localhost:65536", "localhost:-1", "localhost:", "localhost:http", "8080",
		":8080",	   "[]:80",	   "h:+"};
	struct cfg *f = *state;

	assert_int_equal(config_load(&f->c, NULL, &f->e), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(config_set(&f->c, "listen", bad[i], &f->e), ERR_INVALID);
		assert_string_equal(f->c.listen_host, "127.0.0.1");
		assert_int_equal(f->c.listen_port, 8080);
	}
	assert_int_equal(config_set(&f->c, "listen", "example.org:65535", &f->e), 0);
	assert_string_equal(f->c.listen_host, "example.org");
	assert_int_equal(f->c.listen_port, 65535);
	assert_int_equal(config_set(&f->c, "listen", "[2001:db8::1]:0", &f->e), 0);
	assert_string_equal(f->c.listen_host, "2001:db8::1");
	assert_int_equal(f->c.listen_port, 0);
}

static void
test_numbers_outside_their_range_and_too_long_text_are_invalid(void **state)
{
	char text[CONFIG_STR_MAX + 1];
	struct cfg *f = *state;

	assert_int_equal(config_load(&f->c, NULL, &f->e), 0);
	memset(text, 'x', CONFIG_STR_MAX);
	text[CONFIG_STR_MAX] = '\0';
	assert_int_equal(config_set(&f->c, "data_dir", text, &f->e), ERR_INVALID);
	assert_string_equal(f->c.data_dir, "var/data");
	text[CONFIG_STR_MAX - 1] = '\0';
	assert_int_equal(config_set(&f->c, "data_dir", text, &f->e), 0);
	assert_string_equal(f->c.data_dir, text);
	assert_int_equal(config_set(&f->c, "threads", "257", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "max_connections", "0", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "session_ttl", "59", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "max_body", "1023", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "timeout", "", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "log_level", "verbose", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "booking_limits", "aus", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "booking_limits", "", &f->e), ERR_INVALID);
	assert_true(f->c.booking_limits);
	assert_int_equal(config_set(&f->c, "booking_limits", "off", &f->e), 0);
	assert_false(f->c.booking_limits);
	assert_int_equal(config_set(&f->c, "booking_limits", "on", &f->e), 0);
	assert_true(f->c.booking_limits);
	assert_int_equal(f->c.form_delivery_backoff_s, 60);
	assert_false(f->c.form_delivery_http_local);
	assert_int_equal(config_set(&f->c, "form_delivery_backoff", "3601", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "form_delivery_backoff", "-1", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "form_delivery_backoff", "0", &f->e), 0);
	assert_int_equal(f->c.form_delivery_backoff_s, 0);
	assert_int_equal(config_set(&f->c, "form_delivery_http_local", "yes", &f->e), ERR_INVALID);
	assert_int_equal(config_set(&f->c, "form_delivery_http_local", "on", &f->e), 0);
	assert_true(f->c.form_delivery_http_local);
	assert_int_equal(f->c.threads, 0);
	assert_int_equal(f->c.max_connections, 1024);
	assert_int_equal(f->c.session_ttl_s, 8 * 3600);
	assert_true(f->c.max_body == 1 << 20);
	assert_string_equal(f->c.log_level, "info");
	assert_int_equal(config_set(&f->c, "threads", "256", &f->e), 0);
	assert_int_equal(f->c.threads, 256);
}

static void
test_trusted_proxies_are_limited_in_number_and_length(void **state)
{
	char long_ip[80];
	struct cfg *f = *state;

	assert_int_equal(config_load(&f->c, NULL, &f->e), 0);
	assert_int_equal(config_set(&f->c, "trusted_proxies", "1,2,3,4,5,6,7,8", &f->e), 0);
	assert_int_equal(f->c.n_trusted_proxies, 8);
	assert_string_equal(f->c.trusted_proxies[7], "8");
	assert_int_equal(config_set(&f->c, "trusted_proxies", "1,2,3,4,5,6,7,8,9", &f->e),
			 ERR_INVALID);
	memset(long_ip, 'a', 64);
	long_ip[64] = '\0';
	assert_int_equal(config_set(&f->c, "trusted_proxies", long_ip, &f->e), ERR_INVALID);
	long_ip[63] = '\0';
	assert_int_equal(config_set(&f->c, "trusted_proxies", long_ip, &f->e), 0);
	assert_true(config_is_trusted_proxy(&f->c, long_ip));
	assert_int_equal(config_set(&f->c, "trusted_proxies", " , ", &f->e), 0);
	assert_int_equal(f->c.n_trusted_proxies, 0);
	assert_false(config_is_trusted_proxy(&f->c, long_ip));
}

/* What config_print() writes for `c`. */
static void
print_config(const struct config *c, char *out, size_t size)
{
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	config_print(c, fileno(f));
	rewind(f);
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void
test_config_print_masks_the_password_of_a_postgresql_url(void **state)
{
	char out[8192];
	struct cfg *f = *state;

	assert_int_equal(config_load(&f->c, NULL, &f->e), 0);
	assert_int_equal(
		config_set(&f->c, "db", "postgresql://rathaus:s3cr3t@db.example:5432/r", &f->e), 0);
	print_config(&f->c, out, sizeof(out));
	assert_non_null(strstr(out, "\ndb = postgresql://rathaus:***@db.example:5432/r\t# "));
	assert_null(strstr(out, "s3cr3t"));
	assert_non_null(strstr(out, "listen = 127.0.0.1:8080\t# "));
	assert_non_null(strstr(out, "\nthreads = 0\t# "));

	assert_int_equal(config_set(&f->c, "db", "postgresql://rathaus@db.example:5432/r", &f->e),
			 0);
	print_config(&f->c, out, sizeof(out));
	assert_non_null(strstr(out, "\ndb = postgresql://rathaus@db.example:5432/r\t# "));

	/* libpq also takes the password as a query parameter. */
	assert_int_equal(
		config_set(&f->c, "db", "postgresql://db/r?user=u&password=s3cr3t&x=1", &f->e), 0);
	print_config(&f->c, out, sizeof(out));
	assert_non_null(strstr(out, "\ndb = postgresql://db/r?user=u&password=***&x=1\t# "));
	assert_null(strstr(out, "s3cr3t"));
}

static void
test_err_set_returns_the_code_and_fills_the_record(void **state)
{
	char long_arg[600];
	struct err e;

	err_clear(&e);
	assert_int_equal(e.code, 0);
	assert_null(e.user);
	assert_string_equal(e.detail, "");
	assert_int_equal(
		err_set(&e, ERR_CONFLICT, "appt.slot_full", "slot %d of '%s' is full", 3, "x"),
		ERR_CONFLICT);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.user, "appt.slot_full");
	assert_string_equal(e.detail, "slot 3 of 'x' is full");
	assert_int_equal(err_set(&e, ERR_DB, NULL, "down"), ERR_DB);
	assert_string_equal(e.user, "error.internal");
	assert_int_equal(err_set(NULL, ERR_IO, NULL, "nowhere"), ERR_IO);
	memset(long_arg, 'd', sizeof(long_arg) - 1);
	long_arg[sizeof(long_arg) - 1] = '\0';
	assert_int_equal(err_set(&e, ERR_INVALID, NULL, "%s", long_arg), ERR_INVALID);
	assert_int_equal(strlen(e.detail), sizeof(e.detail) - 1);
}

static void
test_err_name_names_every_code_and_unknown_ones(void **state)
{
	static const char *const names[] = {
		"ok",	     "invalid", "unprocessable", "unauthorized", "forbidden",
		"not_found", "method",	"conflict",	 "too_big",	 "rate_limit",
		"db",	     "io",	"internal",
	};

	static_assert(sizeof(names) / sizeof(names[0]) == ERR_INTERNAL + 1, "one name per code");
	for (int i = 0; i <= ERR_INTERNAL; i++)
		assert_string_equal(err_name(i), names[i]);
	assert_string_equal(err_name(-1), "unknown");
	assert_string_equal(err_name(ERR_INTERNAL + 1), "unknown");
}

#define CONFIG_TEST(fn) cmocka_unit_test_setup(fn, config_setup)

/* Write `text` to a new temporary file; its path in `path`. */
static void
temp_file(char path[64], const char *text)
{
	int fd;

	snprintf(path, 64, "/tmp/rathaus-seal-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
test_seal_keeps_secrets_sealed_at_rest(void **state)
{
	struct arena a;
	struct err e = {0};
	char path[64], other[64], bad[64];
	const char *one, *two, *plain;
	char *damaged;

	(void)state;
	arena_init(&a);
	/* Without a key values stay as they are. */
	assert_int_equal(seal_key_load("", &e), 0);
	assert_false(seal_has_key());
	assert_string_equal(seal_text(&a, "geheim"), "geheim");
	temp_file(path, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
	temp_file(other, "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=");
	temp_file(bad, "zu kurz");
	assert_int_equal(seal_key_load(bad, &e), ERR_INVALID);
	assert_int_equal(seal_key_load("/nonexistent/key", &e), ERR_INVALID);
	assert_int_equal(seal_key_load(path, &e), 0);
	assert_true(seal_has_key());
	one = seal_text(&a, "client-secret-4711");
	two = seal_text(&a, "client-secret-4711");
	assert_true(strncmp(one, SEAL_PREFIX, strlen(SEAL_PREFIX)) == 0);
	assert_null(strstr(one, "4711"));
	assert_string_not_equal(one, two); /* a fresh nonce each time */
	assert_int_equal(seal_open(&a, one, &plain, &e), 0);
	assert_string_equal(plain, "client-secret-4711");
	assert_int_equal(seal_open(&a, "stored before the key", &plain, &e), 0);
	assert_string_equal(plain, "stored before the key");
	damaged = arena_strdup(&a, one);
	damaged[strlen(damaged) - 2] = damaged[strlen(damaged) - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(seal_open(&a, damaged, &plain, &e), ERR_INTERNAL);
	assert_int_equal(seal_open(&a, SEAL_PREFIX "!!", &plain, &e), ERR_INTERNAL);
	assert_int_equal(seal_key_load(other, &e), 0);
	assert_int_equal(seal_open(&a, one, &plain, &e), ERR_INTERNAL);
	assert_int_equal(seal_key_load("", &e), 0);
	assert_int_equal(seal_open(&a, one, &plain, &e), ERR_INTERNAL);
	unlink(path);
	unlink(other);
	unlink(bad);
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_splits_at_the_first_separator_only),
		cmocka_unit_test(test_cut_without_separator_gives_all_as_head_and_a_null_rest),
		cmocka_unit_test(test_trim_removes_ascii_white_space_at_both_ends_only),
		cmocka_unit_test(test_int64_parses_its_extremes_and_one_past_them_is_invalid),
		cmocka_unit_test(test_int64_range_is_inclusive_and_a_minus_needs_a_negative_min),
		cmocka_unit_test(test_int64_junk_empty_and_lone_signs_are_invalid),
		cmocka_unit_test(test_utf8_accepts_each_sequence_length_at_its_limits),
		cmocka_unit_test(test_utf8_rejects_overlong_encodings),
		cmocka_unit_test(test_utf8_rejects_surrogates),
		cmocka_unit_test(test_utf8_rejects_code_points_above_10ffff_and_bytes_never_used),
		cmocka_unit_test(test_utf8_rejects_truncated_sequences_and_stray_continuations),
		cmocka_unit_test(test_utf8_chars_counts_code_points_not_bytes),
		cmocka_unit_test(
			test_slug_is_lower_case_letters_digits_and_inner_hyphens_up_to_max),
		cmocka_unit_test(test_in_list_finds_only_whole_entries),
		cmocka_unit_test(test_count_is_a_whole_number_from_one_to_max_else_zero),
		cmocka_unit_test(test_text_refuses_c0_controls_and_del_but_tab_cr_lf),
		cmocka_unit_test(test_line_refuses_every_control_and_broken_utf8),
		cmocka_unit_test(test_atom_feed_is_the_rfc_4287_document),
		cmocka_unit_test(test_appends_keep_the_bytes_and_the_nul_after_each),
		cmocka_unit_test(test_append_past_the_cap_is_toobig_adds_nothing_and_sticks),
		cmocka_unit_test(test_addf_grows_past_the_first_64_bytes),
		cmocka_unit_test(test_detach_hands_over_the_bytes_and_leaves_an_empty_buffer),
		cmocka_unit_test(test_every_arena_allocation_is_aligned_for_any_type_and_disjoint),
		cmocka_unit_test(test_large_allocations_are_usable_and_leave_small_ones_intact),
		cmocka_unit_test(test_arena_copies_are_nul_terminated_and_independent),
		cmocka_unit_test(test_arena_printf_fills_blocks_without_overlap),
		cmocka_unit_test(test_seal_keeps_secrets_sealed_at_rest),
		cmocka_unit_test(test_defers_run_in_reverse_order_once_at_release),
		cmocka_unit_test(test_arena_is_empty_and_usable_again_after_release),
		CONFIG_TEST(test_config_without_file_or_environment_has_the_defaults),
		CONFIG_TEST(test_config_file_sets_keys_and_skips_comments_and_blank_lines),
		CONFIG_TEST(test_environment_overrides_the_file_and_may_name_it),
		CONFIG_TEST(test_bad_setting_is_invalid_naming_its_line_or_variable),
		CONFIG_TEST(test_listen_with_a_bad_port_or_no_host_is_invalid_and_changes_nothing),
		CONFIG_TEST(test_numbers_outside_their_range_and_too_long_text_are_invalid),
		CONFIG_TEST(test_trusted_proxies_are_limited_in_number_and_length),
		CONFIG_TEST(test_config_print_masks_the_password_of_a_postgresql_url),
		cmocka_unit_test(test_err_set_returns_the_code_and_fills_the_record),
		cmocka_unit_test(test_err_name_names_every_code_and_unknown_ones),
	};
	int failed;

	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/rathaus-core-test-XXXXXX");
	if (!mkdtemp(tmp_dir))
		return 1;
	snprintf(conf_path, sizeof(conf_path), "%s/rathaus.conf", tmp_dir);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(conf_path);
	rmdir(tmp_dir);
	return failed;
}
