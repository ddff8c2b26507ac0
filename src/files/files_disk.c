/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The bytes of files on the local disk (SQLite installations): one file per
 * id below data_dir/files/<tenant id>/.  Names are ids, never client input.
 * A write goes to a temporary name first, is flushed, and is renamed into
 * place, so a crash leaves either nothing or the whole file; only the row
 * written afterwards makes it visible.
 */
#include "files/files_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_MODE 0750
#define FILE_MODE 0640

static int
dir_path(const struct files_store *fs, int64_t tenant_id, char *out, size_t cap, struct err *e)
{
	int n = snprintf(out, cap, "%s/files/%lld", fs->data_dir, (long long)tenant_id);

	if (n < 0 || (size_t)n >= cap)
		return err_set(e, ERR_IO, "error.internal", "data_dir path too long");
	return 0;
}

static int
make_dir(const char *path, struct err *e)
{
	if (mkdir(path, DIR_MODE) != 0 && errno != EEXIST)
		return err_set(e, ERR_IO, "error.internal", "mkdir '%s': %s", path,
			       strerror(errno));
	return 0;
}

/* data_dir/files/<tenant> and its parents. */
static int
ensure_dir(const struct files_store *fs, int64_t tenant_id, char *dir, size_t cap, struct err *e)
{
	char files[PATH_MAX];
	int rc;

	if (snprintf(files, sizeof(files), "%s/files", fs->data_dir) >= (int)sizeof(files))
		return err_set(e, ERR_IO, "error.internal", "data_dir path too long");
	rc = make_dir(fs->data_dir, e);
	if (rc == 0)
		rc = make_dir(files, e);
	if (rc == 0)
		rc = dir_path(fs, tenant_id, dir, cap, e);
	if (rc == 0)
		rc = make_dir(dir, e);
	return rc;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int
files_disk_write(const struct files_store *fs, int64_t tenant_id, const char *id, const void *data,
		 size_t len, struct err *e)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 64], dst[PATH_MAX + 64];
	int fd, rc = ensure_dir(fs, tenant_id, dir, sizeof(dir), e);

	if (rc)
		return rc;
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, id);
	snprintf(dst, sizeof(dst), "%s/%s", dir, id);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, FILE_MODE);
	if (fd < 0)
		return err_set(e, ERR_IO, "error.internal", "open '%s': %s", tmp, strerror(errno));
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		rc = err_set(e, ERR_IO, "error.internal", "write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return rc;
	}
	close(fd);
	if (rename(tmp, dst) != 0) {
		rc = err_set(e, ERR_IO, "error.internal", "rename '%s': %s", tmp, strerror(errno));
		unlink(tmp);
		return rc;
	}
	sync_dir(dir);
	return 0;
}

int
files_disk_read(const struct files_store *fs, int64_t tenant_id, const char *id, int64_t size,
		struct arena *a, struct str *out, struct err *e)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], *p;
	struct stat sb;
	size_t got = 0;
	int fd, rc = dir_path(fs, tenant_id, dir, sizeof(dir), e);

	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", dir, id);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return err_set(e, ERR_IO, "error.internal", "open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size != size) {
		close(fd);
		return err_set(e, ERR_IO, "error.internal", "'%s' is not the stored file", path);
	}
	p = arena_alloc(a, (size_t)size + 1);
	while (got < (size_t)size) {
		ssize_t k = read(fd, p + got, (size_t)size - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (got != (size_t)size)
		return err_set(e, ERR_IO, "error.internal", "short read of '%s'", path);
	p[got] = '\0';
	*out = (struct str){p, got};
	return 0;
}

int
files_disk_remove(const struct files_store *fs, int64_t tenant_id, const char *id, struct err *e)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	int rc = dir_path(fs, tenant_id, dir, sizeof(dir), e);

	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", dir, id);
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(e, ERR_IO, "error.internal", "unlink '%s': %s", path,
			       strerror(errno));
	return 0;
}
