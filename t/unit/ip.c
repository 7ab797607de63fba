/* unit test for lib/ip: scanners, Fefe/RFC 5952 formats, CIDR, revname */
#include "tap.h"
#include "ip.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned int
rnd(unsigned int m)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng >> 11) % m;
}

static void
pton6(const char *s, unsigned char ip[16])
{
	if (inet_pton(AF_INET6, s, ip) != 1) {
		printf("Bail out! test bug: inet_pton(%s)\n", s);
		exit(1);
	}
}

/* Scan s[0..n) from an exactly sized heap copy, so ASan sees any
   read past n. */
static size_t
scan_exact(size_t (*f)(const char *, size_t, unsigned char *),
           const char *s, size_t n, unsigned char ip[16])
{
	char *p = malloc(n ? n : 1);
	size_t k;

	if (!p)
		exit(111);
	memcpy(p, s, n);
	k = f(p, n, ip);
	free(p);
	return k;
}

static size_t
whole(size_t (*f)(const char *, size_t, unsigned char *), const char *s,
      unsigned char ip[16])
{
	return scan_exact(f, s, strlen(s), ip);
}

static void
diag_pair(const char *what, const char *got, const char *want)
{
	printf("# %s: got '%s' want '%s'\n", what, got, want);
}

/* --- the table of spec 2.1 plus more, both formats ------------------- */

static const struct {
	const char *in, *fefe, *rfc;
} fmts[] = {
	{ "2001:db8:0:1:1:1:1:1", "2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	{ "1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
	{ "::1.2.3.4", "::102:304", "::1.2.3.4" },
	{ "1:0:0:2:0:0:3:4", "1::2:0:0:3:4", "1::2:0:0:3:4" },
	{ "::ffff:1.2.3.4", "::ffff:1.2.3.4", "::ffff:1.2.3.4" },
	{ "::", "::", "::" },
	{ "::1", "::1", "::1" },
	{ "0:0:0:0:0:0:0:1", "::1", "::1" },
	{ "1::", "1::", "1::" },
	{ "0:1:2:3:4:5:6:7", "::1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7" },
	{ "1:0:2:0:3:0:4:5", "1::2:0:3:0:4:5", "1:0:2:0:3:0:4:5" },
	{ "1:0:0:2:3:0:0:0", "1:0:0:2:3::", "1:0:0:2:3::" },
	{ "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1", "2001:db8::1" },
	{ "FE80::FC:FF:FE00:1", "fe80::fc:ff:fe00:1", "fe80::fc:ff:fe00:1" },
	{ "::ffff:0.0.0.0", "::ffff:0.0.0.0", "::ffff:0.0.0.0" },
	{ "::ffff:127.0.0.1", "::ffff:127.0.0.1", "::ffff:127.0.0.1" },
	{ "64:ff9b::1.2.3.4", "64:ff9b::102:304", "64:ff9b::102:304" },
	{ "::ffff:0:1.2.3.4", "::ffff:0:102:304", "::ffff:0:102:304" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ "2001:470:1f0f:350::1", "2001:470:1f0f:350::1", "2001:470:1f0f:350::1" },
	{ "2001:db8:1:2::3", "2001:db8:1:2::3", "2001:db8:1:2::3" },
	{ "1:2:3:4:5:6:0:0", "1:2:3:4:5:6::", "1:2:3:4:5:6::" },
};

static void
test_formats(void)
{
	unsigned char ip[16], back[16];
	char out[IP6_FMT];
	size_t i, k;

	for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		pton6(fmts[i].in, ip);
		is_int((long)whole(ip6_scan, fmts[i].in, back),
		    (long)strlen(fmts[i].in), "ip6_scan whole %s", fmts[i].in);
		ok(memcmp(ip, back, 16) == 0, "ip6_scan bytes %s", fmts[i].in);
		k = ip6_fmt(out, ip);
		is_str(out, fmts[i].fefe, "ip6_fmt %s", fmts[i].in);
		is_int((long)k, (long)strlen(fmts[i].fefe), "ip6_fmt len %s",
		    fmts[i].in);
		k = ip6_fmt5952(out, ip);
		is_str(out, fmts[i].rfc, "ip6_fmt5952 %s", fmts[i].in);
		is_int((long)k, (long)strlen(fmts[i].rfc), "ip6_fmt5952 len %s",
		    fmts[i].in);
	}

	pton6("::ffff:192.0.2.1", ip);
	k = ip_fmt(out, ip);
	is_str(out, "192.0.2.1", "ip_fmt v4-mapped is dotted");
	is_int((long)k, 9, "ip_fmt length");
	k = ip4_fmt(out, ip);
	is_str(out, "192.0.2.1", "ip4_fmt");
	pton6("2001:db8::1", ip);
	ip_fmt(out, ip);
	is_str(out, "2001:db8::1", "ip_fmt v6 is ip6_fmt");
	pton6("::1.2.3.4", ip);
	ip_fmt(out, ip);
	is_str(out, "::102:304", "ip_fmt v4-compatible is not dotted");
	ip4_fmt(out, ip);
	is_str(out, "1.2.3.4", "ip4_fmt uses the last 4 bytes");
	ok(!ip_is4(ip), "::1.2.3.4 is not v4-mapped");
	pton6("::ffff:1.2.3.4", ip);
	ok(ip_is4(ip), "::ffff:1.2.3.4 is v4-mapped");
	pton6("::fffe:1.2.3.4", ip);
	ok(!ip_is4(ip), "::fffe:1.2.3.4 is not v4-mapped");
	pton6("1::ffff:1.2.3.4", ip);
	ok(!ip_is4(ip), "1::ffff:1.2.3.4 is not v4-mapped");
	ip6_fmt(out, ip);
	is_str(out, "1::ffff:102:304", "ip6_fmt 1::ffff:1.2.3.4");
}

