/* dkv_dkim: DKIM verification through libopendkim with our own key
   lookups (keys fetched beforehand, in parallel) and the letter mapping
   of spec section 2.3. */
#include "dkv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <opendkim/dkim.h>

#include "key.h"

struct dkv_dkim_lib {
	DKIM_LIB *lib;
	int rsasha1;
	unsigned long serial;
};

struct dkv_dkim {
	dkv_dkim_lib *l;
	DKIM *d;
	int malformed;
	int active;                  /* libopendkim takes the body */
	int syntax;                  /* libopendkim: message syntax error */
	size_t nsig;                 /* DKIM-Signature fields (at most 8) */
	authres_sig mine[DKV_SIGS_MAX];   /* from our own parse */
	int bad[DKV_SIGS_MAX];       /* our own parse found a syntax error */
	char names[DKV_SIGS_MAX][256];
	dkv_keys *keys;
	sbuf scratch;
};

const char *
dkv_dkim_comment(char l)
{
	switch (l) {
	case 'A': return "ok";
	case 'B': return "malformed message";
	case 'C': return "bad signature syntax";
	case 'D': return "bad signature";
	case 'E': return "bad signature, testing key";
	case 'F': return "signature expired";
	case 'G': return "invalid key record";
	case 'H': return "granularity mismatch";
	case 'I': return "key revoked";
	case 'J': return "domain name too long";
	case 'K': return "temporary DNS failure";
	case 'L': return "no key";
	case 'M': return "invalid public key";
	case 'N': return "no signature";
	case 'O': return "no valid signatures";
	case 'P': return "body hash mismatch";
	case 'Q': return "algorithm mismatch";
	case 'R': return "incompatible version";
	case 'S': return "From not signed";
	}
	return "unknown";
}

static const char *
dkim_res(char l)
{
	switch (l) {
	case 'A': return "pass";
	case 'D': case 'P': return "fail";
	case 'E': return "neutral";
	case 'K': return "temperror";
	case 'N': return "none";
	}
	return "permerror";
}

static int
setopt(DKIM_LIB *lib, int opt, void *p, size_t len)
{
	return dkim_options(lib, DKIM_OP_SETOPT, opt, p, len) == DKIM_STAT_OK;
}

static DKIM_CBSTAT
keylookup(DKIM *dkim, DKIM_SIGINFO *sig, unsigned char *buf, size_t buflen)
{
	dkv_dkim *x = dkim_get_user_context(dkim);
	const char *s = (const char *)dkim_sig_getselector(sig);
	const char *d = (const char *)dkim_sig_getdomain(sig);
	const char *txt;
	char name[256];
	size_t len;
	int n;

	if (!x || !s || !d)
		return DKIM_CBSTAT_NOTFOUND;
	n = snprintf(name, sizeof name, "%s._domainkey.%s", s, d);
	if (n < 0 || (size_t)n >= sizeof name)
		return DKIM_CBSTAT_NOTFOUND;
	if (dkv_keys_get(x->keys, name, &txt, &len) != DKV_KEY_FOUND)
		return DKIM_CBSTAT_NOTFOUND;
	if (len + 1 > buflen)
		return DKIM_CBSTAT_ERROR;
	memcpy(buf, txt, len);
	buf[len] = 0;
	return DKIM_CBSTAT_CONTINUE;
}

static DKIM_CBSTAT
prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	int i;

	(void)dkim;
	for (i = DKV_SIGS_MAX; i < nsigs; i++)
		dkim_sig_ignore(sigs[i]);
	return DKIM_CBSTAT_CONTINUE;
}

