/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The application's side of the feature table: each feature's process
 * state, and the hooks that several features contribute to (before a
 * tenant's request, the home page, the staff menu, the account page).
 */
#include "app/app.h"

#include "app/app_int.h"
#include "app/feature.h"

static size_t
index_of(const struct feature *f)
{
	for (size_t i = 0; i < features_n; i++)
		if (features[i] == f)
			return i;
	return APP_FEATURES_MAX; /* not listed: a programming error */
}

void *
app_state(const struct app *app, const struct feature *f)
{
	size_t i = index_of(f);

	return i < APP_FEATURES_MAX ? app->state[i] : NULL;
}

void
app_set_state(struct app *app, const struct feature *f, void *state)
{
	size_t i = index_of(f);

	if (i < APP_FEATURES_MAX)
		app->state[i] = state;
}

void
rq_before_tenant(struct rq *q)
{
	for (size_t i = 0; i < features_n; i++)
		if (features[i]->before_tenant)
			features[i]->before_tenant(q);
}

int
rq_home_sections(struct rq *q)
{
	for (size_t i = 0; i < features_n; i++) {
		int rc = features[i]->home ? features[i]->home(q) : 0;

		if (rc)
			return rc;
	}
	return 0;
}

void
rq_link(struct rq *q, struct view_val *links, const char *path, const char *label_key)
{
	struct view_val *m = view_push(links, view_map(q->a));

	view_set_text(m, "url", rq_url(q, path));
	view_set_text(m, "label", rq_msg(q, label_key));
}

struct view_val *
rq_staff_links(struct rq *q)
{
	struct view_val *l = view_list(q->a);
	unsigned roles = q->user ? q->user->roles : 0;

	for (size_t i = 0; i < features_n; i++)
		for (const struct feature_link *k = features[i]->staff; k && k->path; k++)
			if (k->roles & roles)
				rq_link(q, l, k->path, k->label);
	return l;
}

struct view_val *
rq_account_links(struct rq *q)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < features_n; i++)
		if (features[i]->account)
			features[i]->account(q, l);
	return l;
}
