/*
 * rules: one tcprules source line -> cdb keys and record data.
 * See rules.h and ../shared/spec/ucspi.md 1.6, 2.2, items 28-33.
 *
 * A line is  ADDRESS ':' ("deny" | "allow") { ',' NAME '=' q VALUE q }
 *
 *   state     byte            next      action
 *   ------    ----            ----      ------
 *   INSTR     ','             NAME
 *   INSTR     other           -         error
 *   NAME      '='             QUOTE     NAME = bytes since ','
 *   NAME      end of line     -         error
 *   QUOTE     any byte q      VALUE     remember q
 *   QUOTE     end of line     -         error
 *   VALUE     q               INSTR     emit "+NAME=VALUE\0"
 *   VALUE     end of line     -         error
 *
 * The address ends at the first ':' followed by "deny" or "allow" (Fefe),
 * which for every line djb accepts is djb's first ':'.  A line with a ':'
 * but no such colon is an error (Debian's tcprules loops forever there).
 */
#include "rules.h"
#include "fmt.h"
#include "ip.h"

#include <stdlib.h>
#include <string.h>

#define RANGE_BIG 1000ul   /* saturated value of a long range number */

static size_t
strip(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	return n;
}

/* Index of the first ':' followed by "deny" or "allow", or n. */
static size_t
find_colon(const char *s, size_t n)
{
	size_t i, rest;

	for (i = 0; i < n; i++) {
		if (s[i] != ':')
			continue;
		rest = n - i - 1;
		if (rest >= 4 && memcmp(s + i + 1, "deny", 4) == 0)
			return i;
		if (rest >= 5 && memcmp(s + i + 1, "allow", 5) == 0)
			return i;
	}
	return n;
}

/* Instructions after the colon -> data (room for len + 1 bytes). */
static int
parse_instr(const char *x, size_t len, char *data, size_t *dlen)
{
	const char *eq, *end;
	size_t d = 0, namelen, vlen;
	char q;

	if (len >= 4 && memcmp(x, "deny", 4) == 0) {
		memcpy(data, "D", 2);
		d = 2;
		x += 4;
		len -= 4;
	} else if (len >= 5 && memcmp(x, "allow", 5) == 0) {
		x += 5;
		len -= 5;
	} else
		return RULES_ERR;
	while (len) {
		if (*x != ',')
			return RULES_ERR;
		eq = memchr(x, '=', len);
		if (!eq)
			return RULES_ERR;
		namelen = (size_t)(eq - x) - 1;
		len -= namelen + 2;       /* ',' NAME '=' */
		if (!len)
			return RULES_ERR;
		q = eq[1];
		len--;
		end = memchr(eq + 2, q, len);
		if (!end)
			return RULES_ERR;
		vlen = (size_t)(end - (eq + 2));
		/* "+NAME=VALUE\0" is no longer than ",NAME=qVALUEq" */
		data[d++] = '+';
		memcpy(data + d, x + 1, namelen);
		d += namelen;
		data[d++] = '=';
		memcpy(data + d, eq + 2, vlen);
		d += vlen;
		data[d++] = 0;
		len -= vlen + 1;
		x = end + 1;
	}
	*dlen = d;
	return RULES_OK;
}

struct out {
	rules_emit_fn emit;
	void *ctx;
	const char *data;
	size_t dlen;
	char *rbuf;   /* one expanded range key: address + 8 */
	char *kbuf;   /* one output key: address + IP_CIDR_FMT + 8 */
};

static int
is_addr(const char *s, size_t n)
{
	unsigned char ip[16];

	return n && (ip4_scan(s, n, ip) == n || ip6_scan(s, n, ip) == n);
}

/*
 * One key after range expansion: CIDR -> canonical key (/32, /128 exact),
 * exact IPv6 -> ip6_fmt, also after "info@" (where CIDR must be /32 or
 * /128: info@net keys are never looked up); anything else verbatim.
 */
