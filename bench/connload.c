/*
 * connload: connection-rate load client for bench/tcpserver.sh.
 *
 *   connload [ -c clients ] [ -n conns ] [ -t seconds ] [ -w ms ] -a addr -p port
 *
 * Starts C threads (default 20).  Each one connects to addr:port, reads until
 * EOF, closes and starts over, until N connections (default 20000) have been
 * started or T seconds (default 10) have passed.  A connection's latency is
 * measured from just before connect() to EOF (CLOCK_MONOTONIC).  Every socket
 * operation has a deadline of W ms (default 5000) counted from connect().
 * A failed connect, a timeout, a read error or a connection closed without a
 * single byte (a server that denied it) counts as an error, not as fatal.
 *
 * Prints one line on stdout:
 *   conns=N secs=S cps=X p50_ms=.. p99_ms=.. errors=E
 * (conns = connections that ended with data and EOF; cps = conns / secs)
 * and, if there were errors, their kinds on stderr.
 * Exit 0 when the run was made, 100 on a usage error, 111 on a setup error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define USAGE "connload [ -c clients ] [ -n conns ] [ -t seconds ] [ -w ms ] -a addr -p port"
#define MAX_CLIENTS 1000
#define MAX_CONNS 10000000UL
#define MAX_SECS 3600UL
#define MAX_WAIT_MS 600000UL

enum { E_SOCKET, E_CONNECT, E_TIMEOUT, E_READ, E_EMPTY, E_KINDS };
static const char *const ekind[E_KINDS] = {
	"socket", "connect", "timeout", "read", "empty",
};

static struct sockaddr_storage target;
static socklen_t targetlen;
static unsigned long nconns = 20000, nsecs = 10, wait_ms = 5000;
static unsigned long nclients = 20;
static double t_stop;            /* no new connection after this */
static double *lat;              /* lat[slot] in seconds, < 0: none */
static atomic_ulong issued;
static atomic_ulong errs[E_KINDS];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "connload: usage: %s\n", USAGE);
	exit(100);
}

static unsigned long number(const char *s, unsigned long min, unsigned long max)
{
	unsigned long v = 0;
	if (!*s)
		usage();
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			usage();
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			usage();
	}
	if (v < min)
		usage();
	return v;
}

static void set_target(const char *addr, unsigned long port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&target;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&target;
	memset(&target, 0, sizeof target);
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		targetlen = sizeof *s4;
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		targetlen = sizeof *s6;
	} else {
		usage();
	}
}

/* Wait for ev on fd until the absolute deadline; 1 ready, 0 timed out. */
static int wait_for(int fd, short ev, double deadline)
{
	for (;;) {
		double left = deadline - now();
		if (left <= 0)
			return 0;
		struct pollfd p = { fd, ev, 0 };
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1;   /* let the next call report the error */
	}
}

/* One connection: connect, read to EOF.  Latency in seconds, or -1 - kind. */
static double one_conn(void)
{
	char buf[512];
	size_t got = 0;
	int fd = socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1 - E_SOCKET;
	double t0 = now(), deadline = t0 + (double)wait_ms / 1000;
	int kind = -1;
	if (connect(fd, (struct sockaddr *)&target, targetlen) < 0) {
		int e = 0;
		socklen_t elen = sizeof e;
		if (errno != EINPROGRESS) {
			kind = E_CONNECT;
			goto out;
		}
		if (!wait_for(fd, POLLOUT, deadline)) {
			kind = E_TIMEOUT;
			goto out;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0 || e) {
			kind = E_CONNECT;
			goto out;
		}
	}
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			kind = E_READ;
			goto out;
		}
		if (!wait_for(fd, POLLIN, deadline)) {
			kind = E_TIMEOUT;
			goto out;
		}
	}
	if (!got)
		kind = E_EMPTY;
out:;
	double t1 = now();
	close(fd);
	return kind < 0 ? t1 - t0 : -1 - kind;
}

static void *client(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long slot = atomic_fetch_add(&issued, 1);
		if (slot >= nconns || now() >= t_stop)
			break;
		double l = one_conn();
		if (l < 0) {
			atomic_fetch_add(&errs[(int)(-1 - l)], 1);
			/* back off a little so a dead server is not hammered */
			struct timespec ts = { 0, 1000 * 1000 };
			nanosleep(&ts, NULL);
		} else {
			lat[slot] = l;
		}
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* nearest-rank percentile of sorted v[0..n) */
static double pct(const double *v, size_t n, double q)
{
	if (!n)
		return 0;
	size_t k = (size_t)ceil(q * (double)n);
	if (k < 1)
		k = 1;
	return v[k - 1];
}

static void report(double secs)
{
	size_t n = 0;
	unsigned long e = 0;
	for (unsigned long i = 0; i < nconns; i++)
		if (lat[i] >= 0)
			lat[n++] = lat[i];
	qsort(lat, n, sizeof *lat, cmp);
	for (int k = 0; k < E_KINDS; k++)
		e += atomic_load(&errs[k]);
	printf("conns=%zu secs=%.3f cps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%lu\n",
	       n, secs, secs > 0 ? (double)n / secs : 0.0,
	       pct(lat, n, 0.50) * 1000, pct(lat, n, 0.99) * 1000, e);
	if (e) {
		fprintf(stderr, "connload: errors:");
		for (int k = 0; k < E_KINDS; k++)
			fprintf(stderr, " %s=%lu", ekind[k], atomic_load(&errs[k]));
		fprintf(stderr, "\n");
	}
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *port = NULL;
	pthread_t th[MAX_CLIENTS];
	int o;
	while ((o = getopt(argc, argv, "c:n:t:w:a:p:")) != -1) {
		switch (o) {
		case 'c': nclients = number(optarg, 1, MAX_CLIENTS); break;
		case 'n': nconns = number(optarg, 1, MAX_CONNS); break;
		case 't': nsecs = number(optarg, 1, MAX_SECS); break;
		case 'w': wait_ms = number(optarg, 1, MAX_WAIT_MS); break;
		case 'a': addr = optarg; break;
		case 'p': port = optarg; break;
		default: usage();
		}
	}
	if (!addr || !port || optind != argc)
		usage();
	set_target(addr, number(port, 1, 65535));
	lat = malloc(nconns * sizeof *lat);
	if (!lat) {
		fprintf(stderr, "connload: fatal: out of memory\n");
		return 111;
	}
	for (unsigned long i = 0; i < nconns; i++)
		lat[i] = -1;
	double t0 = now();
	t_stop = t0 + (double)nsecs;
	unsigned long started = 0;
	for (; started < nclients; started++) {
		if (pthread_create(&th[started], NULL, client, NULL)) {
			fprintf(stderr, "connload: warning: only %lu clients started\n", started);
			break;
		}
	}
	if (!started)
		return 111;
	for (unsigned long i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	report(now() - t0);
	return 0;
}
