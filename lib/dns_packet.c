/* dns_packet: records out of an answer message (see dns.h).
 *
 * Why not ares_parse_ptr_reply/ares_parse_a_reply: since 1.17.2 they
 * refuse names with bytes outside A-Z a-z 0-9 - . _ / * (EBADRESP), while a
 * PTR name may hold any byte and djb's tools show it as \ooo.  So the
 * walk over the sections is ours, and c-ares still does the hard part:
 * ares_expand_name (compression pointers, loops, escaping) and the
 * ares_dns.h field macros.  Like djb's dns_*_packet, every record of the
 * asked type in the answer section counts, whatever its owner name (the
 * server has followed the CNAMEs).
 */
#include "dns.h"

#include <ares.h>
#include <ares_dns.h>
#include <string.h>

#define HDR 12
#define RR_FIXED 10     /* type, class, ttl, rdlength */
#define C_IN 1

/* Moves *pos past the (possibly compressed) name at msg[*pos]. */
static int
name_skip(const unsigned char *msg, size_t n, size_t *pos)
{
	char *s;
	long enclen;

	if (*pos >= n ||
	    ares_expand_name(msg + *pos, msg, (int)n, &s, &enclen) != ARES_SUCCESS)
		return 0;
	ares_free_string(s);
	if (enclen <= 0 || (size_t)enclen > n - *pos)
		return 0;
	*pos += (size_t)enclen;
	return 1;
}

typedef int (*rr_fn)(void *arg, const unsigned char *msg, size_t n,
                     size_t off, size_t len);

/* Calls f for every answer record of type `type`, class IN, until f
   returns 0.  Returns the number of calls, or -1 if the message is
   malformed (or f returned -1). */
static int
answers_each(const unsigned char *msg, size_t n, unsigned int type,
             rr_fn f, void *arg)
{
	size_t pos = HDR;
	unsigned int qd, an, i;
	int found = 0;

	if (n < HDR || n > DNS_ANSWER_MAX)
		return -1;
	qd = DNS_HEADER_QDCOUNT(msg);
	an = DNS_HEADER_ANCOUNT(msg);
	for (i = 0; i < qd; i++) {
		if (!name_skip(msg, n, &pos) || n - pos < 4)
			return -1;
		pos += 4;
	}
	for (i = 0; i < an; i++) {
		const unsigned char *rr;
		size_t len;

		if (!name_skip(msg, n, &pos) || n - pos < RR_FIXED)
			return -1;
		rr = msg + pos;
		len = DNS_RR_LEN(rr);
		pos += RR_FIXED;
		if (n - pos < len)
			return -1;
		if (DNS_RR_TYPE(rr) == type && DNS_RR_CLASS(rr) == C_IN) {
			int r = f(arg, msg, n, pos, len);

			if (r < 0)
				return -1;
			found++;
			if (r == 0)
				break;
		}
		pos += len;
	}
	return found;
}

static int
ptr_rr(void *arg, const unsigned char *msg, size_t n, size_t off, size_t len)
{
	char *out = arg, *s;
	long enclen;
	int r;

	if (ares_expand_name(msg + off, msg, (int)n, &s, &enclen) != ARES_SUCCESS)
		return -1;
	r = dns_name_djb(out, s, strlen(s));
	ares_free_string(s);
	if (r < 0 || enclen <= 0 || (size_t)enclen > len)
		return -1;
	return 0;       /* the first one is enough */
}

int
dns_ptr_packet(const unsigned char *msg, size_t n, char out[DNS_NAME_FMT])
{
	int r;

	out[0] = 0;
	r = answers_each(msg, n, DNS_T_PTR, ptr_rr, out);
	if (r < 0)
		return -1;
	return r > 0 && out[0] != 0;    /* a PTR to the root is no name */
}

struct addrs {
	unsigned char (*out)[16];
	size_t max;
	size_t *cnt;
	size_t want;    /* 4 or 16 */
};

static int
addr_rr(void *arg, const unsigned char *msg, size_t n, size_t off, size_t len)
{
	struct addrs *a = arg;
	unsigned char *ip;

	(void)n;
	if (len != a->want)
		return -1;
	if (*a->cnt >= a->max)
		return 1;
	ip = a->out[(*a->cnt)++];
	if (len == 4) {
		static const unsigned char mapped[12] = {
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		memcpy(ip, mapped, 12);
		memcpy(ip + 12, msg + off, 4);
	} else
		memcpy(ip, msg + off, 16);
	return 1;
}

int
dns_addrs_packet(const unsigned char *msg, size_t n, int type,
                 unsigned char (*out)[16], size_t max, size_t *cnt)
{
	struct addrs a = { out, max, cnt, type == DNS_T_A ? 4 : 16 };

	if (type != DNS_T_A && type != DNS_T_AAAA)
		return -1;
	return answers_each(msg, n, (unsigned int)type, addr_rr, &a);
}
