/*
 * rblsmtpd6: refuse mail from clients on DNS block lists (IPv4 and IPv6),
 * else run the SMTP server.
 *
 * Chain:  tcpserver6 ... rblsmtpd6 -r zen.example ... jgreylist ... qmail-smtpd
 * Reads:  options; $RBLSMTPD (before anything); $TCPREMOTEIP, else
 *         $TCP6REMOTEIP; $DNSCACHEIP or /etc/resolv.conf.
 * Sets:   nothing; the program runs with the environment unchanged.
 * Does:   asks every -r list (A and TXT) and every -a list (A) at once,
 *         with one deadline (-d), then walks the options left to right
 *         over the answers exactly as djb's rblsmtpd walks them over its
 *         one-by-one lookups.  Blocked: logs one line and talks fake
 *         SMTP (lib/smtp) for at most -t seconds, refusing every mail.
 * Exits:  100 usage (unknown option, malformed list, garbled
 *         $DNSCACHEIP); 111 out of memory or the program cannot be run;
 *         0 on every blocked path; else whatever the program exits with.
 * Behaviour: ../shared/spec/ucspi.md sections 3.1, 3.2, 3.4, 2.3 and
 * section 6 items 37-49; messages keep djb's "rblsmtpd: " prefix.
 */
#include "die.h"
#include "dns.h"
#include "env.h"
#include "ip.h"
#include "rbl.h"
#include "sbuf.h"
#include "scan.h"
#include "smtp.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE "rblsmtpd6 [ -bBcCT ] [ -t timeout ] [ -d dnstimeout ] [ -r base[/ipv6][=codes] ] [ -a base[/ipv6] ] smtpd [ arg ... ]"
#define OPTS "+bBcCTt:d:r:a:"
#define LISTS_MAX 32            /* -r and -a lists together */
#define TIMEOUT_MAX 4294967295UL
#define DNSTIMEOUT_MAX 3600UL
#define T0_WRITE_MS 60000       /* -t0: the one reply must go out by then */
#define HOST "rblsmtpd.local"
#define TIMEOUT_REPLY "421 " HOST " timeout"   /* -T */
#define SHOW_MAX 100            /* bytes of $TCPREMOTEIP in the log */

extern char **environ;

static struct {
	unsigned long timeout;          /* -t, seconds, 0 = one reply */
	unsigned long dnstimeout;       /* -d, seconds */
	int sendtimeout;                /* -T */
	unsigned char *ops;             /* options in order: b B c C r a */
	size_t nops;
	size_t list[LISTS_MAX];         /* ops index of each list */
	rbl_list lists[LISTS_MAX];
	size_t nlists;
	char **prog;
} o = { .timeout = 60, .dnstimeout = 10 };

/* What the environment says. */
static struct {
	int start;                      /* from $RBLSMTPD: RBL_* */
	const char *starttext;
	const char *ipvar;              /* TCPREMOTEIP, TCP6REMOTEIP or 0 */
	const char *iptext;             /* its value */
	int ipok;
	unsigned char ip[16];
	char ipfmt[IP_FMT];
} e;

/* What each list said (index: as o.lists). */
enum why { WHY_NONE, WHY_DNS, WHY_MALFORMED, WHY_ERRCODE, WHY_OUTSIDE };

static struct answer {
	int status;                     /* RBL_NOTLISTED, RBL_LISTED, RBL_TEMP */
	enum why why;                   /* for RBL_TEMP */
	int err;                        /* WHY_DNS: errno */
	uint32_t code;                  /* WHY_ERRCODE, WHY_OUTSIDE */
	char qname[RBL_QNAME_FMT];
	char text[RBL_TEXT_MAX + 1];    /* TXT, or the fixed text */
	size_t textlen;
} ans[LISTS_MAX];

static rbl_result *res;                 /* by ops index, for rbl_decide */

static void __attribute__((noreturn))
nomem(void)
{
	die_x(EXIT_TEMP, "out of memory");
}

/* An outside value as it may go into the log: at most SHOW_MAX bytes,
   bytes outside 32..126 as '?' (one line, no log injection). */