/* --- an independent Fefe reference: expand, then compress the leftmost of
       the longest zero runs, trying lengths 8..1 -------------------------- */

static void
fefe_ref(char *out, const unsigned char ip[16])
{
	unsigned int w[8];
	int len, st, i, zs = -1, zl = 0;
	size_t o = 0;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned int)ip[2 * i] << 8 | ip[2 * i + 1];
	if (memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
		snprintf(out, IP6_FMT, "::ffff:%u.%u.%u.%u", ip[12], ip[13],
		    ip[14], ip[15]);
		return;
	}
	for (len = 8; len >= 1 && zs < 0; len--)
		for (st = 0; st + len <= 8 && zs < 0; st++) {
			for (i = st; i < st + len && w[i] == 0; i++)
				;
			if (i == st + len) {
				zs = st;
				zl = len;
			}
		}
	for (i = 0; i < 8; i++) {
		if (i == zs) {
			o += (size_t)snprintf(out + o, IP6_FMT - o, "%s",
			    i == 0 ? "::" : ":");
			i += zl - 1;
			continue;
		}
		o += (size_t)snprintf(out + o, IP6_FMT - o, "%x%s", w[i],
		    i < 7 ? ":" : "");
	}
}

/* random address with many zero groups and short groups */
static void
rand_ip(unsigned char ip[16])
{
	int i, kind = (int)rnd(10);

	for (i = 0; i < 8; i++) {
		unsigned int v;

		switch (rnd(4)) {
		case 0: case 1: v = 0; break;
		case 2: v = rnd(16) << (4 * rnd(4)); break;
		default: v = rnd(65536); break;
		}
		ip[2 * i] = (unsigned char)(v >> 8);
		ip[2 * i + 1] = (unsigned char)v;
	}
	if (kind == 0 || kind == 1) {	/* v4-mapped / v4-compatible */
		memset(ip, 0, 10);
		ip[10] = ip[11] = kind == 0 ? 0xff : 0;
	}
	if (kind == 2)
		memset(ip, 0, 16 - rnd(17));
}

