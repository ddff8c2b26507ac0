/* SPDX-License-Identifier: EUPL-1.2 */
/* Outgoing mail: MIME building, header safety, addresses, links, templates, the outbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/arena.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "mail/mail.h"
#include "scratch.h"
#include "tenant/tenant.h"
#include "view/view.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct mail_msg base_msg = {
	.from_name = "Gemeinde Adendorf",
	.from = "rathaus@adendorf.de",
	.to = "buerger@example.org",
	.subject = "Ihr Antrag",
	.text = "Guten Tag,\nIhr Antrag ist da.\n.\nEnde",
	.html = "<p>Guten Tag</p>",
	.date = 1796319029,
	.message_id = "<abc.1@adendorf.de>",
	.boundary = "=_0123abc",
};

static int
build(const struct mail_msg *m, struct buf *b, struct err *e)
{
	buf_init(b, 1 << 20);
	return mail_mime_build(m, b, e);
}

/* Every line ends in CRLF and fits RFC 5322's 78 characters; no bare CR or LF. */
static void
assert_lines_sane(const char *s)
{
	const char *line = s;

	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			assert_int_equal(p[1], '\n');
			assert_true(p - line <= 78);
			line = p + 2;
			p++;
		} else {
			assert_int_not_equal(*p, '\n');
		}
	}
	assert_ptr_equal(line, s + strlen(s));
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
test_message_has_its_headers_and_two_base64_parts(void **state)
{
	struct err e = {0};
	struct buf b;

	(void)state;
	ASSERT_OK(&e, build(&base_msg, &b, &e));
	assert_lines_sane(b.p);
	assert_non_null(strstr(b.p, "From: Gemeinde Adendorf <rathaus@adendorf.de>\r\n"));
	assert_non_null(strstr(b.p, "\r\nTo: <buerger@example.org>\r\nSubject: Ihr Antrag\r\n"));
	assert_non_null(strstr(b.p, "\r\nDate: Thu, 03 Dec 2026 17:30:29 +0000\r\n"));
	assert_non_null(strstr(b.p, "\r\nMessage-ID: <abc.1@adendorf.de>\r\n"));
	assert_non_null(strstr(b.p, "multipart/alternative;\r\n boundary=\"=_0123abc\"\r\n"));
	assert_int_equal(count(b.p, "\r\n--=_0123abc\r\n"), 2);
	assert_int_equal(count(b.p, "\r\n--=_0123abc--\r\n"), 1);
	assert_int_equal(count(b.p, "Content-Transfer-Encoding: base64"), 2);
	/* "Guten Tag,\r\nIhr..." in base64: the text's LF became CRLF. */
	assert_non_null(strstr(b.p, "R3V0ZW4gVGFnLA0KSWhy"));
	buf_release(&b);
}

static void
test_cr_or_lf_in_a_header_value_is_refused(void **state)
{
	const char *bad_subjects[] = {"Hi\r\nBcc: x@evil.example", "Hi\nBcc: x", "Hi\rX", "a\tb",
				      "\xc3"};
	struct mail_msg m = base_msg;
	struct err e = {0};
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_subjects) / sizeof(bad_subjects[0]); i++) {
		m.subject = bad_subjects[i];
		assert_int_equal(build(&m, &b, &e), ERR_INVALID);
		assert_string_equal(e.user, "mail.invalid");
		buf_release(&b);
	}
	m = base_msg;
	m.to = "a@example.org\r\nBcc: x@evil.example";
	assert_int_equal(build(&m, &b, &e), ERR_INVALID);
	buf_release(&b);
	m = base_msg;
	m.from_name = "Adendorf\r\nBcc: x@evil.example";
	assert_int_equal(build(&m, &b, &e), ERR_INVALID);
	buf_release(&b);
}

