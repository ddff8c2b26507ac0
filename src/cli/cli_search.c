/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `rathaus search-eval`: measured relevance of the search (MRR@10,
 * Recall@1/3/10) on a file of queries with the LeiKa keys that answer them;
 * and `rathaus import synonyms`, a tenant's own colloquial terms.
 */
#include "cli/cli.h"

#include "core/clock.h"
#include "db/db.h"
#include "features/catalog/svc.h"
#include "features/search/search.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_TENANT "landkreis-lueneburg"
#define EVAL_LINE_MAX 8192

struct eval {
	int queries, at1, at3, at10;
	double rr;
};

/* Position (1-based) of the first of `keys` in `got`, 0 if none. */
static size_t
rank_of(const char *const *got, size_t n, const char *keys)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(keys, got[i]);

		if (p && (p == keys || p[-1] == ',') && (p[14] == 0 || p[14] == ','))
			return i + 1;
	}
	return 0;
}

static void
count(struct eval *ev, size_t rank)
{
	ev->queries++;
	ev->at1 += rank == 1;
	ev->at3 += rank >= 1 && rank <= 3;
	ev->at10 += rank >= 1 && rank <= 10;
	ev->rr += rank ? 1.0 / (double)rank : 0;
}

/* Run one query; *rank as rank_of().  Returns 0 or an error code. */
static int
one(struct db *db, const struct tenant *t, const struct search_index *ix, bool baseline,
    const char *query, const char *keys, struct arena *a, size_t *rank, const char **name,
    const char **top, struct err *e)
{
	const char **got;
	size_t n = 0;

	if (baseline) {
		int rc = svc_fts_baseline(db, t, query, 10, a, &got, &n, name, e);

		if (rc)
			return rc;
	} else {
		struct search_opts o = {.limit = 10, .services = true};
		struct search_result r;

		search_run(ix, query, &o, a, &r);
		got = arena_calloc(a, r.n + 1, sizeof(*got));
		for (size_t i = 0; i < r.n; i++)
			got[n++] = r.hits[i].id;
		if (r.n)
			*top = arena_printf(a, "%s %s", r.hits[0].id, r.hits[0].title);
	}
	*rank = rank_of(got, n, keys);
	if (baseline && n)
		*top = got[0];
	return 0;
}

static int
evaluate(struct db *db, const struct tenant *t, const char *path, bool baseline,
	 const char *synonyms)
{
	struct search_index *ix = NULL;
	struct err e = {0};
	struct eval ev = {0};
	const char *name = "in-process index (German normalization, BM25F)";
	char line[EVAL_LINE_MAX];
	FILE *f = fopen(path, "r");
	int64_t t0 = clock_mono_us(), t_build = 0;
	int no = 0, rc = 0;

	if (!f) {
		fprintf(stderr, "rathaus search-eval: cannot open '%s'\n", path);
		return CLI_FAIL;
	}
	if (!baseline) {
		rc = search_index_load(db, t, synonyms, &ix, &e);
		t_build = clock_mono_us() - t0;
	}
	t0 = clock_mono_us();
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *nl = strpbrk(line, "\r\n");
		const char *top = "-";
		struct arena a;
		size_t rank = 0;

		no++;
		if (nl)
			*nl = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		if (!tab) {
			fprintf(stderr, "%s:%d: expected query<TAB>key[,key...]\n", path, no);
			fclose(f);
			search_index_free(ix);
			return CLI_USAGE;
		}
		*tab = 0;
		arena_init(&a);
		rc = one(db, t, ix, baseline, line, tab + 1, &a, &rank, &name, &top, &e);
		if (rc == 0) {
			count(&ev, rank);
			if (rank != 1)
				printf("%-6s %-40s top: %s\n", rank ? "rank" : "FAILED", line, top);
			if (rank > 1)
				printf("       (expected at rank %zu)\n", rank);
		}
		arena_release(&a);
	}
	fclose(f);
	search_index_free(ix);
	if (rc)
		return cli_status(CLI_FAIL, "search-eval", &e);
	if (ev.queries == 0) {
		fprintf(stderr, "rathaus search-eval: no queries in '%s'\n", path);
		return CLI_USAGE;
	}
	printf("engine: %s\ntenant: %s\nqueries: %d\n", name, t->slug, ev.queries);
	if (!baseline)
		printf("index build: %.1f ms\n", (double)t_build / 1000.0);
	printf("mean query time: %.3f ms\n", (double)(clock_mono_us() - t0) / 1000.0 / ev.queries);
	printf("Recall@1 %.3f\nRecall@3 %.3f\nRecall@10 %.3f\n", (double)ev.at1 / ev.queries,
	       (double)ev.at3 / ev.queries, (double)ev.at10 / ev.queries);
	printf("MRR@10 %.4f\n", ev.rr / ev.queries);
	return CLI_OK;
}

