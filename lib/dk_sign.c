/* dk_sign: DomainKey-Signature (rsa-sha1, nofws) with OpenSSL. */
#include "dk.h"
#include "key.h"

#include <string.h>

#include <openssl/evp.h>

static int
put_md(void *arg, const char *p, size_t n)
{
	return EVP_DigestSignUpdate(arg, p, n) == 1;
}

/* Folding writer: tokens separated by one space, a line break (LF TAB)
   before a token that would pass DK_COLS. */
typedef struct fold {
	sbuf *out;
	size_t col;
} fold;

static int
tok(fold *w, const char *p, size_t n)
{
	if (w->col > 0 && w->col + 1 + n > DK_COLS) {
		if (!sbuf_cats(w->out, "\n\t"))
			return 0;
		w->col = 8;
	} else if (w->col > 0) {
		if (!sbuf_catc(w->out, ' '))
			return 0;
		w->col++;
	}
	w->col += n;
	return sbuf_catb(w->out, p, n);
}

static int
tag(fold *w, const char *name, const char *v)
{
	char buf[600];
	size_t n = strlen(name), m = strlen(v);

	if (n + m + 2 > sizeof buf)
		return 0;
	memcpy(buf, name, n);
	memcpy(buf + n, v, m);
	buf[n + m] = ';';
	return tok(w, buf, n + m + 1);
}

/* h=: every field name, in message order, folded at the colons; left
   out (all fields are signed anyway) if a name would break the tag list. */
static int
htag(fold *w, const char *text, const msg_field *f, size_t nf)
{
	char buf[1024];
	size_t i, j;

	for (i = 0; i < nf; i++) {
		if (f[i].namelen + 4 > sizeof buf)
			return 1;
		for (j = 0; j < f[i].namelen; j++) {
			char c = text[f[i].off + j];

			if (c <= 32 || c >= 127 || c == ';' || c == '=')
				return 1;
		}
	}
	for (i = 0; i < nf; i++) {
		size_t n = 0;

		if (i == 0) {
			memcpy(buf, "h=", 2);
			n = 2;
		}
		memcpy(buf + n, text + f[i].off, f[i].namelen);
		n += f[i].namelen;
		buf[n++] = i + 1 < nf ? ':' : ';';
		if (!tok(w, buf, n))
			return 0;
	}
	return 1;
}

static int
btag(fold *w, const unsigned char *sig, size_t siglen)
{
	char b64[2048];
	size_t n, i, room;

	if (key_b64_len(siglen) + 2 > sizeof b64)
		return 0;
	memcpy(b64, "b=", 2);
	n = 2 + key_b64_encode(sig, siglen, b64 + 2);
	/* break the value itself: whitespace is ignored in b= */
	for (i = 0; i < n; i += room) {
		room = w->col + 1 < DK_COLS ? DK_COLS - w->col - 1 : 0;
		if (room < 8) {
			if (!sbuf_cats(w->out, "\n\t"))
				return 0;
			w->col = 8;
			room = DK_COLS - w->col;
		} else if (w->col > 0) {
			if (!sbuf_catc(w->out, ' '))
				return 0;
			w->col++;
		}
		if (room > n - i)
			room = n - i;
		if (!sbuf_catb(w->out, b64 + i, room))
			return 0;
		w->col += room;
	}
	return 1;
}

int
dk_sign(const dk_signreq *r, const char *text, size_t len,
        const msg_field *f, size_t nf, size_t body, sbuf *out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char sig[2048];
	size_t siglen = sizeof sig, start = out->len;
	fold w = { out, 0 };
	int ok;

	if (!md)
		return 0;
	ok = EVP_DigestSignInit(md, 0, EVP_sha1(), 0, r->pkey) == 1 &&
	    EVP_PKEY_get_size(r->pkey) <= (int)sizeof sig &&
	    dk_canon_nofws(text, len, f, nf, body, put_md, md) &&
	    EVP_DigestSignFinal(md, sig, &siglen) == 1;
	EVP_MD_CTX_free(md);
	ok = ok && tok(&w, "DomainKey-Signature:", 20) &&
	    tag(&w, "a=", "rsa-sha1") && tag(&w, "q=", "dns") &&
	    tag(&w, "c=", "nofws") && tag(&w, "s=", r->selector) &&
	    tag(&w, "d=", r->domain) && htag(&w, text, f, nf) &&
	    btag(&w, sig, siglen) && sbuf_catc(out, '\n');
	if (!ok && out->s) {
		out->len = start;
		out->s[start] = 0;
	}
	return ok;
}
