/* Fuzz target: dns_ptr_packet and dns_addrs_packet (answer messages). */
#include "dns.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[DNS_NAME_FMT];
	unsigned char ip[4][16];
	unsigned char *m = malloc(size ? size : 1);
	size_t cnt = 0;
	int r;

	if (!m)
		return 0;
	memcpy(m, data, size);
	r = dns_ptr_packet(m, size, name);
	if (r < -1 || r > 1 || (r == 1 && (name[0] == 0 ||
	    strlen(name) >= DNS_NAME_FMT)))
		abort();
	r = dns_addrs_packet(m, size, DNS_T_A, ip, 4, &cnt);
	if (r < -1 || cnt > 4)
		abort();
	r = dns_addrs_packet(m, size, DNS_T_AAAA, ip, 4, &cnt);
	if (r < -1 || cnt > 4)
		abort();
	free(m);
	return 0;
}
