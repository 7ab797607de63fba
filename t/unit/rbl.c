/* unit test for lib/rbl: list specs, query names, answers, the decision
   (against a line-by-line copy of djb's sequential rblsmtpd), messages */
#include "tap.h"
#include "rbl.h"
#include "ip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- list specs ---------------------------------------------------------- */

static int
spec(const char *s, int withcodes, rbl_list *l)
{
	return rbl_spec_scan(s, strlen(s), withcodes, l);
}

static void
test_spec_good(void)
{
	static const struct {
		const char *s;
		const char *base;
		int ipv6label;
		size_t ncodes;
		uint32_t lo0, hi0, lolast, hilast;
	} t[] = {
		{ "zen.example", "zen.example", 0, 0, 0, 0, 0, 0 },
		{ "zen.example.", "zen.example", 0, 0, 0, 0, 0, 0 },
		{ "bl", "bl", 0, 0, 0, 0, 0, 0 },
		{ "Bl-1_x.EXAMPLE", "Bl-1_x.EXAMPLE", 0, 0, 0, 0, 0, 0 },
		{ "zen.example/ipv6", "zen.example", 1, 0, 0, 0, 0, 0 },
		{ "zen.example./ipv6", "zen.example", 1, 0, 0, 0, 0, 0 },
		{ "zen.example=127.0.0.2", "zen.example", 0, 1,
		  0x7f000002, 0x7f000002, 0x7f000002, 0x7f000002 },
		{ "zen.example=127.0.0.2-11", "zen.example", 0, 1,
		  0x7f000002, 0x7f00000b, 0x7f000002, 0x7f00000b },
		{ "zen.example=127.0.0.2-127.0.1.3", "zen.example", 0, 1,
		  0x7f000002, 0x7f000103, 0x7f000002, 0x7f000103 },
		{ "zen.example/ipv6=127.0.0.2,127.0.0.4-9,127.1.0.0-127.1.255.255",
		  "zen.example", 1, 3, 0x7f000002, 0x7f000002,
		  0x7f010000, 0x7f01ffff },
		{ "x=127.0.0.0-127.255.255.255", "x", 0, 1,
		  0x7f000000, 0x7fffffff, 0x7f000000, 0x7fffffff },
		{ "x=127.0.0.5-5", "x", 0, 1,
		  0x7f000005, 0x7f000005, 0x7f000005, 0x7f000005 },
		{ "x=127.000.0.010", "x", 0, 1,
		  0x7f00000a, 0x7f00000a, 0x7f00000a, 0x7f00000a },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		rbl_list l;
		char base[RBL_BASE_MAX + 1];
		int r = spec(t[i].s, 1, &l);

		ok(r == 1, "spec '%s' accepted", t[i].s);
		if (r != 1)
			continue;
		memcpy(base, l.base, l.baselen);
		base[l.baselen] = 0;
		is_str(base, t[i].base, "spec '%s': base", t[i].s);
		ok(l.base == t[i].s, "spec '%s': base points into the text",
		    t[i].s);
		is_int(l.ipv6label, t[i].ipv6label, "spec '%s': /ipv6", t[i].s);
		is_int((long)l.ncodes, (long)t[i].ncodes, "spec '%s': codes",
		    t[i].s);
		if (l.ncodes)
			ok(l.codes[0].lo == t[i].lo0 && l.codes[0].hi == t[i].hi0
			    && l.codes[l.ncodes - 1].lo == t[i].lolast
			    && l.codes[l.ncodes - 1].hi == t[i].hilast,
			    "spec '%s': code ranges", t[i].s);
	}
}

