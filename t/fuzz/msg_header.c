/* Fuzz lib/msg: normalisation in random chunks, checks, header parsing,
   signing domain, DomainKeys canonicalisation. */
#include "dk.h"
#include "msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
sink(void *arg, const char *p, size_t n)
{
	size_t *total = arg;

	(void)p;
	*total += n;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static msg_field f[64];
	char *out = malloc(size + 1), dom[MSG_DOMAIN_MAX + 1];
	msg_norm st = MSG_NORM_INIT;
	size_t i = 0, o = 0, nf, body, total = 0;

	if (!out)
		return 0;
	while (i < size) {
		size_t n = 1 + (data[i] % 7);

		if (n > size - i)
			n = size - i;
		o += msg_norm_chunk(&st, (const char *)data + i, n, out + o);
		i += n;
	}
	o += msg_norm_end(&st, out + o);
	if (o > size + 1 || !msg_is_normal(out, o))
		abort();
	msg_check(out, o);
	msg_header_parse(out, o, f, 64, &nf, &body);
	if (nf > 64 || body > o)
		abort();
	for (i = 0; i < nf; i++)
		if (f[i].off + f[i].len > o || f[i].namelen > f[i].len)
			abort();
	if (msg_sign_domain(out, f, nf, dom) > MSG_DOMAIN_MAX)
		abort();
	dk_canon_nofws(out, o, f, nf, body, sink, &total);
	free(out);
	return 0;
}
