/*
 * signfloor: the floor for bench/dksign.sh.  The least a program that signs
 * one message per process must do: load the private key with OpenSSL
 * (PEM_read_PrivateKey), read the message, hash it once with SHA-256 and
 * sign that digest (RSASSA-PKCS1-v1_5, or Ed25519 over the digest), then
 * write the signature in base64 and one LF to stdout.  No header parsing,
 * no canonicalization, no second hash: a DKIM signer cannot do less.
 *
 *   signfloor keyfile [file]     (message from file, else from stdin)
 *
 * Exit 0 on success, 100 on a usage error or a bad key, 111 on a read or
 * write error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define FLOOR_PROG "signfloor"
#include "floor.h"

#define USAGE "usage: signfloor keyfile [file]"

static EVP_PKEY *load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f) fail(111, "cannot open the key file");
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) fail(100, "cannot parse the key");
	return k;
}

/* Signs the 32-byte digest; returns the signature length. */
static size_t sign_digest(EVP_PKEY *k, const unsigned char *md,
                          unsigned char *sig, size_t room)
{
	size_t len = room;

	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519) {
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		if (!c || EVP_DigestSignInit(c, NULL, NULL, NULL, k) <= 0 ||
		    EVP_DigestSign(c, sig, &len, md, 32) <= 0)
			fail(100, "cannot sign");
		EVP_MD_CTX_free(c);
	} else {
		EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
		if (!c || EVP_PKEY_sign_init(c) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) <= 0 ||
		    EVP_PKEY_sign(c, sig, &len, md, 32) <= 0)
			fail(100, "cannot sign");
		EVP_PKEY_CTX_free(c);
	}
	return len;
}

static void put_base64(const unsigned char *sig, size_t len)
{
	static unsigned char out[4 * 1024 + 8];
	int n;

	if (len > 3 * 1024) fail(100, "signature too long");
	n = EVP_EncodeBlock(out, sig, (int)len);
	out[n++] = '\n';
	if (write(1, out, (size_t)n) != n) fail(111, "cannot write");
}

int main(int argc, char **argv)
{
	unsigned char md[32], sig[1024];
	EVP_PKEY *k;
	int fd = 0;

	if (argc < 2 || argc > 3) fail(100, USAGE);
	/* no openssl.cnf: a signer needs none, and reading it costs time */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	k = load_key(argv[1]);
	if (argc == 3) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0) fail(111, "cannot open the message");
	}
	hash_fd(fd, md);
	put_base64(sig, sign_digest(k, md, sig, sizeof sig));
	EVP_PKEY_free(k);
	return 0;
}
