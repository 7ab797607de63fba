/* Unit tests for lib/rules: line parser, key order, record decoding. */
#include "rules.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- rules_line ------------------------------------------------------- */

/* "KEY>DATA;" per emitted key, NUL in DATA shown as '|' */
static char got[4096];
static size_t gotn;

static void
gotcat(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && gotn + 1 < sizeof got; i++)
		got[gotn++] = s[i] ? s[i] : '|';
	got[gotn] = 0;
}

static int
rec_emit(void *ctx, const char *key, size_t keylen, const char *data,
         size_t datalen)
{
	(void)ctx;
	gotcat(key, keylen);
	gotcat(">", 1);
	gotcat(data, datalen);
	gotcat(";", 1);
	return 0;
}

static const char *
line(const char *s)
{
	int r;

	gotn = 0;
	got[0] = 0;
	r = rules_line(s, strlen(s), rec_emit, 0);
	if (r == RULES_SKIP)
		return gotn ? "SKIP-with-keys" : "SKIP";
	if (r == RULES_ERR)
		return gotn ? "ERR-with-keys" : "ERR";
	if (r != RULES_OK)
		return "other";
	return got;
}

#define L(in, want) is_str(line(in), want, "line %s", in)

static void
test_line_djb(void)
{
	L("", "SKIP");
	L("#1.2.3.4:deny", "SKIP");
	L(" #x", "SKIP");
	L("no colon here", "SKIP");
	L(" \t ", "SKIP");
	L("1.2.3.4:deny", "1.2.3.4>D|;");
	L("1.2.3.4:allow", "1.2.3.4>;");
	L("1.2.3.4:allow \t ", "1.2.3.4>;");
	L(":allow", ">;");
	L(" 1.2.3.4:allow", " 1.2.3.4>;");
	L("1.2.3.4:deny,X=\"1\"", "1.2.3.4>D|+X=1|;");
	L("1.2.3.4:DENY", "ERR");
	L("1.2.3.4:allowx", "ERR");
	L("1.2.3.4:allow,X=", "ERR");
	L("1.2.3.4:allow,X=\"abc", "ERR");
	L("1.2.3.4:allow,X", "ERR");
	L("1.2.3.4:allow,X=\"a\"junk", "ERR");
	L("1.2.3.4:allow\r", "ERR");
	L("1.2.3.4:bogus", "ERR");
	L("1.2.3.4:", "ERR");
	L("2001:470:1f0f:350::1:allow:RBLSMTPD=\"\"", "ERR");
	/* any quote byte; commas and colons in values; odd names */
	L(":allow,X=\"a,b:c\",Y=/x\"y/,Z==v=,=xx,a b=+ +",
	    ">+X=a,b:c|+Y=x\"y|+Z=v|+=|+a b= |;");
	L("a:allow,X=\":deny\"", "a>+X=:deny|;");
	L("joe@127.0.0.1:allow,which=/first/",
	    "joe@127.0.0.1>+which=first|;");
	L("=known.edu:allow,which=\"known\"", "=known.edu>+which=known|;");
	L("=.abuser.edu:deny", "=.abuser.edu>D|;");
}

static void
test_line_ranges(void)
{
	L("1.2.3.250-300:allow",
	    "1.2.3.250>;1.2.3.251>;1.2.3.252>;1.2.3.253>;1.2.3.254>;"
	    "1.2.3.255>;");
	L("10.2-3.:deny", "10.2.>D|;10.3.>D|;");
	L("127.0-5.:allow,a=\"AAA\"",
	    "127.0.>+a=AAA|;127.1.>+a=AAA|;127.2.>+a=AAA|;127.3.>+a=AAA|;"
	    "127.4.>+a=AAA|;127.5.>+a=AAA|;");
	L("1.2.3.5-4:allow", "");
	L("1.2.3.300-400:allow", "");
	L("1.2.3.99999999999999999999999-1:allow", "");
	L("1.2.-1.4:allow", "1.2.0.4>;1.2.1.4>;");
	L("-:allow", "0>;");
	L("joe@1.2.3.4-5:allow", "joe@1.2.3.4-5>;");
	L("=a-b.example:allow", "=a-b.example>;");
	L("1.2.x-5:allow", "1.2.x-5>;");
	L("10.0-1.0.0/16:deny", "10.0.0.0/16>D|;10.1.0.0/16>D|;");
	L("10.0-1.2.0/16:deny", "ERR");
}

