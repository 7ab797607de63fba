/* rbl_answer: what a list's A and TXT answers say (see rbl.h). */
#include "rbl.h"
#include "dns.h"
#include "ip.h"

#include <ares.h>
#include <string.h>

#define A_MAX 32        /* A records looked at per answer */

static int
is_error(uint32_t a)
{
	return (a & RBL_ERRMASK) == RBL_ERRNET ||
	    (a & RBL_LOOPMASK) != RBL_LOOPNET;
}

static int
matches(uint32_t a, const rbl_list *l)
{
	size_t i;

	if (is_error(a))
		return 0;       /* an error code never lists, whatever CODES say */
	if (l->ncodes == 0)
		return 1;
	for (i = 0; i < l->ncodes; i++)
		if (a >= l->codes[i].lo && a <= l->codes[i].hi)
			return 1;
	return 0;
}

int
rbl_addrs_eval(const uint32_t *a, size_t n, const rbl_list *l,
               uint32_t *code)
{
	size_t i;
	int r = RBL_A_NONE;

	for (i = 0; i < n; i++) {
		if (matches(a[i], l)) {
			*code = a[i];
			return RBL_A_LISTED;
		}
		if (r == RBL_A_NONE && is_error(a[i])) {
			*code = a[i];
			r = RBL_A_ERROR;
		}
	}
	return r;
}

int
rbl_answer_a(const unsigned char *msg, size_t n, const rbl_list *l,
             uint32_t *code)
{
	unsigned char ip[A_MAX][16];
	uint32_t a[A_MAX];
	size_t cnt = 0, i;

	if (dns_addrs_packet(msg, n, DNS_T_A, ip, A_MAX, &cnt) < 0)
		return -1;
	for (i = 0; i < cnt; i++)
		a[i] = (uint32_t)ip[i][12] << 24 | (uint32_t)ip[i][13] << 16 |
		    (uint32_t)ip[i][14] << 8 | ip[i][15];
	return rbl_addrs_eval(a, cnt, l, code);
}

size_t
rbl_code_fmt(char out[RBL_CODE_FMT], uint32_t code)
{
	unsigned char ip[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	ip[12] = (unsigned char)(code >> 24);
	ip[13] = (unsigned char)(code >> 16);
	ip[14] = (unsigned char)(code >> 8);
	ip[15] = (unsigned char)code;
	return ip4_fmt(out, ip);        /* RBL_CODE_FMT == IP4_FMT */
}

/* c-ares parses the message (ares_parse_txt_reply: one node per
   character-string, in answer order); we concatenate and clean. */
int
rbl_answer_txt(const unsigned char *msg, size_t n,
               char out[RBL_TEXT_MAX + 1])
{
	struct ares_txt_reply *txt, *t;
	size_t k = 0, i;
	int r;

	out[0] = 0;
	if (n > DNS_ANSWER_MAX)
		return -1;
	r = ares_parse_txt_reply(msg, (int)n, &txt);
	if (r == ARES_ENODATA)
		return 0;
	if (r != ARES_SUCCESS)
		return -1;
	for (t = txt; t && k < RBL_TEXT_MAX; t = t->next)
		for (i = 0; i < t->length && k < RBL_TEXT_MAX; i++) {
			unsigned char c = t->txt[i];

			out[k++] = (char)(c < 32 || c > 126 ? '?' : c);
		}
	out[k] = 0;
	ares_free_data(txt);
	return (int)k;
}