static void
test_random(void)
{
	unsigned char ip[16], back[16];
	char out[IP6_FMT], ref[IP6_FMT], ntop[INET6_ADDRSTRLEN];
	int i, bad5952 = 0, badfefe = 0, badscan = 0, badround = 0;
	size_t maxlen = 0, k;

	for (i = 0; i < 200000; i++) {
		rand_ip(ip);
		inet_ntop(AF_INET6, ip, ntop, sizeof ntop);
		k = ip6_fmt5952(out, ip);
		if (strcmp(out, ntop) || k != strlen(out)) {
			if (bad5952++ < 5)
				diag_pair("5952", out, ntop);
		}
		if (whole(ip6_scan, ntop, back) != strlen(ntop)
		    || memcmp(ip, back, 16))
			if (badscan++ < 5)
				printf("# ip6_scan rejects inet_ntop %s\n", ntop);
		k = ip6_fmt(out, ip);
		if (k > maxlen)
			maxlen = k;
		fefe_ref(ref, ip);
		if (strcmp(out, ref) || k != strlen(out))
			if (badfefe++ < 5)
				diag_pair("fefe", out, ref);
		if (whole(ip6_scan, out, back) != k || memcmp(ip, back, 16))
			if (badround++ < 5)
				printf("# ip6_fmt round trip %s\n", out);
		k = ip_fmt(out, ip);
		if (whole(ip_scan, out, back) != k || memcmp(ip, back, 16))
			if (badround++ < 5)
				printf("# ip_fmt round trip %s\n", out);
	}
	is_int(bad5952, 0, "ip6_fmt5952 == inet_ntop on 200000 addresses");
	is_int(badscan, 0, "ip6_scan accepts every inet_ntop output");
	is_int(badfefe, 0, "ip6_fmt == reference Fefe format");
	is_int(badround, 0, "scan(fmt(ip)) == ip for ip6_fmt and ip_fmt");
	ok(maxlen < IP6_FMT, "longest ip6_fmt seen (%zu) fits IP6_FMT", maxlen);
}

/* --- scanners against "longest prefix inet_pton accepts" ---------------- */

/* inet_pton rejects leading zeros in dotted parts, we accept them: skip
   strings where that could matter */
static int
has_lz_octet(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i = j + 1) {
		for (j = i; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j - i >= 2 && s[i] == '0'
		    && ((j < n && s[j] == '.') || (i > 0 && s[i - 1] == '.')))
			return 1;
	}
	return 0;
}

