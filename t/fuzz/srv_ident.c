/* fuzz target for srv_ident_parse (RFC 1413 replies from the network).
   Input and output are exactly sized heap buffers, so ASan reports any
   read past n or any write past the documented SRV_IDENT_MAX + 1 bytes. */
#include "srv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	char *out = malloc(SRV_IDENT_MAX + 1);
	size_t outlen = 0, i, colons = 0, kept = 0;
	int r;

	if (!line || !out)
		abort();
	memcpy(line, data, size);
	r = srv_ident_parse(line, size, out, &outlen);

	/* a simple model: count colons and kept bytes up to the first '\n' */
	for (i = 0; i < size && line[i] != '\n'; i++) {
		char c = line[i];
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (colons < 3) {
			colons += c == ':';
			continue;
		}
		if (kept <= SRV_IDENT_MAX && out[kept] != c && r == 1)
			abort();
		kept++;
	}
	if (r != (colons >= 3))
		abort();
	if (r == 1) {
		if (outlen > SRV_IDENT_MAX + 1)
			abort();
		if (outlen != (kept > SRV_IDENT_MAX ? SRV_IDENT_MAX + 1 : kept))
			abort();
		for (i = 0; i < outlen; i++)
			if (out[i] == ' ' || out[i] == '\t' || out[i] == '\r' ||
			    out[i] == '\n')
				abort();
	}
	free(line);
	free(out);
	return 0;
}
