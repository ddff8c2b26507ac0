/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The pure resolution: a place's chain of authorities, and who among the
 * installation's tenants is responsible for a service there.
 *
 * Order: a responsibility by area that covers the place (the tenant's own
 * entry; the longest area wins, so a rule for the Kreis covers its
 * Gemeinden unless one of them has its own; a rule naming the service
 * beats one for its whole level); else the most specific rule of the
 * knowledge base (data/responsibility/: the longest LeiKa prefix, then the
 * narrowest area: a Kreis's or Regierungsbezirk's own before its Land's,
 * a Land's before one for every Land), which names a Land or federal authority
 * or sets the executing level, and lets towns listed for its task do the
 * Kreis's work (a Gemeindeverband listed for it does it for all its
 * members); else the authority of the service's level, found by its ARS (whether or
 * not it describes the service: responsibility is the law's, not the
 * portal's); else, where the level has no authority of its own (a
 * gemeindefreies Gebiet has no Gemeinde), the next one above; else the
 * authority of the level, outside this installation.  For municipal
 * services the level is the Gemeindeverband when it administers its
 * members (Samtgemeinde, Amt, Verbandsgemeinde, Verwaltungsgemeinschaft,
 * erfüllende Gemeinde).  Kreisfreie Städte and city states need no rule:
 * their key is the Kreis's (and the Land's) too, so the areas merge.
 */
#include "features/finder/finder.h"

#include <string.h>

static const char *const level_names[FINDER_N_LEVELS] = {
	"gemeinde", "verband", "kreis", "rb", "land", "bund",
};

const char *
finder_level_name(enum finder_level l)
{
	return l < FINDER_N_LEVELS ? level_names[l] : "";
}

enum finder_level
finder_level_of_service(const char *level)
{
	if (level && strcmp(level, "bund") == 0)
		return FINDER_BUND;
	if (level && strcmp(level, "land") == 0)
		return FINDER_LAND;
	if (level && strcmp(level, "kreis") == 0)
		return FINDER_KREIS;
	return FINDER_GEMEINDE;
}

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Types 65 and 66: a gemeindefreies Gebiet (67 is a Große Kreisstadt). */
static bool
gemeindefrei(const struct region *g)
{
	return g->typ == REGION_GEMEINDEFREI || g->typ == REGION_GEMEINDEFREI + 1;
}

/* The register's designations after the comma that the authority uses in its name. */
static const char *
designation(const char *part, size_t len)
{
	static const char *const kinds[][2] = {
		{"Stadt", "Stadt"},
		{"St", "Stadt"},
		{"M", "Markt"},
		{"GKSt", "Große Kreisstadt"},
		{"Hansestadt", "Hansestadt"},
		{"Hanse- und Universitätsstadt", "Hanse- und Universitätsstadt"},
		{"Universitäts- und Hansestadt", "Universitäts- und Hansestadt"},
		{"Landeshauptstadt", "Landeshauptstadt"},
		{"Freie und Hansestadt", "Freie und Hansestadt"},
		{"Flecken", "Flecken"},
		{"Kreisstadt", "Kreisstadt"},
		{"Universitätsstadt", "Universitätsstadt"},
		{"Wissenschaftsstadt", "Wissenschaftsstadt"},
		{"Lutherstadt", "Lutherstadt"},
		{"Marktgemeinde", "Marktgemeinde"},
		{"Marktflecken", "Marktflecken"},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i][0]) == len && strncmp(part, kinds[i][0], len) == 0)
			return kinds[i][1];
	return NULL;
}

/*
 * "Lünen, Stadt" -> "Stadt Lünen", "Dachau, GKSt" -> "Große Kreisstadt
 * Dachau", "Rerik, Ostseebad, Stadt" -> "Stadt Rerik"; honorary additions
 * ("Ostseebad", "Die Mähdrescherstadt") give way to the kind by type:
 * "Gemeinde Adendorf", "Markt Garmisch-Partenkirchen".
 */
