/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * news: a tenant's news at /aktuelles with an Atom feed, and its newsletter
 * with double opt-in.  Articles go through the editorial workflow (editor.h,
 * kind "news"); a portal network also lists its members' articles.
 */
#ifndef RATHAUS_NEWS_H
#define RATHAUS_NEWS_H

#include "app/feature.h"
#include "core/err.h"

struct db;
struct tenant;

/* /aktuelles, /newsletter and their staff pages. */
extern const struct feature news_feature;

/*
 * Load the demo articles of file `path` (a JSON array) for tenant `t`,
 * published at once; articles whose slug exists are left alone.  Returns 0,
 * ERR_IO, ERR_INVALID or ERR_DB.
 */
int news_demo_load(struct db *db, const struct tenant *t, const char *path,
		   struct err *e) MUST_CHECK;

#endif