static size_t
ref_prefix(int af, const char *s, size_t n, unsigned char ip[16])
{
	char buf[128];
	unsigned char b[16];
	size_t k, best = 0;

	for (k = 1; k <= n && k < sizeof buf; k++) {
		memcpy(buf, s, k);
		buf[k] = 0;
		if (inet_pton(af, buf, b) == 1) {
			best = k;
			if (af == AF_INET) {
				memcpy(ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
				memcpy(ip + 12, b, 4);
			} else
				memcpy(ip, b, 16);
		}
	}
	return best;
}

static void
rand_text(char *s, size_t *n, size_t cap)
{
	static const char *tok[] = {
		":", "::", ".", "0", "1", "12", "255", "256", "1234", "12345",
		"a", "ffff", "FfFf", "abcde", "g", "%", "/", " ", "00", "0",
		"1.2.3.4", "192.0.2.1", ":ffff:", "9", "99", "999",
	};
	size_t len = 0, t, m;
	int i, count = 1 + (int)rnd(14);

	for (i = 0; i < count; i++) {
		t = rnd(sizeof tok / sizeof tok[0]);
		m = strlen(tok[t]);
		if (len + m > cap)
			break;
		memcpy(s + len, tok[t], m);
		len += m;
	}
	*n = len;
}

static void
test_vs_pton(void)
{
	char s[64];
	unsigned char a[16], b[16];
	size_t n, k, r;
	int i, tried = 0, valid = 0, bad6 = 0, bad4 = 0, badip = 0;

	for (i = 0; i < 200000; i++) {
		rand_text(s, &n, 60);
		if (has_lz_octet(s, n))
			continue;
		tried++;
		r = ref_prefix(AF_INET6, s, n, b);
		k = scan_exact(ip6_scan, s, n, a);
		if (k != r || (k && memcmp(a, b, 16))) {
			if (bad6++ < 5)
				printf("# ip6_scan '%.*s' gave %zu want %zu\n",
				    (int)n, s, k, r);
		}
		if (r == n)
			valid++;
		r = ref_prefix(AF_INET, s, n, b);
		k = scan_exact(ip4_scan, s, n, a);
		if (k != r || (k && memcmp(a, b, 16))) {
			if (bad4++ < 5)
				printf("# ip4_scan '%.*s' gave %zu want %zu\n",
				    (int)n, s, k, r);
		}
		k = scan_exact(ip_scan, s, n, a);
		if (!r)
			r = ref_prefix(AF_INET6, s, n, b);
		if (k != r || (k && memcmp(a, b, 16)))
			if (badip++ < 5)
				printf("# ip_scan '%.*s' gave %zu want %zu\n",
				    (int)n, s, k, r);
	}
	printf("# %d strings compared, %d whole valid IPv6\n", tried, valid);
	ok(tried > 100000 && valid > 1000, "enough random strings");
	is_int(bad6, 0, "ip6_scan == longest prefix inet_pton accepts");
	is_int(bad4, 0, "ip4_scan == longest prefix inet_pton accepts");
	is_int(badip, 0, "ip_scan == ip4_scan, else ip6_scan");
}

/* --- fixed scan cases ---------------------------------------------------- */

static const struct {
	const char *in;
	int fam;	/* 4: ip4_scan, 6: ip6_scan, 0: ip_scan */
	size_t want;
} scans[] = {
	{ "", 0, 0 }, { "", 4, 0 }, { "", 6, 0 },
	{ ":", 6, 0 }, { "::", 6, 2 }, { ":::", 6, 2 }, { ":::1", 6, 2 },
	{ ":1::", 6, 0 }, { "1::2::3", 6, 4 }, { "12345::", 6, 0 },
	{ "::12345", 6, 6 }, { "1:2:3:4:5:6:7:8:9", 6, 15 },
	{ "1:2:3:4:5:6:7:8", 6, 15 }, { "1:2:3:4:5:6:7", 6, 0 },
	{ "1:2:3:4:5:6:7:", 6, 0 }, { "1:2:3:4:5:6:7::", 6, 15 },
	{ "1::2:3:4:5:6:7:8", 6, 14 }, { "1:2:3:4:5:6:7::8", 6, 15 },
	{ "1.2.3.4", 6, 0 }, { "1.2.3.4", 4, 7 }, { "1.2.3.4", 0, 7 },
	{ "1.2.3.256", 4, 8 }, { "1.2.3.256", 0, 8 }, { "1.2.3", 4, 0 },
	{ "1.2.3.4.5", 4, 7 }, { "1.2.3.4.5", 0, 7 }, { "1.2.3.", 4, 0 },
	{ "1.2.256.4", 4, 0 }, { "1..3.4", 4, 0 }, { "1.2.3.-4", 4, 0 },
	{ "1.2.3.4 ", 4, 7 }, { " 1.2.3.4", 4, 0 }, { "1.2.3.2555", 4, 9 },
	{ "1234.2.3.4", 4, 0 }, { "010.001.000.099", 4, 15 },
	{ "::ffff:1.2.3", 6, 8 }, { "::ffff:1.2.3", 0, 8 },
	{ "::ffff:1.2.3.4", 6, 14 }, { "::ffff:1.2.3.4", 0, 14 },
	{ "::ffff:1.2.3.4.5", 6, 14 }, { "::1.2.3.4:5", 6, 9 },
	{ "64:ff9b::192.0.2.33", 6, 19 }, { "1:2:3:4:5:6:1.2.3.4", 6, 19 },
	{ "1:2:3:4:5:1.2.3.4", 6, 0 }, { "1:2:3:4:5:6:7:1.2.3.4", 6, 15 },
	{ "::1:2:3:4:5:6:1.2.3.4", 6, 15 }, { "::1%eth0", 6, 3 },
	{ "[::1]", 6, 0 }, { "g::", 6, 0 }, { "::g", 6, 2 },
	{ "2001:db8::1:allow", 6, 13 }, { "::1.2.3.04", 6, 10 }, { "::1.2.3.045", 6, 11 },
	{ "::1.2.3.0456", 6, 11 },
	{ "fe80::1/64", 6, 7 }, { "ABCD::ef", 6, 8 },
};

static void
test_scans(void)
{
	unsigned char ip[16];
	size_t i, k;

	for (i = 0; i < sizeof scans / sizeof scans[0]; i++) {
		const char *in = scans[i].in;
		size_t (*f)(const char *, size_t, unsigned char *) =
		    scans[i].fam == 4 ? ip4_scan
		    : scans[i].fam == 6 ? ip6_scan : ip_scan;

		k = whole(f, in, ip);
		is_int((long)k, (long)scans[i].want, "%s(\"%s\") consumes %zu",
		    scans[i].fam == 4 ? "ip4_scan" : scans[i].fam == 6
		    ? "ip6_scan" : "ip_scan", in, scans[i].want);
	}

	k = whole(ip4_scan, "010.001.000.099", ip);
	ok(k && memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\x01\x00\x63",
	    16) == 0, "leading zeros in a dotted quad are decimal");
	k = whole(ip6_scan, "::ffff:1.2.3", ip);
	ok(memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\0\0\xff\xff\0\x01", 16) == 0,
	    "::ffff:1.2.3 scans as ::ffff:1");

	/* n limits: what follows n would make the text valid (or longer) */
	is_int((long)scan_exact(ip6_scan, "::1", 1, ip), 0, "n=1 of ::1");
	is_int((long)scan_exact(ip4_scan, "1.2.3.4", 5, ip), 0,
	    "n=5 of 1.2.3.4");
	is_int((long)scan_exact(ip4_scan, "1.2.3.45", 7, ip), 7,
	    "n=7 of 1.2.3.45");
	ok(ip[15] == 4, "n=7 of 1.2.3.45 is 1.2.3.4");
	is_int((long)scan_exact(ip6_scan, "1:2:3:4:5:6:7:8", 13, ip), 0,
	    "n=13 of 1:2:3:4:5:6:7:8");
	is_int((long)scan_exact(ip6_scan, "::ffff:1.2.3.4", 13, ip), 8,
	    "n=13 of ::ffff:1.2.3.4");
	ok(ip[12] == 0xff && ip[13] == 0xff && ip[14] == 0 && ip[15] == 1,
	    "n=13 of ::ffff:1.2.3.4 is ::ffff:1");
	{
		/* every prefix of some valid strings agrees with inet_pton */
		static const char *v[] = {
			"2001:db8:85a3::8a2e:370:7334", "::ffff:192.168.100.200",
			"1:2:3:4:5:6:7:8", "64:ff9b::255.255.255.255",
			"255.255.255.255", "fe80::fc:ff:fe00:1",
		};
		unsigned char a[16], b[16];
		size_t j, n, r4, r6;
		int bad = 0;

		for (j = 0; j < sizeof v / sizeof v[0]; j++)
			for (n = 0; n <= strlen(v[j]); n++) {
				r6 = ref_prefix(AF_INET6, v[j], n, b);
				if (scan_exact(ip6_scan, v[j], n, a) != r6
				    || (r6 && memcmp(a, b, 16)))
					bad++;
				r4 = ref_prefix(AF_INET, v[j], n, b);
				if (scan_exact(ip4_scan, v[j], n, a) != r4
				    || (r4 && memcmp(a, b, 16)))
					bad++;
			}
		is_int(bad, 0, "every n-prefix of valid addresses");
	}
}

