/* Fuzz lib/key: private key parsing, key records, base64. */
#include "key.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static key_rec kr;
	static unsigned char out[KEY_FILE_MAX];
	key k = KEY_INIT;
	size_t n;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		if (key_parse(&k, (const char *)data + 1, size - 1) == KEY_OK) {
			if (!k.text || !k.pkey)
				abort();
			key_free(&k);
		}
	} else {
		key_rec_parse((const char *)data + 1, size - 1, &kr);
		if (kr.plen > KEY_REC_MAX)
			abort();
	}
	if (key_b64_decode((const char *)data, size, out, sizeof out, &n) &&
	    n > size)
		abort();
	return 0;
}