static void
test_line_ipv6(void)
{
	L("2001:470:1f0f:350::1:allow,RBLSMTPD=\"\"",
	    "2001:470:1f0f:350::1>+RBLSMTPD=|;");
	L("2001:db8::allow", "2001:db8:>;");
	L("2001:db8:1::allow", "2001:db8:1:>;");
	L("::1:allow", "::1>;");
	L("::deny", ":>D|;");
	L(":::deny", "::>D|;");
	L("2001:0470:0:0::0001:allow", "2001:470::1>;");
	L("2001:DB8:0:0:1:0:0:1:deny", "2001:db8::1:0:0:1>D|;");
	L("2001:db8:1:2::3:allow", "2001:db8:1:2::3>;");
	L("::FFFF:1.2.3.4:allow", "::ffff:1.2.3.4>;");
	L("joe@2001:0db8::1:allow", "joe@2001:db8::1>;");
	L("joe@a@2001:0db8::1:allow", "joe@a@2001:db8::1>;");
	L("1.2.3.4:allow", "1.2.3.4>;");
	L("01.2.3.4:allow", "01.2.3.4>;");
}

static void
test_line_cidr(void)
{
	L("10.1.2.0/24:deny", "10.1.2.0/24>D|;");
	L("10.1.2.3/24:deny", "ERR");
	L("10.1.2.3/32:deny", "10.1.2.3>D|;");
	L("1.2.3.0/33:allow", "ERR");
	L("1.2.3.0/:allow", "ERR");
	L("1.2.3.0/x:allow", "ERR");
	L("0.0.0.0/0:deny", "0.0.0.0/0>D|;");
	L("2001:db8::/32:deny", "2001:db8::/32>D|;");
	L("2001:DB8:0::/48:allow", "2001:db8::/48>;");
	L("2001:db8::1/128:allow", "2001:db8::1>;");
	L("2001:db8::1/64:allow", "ERR");
	L("2001:db8::/129:allow", "ERR");
	L("::/0:deny", "::/0>D|;");
	L("::ffff:10.0.0.0/104:deny", "10.0.0.0/8>D|;");
	L("joe@10.0.0.0/8:deny", "ERR");   /* info@net is never looked up */
	L("joe@10.0.0.1/32:deny", "joe@10.0.0.1>D|;");
	L("joe@2001:db8::1/128:deny", "joe@2001:db8::1>D|;");
	L("foo/24:allow", "foo/24>;");
	L("=host/24:allow", "=host/24>;");
}

/* ---- rules_lookup ------------------------------------------------------ */

/* keys tried, joined with ' '; "hit" is the key that exists */
static char tried[16384];
static size_t triedn;
static int ntried;

struct finder {
	const char *hit;   /* NULL: nothing exists */
	int fail;          /* return -1 at this try (1-based), 0 never */
};

