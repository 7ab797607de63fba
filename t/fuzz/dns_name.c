/* Fuzz target: dns_name_djb and dns_name_ares (the text forms of names).
   Invariants: outputs are bounded and NUL-terminated where the return
   value says; djb -> c-ares -> djb gives back the same text. */
#include "dns.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
check_djb(const char *out, int r)
{
	int i;

	if (r < 0)
		return;
	if (r >= DNS_NAME_FMT || strlen(out) != (size_t)r)
		abort();
	for (i = 0; i < r; i++) {
		char c = out[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '\\'))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char djb[DNS_NAME_FMT], ares[DNS_NAME_FMT], again[DNS_NAME_FMT];
	char *s = malloc(size ? size : 1);
	int r, a, b;

	if (!s)
		return 0;
	memcpy(s, data, size);

	r = dns_name_djb(djb, s, size);
	check_djb(djb, r);
	if (r >= 0) {
		a = dns_name_ares(ares, djb, (size_t)r);
		if (a < 0 && !strstr(djb, "\\000"))
			abort();        /* only a NUL byte may fail */
		if (a >= 0) {
			if (a >= DNS_NAME_FMT)
				abort();
			b = dns_name_djb(again, ares, (size_t)a);
			if (b != r || strcmp(again, djb) != 0)
				abort();
		}
	}

	a = dns_name_ares(ares, s, size);
	if (a >= 0 && (a >= DNS_NAME_FMT || memchr(ares, 0, (size_t)a)))
		abort();
	free(s);
	return 0;
}
