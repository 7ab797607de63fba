/*
 * tcpserver6: accept TCP connections over IPv4 and IPv6, apply tcprules
 * access rules, set PROTO/TCP* and run a program per connection.
 *
 * Chain:  tcpserver6 -x rules.cdb :: 25  rblsmtpd6 ...  qmail-smtpd
 * Reads:  options; $UID/$GID (-U); $DNSCACHEIP or /etc/resolv.conf (PTR).
 * Sets:   PROTO TCPLOCALIP TCPLOCALPORT TCPLOCALHOST TCPREMOTEIP
 *         TCPREMOTEPORT TCPREMOTEHOST TCPREMOTEINFO, their TCP6* mirrors,
 *         TCP6INTERFACE, TCPCONNNUM; then whatever the matching rule sets.
 * Exits:  100 usage; 111 set-up failure; 0 on SIGTERM.  A child exits 100
 *         on deny (rule or per-client limit), 111 when it drops a connection.
 * Behaviour: ../shared/spec/ucspi.md section 6 items 1-26, djb's order of
 * per-connection steps, all messages with the historical "tcpserver: ".
 */
#include "die.h"
#include "dns.h"
#include "env.h"
#include "ip.h"
#include "rules.h"
#include "sbuf.h"
#include "scan.h"
#include "srv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USAGE "tcpserver [ -461UXpPhHrRoOdDqQv ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] [ -I interface ] host port program"
#define OPTS "+:46dDvqQhHrR1UXx:t:u:g:l:b:B:c:C:m:I:pPoO"

static struct {
	int verbosity;          /* -q 0, -Q 1, -v 2 */
	unsigned long limit;    /* -c */
	unsigned long perclient;/* -C, 0 = none */
	unsigned long len4, len6;  /* -m */
	const char *rules;      /* -x */
	int norulesok;          /* -X */
	const char *banner;     /* -B */
	unsigned long uid, gid; /* -u -g -U */
	unsigned long backlog;  /* -b */
	const char *localname;  /* -l */
	unsigned long timeout;  /* -t, seconds, ident and each DNS lookup */
	const char *ifname;     /* -I */
	unsigned int scope;
	int v4only;             /* -4 */
	int force6;             /* -6 */
	int nodelay;            /* -D */
	int killopts;           /* -O */
	int remotehost;         /* -h */
	int paranoid;           /* -p */
	int remoteinfo;         /* -r */
	int printport;          /* -1 */
	const char *host, *port;
	char **prog;
} o = {
	.verbosity = 1, .limit = 40, .len4 = 32, .len6 = 64, .backlog = 20,
	.timeout = 26, .killopts = 1, .remotehost = 1, .remoteinfo = 1,
};

/* ======================================================================
 * the child: one connection, djb's order of steps
 * ====================================================================== */

static struct conn {
	int fd;
	unsigned char lip[16], rip[16];
	unsigned int lport, rport, scope;
	char lipfmt[IP_FMT], ripfmt[IP_FMT];
	char lip6fmt[IP_FMT], rip6fmt[IP_FMT];
	size_t connnum;         /* connections from this client's prefix */
	sbuf localhost, remotehost, remoteinfo;
	int haslocalhost, hasremotehost, hasremoteinfo;
	envmod env;
	dns *dns;
	int deny;
} c;

static void __attribute__((noreturn))
drop(const char *what, const char *arg, int witherr)
{
	if (witherr)
		warn_sys("dropping connection, %s%s", what, arg);
	else
		warn_x("dropping connection, %s%s", what, arg);
	_exit(EXIT_TEMP);
}

static void
nomem_drop(void)
{
	drop("out of memory", "", 0);
}

static void
setenv2(const char *name, const char *value)
{
	char name6[32];

	if (!envmod_set(&c.env, name, value))
		nomem_drop();
	/* every TCP* variable has Fefe's TCP6* mirror */
	if (strncmp(name, "TCP", 3) == 0) {
		snprintf(name6, sizeof name6, "TCP6%s", name + 3);
		if (!envmod_set(&c.env, name6, value))
			nomem_drop();
	}
}

static dns *
resolver(void)
{
	if (!c.dns && !(c.dns = dns_new())) {
		if (errno == EINVAL)
			drop("invalid DNSCACHEIP", "", 0);
		drop("unable to set up DNS", "", 1);
	}
	return c.dns;
}

