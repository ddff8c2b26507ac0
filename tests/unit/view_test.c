/* SPDX-License-Identifier: EUPL-1.2 */
/* Unit tests of view: escaping by context, blocks, partials, messages, limits, loading. */
#include "view/view.h"

#include "core/arena.h"
#include "core/buf.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* After the headers it needs. */
#include <cmocka.h>

struct fixture {
	struct arena a;
	struct view *v;
	struct view_val *root;
	struct buf out;
	struct err e;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct view_val *items, *user, *addr;

	arena_init(&f->a);
	f->v = view_new();
	buf_init(&f->out, BUF_MAX_DEFAULT);
	err_clear(&f->e);
	f->root = view_map(&f->a);
	view_set_text(f->root, "name", "<script>\"'&");
	view_set_int(f->root, "n", 42);
	view_set_bool(f->root, "yes", true);
	view_set_bool(f->root, "no", false);
	view_set_text(f->root, "empty", "");
	view_set(f->root, "nothing", NULL);
	view_set(f->root, "bio", view_html_trusted(&f->a, "<b>bold</b>", 11));
	view_set_text(f->root, "js", "javascript:alert(1)");
	items = view_set(f->root, "items", view_list(&f->a));
	for (const char *s = "abc"; *s; s++)
		view_set(view_push(items, view_map(&f->a)), "name", view_textn(&f->a, s, 1));
	view_set(f->root, "none", view_list(&f->a));
	user = view_set(f->root, "user", view_map(&f->a));
	view_set_text(user, "name", "Anna");
	addr = view_set(user, "address", view_map(&f->a));
	view_set_text(addr, "city", "K\xc3\xb6ln");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	buf_release(&f->out);
	view_free(f->v);
	arena_release(&f->a);
	free(f);
	return 0;
}

/* Compile `src` as template "t" and render it in `lang` into f->out. */
static int
render_lang(struct fixture *f, const char *src, const char *lang)
{
	int rc = view_add(f->v, "t", src, strlen(src), &f->e);

	if (rc)
		return rc;
	buf_reset(&f->out);
	return view_render(f->v, "t", lang, f->root, &f->out, &f->e);
}

static void
assert_renders(struct fixture *f, const char *src, const char *want)
{
	int rc = render_lang(f, src, "de");

	if (rc)
		fprintf(stderr, "render of '%s' failed: %s\n", src, f->e.detail);
	assert_int_equal(rc, 0);
	assert_string_equal(f->out.p, want);
}

/* `src` must fail to compile with `detail` (file:line: reason) in the error. */
static void
assert_compile_error(struct fixture *f, const char *src, const char *detail)
{
	err_clear(&f->e);
	assert_int_equal(view_add(f->v, "t", src, strlen(src), &f->e), ERR_INVALID);
	if (!strstr(f->e.detail, detail))
		fprintf(stderr, "'%s': got '%s', want '%s'\n", src, f->e.detail, detail);
	assert_non_null(strstr(f->e.detail, detail));
}

static void
test_text_value_is_html_escaped(void **state)
{
	assert_renders(*state, "<p>{{ name }}</p>", "<p>&lt;script&gt;&quot;&#39;&amp;</p>");
}

static void
test_attribute_value_is_html_escaped(void **state)
{
	assert_renders(*state, "<div title=\"{{name}}\" class=\"a {{ n }}\"></div>",
		       "<div title=\"&lt;script&gt;&quot;&#39;&amp;\" class=\"a 42\"></div>");
}

static void
test_javascript_url_in_href_is_neutralized(void **state)
{
	struct fixture *f = *state;

	assert_renders(f, "<a href=\"{{ js }}\">x</a>", "<a href=\"#\">x</a>");
	view_set_text(f->root, "js", " \t\x01JaVaScRiPt:alert(1)");
	assert_renders(f, "<a href=\"{{ js }}\">x</a>", "<a href=\"#\">x</a>");
	view_set_text(f->root, "js", "java\nscript:alert(1)");
	assert_renders(f, "<img src=\"{{ js }}\">", "<img src=\"#\">");
	view_set_text(f->root, "js", "data:text/html,<script>");
	assert_renders(f, "<form action=\"{{ js }}\"></form>", "<form action=\"#\"></form>");
}

