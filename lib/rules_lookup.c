/*
 * rules_lookup: the order in which keys are tried for a client (spec 1.5,
 * items 21 and 22), and rules_record, the record decoder (item 23).
 *
 *   info@IP, info@=host, IP, =host, then by the kind of IP text:
 *     IPv4         /31../25, a.b.c., /24, /23../17, a.b., /16, ..., a., /8,
 *                  /7../1, 0.0.0.0/0            (IP itself is the /32 key)
 *     IPv6         /127../1, textual prefixes ending in ':', ::/0
 *     ::ffff:v4    textual prefixes (Fefe), then the IPv4 chain of the
 *                  dotted quad, starting with the dotted quad itself
 *     other text   textual prefixes ending in '.' or ':'
 *   =host suffixes at each '.', longest first, "=" (host set), "".
 *
 * Textual prefixes are Fefe's: each prefix of the IP text that ends in
 * '.' or ':', longest first, the whole text excluded.
 */
#include "rules.h"
#include "ip.h"

#include <errno.h>
#include <string.h>

#define RULES_KEY_MAX (64u * 1024)

struct lk {
	rules_find_fn find;
	void *ctx;
	sbuf *matched;
	sbuf key;
};

/* 1 found (matched set), 0 not found, -1 error */
static int
try(struct lk *l, const char *k, size_t n)
{
	int r;

	r = l->find(l->ctx, k, n);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	if (l->matched) {
		sbuf_reset(l->matched);
		if (!sbuf_catb(l->matched, k, n))
			return -1;
	}
	return 1;
}

/* try(a b c) with the pieces joined in l->key */
static int
try3(struct lk *l, const char *a, const char *b, const char *c)
{
	sbuf_reset(&l->key);
	if (!sbuf_cats(&l->key, a) || !sbuf_cats(&l->key, b) ||
	    !sbuf_cats(&l->key, c))
		return -1;
	return try(l, l->key.s, l->key.len);
}

static int
try_cidr(struct lk *l, const unsigned char ip[16], unsigned int len)
{
	unsigned char net[16];
	char k[IP_CIDR_FMT];

	memcpy(net, ip, 16);
	ip_mask(net, ip_is4(ip) ? 96 + len : len);
	return try(l, k, ip_cidr_fmt(k, net, len));
}

static int
textual(struct lk *l, const char *ip, size_t n)
{
	size_t k;
	int r;

	for (k = n ? n - 1 : 0; k >= 1; k--)   /* prefix ip[0..k), k < n */
		if (ip[k - 1] == '.' || ip[k - 1] == ':') {
			r = try(l, ip, k);
			if (r)
				return r;
		}
	return 0;
}

/* d is a dotted quad (3 dots); its dotted prefixes sit before /24 /16 /8 */
static int
chain4(struct lk *l, const char *d, size_t n, const unsigned char ip[16])
{
	size_t dots[4] = { 0, 0, 0, 0 }, j, nd = 0;
	unsigned int len;
	int r;

	for (j = 0; j < n && nd < 3; j++)
		if (d[j] == '.')
			dots[++nd] = j + 1;
	for (len = 31; len >= 1; len--) {
		if (len % 8 == 0 && dots[len / 8]) {
			r = try(l, d, dots[len / 8]);
			if (r)
				return r;
		}
		r = try_cidr(l, ip, len);
		if (r)
			return r;
	}
	return try(l, "0.0.0.0/0", 9);
}

static int
chain6(struct lk *l, const char *t, size_t n, const unsigned char ip[16])
{
	unsigned int len;
	int r;

	for (len = 127; len >= 1; len--) {
		r = try_cidr(l, ip, len);
		if (r)
			return r;
	}
	r = textual(l, t, n);
	if (r)
		return r;
	return try(l, "::/0", 4);
}

static int
prefixes(struct lk *l, const char *t)
{
	unsigned char ip[16];
	char d[IP4_FMT];
	size_t n = strlen(t), dn;
	int r;

	if (n && ip4_scan(t, n, ip) == n)
		return chain4(l, t, n, ip);
	if (!n || !memchr(t, ':', n) || ip6_scan(t, n, ip) != n)
		return textual(l, t, n);
	if (!ip_is4(ip))
		return chain6(l, t, n, ip);
	r = textual(l, t, n);
	if (r)
		return r;
	dn = ip4_fmt(d, ip);
	r = try(l, d, dn);
	if (r)
		return r;
	return chain4(l, d, dn, ip);
}

static int
host_keys(struct lk *l, const char *host)
{
	const char *h;
	int r;

	for (h = host; *h; h++)
		if (*h == '.') {
			r = try3(l, "=", h, "");
			if (r)
				return r;
		}
	return try(l, "=", 1);
}

static int
lookup(struct lk *l, const char *ip, const char *info, const char *host)
{
	int r;

	if (info) {
		if ((r = try3(l, info, "@", ip)))
			return r;
		if (host && (r = try3(l, info, "@=", host)))
			return r;
	}
	if ((r = try(l, ip, strlen(ip))))
		return r;
	if (host && (r = try3(l, "=", host, "")))
		return r;
	if ((r = prefixes(l, ip)))
		return r;
	if (host && (r = host_keys(l, host)))
		return r;
	return try(l, "", 0);
}

int
rules_lookup(const char *ip, const char *info, const char *host,
             rules_find_fn find, void *ctx, sbuf *matched)
{
	struct lk l = { find, ctx, matched, SBUF_INIT(RULES_KEY_MAX) };
	int r, e;

	r = lookup(&l, ip, info, host);
	e = errno;
	sbuf_free(&l.key);
	errno = e;
	return r;
}

int
rules_record(const char *data, size_t len, rules_instr_fn fn, void *ctx)
{
	const char *end, *eq;
	size_t n;
	int r;

	while (len && (end = memchr(data, 0, len))) {
		n = (size_t)(end - data);
		r = 0;
		if (n && data[0] == 'D')
			r = fn(ctx, 1, 0, 0, 0, 0);
		else if (n && data[0] == '+' && (eq = memchr(data, '=', n)))
			r = fn(ctx, 0, data + 1, (size_t)(eq - data) - 1,
			    eq + 1, (size_t)(end - eq) - 1);
		if (r)
			return r;
		len -= n + 1;
		data = end + 1;
	}
	return 0;
}
