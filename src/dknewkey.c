/*
 * dknewkey: make a DKIM signing key for dksign.
 *
 * Chain:  none; run once per selector:  dknewkey default > default.txt
 * Reads:  options only.
 * Does:   generates an RSA key (default 2048 bits) or, with -t ed25519, an
 *         Ed25519 key; writes the private key as PEM (RSA: PKCS#1,
 *         Ed25519: PKCS#8) to the file named by the selector argument,
 *         mode 0600, refusing to overwrite; then prints the DNS record
 *         for the public key on stdout:
 *           SEL._domainkey<TAB>IN<TAB>TXT<TAB>"v=DKIM1; k=rsa; p=..." "..."
 *         split into strings of at most 255 octets.  SEL is the last
 *         path component of the argument (what dksign uses as s=).
 * Exits:  0 done; 100 usage (bad type, bits, selector; the file exists);
 *         111 key generation or a write failed.
 * Behaviour: ../shared/spec/dkim.md S-12.
 */
#include "die.h"
#include "io.h"
#include "key.h"
#include "sbuf.h"
#include "scan.h"
#include "tmpl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define USAGE "dknewkey [ -t rsa|ed25519 ] selector [ bits ]"
#define OPTS "t:"
#define BITS_DEFAULT 2048
#define BITS_MIN KEY_RSA_MIN
#define BITS_MAX 8192
#define SEL_MAX 63               /* one DNS label */

static struct {
	int type;                     /* KEY_RSA, KEY_ED25519 */
	unsigned long bits;
	const char *path;
	const char *sel;
} o = { KEY_RSA, BITS_DEFAULT, 0, 0 };

static void
parse_options(int argc, char **argv)
{
	size_t i, n;
	int c;

	while ((c = getopt(argc, argv, OPTS)) != -1) {
		if (c != 't')
			die_usage(USAGE);
		if (strcmp(optarg, "rsa") == 0)
			o.type = KEY_RSA;
		else if (strcmp(optarg, "ed25519") == 0)
			o.type = KEY_ED25519;
		else
			die_usage(USAGE);
	}
	argv += optind;
	argc -= optind;
	if (argc < 1 || argc > 2 || (argc == 2 && o.type != KEY_RSA))
		die_usage(USAGE);
	if (argc == 2 && (!scan_ulong(argv[1], BITS_MAX, &o.bits) ||
	    o.bits < BITS_MIN))
		die_x(100, "bits must be %d to %d", BITS_MIN, BITS_MAX);
	o.path = argv[0];
	o.sel = o.path + tmpl_basename(o.path, strlen(o.path));
	n = strlen(o.sel);
	if (n == 0 || n > SEL_MAX)
		die_x(100, "bad selector: %s", o.path);
	for (i = 0; i < n; i++) {
		char ch = o.sel[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			die_x(100, "bad selector: %s (letters, digits, - and _)",
			    o.path);
	}
}

static EVP_PKEY *
generate(void)
{
	EVP_PKEY *pk;

	if (o.type == KEY_ED25519)
		pk = EVP_PKEY_Q_keygen(0, 0, "ED25519");
	else
		pk = EVP_PKEY_Q_keygen(0, 0, "RSA", (size_t)o.bits);
	if (!pk)
		die_x(111, "unable to generate the key");
	return pk;
}

/* The record for stdout, built before anything is written. */
static void
record(EVP_PKEY *pk, sbuf *out)
{
	sbuf txt = SBUF_INIT(8192);
	key k = KEY_INIT;

	k.type = o.type;
	k.pkey = pk;
	if (!sbuf_cats(&txt, "v=DKIM1; k=") ||
	    !sbuf_cats(&txt, key_typename(o.type)) ||
	    !sbuf_cats(&txt, "; p=") || !key_public_b64(&k, &txt) ||
	    !sbuf_cats(out, o.sel) ||
	    !sbuf_cats(out, "._domainkey\tIN\tTXT\t") ||
	    !key_txt_strings(txt.s, txt.len, out) || !sbuf_catc(out, '\n'))
		die_x(111, "out of memory");
	sbuf_free(&txt);
}

static void
write_key(EVP_PKEY *pk)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int fd, ok;

	if (!b)
		die_x(111, "out of memory");
	ok = o.type == KEY_RSA ?
	    PEM_write_bio_PrivateKey_traditional(b, pk, 0, 0, 0, 0, 0) :
	    PEM_write_bio_PrivateKey(b, pk, 0, 0, 0, 0, 0);
	n = BIO_get_mem_data(b, &p);
	if (ok != 1 || n <= 0)
		die_x(111, "unable to encode the key");
	fd = open(o.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		die_sys(errno == EEXIST ? 100 : 111, "unable to create %s",
		    o.path);
	if (fchmod(fd, 0600) < 0 || !io_write_all(fd, p, (size_t)n) ||
	    fsync(fd) < 0 || close(fd) < 0) {
		int e = errno;

		unlink(o.path);
		errno = e;
		die_sys(111, "unable to write %s", o.path);
	}
	OPENSSL_cleanse(p, (size_t)n);
	BIO_free(b);
}

int
main(int argc, char **argv)
{
	sbuf out = SBUF_INIT(16384);
	EVP_PKEY *pk;

	die_prog = "dknewkey";
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, 0);
	parse_options(argc, argv);
	pk = generate();
	record(pk, &out);
	write_key(pk);
	if (!io_write_all(1, out.s, out.len))
		die_sys(111, "unable to write the record");
	EVP_PKEY_free(pk);
	sbuf_free(&out);
	return 0;
}
