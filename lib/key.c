/* key: private key loading (spec C-3). */
#include "key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>


const char *
key_errstr(int err)
{
	switch (err) {
	case KEY_OK: return "no error";
	case KEY_EGARBLED: return "not a PEM, DER or Ed25519 seed private key";
	case KEY_EENCRYPTED: return "encrypted private key";
	case KEY_ETYPE: return "neither an RSA nor an Ed25519 key";
	case KEY_ESMALL: return "RSA key shorter than 1024 bits";
	case KEY_ENOMEM: return "out of memory";
	}
	return "unknown key error";
}

const char *
key_typename(int type)
{
	return type == KEY_ED25519 ? "ed25519" : type == KEY_RSA ? "rsa" : "none";
}

static int
no_password(char *buf, int size, int rw, void *u)
{
	(void)buf; (void)size; (void)rw; (void)u;
	return -1;
}

static EVP_PKEY *
from_pem(const char *buf, size_t len)
{
	BIO *b = BIO_new_mem_buf(buf, (int)len);
	EVP_PKEY *pk;

	if (!b)
		return 0;
	pk = PEM_read_bio_PrivateKey(b, 0, no_password, 0);
	BIO_free(b);
	return pk;
}

static EVP_PKEY *
from_der(const unsigned char *p, size_t len)
{
	const unsigned char *q = p;

	if (len > (size_t)KEY_FILE_MAX)
		return 0;
	return d2i_AutoPrivateKey(0, &q, (long)len);
}

static int
all_base64(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!key_b64_char(buf[i]) && buf[i] != '=' && buf[i] != ' ' &&
		    buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			return 0;
	return 1;
}

/* base64 text: a 32-byte Ed25519 seed, or DER (libopendkim's form). */
static EVP_PKEY *
from_base64(const char *buf, size_t len)
{
	unsigned char der[KEY_FILE_MAX];
	size_t n;

	if (!key_b64_decode(buf, len, der, sizeof der, &n))
		return 0;
	if (n == 32)
		return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, 0, der, 32);
	return from_der(der, n);
}

/* libopendkim reads its key with d2i_PrivateKey_bio() after base64
   decoding, or with PEM_read_bio_PrivateKey() when the text starts with
   "-----".  The first path fails for Ed25519 in Debian's build, so Ed25519
   keys are handed over as PKCS#8 PEM, RSA keys as base64 DER (faster). */
static int
set_pem(key *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int ok = 0;

	if (!b)
		return 0;
	if (PEM_write_bio_PrivateKey(b, k->pkey, 0, 0, 0, 0, 0) == 1 &&
	    (n = BIO_get_mem_data(b, &p)) > 0 && (k->text = malloc((size_t)n + 1))) {
		memcpy(k->text, p, (size_t)n);
		k->text[n] = 0;
		ok = 1;
	}
	BIO_free(b);
	return ok;
}

/* k->text = the base64 of der[0..n), blanks left out. */
static int
set_b64(key *k, const unsigned char *der, size_t n)
{
	k->text = malloc(key_b64_len(n) + 1);
	if (!k->text)
		return 0;
	k->text[key_b64_encode(der, n, k->text)] = 0;
	return 1;
}

/* The text for libopendkim: the key as given where libopendkim reads
   that form (PEM; RSA DER as base64), so that nothing is re-encoded on
   the common path; Ed25519 in any other form becomes PKCS#8 PEM. */
static int
set_text(key *k, const char *buf, size_t len, int form)
{
	unsigned char der[KEY_FILE_MAX];
	size_t n;

	if (form == 'P') {
		k->text = malloc(len + 1);
		if (!k->text)
			return 0;
		memcpy(k->text, buf, len);
		k->text[len] = 0;
		return 1;
	}
	if (k->type == KEY_ED25519)
		return set_pem(k);
	if (form == 'D')
		return set_b64(k, (const unsigned char *)buf, len);
	if (!key_b64_decode(buf, len, der, sizeof der, &n))
		return 0;
	return set_b64(k, der, n);
}

int
key_parse(key *k, const char *buf, size_t len)
{
	EVP_PKEY *pk;
	int id, form, err = KEY_OK;

	memset(k, 0, sizeof *k);
	if (len == 0 || len > KEY_FILE_MAX)
		return KEY_EGARBLED;
	if (memmem(buf, len, "-----BEGIN", 10)) {
		if (memmem(buf, len, "ENCRYPTED", 9))
			return KEY_EENCRYPTED;
		if (memchr(buf, 0, len))
			return KEY_EGARBLED;
		form = 'P';
		pk = from_pem(buf, len);
	} else if (all_base64(buf, len)) {
		form = 'B';
		pk = from_base64(buf, len);
	} else {
		form = 'D';
		pk = from_der((const unsigned char *)buf, len);
	}
	if (!pk)
		return KEY_EGARBLED;
	id = EVP_PKEY_get_id(pk);
	k->pkey = pk;
	if (id == EVP_PKEY_RSA) {
		k->type = KEY_RSA;
		k->bits = (unsigned)EVP_PKEY_get_bits(pk);
		if (k->bits < KEY_RSA_MIN)
			err = KEY_ESMALL;
		else if (k->bits > KEY_RSA_MAX)
			err = KEY_ETYPE;
	} else if (id == EVP_PKEY_ED25519) {
		k->type = KEY_ED25519;
		k->bits = 256;
	} else {
		err = KEY_ETYPE;
	}
	if (err == KEY_OK && !set_text(k, buf, len, form))
		err = KEY_ENOMEM;
	if (err != KEY_OK)
		key_free(k);
	return err;
}

void
key_free(key *k)
{
	if (k->text) {
		OPENSSL_cleanse(k->text, strlen(k->text));
		free(k->text);
	}
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof *k);
}

int
key_read_file(const char *path, char *buf, size_t max, size_t *len)
{
	struct stat st;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r;

		if (n == max) {
			char c;

			r = read(fd, &c, 1);
			if (r == 0)
				break;
			close(fd);
			errno = r < 0 ? errno : EFBIG;
			return 0;
		}
		r = read(fd, buf + n, max - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return 0;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return 1;
}
