/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz target for view: compile the input as a template and, when it
 * compiles, render it with fixed data into a buffer capped at 1 MiB.  The
 * data has every kind of value, hostile text among them, and a partial "p".
 */
#include "view/view.h"

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

#define FUZZ_OUT_MAX (1024u * 1024)

static const char FUZZ_PARTIAL[] = "<li title=\"{{ it.s }}\">{{ @index }}{{ s }}</li>";

static struct view_val *
fuzz_data(struct arena *a)
{
	struct view_val *root = view_map(a), *list, *m;

	view_set_text(root, "s", "<script>\"'&");
	view_set_text(root, "u", " JavaScript:alert(1)");
	view_set_int(root, "n", -42);
	view_set_bool(root, "b", true);
	view_set_bool(root, "f", false);
	view_set(root, "z", NULL);
	view_set(root, "h", view_html_trusted(a, "<em>\xff</em>", 10));
	list = view_set(root, "l", view_list(a));
	for (int i = 0; i < 3; i++) {
		m = view_push(list, view_map(a));
		view_set_int(m, "i", i);
		view_set_text(m, "s", i == 1 ? "</script>\xe2\x80\xa8" : "x\"y");
	}
	m = view_set(root, "m", view_map(a));
	view_set_text(m, "s", "nested <b>");
	view_set(view_set(m, "m", view_map(a)), "l", list);
	return root;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct view *v = view_new();
	struct arena a;
	struct buf out;
	struct err e;
	int rc;

	arena_init(&a);
	buf_init(&out, FUZZ_OUT_MAX);
	err_clear(&e);
	view_add_msg(v, "de", "k", "<{0}|{1}> & {2}");
	view_add_msg(v, "en", "k", "{1}:{0}");
	rc = view_add(v, "p", FUZZ_PARTIAL, sizeof(FUZZ_PARTIAL) - 1, &e);
	if (rc == 0 && view_add(v, "fuzz", (const char *)data, size, &e) == 0)
		rc = view_render(v, "fuzz", "de", fuzz_data(&a), &out, &e);
	(void)rc;
	buf_release(&out);
	arena_release(&a);
	view_free(v);
	return 0;
}
