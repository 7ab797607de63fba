/* Fuzz target: dkv_letters_parse and dkv_decide.  Every entry is one of
   the three actions, only defined letters are set, an upper-case letter
   before any comma always rejects, and decide agrees with the table. */
#include "dkv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	dkv_policy p;
	size_t i, comma = size;
	int bydk, a;

	if (!s)
		return 0;
	memcpy(s, data, size);
	dkv_letters_parse(s, size, &p);
	for (i = 0; i < 26; i++) {
		if (p.dk[i] > DKV_DEFER || p.dkim[i] > DKV_DEFER)
			abort();
		if ((i > (size_t)(DKV_DK_LAST - 'A') && p.dk[i]) ||
		    (i > (size_t)(DKV_DKIM_LAST - 'A') && p.dkim[i]))
			abort();
	}
	for (i = 0; i < size; i++)
		if (s[i] == ',') {
			comma = i;
			break;
		}
	for (i = 0; i < comma; i++)
		if (s[i] >= 'A' && s[i] <= DKV_DK_LAST &&
		    p.dk[s[i] - 'A'] != DKV_REJECT)
			abort();
	for (i = 0; i < 26; i++) {
		a = dkv_decide(&p, (char)('A' + i), 'A' + 25, &bydk);
		if (a != p.dk[i] || (a != DKV_ACCEPT && !bydk))
			abort();
		a = dkv_decide(&p, 'A' + 25, (char)('A' + i), &bydk);
		if (a != p.dkim[i] || bydk)
			abort();
	}
	free(s);
	return 0;
}
