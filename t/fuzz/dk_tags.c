/* Fuzz target: the record parsers of dkverify: dkv_tags_parse (tag
   lists of DKIM-Signature, DomainKey-Signature and key records),
   dkv_keyfile_find (the test key file), dkv_txt_packet (DNS answers) and
   dkv_name_ok.  Parsed tags lie inside the input, have valid names and
   no two share a name. */
#include "dkv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	dkv_tag t[DKV_TAGS_MAX];
	sbuf txt = SBUF_INIT(DKV_TXT_MAX);
	size_t nt, i, j;
	int r;

	if (!s)
		return 0;
	memcpy(s, data, size);
	r = dkv_tags_parse(s, size, t, DKV_TAGS_MAX, &nt);
	if (r < DKV_TAGS_OK || r > DKV_TAGS_TOOMANY || nt > DKV_TAGS_MAX)
		abort();
	for (i = 0; i < nt; i++) {
		if (t[i].name < s || t[i].name + t[i].namelen > s + size ||
		    t[i].val < s || t[i].val + t[i].vallen > s + size ||
		    t[i].namelen == 0 || memchr(t[i].val, ';', t[i].vallen))
			abort();
		for (j = 0; j < i; j++)
			if (t[j].namelen == t[i].namelen &&
			    memcmp(t[j].name, t[i].name, t[i].namelen) == 0)
				abort();
		if (dkv_tag_get(t, nt, "d") == 0 && t[i].namelen == 1 &&
		    t[i].name[0] == 'd')
			abort();
	}
	r = dkv_keyfile_find(s, size, "sel._domainkey.example.com", &txt);
	if (r < DKV_KEY_TEMP || r > DKV_KEY_MULTI || (r != DKV_KEY_FOUND &&
	    r != DKV_KEY_MULTI && txt.len != 0 && r != DKV_KEY_NONE))
		abort();
	r = dkv_txt_packet(data, size, &txt);
	if (r < -1 || txt.len > DKV_TXT_MAX)
		abort();
	if (dkv_name_ok(s, size) && (size > 253 || memchr(s, '\\', size)))
		abort();
	sbuf_free(&txt);
	free(s);
	return 0;
}
