/* sbuf: growable byte string with a ceiling, see sbuf.h. */
#include "sbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
ready(sbuf *b, size_t more)
{
	size_t need, max = b->max ? b->max : SBUF_MAX_DEFAULT, cap;
	char *p;

	if (__builtin_add_overflow(b->len, more, &need) || need > max) {
		errno = E2BIG;
		return 0;
	}
	if (need + 1 <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		if (__builtin_mul_overflow(cap, 2, &cap)) {
			errno = ENOMEM;
			return 0;
		}
	if (cap - 1 > max)
		cap = max + 1;
	p = realloc(b->s, cap);
	if (!p) {
		errno = ENOMEM;
		return 0;
	}
	b->s = p;
	b->cap = cap;
	return 1;
}

int
sbuf_catb(sbuf *b, const char *p, size_t n)
{
	if (!ready(b, n))
		return 0;
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = 0;
	return 1;
}

int
sbuf_cats(sbuf *b, const char *s)
{
	return sbuf_catb(b, s, strlen(s));
}

int
sbuf_catc(sbuf *b, char c)
{
	return sbuf_catb(b, &c, 1);
}

int
sbuf_cat0(sbuf *b)
{
	return sbuf_catb(b, "", 1);
}

void
sbuf_reset(sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

void
sbuf_free(sbuf *b)
{
	free(b->s);
	b->s = 0;
	b->len = b->cap = 0;
}
