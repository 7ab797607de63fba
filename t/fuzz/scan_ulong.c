/* fuzz target for scan_ulongn: must agree with a strtoul-based model.
   Byte 0 picks the maximum, the rest is the text (an exactly sized heap
   copy, so ASan sees a read past n). */
#include "scan.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static unsigned long
pick_max(const uint8_t *data, size_t size, size_t *skip)
{
	unsigned long m = 0;
	size_t i;

	*skip = 1;
	switch (data[0] % 5) {
	case 0: return ULONG_MAX;
	case 1: return data[0] / 5 % 20;            /* small: 0..19 */
	case 2: return 65535;
	case 3: return 0xfffffffeUL;
	default:                                     /* 8 bytes from input */
		for (i = 1; i < 9 && i < size; i++)
			m = m << 8 | data[i];
		*skip = i;
		return m;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long max, got = 0, want = 0;
	size_t skip, n, i;
	char *s, *z, *end;
	int r, expect = 1;

	if (size == 0)
		return 0;
	max = pick_max(data, size, &skip);
	n = size - skip;
	s = malloc(n ? n : 1);
	z = malloc(n + 1);
	if (!s || !z)
		abort();
	memcpy(s, data + skip, n);
	memcpy(z, s, n);
	z[n] = 0;
	r = scan_ulongn(s, n, max, &got);

	/* model: nonempty, digits only, strtoul without ERANGE, <= max */
	if (n == 0)
		expect = 0;
	for (i = 0; i < n; i++)
		if (z[i] < '0' || z[i] > '9')
			expect = 0;
	if (expect) {
		errno = 0;
		want = strtoul(z, &end, 10);
		if (errno == ERANGE || *end != 0 || want > max)
			expect = 0;
	}
	if (r != expect)
		abort();
	if (r && got != want)
		abort();
	free(s);
	free(z);
	return 0;
}
