/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Markdown to HTML with cmark-gfm in safe mode: raw HTML blocks and inline
 * HTML become comments and unsafe URLs are emptied, so editors' texts can be
 * printed raw without letting them inject markup.
 */
#include "view/view.h"

#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

struct view_val *
view_markdown(struct arena *a, const char *md)
{
	char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
	struct view_val *v;

	if (!html)
		return view_text(a, "");
	v = view_html_trusted(a, html, strlen(html));
	free(html);
	return v;
}