static void
test_spec_bad(void)
{
	static const char *bad[] = {
		"", ".", "..", "a..b", ".a", "a..", "a b", "a/b", "a:b",
		"a\\.b", "/ipv6", "a/ipv4", "a/IPV6", "a/ipv6/ipv6", "a/ipv6.",
		"a=", "a==127.0.0.2", "a=127.0.0", "a=127.0.0.2.", "a=127.0.0.256",
		"a=127.0.0.2,", "a=,127.0.0.2", "a=127.0.0.2-", "a=127.0.0.2-256",
		"a=127.0.0.3-2", "a=127.0.0.5-127.0.0.4", "a=10.0.0.2",
		"a=127.0.0.2-128.0.0.0", "a=126.255.255.255-127.0.0.1",
		"a=127.0.0.2-1-3", "a=127.0.0.0002", "a=127.0.0.2 ", "a =127.0.0.2",
		"a=127.0.0.2/ipv6", "a=x", "a=-127.0.0.2",
		"a=127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,"
		"127.0.0.7,127.0.0.8,127.0.0.9,127.0.0.10,127.0.0.11,127.0.0.12,"
		"127.0.0.13,127.0.0.14,127.0.0.15,127.0.0.16,127.0.0.17",
	};
	char big[RBL_BASE_MAX + 8], label[70];
	rbl_list l;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(spec(bad[i], 1, &l) == 0, "spec '%s' refused", bad[i]);
	ok(spec("a=127.0.0.2", 0, &l) == 0, "-a spec with codes refused");
	ok(spec("a/ipv6", 0, &l) == 1 && l.ipv6label, "-a spec with /ipv6");
	ok(rbl_spec_scan("ab\0c", 4, 1, &l) == 0, "NUL in spec refused");
	ok(rbl_spec_scan("abc", 2, 1, &l) == 1 && l.baselen == 2,
	    "spec reads only n bytes");

	/* 16 codes are fine, 17 are not (above) */
	ok(spec("a=127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,"
	    "127.0.0.7,127.0.0.8,127.0.0.9,127.0.0.10,127.0.0.11,127.0.0.12,"
	    "127.0.0.13,127.0.0.14,127.0.0.15,127.0.0.16", 1, &l) == 1 &&
	    l.ncodes == 16, "16 codes accepted");

	/* label lengths: 63 fine, 64 not */
	memset(label, 'a', 64);
	label[64] = 0;
	ok(spec(label, 1, &l) == 0, "64-byte label refused");
	label[63] = 0;
	ok(spec(label, 1, &l) == 1, "63-byte label accepted");

	/* base length: RBL_BASE_MAX fine, one more not */
	memset(big, 'a', sizeof big);
	for (i = 50; i < RBL_BASE_MAX; i += 50)
		big[i] = '.';
	big[RBL_BASE_MAX] = 0;
	ok(spec(big, 1, &l) == 1, "base of RBL_BASE_MAX bytes accepted");
	big[RBL_BASE_MAX] = '.';
	big[RBL_BASE_MAX + 1] = 0;
	ok(spec(big, 1, &l) == 1, "... also with a final dot");
	big[RBL_BASE_MAX] = 'a';
	ok(spec(big, 1, &l) == 0, "base of RBL_BASE_MAX+1 bytes refused");
}

/* --- query names ----------------------------------------------------------- */

static void
qname_is(const char *addr, const char *specs, const char *want)
{
	unsigned char ip[16];
	char out[RBL_QNAME_FMT];
	rbl_list l;
	size_t n;

	if (ip_scan(addr, strlen(addr), ip) != strlen(addr) ||
	    !spec(specs, 1, &l)) {
		ok(0, "qname %s %s: test set-up", addr, specs);
		return;
	}
	memset(out, 'x', sizeof out);
	n = rbl_qname(out, ip, &l);
	is_str(out, want, "qname %s on %s", addr, specs);
	is_int((long)n, (long)strlen(want), "qname %s on %s: length", addr,
	    specs);
}