static void
test_addresses_we_send_to(void **state)
{
	const char *good[] = {"a@b.de", "first.last+tag@sub.example.org", "rathaus@localhost",
			      "o'brien@example.ie"};
	const char *bad[] = {"",	  "a",	      "@b.de",	 "a@",	    "a@@b.de",
			     "a b@c.de",  "<a@b.de>", "a@b.de>", ".a@b.de", "a.@b.de",
			     "a..b@c.de", "a@-b.de",  "a@b-.de", "a@b..de", "a@b.de\r\n",
			     "a\"b@c.de", "a@b_c.de", "ä@b.de",	 "a@bä.de", "a,b@c.de"};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(mail_addr_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mail_addr_valid(bad[i]))
			print_error("accepted: '%s'\n", bad[i]);
		assert_false(mail_addr_valid(bad[i]));
	}
}

/* Decode each RFC 2047 word of the Subject header and join them. */
static void
decode_subject(const char *msg, char *out, size_t n)
{
	const char *p = strstr(msg, "\r\nSubject: ") + 11, *end = strstr(p, "\r\nDate:");
	size_t len = 0;

	while ((p = strstr(p, "=?UTF-8?B?")) && p < end) {
		const char *q = strstr(p + 10, "?=");
		size_t got = 0;

		assert_true(q - p + 2 <= 75);
		assert_int_equal(sodium_base642bin((unsigned char *)out + len, n - len - 1, p + 10,
						   (size_t)(q - p - 10), NULL, &got, NULL,
						   sodium_base64_VARIANT_ORIGINAL),
				 0);
		/* Each word holds whole characters (RFC 2047 5). */
		assert_true((out[len] & 0xc0) != 0x80);
		len += got;
		p = q + 2;
	}
	out[len] = '\0';
}

static void
test_long_subject_is_encoded_in_words_of_whole_characters(void **state)
{
	char subject[301] = "", decoded[400];
	struct mail_msg m = base_msg;
	struct err e = {0};
	struct buf b;

	(void)state;
	for (int i = 0; i < 100; i++)
		memcpy(subject + 3 * i, i % 2 ? "ä " : "ßx", 3);
	m.subject = subject;
	ASSERT_OK(&e, build(&m, &b, &e));
	assert_lines_sane(b.p);
	decode_subject(b.p, decoded, sizeof(decoded));
	assert_string_equal(decoded, subject);
	buf_release(&b);
}

static void
test_links_are_absolute_and_come_from_configuration(void **state)
{
	struct tenant plain = {.id = 1, .slug = "adendorf", .name = "Adendorf", .host = ""};
	struct tenant own = {.id = 2, .slug = "luenen", .name = "Lünen", .host = "www.luenen.de"};
	struct config cfg;
	struct err e = {0};
	struct mailer *m;
	struct buf b;

	(void)state;
	ASSERT_OK(&e, config_load(&cfg, NULL, &e));
	ASSERT_OK(&e, config_set(&cfg, "listen", "127.0.0.1:8081", &e));
	m = mail_new(&cfg, NULL);
	buf_init(&b, 4096);
	ASSERT_OK(&e, mail_link(m, &plain, "/antrag", &b));
	assert_string_equal(b.p, "http://127.0.0.1:8081/t/adendorf/antrag");
	ASSERT_OK(&e, config_set(&cfg, "public_url", "https://portal.example.de/", &e));
	buf_reset(&b);
	ASSERT_OK(&e, mail_link(m, &plain, "/antrag", &b));
	assert_string_equal(b.p, "https://portal.example.de/t/adendorf/antrag");
	buf_reset(&b);
	ASSERT_OK(&e, mail_link(m, &own, "/antrag?x=1", &b));
	assert_string_equal(b.p, "https://www.luenen.de/antrag?x=1");
	buf_reset(&b);
	ASSERT_OK(&e, mail_link(m, NULL, "", &b));
	assert_string_equal(b.p, "https://portal.example.de/");
	assert_string_equal(mail_sender(m, &own), cfg.mail_from);
	buf_release(&b);
	mail_free(m);
}

