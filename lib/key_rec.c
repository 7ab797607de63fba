/* key_rec: public key records, made (dknewkey) and read (spec C-4). */
#include "key.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

int
key_public_b64(const key *k, sbuf *out)
{
	unsigned char raw[32], *der = 0;
	char *b;
	size_t n = sizeof raw;
	int len, ok;

	if (k->type == KEY_ED25519) {
		if (!EVP_PKEY_get_raw_public_key(k->pkey, raw, &n) || n != 32)
			return 0;
		der = raw;
		len = 32;
	} else {
		len = i2d_PUBKEY(k->pkey, &der);
		if (len <= 0)
			return 0;
	}
	b = OPENSSL_malloc(key_b64_len((size_t)len) + 1);
	ok = b && sbuf_catb(out, b, key_b64_encode(der, (size_t)len, b));
	OPENSSL_free(b);
	if (der != raw)
		OPENSSL_free(der);
	return ok;
}

int
key_txt_strings(const char *s, size_t n, sbuf *out)
{
	size_t i;

	for (i = 0; i < n || i == 0; i += 255) {
		size_t m = n - i < 255 ? n - i : 255;

		if ((i > 0 && !sbuf_catc(out, ' ')) || !sbuf_catc(out, '"') ||
		    !sbuf_catb(out, s + i, m) || !sbuf_catc(out, '"'))
			return 0;
		if (n == 0)
			break;
	}
	return 1;
}

static int
wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 if list v[0..n) (colon-separated, blanks allowed) holds word w. */
static int
list_has(const char *v, size_t n, const char *w)
{
	size_t i = 0, wl = strlen(w);

	while (i <= n) {
		size_t a = i, e;

		while (i < n && v[i] != ':')
			i++;
		e = i;
		while (a < e && wsp(v[a]))
			a++;
		while (e > a && wsp(v[e - 1]))
			e--;
		if (e - a == wl && strncasecmp(v + a, w, wl) == 0)
			return 1;
		i++;
	}
	return 0;
}

static int
check_p(key_rec *out)
{
	const unsigned char *q = out->p;
	EVP_PKEY *pk;

	if (out->type == KEY_ED25519)
		return out->plen == 32;
	pk = d2i_PUBKEY(0, &q, (long)out->plen);
	if (pk) {
		int ok = EVP_PKEY_get_id(pk) == EVP_PKEY_RSA;

		EVP_PKEY_free(pk);
		return ok;
	}
	q = out->p;                  /* bare PKCS#1 RSAPublicKey */
	pk = d2i_PublicKey(EVP_PKEY_RSA, 0, &q, (long)out->plen);
	EVP_PKEY_free(pk);
	return pk != 0;
}

/*
 * Tag list (RFC 6376 3.2): tag = value pairs separated by ';', blanks
 * around names, '=' and values; a final ';' is allowed.  Known tags
 * (v k p h s t) may not repeat; v= must come first; unknown tags are
 * ignored; p= is required.
 */
int
key_rec_parse(const char *r, size_t n, key_rec *out)
{
	size_t i = 0;
	unsigned seen = 0;
	int first = 1, err = KEY_REC_OK;

	memset(out, 0, sizeof *out);
	out->type = KEY_RSA;
	out->sha1 = out->sha256 = 1;
	while (i < n) {
		size_t a = i, eq, na, ne, va, ve;
		const char *tags = "vkphst", *t;

		while (i < n && r[i] != ';')
			i++;
		ve = i++;
		while (a < ve && wsp(r[a]))
			a++;
		if (a == ve) {
			if (i < n)
				return KEY_REC_SYNTAX;   /* empty tag-spec */
			break;
		}
		for (eq = a; eq < ve && r[eq] != '='; eq++)
			;
		if (eq == ve)
			return KEY_REC_SYNTAX;
		na = a;
		ne = eq;
		while (ne > na && wsp(r[ne - 1]))
			ne--;
		if (ne == na)
			return KEY_REC_SYNTAX;
		va = eq + 1;
		while (va < ve && wsp(r[va]))
			va++;
		while (ve > va && wsp(r[ve - 1]))
			ve--;
		if (ne - na != 1 || !(t = strchr(tags, r[na]))) {
			first = 0;
			continue;
		}
		if (seen & (1u << (t - tags)))
			return KEY_REC_SYNTAX;
		seen |= 1u << (t - tags);
		switch (*t) {
		case 'v':
			if (!first)
				return KEY_REC_SYNTAX;
			if (ve - va != 5 || memcmp(r + va, "DKIM1", 5) != 0)
				return KEY_REC_VERSION;
			break;
		case 'k':
			if (ve - va == 3 && strncasecmp(r + va, "rsa", 3) == 0)
				out->type = KEY_RSA;
			else if (ve - va == 7 &&
			    strncasecmp(r + va, "ed25519", 7) == 0)
				out->type = KEY_ED25519;
			else
				err = err ? err : KEY_REC_KTYPE;
			break;
		case 'p':
			if (!key_b64_decode(r + va, ve - va, out->p, sizeof out->p,
			    &out->plen))
				return KEY_REC_SYNTAX;
			break;
		case 'h':
			out->sha1 = list_has(r + va, ve - va, "sha1");
			out->sha256 = list_has(r + va, ve - va, "sha256");
			break;
		case 's':
			if (!list_has(r + va, ve - va, "*") &&
			    !list_has(r + va, ve - va, "email"))
				err = err ? err : KEY_REC_SERVICE;
			break;
		case 't':
			out->testing = list_has(r + va, ve - va, "y");
			out->strict = list_has(r + va, ve - va, "s");
			break;
		}
		first = 0;
	}
	if (!(seen & (1u << 2)))
		return KEY_REC_SYNTAX;       /* no p= */
	if (err)
		return err;
	if (out->plen == 0)
		return KEY_REC_REVOKED;
	return check_p(out) ? KEY_REC_OK : KEY_REC_BADKEY;
}