static int
ptr(const unsigned char ip[16], sbuf *name)
{
	sbuf_reset(name);
	return dns_ptr(resolver(), ip, (int)o.timeout * 1000, name) == 1;
}

/* -p: keep the name only if one of its addresses is the client's. */
static int
confirmed(const char *name, const unsigned char ip[16])
{
	unsigned char addrs[32][16];
	size_t n = 0, i;

	if (dns_addrs(resolver(), name, (int)o.timeout * 1000, addrs, 32,
	    &n) != 1)
		return 0;
	for (i = 0; i < n; i++)
		if (memcmp(addrs[i], ip, 16) == 0)
			return 1;
	return 0;
}

static void
sockaddr_get(const struct sockaddr_storage *sa, unsigned char ip[16],
             unsigned int *port, unsigned int *scope)
{
	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		memset(ip, 0, 10);
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
		*scope = 0;
	} else {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		memcpy(ip, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
		*scope = s6->sin6_scope_id;
	}
}

/* The TCP* text of an address: dotted for IPv4 clients unless -6. */
static void
ipfmt(char *out, char *out6, const unsigned char ip[16])
{
	if (ip_is4(ip) && !o.force6)
		ip4_fmt(out, ip);
	else
		ip6_fmt(out, ip);
	ip6_fmt(out6, ip);
}

static int
ident_deadline_poll(int fd, short ev, const struct timespec *end)
{
	struct pollfd p = { fd, ev, 0 };
	struct timespec now;
	long ms;
	int r;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (end->tv_sec - now.tv_sec) * 1000 +
		    (end->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return 0;
		r = poll(&p, 1, (int)ms);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 0;
	}
}

/* RFC 1413 from the local address to the client's port 113, one deadline. */
static void
ident(void)
{
	struct sockaddr_in6 la = { 0 }, ra = { 0 };
	struct sockaddr_in la4 = { 0 }, ra4 = { 0 };
	struct timespec end;
	char req[32], buf[1024], out[SRV_IDENT_MAX + 1];
	size_t len = 0, outlen;
	int fd, v4 = ip_is4(c.rip);
	ssize_t r;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)o.timeout;
	fd = socket(v4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (v4) {
		la4.sin_family = ra4.sin_family = AF_INET;
		memcpy(&la4.sin_addr, c.lip + 12, 4);
		memcpy(&ra4.sin_addr, c.rip + 12, 4);
		ra4.sin_port = htons(113);
		if (bind(fd, (void *)&la4, sizeof la4) < 0)
			goto out;
		r = connect(fd, (void *)&ra4, sizeof ra4);
	} else {
		la.sin6_family = ra.sin6_family = AF_INET6;
		memcpy(&la.sin6_addr, c.lip, 16);
		memcpy(&ra.sin6_addr, c.rip, 16);
		la.sin6_scope_id = ra.sin6_scope_id = c.scope;
		ra.sin6_port = htons(113);
		if (bind(fd, (void *)&la, sizeof la) < 0)
			goto out;
		r = connect(fd, (void *)&ra, sizeof ra);
	}
	if (r < 0 && errno != EINPROGRESS)
		goto out;
	if (!ident_deadline_poll(fd, POLLOUT, &end))
		goto out;
	{
		int err = 0;
		socklen_t el = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err)
			goto out;
	}
	r = snprintf(req, sizeof req, "%u , %u\r\n", c.rport, c.lport);
	if (write(fd, req, (size_t)r) != r)
		goto out;
	while (len < sizeof buf && !memchr(buf, '\n', len)) {
		if (!ident_deadline_poll(fd, POLLIN, &end))
			goto out;
		r = read(fd, buf + len, sizeof buf - len);
		if (r <= 0)
			goto out;
		len += (size_t)r;
	}
	if (!memchr(buf, '\n', len))
		goto out;
	if (srv_ident_parse(buf, len, out, &outlen)) {
		sbuf_reset(&c.remoteinfo);
		if (!sbuf_catb(&c.remoteinfo, out, outlen))
			nomem_drop();
		c.hasremoteinfo = 1;
	}
out:
	close(fd);
}

static int
apply_instr(void *ctx, int deny, const char *name, size_t nlen,
            const char *value, size_t vlen)
{
	(void)ctx;
	if (deny)
		c.deny = 1;
	else if (!envmod_setb(&c.env, name, nlen, value, vlen))
		nomem_drop();
	return 0;
}

