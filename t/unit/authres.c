/* Unit test: lib/authres (A-R field building, authserv-id parsing). */
#include "authres.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void
set(char *dst, const char *v)
{
	authres_setval(dst, AUTHRES_VAL_MAX, v, strlen(v), 0);
}

static void
sig(authres_sig *s, const char *res, const char *c, const char *d,
    const char *b)
{
	memset(s, 0, sizeof *s);
	s->res = res;
	s->comment = c;
	authres_setval(s->d, AUTHRES_VAL_MAX, d, strlen(d), 0);
	authres_setval(s->b, AUTHRES_B_MAX, b, strlen(b), 1);
}

static void
test_build(void)
{
	authres_res r;
	sbuf o = SBUF_INIT(0);

	memset(&r, 0, sizeof r);
	ok(authres_build("mx.example", &r, "\n", &o), "build: nothing");
	is_str(o.s, "Authentication-Results: mx.example;\n"
	    "\tdomainkeys=none (no signature);\n"
	    "\tdkim=none (no signature)\n", "build: unsigned message");

	sbuf_reset(&o);
	sig(&r.dk, "pass", "ok", "example.com", "");
	set(r.dk.from, "joe@example.com");
	sig(&r.dkim[0], "pass", "ok", "example.com", "abcdefghij/+=");
	set(r.dkim[0].i, "@example.com");
	set(r.dkim[0].s, "sel");
	set(r.dkim[0].a, "rsa-sha256");
	r.ndkim = 1;
	ok(authres_build("mx/1", &r, "\r\n", &o), "build: both pass");
	is_str(o.s, "Authentication-Results: \"mx/1\";\r\n"
	    "\tdomainkeys=pass (ok) header.d=example.com "
	    "header.from=\"joe@example.com\";\r\n"
	    "\tdkim=pass (ok) header.d=example.com header.i=\"@example.com\" "
	    "header.s=sel header.a=rsa-sha256 header.b=\"abcdefgh\"\r\n",
	    "build: properties, quoting, CRLF folding");

	sbuf_reset(&o);
	r.dk.sender = 1;
	sig(&r.dkim[1], "fail", "bad (x) \\ sig", "ex\"am\tple", "abcdefghXYZ");
	r.ndkim = 2;
	ok(authres_build("mx", &r, "\n", &o), "build: two signatures");
	ok(strstr(o.s, "header.sender=\"joe@example.com\"") != 0,
	    "build: header.sender for a Sender identity");
	ok(strstr(o.s, "header.b=\"abcdefghi\"") != 0 &&
	    strstr(o.s, "header.b=\"abcdefghX\"") != 0,
	    "build: header.b prefixes long enough to differ");
	ok(strstr(o.s, "dkim=fail (bad \\(x\\) \\\\ sig) "
	    "header.d=\"ex\\\"am?ple\"") != 0,
	    "build: comment and value escapes, control byte as ?");
	sbuf_free(&o);
}

static void
test_servid(void)
{
	char id[AUTHRES_ID_MAX];

	is_int(authres_servid(" mx.example.com; dkim=pass", 26, id), 14,
	    "servid: token");
	is_str(id, "mx.example.com", "servid: token value");
	is_int(authres_servid(" (c (nested)) \"m\\\"x\" 1; none", 27, id), 3,
	    "servid: comments, quoted string, version");
	is_str(id, "m\"x", "servid: quoted value");
	is_int(authres_servid("\n\tmx;", 5, id), 2, "servid: folded");
	is_int(authres_servid(" (unterminated", 14, id), -1,
	    "servid: unterminated comment");
	is_int(authres_servid("  ", 2, id), -1, "servid: empty");
	is_int(authres_servid(" \"open", 6, id), -1, "servid: open quote");
	is_int(authres_servid(" a/b;", 5, id), -1, "servid: tspecial after id");

	ok(authres_is_ours("Authentication-Results: MX.Example; x", 37,
	    "mx.example"), "is_ours: case ignored");
	ok(authres_is_ours("authentication-results :\n mx.example", 36,
	    "mx.example"), "is_ours: blank before colon, folding");
	ok(!authres_is_ours("Authentication-Results: mx.example.org;", 39,
	    "mx.example"), "is_ours: other id");
	ok(!authres_is_ours("Authentication-Result: mx.example;", 34,
	    "mx.example"), "is_ours: other field");
	ok(!authres_is_ours("X-Authentication-Results: mx.example;", 37,
	    "mx.example"), "is_ours: prefixed field");
}

int
main(void)
{
	test_build();
	test_servid();
	return tap_done();
}
