/* Unit tests for the pure parts of lib/dns: $DNSCACHEIP, the two text
   forms of names, and records out of answer messages. */
#include "dns.h"
#include "ip.h"
#include "tap.h"

#include <string.h>

/* --- dns_servers_scan --------------------------------------------------- */

static void
server_is(const char *in, size_t i, const char *ip, unsigned int port)
{
	dns_server sv[DNS_SERVERS_MAX];
	char buf[IP_FMT];
	int n = dns_servers_scan(in, strlen(in), sv, DNS_SERVERS_MAX);

	if (!ok(n > (int)i, "'%s': has entry %zu (n=%d)", in, i, n))
		return;
	ip_fmt(buf, sv[i].ip);
	is_str(buf, ip, "'%s' #%zu address", in, i);
	is_int(sv[i].port, port, "'%s' #%zu port", in, i);
}

static void
servers_bad(const char *in, size_t n)
{
	dns_server sv[DNS_SERVERS_MAX];

	is_int(dns_servers_scan(in, n, sv, DNS_SERVERS_MAX), -1,
	    "'%.*s' is refused", (int)n, in);
}

static void
test_servers(void)
{
	static const char *bad[] = {
		"", " ", ",", " \t, ", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536",
		"1.2.3.4:+53", "1.2.3.4:-1", "1.2.3.4: 53", "1.2.3.4:53:54",
		"1.2.3.4:0x35", "[1.2.3.4]", "[1.2.3.4]:53", "[::1]x", "[::1]:",
		"[::1]:0", "[]", "[]:53", "[::1", "::1]", "[[::1]]", "1.2.3",
		"1.2.3.4.5", "1.2.3.256", "fe80::1%lo", "localhost", ":53",
		"1.2.3.4;5.6.7.8", "1.2.3.4 x", "x 1.2.3.4",
		"2001:db8::g", "[2001:db8::1]:99999999999999999999",
	};
	dns_server sv[DNS_SERVERS_MAX + 1];
	char many[DNS_SERVERS_MAX * 9 + 16];
	size_t i, len = 0;

	server_is("1.2.3.4", 0, "1.2.3.4", 53);
	server_is("1.2.3.4:5353", 0, "1.2.3.4", 5353);
	server_is("1.2.3.4:1", 0, "1.2.3.4", 1);
	server_is("1.2.3.4:65535", 0, "1.2.3.4", 65535);
	server_is("1.2.3.4:053", 0, "1.2.3.4", 53);
	server_is("2001:db8::53", 0, "2001:db8::53", 53);
	server_is("2001:DB8::53", 0, "2001:db8::53", 53);
	server_is("[2001:db8::53]:5353", 0, "2001:db8::53", 5353);
	server_is("[::1]", 0, "::1", 53);
	/* a bare IPv6 address never carries a port: this is one address */
	server_is("2001:db8::53:5353", 0, "2001:db8::53:5353", 53);
	/* v4-mapped in any form is an IPv4 server */
	server_is("::ffff:1.2.3.4", 0, "1.2.3.4", 53);
	server_is("[::ffff:1.2.3.4]:54", 0, "1.2.3.4", 54);
	server_is(" 1.2.3.4 ,", 0, "1.2.3.4", 53);
	server_is("1.2.3.4 5.6.7.8,\t[::1]:54,,2001:db8::1", 1, "5.6.7.8", 53);
	server_is("1.2.3.4 5.6.7.8,\t[::1]:54,,2001:db8::1", 2, "::1", 54);
	server_is("1.2.3.4 5.6.7.8,\t[::1]:54,,2001:db8::1", 3,
	    "2001:db8::1", 53);
	is_int(dns_servers_scan("1.2.3.4 5.6.7.8,\t[::1]:54,,2001:db8::1",
	    38, sv, DNS_SERVERS_MAX), 4, "four entries");

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		servers_bad(bad[i], strlen(bad[i]));
	is_int(dns_servers_scan("1.2.3.4\n", 8, sv, 1), -1, "newline refused");
	servers_bad("1.2.3.4\0", 8);
	servers_bad("1.2.3.4\0 5.6.7.8", 16);

	/* only s[0..n) is read */
	is_int(dns_servers_scan("1.2.3.4:53x", 10, sv, 1), 1, "n bounds the input");
	is_int(dns_servers_scan("1.2.3.4:5353", 9, sv, 1), 1, "n cuts the port");
	is_int(sv[0].port, 5, "... to 5");
	is_int(dns_servers_scan("[::1]:53", 4, sv, 1), -1, "n cuts the ']'");

	/* at most max entries; more is an error, not a silent cut */
	for (i = 0; i < DNS_SERVERS_MAX; i++) {
		memcpy(many + len, "10.0.0.1 ", 9);
		len += 9;
	}
	is_int(dns_servers_scan(many, len, sv, DNS_SERVERS_MAX),
	    DNS_SERVERS_MAX, "DNS_SERVERS_MAX entries");
	memcpy(many + len, "10.0.0.2", 8);
	is_int(dns_servers_scan(many, len + 8, sv, DNS_SERVERS_MAX), -1,
	    "one more is refused");
	is_int(dns_servers_scan("1.1.1.1 2.2.2.2", 15, sv, 1), -1,
	    "max bounds the count");
	is_int(dns_servers_scan("1.1.1.1", 7, sv, 0), -1, "max 0");
}