dkv_dkim_lib *
dkv_dkim_lib_new(const dkv_conf *c, const char **err)
{
	dkv_dkim_lib *l = calloc(1, sizeof *l);
	uint64_t drift = 300;
	unsigned int bits = (unsigned int)c->minkeybits, flags = 0;

	*err = "out of memory";
	if (!l)
		return 0;
	l->rsasha1 = c->rsasha1;
	l->lib = dkim_init(0, 0);
	if (!l->lib) {
		free(l);
		return 0;
	}
	*err = "libopendkim refused an option";
	if (dkim_options(l->lib, DKIM_OP_GETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof flags) != DKIM_STAT_OK)
		goto fail;
	flags &= ~(unsigned int)DKIM_LIBFLAGS_VERIFYONE;
	if (!setopt(l->lib, DKIM_OPTS_FLAGS, &flags, sizeof flags) ||
	    !setopt(l->lib, DKIM_OPTS_CLOCKDRIFT, &drift, sizeof drift) ||
	    !setopt(l->lib, DKIM_OPTS_MINKEYBITS, &bits, sizeof bits) ||
	    dkim_set_key_lookup(l->lib, keylookup) != DKIM_STAT_OK ||
	    dkim_set_prescreen(l->lib, prescreen) != DKIM_STAT_OK)
		goto fail;
	*err = 0;
	return l;
fail:
	dkv_dkim_lib_free(l);
	return 0;
}

void
dkv_dkim_lib_free(dkv_dkim_lib *l)
{
	if (!l)
		return;
	if (l->lib)
		dkim_close(l->lib);
	free(l);
}

/* Our own reading of a DKIM-Signature: key name and A-R properties. */
static void
parse_mine(dkv_dkim *x, size_t k, const char *v, size_t vl)
{
	authres_sig *a = &x->mine[k];
	dkv_tag t[DKV_TAGS_MAX];
	const dkv_tag *d, *s, *i, *al, *b, *bh, *h;
	unsigned char dec[4096];
	size_t nt, declen, colons = 0, j;

	while (vl && *v != ':')
		v++, vl--;
	if (vl)
		v++, vl--;
	if (dkv_tags_parse(v, vl, t, DKV_TAGS_MAX, &nt) != DKV_TAGS_OK)
		x->bad[k] = 1;
	/* what libopendkim lets pass but we call syntax errors: bad
	   base64, an h= list longer than DKV_HLIST_MAX names */
	b = dkv_tag_get(t, nt, "b");
	bh = dkv_tag_get(t, nt, "bh");
	h = dkv_tag_get(t, nt, "h");
	if ((b && !key_b64_decode(b->val, b->vallen, dec, sizeof dec, &declen)) ||
	    (bh && !key_b64_decode(bh->val, bh->vallen, dec, sizeof dec,
	    &declen)))
		x->bad[k] = 1;
	for (j = 0; h && j < h->vallen; j++)
		colons += h->val[j] == ':';
	if (colons >= DKV_HLIST_MAX)
		x->bad[k] = 1;
	d = dkv_tag_get(t, nt, "d");
	s = dkv_tag_get(t, nt, "s");
	i = dkv_tag_get(t, nt, "i");
	al = dkv_tag_get(t, nt, "a");
	if (d)
		authres_setval(a->d, AUTHRES_VAL_MAX, d->val, d->vallen, 0);
	if (s)
		authres_setval(a->s, AUTHRES_VAL_MAX, s->val, s->vallen, 0);
	if (i)
		authres_setval(a->i, AUTHRES_VAL_MAX, i->val, i->vallen, 0);
	else if (d && d->vallen + 2 <= AUTHRES_VAL_MAX) {
		a->i[0] = '@';
		authres_setval(a->i + 1, AUTHRES_VAL_MAX - 1, d->val, d->vallen, 0);
	}
	if (al)
		authres_setval(a->a, AUTHRES_VAL_MAX, al->val, al->vallen, 0);
	if (b)
		authres_setval(a->b, AUTHRES_B_MAX, b->val, b->vallen, 1);
	if (d && s && s->vallen + 12 + d->vallen < 256) {
		memcpy(x->names[k], s->val, s->vallen);
		memcpy(x->names[k] + s->vallen, "._domainkey.", 12);
		memcpy(x->names[k] + s->vallen + 12, d->val, d->vallen);
		x->names[k][s->vallen + 12 + d->vallen] = 0;
	}
}