static int
emit_key(struct out *o, const char *a, size_t n)
{
	const char *at, *r, *slash;
	unsigned char ip[16];
	unsigned int len;
	size_t p, rn, k;

	at = memrchr(a, '@', n);
	p = at ? (size_t)(at - a) + 1 : 0;
	r = a + p;
	rn = n - p;
	slash = memchr(r, '/', rn);
	if (slash && is_addr(r, (size_t)(slash - r))) {
		if (ip_cidr_scan(r, rn, ip, &len) != 1)
			return RULES_ERR;
		/* lookups never try "info@net/len": refuse a rule that
		   could never match rather than store it */
		if (at && len != (ip_is4(ip) ? 32u : 128u))
			return RULES_ERR;
		memcpy(o->kbuf, a, p);
		if (len == (ip_is4(ip) ? 32u : 128u))
			k = ip_fmt(o->kbuf + p, ip);
		else
			k = ip_cidr_fmt(o->kbuf + p, ip, len);
		return o->emit(o->ctx, o->kbuf, p + k, o->data, o->dlen);
	}
	if (!slash && memchr(r, ':', rn) && ip6_scan(r, rn, ip) == rn) {
		memcpy(o->kbuf, a, p);
		k = ip6_fmt(o->kbuf + p, ip);
		return o->emit(o->ctx, o->kbuf, p + k, o->data, o->dlen);
	}
	return o->emit(o->ctx, a, n, o->data, o->dlen);
}

/* Digits only (empty reads 0); saturates at RANGE_BIG. */
static int
range_num(const char *s, size_t n, unsigned long *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (*v < RANGE_BIG)
			*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	if (*v > RANGE_BIG)
		*v = RANGE_BIG;
	return 1;
}

/*
 * djb's doaddressdata: no '=' and no '@' but a '-': the dot-separated
 * component around the first '-' is bot-top.  Returns 0 when the address
 * is not a range (then it is one key), else the emit result.
 */
static int
range(struct out *o, const char *a, size_t n, int *done)
{
	const char *dash, *dot;
	size_t i, left, right, k;
	unsigned long bot, top;
	int r;

	*done = 0;
	if (memchr(a, '=', n) || memchr(a, '@', n))
		return 0;
	dash = memchr(a, '-', n);
	if (!dash)
		return 0;
	i = (size_t)(dash - a);
	for (left = i; left && a[left - 1] != '.'; left--)
		;
	dot = memchr(a + i + 1, '.', n - i - 1);
	right = dot ? (size_t)(dot - a) : n;
	if (!range_num(a + left, i - left, &bot) ||
	    !range_num(a + i + 1, right - i - 1, &top))
		return 0;
	*done = 1;
	if (top > 255)
		top = 255;
	for (; bot <= top; bot++) {
		memcpy(o->rbuf, a, left);
		k = left + fmt_ulong(o->rbuf + left, bot);
		memcpy(o->rbuf + k, a + right, n - right);
		r = emit_key(o, o->rbuf, k + n - right);
		if (r < 0)
			return r;
	}
	return 0;
}

int
rules_line(const char *line, size_t len, rules_emit_fn emit, void *ctx)
{
	struct out o;
	size_t colon;
	char *buf;
	int r, done;

	if (!len || line[0] == '#')
		return RULES_SKIP;
	len = strip(line, len);
	if (!len || !memchr(line, ':', len))
		return RULES_SKIP;
	colon = find_colon(line, len);
	if (colon == len)
		return RULES_ERR;
	/* data (<= len + 1), a range key, an output key */
	buf = malloc(3 * len + IP_CIDR_FMT + 32);
	if (!buf)
		return RULES_ENOMEM;
	o.emit = emit;
	o.ctx = ctx;
	o.data = buf;
	o.rbuf = buf + len + 2;
	o.kbuf = o.rbuf + len + 8;
	r = parse_instr(line + colon + 1, len - colon - 1, buf, &o.dlen);
	if (r == RULES_OK) {
		r = range(&o, line, colon, &done);
		if (!done && r == 0)
			r = emit_key(&o, line, colon);
		if (r >= 0)
			r = RULES_OK;
	}
	free(buf);
	return r;
}