/* --- names --------------------------------------------------------------- */

static void
djb_is(const char *in, size_t n, const char *want)
{
	char out[DNS_NAME_FMT];
	int r = dns_name_djb(out, in, n);

	if (!want) {
		is_int(r, -1, "djb('%s') refused", in);
		return;
	}
	if (is_int(r, (long)strlen(want), "djb('%s') length", in))
		is_str(out, want, "djb('%s')", in);
}

static void
ares_is(const char *in, const char *want)
{
	char out[DNS_NAME_FMT];
	int r = dns_name_ares(out, in, strlen(in));

	if (!want) {
		is_int(r, -1, "ares('%s') refused", in);
		return;
	}
	if (is_int(r, (long)strlen(want), "ares('%s') length", in))
		is_str(out, want, "ares('%s')", in);
}

/* A name of `labels` labels of `len` bytes each ('a'), in text. */
static size_t
long_name(char *buf, size_t labels, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < labels; i++) {
		if (i)
			buf[o++] = '.';
		memset(buf + o, 'a', len);
		o += len;
	}
	buf[o] = 0;
	return o;
}

static void
test_names(void)
{
	static const char rt[] = "miX\\.\\\\ \\001\\255\\\".Ex";
	char buf[1200], out[DNS_NAME_FMT], back[DNS_NAME_FMT];
	size_t n;

	djb_is("Mixed-Case.Example", 18, "mixed-case.example");
	djb_is("under_score.x-1.EXAMPLE.", 24, "under_score.x-1.example");
	/* what ares_expand_name gives for the label m i X . \ SP 0x01 0xff "
	   (seen with c-ares 1.18.1) */
	djb_is("miX\\.\\\\ \\001\\255\\\".example", 26,
	    "mix\\056\\134\\040\\001\\377\\042.example");
	djb_is("a*b.c", 5, "a\\052b.c");
	djb_is("a\\0123", 6, "a\\0143");
	djb_is("\\000", 4, "\\000");
	djb_is("", 0, "");
	djb_is(".", 1, "");
	djb_is("a.", 2, "a");
	djb_is("a.b.c", 3, "a.b");       /* n bounds the input */
	djb_is("a..b", 4, NULL);
	djb_is(".a", 2, NULL);
	djb_is("a..", 3, NULL);
	djb_is("..", 2, NULL);
	djb_is("a\\", 2, NULL);
	djb_is("a\\25", 4, NULL);
	djb_is("a\\25x", 5, NULL);
	djb_is("a\\256", 5, NULL);
	djb_is("a\\999", 5, NULL);

	n = long_name(buf, 1, 63);
	ok(dns_name_djb(out, buf, n) == 63, "a 63-byte label");
	n = long_name(buf, 1, 64);
	ok(dns_name_djb(out, buf, n) == -1, "a 64-byte label is refused");
	n = long_name(buf, 127, 1);     /* wire: 127 * 2 + 1 = 255 */
	ok(dns_name_djb(out, buf, n) == (int)n, "a 255-byte name");
	n = long_name(buf, 128, 1);
	ok(dns_name_djb(out, buf, n) == -1, "a 257-byte name is refused");
	n = long_name(buf, 4, 62);      /* wire: 4 * 63 + 1 = 253 */
	ok(dns_name_djb(out, buf, n) == (int)n, "4 labels of 62");
	/* the longest text: 4 labels of 62 bytes, all escaped */
	for (n = 0; n < 4 * 63 - 1; n++)
		buf[n] = (n % 63 == 62) ? '.' : '*';
	ok(dns_name_djb(out, buf, n) == 4 * 62 * 4 + 3,
	    "the longest djb text fits DNS_NAME_FMT");

	ares_is("mix\\056\\134\\040\\001\\377\\042.example",
	    "mix\\.\\\\ \001\377\".example");
	ares_is("Host.Example.", "Host.Example");
	ares_is("a\\7b", "a\007b");
	ares_is("a\\77b", "a?b");
	ares_is("a\\9", "a9");
	ares_is("a\\.b", "a\\.b");
	ares_is("", "");
	ares_is(".", "");
	ares_is("a\\000b", NULL);
	ares_is("a\\0", NULL);
	ares_is("a\\400", NULL);
	ares_is("a..b", NULL);
	ares_is("a\\", NULL);

	/* djb -> c-ares -> djb is the identity on djb's own output */
	n = (size_t)dns_name_djb(out, rt, sizeof rt - 1);
	ok(dns_name_ares(back, out, n) > 0, "to c-ares text");
	djb_is(back, strlen(back), "mix\\056\\134\\040\\001\\377\\042.ex");
}

