#ifndef RBL_H
#define RBL_H
/*
 * rbl: DNS block and allow lists (DNSBL/DNSWL) for rblsmtpd6.
 *
 *   rbl_spec_scan   "BASE[/ipv6][=CODES]" -> rbl_list        (pure)
 *   rbl_qname       client address + list -> query name      (pure)
 *   rbl_addrs_eval  A records of an answer -> listed/error   (pure)
 *   rbl_answer_a    raw A answer message -> the same          (pure)
 *   rbl_answer_txt  raw TXT answer message -> sanitised text  (pure)
 *   rbl_decide      djb's left-to-right decision over options and results
 *   rbl_message     "CODE TEXT" as rblsmtpd sends and logs it (pure)
 *
 * Addresses are 16 bytes, IPv4 v4-mapped (as lib/ip).  Return codes (the
 * A records of a list) are 32-bit numbers in host order, 127.0.0.2 =
 * 0x7f000002.
 */
#include <stddef.h>
#include <stdint.h>

#define RBL_CODES_MAX 16        /* CODES items per list */
#define RBL_BASE_MAX 180        /* bytes of BASE (the query name fits 255) */
#define RBL_TEXT_MAX 200        /* bytes of reply text (djb) */
/* "4.3.2.1." or 32 nibbles "x." + "ipv6." + BASE + NUL */
#define RBL_QNAME_FMT (64 + 5 + RBL_BASE_MAX + 1)
#define RBL_MESSAGE_FMT (4 + RBL_TEXT_MAX + 1)  /* "451 " + text + NUL */
#define RBL_CODE_FMT 16         /* "127.255.255.255" + NUL */

#define RBL_ERRNET    0x7fffff00u   /* 127.255.255.0/24: list errors */
#define RBL_ERRMASK   0xffffff00u
#define RBL_LOOPNET   0x7f000000u   /* 127.0.0.0/8 */
#define RBL_LOOPMASK  0xff000000u

typedef struct rbl_range {
	uint32_t lo, hi;
} rbl_range;

typedef struct rbl_list {
	const char *base;       /* points into the scanned text, not NUL-ended */
	size_t baselen;
	int ipv6label;          /* "/ipv6": NIBBLES.ipv6.BASE for IPv6 clients */
	size_t ncodes;          /* 0: every code in 127/8 outside the errors */
	rbl_range codes[RBL_CODES_MAX];
} rbl_list;

/*
 * Scans a list spec s[0..n):
 *   spec  = base [ "/ipv6" ] [ "=" codes ]        ("=" only if withcodes)
 *   base  = labels of 1..63 bytes from [A-Za-z0-9_-], joined by ".",
 *           an optional final ".", 1..RBL_BASE_MAX bytes
 *   codes = item *( "," item )
 *   item  = a.b.c.d | a.b.c.d "-" e.f.g.h | a.b.c.d "-" N   (N: last octet)
 * Every code must lie in 127.0.0.0/8 and a range must not run backwards.
 * Returns 1 and fills *l (l->base points into s), or 0 on a syntax error.
 */
int rbl_spec_scan(const char *s, size_t n, int withcodes, rbl_list *l);

/* The query name for ip on list l, NUL-terminated, returns its length:
   IPv4 (also v4-mapped): "d.c.b.a.BASE"; IPv6: the 32 nibbles of the
   address, least significant first, lowercase, then "ipv6." if
   l->ipv6label, then BASE (RFC 5782).  A final "." of BASE is dropped. */
size_t rbl_qname(char out[RBL_QNAME_FMT], const unsigned char ip[16],
                 const rbl_list *l);

/* Result of one list's A records. */
#define RBL_A_NONE    0   /* no A record, or none among l's codes */
#define RBL_A_LISTED  1   /* an A record among the accepted codes */
#define RBL_A_ERROR   2   /* only error answers: 127.255.255.0/24 or
                             outside 127.0.0.0/8 (*code says which) */
