#ifndef SBUF_H
#define SBUF_H
/*
 * sbuf: a growable byte string with a ceiling.  Every append checks the
 * size arithmetic and the ceiling; on failure it returns 0, sets errno
 * (ENOMEM, or E2BIG past the ceiling) and leaves the contents unchanged.
 * s is always NUL-terminated after a successful append (not counted in len).
 */
#include <stddef.h>

typedef struct sbuf {
	char *s;
	size_t len;
	size_t cap;
	size_t max;   /* ceiling for len; 0 = SBUF_MAX_DEFAULT */
} sbuf;

#define SBUF_MAX_DEFAULT (1u << 20)
#define SBUF_INIT(maxlen) { 0, 0, 0, (maxlen) }

/* p must not point into b itself (growing may move it). */
int sbuf_catb(sbuf *b, const char *p, size_t n);
int sbuf_cats(sbuf *b, const char *s);
int sbuf_catc(sbuf *b, char c);
int sbuf_cat0(sbuf *b);   /* appends a NUL that counts in len */
void sbuf_reset(sbuf *b); /* len = 0, keeps memory */
void sbuf_free(sbuf *b);

#endif