static void
show(char out[SHOW_MAX + 1], const char *s)
{
	size_t k;

	for (k = 0; s && s[k] && k < SHOW_MAX; k++)
		out[k] = s[k] < 32 || s[k] > 126 ? '?' : s[k];
	out[k] = 0;
}

/* ======================================================================
 * set-up: environment and options
 * ====================================================================== */

/* djb reads $RBLSMTPD before anything else. */
static void
load_env(void)
{
	const char *x = getenv("RBLSMTPD");

	e.start = RBL_UNDECIDED;
	if (x && !*x)
		e.start = RBL_ACCEPT;
	else if (x && *x == '-') {
		e.start = RBL_BLOCK553;
		e.starttext = x + 1;
	} else if (x) {
		e.start = RBL_BLOCK451;
		e.starttext = x;
	}

	e.ipvar = "TCPREMOTEIP";
	e.iptext = getenv(e.ipvar);
	if (!e.iptext) {
		e.ipvar = "TCP6REMOTEIP";
		e.iptext = getenv(e.ipvar);
	}
	if (!e.iptext)
		e.ipvar = 0;
	else if (ip_scan(e.iptext, strlen(e.iptext), e.ip) == strlen(e.iptext)
	    && *e.iptext) {
		e.ipok = 1;
		ip_fmt(e.ipfmt, e.ip);
	}
}

static void
add_list(int op, const char *spec)
{
	if (o.nlists == LISTS_MAX)
		die_x(EXIT_USAGE, "too many lists (at most %d)", LISTS_MAX);
	if (!rbl_spec_scan(spec, strlen(spec), op == RBL_OP_RBL,
	    &o.lists[o.nlists]))
		die_usage(USAGE);
	o.list[o.nlists++] = o.nops;
	o.ops[o.nops++] = (unsigned char)op;
}

static void
options(int argc, char **argv)
{
	int c;

	o.ops = malloc((size_t)argc + 1);
	if (!o.ops)
		nomem();
	opterr = 0;
	while ((c = getopt(argc, argv, OPTS)) != -1) {
		switch (c) {
		case 'b': case 'B': case 'c': case 'C':
			o.ops[o.nops++] = (unsigned char)c;
			break;
		case 'T':
			o.sendtimeout = 1;
			break;
		case 't':
			if (!scan_ulong(optarg, TIMEOUT_MAX, &o.timeout))
				die_usage(USAGE);
			break;
		case 'd':
			if (!scan_ulong(optarg, DNSTIMEOUT_MAX, &o.dnstimeout)
			    || o.dnstimeout == 0)
				die_usage(USAGE);
			break;
		case 'r': case 'a':
			add_list(c, optarg);
			break;
		default:
			die_usage(USAGE);
		}
	}
	if (optind >= argc)
		die_usage(USAGE);
	o.prog = argv + optind;
}

/* A garbled $DNSCACHEIP is a configuration error: say so on the first
   connection, not only once a lookup is needed. */
static void
check_dnscacheip(void)
{
	dns_server sv[DNS_SERVERS_MAX];
	const char *v = getenv("DNSCACHEIP");
	char buf[SHOW_MAX + 1];

	if (o.nlists && v && dns_servers_scan(v, strlen(v), sv,
	    DNS_SERVERS_MAX) < 0) {
		show(buf, v);
		die_x(EXIT_USAGE, "invalid DNSCACHEIP: %s", buf);
	}
}

/* ======================================================================
 * the lookups, all at once
 * ====================================================================== */

/* The queries of every list: A, and TXT for -r; one deadline for all.
   qs[aq[i]] is list i's A query, qs[tq[i]] its TXT query (NOQ: none). */
#define NOQ ((size_t)-1)

static void judge(size_t i, const dns_q *a, const dns_q *txt);

struct progress {
	const size_t *aq, *tq;
};

/* Do the answers so far decide?  Lists still without an answer count as
   pending; a listing or an error code waits for its TXT text too (the
   reply, the log line).  The lookups stop as soon as djb's left-to-right
   walk no longer depends on them. */
