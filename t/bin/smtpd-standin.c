/*
 * smtpd-standin: a STAND-IN for qmail-smtpd 1.03, for tests and the demo.
 * It is not a mail server and does not queue mail: it answers SMTP on fd 0/1
 * the way qmail-smtpd 1.03 does (same reply texts, same state rules) and
 * stores each accepted message as one file in a Maildir, so the last link of
 * a test chain can be checked by looking at files.
 *
 * Environment read (all optional):
 *   SMTPD_STANDIN_HOST       name in 220/250/221 (default $TCPLOCALHOST,
 *                            else "localhost"; qmail uses control/me)
 *   SMTPD_STANDIN_RCPTHOSTS  space-separated rcpthosts (default
 *                            "localhost example.com"; set but empty = none;
 *                            an entry ".dom" matches every subdomain of dom)
 *   RELAYCLIENT              set: no rcpthosts check, value appended to
 *                            each recipient (qmail)
 *   DATABYTES                message size limit in bytes, 0 = none (qmail)
 *   SMTPD_STANDIN_TIMEOUT    idle timeout per read/write in seconds, 1..86400
 *                            (default 1200, qmail's timeoutsmtpd default)
 *   SMTPD_STANDIN_MAILDIR    Maildir (default ./Maildir; tmp/ new/ cur/
 *                            are created when missing)
 * Stored file: "X-Standin-Envelope-From: <a>", one "X-Standin-Envelope-To:
 * <a>" per recipient, one "X-Standin-Env: NAME=VALUE" per variable named
 * TCP* or PROTO, RELAYCLIENT, DATABYTES (sorted by name), an empty line, then
 * the message after dot-unstuffing with LF line ends.  Control bytes in the
 * X-Standin lines are shown as '?'.  Written to tmp/, renamed to new/.
 *
 * Differences from qmail-smtpd 1.03, on purpose: a bare LF ends a line
 * (in commands and in DATA) instead of the 451 smtplf reply; a command line
 * longer than SMTP_LINE_MAX gets 500 (qmail has no limit); no Received
 * field is added; no control files, no badmailfrom; "qp" is our own pid.
 *
 * Exit codes: 0 after QUIT or when the client closes; 100 bad setting (the
 * client gets qmail's 421 control reply first); 111 timeout, read/write
 * error, out of memory.
 */
#include "die.h"
#include "sbuf.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Longest command line in bytes, including its CR LF (RFC 5321's limit for
   a text line; commands are shorter still). */
#define SMTP_LINE_MAX 1000
#define ADDR_MAX 900        /* qmail-smtpd's addrparse limit */
#define MAXHOPS 100         /* header lines counted as hops, as qmail */
#define RCPTS_MAX (1u << 20)

/* Every reply text, in one table.  %h = host name, %t = time, %p = pid.
   All are qmail-smtpd 1.03's except RP_TOOLONG (qmail has no line limit). */
enum reply {
	RP_GREET, RP_HELO, RP_EHLO, RP_QUIT, RP_OK, RP_FLUSHED, RP_HELP,
	RP_VRFY, RP_GO, RP_ACCEPT, RP_UNIMPL, RP_SYNTAX, RP_WANTMAIL, RP_WANTRCPT,
	RP_NOGATEWAY, RP_DATABYTES, RP_HOPS, RP_QQWRITE, RP_QQCREATE, RP_TIMEOUT,
	RP_NOMEM, RP_CONTROL, RP_TOOLONG
};
static const char *const reply_text[] = {
	[RP_GREET] = "220 %h ESMTP",
	[RP_HELO] = "250 %h",
	[RP_EHLO] = "250-%h\r\n250-PIPELINING\r\n250 8BITMIME",
	[RP_QUIT] = "221 %h",
	[RP_OK] = "250 ok",
	[RP_FLUSHED] = "250 flushed",
	[RP_HELP] = "214 qmail home page: http://pobox.com/~djb/qmail.html",
	[RP_VRFY] = "252 send some mail, i'll try my best",
	[RP_GO] = "354 go ahead",
	[RP_ACCEPT] = "250 ok %t qp %p",
	[RP_UNIMPL] = "502 unimplemented (#5.5.1)",
	[RP_SYNTAX] = "555 syntax error (#5.5.4)",
	[RP_WANTMAIL] = "503 MAIL first (#5.5.1)",
	[RP_WANTRCPT] = "503 RCPT first (#5.5.1)",
	[RP_NOGATEWAY] = "553 sorry, that domain isn't in my list of allowed "
	                "rcpthosts (#5.7.1)",
	[RP_DATABYTES] = "552 sorry, that message size exceeds my databytes "
	                "limit (#5.3.4)",
	[RP_HOPS] = "554 too many hops, this message is looping (#5.4.6)",
	[RP_QQWRITE] = "451 qq write error or disk full (#4.3.0)",
	[RP_QQCREATE] = "451 qq trouble creating files in queue (#4.3.0)",
	[RP_TIMEOUT] = "451 timeout (#4.4.2)",
	[RP_NOMEM] = "421 out of memory (#4.3.0)",
	[RP_CONTROL] = "421 unable to read controls (#4.3.0)",
	[RP_TOOLONG] = "500 line too long (#5.5.2)",
};