static void
test_qname(void)
{
	char big[RBL_BASE_MAX + 1], want[RBL_QNAME_FMT + 8];
	char name[RBL_QNAME_FMT];
	unsigned char ip[16];
	rbl_list l;
	size_t i, n;

	qname_is("127.0.0.2", "bl.test", "2.0.0.127.bl.test");
	qname_is("192.0.2.99", "bl.test.", "99.2.0.192.bl.test");
	qname_is("10.200.30.4", "bl.test/ipv6", "4.30.200.10.bl.test");
	qname_is("::ffff:127.0.0.2", "bl.test", "2.0.0.127.bl.test");
	qname_is("::FFFF:7F00:2", "bl.test/ipv6", "2.0.0.127.bl.test");
	qname_is("0.0.0.0", "x", "0.0.0.0.x");
	qname_is("255.255.255.255", "x", "255.255.255.255.x");
	/* RFC 5782 section 2.4 */
	qname_is("2001:db8:1:2:3:4:567:89ab", "zone",
	    "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2."
	    "zone");
	/* the 2009 blog's ipv6. label, only when asked */
	qname_is("2001:470:1f0f:350::1", "bl.test/ipv6",
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.3.0.f.0.f.1.0.7.4.0.1.0.0.2."
	    "ipv6.bl.test");
	qname_is("2001:470:1F0F:350::1", "bl.test",
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.3.0.f.0.f.1.0.7.4.0.1.0.0.2."
	    "bl.test");
	qname_is("::1", "x",
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.x");
	qname_is("::", "x",
	    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.x");
	qname_is("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "x",
	    "f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.f.x");

	/* the longest name fits and stays a DNS name (<= 253 text bytes) */
	memset(big, 'a', sizeof big);
	for (i = 60; i < RBL_BASE_MAX; i += 60)
		big[i] = '.';
	big[RBL_BASE_MAX] = 0;
	n = (size_t)snprintf(want, sizeof want, "%s/ipv6", big);
	ok(rbl_spec_scan(want, n, 1, &l) == 1 && l.baselen == RBL_BASE_MAX,
	    "longest base with /ipv6");
	ip_scan("ffff::1", 7, ip);
	n = rbl_qname(name, ip, &l);
	ok(n < RBL_QNAME_FMT && n <= 253 && strlen(name) == n,
	    "longest query name: %zu bytes", n);
}

/* --- A records -------------------------------------------------------------- */

static void
test_addrs(void)
{
	rbl_list any, some;
	uint32_t code;
	static const struct {
		uint32_t a[3];
		size_t n;
		int want_any, want_some;
		uint32_t code_any, code_some;
	} t[] = {
		{ { 0 }, 0, RBL_A_NONE, RBL_A_NONE, 0, 0 },
		{ { 0x7f000002 }, 1, RBL_A_LISTED, RBL_A_LISTED,
		  0x7f000002, 0x7f000002 },
		{ { 0x7f00000a }, 1, RBL_A_LISTED, RBL_A_NONE, 0x7f00000a, 0 },
		{ { 0x7f000001 }, 1, RBL_A_LISTED, RBL_A_NONE, 0x7f000001, 0 },
		{ { 0x7f00000a, 0x7f000004 }, 2, RBL_A_LISTED, RBL_A_LISTED,
		  0x7f00000a, 0x7f000004 },
		{ { 0x7ffffffe }, 1, RBL_A_ERROR, RBL_A_ERROR,
		  0x7ffffffe, 0x7ffffffe },
		{ { 0x7fffff00 }, 1, RBL_A_ERROR, RBL_A_ERROR,
		  0x7fffff00, 0x7fffff00 },
		{ { 0x7ffffeff }, 1, RBL_A_LISTED, RBL_A_NONE, 0x7ffffeff, 0 },
		{ { 0x0a000001 }, 1, RBL_A_ERROR, RBL_A_ERROR,
		  0x0a000001, 0x0a000001 },
		{ { 0x80000002 }, 1, RBL_A_ERROR, RBL_A_ERROR,
		  0x80000002, 0x80000002 },
		{ { 0x7ffffffe, 0x7f000002 }, 2, RBL_A_LISTED, RBL_A_LISTED,
		  0x7f000002, 0x7f000002 },
		{ { 0x7ffffffe, 0x0a000001 }, 2, RBL_A_ERROR, RBL_A_ERROR,
		  0x7ffffffe, 0x7ffffffe },
		{ { 0x7f00000a, 0x7fffffff }, 2, RBL_A_LISTED, RBL_A_ERROR,
		  0x7f00000a, 0x7fffffff },
	};
	size_t i;

	spec("any", 1, &any);
	/* 127.255.255.0/24 inside the codes: still an error */
	spec("some=127.0.0.2-4,127.255.255.254", 1, &some);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int r;

		code = 0;
		r = rbl_addrs_eval(t[i].a, t[i].n, &any, &code);
		ok(r == t[i].want_any && (r == RBL_A_NONE || code == t[i].code_any),
		    "A case %zu without codes: %d", i, r);
		code = 0;
		r = rbl_addrs_eval(t[i].a, t[i].n, &some, &code);
		ok(r == t[i].want_some &&
		    (r == RBL_A_NONE || code == t[i].code_some),
		    "A case %zu with codes: %d", i, r);
	}
}

/* --- DNS messages ------------------------------------------------------------ */

typedef struct msg {
	unsigned char b[4096];
	size_t n;
} msg;

static void
put(msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put16(msg *m, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	put(m, b, 2);
}

/* "a.b.c" in wire form */
static void
putname(msg *m, const char *s)
{
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t k = dot ? (size_t)(dot - s) : strlen(s);
		unsigned char len = (unsigned char)k;

		put(m, &len, 1);
		put(m, s, k);
		s += k + (dot ? 1 : 0);
	}
	put(m, "", 1);
}

/* header (one question) and the question */
static void
msg_start(msg *m, const char *qname, unsigned type, unsigned ancount)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, 0x8180);
	put16(m, 1);
	put16(m, ancount);
	put16(m, 0);
	put16(m, 0);
	putname(m, qname);
	put16(m, type);
	put16(m, 1);
}