static void
test_text_part_is_plain_text_and_html_part_is_escaped(void **state)
{
	static const char html[] = "<p>{{ name }}</p><a href=\"{{ link }}\">x</a>";
	static const char text[] = "{{! comment }}\nHallo {{ name }}, {{ link }}";
	struct view *v = view_new();
	struct config cfg;
	struct arena a;
	struct err e = {0};
	struct mailer *m;
	struct mail out;
	struct view_val *data;

	(void)state;
	arena_init(&a);
	ASSERT_OK(&e, config_load(&cfg, NULL, &e));
	ASSERT_OK(&e, config_set(&cfg, "public_url", "https://portal.example.de", &e));
	ASSERT_OK(&e, view_add(v, "mail/t", html, sizeof(html) - 1, &e));
	ASSERT_OK(&e, view_add(v, "mail/t.text", text, sizeof(text) - 1, &e));
	view_add_msg(v, "de", "mail.t.subject", "Betreff");
	m = mail_new(&cfg, v);
	data = view_map(&a);
	view_set_text(data, "name", "<b>Tom & \"Jerry\" 'O'</b>\x01\x1b[31m");
	ASSERT_OK(&e, mail_compose(m, NULL, "t", "de", data, "a@b.de", &a, &out, &e));
	assert_string_equal(out.subject, "Betreff");
	assert_string_equal(out.text,
			    "Hallo <b>Tom & \"Jerry\" 'O'</b>[31m, https://portal.example.de/");
	assert_non_null(strstr(out.html, "<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;"));
	assert_non_null(strstr(out.html, "href=\"https://portal.example.de/\""));
	assert_int_equal(mail_compose(m, NULL, "none", "de", data, "a@b.de", &a, &out, &e),
			 ERR_NOTFOUND);
	mail_free(m);
	view_free(v);
	arena_release(&a);
}

static void
test_queue_writes_outbox_and_job_only_when_the_transaction_commits(void **state)
{
	struct scratch_fixture *f = *state;
	struct mail mail = {.to = "a@b.de", .subject = "Ä", .text = "t", .html = NULL};
	struct config cfg;
	struct mailer *m;
	int64_t id = 0;
	char sql[160];

	ASSERT_OK(&f->e, config_load(&cfg, NULL, &f->e));
	m = mail_new(&cfg, NULL);
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	ASSERT_OK(&f->e, mail_queue(m, f->s.db, NULL, &mail, &id, &f->e));
	db_rollback(f->s.db);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mail_outbox"), 0);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM job"), 0);
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	ASSERT_OK(&f->e, mail_queue(m, f->s.db, NULL, &mail, &id, &f->e));
	ASSERT_OK(&f->e, db_commit(f->s.db, &f->e));
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM job j, mail_outbox m WHERE j.kind = 'mail.deliver' AND "
		 "j.payload = '{\"mail\": %lld}' AND m.id = %lld AND m.state = 'queued'",
		 (long long)id, (long long)id);
	assert_int_equal(scratch_int64(f->s.db, sql), 1);
	mail.to = "a@b.de\nBcc: c@d.de";
	assert_int_equal(mail_queue(m, f->s.db, NULL, &mail, &id, &f->e), ERR_INVALID);
	mail_free(m);
}

static void
test_without_relay_mail_stays_queued_and_old_sent_mail_is_purged(void **state)
{
	struct scratch_fixture *f = *state;
	struct mail mail = {.to = "a@b.de", .subject = "S", .text = "t", .html = "<p>h</p>"};
	struct config cfg;
	struct mailer *m;
	struct jobs *j = jobs_new(NULL);
	int ran = 0;

	ASSERT_OK(&f->e, config_load(&cfg, NULL, &f->e));
	ASSERT_OK(&f->e, config_set(&cfg, "smtp_url", "", &f->e));
	m = mail_new(&cfg, NULL);
	mail_register(m, j);
	scratch_exec(f->s.db, "INSERT INTO mail_outbox (from_addr, to_addr, subject, message_id, "
			      "message, state, created_at, sent_at) VALUES ('a@b.de', 'c@d.de', "
			      "'old', '<1@b.de>', 'x', 'sent', 1, 2), ('a@b.de', 'c@d.de', 'new', "
			      "'<2@b.de>', 'x', 'sent', 1, 4000000000)");
	ASSERT_OK(&f->e, mail_queue(m, f->s.db, NULL, &mail, NULL, &f->e));
	ASSERT_OK(&f->e, jobs_run_due(j, f->s.db, &ran, &f->e));
	assert_int_equal(ran, 1); /* the purge; no delivery without a relay */
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mail_outbox WHERE "
						"subject IN ('new', 'S')"),
			 2);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mail_outbox"), 2);
	assert_int_equal(scratch_int64(f->s.db, "SELECT attempts FROM job WHERE kind = "
						"'mail.deliver' AND state = 'queued'"),
			 0);
	jobs_free(j);
	mail_free(m);
}