/*
 * Evaluates the A records a[0..n) (host order) for list l: any record
 * among l's codes (without codes: in 127/8 outside 127.255.255.0/24)
 * makes RBL_A_LISTED, with *code set to the first such record; else any
 * record in 127.255.255.0/24 or outside 127/8 makes RBL_A_ERROR with
 * *code set to the first of those; else RBL_A_NONE.
 */
int rbl_addrs_eval(const uint32_t *a, size_t n, const rbl_list *l,
                   uint32_t *code);
/* The same over the A records of the DNS message msg[0..n); -1 if the
   message is malformed. */
int rbl_answer_a(const unsigned char *msg, size_t n, const rbl_list *l,
                 uint32_t *code);
/* "127.0.0.2" */
size_t rbl_code_fmt(char out[RBL_CODE_FMT], uint32_t code);

/*
 * Text of the TXT records in the DNS message msg[0..n): every string of
 * every record in answer order, concatenated without separator, bytes
 * outside 32..126 as '?', cut at RBL_TEXT_MAX bytes (djb's dns_txt).
 * out gets a NUL.  Returns the length (0: no TXT record, or only empty
 * strings), or -1 if the message is malformed.
 */
int rbl_answer_txt(const unsigned char *msg, size_t n,
                   char out[RBL_TEXT_MAX + 1]);

/* --- the decision ------------------------------------------------------ */

/* One option of the command line, in order. */
enum rbl_op {
	RBL_OP_BLOCK553 = 'b',  /* -b: listed -> 553 */
	RBL_OP_BLOCK451 = 'B',  /* -B: listed -> 451 (default) */
	RBL_OP_CLOSED = 'c',    /* -c: temporary failure of -r blocks */
	RBL_OP_OPEN = 'C',      /* -C: temporary failure of -a accepts (default) */
	RBL_OP_RBL = 'r',       /* -r list */
	RBL_OP_ANTI = 'a'       /* -a list */
};

/* What a list said about the client (for -r: listed = block; for -a:
   listed = accept). */
#define RBL_NOTLISTED 0
#define RBL_LISTED 1
#define RBL_TEMP (-1)       /* DNS failure, malformed answer, error code */
#define RBL_PENDING (-2)    /* no answer yet (the lookups still run) */

typedef struct rbl_result {
	int status;             /* RBL_NOTLISTED, RBL_LISTED, RBL_TEMP */
	const char *text;       /* -r and listed: the reply text */
} rbl_result;

/* Where the decision starts: $RBLSMTPD (djb's decision values). */
#define RBL_UNDECIDED 0
#define RBL_ACCEPT 1
#define RBL_BLOCK451 2
#define RBL_BLOCK553 3

typedef struct rbl_decision {
	int accept;             /* 1: run the program */
	int code;               /* 451 or 553 when blocking */
	const char *text;       /* the reply text when blocking */
	size_t consulted;       /* ops[0..consulted) were looked at (their
	                           results matter: log their errors) */
	int pending;            /* 1: a list still RBL_PENDING had to be
	                           consulted; the other fields mean nothing */
} rbl_decision;

#define RBL_TEMPTEXT "temporary RBL lookup error"

/*
 * djb's rblsmtpd, with the lookups already done: ops[0..n) are the
 * options in command-line order, res[i] the result for ops[i] (only read
 * for RBL_OP_RBL and RBL_OP_ANTI).  start and starttext come from
 * $RBLSMTPD (RBL_UNDECIDED when unset).  -r and -a only count while
 * undecided and use the -b/-c seen so far; a temporary failure anywhere
 * makes a later block 451.  A result RBL_PENDING that would be read sets
 * d->pending: the answers so far do not decide yet (rblsmtpd6 stops
 * waiting for DNS as soon as they do).  Pure.
 */
void rbl_decide(const unsigned char *ops, size_t n, const rbl_result *res,
                int start, const char *starttext, rbl_decision *d);

/* "CODE " + the first RBL_TEXT_MAX bytes of text[0..n), bytes outside
   32..126 as '?', NUL-terminated; returns the length. */
size_t rbl_message(char out[RBL_MESSAGE_FMT], int code, const char *text,
                   size_t n);

#endif