static void
test_allowed_and_relative_urls_are_kept(void **state)
{
	struct fixture *f = *state;
	static const char *const keep[][2] = {
		{"https://example.org/?a=1&b=2", "https://example.org/?a=1&amp;b=2"},
		{"HTTP://example.org", "HTTP://example.org"},
		{"mailto:amt@example.org", "mailto:amt@example.org"},
		{"tel:+49301234", "tel:+49301234"},
		{"otpauth://totp/A:b?secret=AB&issuer=A",
		 "otpauth://totp/A:b?secret=AB&amp;issuer=A"},
		{"/path/a:b", "/path/a:b"},
		{"?q=a:b", "?q=a:b"},
		{"#top:x", "#top:x"},
		{"rathaus\"x", "rathaus&quot;x"},
	};

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		char want[128];

		view_set_text(f->root, "u", keep[i][0]);
		snprintf(want, sizeof(want), "<a href=\"%s\"></a>", keep[i][1]);
		assert_renders(f, "<a href=\"{{ u }}\"></a>", want);
	}
}

static void
test_value_after_url_delimiter_is_only_escaped(void **state)
{
	assert_renders(*state, "<a href=\"/suche?q={{ js }}&amp;n={{ n }}\">",
		       "<a href=\"/suche?q=javascript:alert(1)&amp;n=42\">");
	assert_renders(*state, "<a href=\"mailto:{{ name }}\">",
		       "<a href=\"mailto:&lt;script&gt;&quot;&#39;&amp;\">");
	assert_renders(*state, "<a href=\"{{ js }}/{{ js }}\">",
		       "<a href=\"#/javascript:alert(1)\">");
}

static void
test_value_that_could_extend_a_scheme_is_compile_error(void **state)
{
	struct fixture *f = *state;

	assert_compile_error(f, "<a href=\"java{{ js }}\">", "t:1: value in a URL attribute");
	assert_compile_error(f, "<a href=\"{{ js }}{{ js }}\">", "t:1: value in a URL attribute");
	assert_compile_error(f, "<a href=\"{{ js }}:x\">", "t:1: ':' after a value");
	assert_compile_error(f, "<a href=\"&#106;{{ js }}\">", "t:1: character reference");
}

static void
test_value_in_unquoted_attribute_is_compile_error(void **state)
{
	assert_compile_error(*state, "<p>\n<div title={{ name }}>",
			     "t:2: value in an unquoted attribute value");
	assert_compile_error(*state, "<div title=x{{ name }}>", "t:1: value in an unquoted");
}

static void
test_value_in_single_quoted_attribute_is_compile_error(void **state)
{
	assert_compile_error(*state, "<div title='{{ name }}'>",
			     "t:1: value in a single-quoted attribute value");
}

static void
test_value_in_tag_or_attribute_name_is_compile_error(void **state)
{
	struct fixture *f = *state;

	assert_compile_error(f, "<{{ n }}>", "t:1: value in a tag name");
	assert_compile_error(f, "<div{{ n }}>", "t:1: value in a tag name");
	assert_compile_error(f, "<div {{ n }}>", "t:1: value in a tag outside");
	assert_compile_error(f, "<div data-{{ n }}=\"x\">", "t:1: value in a tag outside");
	assert_compile_error(f, "<div title=\"x\"{{ n }}>", "t:1: value in a tag outside");
}

static void
test_value_in_script_style_or_comment_is_compile_error(void **state)
{
	struct fixture *f = *state;

	assert_compile_error(f, "<script>var x = \"{{ name }}\";</script>",
			     "t:1: value inside <script>");
	assert_compile_error(f, "<script type=\"module\">{{ n }}</script>",
			     "value inside <script>");
	assert_compile_error(f, "<style>\np { color: {{ n }} }</style>",
			     "t:2: value inside <style>");
	assert_compile_error(f, "<!-- {{ n }} -->", "t:1: value in an HTML comment");
	assert_compile_error(f, "<!DOCTYPE {{ n }}>", "t:1: value in an HTML comment");
	assert_compile_error(f, "<noscript>{{ n }}</noscript>", "value inside a raw-text element");
	/* The comment ends at "-->"; a value after it is in text again. */
	assert_renders(f, "<!-- a -- b --><p>{{ n }}</p><!---->{{ n }}",
		       "<!-- a -- b --><p>42</p><!---->42");
	/* So do the scripts and styles, at their end tags, whatever their case. */
	assert_renders(f, "<script>if (a < b) x();</SCRIPT >{{ n }}<style>a>b{}</style>{{ n }}",
		       "<script>if (a < b) x();</SCRIPT >42<style>a>b{}</style>42");
}

