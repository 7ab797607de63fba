/* relay_parse: the pure parsers of the SMTP relay (see relay.h). */
#include "relay.h"

#include <string.h>

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* 1 if p[0..n) equals the lowercase word w, ignoring ASCII case */
static int
word_is(const char *p, size_t n, const char *w)
{
	size_t i;

	if (n != strlen(w))
		return 0;
	for (i = 0; i < n; i++)
		if (lc((unsigned char)p[i]) != w[i])
			return 0;
	return 1;
}

/* Length of line[0..n) without its line end (LF, CR LF). */
static size_t
body_len(const char *p, size_t n)
{
	if (n > 0 && p[n - 1] == '\n') {
		n--;
		if (n > 0 && p[n - 1] == '\r')
			n--;
	}
	return n;
}

static const struct {
	const char *w;
	int v;
} verbs[] = {
	{ "helo", RELAY_V_HELO }, { "ehlo", RELAY_V_EHLO },
	{ "mail", RELAY_V_MAIL }, { "rcpt", RELAY_V_RCPT },
	{ "data", RELAY_V_DATA }, { "rset", RELAY_V_RSET },
	{ "auth", RELAY_V_AUTH }, { "quit", RELAY_V_QUIT },
	{ "bdat", RELAY_V_BDAT }, { "starttls", RELAY_V_STARTTLS },
};

int
relay_verb(const char *line, size_t n, size_t *arg)
{
	size_t len = body_len(line, n), i, v;

	for (i = 0; i < len && line[i] != ' '; i++)
		;
	if (arg)
		*arg = i < len ? i + 1 : len;
	for (v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
		if (word_is(line, i, verbs[v].w))
			return verbs[v].v;
	return RELAY_V_OTHER;
}

int
relay_reply_line(const char *p, size_t n, int *more)
{
	size_t len = body_len(p, n);
	int code = 0, i;

	*more = len >= 4 && p[3] == '-';
	if (len < 3)
		return -1;
	for (i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		code = code * 10 + (p[i] - '0');
	}
	return code;
}

/* 1 if the EHLO line p[0..len) (no line end) announces an extension a
   proxy must hide */
static int
hidden_ext(const char *p, size_t len)
{
	static const char *const ext[] = { "starttls", "chunking", "binarymime" };
	size_t i, k;

	if (len < 4 || (p[3] != ' ' && p[3] != '-'))
		return 0;
	p += 4;
	len -= 4;
	for (k = 0; k < len && p[k] != ' '; k++)
		;
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (word_is(p, k, ext[i]))
			return 1;
	return 0;
}

size_t
relay_ehlo_filter(const char *in, size_t n, char *out)
{
	size_t pos = 0, o = 0, line = 0, lastkept = (size_t)-1;

	while (pos < n) {
		const char *nl = memchr(in + pos, '\n', n - pos);
		size_t ll = nl ? (size_t)(nl - (in + pos)) + 1 : n - pos;

		if (line == 0 || !hidden_ext(in + pos, body_len(in + pos, ll))) {
			memmove(out + o, in + pos, ll);   /* out may be in */
			if (body_len(out + o, ll) >= 4 &&
			    (out[o + 3] == ' ' || out[o + 3] == '-')) {
				out[o + 3] = '-';
				lastkept = o;
			}
			o += ll;
		}
		pos += ll;
		line++;
	}
	if (lastkept != (size_t)-1)
		out[lastkept + 3] = ' ';
	return o;
}

size_t
relay_data_feed(relay_data *d, const char *in, size_t n, char *out,
                size_t *outn)
{
	size_t i, o = 0;

	for (i = 0; i < n && !d->done; i++) {
		char c = in[i];

		switch (d->state) {
		case RELAY_D_SOL:
			if (c == '.') {
				d->state = RELAY_D_DOT;
				continue;
			}
			break;
		case RELAY_D_DOT:
			if (c == '\n') {
				d->done = 1;
				continue;
			}
			if (c == '\r') {
				d->state = RELAY_D_DOTCR;
				continue;
			}
			break;
		case RELAY_D_DOTCR:
			if (c == '\n') {
				d->done = 1;
				continue;
			}
			out[o++] = '\r';
			break;
		default:
			break;
		}
		out[o++] = c;
		d->state = c == '\n' ? RELAY_D_SOL : RELAY_D_MID;
	}
	*outn = o;
	return i;
}

size_t
relay_stuff(int *sol, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (*sol && in[i] == '.')
			out[o++] = '.';
		out[o++] = in[i];
		*sol = in[i] == '\n';
	}
	return o;
}
