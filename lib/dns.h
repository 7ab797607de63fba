#ifndef DNS_H
#define DNS_H
/*
 * dns: c-ares set-up from $DNSCACHEIP (djb style) or /etc/resolv.conf,
 * queries with one deadline.
 *
 * DNSCACHEIP: servers separated by spaces, tabs or commas; each one of
 *   1.2.3.4   1.2.3.4:5353   2001:db8::53   [2001:db8::53]:5353   [::1]
 * Default port 53 (a bare IPv6 address takes no port: use brackets).
 * A garbled value is an error naming DNSCACHEIP (exit 100 in the
 * programs), never a silent fallback; set but empty counts as garbled,
 * and so do more than DNS_SERVERS_MAX servers.
 *
 * Every call takes timeout_ms and returns within it: c-ares retries on
 * its own schedule (1 s per server, doubled each round) and whatever is
 * still open at the deadline is cancelled.
 */
#include <stddef.h>
#include "sbuf.h"

#define DNS_SERVERS_MAX 16

typedef struct dns_server {
	unsigned char ip[16];   /* v4-mapped for IPv4 */
	unsigned int port;
} dns_server;

/* Pure parser: returns the number of servers (>= 1) or -1 on a syntax
   error (empty list included). */
int dns_servers_scan(const char *s, size_t n, dns_server *out, size_t max);

typedef struct dns dns;

/* Creates a resolver; servers from $DNSCACHEIP if set, else resolv.conf.
   Returns NULL with errno set (EINVAL: garbled DNSCACHEIP). */
dns *dns_new(void);
void dns_free(dns *d);

/* Results: 1 answer(s), 0 no such name/no data (permanent), -1 temporary
   failure (SERVFAIL, timeout, network error). */

/* PTR for ip (in-addr.arpa or ip6.arpa); the first name, lowercased and
   in djb's text form (bytes other than a-z 0-9 - _ as \ooo, labels joined
   by '.', no trailing dot), is stored in *name. */
int dns_ptr(dns *d, const unsigned char ip[16], int timeout_ms, sbuf *name);
/* A and AAAA of name, asked in parallel; up to max addresses stored (IPv4
   as v4-mapped), count in *n. */
int dns_addrs(dns *d, const char *name, int timeout_ms,
              unsigned char (*out)[16], size_t max, size_t *n);
/* Names given to dns_addrs and dns_query_many are in djb's text form
   (\ooo octal escapes, as dns_ptr produces them), with or without a
   trailing dot; they are always asked as absolute names (no search list).
   An unusable name (empty label, longer than 255 bytes, a NUL byte)
   gives -1 with errno EINVAL.  errno after -1: ETIMEDOUT (deadline),
   ENOMEM, EINVAL, else EAGAIN (SERVFAIL, REFUSED, ICMP unreachable...;
   c-ares tries the next server on each of these). */

/*
 * The generic core: n queries asked in parallel, one deadline for all.
 * Returns when every query has its result or timeout_ms has passed
 * (queries still open then get -1/ETIMEDOUT).  Returns 0, or -1 with
 * errno when the call itself failed (then every result is -1).
 */
#define DNS_T_A    1
#define DNS_T_PTR  12
#define DNS_T_TXT  16
#define DNS_T_AAAA 28
#define DNS_ANSWER_MAX 65535

typedef struct dns_q {
	const char *name;  /* in: djb text form, NUL-terminated */
	int type;          /* in: DNS_T_* */
	int result;        /* out: 1 answered, 0 NXDOMAIN/no data, -1 temporary */
	int err;           /* out: errno value when result is -1 */
	sbuf answer;       /* out: the raw answer message when result is 1;
	                      the caller initialises it, e.g.
	                      SBUF_INIT(DNS_ANSWER_MAX), and frees it */
	int done;          /* out: 1 once result holds the outcome */
} dns_q;

int dns_query_many(dns *d, dns_q *qs, size_t n, int timeout_ms);
/* The same, but after each batch of answers enough(ctx, qs, n) is asked
   (qs[i].done tells which have their result); when it returns nonzero
   the queries still open are cancelled (result -1, err ECANCELED, done
   0) and the call returns at once. */
typedef int (*dns_enough_fn)(void *ctx, const dns_q *qs, size_t n);
int dns_query_until(dns *d, dns_q *qs, size_t n, int timeout_ms,
                    dns_enough_fn enough, void *ctx);

/*
 * Pure helpers (no I/O), also used by the unit tests and fuzz targets.
 * DNS_NAME_FMT bounds every text name they write (a name has at most
 * 255 bytes on the wire, 4 text bytes per wire byte at most).
 */
#define DNS_NAME_FMT 1024

/* c-ares text (as from ares_expand_name: "\c" for a special byte c
   such as '.', "\DDD" decimal, other bytes literal) -> djb text,
   lowercased.  Returns the length (0 for the root), or -1 on a bad
   escape, an empty label, a label over 63 bytes or a name over 255
   bytes.  out is NUL-terminated. */
int dns_name_djb(char out[DNS_NAME_FMT], const char *s, size_t n);
/* djb text ("\ooo" octal, 1-3 digits; "\c" is c) -> the text that
   ares_query takes (only "\." and "\\" escaped, other bytes raw).
   -1 as above, and for a NUL byte (c-ares names are C strings). */
int dns_name_ares(char out[DNS_NAME_FMT], const char *s, size_t n);

/* The first PTR record in the answer section of the DNS message
   msg[0..n), in djb text form: 1 found (out holds it), 0 none, -1
   malformed message. */
int dns_ptr_packet(const unsigned char *msg, size_t n,
                   char out[DNS_NAME_FMT]);
/* Appends the addresses of every A (type DNS_T_A, stored v4-mapped) or
   AAAA (DNS_T_AAAA) record in the answer section of msg[0..n) to
   out[*cnt..max), advancing *cnt; records past max are dropped.
   Returns the number of records found, or -1 on a malformed message. */
int dns_addrs_packet(const unsigned char *msg, size_t n, int type,
                     unsigned char (*out)[16], size_t max, size_t *cnt);

#endif