static void
test_value_in_event_handler_or_style_attribute_is_compile_error(void **state)
{
	struct fixture *f = *state;

	assert_compile_error(f, "<a onclick=\"go({{ n }})\">", "t:1: value in an event handler");
	assert_compile_error(f, "<a ONMOUSEOVER=\"{{ n }}\">", "t:1: value in an event handler");
	assert_compile_error(f, "<p style=\"color: {{ n }}\">", "t:1: value in a style attribute");
	assert_compile_error(f, "<iframe srcdoc=\"{{ name }}\"></iframe>", "t:1: value in srcdoc");
}

static void
test_srcset_value_is_compile_error(void **state)
{
	assert_compile_error(*state, "<img srcset=\"{{ js }} 2x\">", "t:1: value in srcset");
}

static void
test_jsonld_script_escapes_closing_tag(void **state)
{
	struct fixture *f = *state;

	view_set_text(f->root, "name", "</script><script>alert('x')</script>\xe2\x80\xa8\\\n");
	assert_renders(f,
		       "<script type=\"application/ld+json\">{\"name\": \"{{ name }}\"}</script>",
		       "<script type=\"application/ld+json\">{\"name\": "
		       "\"\\u003c/script\\u003e\\u003cscript\\u003ealert('x')\\u003c/script\\u003e"
		       "\\u2028\\\\\\n\"}</script>");
}

static void
test_jsonld_value_outside_string_is_json_literal(void **state)
{
	assert_renders(
		*state,
		"<script type=\"application/ld+json\">{\"n\": {{ n }}, \"yes\": {{ yes }}, "
		"\"who\": {{ user.name }}, \"none\": {{ nothing }}, \"items\": {{ items }}, "
		"\"user\": {{ user }}}</script>",
		"<script type=\"application/ld+json\">{\"n\": 42, \"yes\": true, "
		"\"who\": \"Anna\", \"none\": null, \"items\": "
		"[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}], "
		"\"user\": {\"name\":\"Anna\",\"address\":{\"city\":\"K\xc3\xb6ln\"}}}</script>");
}

static void
test_jsonld_script_with_comment_opener_is_compile_error(void **state)
{
	assert_compile_error(*state, "<script type=\"application/ld+json\">\n<!--</script>",
			     "t:2: '<!--' inside <script>");
	assert_compile_error(*state, "<script type=\"application/ld+json\">{\"a\": \"\\{{ n }}\"}",
			     "t:1: value after a backslash");
}

static void
test_invalid_utf8_is_replaced(void **state)
{
	struct fixture *f = *state;

	view_set_text(f->root, "bad",
		      "a\xff"
		      "b\xc3(\xed\xa0\x80");
	assert_renders(f, "{{ bad }}|{{ bio }}",
		       "a\xef\xbf\xbd"
		       "b\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|<b>bold</b>");
	view_set(f->root, "bio", view_html_trusted(&f->a, "<i>\xc0</i>", 8));
	assert_renders(f, "{{ bio }}", "<i>\xef\xbf\xbd</i>");
}

static void
test_int_prints_decimal_and_bool_only_in_json(void **state)
{
	struct fixture *f = *state;

	view_set_int(f->root, "min", INT64_MIN);
	assert_renders(
		f, "{{ n }}|{{ min }}|{{ yes }}|{{ no }}|{{ nothing }}|{{ missing }}|{{ items }}",
		"42|-9223372036854775808|||||");
}

static void
test_if_follows_truthiness(void **state)
{
	static const char *const cases[][2] = {
		{"yes", "T"},	  {"no", "F"},	  {"n", "T"},	  {"zero", "F"}, {"name", "T"},
		{"empty", "F"},	  {"items", "T"}, {"none", "F"},  {"user", "T"}, {"nothing", "F"},
		{"missing", "F"}, {"bio", "T"},	  {"blank", "F"},
	};
	struct fixture *f = *state;

	view_set_int(f->root, "zero", 0);
	view_set(f->root, "blank", view_html_trusted(&f->a, "", 0));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[128];

		snprintf(src, sizeof(src), "{{#if %s}}T{{else}}F{{/if}}", cases[i][0]);
		assert_renders(f, src, cases[i][1]);
	}
}

