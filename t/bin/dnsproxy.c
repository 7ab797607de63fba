/*
 * dnsproxy: a small UDP DNS forwarder for the tests and the benchmarks.
 *
 *   dnsproxy -l LISTEN [-l LISTEN ...] -u UPSTREAM [-D ms] [-q FILE]
 *            [-z ZONE=RULE ...] [-L seconds]
 *
 * LISTEN and UPSTREAM are written as in $DNSCACHEIP: 127.0.0.1:53,
 * [::1]:53 (port 53 when left out).  Every query that arrives on a LISTEN
 * address is logged as one line "NAME TYPE" (NAME as c-ares writes it,
 * e.g. 2.0.0.127.bl.test, TYPE A, TXT, AAAA... or TYPEnn) to FILE
 * (appended, default stderr), then handled by the first rule whose ZONE
 * is the name or a suffix of it at a label boundary (case-insensitive):
 *   drop        never answer
 *   servfail    answer SERVFAIL here, without asking upstream
 *   delay:MS    forward, answer MS milliseconds after the query came in
 * and otherwise forwarded to UPSTREAM with a fresh id; the answer goes
 * back to the client -D ms (default 0) after the query came in, or as
 * soon as it arrives when upstream is slower than that.
 *
 * Bounded: at most PEND_MAX queries in flight (others are dropped and
 * logged), an upstream answer not seen within UPSTREAM_MS is given up
 * (the client gets nothing, as from a lost packet), datagrams over
 * PKT_MAX bytes are cut, and the process exits by itself after -L
 * seconds (default 900) so a forgotten proxy never outlives a test run.
 *
 * Exit codes: 100 usage, 111 socket or file errors.
 */
#include "die.h"
#include "dns.h"
#include "scan.h"

#include <ares.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define USAGE "dnsproxy -l ip:port [-l ...] -u ip:port [-D ms] [-q file] " \
	"[-z zone=drop|servfail|delay:ms ...] [-L seconds]"
#define LISTEN_MAX 4
#define ZONE_MAX 32
#define ZONE_LEN 256
#define PEND_MAX 512
#define PKT_MAX 4096
#define UPSTREAM_MS 5000
#define DELAY_MAX 600000UL

enum action { ACT_FORWARD, ACT_DROP, ACT_SERVFAIL };

struct zone {
	char name[ZONE_LEN];    /* lowercase, no trailing dot */
	enum action act;
	long delay_ms;          /* -1: the default (-D) */
};

enum pstate { P_FREE, P_UPSTREAM, P_HOLD };

struct pend {
	enum pstate state;
	int lfd;                        /* listening socket it came in on */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	unsigned int cid, uid;          /* client's id, id sent upstream */
	long long send_at;              /* ms: not before this */
	long long expire;               /* ms: give up upstream */
	size_t len;
	unsigned char buf[PKT_MAX];
};

static struct zone zones[ZONE_MAX];
static size_t nzones;
static int lfds[LISTEN_MAX];
static size_t nlfds;
static int ufd = -1;
static int logfd = 2;
static long default_delay;
static struct pend pend[PEND_MAX];
static unsigned int nextid = 0x2545u;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
logline(const char *s)
{
	size_t n = strlen(s);

	/* one write per line: lines of concurrent writers never mix */
	if (write(logfd, s, n) < 0) {
		/* nothing better to do; the test will see the line missing */
	}
}

/* --- command line ------------------------------------------------------ */

static socklen_t
sockaddr_of(const dns_server *s, struct sockaddr_storage *ss)
{
	static const unsigned char v4mapped[12] =
	    { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

	memset(ss, 0, sizeof *ss);
	if (memcmp(s->ip, v4mapped, 12) == 0) {
		struct sockaddr_in *sa = (struct sockaddr_in *)ss;

		sa->sin_family = AF_INET;
		sa->sin_port = htons((unsigned short)s->port);
		memcpy(&sa->sin_addr, s->ip + 12, 4);
		return sizeof *sa;
	} else {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;

		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons((unsigned short)s->port);
		memcpy(&sa->sin6_addr, s->ip, 16);
		return sizeof *sa;
	}
}

static void
addr_arg(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	dns_server s;

	if (dns_servers_scan(arg, strlen(arg), &s, 1) != 1)
		die_x(EXIT_USAGE, "bad address: %s", arg);
	*len = sockaddr_of(&s, ss);
}

static int
udp_socket(const struct sockaddr_storage *ss, socklen_t len, int bindit,
           const char *arg)
{
	int fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	                0);
	int one = 1;

	if (fd < 0)
		die_sys(EXIT_TEMP, "unable to create a socket for %s", arg);
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bindit && bind(fd, (const struct sockaddr *)ss, len) < 0)
		die_sys(EXIT_TEMP, "unable to bind to %s", arg);
	if (!bindit && connect(fd, (const struct sockaddr *)ss, len) < 0)
		die_sys(EXIT_TEMP, "unable to connect to %s", arg);
	return fd;
}

