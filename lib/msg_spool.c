/* msg_spool: a whole message from a descriptor, normalised (spec C-1, S-9):
   a regular file is mapped (and used as is when already normal); other
   input stays in memory up to a limit, then goes to an unlinked file. */
#include "msg.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536
#define MAP_MIN (256u * 1024)    /* smaller files are read: cheaper */

int
msg_tmpfile(const char *tmpdir)
{
	char path[4096];
	int fd, n;

	if (!tmpdir)
		tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
#ifdef O_TMPFILE
	fd = open(tmpdir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	n = snprintf(path, sizeof path, "%s/msgspool.XXXXXX", tmpdir);
	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -1;
	unlink(path);
	return fd;
}

static int
put(msg_spool *sp, const char *p, size_t n, size_t maxlen, const char *tmpdir)
{
	if (n > maxlen || sp->len > maxlen - n) {
		errno = E2BIG;
		return 0;
	}
	if (sp->tmpfd < 0) {
		if (sbuf_catb(&sp->mem, p, n)) {
			sp->len += n;
			return 1;
		}
		if (errno != E2BIG)
			return 0;
		sp->tmpfd = msg_tmpfile(tmpdir);
		if (sp->tmpfd < 0)
			return 0;
		if (!io_write_all(sp->tmpfd, sp->mem.s, sp->mem.len))
			return 0;
		sbuf_free(&sp->mem);
	}
	if (!io_write_all(sp->tmpfd, p, n))
		return 0;
	sp->len += n;
	return 1;
}

static int
finish(msg_spool *sp, msg_norm *st, size_t maxlen, const char *tmpdir)
{
	char last[1];
	size_t k = msg_norm_end(st, last);

	if (k && !put(sp, last, k, maxlen, tmpdir))
		return 0;
	sp->style = st->style;
	if (sp->tmpfd >= 0) {
		sp->map = mmap(0, sp->len, PROT_READ, MAP_SHARED, sp->tmpfd, 0);
		if (sp->map == MAP_FAILED) {
			sp->map = 0;
			return 0;
		}
		sp->maplen = sp->len;
		sp->p = sp->map;
	} else {
		sp->p = sp->mem.s ? sp->mem.s : "";
	}
	return 1;
}

/* A regular file: map it; use it in place when it is already normal. */
static int
from_map(msg_spool *sp, int fd, const struct stat *st, size_t maxlen,
         const char *tmpdir)
{
	off_t cur = lseek(fd, 0, SEEK_CUR);
	size_t total = (size_t)st->st_size, off, len, i;
	char *map, *out;
	msg_norm ns = MSG_NORM_INIT;
	int ok = 1;

	if (cur < 0 || (unsigned long long)cur > (unsigned long long)total)
		cur = 0;
	off = (size_t)cur;
	map = mmap(0, total, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -1;              /* read it instead */
	len = total - off;
	if (msg_is_normal(map + off, len)) {
		sp->map = map;
		sp->maplen = total;
		sp->p = map + off;
		sp->len = len;
		sp->fromfile = 1;
		sp->style = len ? MSG_STYLE_LF : MSG_STYLE_NONE;
		return 1;
	}
	out = malloc(CHUNK);
	if (!out) {
		munmap(map, total);
		return 0;
	}
	for (i = 0; ok && i < len; i += CHUNK) {
		size_t n = len - i < CHUNK ? len - i : CHUNK;

		n = msg_norm_chunk(&ns, map + off + i, n, out);
		ok = put(sp, out, n, maxlen, tmpdir);
	}
	free(out);
	munmap(map, total);
	return ok && finish(sp, &ns, maxlen, tmpdir);
}

int
msg_spool_read(msg_spool *sp, int fd, size_t memmax, size_t maxlen,
               const char *tmpdir)
{
	struct stat st;
	msg_norm ns = MSG_NORM_INIT;
	char *in, *out;
	int ok = 1;

	sp->mem.max = memmax ? memmax : 1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= (off_t)MAP_MIN) {
		int r = from_map(sp, fd, &st, maxlen, tmpdir);

		if (r >= 0)
			return r;
	}
	in = malloc(2 * CHUNK);
	if (!in)
		return 0;
	out = in + CHUNK;
	for (;;) {
		ssize_t r = read(fd, in, CHUNK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ok = 0;
			break;
		}
		if (r == 0)
			break;
		if (!put(sp, out, msg_norm_chunk(&ns, in, (size_t)r, out),
		    maxlen, tmpdir)) {
			ok = 0;
			break;
		}
	}
	free(in);
	return ok && finish(sp, &ns, maxlen, tmpdir);
}

void
msg_spool_free(msg_spool *sp)
{
	if (sp->map)
		munmap(sp->map, sp->maplen);
	if (sp->tmpfd >= 0)
		close(sp->tmpfd);
	sbuf_free(&sp->mem);
	sp->map = 0;
	sp->tmpfd = -1;
	sp->p = 0;
	sp->len = 0;
}
