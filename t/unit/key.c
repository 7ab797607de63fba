/* Unit tests for lib/key: private keys in every accepted form, public key
   records, base64.  Keys: the RFC 8463 Appendix A test keys. */
#include "key.h"
#include "tap.h"
#include "rfc8463.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

static const char rsa_p[] =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR"
    "6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL"
    "6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
/* RFC 8463 A.1: the Ed25519 seed of selector "brisbane", and A.2 its p=. */
static const char ed_seed[] = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=\n";
static const char ed_p[] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

static char *
pub(const key *k)
{
	static sbuf b = SBUF_INIT(8192);

	sbuf_reset(&b);
	if (!key_public_b64(k, &b) || !sbuf_cat0(&b))
		return "(fail)";
	return b.s;
}

/* The key as another form made by OpenSSL: 'D' DER, '8' PKCS#8 PEM,
   'E' encrypted PKCS#8 PEM. */
static size_t
as_form(EVP_PKEY *pk, int form, char *buf, size_t max)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int ok;

	if (form == 'D')
		ok = i2d_PrivateKey_bio(b, pk);
	else if (form == '8')
		ok = PEM_write_bio_PKCS8PrivateKey(b, pk, 0, 0, 0, 0, 0);
	else
		ok = PEM_write_bio_PKCS8PrivateKey(b, pk, EVP_aes_128_cbc(), 0,
		    0, 0, "secret");
	n = BIO_get_mem_data(b, &p);
	if (!ok || n <= 0 || (size_t)n > max)
		n = 0;
	else
		memcpy(buf, p, (size_t)n);
	BIO_free(b);
	return (size_t)n;
}

static void
test_private(void)
{
	key k = KEY_INIT, k2 = KEY_INIT;
	static char buf[KEY_FILE_MAX];
	size_t n;
	EVP_PKEY *small;

	is_int(key_parse(&k, rsa_pem, strlen(rsa_pem)), KEY_OK, "PKCS#1 PEM");
	is_int(k.type, KEY_RSA, "RSA");
	is_int(k.bits, 1024, "1024 bits");
	is_str(pub(&k), rsa_p, "p= of the RSA key (RFC 8463 A.2)");
	is_str(k.text, rsa_pem, "text for libopendkim: the PEM as given");

	n = as_form(k.pkey, 'D', buf, sizeof buf);
	is_int(key_parse(&k2, buf, n), KEY_OK, "DER");
	is_str(pub(&k2), rsa_p, "DER: same key");
	ok(k2.text && strncmp(k2.text, "MII", 3) == 0, "DER: text is base64");
	key_free(&k2);
	n = as_form(k.pkey, '8', buf, sizeof buf);
	is_int(key_parse(&k2, buf, n), KEY_OK, "PKCS#8 PEM");
	is_str(pub(&k2), rsa_p, "PKCS#8: same key");
	key_free(&k2);
	n = as_form(k.pkey, 'E', buf, sizeof buf);
	is_int(key_parse(&k2, buf, n), KEY_EENCRYPTED, "encrypted PEM refused");
	key_free(&k);

	is_int(key_parse(&k, ed_seed, strlen(ed_seed)), KEY_OK,
	    "raw base64 Ed25519 seed");
	is_int(k.type, KEY_ED25519, "Ed25519");
	is_str(pub(&k), ed_p, "p= of the Ed25519 key (RFC 8463 A.2)");
	ok(k.text && strncmp(k.text, "-----BEGIN PRIVATE KEY", 22) == 0,
	    "Ed25519 text for libopendkim is PKCS#8 PEM");
	n = as_form(k.pkey, 'D', buf, sizeof buf);
	is_int(key_parse(&k2, buf, n), KEY_OK, "Ed25519 DER");
	is_str(pub(&k2), ed_p, "Ed25519 DER: same key");
	key_free(&k2);
	n = as_form(k.pkey, '8', buf, sizeof buf);
	is_int(key_parse(&k2, buf, n), KEY_OK, "Ed25519 PKCS#8 PEM");
	key_free(&k2);
	key_free(&k);

	is_int(key_parse(&k, "hello world\n", 12), KEY_EGARBLED, "garbage");
	is_int(key_parse(&k, "", 0), KEY_EGARBLED, "empty");
	is_int(key_parse(&k, "QUJD\n", 5), KEY_EGARBLED, "base64, not a key");
	is_int(key_parse(&k, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
	    "-----END RSA PRIVATE KEY-----\n", 66), KEY_EGARBLED,
	    "broken PEM");
	small = EVP_PKEY_Q_keygen(0, 0, "RSA", (size_t)512);
	n = small ? as_form(small, '8', buf, sizeof buf) : 0;
	is_int(key_parse(&k, buf, n), KEY_ESMALL, "512-bit RSA refused");
	EVP_PKEY_free(small);
	small = EVP_PKEY_Q_keygen(0, 0, "EC", "P-256");
	n = small ? as_form(small, '8', buf, sizeof buf) : 0;
	is_int(key_parse(&k, buf, n), KEY_ETYPE, "EC key refused");
	EVP_PKEY_free(small);
	ok(strlen(key_errstr(KEY_ESMALL)) > 0, "errstr");
}

