/* Unit tests for lib/msg: line ends, header fields, addresses, spool. */
#include "msg.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *
norm(const char *in, size_t n, int chunk, int *style)
{
	static char out[4096];
	msg_norm st = MSG_NORM_INIT;
	size_t i, o = 0;

	for (i = 0; i < n; i += (size_t)chunk) {
		size_t m = n - i < (size_t)chunk ? n - i : (size_t)chunk;

		o += msg_norm_chunk(&st, in + i, m, out + o);
	}
	o += msg_norm_end(&st, out + o);
	out[o] = 0;
	*style = st.style;
	return out;
}

static void
test_norm(void)
{
	const char *in = "a\r\nb\rc\nd\r\r\ne";
	int style, chunk;

	for (chunk = 1; chunk <= 16; chunk *= 2) {
		is_str(norm(in, strlen(in), chunk, &style), "a\nb\nc\nd\n\ne\n",
		    "CRLF, CR, LF, CR CRLF, no final end (chunks of %d)", chunk);
		is_int(style, MSG_STYLE_CRLF, "style CRLF (chunks of %d)", chunk);
	}
	norm("x\ny\r\n", 5, 1, &style);
	is_int(style, MSG_STYLE_LF, "first line LF: LF style");
	norm("x\ry\r\n", 5, 1, &style);
	is_int(style, MSG_STYLE_LF, "first line lone CR: LF style");
	is_str(norm("", 0, 4, &style), "", "empty stays empty");
	is_int(style, MSG_STYLE_NONE, "empty: no style");
	is_str(norm("x\r", 2, 1, &style), "x\n", "final CR");
	ok(msg_is_normal("a\nb\n", 4), "normal text");
	ok(!msg_is_normal("a\r\n", 3), "CR: not normal");
	ok(!msg_is_normal("a", 1), "no final LF: not normal");
}

static void
test_check(void)
{
	char big[MSG_LINE_MAX + 3];

	is_int(msg_check("", 0), MSG_EMPTY, "empty message");
	is_int(msg_check("a\0b\n", 4), MSG_NUL, "NUL byte");
	memset(big, 'x', sizeof big);
	big[MSG_LINE_MAX] = '\n';
	is_int(msg_check(big, MSG_LINE_MAX + 1), MSG_OK, "998 octets: fine");
	big[MSG_LINE_MAX] = 'x';
	big[MSG_LINE_MAX + 1] = '\n';
	is_int(msg_check(big, MSG_LINE_MAX + 2), MSG_LONGLINE, "999: too long");
	ok(strlen(msg_errstr(MSG_NOCOLON)) > 0, "errstr");
}

static void
test_header(void)
{
	const char *m = "From: a@b.example\nSubject: one\n two\nX-Odd :v\n"
	    "\nbody\nFrom: not@header\n";
	msg_field f[8];
	size_t nf, body;

	is_int(msg_header_parse(m, strlen(m), f, 8, &nf, &body), MSG_OK,
	    "parse ok");
	is_int((long)nf, 3, "three fields");
	is_int((long)f[1].len, (long)strlen("Subject: one\n two"),
	    "continuation joins the field");
	ok(msg_field_is(m, &f[1], "SUBJECT"), "name match ignores case");
	ok(msg_field_is(m, &f[2], "x-odd"), "blank before colon trimmed");
	is_str(m + body, "body\nFrom: not@header\n", "body offset");

	is_int(msg_header_parse("From: x\nbroken line\n\n", 21, f, 8, &nf,
	    &body), MSG_NOCOLON, "line without colon");
	is_int(msg_header_parse(" cont\nFrom: x\n", 14, f, 8, &nf, &body),
	    MSG_CONTFIRST, "continuation first");
	is_int(msg_header_parse(": novalue\n", 10, f, 8, &nf, &body),
	    MSG_NOCOLON, "empty name");
	is_int(msg_header_parse("A: 1\nB: 2\nC: 3\n", 15, f, 2, &nf, &body),
	    MSG_TOOMANY, "too many fields");
	is_int(msg_header_parse("A: 1\nB: 2", 9, f, 8, &nf, &body), MSG_OK,
	    "header only, no final LF");
	is_int((long)nf, 2, "both fields");
	is_int((long)body, 9, "body at end");
}

static const char *
dom(const char *v)
{
	static char d[MSG_DOMAIN_MAX + 1];

	if (!msg_addr_domain(v, strlen(v), d))
		return "(none)";
	return d;
}

