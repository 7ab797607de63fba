/* fuzz lib/grey's address -> path builder: input = prefix4 byte,
   prefix6 byte, address text.  An accepted address gives a path of the
   documented shape that decodes back to the masked address.  Also the
   deny text builder: bounded, NUL-terminated, no control bytes. */
#include "grey.h"
#include "ip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	abort();
}

static void
check_path(const unsigned char ip[16], unsigned int p4, unsigned int p6)
{
	char out[GREY_PATH_FMT + 16];
	unsigned char want[16], got[16];
	size_t k, i, parts, first, pos;
	int v4 = ip_is4(ip);

	memset(out, 'x', sizeof out);
	k = grey_path(out, ip, p4, p6);
	if (k >= GREY_PATH_FMT || out[k] != 0 || strlen(out) != k)
		abort();
	memcpy(want, ip, 16);
	ip_mask(want, v4 ? 96 + p4 : p6);
	if (v4) {
		parts = p4 <= 24 ? 3 : 4;
		first = 12;
		if (k != 3 + parts * 4 || memcmp(out, "ip4", 3))
			abort();
	} else {
		parts = p6 <= 64 ? 8 : 16;
		first = 0;
		if (k != 3 + parts * 3 || memcmp(out, "ip6", 3))
			abort();
	}
	/* decode the components back */
	memset(got, 0, 16);
	memcpy(got, want, first);
	for (i = 0, pos = 3; i < parts; i++) {
		if (out[pos++] != '/')
			abort();
		if (v4) {
			unsigned v = 0, j;
			for (j = 0; j < 3; j++) {
				if (out[pos] < '0' || out[pos] > '9')
					abort();
				v = v * 10 + (unsigned)(out[pos++] - '0');
			}
			if (v > 255)
				abort();
			got[first + i] = (unsigned char)v;
		} else {
			got[i] = (unsigned char)(hexval(out[pos]) * 16
			    + hexval(out[pos + 1]));
			pos += 2;
		}
	}
	if (memcmp(got, want, 16))
		abort();
}

static void
check_deny(const char *text, const char *ip, size_t size)
{
	char out[600];
	size_t k, i;

	memset(out, 'x', sizeof out);
	k = grey_deny_text(out, size, text, ip);
	if (k >= size || out[k] != 0 || strlen(out) != k)
		abort();
	for (i = 0; i < k; i++)
		if ((unsigned char)out[i] < 32 || out[i] == 127)
			abort();
	if (size > 11 && memcmp(out, "553 DENIED ", 11))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char ip[16];
	unsigned int p4, p6;
	const char *s;
	char *text;
	size_t n;

	if (size < 2)
		return 0;
	p4 = data[0] % 33;
	p6 = data[1] % 129;
	s = (const char *)data + 2;
	n = size - 2;
	if (grey_addr_scan(s, n, ip)) {
		check_path(ip, p4, p6);
		check_path(ip, 24, 64);
		check_path(ip, 32, 128);
	}
	(void)grey_verb_len(s, n);

	text = malloc(n + 1);
	if (!text)
		return 0;
	memcpy(text, s, n);
	text[n] = 0;
	check_deny(text, "192.0.2.7", 1 + data[0] % 200);
	check_deny(text, text, 510);
	check_deny("x%y", text, 1 + data[1]);
	free(text);
	return 0;
}
