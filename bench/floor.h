#ifndef FLOOR_H
#define FLOOR_H
/* floor.h: what the two floor programs of bench/ (signfloor, verifyfloor)
   share.  Define FLOOR_PROG before including it. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <openssl/evp.h>

static void fail(int code, const char *what)
{
	fprintf(stderr, FLOOR_PROG ": %s\n", what);
	_exit(code);
}

/* SHA-256 of everything on fd into md. */
static void hash_fd(int fd, unsigned char *md)
{
	static char buf[65536];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	ssize_t r;
	unsigned int mdlen = 0;

	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL)) fail(111, "out of memory");
	for (;;) {
		r = read(fd, buf, sizeof buf);
		if (r == 0) break;
		if (r < 0) {
			if (errno == EINTR) continue;
			fail(111, "cannot read the message");
		}
		EVP_DigestUpdate(c, buf, (size_t)r);
	}
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
}

#endif
