/* dkv_letters: $DKVERIFY (spec V-3, V-8). */
#include "dkv.h"

#include <string.h>

void
dkv_letters_parse(const char *s, size_t n, dkv_policy *p)
{
	size_t i;
	int part = 0;                /* 0 DomainKeys, 1 DKIM */

	memset(p, 0, sizeof *p);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned char *t = part ? p->dkim : p->dk;
		char last = part ? DKV_DKIM_LAST : DKV_DK_LAST;

		if (c == ',') {
			part = 1;
		} else if (c >= 'A' && c <= last) {
			t[c - 'A'] = DKV_REJECT;
		} else if (c >= 'a' && c <= last - 'A' + 'a') {
			if (t[c - 'a'] != DKV_REJECT)
				t[c - 'a'] = DKV_DEFER;
		}
	}
}

static int
act(const unsigned char *t, char l)
{
	return l >= 'A' && l <= 'Z' ? t[l - 'A'] : DKV_ACCEPT;
}

int
dkv_decide(const dkv_policy *p, char dk, char dkim, int *bydk)
{
	int a = act(p->dk, dk), b = act(p->dkim, dkim);

	*bydk = 0;
	if (a == DKV_REJECT || b == DKV_REJECT) {
		*bydk = a == DKV_REJECT && b != DKV_REJECT;
		return DKV_REJECT;
	}
	if (a == DKV_DEFER || b == DKV_DEFER) {
		*bydk = a == DKV_DEFER && b != DKV_DEFER;
		return DKV_DEFER;
	}
	return DKV_ACCEPT;
}