/* --- mask, prefix ---------------------------------------------------- */

static void
test_mask(void)
{
	unsigned char ip[16], a[16], b[16];
	char out[IP6_FMT];
	unsigned int len;
	int bad = 0;

	pton6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", ip);
	ip_mask(ip, 35);
	ip6_fmt(out, ip);
	is_str(out, "2001:db8:e000::", "ip_mask 35");
	pton6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ip);
	ip_mask(ip, 128);
	ip6_fmt(out, ip);
	is_str(out, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ip_mask 128");
	ip_mask(ip, 200);
	ok(ip[15] == 0xff, "ip_mask > 128 changes nothing");
	ip_mask(ip, 0);
	ip6_fmt(out, ip);
	is_str(out, "::", "ip_mask 0");
	whole(ip4_scan, "10.1.2.3", ip);
	ip_mask(ip, 96 + 24);
	ip_fmt(out, ip);
	is_str(out, "10.1.2.0", "ip_mask 96+24 on IPv4");

	pton6("2001:db8::1", a);
	pton6("2001:db8:8000::1", b);
	ok(ip_prefix_eq(a, b, 32), "prefix_eq /32");
	ok(!ip_prefix_eq(a, b, 48), "not prefix_eq /48 (bit 33 differs)");
	ok(!ip_prefix_eq(a, b, 33), "not prefix_eq /33");
	ok(ip_prefix_eq(a, b, 0), "prefix_eq /0");
	ok(!ip_prefix_eq(a, b, 128), "not prefix_eq /128");
	ok(ip_prefix_eq(a, a, 128), "prefix_eq self /128");
	ok(ip_prefix_eq(a, a, 500), "prefix_eq self len > 128");
	pton6("2001:db8::0", b);
	ok(ip_prefix_eq(a, b, 127), "prefix_eq /127");
	ok(!ip_prefix_eq(a, b, 500), "not prefix_eq len > 128");

	/* ip_prefix_eq(x, mask(x)) for all lengths, and mask monotone */
	for (len = 0; len <= 128; len++) {
		rand_ip(a);
		memcpy(b, a, 16);
		ip_mask(b, len);
		if (!ip_prefix_eq(a, b, len))
			bad++;
		if (len < 128 && (b[len / 8] & (0x80 >> (len % 8))))
			bad++;
	}
	is_int(bad, 0, "mask keeps exactly len bits");
}

