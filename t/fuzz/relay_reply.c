/* fuzz: server reply parsing and the EHLO filter of lib/relay.
   Checks: the filter never grows its input, keeps the first line, leaves
   no hidden extension behind, and is idempotent; every reply line parses
   to -1 or 0..999. */
#include "relay.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char *out = malloc(size + 1), *again = malloc(size + 1);
	size_t n, m, pos;
	int more, code;

	for (pos = 0; pos < size;) {
		const char *nl = memchr(in + pos, '\n', size - pos);
		size_t ll = nl ? (size_t)(nl - (in + pos)) + 1 : size - pos;

		code = relay_reply_line(in + pos, ll, &more);
		if (code < -1 || code > 999 || (more != 0 && more != 1))
			abort();
		pos += ll;
	}
	n = relay_ehlo_filter(in, size, out);
	if (n > size)
		abort();
	{	/* the first line is kept (its separator may change) */
		const char *nl = memchr(in, '\n', size);
		size_t first = nl ? (size_t)(nl - in) + 1 : size;

		if (n < first || (first > 4 && memcmp(out, in, 3)) ||
		    (first > 4 && memcmp(out + 4, in + 4, first - 4)))
			abort();
	}
	m = relay_ehlo_filter(out, n, again);
	if (m != n || memcmp(out, again, n))
		abort();
	memcpy(again, in, size);   /* in place gives the same */
	m = relay_ehlo_filter(again, size, again);
	if (m != n || memcmp(out, again, n))
		abort();
	free(out);
	free(again);
	return 0;
}