/* an answer record owned by the question name (pointer 0xc00c) */
static void
rr(msg *m, unsigned type, const void *data, size_t len)
{
	put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 300);
	put16(m, (unsigned)len);
	put(m, data, len);
}

static void
rr_a(msg *m, unsigned a, unsigned b, unsigned c, unsigned d)
{
	unsigned char ip[4] = { (unsigned char)a, (unsigned char)b,
	                        (unsigned char)c, (unsigned char)d };
	rr(m, 1, ip, 4);
}

/* a TXT record from strings separated by '|' */
static void
rr_txt(msg *m, const char *s)
{
	unsigned char data[1024];
	size_t n = 0;

	for (;;) {
		const char *bar = strchr(s, '|');
		size_t k = bar ? (size_t)(bar - s) : strlen(s);

		data[n++] = (unsigned char)k;
		memcpy(data + n, s, k);
		n += k;
		if (!bar)
			break;
		s = bar + 1;
	}
	rr(m, 16, data, n);
}

static void
test_answer_a(void)
{
	const char *q = "2.0.0.127.bl.test";
	rbl_list l, codes;
	uint32_t code = 0;
	msg m;
	size_t i;

	spec("bl.test", 1, &l);
	spec("bl.test=127.0.0.2-11", 1, &codes);

	msg_start(&m, q, 1, 1);
	rr_a(&m, 127, 0, 0, 2);
	ok(rbl_answer_a(m.b, m.n, &l, &code) == RBL_A_LISTED &&
	    code == 0x7f000002, "answer 127.0.0.2 lists");

	msg_start(&m, q, 1, 2);
	rr_a(&m, 127, 0, 0, 30);
	rr_a(&m, 127, 0, 0, 11);
	ok(rbl_answer_a(m.b, m.n, &codes, &code) == RBL_A_LISTED &&
	    code == 0x7f00000b, "second record among the codes lists");
	msg_start(&m, q, 1, 1);
	rr_a(&m, 127, 0, 0, 30);
	ok(rbl_answer_a(m.b, m.n, &codes, &code) == RBL_A_NONE,
	    "code outside the chosen ones does not list");

	msg_start(&m, q, 1, 1);
	rr_a(&m, 127, 255, 255, 254);
	ok(rbl_answer_a(m.b, m.n, &l, &code) == RBL_A_ERROR &&
	    code == 0x7ffffffe, "127.255.255.254 is an error");

	msg_start(&m, q, 1, 1);
	rr_a(&m, 192, 0, 2, 1);
	ok(rbl_answer_a(m.b, m.n, &l, &code) == RBL_A_ERROR &&
	    code == 0xc0000201, "an answer outside 127/8 is an error");

	msg_start(&m, q, 1, 0);
	ok(rbl_answer_a(m.b, m.n, &l, &code) == RBL_A_NONE,
	    "no answer record");

	msg_start(&m, q, 1, 1);
	rr_txt(&m, "only text");
	ok(rbl_answer_a(m.b, m.n, &l, &code) == RBL_A_NONE,
	    "a TXT record is no listing");

	msg_start(&m, q, 1, 1);
	rr_a(&m, 127, 0, 0, 2);
	for (i = 0; i < m.n; i++)
		if (rbl_answer_a(m.b, i, &l, &code) != -1)
			break;
	ok(i == m.n, "every truncation is malformed");
	msg_start(&m, q, 1, 1);
	rr(&m, 1, "\x7f\0\0\x02\x00", 5);
	ok(rbl_answer_a(m.b, m.n, &l, &code) == -1, "A of 5 bytes: malformed");

	/* more A records than looked at: the first 32 count */
	msg_start(&m, q, 1, 40);
	for (i = 0; i < 40; i++)
		rr_a(&m, 127, 0, 1, (unsigned)i);
	ok(rbl_answer_a(m.b, m.n, &codes, &code) == RBL_A_NONE,
	    "40 records outside the codes");
	ok(rbl_answer_a(m.b, m.n, &l, &code) == RBL_A_LISTED &&
	    code == 0x7f000100, "40 records, the first counts");
}