static struct config {
	const char *host;
	const char *rcpthosts;
	const char *relayclient;  /* NULL: not set */
	unsigned long databytes;  /* 0: no limit */
	unsigned long timeout;
	const char *maildir;
} cfg;

/* session state */
static int seenmail;
static char mailfrom[ADDR_MAX + 1];
static sbuf rcpts = SBUF_INIT(RCPTS_MAX);   /* "addr\0" records */
static char tmppath[4096];                  /* non-empty while a file is open */

/* ---- input and output with deadlines ----------------------------------- */

static char inbuf[4096];
static size_t inpos, inlen;
static char outbuf[4096];
static size_t outlen;

static void __attribute__((noreturn))
cleanup_exit(int code)
{
	if (tmppath[0])
		unlink(tmppath);
	_exit(code);
}

/* Waits until fd is ready for ev, at most cfg.timeout seconds in all. */
static int
wait_fd(int fd, short ev)
{
	struct timespec start, now;
	long long left = (long long)cfg.timeout * 1000;
	struct pollfd p;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		p.fd = fd;
		p.events = ev;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return 1;   /* let read/write report the error */
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long long)cfg.timeout * 1000 -
		    ((now.tv_sec - start.tv_sec) * 1000LL +
		    (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;
	}
}

static void
out_flush(void)
{
	size_t done = 0;
	ssize_t w;

	while (done < outlen) {
		if (!wait_fd(1, POLLOUT))
			cleanup_exit(EXIT_TEMP);
		w = write(1, outbuf + done, outlen - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			cleanup_exit(EXIT_TEMP);
		done += (size_t)w;
	}
	outlen = 0;
}

static void
out_b(const char *s, size_t n)
{
	while (n) {
		size_t k = sizeof outbuf - outlen;

		if (k == 0) {
			out_flush();
			continue;
		}
		if (k > n)
			k = n;
		memcpy(outbuf + outlen, s, k);
		outlen += k;
		s += k;
		n -= k;
	}
}

static void
out_ulong(unsigned long u)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%lu", u);

	out_b(buf, (size_t)n);
}

/* Writes one reply from the table, expanding %h %t %p, plus CR LF. */
static void
reply(enum reply r)
{
	const char *s = reply_text[r];

	for (; *s; ++s) {
		if (*s != '%' || !s[1]) {
			out_b(s, 1);
			continue;
		}
		++s;
		if (*s == 'h')
			out_b(cfg.host, strlen(cfg.host));
		else if (*s == 't')
			out_ulong((unsigned long)time(NULL));
		else if (*s == 'p')
			out_ulong((unsigned long)getpid());
	}
	out_b("\r\n", 2);
}

/* Replies that end the session. */
static void __attribute__((noreturn))
reply_exit(enum reply r, int code)
{
	reply(r);
	out_flush();
	cleanup_exit(code);
}

/* Next input byte; -1 at end of input.  Pending replies are flushed before
   waiting, so pipelined commands get their replies in one write. */
