/* Unit tests for lib/dkim: signing through libopendkim, checked against
   RFC 8463 Appendix A (keys, message, bh= and both A.3 signatures) and by
   libopendkim's own verifier with the RFC's key records. */
#include "dkim.h"
#include "key.h"
#include "msg.h"
#include "tap.h"
#include "rfc8463.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <opendkim/dkim.h>

static const char ed_seed[] = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

/* RFC 8463 A.2 key records, in libopendkim's DKIM_QUERY_FILE form. */
static const char records[] =
    "brisbane._domainkey.football.example.com v=DKIM1; k=ed25519; "
    "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "test._domainkey.football.example.com v=DKIM1; k=rsa; "
    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08"
    "a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+y"
    "z1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w"
    "3QIDAQAB\n";

/* RFC 8463 A.3: the message as signed there (LF line ends here). */
#define RFC_MSG \
    "From: Joe SixPack <joe@football.example.com>\n" \
    "To: Suzie Q <suzie@shopping.example.net>\n" \
    "Subject: Is dinner ready?\n" \
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\n" \
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\n" \
    "\n" \
    "Hi.\n" \
    "\n" \
    "We lost the game.  Are you hungry yet?\n" \
    "\n" \
    "Joe.\n"
static const char rfc_msg[] = RFC_MSG;
static const char rfc_signed[] =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\n"
    " d=football.example.com; i=@football.example.com;\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\n"
    " subject : date : message-id : from : subject : date;\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
    " d=football.example.com; i=@football.example.com;\n"
    " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\n"
    " date : message-id : from : subject : date;\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\n"
    " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\n"
    " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\n"
    " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\n"
    RFC_MSG;
#define RFC_BH_RELAXED "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="
#define RFC_BH_SIMPLE "bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ="

static char qfile[] = "/tmp/dkimtest.XXXXXX";

/* Verifies LF text with libopendkim and the RFC records: returns the
   number of signatures that pass; *nsig gets how many there were. */
static int
verify(const char *text, int *nsig)
{
	DKIM_LIB *lib = dkim_init(0, 0);
	dkim_query_t q = DKIM_QUERY_FILE;
	DKIM_SIGINFO **sigs;
	DKIM_STAT st;
	DKIM *d;
	sbuf crlf = SBUF_INIT(1 << 20);
	int i, n = 0, pass = 0;
	const char *p;

	for (p = text; *p; p++)
		if ((*p == '\n' && !sbuf_catc(&crlf, '\r')) ||
		    !sbuf_catc(&crlf, *p))
			return -1;
	dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &q, sizeof q);
	dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, qfile,
	    strlen(qfile));
	d = dkim_verify(lib, (const unsigned char *)"t", 0, &st);
	dkim_chunk(d, (unsigned char *)crlf.s, crlf.len);
	dkim_chunk(d, 0, 0);
	dkim_eom(d, 0);
	if (dkim_getsiglist(d, &sigs, &n) == DKIM_STAT_OK)
		for (i = 0; i < n; i++)
			if ((dkim_sig_getflags(sigs[i]) & DKIM_SIGFLAG_PASSED) &&
			    dkim_sig_getbh(sigs[i]) == DKIM_SIGBH_MATCH)
				pass++;
	*nsig = n;
	dkim_free(d);
	dkim_close(lib);
	sbuf_free(&crlf);
	return pass;
}

static void
test_rfc_vector(void)
{
	char bad[sizeof rfc_signed];
	int n;

	is_int(verify(rfc_signed, &n), 2, "RFC 8463 A.3: both signatures pass");
	is_int(n, 2, "two signatures");
	memcpy(bad, rfc_signed, sizeof rfc_signed);
	*strstr(bad, "hungry") = 'H';
	is_int(verify(bad, &n), 0, "body changed: none passes");
}

static key rsa = KEY_INIT, ed = KEY_INIT;

/* Signs LF text with the given keys (one pass); appends the fields. */
static int
sign(dkim_ctx *c, key **keys, const char **sels, int nk, int hc, int bc,
     int withpkey, const char *text, sbuf *out)
{
	msg_field f[32];
	dkim_job *jobs[4];
	size_t nf, body, bad;
	const char *err;
	int i, ok = 1;

	if (msg_header_parse(text, strlen(text), f, 32, &nf, &body))
		return 0;
	for (i = 0; i < nk; i++) {
		dkim_signreq r = { keys[i]->text, sels[i],
		    "football.example.com", "@football.example.com",
		    keys[i]->type == KEY_RSA ? DKIM_A_RSA_SHA256 :
		    DKIM_A_ED25519_SHA256, hc, bc,
		    withpkey ? keys[i]->pkey : 0 };

		jobs[i] = dkim_job_sign(c, &r, &err);
		if (!jobs[i] || !dkim_job_queryq(jobs[i]))
			return 0;
	}
	if (!dkim_feed(jobs, (size_t)nk, text, strlen(text), f, nf, body, &bad))
		ok = 0;
	for (i = 0; i < nk; i++) {
		if (ok && !dkim_job_sigfield(jobs[i], out))
			ok = 0;
		dkim_job_free(jobs[i]);
	}
	return ok && sbuf_cat0(out) && (out->len--, 1);
}