static int
decided(void *ctx, const dns_q *qs, size_t n)
{
	const struct progress *p = ctx;
	rbl_decision d;
	size_t i;

	(void)n;
	for (i = 0; i < o.nlists; i++) {
		const dns_q *a = &qs[p->aq[i]];
		const dns_q *t = p->tq[i] == NOQ ? 0 : &qs[p->tq[i]];
		rbl_result *r = &res[o.list[i]];

		r->status = RBL_PENDING;
		if (!a->done)
			continue;
		judge(i, a, t && t->done ? t : 0);
		if (t && !t->done && (ans[i].status == RBL_LISTED ||
		    ans[i].why == WHY_ERRCODE || ans[i].why == WHY_OUTSIDE))
			continue;
		r->status = ans[i].status;
		r->text = ans[i].text;
	}
	rbl_decide(o.ops, o.nops, res, e.start, e.starttext, &d);
	return !d.pending;
}

static size_t
ask(dns_q *qs, size_t *aq, size_t *tq)
{
	struct progress p = { aq, tq };
	size_t i, n = 0;
	dns *d;

	for (i = 0; i < o.nlists; i++) {
		rbl_qname(ans[i].qname, e.ip, &o.lists[i]);
		aq[i] = n;
		qs[n].name = ans[i].qname;
		qs[n++].type = DNS_T_A;
		tq[i] = NOQ;
		if (o.ops[o.list[i]] == RBL_OP_RBL) {
			tq[i] = n;
			qs[n].name = ans[i].qname;
			qs[n++].type = DNS_T_TXT;
		}
	}
	d = dns_new();
	if (d) {
		dns_query_until(d, qs, n, (int)(o.dnstimeout * 1000),
		    decided, &p);
		dns_free(d);
		return n;
	}
	warn_sys("unable to set up DNS");
	for (i = 0; i < n; i++) {
		qs[i].result = -1;
		qs[i].err = errno;
	}
	return n;
}

/* One list's answers -> ans[i]. */
static void
judge(size_t i, const dns_q *a, const dns_q *txt)
{
	struct answer *x = &ans[i];
	int r;

	x->status = RBL_TEMP;
	x->why = WHY_NONE;
	x->textlen = 0;
	x->text[0] = 0;
	if (a->result < 0) {
		x->why = WHY_DNS;
		x->err = a->err;
		return;
	}
	if (txt && txt->result > 0) {
		r = rbl_answer_txt((unsigned char *)txt->answer.s,
		    txt->answer.len, x->text);
		x->textlen = r > 0 ? (size_t)r : 0;
	}
	if (a->result == 0) {
		x->status = RBL_NOTLISTED;
		return;
	}
	r = rbl_answer_a((unsigned char *)a->answer.s, a->answer.len,
	    &o.lists[i], &x->code);
	if (r < 0)
		x->why = WHY_MALFORMED;
	else if (r == RBL_A_ERROR)
		x->why = (x->code & RBL_LOOPMASK) == RBL_LOOPNET ?
		    WHY_ERRCODE : WHY_OUTSIDE;
	else
		x->status = r == RBL_A_LISTED ? RBL_LISTED : RBL_NOTLISTED;
}

/* Listed without a TXT record: a text of our own. */
static void
fixed_text(struct answer *x, const rbl_list *l)
{
	int n = snprintf(x->text, sizeof x->text, "%s is listed in %.*s",
	    e.ipfmt, (int)l->baselen, l->base);

	x->textlen = n < 0 ? 0 : (size_t)n < sizeof x->text ? (size_t)n :
	    sizeof x->text - 1;
}

static void
lookup(void)
{
	dns_q qs[2 * LISTS_MAX];
	size_t aq[LISTS_MAX], tq[LISTS_MAX], i, n;

	for (i = 0; i < 2 * LISTS_MAX; i++) {
		sbuf init = SBUF_INIT(DNS_ANSWER_MAX);
		qs[i].answer = init;
	}
	n = ask(qs, aq, tq);
	for (i = 0; i < o.nlists; i++) {
		judge(i, &qs[aq[i]], tq[i] == NOQ ? 0 : &qs[tq[i]]);
		if (ans[i].status == RBL_LISTED && ans[i].textlen == 0)
			fixed_text(&ans[i], &o.lists[i]);
		res[o.list[i]].status = ans[i].status;
		res[o.list[i]].text = ans[i].text;
	}
	for (i = 0; i < n; i++)
		sbuf_free(&qs[i].answer);
}

