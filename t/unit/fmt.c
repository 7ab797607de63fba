/* fmt: decimal formatting against snprintf, and its round trip via scan. */
#include "fmt.h"
#include "scan.h"
#include "tap.h"

#include <limits.h>
#include <stdlib.h>

static void
one(unsigned long v)
{
	char got[FMT_ULONG], want[FMT_ULONG];
	unsigned long back = 0;
	size_t n = fmt_ulong(got, v);

	got[n] = 0;
	snprintf(want, sizeof want, "%lu", v);
	is_str(got, want, "fmt_ulong(%lu)", v);
	ok(scan_ulong(got, ULONG_MAX, &back) && back == v,
	    "scan_ulong(fmt_ulong(%lu)) round trip", v);
}

int
main(void)
{
	static const unsigned long vals[] = { 0, 1, 9, 10, 99, 100, 255, 256,
	    65535, 4294967295UL, ULONG_MAX - 1, ULONG_MAX };
	size_t i;

	for (i = 0; i < sizeof vals / sizeof vals[0]; i++)
		one(vals[i]);
	srand(7);
	for (i = 0; i < 50; i++)
		one(((unsigned long)rand() << 31) ^ (unsigned long)rand());
	return tap_done();
}