static void
test_sender_comes_from_the_tenant_settings(void **state)
{
	struct scratch_fixture *f = *state;
	struct mail mail = {.to = "a@b.de", .subject = "S", .text = "t", .html = NULL};
	struct tenant t = {.slug = "adendorf", .name = "Gemeinde Adendorf", .host = ""};
	struct config cfg;
	struct mailer *m;
	struct arena a;

	arena_init(&a);
	ASSERT_OK(&f->e, config_load(&cfg, NULL, &f->e));
	ASSERT_OK(&f->e, config_set(&cfg, "mail_from", "portal@example.de", &f->e));
	m = mail_new(&cfg, NULL);
	scratch_exec(f->s.db, "INSERT INTO tenant (slug, name, kind, created_at, updated_at) "
			      "VALUES ('adendorf', 'Gemeinde Adendorf', 'gemeinde', 1, 1)");
	t.id = scratch_int64(f->s.db, "SELECT id FROM tenant WHERE slug = 'adendorf'");
	assert_string_equal(mail_sender(m, &t), "portal@example.de");
	ASSERT_OK(&f->e, tenant_setting_save(f->s.db, &t, TSET_MAIL_FROM, "rathaus@adendorf.de", 0,
					     1, &f->e));
	ASSERT_OK(&f->e, tenant_setting_save(f->s.db, &t, TSET_MAIL_FROM_NAME,
					     "Bürgerbüro Adendorf", 0, 1, &f->e));
	ASSERT_OK(&f->e, tenant_settings_load(f->s.db, &t, &a, &t.settings, &f->e));
	assert_string_equal(mail_sender(m, &t), "rathaus@adendorf.de");
	ASSERT_OK(&f->e, mail_queue(m, f->s.db, &t, &mail, NULL, &f->e));
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mail_outbox WHERE "
						"from_addr = 'rathaus@adendorf.de'"),
			 1);
	mail_free(m);
	arena_release(&a);
}

/* RFC 8058: a one-click URL becomes two headers; one that could break out of them is refused. */
static void
test_unsubscribe_url_becomes_list_unsubscribe_headers(void **state)
{
	static const char *const bad[] = {
		"https://x.example/a\r\nBcc: y@example.org",
		"https://x.example/a>b",
		"javascript:alert(1)",
		"https://x.example/a b",
		"https://x.example/\xc3\xa4",
	};
	struct mail_msg m = base_msg;
	struct err e = {0};
	struct buf b;

	(void)state;
	m.unsubscribe = "https://portal.example.de/t/luenen/newsletter/abmelden?token=abc";
	assert_int_equal(build(&m, &b, &e), 0);
	assert_non_null(strstr(b.p, "\r\nList-Unsubscribe: <https://portal.example.de/t/luenen/"
				    "newsletter/abmelden?token=abc>\r\n"
				    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	buf_release(&b);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.unsubscribe = bad[i];
		assert_int_equal(build(&m, &b, &e), ERR_INVALID);
		buf_release(&b);
	}
	m.unsubscribe = NULL;
	assert_int_equal(build(&m, &b, &e), 0);
	assert_null(strstr(b.p, "List-Unsubscribe"));
	buf_release(&b);
}

static void
test_attachments_make_multipart_mixed_after_the_text(void **state)
{
	unsigned char bytes[300];
	struct mail_attachment at[2] = {
		{"Eingangsbestätigung Größe-Müller und ein recht langer Name.pdf",
		 "application/pdf", bytes, sizeof(bytes)},
		{"leer.txt", "text/plain", NULL, 0},
	};
	struct mail_msg m = base_msg;
	struct err e = {0};
	struct buf b;
	const char *mixed, *alt, *first;

	(void)state;
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)i;
	m.attachments = at;
	m.n_attachments = 2;
	ASSERT_OK(&e, build(&m, &b, &e));
	assert_lines_sane(b.p);
	mixed = strstr(b.p, "Content-Type: multipart/mixed;\r\n boundary=\"=_mix=_0123abc\"\r\n");
	alt = strstr(b.p, "Content-Type: multipart/alternative;\r\n boundary=\"=_0123abc\"");
	first = strstr(b.p, "\r\n--=_mix=_0123abc\r\nContent-Type: application/pdf\r\n");
	assert_non_null(mixed);
	assert_non_null(alt);
	assert_non_null(first);
	/* the text body comes first, then the files, then the closing boundary */
	assert_true(mixed < alt && alt < first);
	assert_int_equal(count(b.p, "\r\n--=_mix=_0123abc\r\n"), 3);
	assert_int_equal(count(b.p, "\r\n--=_mix=_0123abc--\r\n"), 1);
	assert_non_null(strstr(b.p, " filename=\"Eingangsbest_tigung Gr__e-M_ller und ein"));
	assert_non_null(strstr(b.p, " filename*0*=UTF-8''Eingangsbest%C3%A4tigu"));
	assert_non_null(strstr(b.p, ";\r\n filename*1*="));
	/* 300 bytes 0..255,0..43: the first base64 line holds bytes 0..56 */
	assert_non_null(strstr(b.p, "\r\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKi"
				    "ssLS4vMDEyMzQ1Njc4\r\n"));
	buf_release(&b);
}