static int
in_getc(void)
{
	ssize_t r;

	if (inpos < inlen)
		return (unsigned char)inbuf[inpos++];
	out_flush();
	for (;;) {
		if (!wait_fd(0, POLLIN))
			reply_exit(RP_TIMEOUT, EXIT_TEMP);
		r = read(0, inbuf, sizeof inbuf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			cleanup_exit(EXIT_TEMP);
		if (r == 0)
			return -1;
		inlen = (size_t)r;
		inpos = 1;
		return (unsigned char)inbuf[0];
	}
}

/* Reads one command line without its LF (and CR) into line[]; NUL bytes
   become LF as in qmail.  Returns 1, or 0 when the line was too long (its
   rest is read and dropped).  Exits at end of input. */
static int
get_line(char line[SMTP_LINE_MAX + 1])
{
	size_t n = 0;
	int c, toolong = 0;

	for (;;) {
		c = in_getc();
		if (c < 0)
			cleanup_exit(0);
		if (c == '\n')
			break;
		if (n + 1 >= SMTP_LINE_MAX) {   /* room for the LF */
			toolong = 1;
			continue;
		}
		line[n++] = c ? (char)c : '\n';
	}
	if (n && line[n - 1] == '\r')
		--n;
	line[n] = 0;
	return !toolong;
}

/* ---- parsers (pure) ---------------------------------------------------- */

/* qmail-smtpd 1.03's addrparse: the address is what follows '<' up to an
   unquoted '>', or (no '<') what follows the first ':' and spaces up to an
   unquoted space; a source route "@a,@b:" is dropped; '\' escapes a byte;
   '"' toggles quoting and is dropped.  Writes out[] (NUL-terminated).
   Returns 0 when the address is longer than ADDR_MAX. */
static int
addr_parse(const char *arg, char out[ADDR_MAX + 1])
{
	char term = '>';
	const char *lt = strchr(arg, '<');
	size_t n = 0;
	int esc = 0, quoted = 0;

	if (lt)
		arg = lt + 1;
	else {
		term = ' ';
		while (*arg && *arg != ':')
			++arg;
		if (*arg == ':')
			++arg;
		while (*arg == ' ')
			++arg;
	}
	if (*arg == '@')
		while (*arg)
			if (*arg++ == ':')
				break;
	for (; *arg; ++arg) {
		if (!esc && !quoted && *arg == term)
			break;
		if (!esc && *arg == '\\') {
			esc = 1;
			continue;
		}
		if (!esc && *arg == '"') {
			quoted = !quoted;
			continue;
		}
		esc = 0;
		if (n >= ADDR_MAX)
			return 0;
		out[n++] = *arg;
	}
	out[n] = 0;
	return 1;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Is host[0..n) (already lowercase) one of the words of list? */
static int
list_has(const char *list, const char *host, size_t n)
{
	const char *w = list;

	while (*w) {
		size_t k = 0, i;

		while (*w == ' ')
			++w;
		while (w[k] && w[k] != ' ')
			++k;
		if (k == n && k) {
			for (i = 0; i < n; ++i)
				if (lower((unsigned char)w[i]) != host[i])
					break;
			if (i == n)
				return 1;
		}
		w += k;
	}
	return 0;
}

/* qmail's rcpthosts(): no '@' is fine; else the domain, lowercased, must be
   listed, or one of its suffixes starting at a '.' must be. */
static int
rcpt_allowed(const char *addr, const char *list)
{
	const char *at = strrchr(addr, '@');
	char dom[ADDR_MAX + 1];
	size_t n, i;

	if (!at)
		return 1;
	n = strlen(at + 1);
	for (i = 0; i < n; ++i)
		dom[i] = (char)lower((unsigned char)at[1 + i]);
	for (i = 0; i < n; ++i)
		if ((i == 0 || dom[i] == '.') && list_has(list, dom + i, n - i))
			return 1;
	return 0;
}

/* ---- the Maildir file -------------------------------------------------- */

static struct msgfile {
	int fd;
	int err;              /* a write failed: RP_QQWRITE or RP_QQCREATE */
	unsigned long bytes;  /* message bytes (after the X-Standin lines) */
	int overflow;         /* more than cfg.databytes */
	int hops;
	int body;             /* past the header (hop counting stops) */
	size_t pos;           /* bytes since line start, in the header */
	int nomatch[2];       /* this line cannot be "received"/"delivered" */
	char buf[8192];
	size_t len;
	char newpath[4096];
} mf;

static void
mf_flush(void)
{
	size_t done = 0;
	ssize_t w;

	while (!mf.err && done < mf.len) {
		w = write(mf.fd, mf.buf + done, mf.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			warn_sys("unable to write %s", tmppath);
			mf.err = RP_QQWRITE;
		} else
			done += (size_t)w;
	}
	mf.len = 0;
}

static void
mf_putc(char c)
{
	if (mf.err)
		return;
	if (mf.len == sizeof mf.buf)
		mf_flush();
	mf.buf[mf.len++] = c;
}

/* Header text: control bytes (and NUL-turned-LF) shown as '?'. */
static void
mf_puts_safe(const char *s)
{
	for (; *s; ++s)
		mf_putc((unsigned char)*s < 32 || *s == 127 ? '?' : *s);
}

static void
mf_field(const char *name, const char *v1, const char *v2)
{
	mf_puts_safe(name);
	mf_puts_safe(v1);
	mf_puts_safe(v2);
	mf_putc('\n');
}

static int
mkdir_ok(const char *dir, const char *sub)
{
	char p[4096];
	int n = snprintf(p, sizeof p, "%s%s", dir, sub);

	if (n < 0 || (size_t)n >= sizeof p) {
		errno = ENAMETOOLONG;
		return 0;
	}
	return mkdir(p, 0700) == 0 || errno == EEXIST;
}

/* Creates tmp/NAME (and the Maildir when missing); the name is
   SECONDS.MusecPpidQcount.standin.  Returns 0 with tmppath empty on
   failure (a warning is logged). */
static int
mf_create(void)
{
	static unsigned long count;
	struct timespec ts;
	char name[128];
	int n;

	if (!mkdir_ok(cfg.maildir, "") || !mkdir_ok(cfg.maildir, "/tmp") ||
	    !mkdir_ok(cfg.maildir, "/new") || !mkdir_ok(cfg.maildir, "/cur")) {
		warn_sys("unable to create Maildir %s", cfg.maildir);
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, sizeof name, "%lld.M%ldP%ldQ%lu.standin",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000, (long)getpid(), ++count);
	n = snprintf(mf.newpath, sizeof mf.newpath, "%s/new/%s",
	    cfg.maildir, name);
	if (n < 0 || (size_t)n >= sizeof mf.newpath ||
	    (size_t)snprintf(tmppath, sizeof tmppath, "%s/tmp/%s",
	    cfg.maildir, name) >= sizeof tmppath) {
		tmppath[0] = 0;
		warn_x("Maildir path too long: %s", cfg.maildir);
		return 0;
	}
	mf.fd = open(tmppath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (mf.fd < 0) {
		warn_sys("unable to create %s", tmppath);
		tmppath[0] = 0;
		return 0;
	}
	return 1;
}

static int
env_name_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	for (; *x != '=' && *x == *y; ++x, ++y)
		;
	return (*x == '=' ? 0 : (unsigned char)*x) -
	    (*y == '=' ? 0 : (unsigned char)*y);
}

static int
env_wanted(const char *e)
{
	size_t n = strcspn(e, "=");

	if (!e[n])
		return 0;
	return !strncmp(e, "TCP", 3) ||
	    (n == 5 && !strncmp(e, "PROTO", 5)) ||
	    (n == 11 && !strncmp(e, "RELAYCLIENT", 11)) ||
	    (n == 9 && !strncmp(e, "DATABYTES", 9));
}

/* The X-Standin lines and the empty line. */
static void
mf_header(void)
{
	extern char **environ;
	const char **v;
	size_t n = 0, i;
	const char *r;

	mf_field("X-Standin-Envelope-From: <", mailfrom, ">");
	for (r = rcpts.s; r && r < rcpts.s + rcpts.len; r += strlen(r) + 1)
		mf_field("X-Standin-Envelope-To: <", r, ">");
	for (i = 0; environ[i]; ++i)
		n += (size_t)env_wanted(environ[i]);
	v = calloc(n + 1, sizeof *v);
	if (!v)
		reply_exit(RP_NOMEM, EXIT_TEMP);
	for (i = 0, n = 0; environ[i]; ++i)
		if (env_wanted(environ[i]))
			v[n++] = environ[i];
	qsort(v, n, sizeof *v, env_name_cmp);
	for (i = 0; i < n; ++i)
		mf_field("X-Standin-Env: ", v[i], "");
	free(v);
	mf_putc('\n');
}

/* One message byte as stored: counts the size, and in the header the
   lines starting with "received" or "delivered" (qmail's hop count). */
static void
msg_put(char c)
{
	static const char *const hopword[2] = { "received", "delivered" };
	int i;

	if (!mf.body) {
		if (mf.pos == 0 && c == '\n')
			mf.body = 1;
		for (i = 0; i < 2; ++i) {
			size_t len = strlen(hopword[i]);

			if (mf.pos < len &&
			    lower((unsigned char)c) != hopword[i][mf.pos])
				mf.nomatch[i] = 1;
			if (!mf.nomatch[i] && mf.pos + 1 == len)
				++mf.hops;
		}
		++mf.pos;
		if (c == '\n')
			mf.pos = mf.nomatch[0] = mf.nomatch[1] = 0;
	}
	++mf.bytes;
	if (cfg.databytes && mf.bytes > cfg.databytes)
		mf.overflow = 1;
	if (!mf.overflow)
		mf_putc(c);
}

/* Reads the message after 354 up to the lone "." line.  CR LF or LF end a
   line; CR LF is stored as LF, other CRs are kept; a leading dot is
   removed (dot-unstuffing), as qmail-smtpd's blast() does.  States:
     BOL    line start    '.' -> DOT, '\r' -> CR, x -> put x
     DOT    "." at BOL    '\n' -> end, '\r' -> DOTCR, x -> MID with x
     DOTCR  ".\r" at BOL  '\n' -> end, x -> put '.', CR with x
     CR     after '\r'    '\n' -> put '\n', x -> put '\r', MID with x
     MID    in a line     '\r' -> CR, x -> put x
   (put '\n' leads to BOL, any other put to MID.)  A '\r' after a '\r' keeps
   state CR. */
static void
msg_read(void)
{
	enum { BOL, DOT, DOTCR, CR, MID } st = BOL;
	int c;

	for (;;) {
		c = in_getc();
		if (c < 0)
			cleanup_exit(0);
		if (st == DOT || st == DOTCR) {
			if (c == '\n')
				return;
			if (st == DOT && c == '\r') {
				st = DOTCR;
				continue;
			}
			if (st == DOTCR)
				msg_put('.');
			st = st == DOTCR ? CR : MID;
		}
		if (st == CR) {
			if (c == '\n') {
				msg_put('\n');
				st = BOL;
				continue;
			}
			msg_put('\r');
			if (c == '\r')
				continue;
			st = MID;
		}
		if (st == BOL && c == '.')
			st = DOT;
		else if (c == '\r')
			st = CR;
		else {
			msg_put((char)c);
			st = c == '\n' ? BOL : MID;
		}
	}
}

/* Closes the file; moves it to new/ when all went well, else removes it.
   Returns the reply, in qmail-smtpd's order of checks. */
static enum reply
mf_finish(int created)
{
	enum reply r = RP_ACCEPT;

	if (created) {
		mf_flush();
		if (!mf.err && fsync(mf.fd) != 0) {
			warn_sys("unable to sync %s", tmppath);
			mf.err = RP_QQWRITE;
		}
		if (close(mf.fd) != 0 && !mf.err) {
			warn_sys("unable to close %s", tmppath);
			mf.err = RP_QQWRITE;
		}
	}
	if (mf.hops >= MAXHOPS)
		r = RP_HOPS;
	else if (mf.overflow)
		r = RP_DATABYTES;
	else if (mf.err)
		r = (enum reply)mf.err;
	else if (rename(tmppath, mf.newpath) != 0) {
		warn_sys("unable to move %s to %s", tmppath, mf.newpath);
		r = RP_QQCREATE;
	}
	if (r != RP_ACCEPT && created)
		unlink(tmppath);
	tmppath[0] = 0;
	return r;
}

/* ---- the SMTP commands (qmail-smtpd 1.03's rules) ---------------------- */

static void
smtp_helo(const char *arg)
{
	(void)arg;
	seenmail = 0;
	reply(RP_HELO);
}

static void
smtp_ehlo(const char *arg)
{
	(void)arg;
	seenmail = 0;
	reply(RP_EHLO);
}

static void
smtp_rset(const char *arg)
{
	(void)arg;
	seenmail = 0;
	reply(RP_FLUSHED);
}

static void
smtp_mail(const char *arg)
{
	if (!addr_parse(arg, mailfrom)) {
		reply(RP_SYNTAX);
		return;
	}
	seenmail = 1;
	sbuf_reset(&rcpts);
	reply(RP_OK);
}

static void
smtp_rcpt(const char *arg)
{
	char addr[ADDR_MAX + 1];

	if (!seenmail) {
		reply(RP_WANTMAIL);
		return;
	}
	if (!addr_parse(arg, addr)) {
		reply(RP_SYNTAX);
		return;
	}
	if (!cfg.relayclient && !rcpt_allowed(addr, cfg.rcpthosts)) {
		reply(RP_NOGATEWAY);
		return;
	}
	if (!sbuf_cats(&rcpts, addr) ||
	    (cfg.relayclient && !sbuf_cats(&rcpts, cfg.relayclient)) ||
	    !sbuf_cat0(&rcpts))
		reply_exit(RP_NOMEM, EXIT_TEMP);
	reply(RP_OK);
}

static void
smtp_data(const char *arg)
{
	int created;

	(void)arg;
	if (!seenmail) {
		reply(RP_WANTMAIL);
		return;
	}
	if (!rcpts.len) {
		reply(RP_WANTRCPT);
		return;
	}
	seenmail = 0;
	memset(&mf, 0, sizeof mf);
	created = mf_create();
	if (created)
		mf_header();
	else
		mf.err = RP_QQCREATE;
	reply(RP_GO);
	msg_read();
	reply(mf_finish(created));
}

static void
smtp_quit(const char *arg)
{
	(void)arg;
	reply_exit(RP_QUIT, 0);
}

static void smtp_help(const char *a) { (void)a; reply(RP_HELP); }
static void smtp_noop(const char *a) { (void)a; reply(RP_OK); }
static void smtp_vrfy(const char *a) { (void)a; reply(RP_VRFY); }
static void smtp_unimpl(const char *a) { (void)a; reply(RP_UNIMPL); }

static const struct command {
	const char *verb;
	void (*fn)(const char *arg);
} commands[] = {
	{ "rcpt", smtp_rcpt }, { "mail", smtp_mail }, { "data", smtp_data },
	{ "quit", smtp_quit }, { "helo", smtp_helo }, { "ehlo", smtp_ehlo },
	{ "rset", smtp_rset }, { "help", smtp_help }, { "noop", smtp_noop },
	{ "vrfy", smtp_vrfy }, { 0, smtp_unimpl },
};

/* Splits at the first space (spaces after it skipped, as qmail), matches
   the verb case-insensitively, runs the row. */
static void
dispatch(char *line)
{
	char *arg = line + strcspn(line, " ");
	const struct command *c;

	if (*arg) {
		*arg++ = 0;
		while (*arg == ' ')
			++arg;
	}
	for (c = commands; c->verb; ++c)
		if (!strcasecmp(c->verb, line))
			break;
	c->fn(arg);
}

/* ---- setup ------------------------------------------------------------- */

static void __attribute__((noreturn))
die_config(const char *name, const char *value)
{
	reply(RP_CONTROL);
	out_flush();
	die_x(EXIT_USAGE, "invalid $%s: %s", name, value);
}

static void
load_env(void)
{
	const char *s;

	cfg.timeout = 1200;
	s = getenv("SMTPD_STANDIN_TIMEOUT");
	if (s && (!scan_ulong(s, 86400, &cfg.timeout) || !cfg.timeout))
		die_config("SMTPD_STANDIN_TIMEOUT", s);
	cfg.host = getenv("SMTPD_STANDIN_HOST");
	if (!cfg.host)
		cfg.host = getenv("TCPLOCALHOST");
	if (!cfg.host)
		cfg.host = "localhost";
	cfg.rcpthosts = getenv("SMTPD_STANDIN_RCPTHOSTS");
	if (!cfg.rcpthosts)
		cfg.rcpthosts = "localhost example.com";
	cfg.relayclient = getenv("RELAYCLIENT");
	s = getenv("DATABYTES");
	if (s && !scan_ulong(s, (unsigned long)-1, &cfg.databytes))
		die_config("DATABYTES", s);
	cfg.maildir = getenv("SMTPD_STANDIN_MAILDIR");
	if (!cfg.maildir || !*cfg.maildir)
		cfg.maildir = "Maildir";
}

int
main(int argc, char **argv)
{
	char line[SMTP_LINE_MAX + 1];

	(void)argc;
	(void)argv;
	die_prog = "smtpd-standin";
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);   /* a file size limit is a write error */
	load_env();
	reply(RP_GREET);
	for (;;) {
		if (get_line(line))
			dispatch(line);
		else
			reply(RP_TOOLONG);
	}
}
