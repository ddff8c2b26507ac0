/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * feature: what a feature (one folder of src/features) tells the
 * application about itself.  The features are listed once, in the table of
 * features.c in that folder; the application walks the table and includes
 * no feature header, so the dependency arrow points one way: features -> app.
 *
 * Adding a feature is one folder plus one line in features.c: the folder's
 * header declares `extern const struct feature news_feature;` and its file
 * fills every member it needs, leaving the others NULL.
 *
 *	const struct feature news_feature = {
 *		.name = "news",
 *		.init = news_init,            // routes, process state
 *		.home = news_on_home,         // the newest articles on the home page
 *		.staff = news_staff_links,    // "Nachrichten" in the staff menu
 *	};
 */
#ifndef RATHAUS_FEATURE_H
#define RATHAUS_FEATURE_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct app;
struct db;
struct rq;
struct job_every;
struct search_source;
struct json_t;
struct view_val;

/* An entry of the staff menu on /verwaltung. */
struct feature_link {
	const char *path;  /* below the tenant: "/verwaltung/leistungen"; NULL ends a list */
	const char *label; /* message key */
	unsigned roles;	   /* enum auth_role bits of users who see it */
};

/*
 * A staff menu of one entry, for a feature's .staff:
 *	.staff = FEATURE_LINK("/verwaltung/stellen", "ed.office.list", ROLE_ADMIN | ROLE_EDITOR),
 */
#define FEATURE_LINK(path, label, roles)                                                           \
	((const struct feature_link[]){{(path), (label), (roles)}, {NULL, NULL, 0}})

struct feature {
	const char *name;
	/*
	 * Register routes (app_route) and build process state (app_set_state)
	 * at start-up.  Returns 0 or an error with the detail in e.
	 */
	int (*init)(struct app *app, struct err *e);
	/* Free the process state; called in reverse order at shutdown. */
	void (*release)(struct app *app);
	/* Run before the handler of every request of a tenant. */
	void (*before_tenant)(struct rq *q);
	/*
	 * Installation-wide work every few minutes, or NULL: a recurring job
	 * (jobs.h) that exactly one instance runs each time; its run function
	 * gets the struct app as r->ctx.  Other job kinds a feature adds in its
	 * init with jobs_add_kind(app->jobs, ...).
	 */
	const struct job_every *job;
	/* Documents this feature hands to the citizen search (search.h), or NULL. */
	const struct search_source *search;
	/* Add this feature's section to a tenant's home page (q->page).  Returns 0 or an error. */
	int (*home)(struct rq *q);
	/* Staff menu entries, ended by one with path NULL; or NULL. */
	const struct feature_link *staff;
	/*
	 * Add what this feature keeps about citizen `citizen_id`, on every
	 * tenant, to the citizen's data export `doc` (a JSON object: one member
	 * named after the feature).  Returns 0 or an error; NULL: it keeps none.
	 */
	int (*citizen_data)(struct rq *q, int64_t citizen_id, struct json_t *doc);
	/*
	 * Add the links to this feature's pages of the citizen's own things
	 * ("Meine Termine") to the account page: rq_link() onto `links`.
	 * NULL: none.
	 */
	void (*account)(struct rq *q, struct view_val *links);
};

/* The features, in the order they are initialised (features.c). */
extern const struct feature *const features[];
extern const size_t features_n;

#endif
