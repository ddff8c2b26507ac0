/* SPDX-License-Identifier: EUPL-1.2 */
/* Fuzz the strict request-head checks: a raw head split into line and fields. */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

#define FIELDS_MAX 64

static size_t
count(const struct http_head *h, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n_fields; i++)
		n += str_ieq_c(h->fields[i].key, name);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_kv fields[FIELDS_MAX];
	struct http_head h = {.fields = fields};
	struct str rest = {(const char *)data, size}, line, method, target, version;
	bool must_close;
	int rc;

	rest = str_cut(rest, '\n', &line);
	version = str_cut(str_cut(line, ' ', &method), ' ', &target);
	h.target = target.p ? target : STR("");
	h.version = version.p ? str_trim(version) : STR("");
	while (rest.p && h.n_fields < FIELDS_MAX) {
		struct str name, value;

		rest = str_cut(rest, '\n', &line);
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (line.len == 0)
			break;
		value = str_cut(line, ':', &name);
		if (!value.p)
			continue;
		fields[h.n_fields].key = name;
		fields[h.n_fields].val = value.len ? str_trim(value) : STR("");
		h.n_fields++;
	}
	rc = http_head_check(&h, &must_close);
	if (rc != 0 && rc != 400 && rc != 501)
		__builtin_trap();
	if (rc == 0) {
		/* What passed must be what the server relies on. */
		if (must_close || h.target.len == 0 || memchr(h.target.p, '\0', h.target.len) ||
		    memchr(h.target.p, ' ', h.target.len) || count(&h, "Host") > 1 ||
		    (count(&h, "Transfer-Encoding") && count(&h, "Content-Length")) ||
		    count(&h, "Content-Length") > 1)
			__builtin_trap();
		for (size_t i = 0; i < h.n_fields; i++)
			if (!http_check_token(h.fields[i].key) ||
			    (h.fields[i].val.len &&
			     memchr(h.fields[i].val.p, '\0', h.fields[i].val.len)))
				__builtin_trap();
	}
	return 0;
}
