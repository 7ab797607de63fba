/* fuzz lib/ip CIDR: accepted networks survive fmt -> scan unchanged */
#include "ip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char ip[16], back[16], m[16];
	unsigned int len = 0, len2 = 0;
	char out[IP_CIDR_FMT], out2[IP_CIDR_FMT];
	size_t k;
	int r;

	r = ip_cidr_scan((const char *)data, size, ip, &len);
	if (r < -1 || r > 1)
		abort();
	if (r != 1)
		return 0;
	if (len > (ip_is4(ip) ? 32u : 128u))
		abort();
	memcpy(m, ip, 16);
	ip_mask(m, ip_is4(ip) ? 96 + len : len);
	if (memcmp(m, ip, 16))
		abort();
	k = ip_cidr_fmt(out, ip, len);
	if (k >= IP_CIDR_FMT || strlen(out) != k)
		abort();
	if (ip_cidr_scan(out, k, back, &len2) != 1 || len2 != len
	    || memcmp(ip, back, 16))
		abort();
	if (ip_cidr_fmt(out2, back, len2) != k || memcmp(out, out2, k + 1))
		abort();
	return 0;
}
