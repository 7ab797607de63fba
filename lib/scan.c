/* scan: strict number scanning, see scan.h. */
#include "scan.h"

#include <string.h>

int
scan_ulongn(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return 0;
		if (d > max || v > (max - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

int
scan_ulong(const char *s, unsigned long max, unsigned long *out)
{
	return scan_ulongn(s, strlen(s), max, out);
}