dkv_dkim *
dkv_dkim_new(dkv_dkim_lib *l, const char *text, size_t len,
             const msg_field *f, size_t nf, int malformed)
{
	dkv_dkim *x = calloc(1, sizeof *x);
	DKIM_STAT st;
	size_t i;

	(void)len;
	if (!x)
		return 0;
	x->l = l;
	x->malformed = malformed;
	x->scratch.max = DKV_HEADER_MAX * 2 + 16;
	for (i = 0; i < nf && x->nsig < DKV_SIGS_MAX; i++)
		if (msg_field_is(text, &f[i], "dkim-signature")) {
			parse_mine(x, x->nsig, text + f[i].off + f[i].namelen,
			    f[i].len - f[i].namelen);
			x->nsig++;
		}
	if (x->nsig == 0 || malformed)
		return x;
	x->d = dkim_verify(l->lib, (const unsigned char *)"dkverify", 0, &st);
	if (!x->d) {
		free(x);
		return 0;
	}
	dkim_set_user_context(x->d, x);
	return x;
}

size_t
dkv_dkim_names(dkv_dkim *x, char names[][256], size_t max)
{
	size_t i, k = 0;

	for (i = 0; x && x->d && i < x->nsig && k < max; i++)
		if (x->names[i][0])
			memcpy(names[k++], x->names[i], 256);
	return k;
}

int
dkv_dkim_keys(dkv_dkim *x, dkv_keys *k, const char *text, const msg_field *f,
              size_t nf)
{
	size_t i, j;
	DKIM_STAT st;

	x->keys = k;
	if (!x->d)
		return 1;
	for (i = 0; i < nf; i++) {
		const char *p = text + f[i].off;

		sbuf_reset(&x->scratch);
		for (j = 0; j < f[i].len; j++)
			if ((p[j] == '\n' && !sbuf_catc(&x->scratch, '\r')) ||
			    !sbuf_catc(&x->scratch, p[j]))
				return 0;
		st = dkim_header(x->d, (unsigned char *)x->scratch.s,
		    x->scratch.len);
		if (st != DKIM_STAT_OK) {
			x->syntax = 1;
			return 1;
		}
	}
	st = dkim_eoh(x->d);
	if (st == DKIM_STAT_OK)
		x->active = 1;
	else if (st == DKIM_STAT_SYNTAX)
		x->syntax = 1;
	else if (st == DKIM_STAT_NORESOURCE)
		return 0;
	return 1;
}

int
dkv_dkim_body(dkv_dkim *x, const char *crlf, size_t n)
{
	if (!x->active || n == 0)
		return 1;
	if (dkim_body(x->d, (unsigned char *)crlf, n) != DKIM_STAT_OK)
		x->active = 0;        /* the signatures tell at the end */
	return 1;
}