/* --- CIDR --------------------------------------------------------------- */

static const struct {
	const char *in;
	int r;
	const char *key;	/* ip_cidr_fmt of the result */
	unsigned int len;
} cidrs[] = {
	{ "10.0.0.0/8", 1, "10.0.0.0/8", 8 },
	{ "10.1.2.0/24", 1, "10.1.2.0/24", 24 },
	{ "10.1.2.3/24", -1, 0, 0 },
	{ "0.0.0.0/0", 1, "0.0.0.0/0", 0 },
	{ "1.2.3.4/0", -1, 0, 0 },
	{ "1.2.3.4/32", 1, "1.2.3.4/32", 32 },
	{ "1.2.3.4/31", 1, "1.2.3.4/31", 31 },
	{ "1.2.3.5/31", -1, 0, 0 },
	{ "1.2.3.4/30", 1, "1.2.3.4/30", 30 },
	{ "1.2.3.4/33", 0, 0, 0 },
	{ "010.0.0.0/8", 1, "10.0.0.0/8", 8 },
	{ "2001:db8::/32", 1, "2001:db8::/32", 32 },
	{ "2001:DB8:0::/48", 1, "2001:db8::/48", 48 },
	{ "2001:db8::1/32", -1, 0, 0 },
	{ "2001:db8:0:1::/64", 1, "2001:db8:0:1::/64", 64 },
	{ "::/0", 1, "::/0", 0 },
	{ "2001:db8::/0", -1, 0, 0 },
	{ "::1/128", 1, "::1/128", 128 },
	{ "::1/127", -1, 0, 0 },
	{ "::/128", 1, "::/128", 128 },
	{ "::/129", 0, 0, 0 },
	{ "::ffff:10.0.0.0/104", 1, "10.0.0.0/8", 8 },
	{ "::ffff:0:0/96", 1, "0.0.0.0/0", 0 },
	{ "::ffff:10.0.0.0/80", -1, 0, 0 },
	{ "::ffff:1.2.3.4/128", 1, "1.2.3.4/32", 32 },
	{ "::1.2.3.0/120", 1, "::102:300/120", 120 },
	{ "10.0.0.0", 0, 0, 0 },
	{ "10.0.0.0/", 0, 0, 0 },
	{ "10.0.0.0/+8", 0, 0, 0 },
	{ "10.0.0.0/-8", 0, 0, 0 },
	{ "10.0.0.0/08", 0, 0, 0 },
	{ "10.0.0.0/0008", 0, 0, 0 },
	{ "10.0.0.0/00", 0, 0, 0 },
	{ "10.0.0.0/8 ", 0, 0, 0 },
	{ " 10.0.0.0/8", 0, 0, 0 },
	{ "10.0.0.0/8/8", 0, 0, 0 },
	{ "10.0.0.0/ 8", 0, 0, 0 },
	{ "10.0.0/8", 0, 0, 0 },
	{ "/8", 0, 0, 0 },
	{ "/", 0, 0, 0 },
	{ "", 0, 0, 0 },
	{ "2001:db8::/4x", 0, 0, 0 },
	{ "2001:db8::/1000", 0, 0, 0 },
	{ "2001:db8:::/32", 0, 0, 0 },
	{ "1.2.3.4.5/32", 0, 0, 0 },
	{ "10.0.0.0/8x", 0, 0, 0 },
};

