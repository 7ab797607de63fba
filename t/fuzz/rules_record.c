/* fuzz lib/rules record decoding: every instruction lies inside the
   record, names hold no '=', nothing runs past the last NUL */
#include "rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rec {
	const char *data;
	size_t len;
	size_t nuls;
	size_t calls;
};

static int
check(void *ctx, int deny, const char *name, size_t namelen,
      const char *value, size_t valuelen)
{
	struct rec *r = ctx;
	const char *end = r->data + r->len;

	r->calls++;
	if (r->calls > r->nuls)
		abort();
	if (deny)
		return name || namelen || value || valuelen ? (abort(), 0) : 0;
	if (name < r->data || name + namelen > end || value < name + namelen ||
	    value + valuelen >= end || value[valuelen] != 0)
		abort();
	if (memchr(name, '=', namelen) || memchr(name, 0, namelen) ||
	    memchr(value, 0, valuelen) || name[-1] != '+' || value[-1] != '=')
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec r = { (const char *)data, size, 0, 0 };
	size_t i;

	for (i = 0; i < size; i++)
		r.nuls += data[i] == 0;
	if (rules_record(r.data, size, check, &r) != 0)
		abort();
	return 0;
}