static void
test_unless_renders_for_falsy_values(void **state)
{
	assert_renders(*state, "{{#unless no}}A{{/unless}}{{#unless yes}}B{{else}}C{{/unless}}",
		       "AC");
}

static void
test_each_loop_exposes_item_and_index(void **state)
{
	assert_renders(
		*state,
		"<ul>{{#each items as it}}<li value=\"{{ @number }}\">{{ @index }}:{{ it.name }}"
		"</li>{{/each}}</ul>",
		"<ul><li value=\"1\">0:a</li><li value=\"2\">1:b</li><li value=\"3\">2:c</li>"
		"</ul>");
}

static void
test_nested_loops_resolve_innermost_name_first(void **state)
{
	assert_renders(
		*state,
		"{{#each items as x}}{{#each items as y}}{{ x.name }}{{ y.name }}{{ @index }} "
		"{{/each}}{{/each}}",
		"aa0 ab1 ac2 ba0 bb1 bc2 ca0 cb1 cc2 ");
	/* A loop name hides a root key of that name only inside the loop. */
	assert_renders(*state, "{{#each items as user}}{{ user.name }}{{/each}}{{ user.name }}",
		       "abcAnna");
}

static void
test_each_else_renders_for_empty_or_missing_list(void **state)
{
	assert_renders(*state,
		       "{{#each none as i}}x{{else}}leer{{/each}}|{{#each missing as i}}x{{else}}"
		       "fehlt{{/each}}|{{#each n as i}}x{{/each}}",
		       "leer|fehlt|");
}

static void
test_dotted_path_reaches_nested_map(void **state)
{
	assert_renders(*state, "{{ user.address.city }}|{{ user.address.zip }}|{{ n.x }}",
		       "K\xc3\xb6ln||");
}

static void
test_comment_tag_prints_nothing(void **state)
{
	assert_renders(*state, "a{{! a note with {{ braces }}b", "ab");
}

static void
test_partial_sees_loop_item(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(view_add(f->v, "partials/row", "<li>{{ it.name }}</li>", 22, &f->e), 0);
	assert_true(view_has(f->v, "partials/row"));
	assert_renders(f, "<ul>{{#each items as it}}{{> partials/row}}{{/each}}</ul>",
		       "<ul><li>a</li><li>b</li><li>c</li></ul>");
}

static void
test_partial_recursion_is_stopped(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(render_lang(f, "x{{> t}}", "de"), ERR_TOOBIG);
	assert_non_null(strstr(f->e.detail, "t:1: partials nested deeper than 16"));
	assert_int_equal(f->out.len, 0);
	assert_string_equal(f->out.p, "");
}

static void
test_unknown_partial_gives_notfound(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(render_lang(f, "\n{{> nowhere}}", "de"), ERR_NOTFOUND);
	assert_string_equal(f->e.detail, "t:2: unknown partial 'nowhere'");
}

static void
test_partial_outside_text_is_compile_error(void **state)
{
	assert_compile_error(*state, "<div title=\"{{> p}}\">", "t:1: partial 'p' outside element");
}

static void
test_unknown_template_gives_notfound(void **state)
{
	struct fixture *f = *state;

	assert_false(view_has(f->v, "nope"));
	assert_int_equal(view_render(f->v, "nope", "de", f->root, &f->out, &f->e), ERR_NOTFOUND);
}

static void
test_unknown_message_key_prints_key(void **state)
{
	struct fixture *f = *state;

	assert_renders(f, "<p title=\"{{ t \"no.such\" }}\">{{ t \"a<b\" n }}</p>",
		       "<p title=\"no.such\">a&lt;b</p>");
	assert_string_equal(view_msg(f->v, "en", "no.such"), "no.such");
}

static void
test_message_arguments_are_escaped(void **state)
{
	struct fixture *f = *state;

	view_add_msg(f->v, "de", "hello", "Hallo {0} & {1}, {2}{3}{9}{x}");
	assert_renders(
		f, "<p>{{ t \"hello\" name n \"<i>\" bio }}</p>",
		"<p>Hallo &lt;script&gt;&quot;&#39;&amp; &amp; 42, &lt;i&gt;<b>bold</b>{9}{x}"
		"</p>");
}

