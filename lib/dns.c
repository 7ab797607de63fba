/* dns: the c-ares channel, the query core with one deadline, PTR and
   A/AAAA lookups (see dns.h). */
#include "dns.h"
#include "ip.h"

#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/*
 * c-ares' own retry schedule: each server gets TRY_MS on the first
 * round, doubled on every further round, TRIES rounds (one server:
 * 1+2+4+8+16 = 31 s).  The caller's deadline is enforced on top of that
 * by the wait loop (ares_cancel), so a short deadline cuts the schedule
 * and a long one is never exceeded.
 */
#define TRY_MS 1000
#define TRIES 5
#define FDS_MAX 1024    /* sockets c-ares may ask us to watch */
#define READY_MAX 64    /* ready sockets handled per poll round */

struct dns {
	ares_channel ch;
	struct pollfd *fds;     /* what c-ares wants watched */
	size_t nfds, capfds;
	int fds_full;           /* a socket could not be added */
	size_t pending;         /* queries without a result yet */
	int enough;             /* cancelling because the caller has enough */
};

/* --- the set of sockets (ARES_OPT_SOCK_STATE_CB) ----------------------- */

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	dns *d = data;
	short ev = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
	size_t i;

	for (i = 0; i < d->nfds; i++)
		if (d->fds[i].fd == fd)
			break;
	if (!ev) {
		if (i < d->nfds)
			d->fds[i] = d->fds[--d->nfds];
		return;
	}
	if (i == d->nfds) {
		if (d->nfds == d->capfds) {
			size_t cap = d->capfds ? 2 * d->capfds : 8;
			struct pollfd *p;

			if (cap > FDS_MAX ||
			    !(p = realloc(d->fds, cap * sizeof *p))) {
				d->fds_full = 1;
				return;
			}
			d->fds = p;
			d->capfds = cap;
		}
		d->nfds++;
		d->fds[i].fd = fd;
	}
	d->fds[i].events = ev;
	d->fds[i].revents = 0;
}

/* --- set-up ------------------------------------------------------------- */

static int
servers_from_env(dns *d, const char *env)
{
	dns_server sv[DNS_SERVERS_MAX];
	struct ares_addr_port_node node[DNS_SERVERS_MAX];
	int n, i;

	n = dns_servers_scan(env, strlen(env), sv, DNS_SERVERS_MAX);
	if (n < 0) {
		errno = EINVAL;
		return 0;
	}
	memset(node, 0, sizeof node);
	for (i = 0; i < n; i++) {
		node[i].next = i + 1 < n ? &node[i + 1] : NULL;
		if (ip_is4(sv[i].ip)) {
			node[i].family = AF_INET;
			memcpy(&node[i].addr.addr4, sv[i].ip + 12, 4);
		} else {
			node[i].family = AF_INET6;
			memcpy(&node[i].addr.addr6, sv[i].ip, 16);
		}
		node[i].udp_port = (int)sv[i].port;
		node[i].tcp_port = (int)sv[i].port;
	}
	if (ares_set_servers_ports(d->ch, node) != ARES_SUCCESS) {
		errno = ENOMEM;
		return 0;
	}
	return 1;
}

dns *
dns_new(void)
{
	struct ares_options o;
	const char *env = getenv("DNSCACHEIP");
	dns *d;
	int r, e;

	d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		free(d);
		errno = ENOMEM;
		return NULL;
	}
	memset(&o, 0, sizeof o);
	/* ares_query asks the name as given, never through the search
	   list or HOSTALIASES; the flags keep it so if ares_search or
	   ares_gethostbyname is ever used here. */
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	o.timeout = TRY_MS;
	o.tries = TRIES;
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = d;
	r = ares_init_options(&d->ch, &o, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS |
	    ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB);
	if (r != ARES_SUCCESS) {
		ares_library_cleanup();
		free(d);
		errno = r == ARES_ENOMEM ? ENOMEM : EIO;
		return NULL;
	}
	if (env && !servers_from_env(d, env)) {
		e = errno;
		dns_free(d);
		errno = e;
		return NULL;
	}
	return d;
}

void
dns_free(dns *d)
{
	if (!d)
		return;
	ares_destroy(d->ch);
	ares_library_cleanup();
	free(d->fds);
	free(d);
}

/* --- the core: submit, then wait for all or the deadline --------------- */

struct job {
	dns *d;
	dns_q *q;
};

static int
status_errno(int status)
{
	switch (status) {
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:   /* the wait loop cancels at the deadline */
		return ETIMEDOUT;
	case ARES_ENOMEM:
		return ENOMEM;
	case ARES_EBADNAME:
		return EINVAL;
	}
	return EAGAIN;
}