static void
test_addr(void)
{
	is_str(dom("joe@Example.COM"), "example.com", "bare, lower-cased");
	is_str(dom(" Joe Q. <joe@mail.example.org.> "), "mail.example.org",
	    "angle address, final dot dropped");
	is_str(dom("\"Joe @ home\" <j@x.example>"), "x.example",
	    "quoted display name with @");
	is_str(dom("\"a@b\"@quoted.example"), "quoted.example",
	    "quoted local part");
	is_str(dom("(comment (nested) a@evil.example) joe@good.example"),
	    "good.example", "comments skipped");
	is_str(dom("Friends: a@one.example, b@two.example;"), "one.example",
	    "group: first member");
	is_str(dom("undisclosed-recipients:;, c@three.example"),
	    "three.example", "empty group skipped");
	is_str(dom("<@route.example,@r2.example:joe@final.example>"),
	    "final.example", "obsolete route");
	is_str(dom("joe@[192.0.2.1]"), "(none)", "domain literal unusable");
	is_str(dom("joe@[192.0.2.1], ann@ok.example"), "ok.example",
	    "next address after a literal");
	is_str(dom("joe"), "(none)", "no domain");
	is_str(dom("joe@exa mple.com"), "(none)", "two words");
	is_str(dom("joe@ex..ample"), "(none)", "empty label");
	is_str(dom("<joe@x.example"), "(none)", "unclosed angle");
	is_str(dom("(unclosed joe@x.example"), "(none)", "unclosed comment");
	is_str(dom("j\xc3\xb6@x.example"), "x.example", "UTF-8 local part");
	is_str(dom("j@\xc3\xb6.example"), "(none)", "non-ASCII domain");
	is_str(dom("a@b@c.example"), "(none)", "two @");
	is_str(dom("Joe\n <joe@folded.example>"), "folded.example", "folded");
}

static void
test_sign_domain(void)
{
	const char *m1 = "From: a@from.example\nSender: s@sender.example\n\n";
	const char *m2 = "From: a@from.example\nSender: junk\n\n";
	const char *m3 = "To: x@y.example\n\n";
	msg_field f[8];
	size_t nf, body;
	char d[MSG_DOMAIN_MAX + 1];

	msg_header_parse(m1, strlen(m1), f, 8, &nf, &body);
	ok(msg_sign_domain(m1, f, nf, d) && !strcmp(d, "sender.example"),
	    "Sender: before From:");
	msg_header_parse(m2, strlen(m2), f, 8, &nf, &body);
	ok(msg_sign_domain(m2, f, nf, d) && !strcmp(d, "from.example"),
	    "unusable Sender: falls back to From:");
	msg_header_parse(m3, strlen(m3), f, 8, &nf, &body);
	is_int((long)msg_sign_domain(m3, f, nf, d), 0, "no From: no domain");
}

static void
test_spool(void)
{
	int p[2];
	msg_spool sp = MSG_SPOOL_INIT;
	char *big = malloc(300000);
	size_t i;
	int fd;

	/* a pipe, over the memory limit: goes to a temporary file */
	for (i = 0; i < 300000; i++)
		big[i] = (i % 100 == 99) ? '\r' : 'x';
	fd = msg_tmpfile(0);
	ok(fd >= 0, "temporary file");
	ok(write(fd, big, 300000) == 300000, "write test file");
	lseek(fd, 0, SEEK_SET);
	ok(msg_spool_read(&sp, fd, 4096, 1 << 20, 0), "spool a mapped file");
	is_int((long)sp.len, 300000, "lone CRs became LF (the last one too)");
	ok(sp.p[99] == '\n' && sp.p[299999] == '\n' && sp.p[100] == 'x' &&
	    !memchr(sp.p, '\r', sp.len), "normalised bytes");
	is_int(sp.fromfile, 0, "not normal: not used in place");
	msg_spool_free(&sp);
	close(fd);

	ok(pipe(p) == 0, "pipe");
	ok(write(p[1], "a\r\nb\r\n", 6) == 6, "write to pipe");
	close(p[1]);
	ok(msg_spool_read(&sp, p[0], 2, 1 << 20, 0), "spool a pipe past memmax");
	ok(sp.len == 4 && memcmp(sp.p, "a\nb\n", 4) == 0, "pipe text");
	is_int(sp.style, MSG_STYLE_CRLF, "pipe style CRLF");
	msg_spool_free(&sp);
	close(p[0]);

	ok(pipe(p) == 0, "pipe 2");
	ok(write(p[1], "abcdef\n", 7) == 7, "write to pipe 2");
	close(p[1]);
	ok(!msg_spool_read(&sp, p[0], 2, 4, 0), "over maxlen fails");
	msg_spool_free(&sp);
	close(p[0]);
	free(big);
}

int
main(void)
{
	test_norm();
	test_check();
	test_header();
	test_addr();
	test_sign_domain();
	test_spool();
	return tap_done();
}
