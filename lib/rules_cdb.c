/*
 * rules_cdb: rules_lookup against a cdb file (tinycdb), opened and closed
 * in each call so that a replaced file is seen at once (tcpserver -x).
 */
#include "rules.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

static int
find(void *ctx, const char *key, size_t keylen)
{
	int r;

	if (keylen > UINT_MAX)
		return 0;
	errno = 0;
	r = cdb_find(ctx, key, (unsigned)keylen);
	if (r < 0) {
		if (!errno)
			errno = EPROTO;
		return -1;
	}
	return r > 0;
}

static int
copy_data(struct cdb *c, sbuf *data)
{
	unsigned len = cdb_datalen(c);
	const void *p;

	sbuf_reset(data);
	p = cdb_get(c, len, cdb_datapos(c));
	if (!p) {
		errno = EPROTO;
		return -1;
	}
	return sbuf_catb(data, p, len) ? 1 : -1;
}

int
rules_cdb(const char *file, const char *ip, const char *info,
          const char *host, sbuf *matched, sbuf *data)
{
	struct cdb c;
	int fd, r, e;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (cdb_init(&c, fd) != 0) {
		e = errno ? errno : EPROTO;
		close(fd);
		errno = e;
		return -1;
	}
	r = rules_lookup(ip, info, host, find, &c, matched);
	if (r == 1 && data)
		r = copy_data(&c, data);
	e = errno;
	cdb_free(&c);
	close(fd);
	errno = e;
	return r;
}