static void
test_message_in_url_or_jsonld_is_escaped_as_a_whole(void **state)
{
	struct fixture *f = *state;

	view_add_msg(f->v, "de", "link", "javascript{0}");
	view_add_msg(f->v, "de", "quote", "\"{0}\" ist {1}");
	assert_renders(f, "<a href=\"{{ t \"link\" \":1\" }}\"></a>", "<a href=\"#\"></a>");
	assert_renders(
		f, "<script type=\"application/ld+json\">{\"a\": {{ t \"quote\" n yes }}}</script>",
		"<script type=\"application/ld+json\">{\"a\": \"\\\"42\\\" ist true\"}</script>");
}

static void
test_english_falls_back_to_german(void **state)
{
	struct fixture *f = *state;

	view_add_msg(f->v, "de", "a", "A-de");
	view_add_msg(f->v, "de", "b", "B-de");
	view_add_msg(f->v, "en", "a", "A-en");
	view_add_msg(f->v, "fr", "a", "A-fr");
	assert_int_equal(render_lang(f, "{{ t \"a\" }} {{ t \"b\" }}", "en"), 0);
	assert_string_equal(f->out.p, "A-en B-de");
	assert_int_equal(render_lang(f, "{{ t \"a\" }} {{ t \"b\" }}", "fr"), 0);
	assert_string_equal(f->out.p, "A-de B-de");
	assert_string_equal(view_msg(f->v, "en", "b"), "B-de");
}

static void
test_trusted_html_is_raw_only_in_text(void **state)
{
	assert_renders(
		*state,
		"{{ bio }}<p title=\"{{ bio }}\"></p><script type=\"application/ld+json\">"
		"\"{{ bio }}\"</script>",
		"<b>bold</b><p title=\"&lt;b&gt;bold&lt;/b&gt;\"></p>"
		"<script type=\"application/ld+json\">\"\\u003cb\\u003ebold\\u003c/b\\u003e\""
		"</script>");
}

/* The HTML of `md` as a template prints it, in f->out. */
static const char *
markdown_html(struct fixture *f, const char *md)
{
	view_set(f->root, "md", view_markdown(&f->a, md));
	buf_reset(&f->out);
	assert_int_equal(view_render(f->v, "md", "de", f->root, &f->out, &f->e), 0);
	return f->out.p;
}

/* Safe mode, and the same HTML from the per-process cache as from cmark, also
 * after more distinct texts than the cache has slots have replaced each other. */
static void
test_markdown_is_safe_and_cached_texts_stay_right(void **state)
{
	struct fixture *f = *state;
	char md[64], want[96];

	assert_int_equal(view_add(f->v, "md", "{{ md }}", 8, &f->e), 0);
	for (int round = 0; round < 2; round++) {
		assert_string_equal(
			markdown_html(f, "*a* <b>x</b> [l](javascript:y)"),
			"<p><em>a</em> <!-- raw HTML omitted -->x<!-- raw HTML omitted --> "
			"<a href=\"\">l</a></p>\n");
		for (int i = 0; i < 5000; i++) {
			snprintf(md, sizeof(md), "Text **%d**", i);
			snprintf(want, sizeof(want), "<p>Text <strong>%d</strong></p>\n", i);
			assert_string_equal(markdown_html(f, md), want);
		}
	}
}

/* A path remembers where it found its key; maps built in another order still answer right. */
static void
test_lookups_stay_right_when_maps_differ_between_renders(void **state)
{
	struct fixture *f = *state;
	static const char *const orders[][3] = {{"a", "b", "c"}, {"c", "b", "a"}, {"b", "c", NULL}};

	assert_int_equal(view_add(f->v, "abc", "{{ m.a }}-{{ m.b }}-{{ m.c }}", 29, &f->e), 0);
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < 3; i++) {
			struct view_val *m = view_set(f->root, "m", view_map(&f->a));

			for (size_t k = 0; k < 3 && orders[i][k]; k++)
				view_set_text(m, orders[i][k], orders[i][k]);
			buf_reset(&f->out);
			assert_int_equal(view_render(f->v, "abc", "de", f->root, &f->out, &f->e),
					 0);
			assert_string_equal(f->out.p, i == 2 ? "-b-c" : "a-b-c");
		}
}

static void
test_buffer_cap_gives_toobig(void **state)
{
	struct fixture *f = *state;

	buf_release(&f->out);
	buf_init(&f->out, 16);
	assert_int_equal(buf_adds(&f->out, "kept"), 0);
	assert_int_equal(view_add(f->v, "t", "0123456789{{ name }}", 20, &f->e), 0);
	assert_int_equal(view_render(f->v, "t", "de", f->root, &f->out, &f->e), ERR_TOOBIG);
	assert_non_null(strstr(f->e.detail, "output larger than 16 bytes"));
	assert_string_equal(f->out.p, "kept");
}

