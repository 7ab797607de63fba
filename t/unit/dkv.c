/* Unit test: lib/dkv (letters, tag lists, key file, TXT answers, names)
   and the streaming verifier end to end: messages signed here with a
   fresh RSA key (lib/dkim, lib/dk), keys served from a key file. */
#include "dk.h"
#include "dkim.h"
#include "dkv.h"
#include "key.h"
#include "msg.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

static void
test_letters(void)
{
	dkv_policy p;
	int bydk;

	dkv_letters_parse("DEGIJKfh,CGHIJMQRkl", 19, &p);
	is_int(p.dk['D' - 'A'], DKV_REJECT, "letters: D rejects");
	is_int(p.dk['F' - 'A'], DKV_DEFER, "letters: f defers");
	is_int(p.dk['B' - 'A'], DKV_ACCEPT, "letters: B absent accepts");
	is_int(p.dkim['K' - 'A'], DKV_DEFER, "letters: dkim k defers");
	is_int(p.dkim['Q' - 'A'], DKV_REJECT, "letters: dkim Q rejects");
	is_int(p.dkim['D' - 'A'], DKV_ACCEPT, "letters: dkim D absent");
	is_int(dkv_decide(&p, 'A', 'Q', &bydk), DKV_REJECT, "decide: dkim rejects");
	is_int(bydk, 0, "decide: by DKIM");
	is_int(dkv_decide(&p, 'D', 'k', &bydk), DKV_REJECT,
	    "decide: reject beats defer");
	is_int(bydk, 1, "decide: by DomainKeys");
	is_int(dkv_decide(&p, 'F', 'A', &bydk), DKV_DEFER, "decide: defer");
	is_int(dkv_decide(&p, 'A', 'A', &bydk), DKV_ACCEPT, "decide: accept");

	dkv_letters_parse("bB", 2, &p);
	is_int(p.dk[1], DKV_REJECT, "letters: upper wins (after lower)");
	dkv_letters_parse("Bb", 2, &p);
	is_int(p.dk[1], DKV_REJECT, "letters: upper wins (before lower)");
	dkv_letters_parse("MZz1 ,SszT", 10, &p);
	is_int(p.dk['M' - 'A'], DKV_ACCEPT, "letters: M outside DK set ignored");
	is_int(p.dkim['S' - 'A'], DKV_REJECT, "letters: dkim S");
	is_int(p.dkim['T' - 'A'] | p.dkim['Z' - 'A'], DKV_ACCEPT,
	    "letters: T, z outside DKIM set ignored");
	dkv_letters_parse("", 0, &p);
	is_int(dkv_decide(&p, 'B', 'D', &bydk), DKV_ACCEPT,
	    "letters: empty accepts everything");
	dkv_letters_parse("B", 1, &p);
	is_int(p.dkim[1], DKV_ACCEPT, "letters: no comma = DomainKeys only");
}

static void
test_tags(void)
{
	dkv_tag t[DKV_TAGS_MAX];
	const dkv_tag *g;
	size_t nt;
	const char *s = " v=1; a = rsa-sha256 ;\n\tb=ab cd\n ef ; x_1=;";

	is_int(dkv_tags_parse(s, strlen(s), t, DKV_TAGS_MAX, &nt), DKV_TAGS_OK,
	    "tags: folded list");
	is_int((int)nt, 4, "tags: four tags");
	g = dkv_tag_get(t, nt, "a");
	ok(g && g->vallen == 10 && memcmp(g->val, "rsa-sha256", 10) == 0,
	    "tags: blanks around value trimmed");
	g = dkv_tag_get(t, nt, "b");
	ok(g && g->vallen == 9, "tags: inner folding kept");
	g = dkv_tag_get(t, nt, "x_1");
	ok(g && g->vallen == 0, "tags: empty value");
	is_int(dkv_tags_parse("d=a; d=b", 8, t, DKV_TAGS_MAX, &nt), DKV_TAGS_DUP,
	    "tags: duplicate");
	is_int(dkv_tags_parse("1=a", 3, t, DKV_TAGS_MAX, &nt), DKV_TAGS_SYNTAX,
	    "tags: name must start with a letter");
	is_int(dkv_tags_parse("a", 1, t, DKV_TAGS_MAX, &nt), DKV_TAGS_SYNTAX,
	    "tags: no =");
	is_int(dkv_tags_parse("a=\x80", 3, t, DKV_TAGS_MAX, &nt), DKV_TAGS_SYNTAX,
	    "tags: non-ASCII value");
	is_int(dkv_tags_parse("a=1;b=2;c=3", 11, t, 2, &nt), DKV_TAGS_TOOMANY,
	    "tags: too many");
	is_int(dkv_tags_parse("", 0, t, 2, &nt), DKV_TAGS_OK, "tags: empty list");
}

