/*
 * tcprulescheck6: show what a rules cdb says about one client.
 *
 * The client is described by the environment, as tcpserver6 would set it:
 * TCPREMOTEIP (default 0.0.0.0; IPv6 text is normalised to the form
 * tcpserver6 prints), TCPREMOTEINFO, TCPREMOTEHOST.  Prints the matching
 * rule, its variables and the verdict on stdout in djb's words.
 * Exit codes: 0 shown, 100 usage, 111 the cdb cannot be read.
 */
#include "die.h"
#include "ip.h"
#include "rules.h"
#include "sbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE "tcprulescheck rules.cdb"
#define OUT_MAX (1u << 20)

static sbuf out = SBUF_INIT(OUT_MAX);

static void
put(const char *s, size_t n)
{
	if (!sbuf_catb(&out, s, n))
		die_x(EXIT_TEMP, "out of memory");
}

static void
puts0(const char *s)
{
	put(s, strlen(s));
}

static void
flush(void)
{
	size_t done = 0;
	ssize_t w;

	while (done < out.len) {
		w = write(1, out.s + done, out.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die_sys(EXIT_TEMP, "unable to write output");
		done += (size_t)w;
	}
	sbuf_reset(&out);
}

/* TCPREMOTEIP, IPv6 text in ip6_fmt form */
static const char *
remote_ip(char *buf)
{
	const char *ip = getenv("TCPREMOTEIP");
	unsigned char a[16];
	size_t n;

	if (!ip)
		return "0.0.0.0";
	n = strlen(ip);
	if (!memchr(ip, ':', n) || ip6_scan(ip, n, a) != n)
		return ip;
	ip6_fmt(buf, a);
	return buf;
}

static int
show(void *ctx, int deny, const char *name, size_t namelen,
     const char *value, size_t valuelen)
{
	(void)ctx;
	if (deny)
		return 1;
	puts0("set environment variable ");
	put(name, namelen);
	put("=", 1);
	put(value, valuelen);
	put("\n", 1);
	return 0;
}

int
main(int argc, char **argv)
{
	sbuf key = SBUF_INIT(0), data = SBUF_INIT(0);
	char ipbuf[IP6_FMT];
	int r;

	die_prog = "tcprulescheck";
	if (argc < 2)
		die_usage(USAGE);
	r = rules_cdb(argv[1], remote_ip(ipbuf), getenv("TCPREMOTEINFO"),
	    getenv("TCPREMOTEHOST"), &key, &data);
	if (r < 0)
		die_sys(EXIT_TEMP, "unable to read %s", argv[1]);
	if (r == 0)
		puts0("default:\n");
	else {
		puts0("rule ");
		put(key.s, key.len);
		puts0(":\n");
	}
	if (r && rules_record(data.s, data.len, show, 0))
		puts0("deny connection\n");
	else
		puts0("allow connection\n");
	flush();
	sbuf_free(&key);
	sbuf_free(&data);
	sbuf_free(&out);
	return 0;
}
