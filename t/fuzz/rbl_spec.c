/* Fuzz target: rbl_spec_scan.  An accepted spec is well-formed, and
   written back out it scans to the same list. */
#include "rbl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
quad(char *out, uint32_t a)
{
	return (size_t)snprintf(out, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
	    a >> 8 & 255, a & 255);
}

static void
check(const rbl_list *l, const char *s, size_t n, int withcodes)
{
	size_t i;

	if (l->baselen == 0 || l->baselen > RBL_BASE_MAX ||
	    l->base < s || l->base + l->baselen > s + n ||
	    l->ncodes > RBL_CODES_MAX || (l->ncodes && !withcodes) ||
	    l->base[0] == '.' || l->base[l->baselen - 1] == '.')
		abort();
	for (i = 0; i < l->baselen; i++) {
		unsigned char c = (unsigned char)l->base[i];
		if (c <= 32 || c > 126 || c == '/' || c == '=' || c == '\\' ||
		    (c == '.' && i + 1 < l->baselen && l->base[i + 1] == '.'))
			abort();
	}
	for (i = 0; i < l->ncodes; i++)
		if (l->codes[i].lo > l->codes[i].hi ||
		    (l->codes[i].lo & RBL_LOOPMASK) != RBL_LOOPNET ||
		    (l->codes[i].hi & RBL_LOOPMASK) != RBL_LOOPNET)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, out[RBL_BASE_MAX + 8 + RBL_CODES_MAX * 33];
	rbl_list l, back;
	size_t k, i;
	int withcodes;

	if (size < 1)
		return 0;
	withcodes = data[0] & 1;
	s = malloc(size);       /* exactly the bytes: overreads show */
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	if (!rbl_spec_scan(s, size - 1, withcodes, &l)) {
		free(s);
		return 0;
	}
	check(&l, s, size - 1, withcodes);

	memcpy(out, l.base, l.baselen);
	k = l.baselen;
	if (l.ipv6label) {
		memcpy(out + k, "/ipv6", 5);
		k += 5;
	}
	for (i = 0; i < l.ncodes; i++) {
		out[k++] = i ? ',' : '=';
		k += quad(out + k, l.codes[i].lo);
		out[k++] = '-';
		k += quad(out + k, l.codes[i].hi);
	}
	if (!rbl_spec_scan(out, k, withcodes, &back) ||
	    back.baselen != l.baselen ||
	    memcmp(back.base, l.base, l.baselen) != 0 ||
	    back.ipv6label != l.ipv6label || back.ncodes != l.ncodes ||
	    memcmp(back.codes, l.codes, l.ncodes * sizeof l.codes[0]) != 0)
		abort();
	free(s);
	return 0;
}