static void
test_keyfile(void)
{
	const char *f =
	    "; comment line\n"
	    "a._domainkey.example.com TXT \"v=DKIM1; \" \"p=AB\\\"C\\\\\" ; c\n"
	    "T._domainkey.example.com TEMPFAIL\n"
	    "n._domainkey.example.com NXDOMAIN\n"
	    "m._domainkey.example.com TXT \"one\"\n"
	    "m._domainkey.example.com TXT \"two\"\n"
	    "bad._domainkey.example.com TXT unquoted\n";
	sbuf txt = SBUF_INIT(DKV_TXT_MAX);
	size_t n = strlen(f);

	is_int(dkv_keyfile_find(f, n, "A._domainkey.EXAMPLE.com", &txt),
	    DKV_KEY_FOUND, "keyfile: found, owner case ignored");
	is_str(txt.s, "v=DKIM1; p=AB\"C\\", "keyfile: strings joined, escapes");
	is_int(dkv_keyfile_find(f, n, "t._domainkey.example.com", &txt),
	    DKV_KEY_TEMP, "keyfile: TEMPFAIL");
	is_int(dkv_keyfile_find(f, n, "n._domainkey.example.com", &txt),
	    DKV_KEY_NONE, "keyfile: NXDOMAIN");
	is_int(dkv_keyfile_find(f, n, "x._domainkey.example.com", &txt),
	    DKV_KEY_NONE, "keyfile: not listed");
	is_int(dkv_keyfile_find(f, n, "m._domainkey.example.com", &txt),
	    DKV_KEY_MULTI, "keyfile: two TXT lines");
	is_int(dkv_keyfile_find(f, n, "bad._domainkey.example.com", &txt),
	    DKV_KEY_NONE, "keyfile: unparsable line ignored");
	sbuf_free(&txt);
}

static void
test_txt(void)
{
	/* id, flags, 1 question, 2 answers: TXT "ab" "c", A record */
	static const unsigned char pkt[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		1, 'x', 0, 0, 16, 0, 1,
		0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 5, 2, 'a', 'b', 1, 'c',
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4,
	};
	unsigned char bad[sizeof pkt];
	sbuf txt = SBUF_INIT(DKV_TXT_MAX);

	is_int(dkv_txt_packet(pkt, sizeof pkt, &txt), 1, "txt: one TXT record");
	is_str(txt.s, "abc", "txt: strings joined");
	memcpy(bad, pkt, sizeof pkt);
	bad[30] = 9;                  /* rdlength past the end */
	is_int(dkv_txt_packet(bad, sizeof pkt, &txt), -1, "txt: truncated");
	is_int(dkv_txt_packet(pkt, 5, &txt), -1, "txt: short header");
	sbuf_free(&txt);

	ok(dkv_name_ok("s._domainkey.ex-1.com", 21), "name: ok");
	ok(!dkv_name_ok("s..com", 6), "name: empty label");
	ok(!dkv_name_ok("s\\046x.com", 10), "name: backslash");
	ok(!dkv_name_ok("a b.com", 7), "name: blank");
}

/* --- end to end ------------------------------------------------------ */
static key k = KEY_INIT;
static sbuf keys = SBUF_INIT(0);

static int
make_key(void)
{
	EVP_PKEY *pk = EVP_RSA_gen(1024);
	unsigned char *der = 0;
	char *b64;
	int n;
	sbuf pub = SBUF_INIT(0);

	if (!pk)
		return 0;
	n = i2d_PrivateKey(pk, &der);
	if (n <= 0)
		return 0;
	b64 = malloc(key_b64_len((size_t)n) + 1);
	if (!b64)
		return 0;
	b64[key_b64_encode(der, (size_t)n, b64)] = 0;
	if (key_parse(&k, b64, strlen(b64)) != KEY_OK || !key_public_b64(&k, &pub))
		return 0;
	sbuf_cats(&keys, "sel._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=");
	sbuf_catb(&keys, pub.s, pub.len);
	sbuf_cats(&keys, "\"\nrev._domainkey.example.com TXT \"v=DKIM1; p=\"\n"
	    "tmp._domainkey.example.com TEMPFAIL\n");
	free(b64);
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	sbuf_free(&pub);
	return 1;
}

