/* authres_build: the Authentication-Results field dkverify adds (V-6). */
#include "authres.h"

#include <string.h>

void
authres_setval(char *dst, size_t max, const char *s, size_t n, int blanks)
{
	size_t k = 0, i;

	if (max == 0)
		return;
	for (i = 0; i < n && k + 1 < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (blanks && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
			continue;
		dst[k++] = (char)c;
	}
	dst[k] = 0;
}

/* RFC 2045 token character. */
static int
tokenchar(unsigned char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

int
authres_value(sbuf *out, const char *v, int forcequote)
{
	size_t i, n = strlen(v);
	int tok = n > 0 && !forcequote;

	for (i = 0; i < n && tok; i++)
		tok = tokenchar((unsigned char)v[i]);
	if (tok)
		return sbuf_catb(out, v, n);
	if (!sbuf_catc(out, '"'))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '"' || c == '\\') {
			if (!sbuf_catc(out, '\\') || !sbuf_catc(out, (char)c))
				return 0;
		} else if (!sbuf_catc(out, c >= 32 && c < 127 ? (char)c : '?'))
			return 0;
	}
	return sbuf_catc(out, '"');
}

static int
prop(sbuf *out, const char *name, const char *v, int forcequote)
{
	if (!*v)
		return 1;
	return sbuf_catc(out, ' ') && sbuf_cats(out, name) &&
	    sbuf_catc(out, '=') && authres_value(out, v, forcequote);
}

/* Shortest prefix length (>= 8) of r->dkim[k].b that no other
   signature's b shares. */
static size_t
bprefix(const authres_res *r, size_t k)
{
	const char *b = r->dkim[k].b;
	size_t len = strlen(b), want = 8, j;

	for (j = 0; j < r->ndkim && j < AUTHRES_SIGS_MAX; j++) {
		const char *o = r->dkim[j].b;
		size_t c = 0;

		if (j == k || strcmp(o, b) == 0)
			continue;
		while (b[c] && b[c] == o[c])
			c++;
		if (c + 1 > want)
			want = c + 1;
	}
	return want < len ? want : len;
}

static int
resinfo(sbuf *out, const char *method, const authres_sig *s)
{
	if (!sbuf_cats(out, method) || !sbuf_catc(out, '=') ||
	    !sbuf_cats(out, s->res))
		return 0;
	if (s->comment) {
		size_t i;

		if (!sbuf_cats(out, " ("))
			return 0;
		for (i = 0; s->comment[i]; i++) {
			unsigned char c = (unsigned char)s->comment[i];

			if (c == '(' || c == ')' || c == '\\') {
				if (!sbuf_catc(out, '\\'))
					return 0;
			} else if (c < 32 || c > 126)
				c = '?';
			if (!sbuf_catc(out, (char)c))
				return 0;
		}
		if (!sbuf_catc(out, ')'))
			return 0;
	}
	return 1;
}

int
authres_build(const char *servid, const authres_res *r, const char *eol,
              sbuf *out)
{
	static const authres_sig dknone = { "none", "no signature",
	    "", "", "", "", "", "", 0 };
	const authres_sig *dk = r->dk.res ? &r->dk : &dknone;
	size_t k;

	if (!sbuf_cats(out, "Authentication-Results: ") ||
	    !authres_value(out, servid, 0) || !sbuf_catc(out, ';') ||
	    !sbuf_cats(out, eol) || !sbuf_catc(out, '\t') ||
	    !resinfo(out, "domainkeys", dk) ||
	    !prop(out, "header.d", dk->d, 0) ||
	    !prop(out, dk->sender ? "header.sender" : "header.from", dk->from, 0))
		return 0;
	if (r->ndkim == 0)
		return sbuf_catc(out, ';') && sbuf_cats(out, eol) &&
		    sbuf_cats(out, "\tdkim=none (no signature)") &&
		    sbuf_cats(out, eol);
	for (k = 0; k < r->ndkim && k < AUTHRES_SIGS_MAX; k++) {
		const authres_sig *s = &r->dkim[k];
		char b[AUTHRES_B_MAX];
		size_t bl = bprefix(r, k);

		memcpy(b, s->b, bl);
		b[bl] = 0;
		if (!sbuf_catc(out, ';') || !sbuf_cats(out, eol) ||
		    !sbuf_catc(out, '\t') || !resinfo(out, "dkim", s) ||
		    !prop(out, "header.d", s->d, 0) ||
		    !prop(out, "header.i", s->i, 0) ||
		    !prop(out, "header.s", s->s, 0) ||
		    !prop(out, "header.a", s->a, 0) ||
		    !prop(out, "header.b", b, 1))
			return 0;
	}
	return sbuf_cats(out, eol);
}
