/*
 * verifyfloor: the floor for bench/dkverify.sh.  The least a program that
 * verifies one message per process must do: load libcrypto, read the
 * public key (PEM SubjectPublicKeyInfo, PEM_read_PUBKEY), read the message,
 * hash it once with SHA-256 and check one RSASSA-PKCS1-v1_5 signature over
 * that digest.  No header parsing, no canonicalization, no DNS, no second
 * hash: a DKIM verifier cannot do less.
 *
 *   verifyfloor pubkey.pem sigfile [file]   (message from file, else stdin;
 *                                            sigfile holds the raw signature)
 *
 * Exit 0 when the signature verifies, 1 when it does not, 100 on a usage
 * error or a bad key, 111 on a read error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define FLOOR_PROG "verifyfloor"
#include "floor.h"
#include <openssl/rsa.h>

#define USAGE "usage: verifyfloor pubkey.pem sigfile [file]"
#define SIG_MAX 1024

static EVP_PKEY *load_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f) fail(111, "cannot open the key file");
	k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) fail(100, "cannot parse the key");
	return k;
}

/* Reads at most room bytes of path into buf; returns the length. */
static size_t load_sig(const char *path, unsigned char *buf, size_t room)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t r;

	if (fd < 0) fail(111, "cannot open the signature file");
	while (len < room) {
		r = read(fd, buf + len, room - len);
		if (r == 0) break;
		if (r < 0) {
			if (errno == EINTR) continue;
			fail(111, "cannot read the signature file");
		}
		len += (size_t)r;
	}
	close(fd);
	return len;
}

/* 1 if sig[0..len) is k's RSA signature of the SHA-256 digest md. */
static int verify_digest(EVP_PKEY *k, const unsigned char *md,
                         const unsigned char *sig, size_t len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
	int r;

	if (!c || EVP_PKEY_verify_init(c) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) <= 0)
		fail(100, "cannot set up the verification");
	r = EVP_PKEY_verify(c, sig, len, md, 32);
	EVP_PKEY_CTX_free(c);
	return r == 1;
}

int main(int argc, char **argv)
{
	unsigned char md[32], sig[SIG_MAX];
	size_t siglen;
	EVP_PKEY *k;
	int fd = 0, good;

	if (argc < 3 || argc > 4) fail(100, USAGE);
	/* no openssl.cnf: a verifier needs none, and reading it costs time */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	k = load_key(argv[1]);
	siglen = load_sig(argv[2], sig, sizeof sig);
	if (argc == 4) {
		fd = open(argv[3], O_RDONLY);
		if (fd < 0) fail(111, "cannot open the message");
	}
	hash_fd(fd, md);
	good = verify_digest(k, md, sig, siglen);
	EVP_PKEY_free(k);
	return good ? 0 : 1;
}