/* The letter of one signature (spec 2.3) and its A-R comment. */
static char
letter(dkv_dkim *x, DKIM_SIGINFO *sig, const char **comment)
{
	unsigned int flags = dkim_sig_getflags(sig);
	int bh = dkim_sig_getbh(sig), err = dkim_sig_geterror(sig), st = -2;
	const char *s = (const char *)dkim_sig_getselector(sig);
	const char *d = (const char *)dkim_sig_getdomain(sig);
	dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
	const char *txt;
	size_t len;
	char name[600];
	char l = 0;

	*comment = 0;
	(void)dkim_sig_getsignalg(sig, &alg);
	if (s && d) {
		int n = snprintf(name, sizeof name, "%s._domainkey.%s", s, d);

		if (n > 253) {
			*comment = dkv_dkim_comment('J');
			return 'J';
		}
		st = dkv_keys_get(x->keys, name, &txt, &len);
	}
	if (alg == DKIM_SIGN_RSASHA1 && !x->l->rsasha1 &&
	    err != DKIM_SIGERROR_NOKEY && st != DKV_KEY_TEMP) {
		*comment = "algorithm mismatch";
		return 'q';              /* 'Q' with result policy */
	}
	if ((flags & DKIM_SIGFLAG_PASSED) && bh == DKIM_SIGBH_MATCH)
		return 'A';
	if (st == DKV_KEY_TEMP || err == DKIM_SIGERROR_KEYFAIL)
		return 'K';
	if (st == DKV_KEY_MULTI)
		return 'G';
	switch (err) {
	case DKIM_SIGERROR_NOKEY: return 'L';
	case DKIM_SIGERROR_KEYREVOKED: return 'I';
	case DKIM_SIGERROR_KEYTOOSMALL:
		*comment = "key too small";
		return 'm';              /* 'M' with result policy */
	case DKIM_SIGERROR_KEYDECODE: return 'M';
	case DKIM_SIGERROR_DNSSYNTAX: case DKIM_SIGERROR_MULTIREPLY:
	case DKIM_SIGERROR_KEYVERSION: case DKIM_SIGERROR_NOTEMAILKEY:
	case DKIM_SIGERROR_KEYTYPEMISSING: case DKIM_SIGERROR_KEYTYPEUNKNOWN:
		return 'G';
	case DKIM_SIGERROR_KEYUNKNOWNHASH: case DKIM_SIGERROR_KEYHASHMISMATCH:
		return 'Q';
	case DKIM_SIGERROR_EXPIRED: return 'F';
	case DKIM_SIGERROR_VERSION: return 'R';
	case DKIM_SIGERROR_INVALID_H: return 'S';
	case DKIM_SIGERROR_OK: case DKIM_SIGERROR_BADSIG: break;
	default: return 'C';
	}
	if ((flags & DKIM_SIGFLAG_PROCESSED) || err == DKIM_SIGERROR_BADSIG) {
		if (flags & DKIM_SIGFLAG_TESTKEY)
			l = 'E';
		else
			l = bh == DKIM_SIGBH_MISMATCH ? 'P' : 'D';
		return l;
	}
	return 'C';
}

static void
fill_props(authres_sig *a, DKIM_SIGINFO *sig)
{
	const char *v;

	if ((v = (const char *)dkim_sig_getdomain(sig)))
		authres_setval(a->d, AUTHRES_VAL_MAX, v, strlen(v), 0);
	if ((v = (const char *)dkim_sig_getselector(sig)))
		authres_setval(a->s, AUTHRES_VAL_MAX, v, strlen(v), 0);
	if ((v = (const char *)dkim_sig_gettagvalue(sig, 0,
	    (unsigned char *)"i")))
		authres_setval(a->i, AUTHRES_VAL_MAX, v, strlen(v), 0);
	else if (a->d[0] && strlen(a->d) + 2 <= AUTHRES_VAL_MAX) {
		memmove(a->i + 1, a->d, strlen(a->d) + 1);
		a->i[0] = '@';
	}
	if ((v = (const char *)dkim_sig_gettagvalue(sig, 0,
	    (unsigned char *)"a")))
		authres_setval(a->a, AUTHRES_VAL_MAX, v, strlen(v), 0);
	if ((v = (const char *)dkim_sig_gettagvalue(sig, 0,
	    (unsigned char *)"b")))
		authres_setval(a->b, AUTHRES_B_MAX, v, strlen(v), 1);
}

/* Message level: N none, A any pass, B malformed, the shared letter,
   else O. */
