/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A line diff for the revision history: split both texts into lines, match
 * the common head and tail, and find a longest common subsequence of the
 * changed middle with the classic dynamic programme (O(n*m) cells of 16
 * bits, so at most ED_DIFF_MAX_LINES lines per side: 2 MB).
 */
#include "features/editor/editor.h"

#include <string.h>

struct lines {
	const char **v;
	size_t n;
};

static void
split(const char *s, struct arena *a, struct lines *out)
{
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		out->v = arena_grow(a, out->v, out->n, &cap, sizeof(*out->v));
		out->v[out->n++] = arena_strndup(a, s, len);
		s += len + (nl != NULL);
	}
}

static void
emit(struct ed_diff_line *out, size_t *n, enum ed_diff_op op, const char *text)
{
	out[*n].op = op;
	out[(*n)++].text = text;
}

void
ed_diff(const char *old, const char *new, struct arena *a, struct ed_diff_line **out, size_t *n)
{
	struct lines x, y;
	size_t head = 0, tail = 0, nx, ny;
	uint16_t *len; /* len[i * (ny + 1) + j]: LCS of x[i..] and y[j..] within the middle */
	struct ed_diff_line *d;

	split(old, a, &x);
	split(new, a, &y);
	d = arena_alloc(a, (x.n + y.n + 1) * sizeof(*d));
	*out = d;
	*n = 0;
	while (head < x.n && head < y.n && strcmp(x.v[head], y.v[head]) == 0)
		emit(d, n, ED_SAME, x.v[head++]);
	while (tail < x.n - head && tail < y.n - head &&
	       strcmp(x.v[x.n - 1 - tail], y.v[y.n - 1 - tail]) == 0)
		tail++;
	nx = x.n - head - tail;
	ny = y.n - head - tail;
	if (nx > ED_DIFF_MAX_LINES)
		nx = ED_DIFF_MAX_LINES;
	if (ny > ED_DIFF_MAX_LINES)
		ny = ED_DIFF_MAX_LINES;
	len = arena_calloc(a, (nx + 1) * (ny + 1), sizeof(*len));
	for (size_t i = nx; i-- > 0;)
		for (size_t j = ny; j-- > 0;) {
			uint16_t *c = &len[i * (ny + 1) + j];

			if (strcmp(x.v[head + i], y.v[head + j]) == 0)
				*c = (uint16_t)(len[(i + 1) * (ny + 1) + j + 1] + 1);
			else {
				uint16_t down = len[(i + 1) * (ny + 1) + j],
					 right = len[i * (ny + 1) + j + 1];

				*c = down >= right ? down : right;
			}
		}
	{
		size_t i = 0, j = 0;

		while (i < nx || j < ny) {
			if (i < nx && j < ny && strcmp(x.v[head + i], y.v[head + j]) == 0) {
				emit(d, n, ED_SAME, x.v[head + i]);
				i++;
				j++;
			} else if (i < nx && (j == ny || len[(i + 1) * (ny + 1) + j] >=
								 len[i * (ny + 1) + j + 1])) {
				emit(d, n, ED_DEL, x.v[head + i++]);
			} else {
				emit(d, n, ED_INS, y.v[head + j++]);
			}
		}
	}
	/* Lines past the compared middle: removed, then added. */
	for (size_t i = head + nx; i < x.n - tail; i++)
		emit(d, n, ED_DEL, x.v[i]);
	for (size_t j = head + ny; j < y.n - tail; j++)
		emit(d, n, ED_INS, y.v[j]);
	for (size_t i = x.n - tail; i < x.n; i++)
		emit(d, n, ED_SAME, x.v[i]);
}
