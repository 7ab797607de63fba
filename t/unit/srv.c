/* unit test for lib/srv: children table, client keys, RFC 1413 replies,
   log-field cleaning */
#include "tap.h"
#include "srv.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static void
pton6(const char *s, unsigned char ip[16])
{
	if (inet_pton(AF_INET6, s, ip) != 1) {
		printf("Bail out! test bug: inet_pton(%s)\n", s);
		exit(1);
	}
}

static int
key_is(const char *addr, unsigned int len4, unsigned int len6,
       const char *want)
{
	unsigned char ip[16], key[16], w[16], orig[16];
	char got[INET6_ADDRSTRLEN];

	pton6(addr, ip);
	memcpy(orig, ip, 16);
	pton6(want, w);
	srv_client_key(key, ip, len4, len6);
	if (memcmp(ip, orig, 16) != 0) {
		printf("#   ip argument modified\n");
		return 0;
	}
	if (memcmp(key, w, 16) == 0)
		return 1;
	inet_ntop(AF_INET6, key, got, sizeof got);
	printf("#   got: %s\n#  want: %s\n", got, want);
	return 0;
}

static void
test_key(void)
{
	ok(key_is("::ffff:10.1.2.3", 32, 64, "::ffff:10.1.2.3"), "v4 /32");
	ok(key_is("::ffff:10.1.2.3", 24, 64, "::ffff:10.1.2.0"), "v4 /24");
	ok(key_is("::ffff:10.1.2.3", 16, 128, "::ffff:10.1.0.0"), "v4 /16");
	ok(key_is("::ffff:10.1.2.3", 0, 64, "::ffff:0.0.0.0"),
	    "v4 /0 keeps the v4-mapped prefix");
	ok(key_is("::ffff:10.1.2.255", 31, 64, "::ffff:10.1.2.254"), "v4 /31");
	ok(key_is("::ffff:10.1.2.3", 99, 64, "::ffff:10.1.2.3"),
	    "len4 > 32 acts as 32");
	ok(key_is("2001:db8:1:2:3:4:5:6", 32, 64, "2001:db8:1:2::"), "v6 /64");
	ok(key_is("2001:db8:1:2:3:4:5:6", 24, 48, "2001:db8:1::"), "v6 /48");
	ok(key_is("2001:db8:1:2:3:4:5:6", 32, 128, "2001:db8:1:2:3:4:5:6"),
	    "v6 /128");
	ok(key_is("2001:db8:1:2:3:4:5:6", 32, 200, "2001:db8:1:2:3:4:5:6"),
	    "len6 > 128 acts as 128");
	ok(key_is("2001:db8:1:2:3:4:5:6", 32, 0, "::"), "v6 /0");
	ok(key_is("2001:db8:ffff:ffff::1", 32, 36, "2001:db8:f000::"),
	    "v6 /36 cuts inside a nibble");
	/* the v4 length applies to v4-mapped only, not to other v6 */
	ok(key_is("::1", 0, 128, "::1"), "::1 is IPv6: len6 used");
	ok(key_is("::10.1.2.3", 24, 128, "::10.1.2.3"),
	    "v4-compatible is IPv6: len6 used");
	ok(key_is("64:ff9b::10.1.2.3", 24, 128, "64:ff9b::10.1.2.3"),
	    "NAT64 is IPv6: len6 used");
}

