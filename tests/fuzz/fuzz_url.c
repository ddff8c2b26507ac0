/* SPDX-License-Identifier: EUPL-1.2 */
/* Fuzz the strict percent-decoder, the urlencoded parser and the router. */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_router *rt;
	struct http_req r;
	struct http_kvs kvs = {0};
	struct str in = {(const char *)data, size}, out;
	unsigned allowed;

	if (!rt) {
		static const char *const patterns[] = {"/", "/leistungen/:key", "/static/*path",
						       "/a/:b/c/:d", "/t/:slug/x"};

		rt = http_router_new();
		for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
			struct http_route route = {.methods = HTTP_GET, .pattern = patterns[i]};

			http_router_add(rt, &route);
		}
	}
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena);
	r.method = HTTP_GET;
	if (http_decode(&r.arena, in, false, &out) == 0 && out.len && out.p[0] == '/')
		http_router_match(rt, &r, out, &allowed);
	if (http_parse_urlencoded(&r.arena, in, &kvs) == 0)
		for (size_t i = 0; i < kvs.n; i++)
			if (!str_valid_text(kvs.v[i].key) || !str_valid_text(kvs.v[i].val))
				__builtin_trap(); /* the parser promised valid text */
	arena_release(&r.arena);
	return 0;
}