/* --- answer messages ----------------------------------------------------- */

struct msg {
	unsigned char b[600];
	size_t n;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put16(struct msg *m, unsigned int v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	put(m, b, 2);
}

/* A response header and the question 2.0.0.127.in-addr.arpa/type. */
static void
start(struct msg *m, unsigned int ancount, unsigned int type)
{
	static const char q[] = "\0012\0010\0010\003127\007in-addr\004arpa";

	m->n = 0;
	put16(m, 0x1234);
	put16(m, 0x8180);
	put16(m, 1);
	put16(m, ancount);
	put16(m, 0);
	put16(m, 0);
	put(m, q, sizeof q);    /* with the final 0 */
	put16(m, type);
	put16(m, 1);
}

/* An answer record named by a pointer to the question name. */
static void
rr(struct msg *m, unsigned int type, const void *data, size_t len)
{
	put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 60);
	put16(m, (unsigned int)len);
	put(m, data, len);
}

static void
test_packets(void)
{
	static const unsigned char weird[] = { 9, 'm', 'i', 'X', '.', '\\',
	    ' ', 1, 0xff, '"', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	static const unsigned char plain[] = { 4, 'H', 'o', 's', 't',
	    0xc0, 0x16 };   /* pointer to "in-addr.arpa" in the question */
	static const unsigned char cname[] = { 1, 'x', 0 };
	static const unsigned char a1[] = { 192, 0, 2, 7 }, a2[] = { 10, 0,
	    0, 1 };
	static const unsigned char aaaa[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 7 };
	struct msg m;
	char out[DNS_NAME_FMT], buf[IP_FMT];
	unsigned char ips[3][16];
	size_t cnt;

	start(&m, 1, DNS_T_PTR);
	rr(&m, DNS_T_PTR, weird, sizeof weird);
	is_int(dns_ptr_packet(m.b, m.n, out), 1, "PTR with odd bytes found");
	is_str(out, "mix\\056\\134\\040\\001\\377\\042.example",
	    "... in djb's text form");

	start(&m, 3, DNS_T_PTR);
	rr(&m, 5, cname, sizeof cname);
	rr(&m, DNS_T_PTR, plain, sizeof plain);
	rr(&m, DNS_T_PTR, weird, sizeof weird);
	is_int(dns_ptr_packet(m.b, m.n, out), 1,
	    "first PTR after a CNAME, compressed");
	is_str(out, "host.in-addr.arpa", "... expanded");

	start(&m, 1, DNS_T_PTR);
	rr(&m, 5, cname, sizeof cname);
	is_int(dns_ptr_packet(m.b, m.n, out), 0, "only a CNAME: no PTR");
	start(&m, 0, DNS_T_PTR);
	is_int(dns_ptr_packet(m.b, m.n, out), 0, "no answers");
	start(&m, 1, DNS_T_PTR);
	rr(&m, DNS_T_PTR, "", 1);
	is_int(dns_ptr_packet(m.b, m.n, out), 0, "a PTR to the root is no name");

	start(&m, 2, DNS_T_PTR);
	rr(&m, 5, cname, sizeof cname);
	is_int(dns_ptr_packet(m.b, m.n, out), -1, "ANCOUNT past the end");
	start(&m, 1, DNS_T_PTR);
	rr(&m, DNS_T_PTR, weird, sizeof weird);
	is_int(dns_ptr_packet(m.b, m.n - 1, out), -1, "rdata cut short");
	m.b[m.n - sizeof weird] = 0xc0;
	m.b[m.n - sizeof weird + 1] = (unsigned char)(m.n - sizeof weird);
	is_int(dns_ptr_packet(m.b, m.n, out), -1, "a pointer loop");
	is_int(dns_ptr_packet(m.b, 11, out), -1, "shorter than a header");
	start(&m, 1, DNS_T_PTR);
	rr(&m, DNS_T_PTR, weird, 3);
	is_int(dns_ptr_packet(m.b, m.n, out), -1, "name longer than its rdata");

	start(&m, 3, DNS_T_A);
	rr(&m, DNS_T_A, a1, 4);
	rr(&m, DNS_T_AAAA, aaaa, 16);
	rr(&m, DNS_T_A, a2, 4);
	cnt = 0;
	is_int(dns_addrs_packet(m.b, m.n, DNS_T_A, ips, 3, &cnt), 2, "two A");
	is_int((long)cnt, 2, "... stored");
	ip_fmt(buf, ips[0]);
	is_str(buf, "192.0.2.7", "... first, v4-mapped");
	ok(ip_is4(ips[1]), "... second v4-mapped");
	is_int(dns_addrs_packet(m.b, m.n, DNS_T_AAAA, ips, 3, &cnt), 1,
	    "one AAAA, appended");
	is_int((long)cnt, 3, "... after the A");
	ip_fmt(buf, ips[2]);
	is_str(buf, "2001:db8::7", "... the AAAA");
	cnt = 0;
	is_int(dns_addrs_packet(m.b, m.n, DNS_T_A, ips, 1, &cnt), 2,
	    "max: both found");
	is_int((long)cnt, 1, "... one stored");
	start(&m, 1, DNS_T_A);
	rr(&m, DNS_T_A, aaaa, 16);
	cnt = 0;
	is_int(dns_addrs_packet(m.b, m.n, DNS_T_A, ips, 3, &cnt), -1,
	    "an A record of 16 bytes is malformed");
	is_int(dns_addrs_packet(m.b, m.n, DNS_T_TXT, ips, 3, &cnt), -1,
	    "only A and AAAA");
}

int
main(void)
{
	test_servers();
	test_names();
	test_packets();
	return tap_done();
}
