/*
 * grey_tree: the file-tree backend (see grey.h).
 *
 * Every step is relative to an open directory (openat, mkdirat,
 * fstatat, utimensat), never through a symlink below the root, so a
 * path is resolved once per connection.  No lock is needed: the first
 * contact is one O_EXCL create, a later one one stat and one utimensat
 * that sets atime without rewriting mtime.  A concurrent jgreylist-clean
 * may remove a directory between our mkdir and our create; the walk is
 * then done again (at most TRIES times).
 */
#include "grey.h"
#include "die.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRIES 3
#define RMTREE_DEPTH 20
#define AGAIN (-1)              /* internal: walk again */

static enum grey_result
fail(grey_tree_err *e, int err, const char *what, const char *path,
     size_t len)
{
	e->err = err;
	e->what = what;
	if (len >= sizeof e->path)
		len = sizeof e->path - 1;
	memcpy(e->path, path, len);
	e->path[len] = 0;
	return GREY_FAIL;
}

/* Removes name (a directory) and everything below it, without
   following symlinks; 0 or -1 with errno. */
static int
rmtree(int at, const char *name, int depth)
{
	struct dirent *d;
	DIR *dir;
	int fd;

	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -1;
	}
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (unlinkat(fd, d->d_name, 0) < 0 && errno == EISDIR
		    && depth < RMTREE_DEPTH)
			rmtree(fd, d->d_name, depth + 1);
	}
	closedir(dir);
	return unlinkat(at, name, AT_REMOVEDIR);
}

/* Something that is not what the layout needs sits at path: remove it.
   0, or -1 with errno. */
static int
remove_wrong(int at, const char *name, const char *dir, const char *path,
             size_t len, const char *need)
{
	struct stat st;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	warn_x("%s/%.*s is not %s (tree made with other prefix settings?), "
	    "removing it", dir, (int)len, path, need);
	if (S_ISDIR(st.st_mode))
		return rmtree(at, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	return unlinkat(at, name, 0) < 0 && errno != ENOENT ? -1 : 0;
}

/* The directory name below at (path[0..len) for messages), made if
   needed: an fd, or AGAIN, or -2 (failed, *e filled). */
static int
subdir(int at, const char *name, const char *dir, const char *path,
       size_t len, grey_tree_err *e)
{
	int i, fd;

	for (i = 0; i < TRIES; i++) {
		fd = openat(at, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno == ENOTDIR || errno == ELOOP) {
			if (remove_wrong(at, name, dir, path, len,
			    "a directory") < 0)
				break;
			continue;
		}
		if (errno != ENOENT)
			return fail(e, errno, "unable to open directory",
			    path, len), -2;
		if (mkdirat(at, name, 0700) < 0 && errno != EEXIST) {
			if (errno == ENOENT)    /* at itself was removed */
				return AGAIN;
			return fail(e, errno, "unable to create directory",
			    path, len), -2;
		}
	}
	if (i == TRIES)
		return AGAIN;
	return fail(e, errno, "unable to remove", path, len), -2;
}

/* A new entry, both times now. */
static int
create(int at, const char *leaf, time_t now)
{
	struct timespec t[2] = { { now, 0 }, { now, 0 } };
	int fd = openat(at, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
	    | O_NOCTTY | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	/* the local clock, not an NFS server's, is what is compared */
	if (futimens(fd, t) < 0)
		warn_sys("unable to set the times of a new entry");
	close(fd);
	return 0;
}

/* The leaf below the open directory at; AGAIN or a grey_result. */
static int
entry(int at, const char *leaf, const char *dir, const char *path,
      time_t now, unsigned long hold, grey_tree_err *e)
{
	struct timespec t[2] = { { now, 0 }, { 0, UTIME_OMIT } };
	size_t len = strlen(path);
	enum grey_result r;
	struct stat st;
	int i;

	for (i = 0; i < TRIES; i++) {
		if (fstatat(at, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (!S_ISREG(st.st_mode)) {
				if (remove_wrong(at, leaf, dir, path, len,
				    "a regular file") < 0)
					return fail(e, errno,
					    "unable to remove", path, len);
				continue;
			}
			r = grey_decide(st.st_mtime, now, hold);
			if (r == GREY_FIRST)    /* first seen in the future */
				t[1] = t[0];
			if (utimensat(at, leaf, t, AT_SYMLINK_NOFOLLOW) < 0)
				warn_sys("unable to update %s/%s", dir, path);
			return r;
		}
		if (errno != ENOENT)
			return fail(e, errno, "unable to stat", path, len);
		if (create(at, leaf, now) == 0)
			return GREY_FIRST;
		if (errno == ENOENT)            /* the parent was removed */
			return AGAIN;
		if (errno != EEXIST)            /* EEXIST: another one won */
			return fail(e, errno, "unable to create", path, len);
	}
	return AGAIN;
}

static int
walk(int root, const char *dir, const char *path, time_t now,
     unsigned long hold, grey_tree_err *e)
{
	char buf[GREY_PATH_FMT];
	size_t len = strlen(path), i, start = 0;
	int at = root, r;

	memcpy(buf, path, len + 1);
	for (i = 0; i < len; i++) {
		int fd;

		if (buf[i] != '/')
			continue;
		buf[i] = 0;
		fd = subdir(at, buf + start, dir, path, i, e);
		if (at != root)
			close(at);
		if (fd < 0)
			return fd == AGAIN ? AGAIN : GREY_FAIL;
		at = fd;
		start = i + 1;
	}
	r = entry(at, buf + start, dir, path, now, hold, e);
	if (at != root)
		close(at);
	return r;
}

enum grey_result
grey_tree_check(const char *dir, const char *path, time_t now,
                unsigned long holdtime, grey_tree_err *e)
{
	size_t len = strlen(path);
	int root, i, r = AGAIN;

	if (len == 0 || len >= GREY_PATH_FMT || path[0] == '/'
	    || path[len - 1] == '/' || strstr(path, "//") || strstr(path, ".."))
		return fail(e, EINVAL, "invalid entry path", path, len);
	root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return fail(e, errno, "unable to open", "", 0);
	for (i = 0; i < TRIES && r == AGAIN; i++)
		r = walk(root, dir, path, now, holdtime, e);
	close(root);
	if (r == AGAIN)
		return fail(e, ENOENT, "unable to create", path, len);
	return (enum grey_result)r;
}