static void
rules(void)
{
	sbuf key = SBUF_INIT(4096), data = SBUF_INIT(1u << 20);
	int r;

	if (!o.rules)
		return;
	r = rules_cdb(o.rules, c.ripfmt, c.hasremoteinfo ? c.remoteinfo.s : 0,
	    c.hasremotehost ? c.remotehost.s : 0, &key, &data);
	if (r < 0) {
		if (errno == ENOENT && o.norulesok)
			return;
		drop("unable to read ", o.rules, 1);
	}
	if (r > 0)
		rules_record(data.s, data.len, apply_instr, 0);
	sbuf_free(&key);
	sbuf_free(&data);
}

/* -C and the rule's MAXCONNIP: over the limit = deny, DIEMSG to the client. */
static void
limit(void)
{
	const char *v = envmod_get(&c.env, "MAXCONNIP");
	unsigned long max = o.perclient;
	const char *msg;

	if (v && !scan_ulong(v, 1000000, &max)) {
		warn_x("invalid MAXCONNIP: %.100s", v);
		max = o.perclient;
	}
	if (!max || c.connnum <= max || c.deny)
		return;
	c.deny = 1;
	msg = envmod_get(&c.env, "DIEMSG");
	if (msg && *msg) {
		size_t n = strlen(msg);
		if (write(c.fd, msg, n) == (ssize_t)n)
			(void)!write(c.fd, "\r\n", 2);
	}
}

static void
logline(void)
{
	char lh[SRV_SAFE_FMT], li[SRV_SAFE_FMT], rh[SRV_SAFE_FMT];
	char ri[SRV_SAFE_FMT], rinfo[SRV_SAFE_FMT];

	if (o.verbosity < 2)
		return;
	srv_safe(lh, c.haslocalhost ? c.localhost.s : "", 1);
	srv_safe(li, c.lipfmt, 0);
	srv_safe(rh, c.hasremotehost ? c.remotehost.s : "", 1);
	srv_safe(ri, c.ripfmt, 0);
	srv_safe(rinfo, c.hasremoteinfo ? c.remoteinfo.s : "", 1);
	die_say("%s %ld %s:%s:%u %s:%s:%s:%u", c.deny ? "deny" : "ok",
	    (long)getpid(), lh, li, c.lport, rh, ri, rinfo, c.rport);
}

static void
setenv_port(const char *name, unsigned int port)
{
	char buf[8];

	snprintf(buf, sizeof buf, "%u", port);
	setenv2(name, buf);
}

