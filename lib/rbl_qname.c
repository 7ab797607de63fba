/* rbl_qname: DNSBL query names (RFC 5782), see rbl.h. */
#include "rbl.h"
#include "ip.h"

#include <string.h>

static size_t
octet(char *out, unsigned int v)
{
	size_t k = 0;

	if (v >= 100)
		out[k++] = (char)('0' + v / 100);
	if (v >= 10)
		out[k++] = (char)('0' + v / 10 % 10);
	out[k++] = (char)('0' + v % 10);
	return k;
}

size_t
rbl_qname(char out[RBL_QNAME_FMT], const unsigned char ip[16],
          const rbl_list *l)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0, blen = l->baselen;
	int i;

	if (ip_is4(ip)) {
		for (i = 15; i >= 12; i--) {
			k += octet(out + k, ip[i]);
			out[k++] = '.';
		}
	} else {
		for (i = 15; i >= 0; i--) {
			out[k++] = hex[ip[i] & 15];
			out[k++] = '.';
			out[k++] = hex[ip[i] >> 4];
			out[k++] = '.';
		}
		if (l->ipv6label) {
			memcpy(out + k, "ipv6.", 5);
			k += 5;
		}
	}
	if (blen > 0 && l->base[blen - 1] == '.')
		blen--;
	if (blen > RBL_BASE_MAX)
		blen = RBL_BASE_MAX;
	memcpy(out + k, l->base, blen);
	k += blen;
	out[k] = 0;
	return k;
}