static void
txt_is(const msg *m, int want, const char *wanttext, const char *name)
{
	char out[RBL_TEXT_MAX + 1];
	int r;

	memset(out, 'x', sizeof out);
	r = rbl_answer_txt(m->b, m->n, out);
	is_int(r, want, "%s: length", name);
	if (r >= 0)
		is_str(out, wanttext, "%s: text", name);
}

static void
test_answer_txt(void)
{
	const char *q = "2.0.0.127.bl.test";
	char longs[300], want[RBL_TEXT_MAX + 1];
	msg m;
	size_t i;

	msg_start(&m, q, 16, 1);
	rr_txt(&m, "Blackholed - see <URL:http://mail-abuse.org/cgi-bin/"
	    "lookup?127.0.0.2>");
	txt_is(&m, 69, "Blackholed - see <URL:http://mail-abuse.org/cgi-bin/"
	    "lookup?127.0.0.2>", "rts.exp text");

	msg_start(&m, q, 16, 2);
	rr_txt(&m, "ab|cd");
	rr_txt(&m, "|ef");
	txt_is(&m, 6, "abcdef", "strings and records concatenated");

	msg_start(&m, q, 16, 2);
	rr_a(&m, 127, 0, 0, 2);
	rr_txt(&m, "t\tx\x7f\x80\x1f\x01z");
	txt_is(&m, 8, "t?x????z", "bytes outside 32..126 as ?");

	msg_start(&m, q, 16, 1);
	rr_txt(&m, "");
	txt_is(&m, 0, "", "an empty string");

	msg_start(&m, q, 16, 0);
	txt_is(&m, 0, "", "no record");

	msg_start(&m, q, 16, 1);
	rr_a(&m, 127, 0, 0, 2);
	txt_is(&m, 0, "", "only an A record");

	memset(longs, 'L', 250);
	longs[250] = 0;
	msg_start(&m, q, 16, 1);
	rr_txt(&m, longs);
	memset(want, 'L', RBL_TEXT_MAX);
	want[RBL_TEXT_MAX] = 0;
	txt_is(&m, RBL_TEXT_MAX, want, "cut at RBL_TEXT_MAX");

	msg_start(&m, q, 16, 1);
	rr_txt(&m, "abc");
	for (i = 12; i < m.n; i++) {
		char out[RBL_TEXT_MAX + 1];

		if (rbl_answer_txt(m.b, i, out) != -1)
			break;
	}
	ok(i == m.n, "every truncation past the header is malformed");
	{
		char out[RBL_TEXT_MAX + 1];

		ok(rbl_answer_txt(m.b, 5, out) == -1, "5 bytes: malformed");
	}
}

/* --- the decision ------------------------------------------------------------ */

/* djb's rblsmtpd.c, with the lookups answered from res[] */
struct djb {
	int decision, flagrblbounce, flagfailclosed, flagmustnotbounce;
	const char *text;
	unsigned long looked;   /* bit i: ops[i] was looked up */
};

