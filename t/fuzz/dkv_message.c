/* Fuzz target: the streaming verifier (dkv_begin/chunk/end) on arbitrary
   messages, keys from a key file.  Letters stay in their sets, the A-R
   skip ranges lie inside the input in order, and feeding the message in
   one piece or in pieces of data[0] bytes gives the same results. */
#include "dkv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char keys[] =
    "sel._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDDAcmYtd3dy5gfQwPQj4VH0ug3gmZpTxFbXPf6NRM4VZlCo5EmiXluWke8CdfhLVzZefJWwZ22qXGj488lSbzQHBhP4Ysbzzf4EZkt8muHiYDOb4P4hyjBfzvwauYlKfx55aUklXuj9u43MnZ4UK+rtWj2yEFN47boR82tYYPRiwIDAQAB\"\n"
    "rev._domainkey.example.com TXT \"v=DKIM1; p=\"\n"
    "tmp._domainkey.example.com TEMPFAIL\n";

static dkv *v;

static void
run(const char *s, size_t n, size_t step, dkv_out *o)
{
	size_t i;

	if (dkv_begin(v) < 0)
		abort();
	for (i = 0; i < n; i += step)
		if (dkv_chunk(v, s + i, n - i < step ? n - i : step) < 0)
			abort();
	if (dkv_end(v, o) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dkv_out a, b;
	char *s;
	size_t i, step, last = 0;

	if (!v) {
		dkv_conf c;
		const char *err;

		memset(&c, 0, sizeof c);
		c.servid = "mx.test";
		c.minkeybits = 1024;
		c.rsasha1 = 1;
		c.timeout_ms = 1000;
		c.keyfile = keys;
		c.keyfilelen = sizeof keys - 1;
		v = dkv_new(&c, &err);
		if (!v)
			abort();
	}
	if (size < 1)
		return 0;
	step = data[0] ? data[0] : 1;
	s = malloc(size - 1 ? size - 1 : 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	run(s, size - 1, size, &a);
	run(s, size - 1, step, &b);
	if (a.dk < 'A' || a.dk > DKV_DK_LAST || a.dkim < 'A' ||
	    a.dkim > DKV_DKIM_LAST || a.ar.ndkim > DKV_SIGS_MAX)
		abort();
	if (a.dk != b.dk || a.dkim != b.dkim || a.nskip != b.nskip ||
	    a.ar.ndkim != b.ar.ndkim)
		abort();
	for (i = 0; i < a.nskip; i++) {
		if (a.skip_off[i] < last || a.skip_len[i] == 0 ||
		    a.skip_off[i] + a.skip_len[i] > size - 1 ||
		    a.skip_off[i] != b.skip_off[i] || a.skip_len[i] != b.skip_len[i])
			abort();
		last = a.skip_off[i] + a.skip_len[i];
	}
	free(s);
	return 0;
}
