/* grey_path: client address -> entry path below the tree (see grey.h). */
#include "grey.h"
#include "ip.h"

#include <string.h>

int
grey_addr_scan(const char *s, size_t n, unsigned char ip[16])
{
	const char *zone = memchr(s, '%', n);

	if (zone)   /* fe80::1%eth0: the scope says nothing about the sender */
		n = (size_t)(zone - s);
	return n > 0 && ip_scan(s, n, ip) == n;
}

/*
 * Components: the first `parts` bytes of the masked address, after
 * "ip4" or "ip6".  A prefix up to the default length keeps the default
 * number of components (so /16 is ip4/aaa/bbb/000), a longer one takes
 * the by-IP number; the defaults and BY_IP give the 2009 layout.
 */
size_t
grey_path(char out[GREY_PATH_FMT], const unsigned char ip[16],
          unsigned int prefix4, unsigned int prefix6)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char a[16];
	size_t k, i, first, parts;
	int v4 = ip_is4(ip);

	memcpy(a, ip, 16);
	if (v4) {
		if (prefix4 > 32)
			prefix4 = 32;
		ip_mask(a, 96 + prefix4);
		first = 12;
		parts = prefix4 <= 24 ? 3 : 4;
	} else {
		if (prefix6 > 128)
			prefix6 = 128;
		ip_mask(a, prefix6);
		first = 0;
		parts = prefix6 <= 64 ? 8 : 16;
	}
	memcpy(out, v4 ? "ip4" : "ip6", 3);
	k = 3;
	for (i = first; i < first + parts; i++) {
		out[k++] = '/';
		if (v4) {
			out[k++] = (char)('0' + a[i] / 100);
			out[k++] = (char)('0' + a[i] / 10 % 10);
			out[k++] = (char)('0' + a[i] % 10);
		} else {
			out[k++] = hex[a[i] >> 4];
			out[k++] = hex[a[i] & 15];
		}
	}
	out[k] = 0;
	return k;
}