static unsigned long
ms_arg(const char *s)
{
	unsigned long v;

	if (!scan_ulong(s, DELAY_MAX, &v))
		die_x(EXIT_USAGE, "bad milliseconds: %s", s);
	return v;
}

/* ZONE=drop | ZONE=servfail | ZONE=delay:MS */
static void
zone_arg(const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct zone *z;
	size_t n, i;

	if (nzones == ZONE_MAX)
		die_x(EXIT_USAGE, "more than %d -z rules", ZONE_MAX);
	if (!eq || eq == arg)
		die_x(EXIT_USAGE, "bad zone rule: %s", arg);
	n = (size_t)(eq - arg);
	if (arg[n - 1] == '.')
		n--;
	if (n == 0 || n >= ZONE_LEN)
		die_x(EXIT_USAGE, "bad zone rule: %s", arg);
	z = &zones[nzones];
	for (i = 0; i < n; i++) {
		char c = arg[i];

		z->name[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	z->name[n] = 0;
	z->delay_ms = -1;
	if (strcmp(eq + 1, "drop") == 0)
		z->act = ACT_DROP;
	else if (strcmp(eq + 1, "servfail") == 0)
		z->act = ACT_SERVFAIL;
	else if (strncmp(eq + 1, "delay:", 6) == 0) {
		z->act = ACT_FORWARD;
		z->delay_ms = (long)ms_arg(eq + 7);
	} else
		die_x(EXIT_USAGE, "bad zone rule: %s", arg);
	nzones++;
}

/* --- queries ------------------------------------------------------------ */

static const struct zone *
zone_match(const char *name)
{
	size_t n = strlen(name), i;

	if (n && name[n - 1] == '.')
		n--;
	for (i = 0; i < nzones; i++) {
		size_t zn = strlen(zones[i].name);

		if (zn > n || strncasecmp(name + n - zn, zones[i].name, zn))
			continue;
		if (zn == n || name[n - zn - 1] == '.')
			return &zones[i];
	}
	return 0;
}

static const char *
type_name(unsigned int t, char *buf, size_t n)
{
	switch (t) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 12: return "PTR";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 255: return "ANY";
	}
	snprintf(buf, n, "TYPE%u", t);
	return buf;
}

static struct pend *
pend_free_slot(void)
{
	size_t i;

	for (i = 0; i < PEND_MAX; i++)
		if (pend[i].state == P_FREE)
			return &pend[i];
	return 0;
}

static unsigned int
fresh_id(void)
{
	/* ids need not be secret here, only distinct among those in flight;
	   PEND_MAX < 65536, so a free one is always found */
	for (;;) {
		size_t i;
		unsigned int id = nextid;

		nextid = (nextid + 1) & 0xffffu;
		for (i = 0; i < PEND_MAX; i++)
			if (pend[i].state == P_UPSTREAM && pend[i].uid == id)
				break;
		if (i == PEND_MAX)
			return id;
	}
}

static void
set_id(unsigned char *buf, unsigned int id)
{
	buf[0] = (unsigned char)(id >> 8);
	buf[1] = (unsigned char)id;
}

static void
pend_send(struct pend *p)
{
	if (sendto(p->lfd, p->buf, p->len, 0,
	           (const struct sockaddr *)&p->peer, p->peerlen) < 0) {
		/* a lost answer, as on a real network */
	}
	p->state = P_FREE;
}

/* SERVFAIL for the query in p->buf (header and question kept, the rest
   dropped); qlen = header + question bytes. */
static void
make_servfail(struct pend *p, size_t qlen)
{
	unsigned char *b = p->buf;

	b[2] = (unsigned char)(0x80 | (b[2] & 0x79));   /* QR, opcode, RD */
	b[3] = 0x80 | 2;                                /* RA, SERVFAIL */
	b[4] = 0; b[5] = 1;
	memset(b + 6, 0, 6);
	p->len = qlen;
}

static void
query_in(int lfd)
{
	unsigned char buf[PKT_MAX];
	struct sockaddr_storage peer;
	socklen_t peerlen = sizeof peer;
	ssize_t r = recvfrom(lfd, buf, sizeof buf, 0,
	                     (struct sockaddr *)&peer, &peerlen);
	char *name = 0, line[1200], tbuf[16];
	long enclen;
	unsigned int qtype;
	const struct zone *z;
	struct pend *p;
	long long now = now_ms();
	long delay = default_delay;

	if (r < 12 || (buf[2] & 0x80) || buf[4] != 0 || buf[5] != 1)
		return;                 /* not a one-question query */
	if (ares_expand_name(buf + 12, buf, (int)r, &name, &enclen)
	    != ARES_SUCCESS)
		return;
	if (12 + enclen + 4 > r) {
		ares_free_string(name);
		return;
	}
	qtype = (unsigned int)buf[12 + enclen] << 8 | buf[12 + enclen + 1];
	snprintf(line, sizeof line, "%s %s\n", name,
	         type_name(qtype, tbuf, sizeof tbuf));
	logline(line);
	z = zone_match(name);
	ares_free_string(name);
	if (z && z->act == ACT_DROP)
		return;
	if (z && z->delay_ms >= 0)
		delay = z->delay_ms;
	p = pend_free_slot();
	if (!p) {
		logline("dnsproxy: too many queries in flight, one dropped\n");
		return;
	}
	p->lfd = lfd;
	memcpy(&p->peer, &peer, peerlen);
	p->peerlen = peerlen;
	p->send_at = now + delay;
	memcpy(p->buf, buf, (size_t)r);
	p->len = (size_t)r;
	if (z && z->act == ACT_SERVFAIL) {
		make_servfail(p, (size_t)(12 + enclen + 4));
		p->state = P_HOLD;
		return;
	}
	p->cid = (unsigned int)buf[0] << 8 | buf[1];
	p->uid = fresh_id();
	set_id(p->buf, p->uid);
	if (send(ufd, p->buf, p->len, 0) < 0) {
		/* upstream unreachable: the client just times out */
		p->state = P_FREE;
		return;
	}
	p->expire = now + UPSTREAM_MS;
	p->state = P_UPSTREAM;
}

static void
answer_in(void)
{
	unsigned char buf[PKT_MAX];
	ssize_t r = recv(ufd, buf, sizeof buf, 0);
	unsigned int id;
	size_t i;

	if (r < 12 || !(buf[2] & 0x80))
		return;
	id = (unsigned int)buf[0] << 8 | buf[1];
	for (i = 0; i < PEND_MAX; i++) {
		struct pend *p = &pend[i];

		if (p->state != P_UPSTREAM || p->uid != id)
			continue;
		memcpy(p->buf, buf, (size_t)r);
		p->len = (size_t)r;
		set_id(p->buf, p->cid);
		p->state = P_HOLD;
		if (now_ms() >= p->send_at)
			pend_send(p);
		return;
	}
}

/* Sends what is due, gives up what expired; returns the ms until the
   next event (-1: none). */
static int
timers(void)
{
	long long now = now_ms(), next = -1;
	size_t i;

	for (i = 0; i < PEND_MAX; i++) {
		struct pend *p = &pend[i];
		long long at;

		if (p->state == P_HOLD && p->send_at <= now)
			pend_send(p);
		else if (p->state == P_UPSTREAM && p->expire <= now) {
			logline("dnsproxy: no answer from upstream\n");
			p->state = P_FREE;
		}
		if (p->state == P_FREE)
			continue;
		at = p->state == P_HOLD ? p->send_at : p->expire;
		if (next < 0 || at < next)
			next = at;
	}
	return next < 0 ? -1 : (int)(next - now);
}

static void
serve(long long end)
{
	struct pollfd pfd[LISTEN_MAX + 1];
	size_t i;

	for (i = 0; i < nlfds; i++) {
		pfd[i].fd = lfds[i];
		pfd[i].events = POLLIN;
	}
	pfd[nlfds].fd = ufd;
	pfd[nlfds].events = POLLIN;
	for (;;) {
		int wait = timers();
		long long left = end - now_ms();

		if (left <= 0)
			return;
		if (wait < 0 || wait > left)
			wait = (int)left;
		if (poll(pfd, nlfds + 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			die_sys(EXIT_TEMP, "poll failed");
		}
		for (i = 0; i < nlfds; i++)
			if (pfd[i].revents & POLLIN)
				query_in(lfds[i]);
		if (pfd[nlfds].revents & (POLLIN | POLLERR))
			answer_in();
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	unsigned long life = 900;
	const char *up = 0;
	int c;

	die_prog = "dnsproxy";
	while ((c = getopt(argc, argv, "l:u:D:z:q:L:")) != -1) {
		switch (c) {
		case 'l':
			if (nlfds == LISTEN_MAX)
				die_usage(USAGE);
			addr_arg(optarg, &ss, &len);
			lfds[nlfds++] = udp_socket(&ss, len, 1, optarg);
			break;
		case 'u':
			up = optarg;
			break;
		case 'D':
			default_delay = (long)ms_arg(optarg);
			break;
		case 'z':
			zone_arg(optarg);
			break;
		case 'q':
			logfd = open(optarg, O_WRONLY | O_CREAT | O_APPEND |
			             O_CLOEXEC, 0644);
			if (logfd < 0)
				die_sys(EXIT_TEMP, "unable to open %s", optarg);
			break;
		case 'L':
			if (!scan_ulong(optarg, 86400, &life) || !life)
				die_usage(USAGE);
			break;
		default:
			die_usage(USAGE);
		}
	}
	if (!nlfds || !up || optind != argc)
		die_usage(USAGE);
	addr_arg(up, &ss, &len);
	ufd = udp_socket(&ss, len, 0, up);
	serve(now_ms() + (long long)life * 1000);
	return 0;
}
