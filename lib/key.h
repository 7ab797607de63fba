#ifndef KEY_H
#define KEY_H
/*
 * key: DKIM private keys and public key records (spec C-3, C-4, S-12).
 *
 * key_parse() accepts PEM PKCS#1 ("BEGIN RSA PRIVATE KEY"), PEM PKCS#8
 * ("BEGIN PRIVATE KEY", RSA or Ed25519), DER of either, the base64 of
 * such DER, and a file holding only the base64 of a 32-byte Ed25519 seed
 * (RFC 8463 A.1, dkimpy).  Encrypted keys and RSA under KEY_RSA_MIN bits
 * are refused.  The key type decides the algorithm.
 */
#include <stddef.h>
#include "sbuf.h"

#define KEY_FILE_MAX 65536       /* bytes of a key file */
#define KEY_RSA_MIN 1024         /* bits */
#define KEY_RSA_MAX 16384        /* bits */

enum { KEY_NONE = 0, KEY_RSA, KEY_ED25519 };
enum {
	KEY_OK = 0,
	KEY_EGARBLED,    /* not a key in any accepted form */
	KEY_EENCRYPTED,  /* encrypted PEM */
	KEY_ETYPE,       /* a key, but neither RSA nor Ed25519 */
	KEY_ESMALL,      /* RSA under KEY_RSA_MIN bits */
	KEY_ENOMEM
};

typedef struct key {
	int type;        /* KEY_RSA, KEY_ED25519 */
	unsigned bits;   /* RSA modulus bits; 256 for Ed25519 */
	char *text;      /* base64 of the DER private key, NUL-terminated:
	                    the form libopendkim's dkim_sign() takes */
	void *pkey;      /* EVP_PKEY * */
} key;
#define KEY_INIT { KEY_NONE, 0, 0, 0 }

/* Parses buf[0..len) into k (which must be KEY_INIT or freed).
   Returns KEY_OK or an error code; k is left empty on error. */
int key_parse(key *k, const char *buf, size_t len);
void key_free(key *k);
const char *key_errstr(int err);
const char *key_typename(int type);   /* "rsa", "ed25519" */

/* Reads a whole key file (at most KEY_FILE_MAX bytes) into buf.
   Returns 1; 0 with errno set (EFBIG if too big); -1 if the path is not
   a regular file.  Never blocks on a FIFO. */
int key_read_file(const char *path, char *buf, size_t max, size_t *len);

/* Appends the p= value of k's public half: base64 SubjectPublicKeyInfo
   for RSA, base64 of the raw 32 bytes for Ed25519.  Returns 1 or 0. */
int key_public_b64(const key *k, sbuf *out);
/* Appends s[0..n) as DNS TXT presentation strings of at most 255 octets
   each: "...." "...." (no escapes needed for base64 records). */
int key_txt_strings(const char *s, size_t n, sbuf *out);

/* --- base64 (RFC 4648) ------------------------------------------- */
/* 1 if c is one of the 64 alphabet characters. */
int key_b64_char(char c);
/* Encoded length of n bytes. */
#define key_b64_len(n) (((n) + 2) / 3 * 4)
/* Encodes p[0..n) into out (key_b64_len(n) bytes); returns the length. */
size_t key_b64_encode(const unsigned char *p, size_t n, char *out);
/* Decodes s[0..n), skipping SP, HTAB, CR, LF; '=' only at the end.
   Returns 1 with *outlen set, 0 on bad input or if max is too small. */
int key_b64_decode(const char *s, size_t n, unsigned char *out, size_t max,
                   size_t *outlen);


/* --- public key records (RFC 6376 3.6.1, spec C-4) ------------------ */
#define KEY_REC_MAX 4096         /* bytes of p= after base64 decoding */
enum { KEY_REC_OK = 0, KEY_REC_SYNTAX, KEY_REC_VERSION, KEY_REC_KTYPE,
       KEY_REC_SERVICE, KEY_REC_REVOKED, KEY_REC_BADKEY };
typedef struct key_rec {
	int type;                  /* KEY_RSA, KEY_ED25519 */
	int testing;               /* t=y */
	int strict;                /* t=s */
	int sha1, sha256;          /* h= allows it (both when h= absent) */
	unsigned char p[KEY_REC_MAX];
	size_t plen;               /* decoded p=; 0 = revoked */
} key_rec;
/* Parses a key record r[0..n) (several TXT strings already joined).
   Returns KEY_REC_OK or the first problem found. */
int key_rec_parse(const char *r, size_t n, key_rec *out);

#endif