struct index_count {
	const char *synonyms;
	size_t services;
};

/* Build the index of a tenant's scope and count its services. */
static int
index_one(struct db *db, const struct tenant *t, void *arg, struct err *e)
{
	struct index_count *c = arg;
	struct search_index *ix = NULL;
	int rc = search_index_load(db, t, c->synonyms, &ix, e);

	if (rc == 0)
		c->services += search_index_size(ix);
	search_index_free(ix);
	return rc;
}

/* Build the index of every tenant's scope; print services indexed and time. */
static int
index_time(struct db *db, const char *synonyms)
{
	struct index_count c = {synonyms, 0};
	struct err e = {0};
	size_t n = 0;
	int64_t t0 = clock_mono_us();

	if (cli_each_tenant(db, index_one, &c, &n, &e))
		return cli_status(CLI_FAIL, "search-eval", &e);
	printf("indexed %zu services in %zu scopes in %.0f ms\n", c.services, n,
	       (double)(clock_mono_us() - t0) / 1000.0);
	return CLI_OK;
}

static int
run_eval(int argc, char **argv, const struct config *cfg)
{
	const char *path = NULL, *slug = DEFAULT_TENANT;
	bool baseline = false, timing = false;
	struct db *db = NULL;
	struct tenant *t = NULL;
	struct arena a;
	struct err e = {0};
	char synonyms[CONFIG_STR_MAX + 32];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--baseline") == 0) {
			baseline = true;
		} else if (strcmp(argv[i], "--index-time") == 0) {
			timing = true;
		} else if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc) {
			slug = argv[++i];
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			fprintf(stderr, "rathaus search-eval: unexpected argument '%s'\n", argv[i]);
			return CLI_USAGE;
		}
	}
	if (!path && !timing) {
		fprintf(stderr, "rathaus search-eval: expected FILE.tsv (see --help)\n");
		return CLI_USAGE;
	}
	if (cli_open_db(cfg, &db, 0))
		return CLI_FAIL;
	snprintf(synonyms, sizeof(synonyms), "%s/data/search/synonyms.tsv", cfg->share_dir);
	arena_init(&a);
	if (timing)
		rc = index_time(db, synonyms);
	else if (tenant_find_by_slug(db, slug, &a, &t, &e)) {
		fprintf(stderr, "rathaus search-eval: no tenant '%s'\n", slug);
		rc = CLI_FAIL;
	} else {
		rc = evaluate(db, t, path, baseline, synonyms);
	}
	arena_release(&a);
	db_close(db);
	return rc;
}

const struct cli_cmd cli_search_eval = {
	"search-eval",
	"measure the search's relevance on queries with known answers",
	"Usage: rathaus search-eval FILE.tsv [--tenant SLUG] [--baseline]\n"
	"       rathaus search-eval --index-time\n\n"
	"Reads lines query<TAB>key[,key...] (LeiKa keys; any listed key counts as a\n"
	"hit; '#' starts a comment), searches each query in the scope of tenant\n"
	"SLUG (default " DEFAULT_TENANT ", the demo's portal network) and prints the\n"
	"queries not answered first, Recall@1, Recall@3, Recall@10 and, last,\n"
	"the line 'MRR@10 <value>'.\n\n"
	"--baseline runs the same queries through the database's own full-text\n"
	"search instead (PostgreSQL to_tsvector('german')/plainto_tsquery, or a\n"
	"SQLite FTS5 unicode61 match) and says which one ran.\n\n"
	"--index-time builds the search index of every tenant's scope, as a server\n"
	"does on first use, and prints how many services it indexed in what time.\n",
	run_eval,
};

int
cli_import_synonyms(struct db *db, const char *path, const char *slug)
{
	struct tenant *t = NULL;
	struct arena a;
	struct err e = {0};
	int n = 0, rc;

	arena_init(&a);
	rc = tenant_find_by_slug(db, slug, &a, &t, &e);
	if (rc == 0)
		rc = search_synonyms_import(db, t, path, &n, &e);
	arena_release(&a);
	if (rc) {
		fprintf(stderr, "rathaus import: %s\n",
			rc == ERR_NOTFOUND ? "no such tenant" : e.detail);
		return CLI_FAIL;
	}
	printf("synonyms: %d for %s\n", n, slug);
	return CLI_OK;
}
