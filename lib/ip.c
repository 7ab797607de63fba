/*
 * ip: IPv4/IPv6 text scan and format, v4-mapped addresses, prefixes.
 *
 * Scanning rule (both families): a scanner returns the length of the
 * longest prefix of s[0..n) that is a complete address, 0 if no prefix is.
 * It works in one left-to-right pass and never looks at s[n] or beyond.
 * Callers that want a whole string check "consumed == n".  Consequences:
 *
 *   ip4_scan "1.2.3.4.5"   7  ("1.2.3.4")      "1.2.3.256"  8 ("1.2.3.25")
 *   ip4_scan "1.2.3"       0
 *   ip6_scan "1.2.3.4"     0  (a lone group is not an IPv6 address)
 *   ip6_scan "::"          2                   ":::"        2 ("::")
 *   ip6_scan "1::2::3"     4  ("1::2")         "12345::"    0
 *   ip6_scan "::ffff:1.2.3"  8 ("::ffff:1")    "::1%eth0"   3
 *
 * This is exactly "the longest prefix that inet_pton accepts", except that
 * dotted-quad parts may have leading zeros ("010" = ten, never octal): each
 * part is 1-3 decimal digits with value <= 255, as ip.h says.  IPv6 follows
 * RFC 4291 section 2.2: 1-4 hex digits per group (either case), at most one
 * "::" standing for one or more zero groups, an optional trailing dotted
 * quad in place of the last two groups, no zone, no brackets.
 */
#include "ip.h"
#include "fmt.h"

#include <string.h>

static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
isdec(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Dotted quad at s[0..n) into b[4].  Parts 1-3 are a whole digit run
 * followed by '.'; the last part takes the longest digit prefix (at most 3
 * digits) whose value is <= 255.
 */
static size_t
scan4(const char *s, size_t n, unsigned char b[4])
{
	size_t i = 0, d;
	unsigned int v, part;

	for (part = 0; part < 4; part++) {
		v = 0;
		for (d = 0; d < 3 && i + d < n && isdec(s[i + d]); d++) {
			if (v * 10 + (unsigned int)(s[i + d] - '0') > 255)
				break;
			v = v * 10 + (unsigned int)(s[i + d] - '0');
		}
		if (d == 0)
			return 0;
		b[part] = (unsigned char)v;
		i += d;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i;
}

size_t
ip4_scan(const char *s, size_t n, unsigned char ip[16])
{
	unsigned char b[4];
	size_t k;

	k = scan4(s, n, b);
	if (k) {
		memcpy(ip, v4mapped, 12);
		memcpy(ip + 12, b, 4);
	}
	return k;
}

/*
 * One pass over groups.  After each group (and after "::") the parse so far
 * is a complete address if it has 8 groups without "::" or at most 7 with
 * it; the last such point is remembered in best/bnw/bdc.  A dotted quad is
 * tried wherever it could be the last 32 bits; if it parses, it ends the
 * address (nothing may follow it) and is always longer than the group
 * reading of its first part.
 */
size_t
ip6_scan(const char *s, size_t n, unsigned char ip[16])
{
	unsigned int w[8];
	unsigned char b[4];
	size_t i = 0, h, g, k, best = 0;
	int nw = 0, dc = -1, bnw = 0, bdc = -1, bv4 = 0, j;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		dc = 0;
		i = best = 2;
		bdc = 0;
	}
	for (;;) {
		for (h = 0; h < 5 && i + h < n && hexval(s[i + h]) >= 0; h++)
			;
		if (h == 0)
			break;
		if ((dc < 0 && nw == 6) || (dc >= 0 && nw <= 5)) {
			k = scan4(s + i, n - i, b);
			if (k) {
				best = i + k;
				bnw = nw;
				bdc = dc;
				bv4 = 1;
				break;
			}
		}
		g = h > 4 ? 4 : h;
		w[nw] = 0;
		for (k = 0; k < g; k++)
			w[nw] = w[nw] * 16 + (unsigned int)hexval(s[i + k]);
		nw++;
		i += g;
		if (dc >= 0 ? nw <= 7 : nw == 8) {
			best = i;
			bnw = nw;
			bdc = dc;
		}
		if (h > 4 || nw == 8 || (dc >= 0 && nw == 7))
			break;
		if (i >= n || s[i] != ':')
			break;
		if (i + 1 < n && s[i + 1] == ':') {
			if (dc >= 0)
				break;
			dc = nw;
			i += 2;
			best = i;
			bnw = nw;
			bdc = dc;
			continue;
		}
		i++;
	}
	if (!best)
		return 0;
	if (bv4) {
		w[bnw++] = (unsigned int)b[0] << 8 | b[1];
		w[bnw++] = (unsigned int)b[2] << 8 | b[3];
	}
	memset(ip, 0, 16);
	if (bdc < 0)
		bdc = bnw;	/* 8 groups, no gap */
	for (j = 0; j < bdc; j++) {
		ip[2 * j] = (unsigned char)(w[j] >> 8);
		ip[2 * j + 1] = (unsigned char)w[j];
	}
	for (j = bdc; j < bnw; j++) {
		int to = 8 - bnw + j;

		ip[2 * to] = (unsigned char)(w[j] >> 8);
		ip[2 * to + 1] = (unsigned char)w[j];
	}
	return best;
}

size_t
ip_scan(const char *s, size_t n, unsigned char ip[16])
{
	size_t k;

	k = ip4_scan(s, n, ip);
	if (k)
		return k;
	return ip6_scan(s, n, ip);
}

int
ip_is4(const unsigned char ip[16])
{
	return memcmp(ip, v4mapped, 12) == 0;
}

/* a.b.c.d of b[0..4), not terminated */
static size_t
fmt4(char *out, const unsigned char b[4])
{
	size_t len = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			out[len++] = '.';
		len += fmt_ulong(out + len, b[i]);
	}
	return len;
}