/* The errors of the lists the decision looked at. */
static void
warn_errors(size_t consulted)
{
	size_t i;

	for (i = 0; i < o.nlists; i++) {
		const struct answer *x = &ans[i];
		const rbl_list *l = &o.lists[i];
		char code[RBL_CODE_FMT];

		if (o.list[i] >= consulted || x->status != RBL_TEMP)
			continue;
		rbl_code_fmt(code, x->code);
		switch (x->why) {
		case WHY_DNS:
			warn_x("%.*s: temporary DNS failure for %s: %s",
			    (int)l->baselen, l->base, x->qname, errstr(x->err));
			break;
		case WHY_MALFORMED:
			warn_x("%.*s: malformed DNS answer for %s",
			    (int)l->baselen, l->base, x->qname);
			break;
		case WHY_ERRCODE:
		case WHY_OUTSIDE:
			warn_x("%.*s: %s %s for %s%s%s", (int)l->baselen, l->base,
			    x->why == WHY_ERRCODE ? "error code" :
			    "answer outside 127.0.0.0/8:", code, x->qname,
			    x->textlen ? ": " : "", x->text);
			break;
		case WHY_NONE:
			break;
		}
	}
}

/* ======================================================================
 * the two ends: run the program, or refuse
 * ====================================================================== */

static void __attribute__((noreturn))
run(void)
{
	env_execvp(o.prog, environ);    /* the environment unchanged */
	die_sys(EXIT_TEMP, "unable to run %s", o.prog[0]);
}

static void __attribute__((noreturn))
refuse(int code, const char *text)
{
	char msg[RBL_MESSAGE_FMT + 2], ip[SHOW_MAX + 1];
	size_t n = rbl_message(msg, code, text, strlen(text));
	smtp_fake f = { HOST, msg, smtp_verbs_rblsmtpd, 0 };

	show(ip, e.iptext);
	die_say("%s pid %ld: %s", ip, (long)getpid(), msg);
	signal(SIGPIPE, SIG_IGN);       /* a gone client: exit 0 all the same */
	if (o.timeout == 0) {
		memcpy(msg + n, "\r\n", 2);
		smtp_write(1, msg, n + 2, smtp_now_ms() + T0_WRITE_MS);
		_exit(0);
	}
	if (o.sendtimeout)
		f.timeout_reply = TIMEOUT_REPLY;
	smtp_fake_run(&f, 0, 1,
	    smtp_now_ms() + (long long)o.timeout * 1000);
	_exit(0);
}

/* Lookups only when something is left to decide and there is an
   address to look up (djb would ask the bare base). */
static int
need_lookups(void)
{
	char buf[SHOW_MAX + 1];

	if (e.start != RBL_UNDECIDED || o.nlists == 0)
		return 0;
	if (!e.ipvar)
		warn_x("TCPREMOTEIP not set, no RBL lookups");
	else if (!e.ipok) {
		show(buf, e.iptext);
		warn_x("unable to parse %s %s, no RBL lookups", e.ipvar, buf);
	}
	return e.ipok;
}

int
main(int argc, char **argv)
{
	rbl_decision d;

	die_prog = "rblsmtpd";
	load_env();
	options(argc, argv);
	check_dnscacheip();
	res = calloc(o.nops + 1, sizeof *res);
	if (!res)
		nomem();
	if (need_lookups())
		lookup();
	else if (e.start == RBL_UNDECIDED)
		e.start = RBL_ACCEPT;
	rbl_decide(o.ops, o.nops, res, e.start, e.starttext, &d);
	warn_errors(d.consulted);
	if (d.accept)
		run();
	refuse(d.code, d.text);
}