static void
test_bad_or_too_large_attachments_are_refused(void **state)
{
	static const char *const bad_names[] = {"", "a/b.pdf", "a\\b.pdf", "a\r\nX: y", "\xc3.pdf"};
	static const char *const bad_types[] = {"pdf", "application/", "text/plain; x=y",
						"a/b\r\n"};
	struct mail_attachment at = {"a.pdf", "application/pdf", "x", 1}, many[11];
	struct mail_msg m = base_msg;
	struct err e = {0};
	struct buf b;
	char *big;

	(void)state;
	m.attachments = &at;
	m.n_attachments = 1;
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		at.name = bad_names[i];
		assert_int_equal(build(&m, &b, &e), ERR_INVALID);
		buf_release(&b);
	}
	at.name = "a.pdf";
	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		at.type = bad_types[i];
		assert_int_equal(build(&m, &b, &e), ERR_INVALID);
		buf_release(&b);
	}
	at.type = "application/pdf";
	big = calloc(1, MAIL_ATTACH_MAX + 1);
	at.data = big;
	at.len = MAIL_ATTACH_MAX + 1;
	assert_int_equal(build(&m, &b, &e), ERR_TOOBIG);
	buf_release(&b);
	free(big);
	for (size_t i = 0; i < 11; i++)
		many[i] = (struct mail_attachment){"a.pdf", "application/pdf", "x", 1};
	m.attachments = many;
	m.n_attachments = 11;
	assert_int_equal(build(&m, &b, &e), ERR_TOOBIG);
	buf_release(&b);
}

#define TEST(fn) cmocka_unit_test(fn)
#define TEST_DB(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup_migrated, scratch_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_message_has_its_headers_and_two_base64_parts),
		TEST(test_cr_or_lf_in_a_header_value_is_refused),
		TEST(test_unsubscribe_url_becomes_list_unsubscribe_headers),
		TEST(test_addresses_we_send_to),
		TEST(test_attachments_make_multipart_mixed_after_the_text),
		TEST(test_bad_or_too_large_attachments_are_refused),
		TEST(test_long_subject_is_encoded_in_words_of_whole_characters),
		TEST(test_links_are_absolute_and_come_from_configuration),
		TEST(test_text_part_is_plain_text_and_html_part_is_escaped),
		TEST_DB(test_queue_writes_outbox_and_job_only_when_the_transaction_commits),
		TEST_DB(test_without_relay_mail_stays_queued_and_old_sent_mail_is_purged),
		TEST_DB(test_sender_comes_from_the_tenant_settings),
	};

	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
