/* dk_verify: DomainKeys verification (RFC 4870, spec section 3, V-4) on
   OpenSSL: rsa-sha1 over the simple or nofws canonical form, fed as a
   stream so the body is never held whole. */
#include "dkv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "key.h"

#define OUTBUF 4096

typedef struct dksig {
	char letter;                 /* 0 while still open */
	int nofws;
	char name[256];              /* s._domainkey.d */
	char local[AUTHRES_VAL_MAX]; /* local part of the identity */
	EVP_MD_CTX *md;
	EVP_PKEY *pk;
	unsigned char b[2048];
	size_t blen;
	size_t pending;              /* empty body lines not yet hashed */
	int linefull;                /* the current body line has content */
	size_t o;
	char out[OUTBUF];
	authres_sig ar;
} dksig;

struct dkv_dk {
	size_t n;
	dksig s[DKV_SIGS_MAX];
};

const char *
dkv_dk_comment(char l)
{
	switch (l) {
	case 'A': return "ok";
	case 'B': return "bad signature";
	case 'C': return "no signature";
	case 'D': return "no key";
	case 'E': return "bad key";
	case 'F': return "cannot verify";
	case 'G': return "syntax error";
	case 'H': return "no resources";
	case 'I': return "bad arguments";
	case 'J': return "revoked key";
	case 'K': return "internal error";
	case 'L': return "granularity mismatch";
	}
	return "unknown";
}

static const char *
dk_res(char l)
{
	switch (l) {
	case 'A': return "pass";
	case 'B': return "fail";
	case 'C': return "none";
	case 'F': case 'H': case 'K': return "temperror";
	}
	return "permerror";
}

static void
setletter(dksig *s, char l)
{
	if (s->letter)
		return;
	s->letter = l;
}

static void
flush(dksig *s)
{
	if (s->o && s->md && !s->letter &&
	    EVP_DigestUpdate(s->md, s->out, s->o) != 1)
		setletter(s, 'K');
	s->o = 0;
}

static void
put(dksig *s, char c)
{
	if (s->o == OUTBUF)
		flush(s);
	s->out[s->o++] = c;
}

/* A header field (LF-folded) in the signature's canonical form. */
static void
canon_field(dksig *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (s->nofws) {
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				put(s, c);
		} else if (c == '\n') {
			put(s, '\r');
			put(s, '\n');
		} else
			put(s, c);
	}
	put(s, '\r');
	put(s, '\n');
}

/* 1 if name[0..n) is in the colon list h[0..hl). */
static int
inlist(const char *h, size_t hl, const char *name, size_t n)
{
	size_t i = 0;

	while (i <= hl) {
		size_t a = i, e;

		while (i < hl && h[i] != ':')
			i++;
		e = i++;
		while (a < e && (h[a] == ' ' || h[a] == '\t' || h[a] == '\n' ||
		    h[a] == '\r'))
			a++;
		while (e > a && (h[e - 1] == ' ' || h[e - 1] == '\t' ||
		    h[e - 1] == '\n' || h[e - 1] == '\r'))
			e--;
		if (e - a == n && strncasecmp(h + a, name, n) == 0)
			return 1;
	}
	return 0;
}

static int
tageq(const dkv_tag *t, const char *v)
{
	return t->vallen == strlen(v) && strncasecmp(t->val, v, t->vallen) == 0;
}

/* The addr-spec of a From:/Sender: value, roughly: inside <> if any,
   else the value without comments; 1 with local part and whole address
   stored, 0 if there is no '@'. */
static int
addrspec(const char *v, size_t n, char *addr, char *local)
{
	const char *lt = memchr(v, '<', n);
	size_t k = 0, i, at = (size_t)-1;
	int depth = 0;

	if (lt) {
		const char *gt = memchr(lt, '>', n - (size_t)(lt - v));

		if (!gt)
			return 0;
		v = lt + 1;
		n = (size_t)(gt - lt) - 1;
	}
	for (i = 0; i < n && k + 1 < AUTHRES_VAL_MAX; i++) {
		char c = v[i];

		if (c == '(')
			depth++;
		else if (c == ')' && depth)
			depth--;
		else if (!depth && c != ' ' && c != '\t' && c != '\n' &&
		    c != '\r') {
			if (c == '@')
				at = k;
			addr[k++] = c;
		}
	}
	addr[k] = 0;
	if (at == (size_t)-1 || at == 0)
		return 0;
	memcpy(local, addr, at);
	local[at] = 0;
	return 1;
}