static const char *
gemeinde_name(const struct region *g, struct arena *a)
{
	const char *comma = strstr(g->name, ", "), *kind = NULL;

	if (gemeindefrei(g))
		return g->name;
	for (const char *p = comma; p && !kind;) {
		const char *next = strstr(p + 2, ", ");

		kind = designation(p + 2, next ? (size_t)(next - p - 2) : strlen(p + 2));
		p = next;
	}
	if (!kind)
		kind = g->typ == 60 ? "Markt" : g->typ == 64 ? "Gemeinde" : "Stadt";
	return arena_printf(a, "%s %.*s", kind,
			    (int)(comma ? comma - g->name : (long)strlen(g->name)), g->name);
}

static const char *
verband_name(const struct region *g, struct arena *a)
{
	static const char *const kinds[] = {
		"",
		"Amt",
		"Samtgemeinde",
		"Verbandsgemeinde",
		"Verwaltungsgemeinschaft",
		"Kirchspielslandgemeinde",
		"Verwaltungsverband",
		"Verwaltungsgemeinschaft",
	};

	if (g->verband_typ == REGION_VERBAND_FILLING)
		return arena_printf(a, "%s (erfüllende Gemeinde)", g->verband_name);
	if (g->verband_typ > REGION_VERBAND_FREE && g->verband_typ < REGION_VERBAND_FILLING) {
		const char *n = g->verband_name, *vgem = strstr(n, " (VGem)");

		return arena_printf(a, "%s %.*s", kinds[g->verband_typ - REGION_VERBAND_FREE],
				    (int)(vgem ? vgem - n : (long)strlen(n)), n);
	}
	return g->verband_name;
}

static const char *
kreis_name(const struct region *g, struct arena *a)
{
	const char *n = g->kreis_name;

	if (starts(n, "Städteregion "))
		return arena_printf(a, "StädteRegion %s", n + strlen("Städteregion "));
	if (strcmp(n, "Heidekreis") == 0)
		return "Landkreis Heidekreis";
	if (starts(n, "Landkreis ") || starts(n, "Kreis ") || starts(n, "Region") ||
	    starts(n, "Regionalverband ") || strchr(n, ',') || strstr(n, "kreis") ||
	    strstr(n, "Kreis"))
		return n; /* "Main-Kinzig-Kreis", "Vogtlandkreis", "Märkischer Kreis" */
	if (g->kreis_typ == REGION_KREIS_KREIS)
		return arena_printf(a, "Kreis %s", n);
	if (g->kreis_typ == REGION_KREIS_LANDKREIS)
		return arena_printf(a, "Landkreis %s", n);
	return n;
}

/* Append area (key prefix of `len` digits) unless it merges with the last one. */
static void
add(struct finder_area *v, size_t *n, const char *ars, size_t len, enum finder_level l,
    const char *name)
{
	char key[REGION_ARS_LEN + 1];

	memset(key, '0', REGION_ARS_LEN);
	key[REGION_ARS_LEN] = '\0';
	memcpy(key, ars, len);
	if (*n && strcmp(v[*n - 1].ars, key) == 0) {
		v[*n - 1].levels |= 1u << l;
		return;
	}
	memcpy(v[*n].ars, key, sizeof(key));
	v[*n].levels = 1u << l;
	v[*n].name = name;
	(*n)++;
}

size_t
finder_chain(const struct region *g, struct arena *a, struct finder_area *out)
{
	size_t n = 0;

	add(out, &n, g->ars, REGION_ARS_LEN, FINDER_GEMEINDE, gemeinde_name(g, a));
	if (g->verband_typ != REGION_VERBAND_FREE)
		add(out, &n, g->ars, 9, FINDER_VERBAND, verband_name(g, a));
	if (g->kreis_name[0]) /* one gemeindefreies Gebiet lies in no Kreis */
		add(out, &n, g->ars, 5, FINDER_KREIS, kreis_name(g, a));
	if (starts(g->rb_name, "Reg.-Bez. "))
		add(out, &n, g->ars, 3, FINDER_RB,
		    arena_printf(a, "Regierungsbezirk %s", g->rb_name + strlen("Reg.-Bez. ")));
	add(out, &n, g->ars, 2, FINDER_LAND, arena_printf(a, "Land %s", g->land_name));
	if (out[n - 1].levels & (1u << FINDER_GEMEINDE))
		out[n - 1].name =
			strcmp(g->name, "Berlin, Stadt") == 0 ? "Land Berlin" : gemeinde_name(g, a);
	add(out, &n, "", 0, FINDER_BUND, "Bundesverwaltung");
	return n;
}

