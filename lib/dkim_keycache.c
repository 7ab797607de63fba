/*
 * dkim_keycache: let libopendkim use keys we parsed once.
 *
 * libopendkim takes the private key as text in dkim_sign() and parses it
 * again for every message (dkim_privkey_load: base64 decoding, then
 * d2i_PrivateKey_bio(), or PEM_read_bio_PrivateKey() for PEM text), so
 * every signature pays for an OpenSSL decoder run and, because the RSA
 * object is new each time, for new blinding and Montgomery set-up: about
 * three times the cost of the RSA operation itself (callgrind, Debian 12,
 * OpenSSL 3.0, 2048-bit key).  The library has no call that takes an
 * EVP_PKEY.  So this file defines the two OpenSSL functions libopendkim
 * calls for that (the program's definitions take precedence over
 * libcrypto's for libopendkim's references): if the bytes to decode are
 * those of a key registered here, they return that key with one more
 * reference; anything else goes to libcrypto's own function unchanged.
 * Canonicalisation and signing stay libopendkim's.
 */
#include "dkim.h"
#include "key.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define CACHE_MAX 16

static struct entry {
	const char *text;            /* as given to dkim_sign() */
	size_t textlen;
	unsigned char *der;          /* what libopendkim decodes it to */
	size_t derlen;
	EVP_PKEY *pk;
} cache[CACHE_MAX];
static size_t ncache;

int
dkim_key_register(const char *text, void *pkey)
{
	struct entry *e;
	unsigned char *der = 0;
	size_t i;
	int n;

	for (i = 0; i < ncache; i++)
		if (cache[i].text == text && cache[i].pk == pkey)
			return 1;
	if (ncache == CACHE_MAX)
		return 0;
	/* libopendkim decodes base64 text to DER and calls d2i on that;
	   PEM text goes to PEM_read_bio_PrivateKey() as it is */
	n = 0;
	if (strncmp(text, "-----", 5) != 0) {
		size_t len = strlen(text), dl;

		der = OPENSSL_malloc(len);
		if (!der || !key_b64_decode(text, len, der, len, &dl)) {
			OPENSSL_free(der);
			return 0;
		}
		n = (int)dl;
	}
	if (!EVP_PKEY_up_ref(pkey)) {
		OPENSSL_free(der);
		return 0;
	}
	e = &cache[ncache++];
	e->text = text;
	e->textlen = strlen(text);
	e->der = der;
	e->derlen = (size_t)n;
	e->pk = pkey;
	return 1;
}

void
dkim_key_forget(void)
{
	size_t i;

	for (i = 0; i < ncache; i++) {
		if (cache[i].der)
			OPENSSL_clear_free(cache[i].der, cache[i].derlen);
		EVP_PKEY_free(cache[i].pk);
	}
	ncache = 0;
}

/* The registered key whose text (pem = 1) or DER is in the memory BIO. */
static EVP_PKEY *
lookup(BIO *b, int pem)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	size_t i;

	if (n <= 0 || BIO_method_type(b) != BIO_TYPE_MEM)
		return 0;
	for (i = 0; i < ncache; i++) {
		const void *k = pem ? (const void *)cache[i].text : cache[i].der;
		size_t kl = pem ? cache[i].textlen : cache[i].derlen;

		if (k && (size_t)n == kl && memcmp(p, k, kl) == 0 &&
		    EVP_PKEY_up_ref(cache[i].pk))
			return cache[i].pk;
	}
	return 0;
}

EVP_PKEY *
d2i_PrivateKey_bio(BIO *bp, EVP_PKEY **a)
{
	static EVP_PKEY *(*real)(BIO *, EVP_PKEY **);
	EVP_PKEY *pk = a ? 0 : lookup(bp, 0);

	if (pk)
		return pk;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "d2i_PrivateKey_bio");
	return real ? real(bp, a) : 0;
}

EVP_PKEY *
PEM_read_bio_PrivateKey(BIO *bp, EVP_PKEY **x, pem_password_cb *cb, void *u)
{
	static EVP_PKEY *(*real)(BIO *, EVP_PKEY **, pem_password_cb *, void *);
	EVP_PKEY *pk = x ? 0 : lookup(bp, 1);

	if (pk)
		return pk;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "PEM_read_bio_PrivateKey");
	return real ? real(bp, x, cb, u) : 0;
}