static void
test_file(void)
{
	char path[] = "/tmp/keytest.XXXXXX", buf[32];
	size_t len;
	int fd = mkstemp(path);

	ok(fd >= 0 && write(fd, "0123456789abcdefXYZ", 19) == 19, "test file");
	close(fd);
	ok(key_read_file(path, buf, 19, &len) == 1 && len == 19,
	    "read a file of exactly max bytes");
	errno = 0;
	ok(key_read_file(path, buf, 16, &len) == 0 && errno == EFBIG,
	    "too big: EFBIG");
	unlink(path);
	errno = 0;
	ok(key_read_file(path, buf, 16, &len) == 0 && errno == ENOENT,
	    "missing: ENOENT");
	is_int(key_read_file("/tmp", buf, 16, &len), -1, "directory: -1");
}

static void
test_b64(void)
{
	unsigned char out[16];
	char enc[32];
	size_t n;

	enc[key_b64_encode((const unsigned char *)"ab", 2, enc)] = 0;
	is_str(enc, "YWI=", "encode with padding");
	ok(key_b64_decode(" YW\nI= ", 7, out, sizeof out, &n) && n == 2 &&
	    memcmp(out, "ab", 2) == 0, "decode with blanks");
	ok(!key_b64_decode("YW=I", 4, out, sizeof out, &n), "data after =");
	ok(!key_b64_decode("Y", 1, out, sizeof out, &n), "one symbol");
	ok(!key_b64_decode("YWJj", 4, out, 2, &n), "output too small");
	ok(!key_b64_decode("YW*j", 4, out, sizeof out, &n), "bad symbol");
}

static void
test_txt(void)
{
	sbuf b = SBUF_INIT(4096);
	char s[600];

	memset(s, 'A', sizeof s);
	ok(key_txt_strings(s, 600, &b) && sbuf_cat0(&b), "split 600 octets");
	is_int((long)b.len - 1, 600 + 3 * 2 + 2, "three strings, two spaces");
	ok(b.s[0] == '"' && b.s[256] == '"' && b.s[257] == ' ' &&
	    b.s[258] == '"', "first string is 255 octets");
	sbuf_reset(&b);
	ok(key_txt_strings("", 0, &b) && sbuf_cat0(&b) && !strcmp(b.s, "\"\""),
	    "empty: one empty string");
	sbuf_free(&b);
}

static int
rec(const char *r, key_rec *out)
{
	return key_rec_parse(r, strlen(r), out);
}

static void
test_rec(void)
{
	static key_rec kr;
	char r[1024];

	snprintf(r, sizeof r, "v=DKIM1; k=rsa; p=%s", rsa_p);
	is_int(rec(r, &kr), KEY_REC_OK, "RSA record");
	ok(kr.type == KEY_RSA && kr.sha1 && kr.sha256 && !kr.testing,
	    "RSA, any hash, not testing");
	snprintf(r, sizeof r, "v=DKIM1; k=ed25519; p=%s", ed_p);
	is_int(rec(r, &kr), KEY_REC_OK, "Ed25519 record");
	is_int((long)kr.plen, 32, "32 raw bytes");
	snprintf(r, sizeof r, " p=%.40s \t%s ; t=y:s; h=sha256; x=unknown;",
	    rsa_p, rsa_p + 40);
	is_int(rec(r, &kr), KEY_REC_OK, "blanks, folded p=, flags, unknown tag");
	ok(kr.testing && kr.strict && !kr.sha1 && kr.sha256, "t= and h=");
	is_int(rec("v=DKIM1; p=", &kr), KEY_REC_REVOKED, "empty p=: revoked");
	is_int(rec("v=DKIM2; p=AAAA", &kr), KEY_REC_VERSION, "bad version");
	is_int(rec("k=rsa; v=DKIM1; p=AAAA", &kr), KEY_REC_SYNTAX,
	    "v= not first");
	is_int(rec("k=dsa; p=AAAA", &kr), KEY_REC_KTYPE, "unknown k=");
	is_int(rec("s=tlsrpt; p=AAAA", &kr), KEY_REC_SERVICE, "other service");
	is_int(rec("v=DKIM1; k=rsa", &kr), KEY_REC_SYNTAX, "no p=");
	is_int(rec("p=AAAA; p=AAAA", &kr), KEY_REC_SYNTAX, "p= twice");
	is_int(rec("p=AAAA;;k=rsa", &kr), KEY_REC_SYNTAX, "empty tag-spec");
	is_int(rec("k=ed25519; p=AAAA", &kr), KEY_REC_BADKEY,
	    "Ed25519 key of 3 bytes");
	is_int(rec("p=AAAA", &kr), KEY_REC_BADKEY, "RSA key that is no key");
	is_int(rec("p=!!", &kr), KEY_REC_SYNTAX, "p= not base64");
}

int
main(void)
{
	test_private();
	test_file();
	test_b64();
	test_txt();
	test_rec();
	return tap_done();
}
