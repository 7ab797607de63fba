/* Unit tests for lib/dk: DomainKeys nofws canonicalisation and rsa-sha1
   signatures.  The expected b= values were made by Mail::DKIM 1.20230212
   (dkimproxy-sign --type=domainkeys --method=nofws) with the RFC 8463 A.1
   RSA key; RSASSA-PKCS1-v1_5 is deterministic, so they must match. */
#include "dk.h"
#include "key.h"
#include "msg.h"
#include "tap.h"
#include "rfc8463.h"

#include <string.h>


static const char msg1[] =
    "From: Joe SixPack <joe@football.example.com>\n"
    "To: Suzie  Q <suzie@shopping.example.net>\n"
    "Subject: Is dinner\n"
    "  ready?\n"
    "\n"
    "  Hi .\n"
    "\n"
    "\tWe lost  the game.\n"
    "\n"
    "\n";
static const char sig1[] =
    "DomainKey-Signature: a=rsa-sha1; q=dns; c=nofws; s=test;\n"
    "\td=football.example.com; h=From: To: Subject; b=4C35gptfTH2h/bv90pvAJkN\n"
    "\tZZ49pD7QnyWkV7XHD08/Xvo9JqD/qxO54gNlQ9Qq32mOLxbH1dBhlDCoL6iDK5CF+2pPel\n"
    "\tnWDu9js34PZW1qNVSyv/dllEQUwdz/82ItkVRPjBAMNnC1PARktarYeTzR7X1dv5Y7lYZW\n"
    "\tpvkHw40M=\n";
/* A body of blank lines only: not even the separator is hashed. */
static const char msg2[] = "From: a@football.example.com\nSubject: x\n\n \n\n";
static const char sig2[] =
    "DomainKey-Signature: a=rsa-sha1; q=dns; c=nofws; s=test;\n"
    "\td=football.example.com; h=From: Subject; b=nR0uQV8pG6bvnPgTYNoQU5MhE2/\n"
    "\tZrG+K7408CbGpv08pAe/entWxAHJFKuvNgHJPgGqdiM0BvXYme6K40IJtmppnNZ7TialD0\n"
    "\tred/RRMBMk78PmC5wQi30yik7vjhqEzPZV2NscUP+KwiLJux2pRDEBMvbNuBTixBTlhEra\n"
    "\tpGI8=\n";

static int
put_sbuf(void *arg, const char *p, size_t n)
{
	return sbuf_catb(arg, p, n);
}

static const char *
canon(const char *m)
{
	static sbuf b = SBUF_INIT(1 << 20);
	msg_field f[16];
	size_t nf, body;

	sbuf_reset(&b);
	if (msg_header_parse(m, strlen(m), f, 16, &nf, &body) ||
	    !dk_canon_nofws(m, strlen(m), f, nf, body, put_sbuf, &b) ||
	    !sbuf_cat0(&b))
		return "(fail)";
	return b.s;
}

static int
fail_put(void *arg, const char *p, size_t n)
{
	(void)arg; (void)p; (void)n;
	return 0;
}

static void
test_canon(void)
{
	msg_field f[4];
	size_t nf, body;

	is_str(canon(msg1),
	    "From:JoeSixPack<joe@football.example.com>\r\n"
	    "To:SuzieQ<suzie@shopping.example.net>\r\n"
	    "Subject:Isdinnerready?\r\n"
	    "\r\nHi.\r\n\r\nWelostthegame.\r\n",
	    "nofws: blanks and folding gone, trailing empty lines dropped");
	is_str(canon(msg2), "From:a@football.example.com\r\nSubject:x\r\n",
	    "blank body: separator not hashed");
	is_str(canon("A: b\n"), "A:b\r\n", "no body at all");
	is_str(canon("A: b\n\nx"), "A:b\r\n\r\nx\r\n",
	    "last body line without LF");
	msg_header_parse(msg1, strlen(msg1), f, 4, &nf, &body);
	ok(!dk_canon_nofws(msg1, strlen(msg1), f, nf, body, fail_put, 0),
	    "a failing sink stops it");
}

static void
test_sign(void)
{
	key k = KEY_INIT;
	sbuf out = SBUF_INIT(1 << 16);
	msg_field f[16];
	size_t nf, body;
	dk_signreq r;

	ok(key_parse(&k, rsa_pem, strlen(rsa_pem)) == KEY_OK, "RFC key");
	r.pkey = k.pkey;
	r.selector = "test";
	r.domain = "football.example.com";
	msg_header_parse(msg1, strlen(msg1), f, 16, &nf, &body);
	ok(dk_sign(&r, msg1, strlen(msg1), f, nf, body, &out) &&
	    sbuf_cat0(&out), "sign message 1");
	is_str(out.s, sig1, "message 1: same field as Mail::DKIM");
	sbuf_reset(&out);
	msg_header_parse(msg2, strlen(msg2), f, 16, &nf, &body);
	ok(dk_sign(&r, msg2, strlen(msg2), f, nf, body, &out) &&
	    sbuf_cat0(&out), "sign message 2");
	is_str(out.s, sig2, "message 2: same field as Mail::DKIM");
	sbuf_free(&out);
	key_free(&k);
}

int
main(void)
{
	test_canon();
	test_sign();
	return tap_done();
}