/* Signs LF text with DKIM (selector sel) and DomainKeys; returns the
   signed text (malloc'd). */
static char *
sign(const char *text, const char *sel, int dk)
{
	msg_field f[64];
	size_t nf, body, bad, len = strlen(text);
	dkim_opts o;
	dkim_signreq r;
	dkim_ctx *c;
	dkim_job *j;
	const char *err;
	sbuf out = SBUF_INIT(0);

	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	if (msg_header_parse(text, len, f, 64, &nf, &body) != MSG_OK)
		return 0;
	c = dkim_ctx_new(&o, &err);
	r.key = k.text;
	r.selector = sel;
	r.domain = "example.com";
	r.alg = DKIM_A_RSA_SHA256;
	r.hcanon = r.bcanon = DKIM_C_RELAXED;
	j = c ? dkim_job_sign(c, &r, &err) : 0;
	if (!j || !dkim_feed(&j, 1, text, len, f, nf, body, &bad) ||
	    !dkim_job_sigfield(j, &out))
		return 0;
	if (dk) {
		dk_signreq d = { k.pkey, "sel", "example.com" };

		if (!dk_sign(&d, text, len, f, nf, body, &out))
			return 0;
	}
	sbuf_cats(&out, text);
	dkim_job_free(j);
	dkim_ctx_free(c);
	return out.s;
}

/* Verifies s[0..n) in pieces of step bytes. */
static int
verify(dkv *v, const char *s, size_t n, size_t step, dkv_out *o)
{
	size_t i;

	if (dkv_begin(v) < 0)
		return -1;
	for (i = 0; i < n; i += step)
		if (dkv_chunk(v, s + i, n - i < step ? n - i : step) < 0)
			return -1;
	return dkv_end(v, o);
}

/* LF to CRLF. */
static char *
crlf(const char *s)
{
	sbuf o = SBUF_INIT(0);

	for (; *s; s++) {
		if (*s == '\n')
			sbuf_catc(&o, '\r');
		sbuf_catc(&o, *s);
	}
	return o.s;
}

static void
diag_range(const char *s, const dkv_out *o)
{
	if (o->nskip)
		printf("# off %zu len %zu: [%.*s]\n", o->skip_off[0], o->skip_len[0],
		    (int)o->skip_len[0], s + o->skip_off[0]);
}