static void
test_children(void)
{
	srv_children t;
	unsigned char a[16], b[16];

	pton6("::ffff:10.1.2.0", a);
	pton6("2001:db8:1:2::", b);
	ok(srv_children_init(&t, 3) == 1, "init -c 3");
	ok(t.n == 0 && t.max == 3, "empty table");
	is_int((long)srv_children_count(&t, a), 0, "count on empty table");
	ok(srv_children_add(&t, 101, a) == 1, "add 101 (a)");
	ok(srv_children_add(&t, 102, b) == 1, "add 102 (b)");
	ok(srv_children_add(&t, 103, a) == 1, "add 103 (a)");
	is_int((long)t.n, 3, "n 3");
	ok(srv_children_add(&t, 104, b) == 0, "full: add 104 refused");
	is_int((long)t.n, 3, "n still 3");
	is_int((long)srv_children_count(&t, a), 2, "two children for a");
	is_int((long)srv_children_count(&t, b), 1, "one child for b");
	ok(srv_children_del(&t, 999) == 0, "del unknown pid: 0");
	is_int((long)t.n, 3, "n unchanged");
	ok(srv_children_del(&t, 101) == 1, "del 101");
	is_int((long)t.n, 2, "n 2");
	is_int((long)srv_children_count(&t, a), 1, "one left for a");
	ok(srv_children_del(&t, 101) == 0, "del 101 twice: 0");
	is_int((long)t.n, 2, "n still 2");
	ok(srv_children_add(&t, 105, b) == 1, "add 105 (b) into freed slot");
	is_int((long)srv_children_count(&t, b), 2, "two for b");
	ok(srv_children_del(&t, 102) && srv_children_del(&t, 103) &&
	    srv_children_del(&t, 105), "del the rest");
	is_int((long)t.n, 0, "n 0");
	is_int((long)srv_children_count(&t, a) + (long)srv_children_count(&t, b),
	    0, "counts 0");
	free(t.c);

	/* pid 0 marks a free slot; it is never a child */
	ok(srv_children_init(&t, 2) == 1, "init -c 2");
	srv_children_add(&t, 7, a);
	ok(srv_children_del(&t, 0) == 0, "del pid 0 (a free slot): 0");
	is_int((long)t.n, 1, "n not changed by del 0");
	free(t.c);

	ok(srv_children_init(&t, 0) == 1, "init -c 0");
	ok(srv_children_add(&t, 1, a) == 0, "-c 0: every add refused");
	free(t.c);
	ok(srv_children_init(&t, 1000) == 1, "init -c 1000");
	{
		int i, good = 1;

		for (i = 0; i < 1000; i++)
			good &= srv_children_add(&t, 1000 + i, i % 2 ? a : b);
		ok(good && t.n == 1000, "1000 adds");
		ok(srv_children_add(&t, 5000, a) == 0, "1001st refused");
		is_int((long)srv_children_count(&t, a), 500, "500 for a");
	}
	free(t.c);
}

/*
 * Parse line[0..n) from an exactly sized heap copy into out, which has
 * SRV_IDENT_MAX + 1 bytes followed by guard bytes that must stay intact.
 * Returns the parse result; -1 if a guard byte was written.
 */
static char identout[SRV_IDENT_MAX + 1 + 16];
static size_t identlen;

static int
ident(const char *line, size_t n)
{
	char *p = malloc(n ? n : 1);
	size_t i;
	int r;

	if (!p)
		exit(111);
	memcpy(p, line, n);
	memset(identout, 'G', sizeof identout);
	identlen = 99999;
	r = srv_ident_parse(p, n, identout, &identlen);
	free(p);
	for (i = SRV_IDENT_MAX + 1; i < sizeof identout; i++)
		if (identout[i] != 'G') {
			printf("#   byte out[%zu] written (out has %d bytes)\n", i,
			    SRV_IDENT_MAX + 1);
			return -1;
		}
	return r;
}

static int
ident_is(const char *line, const char *want)
{
	int r = ident(line, strlen(line));

	if (r != 1)
		return 0;
	if (identlen == strlen(want) && memcmp(identout, want, identlen) == 0)
		return 1;
	printf("#   got: '%.*s'\n#  want: '%s'\n",
	    identlen <= SRV_IDENT_MAX + 1 ? (int)identlen : 0, identout, want);
	return 0;
}

static void
test_ident(void)
{
	char line[600];
	size_t i, bad;
	int r;

	ok(ident_is("6193, 23 : USERID : UNIX : stjohns\r\n", "stjohns"),
	    "RFC 1413 example");
	ok(ident_is("6193, 23 : USERID : UNIX : stjohns", "stjohns"),
	    "no '\\n': up to the end");
	ok(ident_is("6193,23:USERID:UNIX:stjohns\r\n", "stjohns"),
	    "no spaces");
	ok(ident_is("1 ,\t2\t:\tUSERID\t:\tUNIX\t:\tj o\th\rn \r\n", "john"),
	    "spaces, tabs and CRs dropped inside the answer too");
	ok(ident_is("1,2:USERID:UNIX,US-ASCII:bob\nmallory:x:y:z\n", "bob"),
	    "reading stops at the first '\\n'");
	ok(ident_is("1,2:USERID:UNIX:a:b:c\r\n", "a:b:c"),
	    "colons after the third are kept");
	ok(ident_is("1,2:USERID:OTHER:\x01\x7f\xff%\r\n", "\x01\x7f\xff%"),
	    "other bytes kept raw (cleaning is srv_safe's job)");
	ok(ident_is("1,2:USERID:UNIX:\r\n", ""), "empty answer");
	ok(identlen == 0, "empty answer: length 0");
	ok(ident_is(":::", ""), "three bare colons");
	ok(ident_is("1,2:ERROR:NO-USER:x", "x"),
	    "ERROR replies with 3 colons are parsed the same (djb)");
	r = ident("1,2:USERID:UNIXstjohns\r\n", 24);
	ok(r == 0, "two colons: 0");
	r = ident("1, 2 : ERROR : NO-USER\r\n", 24);
	ok(r == 0, "ERROR reply with two colons: 0");
	r = ident("", 0);
	ok(r == 0, "empty input: 0");
	r = ident("\n1,2:USERID:UNIX:x", 18);
	ok(r == 0, "'\\n' first: nothing read, 0");
	r = ident("1,2:USERID:UNIX:xyz", 15);
	ok(r == 0, "n cuts before the third colon: 0");
	r = ident("1,2:USERID:UNIX:xyz", 17);
	ok(r == 1 && identlen == 1 && identout[0] == 'x', "n respected");

	/* answers of 256, 257 and 300 bytes after the third colon */
	memcpy(line, "1,2:USERID:UNIX:", 16);
	for (i = 0; i < 300; i++)
		line[16 + i] = (char)('A' + i % 23);
	memcpy(line + 16 + 256, "\r\n", 2);
	r = ident(line, 16 + 256 + 2);
	ok(r == 1 && identlen == 256, "256-byte answer: all 256 kept");
	line[16 + 256] = 'A' + 256 % 23;
	memcpy(line + 16 + 257, "\r\n", 2);
	r = ident(line, 16 + 257 + 2);
	ok(r == 1 && identlen == 257,
	    "257-byte answer: 257 kept, nothing written past out[256]");
	line[16 + 257] = 'A' + 257 % 23;
	line[16 + 258] = 'A' + 258 % 23;
	memcpy(line + 16 + 300, "\r\n", 2);
	r = ident(line, 16 + 300 + 2);
	ok(r == 1 && identlen == 257,
	    "300-byte answer: stops at 257, nothing written past out[256]");
	for (i = 0, bad = 0; r == 1 && i < 257; i++)
		if (identout[i] != line[16 + i])
			bad++;
	is_int((long)bad, 0, "300-byte answer: the first 257 bytes");
	/* spaces do not count towards the limit */
	memset(line + 16, ' ', 300);
	line[16 + 299] = 'z';
	r = ident(line, 16 + 300 + 2);
	ok(r == 1 && identlen == 1 && identout[0] == 'z',
	    "300 bytes of which 299 spaces: 'z'");
}