/*
 * Whether the Gemeindeverband of `g` runs its members' citizen services.  In
 * Baden-Württemberg the members of a Verwaltungsgemeinschaft keep their
 * own administration (§ 59ff. GemO BW: the Verband plans, the members
 * register residents and issue papers).
 */
static bool
verband_administers(const struct region *g)
{
	if (g->verband_typ == REGION_VERBAND_VWG && strcmp(g->land, "08") == 0)
		return false;
	switch (g->verband_typ) {
	case REGION_VERBAND_AMT:
	case REGION_VERBAND_SAMTG:
	case REGION_VERBAND_VG:
	case REGION_VERBAND_VWG: /* not in Baden-Württemberg: see below */
	case 57:		 /* Verwaltungsgemeinschaft, Trägermodell */
	case REGION_VERBAND_FILLING:
		return true;
	default:
		return false;
	}
}

static const struct finder_tenant *
tenant_by_id(const struct finder_input *in, int64_t id)
{
	for (size_t i = 0; i < in->n_tenants; i++)
		if (in->tenants[i].id == id)
			return &in->tenants[i];
	return NULL;
}

/* The tenant that is the authority of area `ars`, offering the service or not. */
static const struct finder_tenant *
tenant_at(const struct finder_input *in, const char *ars)
{
	const struct finder_tenant *found = NULL;

	for (size_t i = 0; i < in->n_tenants; i++)
		if (strcmp(in->tenants[i].ars, ars) == 0 && (!found || in->tenants[i].offers))
			found = &in->tenants[i];
	return found;
}

/* The rule with the longest area covering the place; a service's own beats its level's. */
static const struct finder_rule *
best_rule(const struct finder_input *in)
{
	const struct finder_rule *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < in->n_rules; i++) {
		const struct finder_rule *r = &in->rules[i];
		size_t len = strlen(r->area);

		if (len < 2 || len > REGION_ARS_LEN || strncmp(r->area, in->place->ars, len) != 0 ||
		    !tenant_by_id(in, r->tenant_id))
			continue;
		if (!best || len > best_len ||
		    (len == best_len && r->for_service && !best->for_service)) {
			best = r;
			best_len = len;
		}
	}
	return best;
}

/* The first area of the chain that stands for level `l` or, where none does, one above. */
static size_t
area_of(const struct finder_result *out, enum finder_level l)
{
	for (size_t i = 0; i < out->n_chain; i++)
		if (out->chain[i].levels >> l)
			return i;
	return out->n_chain - 1;
}

static enum finder_why
why_at(const struct finder_result *out, size_t start, bool via_verband)
{
	unsigned lv = out->chain[start].levels;

	if ((lv & (1u << FINDER_LAND)) && (lv & (1u << FINDER_GEMEINDE)) &&
	    out->level != FINDER_BUND)
		return FINDER_WHY_CITY_STATE;
	if (out->level == FINDER_KREIS && (lv & (1u << FINDER_GEMEINDE)))
		return FINDER_WHY_KREISFREI;
	return via_verband ? FINDER_WHY_VERBAND : FINDER_WHY_LEVEL;
}

const struct finder_kb_rule *
finder_kb_best(const struct finder_input *in)
{
	const struct finder_kb_rule *best = NULL;
	size_t best_len = 0;

	if (!in->leika || !in->leika[0])
		return NULL;
	for (size_t i = 0; i < in->n_kb; i++) {
		const struct finder_kb_rule *k = &in->kb[i];
		size_t len = strlen(k->leika);

		if (len < 5 || !starts(in->leika, k->leika) || !starts(in->place->ars, k->land))
			continue;
		if (!best || len > best_len ||
		    (len == best_len && strlen(k->land) > strlen(best->land))) {
			best = k;
			best_len = len;
		}
	}
	return best;
}