/* Sets up signature s from the DomainKey-Signature field f[fi]. */
static void
sig_setup(dksig *s, const char *text, const msg_field *f, size_t nf,
          size_t fi)
{
	const char *v = text + f[fi].off + f[fi].namelen;
	size_t vl = f[fi].len - f[fi].namelen, nt, i, hl = 0, dl, sl;
	dkv_tag t[DKV_TAGS_MAX];
	const dkv_tag *d, *sel, *a, *c, *q, *b, *h;
	const char *hv = 0, *id = 0;
	char dom[MSG_DOMAIN_MAX + 1];
	size_t idlen = 0, domlen;
	int sender = 0;

	while (vl && *v != ':')           /* blanks before the colon */
		v++, vl--;
	if (vl)
		v++, vl--;
	s->ar.res = "permerror";
	if (dkv_tags_parse(v, vl, t, DKV_TAGS_MAX, &nt) != DKV_TAGS_OK) {
		setletter(s, 'G');
		return;
	}
	d = dkv_tag_get(t, nt, "d");
	sel = dkv_tag_get(t, nt, "s");
	a = dkv_tag_get(t, nt, "a");
	c = dkv_tag_get(t, nt, "c");
	q = dkv_tag_get(t, nt, "q");
	b = dkv_tag_get(t, nt, "b");
	h = dkv_tag_get(t, nt, "h");
	if (d)
		authres_setval(s->ar.d, AUTHRES_VAL_MAX, d->val, d->vallen, 0);
	if (!d || !sel || !b || !d->vallen || !sel->vallen ||
	    (a && !tageq(a, "rsa-sha1")) ||
	    (c && !tageq(c, "simple") && !tageq(c, "nofws")) ||
	    (q && !tageq(q, "dns"))) {
		setletter(s, 'G');
		return;
	}
	s->nofws = c && tageq(c, "nofws");
	if (!key_b64_decode(b->val, b->vallen, s->b, sizeof s->b, &s->blen) ||
	    s->blen == 0) {
		setletter(s, 'G');
		return;
	}
	dl = d->vallen;
	sl = sel->vallen;
	if (sl + 12 + dl > 253 || !dkv_name_ok(sel->val, sl) ||
	    !dkv_name_ok(d->val, dl)) {
		setletter(s, 'G');
		return;
	}
	memcpy(s->name, sel->val, sl);
	memcpy(s->name + sl, "._domainkey.", 12);
	memcpy(s->name + sl + 12, d->val, dl);
	s->name[sl + 12 + dl] = 0;
	if (h) {
		hv = h->val;
		hl = h->vallen;
	}
	/* identity: Sender if signed, else From (signed fields only) */
	for (i = fi + 1; i < nf; i++) {
		size_t nl = f[i].namelen;
		const char *nm = text + f[i].off;

		if (h && !inlist(hv, hl, nm, nl))
			continue;
		if (msg_field_is(text, &f[i], "sender") && !sender) {
			sender = 1;
			id = nm + nl + 1;
			idlen = f[i].len - nl - 1;
		} else if (msg_field_is(text, &f[i], "from") && !id) {
			id = nm + nl + 1;
			idlen = f[i].len - nl - 1;
		}
	}
	if (id) {
		while (idlen && *id != ':' && (*id == ' ' || *id == '\t'))
			id++, idlen--;
		if (idlen && *id == ':')
			id++, idlen--;
	}
	if (!id || !addrspec(id, idlen, s->ar.from, s->local)) {
		s->ar.from[0] = 0;
		setletter(s, 'G');
		return;
	}
	s->ar.sender = sender;
	domlen = msg_addr_domain(id, idlen, dom);
	if (domlen == 0 || domlen < dl ||
	    strncasecmp(dom + domlen - dl, d->val, dl) != 0 ||
	    (domlen > dl && dom[domlen - dl - 1] != '.')) {
		setletter(s, 'G');
		return;
	}
	s->md = EVP_MD_CTX_new();
	if (!s->md || EVP_DigestInit_ex(s->md, EVP_sha1(), 0) != 1) {
		setletter(s, 'H');
		return;
	}
	for (i = fi + 1; i < nf; i++)
		if (!h || inlist(hv, hl, text + f[i].off, f[i].namelen))
			canon_field(s, text + f[i].off, f[i].len);
	s->pending = 1;               /* the header/body separator */
}

dkv_dk *
dkv_dk_new(const char *text, size_t len, const msg_field *f, size_t nf,
           int malformed)
{
	dkv_dk *d = calloc(1, sizeof *d);
	size_t i;

	(void)len;
	(void)malformed;
	if (!d)
		return 0;
	for (i = 0; i < nf && d->n < DKV_SIGS_MAX; i++)
		if (msg_field_is(text, &f[i], "domainkey-signature"))
			sig_setup(&d->s[d->n++], text, f, nf, i);
	return d;
}

size_t
dkv_dk_names(dkv_dk *d, char names[][256], size_t max)
{
	size_t i, k = 0;

	for (i = 0; d && i < d->n && k < max; i++)
		if (!d->s[i].letter && d->s[i].name[0])
			memcpy(names[k++], d->s[i].name, 256);
	return k;
}

/* A DomainKeys key record: k=rsa, p= SubjectPublicKeyInfo (or bare
   PKCS#1), g= granularity. */