static void
djb_rbl(struct djb *s, const rbl_result *r, size_t i)
{
	if (s->decision)
		return;
	s->looked |= 1UL << i;
	if (r->status == RBL_TEMP) {
		s->flagmustnotbounce = 1;
		if (s->flagfailclosed) {
			s->text = "temporary RBL lookup error";
			s->decision = 2;
		}
		return;
	}
	if (r->status == RBL_LISTED) {
		s->text = r->text;
		if (s->flagrblbounce)
			s->decision = 3;
		else
			s->decision = 2;
	}
}

static void
djb_antirbl(struct djb *s, const rbl_result *r, size_t i)
{
	if (s->decision)
		return;
	s->looked |= 1UL << i;
	if (r->status == RBL_TEMP) {
		s->flagmustnotbounce = 1;
		if (!s->flagfailclosed)
			s->decision = 1;
		return;
	}
	if (r->status == RBL_LISTED)
		s->decision = 1;
}

static void
djb_main(const unsigned char *ops, size_t n, const rbl_result *res,
         int start, const char *starttext, int *accept, int *code,
         const char **text, unsigned long *looked)
{
	struct djb s = { start, 0, 0, 0, starttext, 0 };
	size_t i;

	for (i = 0; i < n; i++)
		switch (ops[i]) {
		case 'b': s.flagrblbounce = 1; break;
		case 'B': s.flagrblbounce = 0; break;
		case 'c': s.flagfailclosed = 1; break;
		case 'C': s.flagfailclosed = 0; break;
		case 'r': djb_rbl(&s, &res[i], i); break;
		case 'a': djb_antirbl(&s, &res[i], i); break;
		}
	*accept = s.decision < 2;
	*code = s.flagmustnotbounce || s.decision == 2 ? 451 : 553;
	*text = s.text;
	*looked = s.looked;
}

static const char *listtext[] = { "L0", "L1", "L2", "L3", "L4", "L5", "L6",
	"L7", "L8", "L9", "L10", "L11" };

/* compares rbl_decide with djb; returns 1 if they agree */
static int
agree(const unsigned char *ops, size_t n, const rbl_result *res, int start,
      const char *starttext, char *why, size_t whylen)
{
	rbl_decision d;
	int accept, code;
	const char *text;
	unsigned long looked;
	size_t i;

	djb_main(ops, n, res, start, starttext, &accept, &code, &text, &looked);
	memset(&d, 0x55, sizeof d);
	rbl_decide(ops, n, res, start, starttext, &d);
	if (d.accept != accept) {
		snprintf(why, whylen, "accept %d, djb %d", d.accept, accept);
		return 0;
	}
	/* the lists consulted are exactly the ones djb looked up */
	for (i = 0; i < n; i++)
		if ((ops[i] == 'r' || ops[i] == 'a') &&
		    !(looked >> i & 1) != !(i < d.consulted)) {
			snprintf(why, whylen, "list %zu: consulted %zu, djb %s",
			    i, d.consulted, looked >> i & 1 ? "looked" : "not");
			return 0;
		}
	if (accept)
		return 1;
	if (d.code != code || !d.text || strcmp(d.text, text ? text : "")) {
		snprintf(why, whylen, "%d %s, djb %d %s", d.code,
		    d.text ? d.text : "(null)", code, text ? text : "(null)");
		return 0;
	}
	return 1;
}

/* "b-rL" style: b B c C, r/a followed by L (listed) N (not) T (temp) */
static size_t
parse_case(const char *s, unsigned char *ops, rbl_result *res)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ')
			continue;
		ops[n] = (unsigned char)*s;
		res[n].status = RBL_NOTLISTED;
		res[n].text = listtext[n % 12];
		if (*s == 'r' || *s == 'a') {
			s++;
			res[n].status = *s == 'L' ? RBL_LISTED :
			    *s == 'T' ? RBL_TEMP : RBL_NOTLISTED;
		}
		n++;
	}
	return n;
}

static void
decide_is(const char *c, int start, int accept, int code, const char *text)
{
	unsigned char ops[32];
	rbl_result res[32];
	rbl_decision d;
	size_t n = parse_case(c, ops, res);
	char why[200];

	rbl_decide(ops, n, res, start, "env text", &d);
	if (accept)
		ok(d.accept, "decide '%s' start %d: accept", c, start);
	else
		ok(!d.accept && d.code == code && d.text &&
		    strcmp(d.text, text) == 0, "decide '%s' start %d: %d %s",
		    c, start, code, text);
	ok(agree(ops, n, res, start, "env text", why, sizeof why),
	    "decide '%s' start %d: same as djb", c, start);
}

