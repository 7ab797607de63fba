/* fuzz lib/ip scanners: whatever is accepted must survive fmt -> scan */
#include "ip.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef size_t (*scanner)(const char *, size_t, unsigned char *);
typedef size_t (*formatter)(char *, const unsigned char *);

/* fmt the address, check the text, scan it back whole with sc */
static void
round_trip(const unsigned char ip[16], formatter fm, scanner sc)
{
	char out[IP6_FMT + 8];
	unsigned char back[16];
	size_t k;

	memset(out, 'x', sizeof out);
	k = fm(out, ip);
	if (k >= IP6_FMT || out[k] != 0 || strlen(out) != k)
		abort();
	if (sc(out, k, back) != k || memcmp(ip, back, 16))
		abort();
}

/* dotted parts with leading zeros: we accept them, inet_pton does not */
static int
has_lz(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	unsigned char ip[16], ref[16];
	char buf[64], rev[IP_REVNAME_FMT];
	size_t k;

	k = ip4_scan(s, size, ip);
	if (k > size || (k && !ip_is4(ip)))
		abort();
	if (k) {
		round_trip(ip, ip4_fmt, ip4_scan);
		round_trip(ip, ip_fmt, ip_scan);
		round_trip(ip, ip6_fmt, ip6_scan);
	}

	k = ip6_scan(s, size, ip);
	if (k > size)
		abort();
	if (k) {
		round_trip(ip, ip6_fmt, ip6_scan);
		round_trip(ip, ip6_fmt5952, ip6_scan);
		round_trip(ip, ip_fmt, ip_scan);
		if (ip_revname(rev, ip) >= IP_REVNAME_FMT)
			abort();
		/* the consumed text is an address for inet_pton too */
		if (k < sizeof buf && !has_lz(s, k)) {
			memcpy(buf, s, k);
			buf[k] = 0;
			if (inet_pton(AF_INET6, buf, ref) != 1
			    || memcmp(ip, ref, 16))
				abort();
		}
	}
	/* nothing inet_pton accepts as a whole is rejected */
	if (size < sizeof buf && !has_lz(s, size)) {
		memcpy(buf, s, size);
		buf[size] = 0;
		if (strlen(buf) == size && inet_pton(AF_INET6, buf, ref) == 1
		    && k != size)
			abort();
	}

	k = ip_scan(s, size, ip);
	if (k > size)
		abort();
	if (k)
		round_trip(ip, ip_fmt, ip_scan);
	return 0;
}