static void
sig_key(dksig *s, const char *r, size_t n)
{
	dkv_tag t[DKV_TAGS_MAX];
	const dkv_tag *k, *p, *g;
	unsigned char der[KEY_REC_MAX];
	const unsigned char *dp;
	size_t nt, dlen;

	if (dkv_tags_parse(r, n, t, DKV_TAGS_MAX, &nt) != DKV_TAGS_OK) {
		setletter(s, 'E');
		return;
	}
	k = dkv_tag_get(t, nt, "k");
	p = dkv_tag_get(t, nt, "p");
	g = dkv_tag_get(t, nt, "g");
	if (!p || (k && !tageq(k, "rsa"))) {
		setletter(s, 'E');
		return;
	}
	if (p->vallen == 0) {
		setletter(s, 'J');
		return;
	}
	if (!key_b64_decode(p->val, p->vallen, der, sizeof der, &dlen)) {
		setletter(s, 'E');
		return;
	}
	dp = der;
	s->pk = d2i_PUBKEY(0, &dp, (long)dlen);
	if (!s->pk) {
		dp = der;
		s->pk = d2i_PublicKey(EVP_PKEY_RSA, 0, &dp, (long)dlen);
	}
	if (!s->pk || EVP_PKEY_base_id(s->pk) != EVP_PKEY_RSA) {
		setletter(s, 'E');
		return;
	}
	if (g && g->vallen && !(g->vallen == 1 && g->val[0] == '*')) {
		/* one '*' wildcard at most, as in RFC 4870 3.2.3 */
		const char *star = memchr(g->val, '*', g->vallen);
		size_t ll = strlen(s->local);

		if (!star) {
			if (g->vallen != ll || memcmp(g->val, s->local, ll) != 0)
				setletter(s, 'L');
		} else {
			size_t pre = (size_t)(star - g->val);
			size_t suf = g->vallen - pre - 1;

			if (ll < pre + suf || memcmp(s->local, g->val, pre) != 0 ||
			    memcmp(s->local + ll - suf, star + 1, suf) != 0)
				setletter(s, 'L');
		}
	}
}

void
dkv_dk_keys(dkv_dk *d, dkv_keys *k)
{
	size_t i;

	for (i = 0; d && i < d->n; i++) {
		dksig *s = &d->s[i];
		const char *txt;
		size_t len;

		if (s->letter)
			continue;
		switch (dkv_keys_get(k, s->name, &txt, &len)) {
		case DKV_KEY_FOUND: sig_key(s, txt, len); break;
		case DKV_KEY_TEMP: setletter(s, 'F'); break;
		case DKV_KEY_MULTI: setletter(s, 'E'); break;
		case DKV_KEY_BADNAME: setletter(s, 'G'); break;
		default: setletter(s, 'D'); break;
		}
	}
}

void
dkv_dk_body(dkv_dk *d, const char *p, size_t n)
{
	size_t i, j;

	for (i = 0; d && i < d->n; i++) {
		dksig *s = &d->s[i];

		if (s->letter)
			continue;
		for (j = 0; j < n; j++) {
			char c = p[j];

			if (c == '\n') {
				if (s->linefull) {
					put(s, '\r');
					put(s, '\n');
				} else
					s->pending++;
				s->linefull = 0;
				continue;
			}
			if (s->nofws && (c == ' ' || c == '\t' || c == '\r'))
				continue;
			if (!s->linefull) {
				for (; s->pending; s->pending--) {
					put(s, '\r');
					put(s, '\n');
				}
				s->linefull = 1;
			}
			put(s, c);
		}
	}
}

static void
sig_finish(dksig *s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_PKEY_CTX *pc;
	int r;

	if (s->letter)
		return;
	if (s->linefull) {             /* a last line without its LF */
		put(s, '\r');
		put(s, '\n');
	}
	flush(s);
	if (s->letter)
		return;
	if (EVP_DigestFinal_ex(s->md, md, &mdlen) != 1) {
		setletter(s, 'K');
		return;
	}
	pc = EVP_PKEY_CTX_new(s->pk, 0);
	if (!pc || EVP_PKEY_verify_init(pc) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(pc, EVP_sha1()) != 1) {
		EVP_PKEY_CTX_free(pc);
		setletter(s, 'K');
		return;
	}
	r = EVP_PKEY_verify(pc, s->b, s->blen, md, mdlen);
	EVP_PKEY_CTX_free(pc);
	setletter(s, r == 1 ? 'A' : 'B');
}

void
dkv_dk_end(dkv_dk *d, dkv_out *o)
{
	size_t i, pick = 0;

	o->dk = 'C';
	memset(&o->ar.dk, 0, sizeof o->ar.dk);
	if (!d || d->n == 0) {
		o->dkcomment = dkv_dk_comment('C');
		return;
	}
	for (i = 0; i < d->n; i++)
		sig_finish(&d->s[i]);
	for (i = 0; i < d->n; i++)
		if (d->s[i].letter == 'A') {
			pick = i;
			break;
		}
	o->dk = d->s[pick].letter;
	o->dkcomment = dkv_dk_comment(o->dk);
	o->ar.dk = d->s[pick].ar;
	o->ar.dk.res = dk_res(o->dk);
	o->ar.dk.comment = o->dkcomment;
}

void
dkv_dk_free(dkv_dk *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		EVP_MD_CTX_free(d->s[i].md);
		EVP_PKEY_free(d->s[i].pk);
	}
	free(d);
}