static void
answered(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct job *j = arg;
	dns_q *q = j->q;

	(void)timeouts;
	j->d->pending--;
	q->err = 0;
	if (status == ARES_ECANCELLED && j->d->enough) {
		q->result = -1;
		q->err = ECANCELED;
		return;
	}
	q->done = 1;
	switch (status) {
	case ARES_SUCCESS:
		q->result = 1;
		if (abuf && alen > 0 &&
		    sbuf_catb(&q->answer, (const char *)abuf, (size_t)alen))
			return;
		q->result = -1;
		q->err = abuf && alen > 0 ? errno : EAGAIN;
		return;
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
		q->result = 0;
		return;
	}
	q->result = -1;
	q->err = status_errno(status);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll timeout: the earlier of c-ares' next retry and the deadline. */
static int
wait_ms(dns *d, long long left)
{
	struct timeval max, tv, *t;
	long long ms;

	max.tv_sec = (time_t)(left / 1000);
	max.tv_usec = (suseconds_t)(left % 1000 * 1000);
	t = ares_timeout(d->ch, &max, &tv);
	ms = (long long)t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
	return ms > left ? (int)left : (int)ms;
}

/* Hands one ready socket to c-ares (errors and hang-ups count as
   readable and writable: c-ares then sees the error itself). */
static void
process(dns *d, const struct pollfd *p)
{
	int rd = p->revents & (POLLIN | POLLERR | POLLHUP);
	int wr = p->revents & (POLLOUT | POLLERR | POLLHUP);

	ares_process_fd(d->ch,
	    rd && (p->events & POLLIN) ? p->fd : ARES_SOCKET_BAD,
	    wr && (p->events & POLLOUT) ? p->fd : ARES_SOCKET_BAD);
}

/* Runs c-ares until no query is pending or the deadline has passed. */
static int
wait_all(dns *d, long long deadline, dns_enough_fn enough, void *ctx,
         const dns_q *qs, size_t n)
{
	struct pollfd ready[READY_MAX];

	while (d->pending > 0) {
		long long left = deadline - now_ms();
		size_t i, nready;
		int r;

		if (left <= 0 || d->fds_full)
			break;
		r = poll(d->fds, (nfds_t)d->nfds, wait_ms(d, left));
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0) {
			ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		/* c-ares may change d->fds from inside ares_process_fd:
		   take a copy of the ready ones first (more than READY_MAX
		   ready at once: the rest stay ready for the next round). */
		for (i = nready = 0; i < d->nfds && nready < READY_MAX; i++)
			if (d->fds[i].revents)
				ready[nready++] = d->fds[i];
		for (i = 0; i < nready; i++)
			process(d, &ready[i]);
		if (enough && d->pending > 0 && enough(ctx, qs, n)) {
			d->enough = 1;
			break;
		}
	}
	if (d->pending > 0)
		ares_cancel(d->ch);     /* results -1/ETIMEDOUT or ECANCELED */
	d->enough = 0;
	return d->fds_full ? -1 : 0;
}

int
dns_query_many(dns *d, dns_q *qs, size_t n, int timeout_ms)
{
	return dns_query_until(d, qs, n, timeout_ms, 0, 0);
}

int
dns_query_until(dns *d, dns_q *qs, size_t n, int timeout_ms,
                dns_enough_fn enough, void *ctx)
{
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	char name[DNS_NAME_FMT];
	struct job *jobs;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		qs[i].result = -1;
		qs[i].err = ENOMEM;
		qs[i].done = 0;
		sbuf_reset(&qs[i].answer);
	}
	jobs = calloc(n ? n : 1, sizeof *jobs);
	if (!jobs) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++) {
		jobs[i].d = d;
		jobs[i].q = &qs[i];
		if (dns_name_ares(name, qs[i].name, strlen(qs[i].name)) < 0) {
			qs[i].err = EINVAL;
			continue;
		}
		d->pending++;   /* before: the callback may run right away */
		ares_query(d->ch, name, 1 /* IN */, qs[i].type, answered,
		    &jobs[i]);
	}
	r = wait_all(d, deadline, enough, ctx, qs, n);
	free(jobs);
	if (r < 0) {
		for (i = 0; i < n; i++) {
			qs[i].result = -1;
			qs[i].err = ENOMEM;
		}
		errno = ENOMEM;
	}
	return r;
}

/* --- lookups ------------------------------------------------------------ */

int
dns_ptr(dns *d, const unsigned char ip[16], int timeout_ms, sbuf *name)
{
	char rev[IP_REVNAME_FMT];
	char out[DNS_NAME_FMT];
	dns_q q = { rev, DNS_T_PTR, 0, 0, SBUF_INIT(DNS_ANSWER_MAX), 0 };
	int r;

	ip_revname(rev, ip);
	sbuf_reset(name);
	if (dns_query_many(d, &q, 1, timeout_ms) < 0) {
		sbuf_free(&q.answer);
		return -1;
	}
	r = q.result;
	if (r == 1) {
		r = dns_ptr_packet((const unsigned char *)q.answer.s,
		    q.answer.len, out);
		if (r < 0)
			q.err = EAGAIN;         /* a garbled answer */
		else if (r == 1 && !sbuf_cats(name, out)) {
			q.err = errno;
			r = -1;
		}
	}
	sbuf_free(&q.answer);
	if (r < 0)
		errno = q.err;
	return r;
}

/* The addresses of one finished A or AAAA query, appended to out:
   returns the number of records found, 0, or -1 with errno. */
static int
addrs_take(const dns_q *q, unsigned char (*out)[16], size_t max, size_t *n)
{
	int k;

	if (q->result <= 0) {
		errno = q->err;
		return q->result;
	}
	k = dns_addrs_packet((const unsigned char *)q->answer.s,
	    q->answer.len, q->type, out, max, n);
	if (k < 0)
		errno = EAGAIN;         /* a garbled answer */
	return k;
}

int
dns_addrs(dns *d, const char *name, int timeout_ms,
          unsigned char (*out)[16], size_t max, size_t *n)
{
	dns_q q[2] = {
		{ name, DNS_T_AAAA, 0, 0, SBUF_INIT(DNS_ANSWER_MAX), 0 },
		{ name, DNS_T_A, 0, 0, SBUF_INIT(DNS_ANSWER_MAX), 0 },
	};
	int i, k, r = 0, e;

	*n = 0;
	if (dns_query_many(d, q, 2, timeout_ms) < 0)
		r = -1;
	for (i = 0; i < 2 && r >= 0; i++) {
		k = addrs_take(&q[i], out, max, n);
		r = k < 0 ? -1 : r + k;
	}
	e = errno;
	sbuf_free(&q[0].answer);
	sbuf_free(&q[1].answer);
	if (r < 0) {
		*n = 0;
		errno = e;
		return -1;
	}
	return r > 0;
}