static int
safe_is(const char *s, int colon, const char *want)
{
	char out[SRV_SAFE_FMT + 8];
	size_t n, i;

	memset(out, 'G', sizeof out);
	n = srv_safe(out, s, colon);
	for (i = SRV_SAFE_FMT; i < sizeof out; i++)
		if (out[i] != 'G') {
			printf("#   wrote past SRV_SAFE_FMT\n");
			return 0;
		}
	if (n == strlen(want) && strcmp(out, want) == 0)
		return 1;
	printf("#   got: '%s' (%zu)\n#  want: '%s'\n", out, n, want);
	return 0;
}

static void
test_safe(void)
{
	char s[200], want[200];
	int c;
	size_t i;

	ok(safe_is("", 0, ""), "empty");
	ok(safe_is("mail.example.com", 1, "mail.example.com"), "plain host");
	ok(safe_is("a:b", 0, "a:b"), "':' kept with colon=0");
	ok(safe_is("a:b", 1, "a?b"), "':' as '?' with colon=1");
	ok(safe_is("100%", 0, "100?"), "'%%' as '?'");
	ok(safe_is("a b\tc\r\nd", 0, "a?b?c??d"), "space, tab, CR, LF");
	ok(safe_is("\x01\x1f\x7f\x80\xff", 0, "?????"), "control and high bytes");
	ok(safe_is("!~", 1, "!~"), "33 and 126 kept");
	for (c = 1, i = 0; c < 256; c++) {
		s[0] = (char)c;
		s[1] = 0;
		want[0] = (c < 33 || c > 126 || c == '%') ? '?' : (char)c;
		want[1] = 0;
		if (!safe_is(s, 0, want))
			i++;
		want[0] = c == ':' ? '?' : want[0];
		if (!safe_is(s, 1, want))
			i++;
	}
	is_int((long)i, 0, "every byte 1..255, colon 0 and 1");

	memset(s, 'x', sizeof s);
	s[99] = 0;
	ok(safe_is(s, 0, s), "99 bytes: as is");
	s[99] = 'x';
	s[100] = 0;
	memset(want, 'x', 100);
	memcpy(want + 100, "...", 4);
	ok(safe_is(s, 0, want), "exactly 100 bytes: \"...\" appended (djb)");
	s[100] = 'x';
	s[101] = 0;
	ok(safe_is(s, 0, want), "101 bytes: 100 and \"...\"");
	s[150] = 0;
	s[99] = ':';
	want[99] = '?';
	ok(safe_is(s, 1, want), "150 bytes, 100th is ':': cut and cleaned");
	{
		char out[SRV_SAFE_FMT];

		is_int((long)srv_safe(out, s, 1), 103,
		    "length 103 = SRV_SAFE_FMT - 1");
	}
}

int
main(void)
{
	test_key();
	test_children();
	test_ident();
	test_safe();
	return tap_done();
}
