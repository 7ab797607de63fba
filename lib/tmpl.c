/* tmpl: key path templates (spec S-2, S-4). */
#include "tmpl.h"

#include <string.h>

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
tmpl_next(const char *s, size_t n, size_t *pos, int lines, size_t *start,
          size_t *len)
{
	size_t i = *pos;

	while (i < n) {
		size_t a, e;

		if (!lines) {
			while (i < n && blank(s[i]))
				i++;
			if (i == n)
				break;
			a = i;
			while (i < n && !blank(s[i]))
				i++;
			*start = a;
			*len = i - a;
			*pos = i;
			return 1;
		}
		a = i;
		while (i < n && s[i] != '\n')
			i++;
		e = i;
		if (i < n)
			i++;
		while (a < e && blank(s[a]))
			a++;
		while (e > a && blank(s[e - 1]))
			e--;
		if (a == e || s[a] == '#')
			continue;
		*start = a;
		*len = e - a;
		*pos = i;
		return 1;
	}
	*pos = n;
	return 0;
}

int
tmpl_has_pct(const char *t, size_t tlen)
{
	return memchr(t, '%', tlen) != 0;
}

size_t
tmpl_expand(const char *t, size_t tlen, const char *dom, size_t dlen,
            char *out)
{
	size_t i, o = 0;

	for (i = 0; i < tlen; i++) {
		if (t[i] == '%') {
			if (dlen >= TMPL_PATH_MAX - o)
				return 0;
			memcpy(out + o, dom, dlen);
			o += dlen;
		} else {
			if (o + 1 >= TMPL_PATH_MAX)
				return 0;
			out[o++] = t[i];
		}
	}
	if (o == 0 || memchr(out, 0, o))
		return 0;
	out[o] = 0;
	return o;
}

int
tmpl_parent(const char *dom, size_t len, size_t *off)
{
	const char *dot;
	size_t next;

	if (*off >= len)
		return 0;
	dot = memchr(dom + *off, '.', len - *off);
	if (!dot)
		return 0;
	next = (size_t)(dot - dom) + 1;
	/* the parent must itself contain a dot (two labels) */
	if (next >= len || !memchr(dom + next, '.', len - next))
		return 0;
	*off = next;
	return 1;
}

size_t
tmpl_basename(const char *path, size_t len)
{
	size_t i = len;

	while (i > 0 && path[i - 1] != '/')
		i--;
	return i;
}
