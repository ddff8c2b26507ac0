/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Static files: a path below a root that cannot escape it, validators (ETag
 * from size and mtime, Last-Modified), Cache-Control, and the precompressed
 * ".gz" sibling for clients that accept gzip (as nginx's gzip_static does).
 */
#include "http/http.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".gif", "image/gif"},
	{".webp", "image/webp"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".woff", "font/woff"},
	{".ttf", "font/ttf"},
	{".txt", "text/plain; charset=utf-8"},
	{".html", "text/html; charset=utf-8"},
	{".json", "application/json"},
	{".xml", "application/xml"},
	{".pdf", "application/pdf"},
};

static const char *
mime_of(struct str rel)
{
	for (size_t i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++)
		if (str_ends(rel, mime_types[i].ext))
			return mime_types[i].type;
	return "application/octet-stream";
}

/* Every segment is a plain name: no "", ".", "..", hidden files or backslashes. */
static bool
safe_relative(struct str rel)
{
	struct str rest = rel, seg;

	if (rel.len == 0 || memchr(rel.p, '\\', rel.len))
		return false;
	while (rest.p) {
		rest = str_cut(rest, '/', &seg);
		if (seg.len == 0 || seg.p[0] == '.')
			return false;
	}
	return true;
}

static bool
accepts_gzip(struct http_req *r)
{
	const char *ae = http_header(r, "Accept-Encoding");

	return ae && strstr(ae, "gzip") != NULL;
}

int
http_static(struct http_req *r, struct http_resp *resp, const char *root, struct str rel,
	    int max_age)
{
	char *path, *etag, lm[64];
	const char *inm;
	struct stat sb;
	struct tm tm;
	int fd = -1;
	bool gz = false;

	if (!safe_relative(rel))
		return ERR_NOTFOUND;
	path = arena_printf(&r->arena, "%s/%.*s", root, (int)rel.len, rel.p);
	if (accepts_gzip(r)) {
		char *gzpath = arena_printf(&r->arena, "%s.gz", path);

		fd = open(gzpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		gz = fd >= 0;
	}
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ERR_NOTFOUND;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ERR_NOTFOUND;
	}
	etag = arena_printf(&r->arena, "\"%llx-%llx%s\"", (unsigned long long)sb.st_size,
			    (unsigned long long)sb.st_mtime, gz ? "-gz" : "");
	gmtime_r(&sb.st_mtime, &tm);
	strftime(lm, sizeof(lm), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	http_resp_header(r, resp, "ETag", etag);
	http_resp_header(r, resp, "Last-Modified", lm);
	http_resp_header(r, resp, "Cache-Control",
			 arena_printf(&r->arena, "public, max-age=%d", max_age));
	http_resp_header(r, resp, "Vary", "Accept-Encoding");
	resp->content_type = mime_of(rel);
	inm = http_header(r, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		close(fd);
		resp->status = 304;
		return 0;
	}
	if (gz)
		http_resp_header(r, resp, "Content-Encoding", "gzip");
	resp->status = 200;
	resp->fd = fd;
	resp->fd_size = (uint64_t)sb.st_size;
	return 0;
}
