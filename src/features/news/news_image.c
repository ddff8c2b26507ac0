/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Images of articles: staff upload a PNG, JPEG or WebP on the news list
 * (POST /verwaltung/aktuelles-bild, multipart); it is stored as a public
 * file of the tenant (files.h, use "image", checked by its content) and its
 * id is shown to be entered in an article's image field.
 */
#include "features/news/news_int.h"

#include "files/files.h"

#include <string.h>
#include <time.h>

#define IMAGE_BODY_MAX (6u << 20) /* files.h caps an image at 5 MiB */

static void
image_post(struct rq *q)
{
	const struct http_upload *u = NULL;
	struct files_store fs = {.data_dir = q->app->cfg.data_dir};
	struct file_meta *m = NULL;
	struct files_new in = {.use = "image", .owner = "news", .is_public = true};
	int rc;

	if (!ed_may_edit(q))
		return;
	for (size_t i = 0; i < q->http->n_uploads; i++)
		if (strcmp(q->http->uploads[i].field, "bild") == 0)
			u = &q->http->uploads[i];
	if (!u || u->len == 0) {
		rq_error(q, 422, "ed.news.err.image_missing");
		return;
	}
	in.name = u->filename;
	in.data = u->data;
	in.len = u->len;
	in.now = (int64_t)time(NULL);
	rc = files_put(q->db, &fs, q->tenant, &in, q->a, &m, &q->err);
	if (rc == ERR_TOOBIG || rc == ERR_UNPROCESSABLE || rc == ERR_INVALID) {
		rq_error(q, rc == ERR_TOOBIG ? 413 : 422, "ed.news.err.image_type");
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, "news.image", m->id);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/aktuelles?bild=%s", m->id));
}

void
news_image_register(struct app *app)
{
	app_route(app, HTTP_POST, "/verwaltung/aktuelles-bild", image_post, ROUTE_STAFF,
		  IMAGE_BODY_MAX);
}