static void
message_letter(dkv_out *o)
{
	size_t i;

	if (o->ar.ndkim == 0) {
		o->dkim = 'N';
		o->dkimcomment = dkv_dkim_comment('N');
		return;
	}
	o->dkim = 0;
	for (i = 0; i < o->ar.ndkim; i++)
		if (strcmp(o->ar.dkim[i].res, "pass") == 0) {
			o->dkim = 'A';
			o->dkimcomment = dkv_dkim_comment('A');
			return;
		}
}

int
dkv_dkim_end(dkv_dkim *x, dkv_out *o)
{
	DKIM_SIGINFO **sigs = 0;
	char letters[DKV_SIGS_MAX];
	int nsigs = 0, i;
	size_t k;

	memset(o->ar.dkim, 0, sizeof o->ar.dkim);
	o->ar.ndkim = 0;
	if (x->nsig == 0) {
		message_letter(o);
		return 1;
	}
	if (x->malformed) {
		for (k = 0; k < x->nsig; k++) {
			o->ar.dkim[k] = x->mine[k];
			o->ar.dkim[k].res = "permerror";
			o->ar.dkim[k].comment = dkv_dkim_comment('B');
		}
		o->ar.ndkim = x->nsig;
		o->dkim = 'B';
		o->dkimcomment = dkv_dkim_comment('B');
		return 1;
	}
	if (x->syntax)               /* well-formed message: the signatures */
		nsigs = 0;
	else if (x->active) {
		DKIM_STAT st = dkim_eom(x->d, 0);

		if (st == DKIM_STAT_NORESOURCE || st == DKIM_STAT_INTERNAL)
			return -1;
	}
	if (!x->syntax && dkim_getsiglist(x->d, &sigs, &nsigs) != DKIM_STAT_OK)
		nsigs = 0;
	for (i = 0; i < nsigs && o->ar.ndkim < DKV_SIGS_MAX; i++) {
		authres_sig *a = &o->ar.dkim[o->ar.ndkim];
		const char *comment;
		char l;

		if (dkim_sig_getflags(sigs[i]) & DKIM_SIGFLAG_IGNORE)
			continue;
		l = letter(x, sigs[i], &comment);
		if (o->ar.ndkim < x->nsig) {
			*a = x->mine[o->ar.ndkim];
			if (x->bad[o->ar.ndkim]) {
				l = 'C';
				comment = 0;
			}
		}
		fill_props(a, sigs[i]);
		if (l == 'm' || l == 'q') {
			l = (char)(l - 'a' + 'A');
			a->res = "policy";
		} else
			a->res = dkim_res(l);
		a->comment = comment ? comment : dkv_dkim_comment(l);
		if (l == 'A') {
			ssize_t msglen = 0, canonlen = 0, signlen = -1;

			if (dkim_sig_getcanonlen(x->d, sigs[i], &msglen,
			    &canonlen, &signlen) == DKIM_STAT_OK &&
			    signlen >= 0 && msglen > signlen)
				a->comment = "ok, body length limit";
		}
		letters[o->ar.ndkim++] = l;
	}
	if (o->ar.ndkim == 0) {         /* libopendkim listed none: syntax */
		for (k = 0; k < x->nsig; k++) {
			o->ar.dkim[k] = x->mine[k];
			o->ar.dkim[k].res = "permerror";
			o->ar.dkim[k].comment = dkv_dkim_comment('C');
			letters[k] = 'C';
		}
		o->ar.ndkim = x->nsig;
	}
	message_letter(o);
	if (o->dkim == 'A')
		return 1;
	o->dkim = letters[0];
	o->dkimcomment = o->ar.dkim[0].comment;
	for (k = 1; k < o->ar.ndkim; k++)
		if (letters[k] != letters[0]) {
			o->dkim = 'O';
			o->dkimcomment = dkv_dkim_comment('O');
		}
	return 1;
}

void
dkv_dkim_free(dkv_dkim *x)
{
	if (!x)
		return;
	if (x->d)
		dkim_free(x->d);
	sbuf_free(&x->scratch);
	free(x);
}