static void __attribute__((noreturn))
child(int fd, const struct sockaddr_storage *ra, size_t connnum)
{
	struct sockaddr_storage la;
	socklen_t ll = sizeof la;
	sigset_t none;
	char num[24];
	int one = 1;

	c.fd = fd;
	c.connnum = connnum;
	c.localhost.max = c.remotehost.max = 1024;
	c.remoteinfo.max = SRV_IDENT_MAX + 1;
	sockaddr_get(ra, c.rip, &c.rport, &c.scope);
	ipfmt(c.ripfmt, c.rip6fmt, c.rip);
	if (o.verbosity >= 2)
		die_say("pid %ld from %s", (long)getpid(), c.ripfmt);

	if (o.killopts && ra->ss_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_OPTIONS, 0, 0);
	if (o.nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (o.banner && *o.banner) {
		size_t n = strlen(o.banner), w = 0;
		while (w < n) {
			ssize_t r = write(fd, o.banner + w, n - w);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				drop("unable to print banner", "", 1);
			w += (size_t)r;
		}
	}
	if (getsockname(fd, (void *)&la, &ll) < 0)
		drop("unable to get local address", "", 1);
	{
		unsigned int dummy;
		sockaddr_get(&la, c.lip, &c.lport, &dummy);
	}
	ipfmt(c.lipfmt, c.lip6fmt, c.lip);

	if (o.localname) {
		if (!sbuf_cats(&c.localhost, o.localname))
			nomem_drop();
		c.haslocalhost = 1;
	} else
		c.haslocalhost = ptr(c.lip, &c.localhost);
	setenv2("PROTO", ip_is4(c.rip) && !o.force6 ? "TCP" : "TCP6");
	if (!envmod_set(&c.env, "TCPLOCALIP", c.lipfmt) ||
	    !envmod_set(&c.env, "TCP6LOCALIP", c.lip6fmt))
		nomem_drop();
	setenv_port("TCPLOCALPORT", c.lport);
	setenv2("TCPLOCALHOST", c.haslocalhost ? c.localhost.s : 0);

	if (o.remotehost) {
		c.hasremotehost = ptr(c.rip, &c.remotehost);
		if (c.hasremotehost && o.paranoid &&
		    !confirmed(c.remotehost.s, c.rip))
			c.hasremotehost = 0;
	}
	if (!envmod_set(&c.env, "TCPREMOTEIP", c.ripfmt) ||
	    !envmod_set(&c.env, "TCP6REMOTEIP", c.rip6fmt))
		nomem_drop();
	setenv_port("TCPREMOTEPORT", c.rport);
	setenv2("TCPREMOTEHOST", c.hasremotehost ? c.remotehost.s : 0);
	{
		char ifn[IF_NAMESIZE];
		const char *v = 0;
		if (!ip_is4(c.rip) && c.scope)
			v = if_indextoname(c.scope, ifn) ? ifn : "[unknown]";
		if (!envmod_set(&c.env, "TCP6INTERFACE", v))
			nomem_drop();
	}
	snprintf(num, sizeof num, "%zu", c.connnum);
	if (!envmod_set(&c.env, "TCPCONNNUM", num))
		nomem_drop();

	if (o.remoteinfo)
		ident();
	setenv2("TCPREMOTEINFO", c.hasremoteinfo ? c.remoteinfo.s : 0);

	rules();
	limit();
	logline();
	if (c.deny)
		_exit(EXIT_USAGE);

	if ((fd != 0 && dup2(fd, 0) < 0) || (fd != 1 && dup2(fd, 1) < 0))
		drop("unable to set up descriptors", "", 1);
	if (fd > 1)
		close(fd);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
	envmod_exec(&c.env, o.prog);
	drop("unable to run ", o.prog[0], 1);
}

/* ======================================================================
 * the parent: options, socket, accept loop
 * ====================================================================== */

static void __attribute__((noreturn))
usage(void)
{
	die_usage(USAGE);
}

static unsigned long
optnum(const char *s, unsigned long min, unsigned long max)
{
	unsigned long v;

	if (!scan_ulong(s, max, &v) || v < min)
		usage();
	return v;
}

static void
options(int argc, char **argv)
{
	int ch;

	opterr = 0;
	while ((ch = getopt(argc, argv, OPTS)) != -1) {
		switch (ch) {
		case '4': o.v4only = 1; break;
		case '6': o.force6 = 1; break;
		case 'd': o.nodelay = 0; break;
		case 'D': o.nodelay = 1; break;
		case 'v': o.verbosity = 2; break;
		case 'q': o.verbosity = 0; break;
		case 'Q': o.verbosity = 1; break;
		case 'h': o.remotehost = 1; break;
		case 'H': o.remotehost = 0; break;
		case 'r': o.remoteinfo = 1; break;
		case 'R': o.remoteinfo = 0; break;
		case '1': o.printport = 1; break;
		case 'U': {
			const char *u = getenv("UID"), *g = getenv("GID");
			if (u && !scan_ulong(u, 0xfffffffeUL, &o.uid))
				die_x(EXIT_USAGE, "invalid $UID: %.100s", u);
			if (g && !scan_ulong(g, 0xfffffffeUL, &o.gid))
				die_x(EXIT_USAGE, "invalid $GID: %.100s", g);
			break;
		}
		case 'X': o.norulesok = 1; break;
		case 'x': o.rules = optarg; break;
		case 't': o.timeout = optnum(optarg, 1, 86400); break;
		case 'u': o.uid = optnum(optarg, 0, 0xfffffffeUL); break;
		case 'g': o.gid = optnum(optarg, 0, 0xfffffffeUL); break;
		case 'l': o.localname = optarg; break;
		case 'b': o.backlog = optnum(optarg, 1, 65535); break;
		case 'B': o.banner = optarg; break;
		case 'c': o.limit = optnum(optarg, 1, 65536); break;
		case 'C': o.perclient = optnum(optarg, 0, 65536); break;
		case 'm': {
			const char *sl = strchr(optarg, '/');
			if (!sl || !scan_ulongn(optarg, (size_t)(sl - optarg), 32,
			    &o.len4) || !scan_ulong(sl + 1, 128, &o.len6))
				usage();
			break;
		}
		case 'I': o.ifname = optarg; break;
		case 'p': o.paranoid = 1; break;
		case 'P': o.paranoid = 0; break;
		case 'o': o.killopts = 0; break;
		case 'O': o.killopts = 1; break;
		case ':':
			die_say("option requires an argument -- %c", optopt);
			usage();
		default:
			die_say("illegal option -- %c", optopt);
			usage();
		}
	}
	argv += optind;
	if (o.verbosity == 0)   /* djb: -q silences even the usage below */
		die_quiet = 1;
	if (!(o.host = *argv++) || !(o.port = *argv++) || !*argv)
		usage();
	o.prog = argv;
}

static unsigned int
port_number(const char *s)
{
	unsigned long v;
	struct servent *se;

	if (scan_ulong(s, 65535, &v))
		return (unsigned int)v;
	se = getservbyname(s, "tcp");
	if (!se)
		die_x(EXIT_TEMP, "unable to figure out port number for %s", s);
	return ntohs((unsigned short)se->s_port);
}

/* The address to bind: "0", "" and "::" dual-stack; literals; names. */
static int
bind_address(unsigned char ip[16])
{
	size_t len = strlen(o.host), n = 0, i;
	unsigned char addrs[16][16];
	dns *d;
	int r;

	memset(ip, 0, 16);
	if (len == 0 || strcmp(o.host, "0") == 0) {
		if (o.v4only) {
			ip[10] = ip[11] = 0xff;
			return AF_INET;
		}
		return AF_INET6;
	}
	if (ip4_scan(o.host, len, ip) == len)
		return AF_INET;
	if (ip6_scan(o.host, len, ip) == len) {
		if (o.v4only && !ip_is4(ip))
			die_x(EXIT_TEMP, "no IP address for %s", o.host);
		return ip_is4(ip) ? AF_INET : AF_INET6;
	}
	if (strcmp(o.host, "localhost") == 0) {  /* as djb's resolver */
		ip4_scan("127.0.0.1", 9, ip);
		return AF_INET;
	}
	d = dns_new();
	if (!d)
		die_sys(EXIT_TEMP, "temporarily unable to figure out IP address for %s",
		    o.host);
	r = dns_addrs(d, o.host, (int)o.timeout * 1000, addrs, 16, &n);
	dns_free(d);
	if (r < 0) {
		errno = EAGAIN;
		die_sys(EXIT_TEMP, "temporarily unable to figure out IP address for %s",
		    o.host);
	}
	for (i = 0; i < n; i++)     /* AAAA first (Fefe), then A */
		if (!ip_is4(addrs[i]) && !o.v4only) {
			memcpy(ip, addrs[i], 16);
			return AF_INET6;
		}
	for (i = 0; i < n; i++)
		if (ip_is4(addrs[i])) {
			memcpy(ip, addrs[i], 16);
			return AF_INET;
		}
	die_x(EXIT_TEMP, "no IP address for %s", o.host);
}

static int
listen_socket(unsigned int *bound)
{
	unsigned char ip[16];
	unsigned int port = port_number(o.port);
	int family = bind_address(ip), fd, one = 1, zero = 0;
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;

	if (o.ifname) {
		o.scope = if_nametoindex(o.ifname);
		if (!o.scope)
			die_sys(EXIT_TEMP, "unable to find interface %s", o.ifname);
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && family == AF_INET6 &&
	    (errno == EAFNOSUPPORT || errno == EINVAL) &&
	    memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0) {
		family = AF_INET;   /* no IPv6 in this kernel */
		fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	}
	if (fd < 0)
		die_sys(EXIT_TEMP, "unable to create socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)&ss;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ip, 16);
		s6->sin6_port = htons((unsigned short)port);
		s6->sin6_scope_id = o.scope;
		sl = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (void *)&ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, ip + 12, 4);
		s4->sin_port = htons((unsigned short)port);
		sl = sizeof *s4;
	}
	if (bind(fd, (void *)&ss, sl) < 0)
		die_sys(EXIT_TEMP, "unable to bind");
	sl = sizeof ss;
	if (getsockname(fd, (void *)&ss, &sl) < 0)
		die_sys(EXIT_TEMP, "unable to get local address");
	if (listen(fd, (int)o.backlog) < 0)
		die_sys(EXIT_TEMP, "unable to listen");
	*bound = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void
drop_privileges(void)
{
	gid_t g = (gid_t)o.gid;

	if (o.gid && (setgroups(1, &g) < 0 || setgid(g) < 0))
		die_sys(EXIT_TEMP, "unable to set gid");
	if (o.uid && setuid((uid_t)o.uid) < 0)
		die_sys(EXIT_TEMP, "unable to set uid");
}

static srv_children kids;

static void
status(void)
{
	if (o.verbosity >= 2)
		die_say("status: %zu/%lu", kids.n, o.limit);
}

static void
reap(void)
{
	pid_t pid;
	int ws;

	while ((pid = waitpid(-1, &ws, WNOHANG)) > 0) {
		if (!srv_children_del(&kids, pid))
			continue;
		if (o.verbosity >= 2) {
			die_say("end %ld status %d", (long)pid, ws);
			status();
		}
	}
}

static void
on_term(int sig)
{
	(void)sig;
	_exit(0);
}

/* Accepts until the backlog is empty or the limit is reached. */
static void
accept_some(int lfd)
{
	while (kids.n < o.limit) {
		struct sockaddr_storage ra;
		socklen_t rl = sizeof ra;
		unsigned char ip[16], key[16];
		unsigned int port, scope;
		size_t num;
		pid_t pid;
		int fd = accept4(lfd, (void *)&ra, &rl, 0);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS
			    || errno == ENOMEM)
				usleep(100000);   /* pause instead of spinning */
			return;
		}
		sockaddr_get(&ra, ip, &port, &scope);
		srv_client_key(key, ip, (unsigned)o.len4, (unsigned)o.len6);
		num = srv_children_count(&kids, key) + 1;
		if (num > 1) {   /* children of this client may have ended */
			reap();
			num = srv_children_count(&kids, key) + 1;
		}
		if (o.verbosity >= 2)
			die_say("status: %zu/%lu", kids.n + 1, o.limit);
		pid = fork();
		if (pid == 0) {
			close(lfd);
			child(fd, &ra, num);
		}
		if (pid < 0) {
			warn_sys("dropping connection, unable to fork");
			status();
		} else
			srv_children_add(&kids, pid, key);
		close(fd);
	}
}

