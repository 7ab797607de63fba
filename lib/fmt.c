/* fmt: decimal formatting, see fmt.h. */
#include "fmt.h"

size_t
fmt_ulong(char *out, unsigned long v)
{
	char t[FMT_ULONG];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return n;
}
