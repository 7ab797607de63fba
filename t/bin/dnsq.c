/* dnsq: a tiny client of lib/dns for the tests.
 *
 *   dnsq [ -t ms ] ptr IP       prints the PTR name (djb text form)
 *   dnsq [ -t ms ] addrs NAME   prints the AAAA, then the A addresses
 *
 * Servers from $DNSCACHEIP, else resolv.conf.  Default deadline 5000 ms.
 * Exit codes: 0 found (printed, one per line), 1 no such name / no data
 * (nothing printed), 111 temporary failure or timeout, 100 usage or a
 * garbled $DNSCACHEIP.
 */
#include "die.h"
#include "dns.h"
#include "ip.h"
#include "sbuf.h"
#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USAGE "dnsq [ -t ms ] ptr IP | addrs NAME"
#define ADDRS_MAX 64

static int timeout_ms = 5000;

static dns *
resolver(void)
{
	dns *d = dns_new();

	if (!d && errno == EINVAL)
		die_x(EXIT_USAGE, "unable to parse $DNSCACHEIP");
	if (!d)
		die_sys(EXIT_TEMP, "unable to set up the resolver");
	return d;
}

static int
ptr(const char *arg)
{
	unsigned char ip[16];
	sbuf name = SBUF_INIT(DNS_NAME_FMT);
	dns *d;
	int r;

	if (ip_scan(arg, strlen(arg), ip) != strlen(arg))
		die_usage(USAGE);
	d = resolver();
	r = dns_ptr(d, ip, timeout_ms, &name);
	if (r < 0)
		die_sys(EXIT_TEMP, "unable to find the name of %s", arg);
	if (r > 0)
		printf("%s\n", name.s);
	sbuf_free(&name);
	dns_free(d);
	return r ? 0 : 1;
}

static int
addrs(const char *arg)
{
	unsigned char ip[ADDRS_MAX][16];
	char buf[IP_FMT];
	size_t n, i;
	dns *d = resolver();
	int r;

	r = dns_addrs(d, arg, timeout_ms, ip, ADDRS_MAX, &n);
	if (r < 0)
		die_sys(EXIT_TEMP, "unable to find the addresses of %s", arg);
	for (i = 0; i < n; i++) {
		ip_fmt(buf, ip[i]);
		printf("%s\n", buf);
	}
	dns_free(d);
	return r ? 0 : 1;
}

int
main(int argc, char **argv)
{
	unsigned long v;
	int c, r;

	die_prog = "dnsq";
	while ((c = getopt(argc, argv, "t:")) != -1)
		switch (c) {
		case 't':
			if (!scan_ulong(optarg, 3600000, &v))
				die_usage(USAGE);
			timeout_ms = (int)v;
			break;
		default:
			die_usage(USAGE);
		}
	argv += optind;
	argc -= optind;
	if (argc != 2)
		die_usage(USAGE);
	if (strcmp(argv[0], "ptr") == 0)
		r = ptr(argv[1]);
	else if (strcmp(argv[0], "addrs") == 0)
		r = addrs(argv[1]);
	else
		die_usage(USAGE);
	if (fflush(stdout) != 0)
		die_sys(EXIT_TEMP, "unable to write output");
	return r;
}