size_t
ip4_fmt(char *out, const unsigned char ip[16])
{
	size_t len = fmt4(out, ip + 12);

	out[len] = 0;
	return len;
}

static size_t
fmt_hex(char *out, unsigned int v)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	int sh;

	for (sh = 12; sh >= 0; sh -= 4)
		if ((v >> sh) & 15 || n || sh == 0)
			out[n++] = hex[(v >> sh) & 15];
	return n;
}

/* first longest run of zero groups in w[0..ng) of at least minrun */
static void
zero_run(const unsigned int w[8], int ng, int minrun, int *zs, int *zl)
{
	int i, j;

	*zs = -1;
	*zl = 0;
	for (i = 0; i < ng; i = j + 1) {
		for (j = i; j < ng && w[j] == 0; j++)
			;
		if (j - i >= minrun && j - i > *zl) {
			*zs = i;
			*zl = j - i;
		}
	}
}

/*
 * Groups w[0..ng) with the run [zs, zs+zl) as "::", then the dotted quad
 * v4 if given (ng is 6 then).  NUL-terminates.
 */
static size_t
fmt_groups(char *out, const unsigned int w[8], int ng, int zs, int zl,
           const unsigned char *v4)
{
	size_t len = 0;
	int g = 0, gap_last = 0;

	while (g < ng) {
		if (g == zs) {
			if (g == 0)
				out[len++] = ':';
			out[len++] = ':';
			g += zl;
			gap_last = 1;
			continue;
		}
		len += fmt_hex(out + len, w[g]);
		g++;
		gap_last = 0;
		if (g < ng)
			out[len++] = ':';
	}
	if (v4) {
		if (!gap_last)
			out[len++] = ':';
		len += fmt4(out + len, v4);
	}
	out[len] = 0;
	return len;
}

static void
words(unsigned int w[8], const unsigned char ip[16])
{
	int i;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned int)ip[2 * i] << 8 | ip[2 * i + 1];
}

/* Fefe: runs of one group are compressed too; only v4-mapped is dotted. */
size_t
ip6_fmt(char *out, const unsigned char ip[16])
{
	unsigned int w[8];
	int zs, zl;

	words(w, ip);
	if (ip_is4(ip))
		return fmt_groups(out, w, 6, 0, 5, ip + 12);
	zero_run(w, 8, 1, &zs, &zl);
	return fmt_groups(out, w, 8, zs, zl, 0);
}

/*
 * RFC 5952 as glibc's inet_ntop does it: runs of two or more groups only;
 * dotted tail for ::ffff:a.b.c.d and for the deprecated v4-compatible
 * ::a.b.c.d (first 96 bits zero, seventh group nonzero, so "::1" stays).
 */