static void
test_sign(void)
{
	dkim_opts o = { 0 };
	dkim_ctx *c;
	const char *err, *sels[2] = { "test", "brisbane" };
	key *keys[2] = { &rsa, &ed };
	sbuf a = SBUF_INIT(1 << 20), b = SBUF_INIT(1 << 20);
	int n;

	o.fixedtime = 1;
	o.now = 1528637909;
	c = dkim_ctx_new(&o, &err);
	ok(c != 0, "library handle");
	ok(sign(c, keys, sels, 2, DKIM_C_RELAXED, DKIM_C_RELAXED, 1, rfc_msg,
	    &a), "dual signing in one pass");
	ok(strstr(a.s, RFC_BH_RELAXED) && strstr(strstr(a.s, RFC_BH_RELAXED) +
	    10, RFC_BH_RELAXED), "both: the RFC's relaxed bh=");
	ok(strstr(a.s, "a=rsa-sha256") && strstr(a.s, "a=ed25519-sha256"),
	    "one RSA, one Ed25519");
	ok(strstr(a.s, "t=1528637909;") && strstr(a.s, "q=dns/txt") &&
	    strstr(a.s, "i=@football.example.com"), "t=, q=, i=");
	ok(!strchr(a.s, '\r'), "folded with LF");
	ok(strstr(a.s, "h=From:To:Subject:Date:Message-ID:From:Subject:Date:") != 0,
	    "signed fields, then the oversigned ones");
	if (!sbuf_cats(&a, rfc_msg) || !sbuf_cat0(&a))
		return;
	is_int(verify(a.s, &n), 2, "libopendkim verifies both");

	ok(sign(c, keys, sels, 2, DKIM_C_RELAXED, DKIM_C_RELAXED, 0, rfc_msg,
	    &b), "again, letting libopendkim parse the keys itself");
	ok(b.len > 0 && strncmp(a.s, b.s, b.len) == 0,
	    "deterministic, and the key cache changes nothing");
	sbuf_reset(&b);
	ok(sign(c, keys, sels, 1, DKIM_C_SIMPLE, DKIM_C_SIMPLE, 1, rfc_msg, &b),
	    "simple/simple");
	ok(strstr(b.s, RFC_BH_SIMPLE) != 0, "simple bh= of the RFC message");
	dkim_ctx_free(c);
	sbuf_free(&a);
	sbuf_free(&b);
}

static void
test_options(void)
{
	dkim_opts o = { 0 };
	dkim_ctx *c;
	const char *err, *sels[1] = { "test" };
	key *keys[1] = { &rsa };
	sbuf a = SBUF_INIT(1 << 20);
	char want[64];
	int n;

	o.signhdrs = "From:Subject";
	o.oversign = "";
	o.ttl = 3600;
	o.fixedtime = 1;
	o.now = (unsigned long long)time(0);   /* x= must not be past */
	o.bodylen = 1;
	c = dkim_ctx_new(&o, &err);
	ok(c && sign(c, keys, sels, 1, DKIM_C_RELAXED, DKIM_C_SIMPLE, 1,
	    rfc_msg, &a), "sign with -h, no oversigning, x=, l=");
	ok(strstr(a.s, "h=From:Subject;") != 0, "only the listed fields");
	snprintf(want, sizeof want, "x=%llu", o.now + 3600);
	ok(strstr(a.s, want) != 0, "x= is t= + 3600");
	ok(strstr(a.s, "l=") != 0, "l=");
	ok(strstr(a.s, "c=relaxed/simple") != 0, "c=relaxed/simple");
	if (sbuf_cats(&a, rfc_msg) && sbuf_cat0(&a))
		is_int(verify(a.s, &n), 1, "verifies");
	dkim_ctx_free(c);
	sbuf_free(&a);

	ok(dkim_fieldlist_ok("From: To :Subject"), "field list with blanks");
	ok(!dkim_fieldlist_ok("From:Bad Name"), "blank inside a name");
	ok(!dkim_fieldlist_ok("From:\x01"), "control character");
	o.signhdrs = "";
	ok(!dkim_ctx_new(&o, &err), "empty sign list refused");
}

int
main(void)
{
	int fd = mkstemp(qfile);

	if (fd < 0 || write(fd, records, sizeof records - 1) !=
	    (ssize_t)(sizeof records - 1))
		return 1;
	close(fd);
	ok(key_parse(&rsa, rsa_pem, strlen(rsa_pem)) == KEY_OK &&
	    key_parse(&ed, ed_seed, strlen(ed_seed)) == KEY_OK, "RFC keys");
	test_rfc_vector();
	test_sign();
	test_options();
	unlink(qfile);
	key_free(&rsa);
	key_free(&ed);
	dkim_key_forget();
	return tap_done();
}
