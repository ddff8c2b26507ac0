/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of src/pdf: a document's text comes back out of pdftotext (umlauts
 * and ß through the embedded font), long text breaks onto numbered pages,
 * hostile text (bad UTF-8, control characters, a word longer than a line,
 * markup) is drawn as characters and never fails, and the page limit holds.
 */
#include "pdf/pdf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* The text pdftotext finds in `pdf`, malloc'd; pages are separated by form feeds. */
static char *
text_of(const struct buf *pdf)
{
	char in[] = "/tmp/rathaus-pdf-XXXXXX", cmd[128], *out = calloc(1, 1 << 20);
	int fd = mkstemp(in);
	FILE *p;
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf->p, pdf->len), (ssize_t)pdf->len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 %s - 2>&1", in);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, (1 << 20) - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	unlink(in);
	return out;
}

static int
count(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void
test_text_with_umlauts_comes_back_out(void **state)
{
	struct pdf_doc *d = pdf_new("Eingangsbestätigung");
	struct err e = {0};
	struct buf b;
	char *text;

	(void)state;
	buf_init(&b, 4u << 20);
	pdf_footer(d, "Lünen · LUE-2026-000001", "Seite", "von");
	pdf_title(d, "Eingangsbestätigung");
	pdf_heading(d, "Angaben zur Person", 0);
	pdf_pair(d, "Nachname", "Müller", 0);
	pdf_pair(d, "Größe", "1,80 m – Straße", 1);
	pdf_pair(d, "Leer", "", 0);
	assert_int_equal(pdf_render(d, &b, &e), 0);
	assert_memory_equal(b.p, "%PDF-", 5);
	text = text_of(&b);
	assert_non_null(strstr(text, "Eingangsbestätigung"));
	assert_non_null(strstr(text, "Müller"));
	assert_non_null(strstr(text, "Größe"));
	assert_non_null(strstr(text, "1,80 m – Straße"));
	assert_non_null(strstr(text, "Seite 1 von 1"));
	assert_non_null(strstr(text, "Lünen · LUE-2026-000001"));
	/* the font is embedded: no reader has to substitute one */
	assert_true(memmem(b.p, b.len, "/FontFile2", 10) || memmem(b.p, b.len, "/FontFile3", 10));
	free(text);
	buf_release(&b);
	pdf_free(d);
}

static void
test_long_and_hostile_text_wraps_onto_numbered_pages(void **state)
{
	struct pdf_doc *d = pdf_new(NULL);
	struct err e = {0};
	struct buf b;
	char *word = malloc(20001), *text;

	(void)state;
	memset(word, 'W', 20000);
	word[20000] = '\0';
	buf_init(&b, 8u << 20);
	pdf_pair(d, "Langes", word, 0);
	pdf_pair(d, "Markup", "<script>alert(1)</script> &amp; %s %n", 0);
	pdf_pair(d, "Kaputt", "a\xc3\x28z \xff\xfe \x01\x02\x1b[31m rot\x7f \xc2\x85 ende", 0);
	pdf_para(d, "Zeile eins\nZeile zwei\r\n\tZeile drei");
	for (int i = 0; i < 120; i++)
		pdf_pair(d, "Feld",
			 "Ein Satz, der ein wenig Platz braucht, damit Seiten voll werden.", i % 3);
	assert_int_equal(pdf_render(d, &b, &e), 0);
	text = text_of(&b);
	/* the long word is cut between characters and comes back in full */
	assert_int_equal(count(text, "W"), 20000);
	assert_non_null(strstr(text, "<script>alert(1)</script> &amp; %s %n"));
	assert_non_null(strstr(text, "a\xef\xbf\xbd(z"));
	assert_non_null(strstr(text, "[31m rot ende"));
	assert_non_null(strstr(text, "Zeile zwei"));
	assert_null(strchr(text, '\x1b'));
	assert_true(count(text, "\f") >= 5);
	assert_non_null(strstr(text, "Seite 1 von "));
	assert_non_null(strstr(text, "Seite 5 von "));
	free(text);
	free(word);
	buf_release(&b);
	pdf_free(d);
}

static void
test_limits_give_toobig(void **state)
{
	struct pdf_doc *d = pdf_new("x");
	struct err e = {0};
	struct buf b;

	(void)state;
	buf_init(&b, 1000); /* no PDF is this small */
	pdf_para(d, "Hallo");
	assert_int_equal(pdf_render(d, &b, &e), ERR_TOOBIG);
	buf_release(&b);
	pdf_free(d);
	d = pdf_new("x");
	buf_init(&b, 64u << 20);
	for (int i = 0; i < PDF_PAGES_MAX * 60; i++)
		pdf_para(d, "Zeile");
	assert_int_equal(pdf_render(d, &b, &e), ERR_TOOBIG);
	buf_release(&b);
	pdf_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_with_umlauts_comes_back_out),
		cmocka_unit_test(test_long_and_hostile_text_wraps_onto_numbered_pages),
		cmocka_unit_test(test_limits_give_toobig),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