static void
test_cidr(void)
{
	unsigned char ip[16], back[16];
	unsigned int len, len2;
	char out[IP_CIDR_FMT];
	size_t i, k;
	int r, bad = 0;

	for (i = 0; i < sizeof cidrs / sizeof cidrs[0]; i++) {
		const char *in = cidrs[i].in;
		char *p = malloc(strlen(in) + 1);

		if (!p)
			exit(111);
		memcpy(p, in, strlen(in));
		len = 999;
		r = ip_cidr_scan(p, strlen(in), ip, &len);
		free(p);
		is_int(r, cidrs[i].r, "ip_cidr_scan(\"%s\") = %d", in,
		    cidrs[i].r);
		if (r != 1 || !cidrs[i].key)
			continue;
		is_int((long)len, (long)cidrs[i].len, "  length %u",
		    cidrs[i].len);
		k = ip_cidr_fmt(out, ip, len);
		is_str(out, cidrs[i].key, "  ip_cidr_fmt %s", cidrs[i].key);
		ok(k == strlen(out), "  ip_cidr_fmt length");
	}
	/* the key of 10.0.0.0/8 is v4-mapped */
	ip_cidr_scan("10.0.0.0/8", 10, ip, &len);
	ok(ip_is4(ip) && ip[12] == 10 && ip[13] == 0, "10.0.0.0/8 v4-mapped");
	/* n is respected: bytes after n would be a valid length */
	len = 7;
	is_int(ip_cidr_scan("10.0.0.0/8", 9, ip, &len), 0,
	    "n stops before the length");
	is_int(ip_cidr_scan("0.0.0.0/16", 9, ip, &len), 1,
	    "n=9 of 0.0.0.0/16 is /1");
	is_int((long)len, 1, "  length 1");

	/* round trip over random networks */
	for (i = 0; i < 20000; i++) {
		unsigned int l;

		rand_ip(ip);
		l = ip_is4(ip) ? rnd(33) : rnd(129);
		ip_mask(ip, ip_is4(ip) ? 96 + l : l);
		k = ip_cidr_fmt(out, ip, l);
		if (k >= IP_CIDR_FMT)
			bad++;
		r = ip_cidr_scan(out, k, back, &len2);
		if (r != 1 || len2 != l || memcmp(ip, back, 16))
			if (bad++ < 5)
				printf("# cidr round trip %s\n", out);
	}
	is_int(bad, 0, "ip_cidr_fmt -> ip_cidr_scan round trip");
}