static void
test_decide_table(void)
{
	/* spec 3.1: -r L -b gives 451, -b -r L gives 553 */
	decide_is("rL b", 0, 0, 451, "L0");
	decide_is("b rL", 0, 0, 553, "L1");
	decide_is("", 0, 1, 0, 0);
	decide_is("rN", 0, 1, 0, 0);
	decide_is("b rN rL", 0, 0, 553, "L2");
	decide_is("rT", 0, 1, 0, 0);
	decide_is("c rT", 0, 0, 451, RBL_TEMPTEXT);
	decide_is("b c rT", 0, 0, 451, RBL_TEMPTEXT);
	decide_is("rT b rL", 0, 0, 451, "L2");       /* must not bounce */
	decide_is("b rT rL", 0, 0, 451, "L2");
	decide_is("aL rL", 0, 1, 0, 0);
	decide_is("rL aL", 0, 0, 451, "L0");
	decide_is("aN b rL", 0, 0, 553, "L2");
	decide_is("aT rL", 0, 1, 0, 0);              /* -C: accept */
	decide_is("c aT rL", 0, 0, 451, "L2");       /* -c: go on */
	decide_is("c aT b rL", 0, 0, 451, "L3");     /* ... never 553 */
	decide_is("c aT C rL", 0, 0, 451, "L3");
	decide_is("c C rT b rL", 0, 0, 451, "L4");
	decide_is("c rT", 0, 0, 451, RBL_TEMPTEXT);
	decide_is("c rT b rL", 0, 0, 451, RBL_TEMPTEXT);
	decide_is("b B rL", 0, 0, 451, "L2");
	decide_is("c C rT", 0, 1, 0, 0);
	/* $RBLSMTPD decides before any option */
	decide_is("b rL", RBL_ACCEPT, 1, 0, 0);
	decide_is("b rL", RBL_BLOCK451, 0, 451, "env text");
	decide_is("b rL", RBL_BLOCK553, 0, 553, "env text");
	decide_is("c rT", RBL_BLOCK553, 0, 553, "env text");
	decide_is("", RBL_BLOCK553, 0, 553, "env text");
}

static unsigned long rnd_state = 88172645463325252UL;

static unsigned long
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void
test_decide_random(void)
{
	static const unsigned char opset[] = "bBcCrrraaa";
	static const int starts[] = { RBL_UNDECIDED, RBL_UNDECIDED,
	    RBL_UNDECIDED, RBL_ACCEPT, RBL_BLOCK451, RBL_BLOCK553 };
	unsigned char ops[12];
	rbl_result res[12];
	char why[200];
	long bad = 0, runs = 200000, i;
	size_t consulted_hist[13] = { 0 };

	for (i = 0; i < runs; i++) {
		size_t n = rnd() % 13, k;
		int start = starts[rnd() % 6];
		rbl_decision d;

		for (k = 0; k < n; k++) {
			ops[k] = opset[rnd() % 10];
			res[k].status = (int)(rnd() % 3) - 1;
			res[k].text = listtext[k];
		}
		if (!agree(ops, n, res, start, "env", why, sizeof why)) {
			if (bad++ < 5)
				ok(0, "random case %ld differs: %s", i, why);
		}
		rbl_decide(ops, n, res, start, "env", &d);
		consulted_hist[d.consulted]++;
	}
	ok(bad == 0, "%ld random cases: rbl_decide == djb (%ld differ)", runs,
	    bad);
	ok(consulted_hist[0] > 0 && consulted_hist[12] > 0,
	    "random cases cover short and long walks");
}