static bool
takes_over(const char *const *tasks, size_t n, const char *task)
{
	for (size_t i = 0; task[0] && i < n; i++)
		if (strcmp(tasks[i], task) == 0)
			return true;
	return false;
}

/* A responsibility by area (the tenant's own entry): it wins over everything else. */
static void
apply_rule(struct finder_result *out, const struct finder_input *in, size_t start)
{
	size_t len = strlen(out->rule->area);

	out->why = FINDER_WHY_RULE;
	out->tenant = tenant_by_id(in, out->rule->tenant_id);
	out->area = start;
	for (size_t i = 0; i < out->n_chain; i++) {
		const char *k = out->chain[i].ars;

		if (strncmp(k, out->rule->area, len) == 0 &&
		    strspn(k + len, "0") == REGION_ARS_LEN - len) {
			out->area = i;
			return;
		}
	}
}

/* The tenant at area `start` of the chain, or the next one above for gemeindefreie Gebiete. */
static void
walk_up(struct finder_result *out, const struct finder_input *in, size_t start, bool via_verband)
{
	for (size_t i = start; i < out->n_chain; i++) {
		const struct finder_tenant *t = tenant_at(in, out->chain[i].ars);

		if (t) {
			out->tenant = t;
			out->area = i;
			out->why = i == start ? why_at(out, start, via_verband) : FINDER_WHY_UP;
			return;
		}
		if (i > 0 || !gemeindefrei(in->place))
			break; /* the authority exists, outside this installation */
	}
	out->area = start;
	out->why = FINDER_WHY_ELSEWHERE;
}

/*
 * Which area does the Kreis's task that the rule names, when the place's
 * town (0) or its Gemeindeverband does; FINDER_N_LEVELS when neither does.
 */
static size_t
town_area(const struct finder_input *in, const struct finder_result *out)
{
	const char *task = out->kb->town_task;

	if (out->level != FINDER_KREIS)
		return FINDER_N_LEVELS;
	if (takes_over(in->town_tasks, in->n_town_tasks, task))
		return 0;
	if (in->place->verband_typ != REGION_VERBAND_FREE &&
	    takes_over(in->verband_tasks, in->n_verband_tasks, task))
		return area_of(out, FINDER_VERBAND);
	return FINDER_N_LEVELS;
}

void
finder_resolve(const struct finder_input *in, struct arena *a, struct finder_result *out)
{
	bool via_verband, town = false;
	size_t start, town_at = FINDER_N_LEVELS;

	memset(out, 0, sizeof(*out));
	out->level = finder_level_of_service(in->level);
	out->n_chain = finder_chain(in->place, a, out->chain);
	out->rule = best_rule(in);
	out->kb = out->rule ? NULL : finder_kb_best(in);
	if (out->kb) {
		out->level = finder_level_of_service(out->kb->level);
		town_at = town_area(in, out);
		town = town_at < FINDER_N_LEVELS;
	}
	via_verband = out->level == FINDER_GEMEINDE && !town && verband_administers(in->place);
	start = town ? town_at : area_of(out, via_verband ? FINDER_VERBAND : out->level);
	if (out->rule) {
		apply_rule(out, in, start);
		return;
	}
	if (out->kb && out->kb->authority) {
		/* Named, but said to be unsure where the rule says so, as for levels. */
		out->authority = out->kb->authority;
		out->area = start;
		out->why = out->kb->certain ? FINDER_WHY_AUTHORITY : FINDER_WHY_UNKNOWN;
		return;
	}
	walk_up(out, in, start, via_verband);
	if (town && out->area == start && !(out->chain[start].levels & (1u << FINDER_KREIS)))
		out->why = FINDER_WHY_TOWN;
	if (out->kb && !out->kb->certain && out->why != FINDER_WHY_TOWN)
		out->why = FINDER_WHY_UNKNOWN;
}