static void
test_nested_loops_stop_at_the_step_budget(void **state)
{
	struct fixture *f = *state;
	struct buf src;

	buf_init(&src, 4096);
	/* 3^16 iterations that print nothing. */
	for (int i = 0; i < 16; i++)
		assert_int_equal(buf_addf(&src, "{{#each items as i%d}}", i), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(buf_adds(&src, "{{/each}}"), 0);
	assert_int_equal(render_lang(f, src.p, "de"), ERR_TOOBIG);
	assert_non_null(strstr(f->e.detail, "steps"));
	buf_release(&src);
}

static void
test_mismatched_block_reports_line(void **state)
{
	struct fixture *f = *state;

	assert_compile_error(f, "{{#if yes}}\n{{#each items as i}}\n{{/if}}",
			     "t:3: {{/if}} closes {{#each}} from line 2");
	assert_compile_error(f, "a\n\n{{/each}}", "t:3: {{/each}} without an open block");
	assert_compile_error(f, "{{else}}", "t:1: {{else}} outside a block");
	assert_compile_error(f, "{{#if a}}{{else}}{{else}}{{/if}}", "t:1: second {{else}}");
	assert_compile_error(f, "{{#with a}}{{/with}}", "t:1: unknown block '{{#with}}'");
}

static void
test_unclosed_block_reports_opening_line(void **state)
{
	assert_compile_error(*state, "a\n{{#if yes}}\n{{#each items as i}}{{/each}}b",
			     "t:2: {{#if}} is not closed");
	assert_compile_error(*state, "a\n{{ n \n", "t:2: '{{' without '}}'");
}

static void
test_malformed_tags_are_compile_errors(void **state)
{
	struct fixture *f = *state;

	assert_compile_error(f, "{{ }}", "t:1: empty");
	assert_compile_error(f, "{{ a..b }}", "t:1: bad value name 'a..b'");
	assert_compile_error(f, "{{{ n }}}", "t:1: bad value name '{ n'");
	assert_compile_error(f, "{{#each items}}{{/each}}", "t:1: expected {{#each LIST as NAME}}");
	assert_compile_error(f, "{{ t key }}", "t:1: expected {{ t \"key\" ... }}");
	assert_compile_error(f, "{{ a.b.c.d.e.f.g.h.i }}", "t:1: 'a.b.c.d.e.f.g.h.i' has more");
	assert_compile_error(f, "{{> ../x y}}", "t:1: bad partial name");
}

static void
test_blocks_nested_deeper_than_64_are_compile_error(void **state)
{
	struct fixture *f = *state;
	struct buf src;

	buf_init(&src, 4096);
	for (int i = 0; i < 64; i++)
		assert_int_equal(buf_adds(&src, "{{#if yes}}"), 0);
	assert_int_equal(buf_adds(&src, "deep"), 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(buf_adds(&src, "{{/if}}"), 0);
	assert_renders(f, src.p, "deep");
	buf_reset(&src);
	for (int i = 0; i < 65; i++)
		assert_int_equal(buf_adds(&src, "{{#if yes}}\n"), 0);
	assert_compile_error(f, src.p, "t:65: blocks nested deeper than 64");
	buf_release(&src);
}

static void
test_template_over_1_mib_is_rejected(void **state)
{
	struct fixture *f = *state;
	size_t n = 1024 * 1024;
	char *src = malloc(n + 1);

	memset(src, 'x', n + 1);
	assert_int_equal(view_add(f->v, "big", src, n, &f->e), 0);
	assert_int_equal(view_add(f->v, "big", src, n + 1, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "big:1: template larger than 1048576 bytes"));
	/* The template of that name compiled before is kept. */
	assert_true(view_has(f->v, "big"));
	free(src);
}

static void
test_branches_ending_in_different_contexts_are_compile_error(void **state)
{
	struct fixture *f = *state;

	assert_compile_error(f, "{{#if yes}}<a href=\"{{else}}<b>{{/if}}\n",
			     "t:1: the branches of {{#if}} from line 1 end in different places");
	assert_compile_error(f, "{{#if yes}}\n<!--{{/if}}-->", "t:2: the branches of {{#if}}");
	assert_compile_error(f, "<p>\n{{#each items as i}}<a {{/each}}>",
			     "t:2: the body of {{#each}} from line 2 ends elsewhere");
	assert_compile_error(f, "<div", "t:1: template ends inside a tag");
}

static void
test_conditional_attribute_is_allowed_but_taints_its_name(void **state)
{
	struct fixture *f = *state;

	assert_renders(f, "<input {{#if yes}}checked{{/if}} value=\"{{ n }}\">",
		       "<input checked value=\"42\">");
	assert_renders(f, "<a href=\"{{#if yes}}/a{{else}}/b{{/if}}/{{ js }}\">",
		       "<a href=\"/a/javascript:alert(1)\">");
	assert_compile_error(f, "<a {{#if yes}}href{{/if}}=\"{{ js }}\">",
			     "t:1: value in an attribute whose name depends on a block");
	assert_compile_error(f, "<a href=\"{{#if yes}}java{{/if}}{{ js }}\">",
			     "t:1: value in a URL attribute");
}

static void
test_rcdata_value_is_text_escaped(void **state)
{
	assert_renders(*state, "<title>{{ name }}</title><textarea>{{ name }}</textarea>",
		       "<title>&lt;script&gt;&quot;&#39;&amp;</title>"
		       "<textarea>&lt;script&gt;&quot;&#39;&amp;</textarea>");
	assert_compile_error(*state, "<title></tit{{ n }}", "t:1: value right after '<'");
}

static void
test_markup_in_svg_title_is_compile_error(void **state)
{
	struct fixture *f = *state;

	assert_renders(f, "<svg><title>{{ n }}</title></svg><svg/><textarea><b></textarea>",
		       "<svg><title>42</title></svg><svg/><textarea><b></textarea>");
	assert_compile_error(f, "<svg>\n<title><a title=\"</title>\">x</a></title></svg>",
			     "t:2: markup inside a raw-text element within <svg> or <math>");
}

static void
test_view_set_replaces_and_keeps_insertion_order(void **state)
{
	struct fixture *f = *state;
	struct view_val *m = view_map(&f->a);
	const struct view_val *got;

	view_set_int(m, "z", 1);
	view_set_int(m, "a", 2);
	view_set_text(m, "z", "neu");
	view_set(f->root, "m", m);
	got = view_get(f->root, "m.z");
	assert_non_null(got);
	assert_null(view_get(f->root, "m.y"));
	assert_null(view_get(f->root, "n.x"));
	assert_ptr_equal(view_get(f->root, "user.address"),
			 view_get(view_get(f->root, "user"), "address"));
	assert_renders(f, "<script type=\"application/ld+json\">{{ m }}</script>",
		       "<script type=\"application/ld+json\">{\"z\":\"neu\",\"a\":2}</script>");
}

/* ---- view_load ---- */

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A temporary share folder with templates/, templates/partials/ and locale/. */
static char *
make_share(void)
{
	char *dir = strdup("/tmp/view_test.XXXXXX");
	char sub[512];

	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/templates", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/templates/partials", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/locale", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(dir, "locale/de.json", "{\"title\": \"Titel\", \"only.de\": \"nur {0}\"}");
	write_file(dir, "locale/en.json", "{\"title\": \"Title\"}");
	write_file(dir, "templates/partials/header.html", "<h1>{{ t \"title\" }}</h1>");
	write_file(dir, "templates/notes.txt", "{{ not a template");
	return dir;
}

static void
remove_share(char *dir)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static int
load(const char *dir, struct view **v, struct err *e)
{
	char tpl[512], loc[512];

	snprintf(tpl, sizeof(tpl), "%s/templates", dir);
	snprintf(loc, sizeof(loc), "%s/locale", dir);
	return view_load(tpl, loc, v, e);
}

static void
test_view_load_names_templates_by_relative_path(void **state)
{
	struct fixture *f = *state;
	char *dir = make_share();
	struct view *v = NULL;

	write_file(dir, "templates/layout.html",
		   "{{> partials/header}}<p>{{ t \"only.de\" n }}</p>");
	assert_int_equal(load(dir, &v, &f->e), 0);
	assert_true(view_has(v, "layout"));
	assert_true(view_has(v, "partials/header"));
	assert_false(view_has(v, "notes"));
	assert_int_equal(view_render(v, "layout", "en", f->root, &f->out, &f->e), 0);
	assert_string_equal(f->out.p, "<h1>Title</h1><p>nur 42</p>");
	view_free(v);
	remove_share(dir);
}

static void
test_view_load_reports_file_and_line(void **state)
{
	struct fixture *f = *state;
	char *dir = make_share();
	char want[600];
	struct view *v = NULL;

	write_file(dir, "templates/partials/bad.html", "<ul>\n<li>\n<a title={{ n }}>");
	assert_int_equal(load(dir, &v, &f->e), ERR_INVALID);
	assert_null(v);
	snprintf(want, sizeof(want), "%s/templates/partials/bad.html:3: value in an unquoted", dir);
	assert_non_null(strstr(f->e.detail, want));
	remove_share(dir);
}

static void
test_view_load_rejects_unknown_partial_and_bad_catalogue(void **state)
{
	struct fixture *f = *state;
	char *dir = make_share();
	struct view *v = NULL;

	write_file(dir, "templates/page.html", "x\n{{> partials/footer}}");
	assert_int_equal(load(dir, &v, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "page.html:2: unknown partial 'partials/footer'"));
	write_file(dir, "templates/partials/footer.html", "");
	write_file(dir, "locale/en.json", "{\"title\": 3}");
	assert_int_equal(load(dir, &v, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "en.json: message 'title' is not a string"));
	write_file(dir, "locale/en.json", "{\"title\": \"Title\"}");
	assert_int_equal(load(dir, &v, &f->e), 0);
	view_free(v);
	remove_share(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_text_value_is_html_escaped),
		T(test_attribute_value_is_html_escaped),
		T(test_javascript_url_in_href_is_neutralized),
		T(test_allowed_and_relative_urls_are_kept),
		T(test_value_after_url_delimiter_is_only_escaped),
		T(test_value_that_could_extend_a_scheme_is_compile_error),
		T(test_value_in_unquoted_attribute_is_compile_error),
		T(test_value_in_single_quoted_attribute_is_compile_error),
		T(test_value_in_tag_or_attribute_name_is_compile_error),
		T(test_value_in_script_style_or_comment_is_compile_error),
		T(test_value_in_event_handler_or_style_attribute_is_compile_error),
		T(test_srcset_value_is_compile_error),
		T(test_jsonld_script_escapes_closing_tag),
		T(test_jsonld_value_outside_string_is_json_literal),
		T(test_jsonld_script_with_comment_opener_is_compile_error),
		T(test_invalid_utf8_is_replaced),
		T(test_int_prints_decimal_and_bool_only_in_json),
		T(test_if_follows_truthiness),
		T(test_unless_renders_for_falsy_values),
		T(test_each_loop_exposes_item_and_index),
		T(test_nested_loops_resolve_innermost_name_first),
		T(test_each_else_renders_for_empty_or_missing_list),
		T(test_dotted_path_reaches_nested_map),
		T(test_comment_tag_prints_nothing),
		T(test_partial_sees_loop_item),
		T(test_partial_recursion_is_stopped),
		T(test_unknown_partial_gives_notfound),
		T(test_partial_outside_text_is_compile_error),
		T(test_unknown_template_gives_notfound),
		T(test_unknown_message_key_prints_key),
		T(test_message_arguments_are_escaped),
		T(test_message_in_url_or_jsonld_is_escaped_as_a_whole),
		T(test_english_falls_back_to_german),
		T(test_trusted_html_is_raw_only_in_text),
		T(test_markdown_is_safe_and_cached_texts_stay_right),
		T(test_lookups_stay_right_when_maps_differ_between_renders),
		T(test_buffer_cap_gives_toobig),
		T(test_nested_loops_stop_at_the_step_budget),
		T(test_mismatched_block_reports_line),
		T(test_unclosed_block_reports_opening_line),
		T(test_malformed_tags_are_compile_errors),
		T(test_blocks_nested_deeper_than_64_are_compile_error),
		T(test_template_over_1_mib_is_rejected),
		T(test_branches_ending_in_different_contexts_are_compile_error),
		T(test_conditional_attribute_is_allowed_but_taints_its_name),
		T(test_rcdata_value_is_text_escaped),
		T(test_markup_in_svg_title_is_compile_error),
		T(test_view_set_replaces_and_keeps_insertion_order),
		T(test_view_load_names_templates_by_relative_path),
		T(test_view_load_reports_file_and_line),
		T(test_view_load_rejects_unknown_partial_and_bad_catalogue),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