/* every combination of up to 5 options, every result */
static void
test_decide_exhaustive(void)
{
	static const char opset[] = "bBcCra";
	unsigned char ops[5];
	rbl_result res[5];
	char why[200];
	long cases = 0, bad = 0;
	size_t n;

	for (n = 0; n <= 5; n++) {
		unsigned long total = 1, c;
		size_t k;

		for (k = 0; k < n; k++)
			total *= 6 * 3;
		for (c = 0; c < total; c++) {
			unsigned long x = c;
			int s;

			for (k = 0; k < n; k++) {
				ops[k] = (unsigned char)opset[x % 6];
				x /= 6;
				res[k].status = (int)(x % 3) - 1;
				x /= 3;
				res[k].text = listtext[k];
			}
			for (s = RBL_UNDECIDED; s <= RBL_BLOCK553; s++) {
				cases++;
				if (!agree(ops, n, res, s, "env", why, sizeof why)
				    && bad++ < 5)
					ok(0, "exhaustive case differs: %s", why);
			}
		}
	}
	ok(bad == 0, "%ld exhaustive cases: rbl_decide == djb", cases);
}

/* --- messages ------------------------------------------------------------------ */

static void
test_message(void)
{
	char out[RBL_MESSAGE_FMT], text[300], want[RBL_MESSAGE_FMT];
	size_t n;

	n = rbl_message(out, 451, "Error", 5);
	is_str(out, "451 Error", "451 message");
	is_int((long)n, 9, "451 message length");
	rbl_message(out, 553, "Go away", 7);
	is_str(out, "553 Go away", "553 message");
	rbl_message(out, 553, "", 0);
	is_str(out, "553 ", "empty text");
	rbl_message(out, 451, "a\rb\nc\x7f\x80\td~ ", 11);
	is_str(out, "451 a?b?c???d~ ", "bytes outside 32..126 as ?");
	rbl_message(out, 451, "a\0b", 3);
	is_str(out, "451 a?b", "NUL as ?");
	memset(text, 'x', sizeof text);
	n = rbl_message(out, 451, text, sizeof text);
	memcpy(want, "451 ", 4);
	memset(want + 4, 'x', 200);
	want[204] = 0;
	is_str(out, want, "text cut at 200 bytes");
	is_int((long)n, 204, "cut message length");
}

static void
test_code_fmt(void)
{
	char out[RBL_CODE_FMT];

	rbl_code_fmt(out, 0x7ffffffe);
	is_str(out, "127.255.255.254", "code fmt");
	rbl_code_fmt(out, 0);
	is_str(out, "0.0.0.0", "code fmt 0");
}

/* A pending list decides nothing while it would be read; after the
   deciding option it does not matter (rblsmtpd6 stops waiting then). */
static void
test_decide_pending(void)
{
	static const unsigned char ops[] = { 'a', 'r', 'b', 'r' };
	rbl_result res[4] = { { RBL_PENDING, 0 }, { RBL_LISTED, "one" },
	    { 0, 0 }, { RBL_PENDING, 0 } };
	rbl_decision d;

	rbl_decide(ops, 4, res, RBL_UNDECIDED, 0, &d);
	is_int(d.pending, 1, "pending -a before a listing: undecided");
	res[0].status = RBL_NOTLISTED;
	rbl_decide(ops, 4, res, RBL_UNDECIDED, 0, &d);
	is_int(d.pending, 0, "pending list after the deciding one: decided");
	ok(!d.accept && d.code == 451 && strcmp(d.text, "one") == 0,
	    "... as 451 with the text of the listing");
	res[1].status = RBL_NOTLISTED;
	rbl_decide(ops, 4, res, RBL_UNDECIDED, 0, &d);
	is_int(d.pending, 1, "the last list still pending: undecided");
	res[3].status = RBL_PENDING;
	rbl_decide(ops, 4, res, RBL_ACCEPT, 0, &d);
	is_int(d.pending, 0, "$RBLSMTPD decided first: nothing pending");
	res[0].status = RBL_PENDING;
	rbl_decide(ops, 2, res, RBL_UNDECIDED, 0, &d);
	is_int(d.pending, 1, "pending first list with nothing decided");
}

int
main(void)
{
	test_decide_pending();
	test_spec_good();
	test_spec_bad();
	test_qname();
	test_addrs();
	test_answer_a();
	test_answer_txt();
	test_decide_table();
	test_decide_random();
	test_decide_exhaustive();
	test_message();
	test_code_fmt();
	return tap_done();
}