static void __attribute__((noreturn))
serve(int lfd, int sfd)
{
	struct pollfd p[2];

	for (;;) {
		int n = 0;
		p[n].fd = sfd; p[n].events = POLLIN; p[n].revents = 0; n++;
		if (kids.n < o.limit) {
			p[n].fd = lfd; p[n].events = POLLIN; p[n].revents = 0; n++;
		}
		if (poll(p, (nfds_t)n, -1) < 0)
			continue;
		if (p[0].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) > 0)
				;
			reap();
		}
		if (n > 1 && p[1].revents)
			accept_some(lfd);
	}
}

/* A garbled $DNSCACHEIP is a configuration error, found at start-up rather
   than on every connection. */
static void
check_dnscacheip(void)
{
	dns_server sv[DNS_SERVERS_MAX];
	const char *v = getenv("DNSCACHEIP");

	if (v && dns_servers_scan(v, strlen(v), sv, DNS_SERVERS_MAX) < 0)
		die_x(EXIT_USAGE, "invalid DNSCACHEIP: %.100s", v);
}

int
main(int argc, char **argv)
{
	sigset_t chld;
	unsigned int port;
	int lfd, sfd, devnull;

	die_prog = "tcpserver";
	options(argc, argv);
	check_dnscacheip();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, 0);
	sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0 || !srv_children_init(&kids, o.limit))
		die_x(EXIT_TEMP, "out of memory");

	lfd = listen_socket(&port);
	drop_privileges();
	if (o.printport) {
		char buf[8];
		int n = snprintf(buf, sizeof buf, "%u\n", port);
		(void)!write(1, buf, (size_t)n);
	}
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {   /* djb closes 0 and 1; keep them harmless */
		dup2(devnull, 0);
		dup2(devnull, 1);
		if (devnull > 1)
			close(devnull);
	}
	status();
	serve(lfd, sfd);
}