/* --- reverse names -------------------------------------------------------- */

static void
test_revname(void)
{
	unsigned char ip[16];
	char out[IP_REVNAME_FMT];
	size_t k;

	whole(ip4_scan, "1.2.3.4", ip);
	k = ip_revname(out, ip);
	is_str(out, "4.3.2.1.in-addr.arpa", "revname 1.2.3.4");
	is_int((long)k, (long)strlen(out), "revname length");
	whole(ip4_scan, "192.0.2.255", ip);
	ip_revname(out, ip);
	is_str(out, "255.2.0.192.in-addr.arpa", "revname 192.0.2.255");
	pton6("2001:db8:1:2:3:4:567:89ab", ip);
	k = ip_revname(out, ip);
	is_str(out, "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0"
	    ".1.0.0.2.ip6.arpa", "revname RFC 5782 example");
	is_int((long)k, 72, "revname IPv6 length 72");
	pton6("::1", ip);
	ip_revname(out, ip);
	is_str(out, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
	    ".0.0.0.0.ip6.arpa", "revname ::1");
	pton6("FFFF::ABCD", ip);
	ip_revname(out, ip);
	is_str(out, "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
	    ".f.f.f.f.ip6.arpa", "revname lowercase");
	pton6("::1.2.3.4", ip);
	ip_revname(out, ip);
	ok(strcmp(out + k - 8, "ip6.arpa") == 0, "v4-compatible uses ip6.arpa");
	whole(ip4_scan, "255.255.255.255", ip);
	ok(ip_revname(out, ip) < IP_REVNAME_FMT, "IPv4 revname fits");
}

static void
test_sizes(void)
{
	unsigned char ip[16];
	char out[128];

	memset(ip, 0xff, 16);
	ok(ip6_fmt(out, ip) + 1 <= IP6_FMT, "ip6_fmt all-ones fits IP6_FMT");
	ok(ip6_fmt5952(out, ip) + 1 <= IP6_FMT, "ip6_fmt5952 fits IP6_FMT");
	ok(ip_cidr_fmt(out, ip, 128) + 1 <= IP_CIDR_FMT, "cidr fits");
	ok(ip_revname(out, ip) + 1 <= IP_REVNAME_FMT, "revname fits");
	whole(ip4_scan, "255.255.255.255", ip);
	ok(ip4_fmt(out, ip) + 1 == IP4_FMT, "ip4_fmt max is IP4_FMT - 1");
	ok(ip6_fmt(out, ip) + 1 <= IP6_FMT, "ip6_fmt v4-mapped fits");
	ok(ip_cidr_fmt(out, ip, 32) + 1 <= IP_CIDR_FMT, "v4 cidr fits");
	memset(ip, 0, 12);
	ok(ip6_fmt5952(out, ip) + 1 <= IP6_FMT, "5952 v4-compatible fits");
}

int
main(void)
{
	test_formats();
	test_random();
	test_scans();
	test_vs_pton();
	test_mask();
	test_cidr();
	test_revname();
	test_sizes();
	return tap_done();
}
