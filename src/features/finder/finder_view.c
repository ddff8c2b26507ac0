/* SPDX-License-Identifier: EUPL-1.2 */
/* The finder's answers as template data and as sentences that say why. */
#include "features/finder/finder_view.h"

#include "app/rq_page.h"
#include "features/offices/office.h"

#include <string.h>

static const char *const why_codes[] = {
	[FINDER_WHY_RULE] = "rule",
	[FINDER_WHY_LEVEL] = "level",
	[FINDER_WHY_VERBAND] = "verband",
	[FINDER_WHY_KREISFREI] = "kreisfrei",
	[FINDER_WHY_CITY_STATE] = "city_state",
	[FINDER_WHY_UP] = "up",
	[FINDER_WHY_ELSEWHERE] = "elsewhere",
	[FINDER_WHY_AUTHORITY] = "authority",
	[FINDER_WHY_TOWN] = "town",
	[FINDER_WHY_UNKNOWN] = "unknown",
};

const char *
finder_why_code(enum finder_why w)
{
	return w <= FINDER_WHY_UNKNOWN ? why_codes[w] : "";
}

const char *
finder_tenant_url(struct rq *q, const struct tenant *t, const char *path)
{
	if (q->tenant && q->tenant->id == t->id)
		return rq_url(q, path);
	if (t->host[0] && !q->base[0])
		return arena_printf(q->a, "//%s%s", t->host, path);
	return arena_printf(q->a, "/t/%s%s", t->slug, path);
}

const char *
finder_msg(struct rq *q, const char *key, const char *a0, const char *a1)
{
	const char *args[2] = {a0, a1}, *m = rq_msg(q, key);

	for (int i = 0; i < 2; i++) {
		const char *at = strstr(m, i ? "{1}" : "{0}");

		if (at)
			m = arena_printf(q->a, "%.*s%s%s", (int)(at - m), m, args[i] ? args[i] : "",
					 at + 3);
	}
	return m;
}

struct view_val *
finder_place_view(struct rq *q, const struct region *g)
{
	struct view_val *m = view_map(q->a);
	struct finder_area chain[FINDER_N_LEVELS];
	size_t n = finder_chain(g, q->a, chain);
	const char *above = "";

	/* The first area above the Gemeinde that is not the Land: its Kreis or Verband. */
	for (size_t i = 1; i < n && !above[0]; i++)
		if (!(chain[i].levels & (1u << FINDER_LAND)) &&
		    !(chain[i].levels & (1u << FINDER_RB)))
			above = chain[i].name;
	view_set_text(m, "name", g->display_name);
	view_set_text(m, "official", chain[0].name);
	view_set_text(m, "plz", g->plz);
	view_set_text(m, "above", above);
	view_set_text(m, "land", g->land_name);
	view_set_text(m, "ars", g->ars);
	return m;
}

const char *
finder_authority(const struct finder_answer *ans)
{
	const struct finder_result *r = &ans->result;

	if (r->authority)
		return r->authority->name;
	return ans->tenant ? ans->tenant->name : r->chain[r->area].name;
}

/* The sentence for the answer's why code, with the place, the level or the authority. */
static const char *
why_sentence(struct rq *q, const struct finder_answer *ans)
{
	const struct finder_result *r = &ans->result;
	const char *key = arena_printf(q->a, "finder.why.%s", finder_why_code(r->why));
	const char *place = r->chain[0].name, *who = finder_authority(ans);

	switch (r->why) {
	case FINDER_WHY_RULE:
	case FINDER_WHY_VERBAND:
		return finder_msg(q, key, place, who);
	case FINDER_WHY_TOWN:
		if (r->chain[r->area].levels & (1u << FINDER_VERBAND))
			return finder_msg(q, "finder.why.town_verband", place, who);
		return finder_msg(q, key, who, NULL);
	case FINDER_WHY_KREISFREI:
	case FINDER_WHY_CITY_STATE:
	case FINDER_WHY_AUTHORITY:
		return finder_msg(q, key, who, NULL);
	default: /* the level that handles the service, and who does there */
		return finder_msg(q, key,
				  rq_key_name(q, "finder.level", finder_level_name(r->level)), who);
	}
}

/* The knowledge-base rule's note, where it has one, after the sentence. */
static const char *
with_note(struct rq *q, const struct finder_answer *ans, const char *text)
{
	const struct finder_kb_rule *k = ans->result.kb;

	if (!k || !k->note[0])
		return text;
	return arena_printf(q->a, "%s %s", text, k->note);
}

const char *
finder_why_text(struct rq *q, const struct finder_answer *ans)
{
	const struct finder_result *r = &ans->result;

	if (r->why != FINDER_WHY_RULE)
		return with_note(q, ans, why_sentence(q, ans));
	return r->rule->note[0] ? r->rule->note : why_sentence(q, ans);
}

const char *
finder_service_url(struct rq *q, const struct finder_answer *ans)
{
	if (!ans->tenant || !ans->result.tenant->offers)
		return "";
	return finder_tenant_url(
		q, ans->tenant,
		arena_printf(q->a, "/leistungen/%s-%s", ans->service.slug, ans->service.leika));
}

enum finder_level
finder_area_level(const struct finder_result *r)
{
	unsigned lv = r->chain[r->area].levels;

	if (lv & (1u << r->level))
		return r->level;
	for (int l = 0; l < FINDER_N_LEVELS; l++)
		if (lv & (1u << l))
			return (enum finder_level)l;
	return r->level;
}

struct view_val *
finder_answer_view(struct rq *q, const struct finder_answer *ans)
{
	const struct finder_result *r = &ans->result;
	struct view_val *m = view_map(q->a);

	view_set_text(m, "service", ans->service.title);
	view_set(m, "place", finder_place_view(q, ans->place));
	view_set_text(m, "authority", finder_authority(ans));
	view_set_text(m, "area_level",
		      rq_key_name(q, "finder.level", finder_level_name(finder_area_level(r))));
	view_set_text(m, "rule", rq_key_name(q, "finder.rule", finder_why_code(r->why)));
	view_set_text(m, "why", finder_why_text(q, ans));
	view_set_text(m, "online_url", ans->online_url);
	view_set_text(m, "service_url", finder_service_url(q, ans));
	view_set_text(m, "portal_url", ans->tenant ? finder_tenant_url(q, ans->tenant, "/") : "");
	view_set_bool(m, "elsewhere", !ans->tenant && !r->authority);
	if (r->authority) {
		view_set_text(m, "street", r->authority->street);
		view_set_text(m, "postal_code", r->authority->postal_code);
		view_set_text(m, "city", r->authority->city);
		view_set_text(m, "web", r->authority->web);
	}
	view_set_text(m, "bundesportal", FINDER_BUNDESPORTAL);
	if (ans->tenant && !ans->office) {
		const struct tenant_contact *c = &ans->tenant->contact;

		view_set_text(m, "street", c->street);
		view_set_text(m, "postal_code", c->postal_code);
		view_set_text(m, "city", c->city);
		view_set_text(m, "phone", c->phone);
	}
	return m;
}

struct view_val *
finder_office_view(struct rq *q, const struct tenant *t, const struct office *o)
{
	struct view_val *m = office_view(q, o);

	view_set_text(m, "url",
		      finder_tenant_url(q, t, arena_printf(q->a, "/stellen/%s", o->slug)));
	return m;
}
