/* Fuzz lib/tmpl: list splitting, expansion, parent walk, basename. */
#include "tmpl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char out[TMPL_PATH_MAX];
	size_t pos = 0, a, n, split = size ? data[0] % (size + 1) : 0, off = 0;
	int lines;

	for (lines = 0; lines < 2; lines++) {
		pos = 0;
		while (tmpl_next(s, size, &pos, lines, &a, &n))
			if (a + n > size || n == 0)
				abort();
	}
	/* first part: template, second: domain */
	n = tmpl_expand(s, split, s + split, size - split, out);
	if (n >= TMPL_PATH_MAX || (n && strlen(out) != n))
		abort();
	while (tmpl_parent(s + split, size - split, &off))
		if (off >= size - split)
			abort();
	if (tmpl_basename(s, size) > size)
		abort();
	return 0;
}
