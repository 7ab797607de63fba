/* Fuzz target: dns_servers_scan ($DNSCACHEIP). */
#include "dns.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dns_server sv[DNS_SERVERS_MAX];
	char *s = malloc(size ? size : 1);     /* exact size: overreads trap */
	size_t max = size ? data[0] % (DNS_SERVERS_MAX + 1) : 1;
	int n, i;

	if (!s)
		return 0;
	memcpy(s, data, size);
	n = dns_servers_scan(s, size, sv, DNS_SERVERS_MAX);
	if (n == 0 || n > DNS_SERVERS_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (sv[i].port < 1 || sv[i].port > 65535)
			abort();
	/* a smaller max never gives more, and fails rather than cuts */
	n = dns_servers_scan(s, size, sv, max);
	if (n == 0 || n > (int)max)
		abort();
	free(s);
	return 0;
}