size_t
ip6_fmt5952(char *out, const unsigned char ip[16])
{
	unsigned int w[8];
	int zs, zl;

	words(w, ip);
	zero_run(w, 8, 2, &zs, &zl);
	if (zs == 0 && (zl == 6 || (zl == 5 && w[5] == 0xffff)))
		return fmt_groups(out, w, 6, 0, zl, ip + 12);
	return fmt_groups(out, w, 8, zs, zl, 0);
}

size_t
ip_fmt(char *out, const unsigned char ip[16])
{
	return ip_is4(ip) ? ip4_fmt(out, ip) : ip6_fmt(out, ip);
}

void
ip_mask(unsigned char ip[16], unsigned int len)
{
	unsigned int i;

	if (len >= 128)
		return;
	i = len / 8;
	if (len % 8)
		ip[i++] &= (unsigned char)(0xff00 >> (len % 8));
	for (; i < 16; i++)
		ip[i] = 0;
}

int
ip_prefix_eq(const unsigned char a[16], const unsigned char b[16],
             unsigned int len)
{
	unsigned int full;
	unsigned char m;

	if (len > 128)
		len = 128;
	full = len / 8;
	if (memcmp(a, b, full))
		return 0;
	if (len % 8 == 0)
		return 1;
	m = (unsigned char)(0xff00 >> (len % 8));
	return (a[full] & m) == (b[full] & m);
}

/*
 * "addr/len".  The length is plain decimal: 1-3 digits, no sign, no
 * leading zero ("0" itself is fine, "08" is not).  An IPv6-written
 * v4-mapped network (::ffff:10.0.0.0/104) is the IPv4 network of length
 * len - 96 (10.0.0.0/8), so one set of addresses has one key and
 * ip_cidr_fmt output scans back to the same thing.
 */
int
ip_cidr_scan(const char *s, size_t n, unsigned char ip[16],
             unsigned int *len)
{
	const char *slash;
	unsigned char a[16], m[16];
	size_t alen, i, dl;
	unsigned int v = 0, max;

	slash = memchr(s, '/', n);
	if (!slash)
		return 0;
	alen = (size_t)(slash - s);
	if (alen && ip4_scan(s, alen, a) == alen)
		max = 32;
	else if (alen && ip6_scan(s, alen, a) == alen)
		max = 128;
	else
		return 0;
	dl = n - alen - 1;
	if (dl == 0 || dl > 3 || (dl > 1 && slash[1] == '0'))
		return 0;
	for (i = 1; i <= dl; i++) {
		if (!isdec(slash[i]))
			return 0;
		v = v * 10 + (unsigned int)(slash[i] - '0');
	}
	if (v > max)
		return 0;
	if (max == 32)
		v += 96;
	memcpy(m, a, 16);
	ip_mask(m, v);
	if (memcmp(m, a, 16))
		return -1;
	if (ip_is4(a) && v >= 96)
		v -= 96;
	memcpy(ip, a, 16);
	*len = v;
	return 1;
}

/* ip_fmt + "/" + len; a v4-mapped address with len > 32 (not IPv4 terms)
   is written in the IPv6 form so that the key still means what it says. */
size_t
ip_cidr_fmt(char *out, const unsigned char ip[16], unsigned int len)
{
	size_t k;

	if (ip_is4(ip) && len <= 32)
		k = ip4_fmt(out, ip);
	else
		k = ip6_fmt(out, ip);
	out[k++] = '/';
	k += fmt_ulong(out + k, len > 128 ? 128 : len);
	out[k] = 0;
	return k;
}

size_t
ip_revname(char *out, const unsigned char ip[16])
{
	static const char hex[] = "0123456789abcdef";
	static const char arpa4[] = "in-addr.arpa";
	static const char arpa6[] = "ip6.arpa";
	size_t len = 0;
	int i;

	if (ip_is4(ip)) {
		for (i = 15; i >= 12; i--) {
			len += fmt_ulong(out + len, ip[i]);
			out[len++] = '.';
		}
		memcpy(out + len, arpa4, sizeof arpa4);
		return len + sizeof arpa4 - 1;
	}
	for (i = 15; i >= 0; i--) {
		out[len++] = hex[ip[i] & 15];
		out[len++] = '.';
		out[len++] = hex[ip[i] >> 4];
		out[len++] = '.';
	}
	memcpy(out + len, arpa6, sizeof arpa6);
	return len + sizeof arpa6 - 1;
}
