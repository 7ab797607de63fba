/* Fuzz target: rbl_qname.  Input: 16 address bytes, then a list spec.
   The name is a usable DNS name that ends in the base and starts with
   the address in reverse. */
#include "rbl.h"
#include "dns.h"
#include "ip.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[RBL_QNAME_FMT + 16], ares[DNS_NAME_FMT], want[80];
	char rev[IP_REVNAME_FMT];
	unsigned char ip[16];
	rbl_list l;
	size_t n, k;

	if (size < 16)
		return 0;
	memcpy(ip, data, 16);
	if (!rbl_spec_scan((const char *)data + 16, size - 16, 1, &l))
		return 0;
	memset(name, 'Z', sizeof name);
	n = rbl_qname(name, ip, &l);
	if (n >= RBL_QNAME_FMT || name[n] != 0 || strlen(name) != n ||
	    n > 253 || n < l.baselen + 1)
		abort();
	if (memcmp(name + n - l.baselen, l.base, l.baselen) != 0 ||
	    name[n - l.baselen - 1] != '.')
		abort();
	if (dns_name_ares(ares, name, n) != (int)n)
		abort();
	if (ip_is4(ip)) {
		k = (size_t)snprintf(want, sizeof want, "%u.%u.%u.%u.", ip[15],
		    ip[14], ip[13], ip[12]);
		if (memcmp(name, want, k) != 0 || k + l.baselen != n)
			abort();
	} else {
		/* the nibbles are those of the ip6.arpa name */
		ip_revname(rev, ip);
		if (memcmp(name, rev, 64) != 0 ||
		    n != 64 + (l.ipv6label ? 5 : 0) + l.baselen ||
		    (l.ipv6label && memcmp(name + 64, "ipv6.", 5) != 0))
			abort();
	}
	return 0;
}
