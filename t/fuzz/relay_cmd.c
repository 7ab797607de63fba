/* fuzz: relay_verb, the DATA reader and dot-stuffing of lib/relay.
   Checks: offsets stay in range; the reader never writes more than n + 1
   bytes per call and gives the same result whatever the piece size; and
   stuffing then reading back gives the message again (round trip). */
#include "relay.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t
unstuff(const uint8_t *in, size_t n, size_t step, char *out, int *done)
{
	relay_data d = RELAY_DATA_INIT;
	size_t pos = 0, o = 0;

	while (pos < n && !d.done) {
		size_t k = n - pos < step ? n - pos : step, outn;
		size_t u = relay_data_feed(&d, (const char *)in + pos, k, out + o,
		    &outn);

		if (u > k || outn > k + 1)
			abort();
		o += outn;
		pos += u;
		if (u == 0)
			abort();
	}
	*done = d.done;
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t arg, n1, n2, o, back;
	char *a, *b, *st, *rt;
	int v, d1, d2, sol = 1;

	v = relay_verb((const char *)data, size, &arg);
	if (v < RELAY_V_OTHER || v > RELAY_V_STARTTLS || arg > size)
		abort();
	a = malloc(size + 2);
	b = malloc(size + 2);
	n1 = unstuff(data, size, size ? size : 1, a, &d1);
	n2 = unstuff(data, size, 1 + (size & 7), b, &d2);
	if (n1 != n2 || d1 != d2 || memcmp(a, b, n1))
		abort();
	/* round trip: a message read from the data, when complete, is what
	   stuffing it and reading it again gives */
	if (d1) {
		st = malloc(2 * n1 + 3);
		o = relay_stuff(&sol, a, n1, st);
		if (!sol)
			abort();   /* the data ends at a line start */
		memcpy(st + o, ".\r\n", 3);
		rt = malloc(2 * n1 + 5);
		back = unstuff((const uint8_t *)st, o + 3, 5, rt, &d2);
		if (!d2 || back != n1 || memcmp(rt, a, n1))
			abort();
		free(st);
		free(rt);
	}
	free(a);
	free(b);
	return 0;
}
