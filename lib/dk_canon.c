/* dk_canon: the DomainKeys nofws canonicalisation (RFC 4870 3.4.2.2). */
#include "dk.h"

#include <string.h>

#define BUF 8192

typedef struct out {
	char b[BUF];
	size_t n;
	int (*put)(void *, const char *, size_t);
	void *arg;
} out;

static int
flush(out *o)
{
	int ok = o->n == 0 || o->put(o->arg, o->b, o->n);

	o->n = 0;
	return ok;
}

static int
add(out *o, char c)
{
	if (o->n == BUF && !flush(o))
		return 0;
	o->b[o->n++] = c;
	return 1;
}

/* Header field: all SP, HTAB, CR, LF removed, then CRLF. */
static int
header(out *o, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' &&
		    !add(o, p[i]))
			return 0;
	return add(o, '\r') && add(o, '\n');
}

int
dk_canon_nofws(const char *text, size_t len, const msg_field *f,
               size_t nf, size_t body,
               int (*put)(void *arg, const char *p, size_t n), void *arg)
{
	out o;
	size_t i, pending = 1;          /* the header/body separator */

	o.n = 0;
	o.put = put;
	o.arg = arg;
	for (i = 0; i < nf; i++)
		if (!header(&o, text + f[i].off, f[i].len))
			return 0;
	if (body > len)
		body = len;
	/* body: each line loses SP and HTAB; empty lines wait until a
	   non-empty line shows they are not trailing */
	i = body;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, j;
		int empty = 1;

		for (j = i; j < end; j++)
			if (text[j] != ' ' && text[j] != '\t' && text[j] != '\r') {
				empty = 0;
				break;
			}
		if (empty) {
			pending++;
		} else {
			for (; pending > 0; pending--)
				if (!add(&o, '\r') || !add(&o, '\n'))
					return 0;
			for (j = i; j < end; j++)
				if (text[j] != ' ' && text[j] != '\t' &&
				    text[j] != '\r' && !add(&o, text[j]))
					return 0;
			if (!add(&o, '\r') || !add(&o, '\n'))
				return 0;
		}
		i = end + 1;
	}
	return flush(&o);
}