static int
rec_find(void *ctx, const char *key, size_t keylen)
{
	struct finder *f = ctx;

	ntried++;
	if (triedn && triedn + 1 < sizeof tried)
		tried[triedn++] = ' ';
	if (triedn + keylen + 1 < sizeof tried) {
		memcpy(tried + triedn, key, keylen);
		triedn += keylen;
	}
	tried[triedn] = 0;
	if (f->fail && ntried == f->fail) {
		errno = EIO;
		return -1;
	}
	return f->hit && strlen(f->hit) == keylen &&
	    memcmp(f->hit, key, keylen) == 0;
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
lookup(const char *ip, const char *info, const char *host, const char *hit,
       sbuf *m)
{
	struct finder f = { hit, 0 };

	triedn = 0;
	ntried = 0;
	tried[0] = 0;
	return rules_lookup(ip, info, host, rec_find, &f, m);
}

#define V4CHAIN_1234 \
	"1.2.3.4/31 1.2.3.4/30 1.2.3.0/29 1.2.3.0/28 1.2.3.0/27 " \
	"1.2.3.0/26 1.2.3.0/25 1.2.3. 1.2.3.0/24 1.2.2.0/23 1.2.0.0/22 " \
	"1.2.0.0/21 1.2.0.0/20 1.2.0.0/19 1.2.0.0/18 1.2.0.0/17 1.2. " \
	"1.2.0.0/16 1.2.0.0/15 1.0.0.0/14 1.0.0.0/13 1.0.0.0/12 " \
	"1.0.0.0/11 1.0.0.0/10 1.0.0.0/9 1. 1.0.0.0/8 0.0.0.0/7 " \
	"0.0.0.0/6 0.0.0.0/5 0.0.0.0/4 0.0.0.0/3 0.0.0.0/2 0.0.0.0/1 " \
	"0.0.0.0/0"

static void
test_order_v4(void)
{
	sbuf m = SBUF_INIT(0);

	is_int(lookup("1.2.3.4", "joe", "one.two.three", 0, &m), 0,
	    "v4 full: no key");
	is_str(tried, "joe@1.2.3.4 joe@=one.two.three 1.2.3.4 "
	    "=one.two.three " V4CHAIN_1234 " =.two.three =.three = ",
	    "v4 full order");
	is_int(lookup("1.2.3.4", 0, 0, 0, &m), 0, "v4 bare: no key");
	is_str(tried, "1.2.3.4 " V4CHAIN_1234 " ", "v4 bare order");
	is_int(ntried, 37, "v4 bare: 37 keys");
	is_int(lookup("1.2.3.4", "joe", 0, 0, &m), 0, "v4 info only");
	is_str(tried, "joe@1.2.3.4 1.2.3.4 " V4CHAIN_1234 " ",
	    "v4 info only order (no info@=host)");
	is_int(lookup("10.1.2.3", 0, 0, "10.1.2.0/24", &m), 1, "cidr hit");
	is_str(m.s, "10.1.2.0/24", "matched key is the /24");
	ok(strstr(tried, "10.1.2.") && !strstr(tried, "10.1. "),
	    "10.1.2. tried before 10.1.2.0/24, 10.1. after");
	is_int(lookup("1.2.3.4", 0, "h", "", &m), 1, "empty key found");
	is_int((long)m.len, 0, "matched the empty key");
	is_int(lookup("1.2.3.4", 0, "h.x", "=", &m), 1, "= found");
	is_str(m.s, "=", "matched =");
	is_int(lookup("1.2.3.4", 0, "h.x", "=h.x", &m), 1, "=host found");
	is_str(tried, "1.2.3.4 =h.x", "search stops at the first key");
	sbuf_free(&m);
}

static void
test_order_v6(void)
{
	sbuf m = SBUF_INIT(0);
	const char *p;

	is_int(lookup("2001:db8:1:2::3", "joe", "h.example", 0, &m), 0,
	    "v6: no key");
	is_int(ntried, 4 + 127 + 5 + 1 + 3, "v6: key count");
	ok(starts(tried, "joe@2001:db8:1:2::3 joe@=h.example "
	    "2001:db8:1:2::3 =h.example 2001:db8:1:2::2/127 "
	    "2001:db8:1:2::/126 "), "v6 order: head");
	p = strstr(tried, " 2001:db8:1:2::/64 2001:db8:1:2::/63 "
	    "2001:db8:1::/62 ");
	ok(p != 0, "v6 order: /64 /63 /62");
	p = strstr(tried, " 2001:db8:1::/48 2001:db8::/47 ");
	ok(p != 0, "v6 order: /48 then /47");
	p = strstr(tried, " 2001:db8::/32 2001:db8::/31 ");
	ok(p != 0, "v6 order: /32 then /31");
	p = strstr(tried, " 2000::/4 2000::/3 ::/2 ::/1 2001:db8:1:2:: "
	    "2001:db8:1:2: 2001:db8:1: 2001:db8: 2001: ::/0 =.example = ");
	ok(p != 0 && p[strlen(p) - 1] == ' ', "v6 order: tail");
	if (!p)
		printf("# %s\n", tried);
	is_int(lookup("::1", 0, 0, 0, &m), 0, "::1: no key");
	p = strstr(tried, "::/1 :: : ::/0 ");
	ok(starts(tried, "::1 ::/127 ::/126 ") && p &&
	    strlen(p) == 15, "::1 order: textual prefixes :: and :");
	is_int(lookup("2001:db8:1:2::3", 0, 0, "2001:db8:", &m), 1,
	    "v6 textual prefix hit");
	is_int(lookup("2001:db8:1::5", 0, 0, "2001:db8:1::/48", &m), 1,
	    "v6 /48 hit");
	ok(!strstr(tried, "2001:db8::/32"), "/48 wins before /32 is tried");
	sbuf_free(&m);
}

static void
test_order_other(void)
{
	sbuf m = SBUF_INIT(0);

	is_int(lookup("::ffff:1.2.3.4", 0, 0, 0, &m), 0, "mapped: no key");
	is_str(tried, "::ffff:1.2.3.4 ::ffff:1.2.3. ::ffff:1.2. ::ffff:1. "
	    "::ffff: :: : 1.2.3.4 " V4CHAIN_1234 " ", "mapped order");
	is_int(lookup("foo.bar:baz.", "i", "h", 0, &m), 0, "junk: no key");
	is_str(tried, "i@foo.bar:baz. i@=h foo.bar:baz. =h foo.bar: foo. "
	    "= ", "unparsable ip: exact and textual prefixes only");
	is_int(lookup("0.0.0.0", 0, 0, "0.0.0.0/0", &m), 1, "0.0.0.0/0");
	sbuf_free(&m);
}

static void
test_lookup_errors(void)
{
	struct finder f = { 0, 3 };
	sbuf m = SBUF_INIT(0);

	triedn = 0;
	ntried = 0;
	errno = 0;
	is_int(rules_lookup("1.2.3.4", 0, 0, rec_find, &f, &m), -1,
	    "find error is returned");
	is_int(errno, EIO, "errno kept");
	is_int(ntried, 3, "no key tried after the error");
	errno = 0;
	is_int(rules_cdb("/nonexistent/rules.cdb", "1.2.3.4", 0, 0, &m, &m),
	    -1, "missing cdb");
	is_int(errno, ENOENT, "missing cdb: ENOENT");
	sbuf_free(&m);
}

/* ---- rules_record ------------------------------------------------------ */

static int
rec_instr(void *ctx, int deny, const char *name, size_t namelen,
          const char *value, size_t valuelen)
{
	int *stop = ctx;

	if (deny)
		gotcat("D;", 2);
	else {
		gotcat(name, namelen);
		gotcat("=", 1);
		gotcat(value, valuelen);
		gotcat(";", 1);
	}
	return stop && deny ? 7 : 0;
}

static void
test_record(void)
{
	static const char d[] = "D\0+A=1\0+B\0x\0\0+=e\0+C=a=b\0Dx\0+T=unterm";
	int stop = 1;

	gotn = 0;
	got[0] = 0;
	is_int(rules_record(d, sizeof d - 1, rec_instr, 0), 0, "record walk");
	is_str(got, "D;A=1;=e;C=a=b;D;", "record instructions");
	gotn = 0;
	is_int(rules_record(d, sizeof d - 1, rec_instr, &stop), 7,
	    "nonzero return stops the walk");
	is_str(got, "D;", "stopped after D");
	gotn = 0;
	got[0] = 0;
	is_int(rules_record(0, 0, rec_instr, 0), 0, "empty record");
	is_str(got, "", "empty record: nothing");
}

int
main(void)
{
	test_line_djb();
	test_line_ranges();
	test_line_ipv6();
	test_line_cidr();
	test_order_v4();
	test_order_v6();
	test_order_other();
	test_lookup_errors();
	test_record();
	return tap_done();
}
