/* fuzz lib/rules lookup order: input = ip NUL info NUL host (a missing
   part is NULL); keys stay bounded, a hit stops the search and is the
   matched key, errors propagate at once */
#include "rules.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
	size_t maxkey;
	int tries;
	int hit_at;      /* 1-based try that exists, 0 none */
	int fail_at;     /* 1-based try that fails, 0 none */
	char last[8192];
	size_t lastlen;
};

static int
find(void *p, const char *key, size_t keylen)
{
	struct ctx *c = p;

	c->tries++;
	if (keylen > c->maxkey || c->tries > 4096)
		abort();
	c->lastlen = keylen < sizeof c->last ? keylen : sizeof c->last;
	memcpy(c->last, key, c->lastlen);
	if (c->tries == c->fail_at) {
		errno = EIO;
		return -1;
	}
	return c->tries == c->hit_at;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *part[3] = { 0, 0, 0 };
	struct ctx c;
	sbuf m = SBUF_INIT(0);
	size_t i, np = 1;
	int r;

	if (size < 2 || size > 2048)
		return 0;
	memset(&c, 0, sizeof c);
	c.hit_at = data[0] % 64;
	c.fail_at = data[1] % 128;
	buf = malloc(size - 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 2, size - 2);
	buf[size - 2] = 0;
	part[0] = buf;
	for (i = 0; i + 2 < size && np < 3; i++)
		if (!buf[i])
			part[np++] = buf + i + 1;
	c.maxkey = (size - 2) + 3 + 64;
	r = rules_lookup(part[0], part[1], part[2], find, &c, &m);
	if (r == 1) {
		if (c.tries != c.hit_at || m.len != c.lastlen ||
		    (m.len && memcmp(m.s, c.last, m.len)))
			abort();
	} else if (r == -1) {
		if (c.tries != c.fail_at || errno != EIO)
			abort();
	} else if (r != 0 || (c.hit_at && c.hit_at <= c.tries) ||
	    (c.fail_at && c.fail_at <= c.tries))
		abort();
	sbuf_free(&m);
	free(buf);
	return 0;
}