static void
test_verify(void)
{
	static const char msg[] =
	    "Authentication-Results: mx.test; dkim=pass\n"
	    "From: Joe <joe@example.com>\nTo: x@example.org\nSubject: hi\n"
	    "Authentication-Results: other.test; dkim=pass\n"
	    "\nHello\n\nworld\n\n\n";
	dkv_conf c;
	dkv_out o;
	dkv *v;
	const char *err;
	char *s, *t, *cr;
	size_t n, steps[] = { 1, 7, 100, 65536 }, i;

	memset(&c, 0, sizeof c);
	c.servid = "mx.test";
	c.minkeybits = 1024;
	c.rsasha1 = 1;
	c.timeout_ms = 1000;
	if (!ok(make_key(), "verify: test key made"))
		return;
	c.keyfile = keys.s;
	c.keyfilelen = keys.len;
	v = dkv_new(&c, &err);
	if (!ok(v != 0, "verify: dkv_new"))
		return;
	s = sign(msg, "sel", 1);
	if (!ok(s != 0, "verify: message signed"))
		return;
	n = strlen(s);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		ok(verify(v, s, n, steps[i], &o) == 1 && o.dk == 'A' &&
		    o.dkim == 'A', "verify: DK and DKIM pass, chunks of %zu",
		    steps[i]);
	}
	is_int((int)o.nskip, 1, "verify: one A-R field of ours");
	ok(o.nskip == 1 && strncmp(s + o.skip_off[0],
	    "Authentication-Results: mx.test; dkim=pass\n", o.skip_len[0]) == 0 &&
	    o.skip_len[0] == 43, "verify: its raw byte range");
	diag_range(s, &o);
	is_str(o.domains, "example.com", "verify: domains for the log");
	is_str(o.ar.dkim[0].s, "sel", "verify: header.s");

	cr = crlf(s);
	ok(verify(v, cr, strlen(cr), 3, &o) == 1 && o.dk == 'A' &&
	    o.dkim == 'A', "verify: CRLF input passes");
	ok(o.nskip == 1 && o.skip_len[0] == 44 &&
	    strncmp(cr + o.skip_off[0], "Authentication-Results: mx.test;", 32)
	    == 0, "verify: raw range includes the CR");
	free(cr);

	t = strdup(s);
	memcpy(strstr(t, "world"), "World", 5);
	ok(verify(v, t, n, 4096, &o) == 1 && o.dk == 'B' && o.dkim == 'P',
	    "verify: body changed: DK B, DKIM P");
	is_str(o.ar.dkim[0].res, "fail", "verify: dkim=fail");
	free(t);

	t = strdup(s);
	memcpy(strstr(t, "Subject: hi"), "Subject: ho", 11);
	ok(verify(v, t, n, 4096, &o) == 1 && o.dk == 'B' && o.dkim == 'D',
	    "verify: header changed: DK B, DKIM D");
	free(t);

	ok(verify(v, msg, strlen(msg), 9, &o) == 1 && o.dk == 'C' &&
	    o.dkim == 'N', "verify: unsigned: C and N");
	ok(verify(v, "", 0, 1, &o) == 1 && o.dkim == 'N', "verify: empty input");

	free(s);
	s = sign(msg, "rev", 0);
	ok(s && verify(v, s, strlen(s), 512, &o) == 1 && o.dkim == 'I',
	    "verify: revoked key: I");
	free(s);
	s = sign(msg, "tmp", 0);
	ok(s && verify(v, s, strlen(s), 512, &o) == 1 && o.dkim == 'K',
	    "verify: key lookup TEMPFAIL: K");
	is_str(o.ar.dkim[0].res, "temperror", "verify: dkim=temperror");
	free(s);
	s = sign(msg, "none", 0);
	ok(s && verify(v, s, strlen(s), 512, &o) == 1 && o.dkim == 'L',
	    "verify: no key: L");
	free(s);

	/* a message without an empty line, bare CRs, a NUL in the header */
	ok(verify(v, "DKIM-Signature: v=1\rFrom: a@b.c\rx", 33, 2, &o) == 1 &&
	    o.dkim == 'B', "verify: malformed header line: B");
	ok(verify(v, "DKIM-Signature: v=1\nFrom: a@b.c\n\nx", 34, 2, &o) == 1 &&
	    o.dkim == 'C', "verify: signature missing tags: C");
	ok(verify(v, "DKIM-Signature: v=1\nFrom: a@\0.c\n\nx", 34, 5, &o) == 1 &&
	    o.dkim == 'B', "verify: NUL in the header: B");
	ok(verify(v, "DKIM-Signature: a=1; a=2\nFrom: a@b.c\n\nx", 39, 5,
	    &o) == 1 && o.dkim == 'C', "verify: duplicate tag: C");
	ok(verify(v, "DomainKey-Signature: a=rsa-sha1; d=example.com\n"
	    "From: a@example.com\n\nx", 70, 5, &o) == 1 && o.dk == 'G',
	    "verify: DomainKeys signature without s= and b=: G");
	ok(verify(v, "DomainKey-Signature: s=x; d=example.com; b=AAAA\n"
	    "From: a@example.com\n\nx", 71, 5, &o) == 1 && o.dk == 'D',
	    "verify: DomainKeys signature, no key: D");
	ok(verify(v, "DomainKey-Signature: s=sel; d=example.org; b=AAAA\n"
	    "From: a@example.com\n\nx", 73, 5, &o) == 1 && o.dk == 'G',
	    "verify: DomainKeys identity outside d=: G");
	dkv_free(v);
	key_free(&k);
	sbuf_free(&keys);
}

static void
test_comments(void)
{
	is_str(dkv_dkim_comment('K'), "temporary DNS failure", "comment: K");
	is_str(dkv_dk_comment('F'), "cannot verify", "comment: DK F");
}

int
main(void)
{
	test_letters();
	test_tags();
	test_keyfile();
	test_txt();
	test_verify();
	test_comments();
	return tap_done();
}
