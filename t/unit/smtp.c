/* unit test for lib/smtp: the line reader, verb tables, the fake
   session's replies and a whole session over pipes */
#include "tap.h"
#include "smtp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* feeds s[0..n) in chunks of `chunk` bytes; the lines found, each
   followed by '|' (NUL as '0', LF as '^') into out */
static void
lines(const char *s, size_t n, size_t chunk, char *out, size_t max)
{
	smtp_line l = SMTP_LINE_INIT;
	size_t pos = 0, k = 0, i;

	while (pos < n) {
		size_t end = pos + chunk < n ? pos + chunk : n;

		while (pos < end) {
			pos += smtp_line_feed(&l, s + pos, end - pos);
			if (!l.done)
				continue;
			for (i = 0; i < l.len && k + 2 < max; i++)
				out[k++] = l.s[i] == '\n' ? '^' :
				    l.s[i] ? l.s[i] : '0';
			if (k + 2 < max)
				out[k++] = '|';
		}
	}
	out[k] = 0;
}

static void
lines_is(const char *s, size_t n, const char *want, const char *name)
{
	char out[4096];
	size_t chunk;

	for (chunk = 1; chunk <= n + 1; chunk++) {
		lines(s, n, chunk, out, sizeof out);
		if (strcmp(out, want) != 0)
			break;
	}
	is_str(out, want, "lines: %s (chunks of 1..%zu)", name, n + 1);
}

static void
test_lines(void)
{
	char big[3000], want[1200];
	smtp_line l = SMTP_LINE_INIT;
	size_t n;

	lines_is("helo x\r\n", 8, "helo x|", "CRLF");
	lines_is("helo x\n", 7, "helo x|", "LF");
	lines_is("a\r\r\n", 4, "a\r|", "only the last CR");
	lines_is("a\rb\n", 4, "a\rb|", "CR inside stays");
	lines_is("q\0it\n", 5, "q^it|", "NUL as LF");
	lines_is("\n\r\n", 3, "||", "empty lines");
	lines_is("a\nb\nc", 5, "a|b|", "a partial last line is no line");
	lines_is("", 0, "", "nothing");

	/* a line longer than SMTP_LINE_MAX is cut, the rest dropped */
	memset(big, 'x', sizeof big);
	memcpy(big, "rcpt ", 5);
	big[2000] = '\r';
	big[2001] = '\n';
	memcpy(big + 2002, "quit\r\n", 6);
	memcpy(want, "rcpt ", 5);
	memset(want + 5, 'x', SMTP_LINE_MAX - 5);
	memcpy(want + SMTP_LINE_MAX, "|quit|", 7);
	lines_is(big, 2008, want, "long line cut");

	n = smtp_line_feed(&l, big, 2002);
	ok(n == 2002 && l.done && l.cut && l.len == SMTP_LINE_MAX &&
	    l.s[SMTP_LINE_MAX] == 0, "cut line: state");
	n = smtp_line_feed(&l, "ab\ncd\n", 6);
	ok(n == 3 && l.done && !l.cut && l.len == 2 && strcmp(l.s, "ab") == 0,
	    "the next line starts afresh and stops at its LF");

	/* exactly SMTP_LINE_MAX bytes plus CR: the CR is the dropped byte */
	memset(big, 'y', SMTP_LINE_MAX);
	big[SMTP_LINE_MAX] = '\r';
	big[SMTP_LINE_MAX + 1] = '\n';
	memset(&l, 0, sizeof l);
	n = smtp_line_feed(&l, big, SMTP_LINE_MAX + 2);
	ok(n == SMTP_LINE_MAX + 2 && l.done && l.len == SMTP_LINE_MAX && l.cut,
	    "max+CR: cut, kept max");
	memset(&l, 0, sizeof l);
	n = smtp_line_feed(&l, big + 1, SMTP_LINE_MAX + 1);
	ok(l.done && l.len == SMTP_LINE_MAX - 1 && !l.cut,
	    "max-1+CR: CR dropped, not cut");
}

static void
verb_is(const char *line, size_t n, const char *want, const char *name)
{
	const smtp_verb *v = smtp_verb_find(smtp_verbs_rblsmtpd, line, n);

	is_str(v->verb ? v->verb : "(default)", want, "verb: %s", name);
}

static void
test_verbs(void)
{
	verb_is("quit", 4, "quit", "quit");
	verb_is("QUIT", 4, "quit", "QUIT");
	verb_is("QuIt now", 8, "quit", "QuIt with argument");
	verb_is("quit ", 5, "quit", "quit and a space");
	verb_is("quitx", 5, "(default)", "quitx");
	verb_is("qui", 3, "(default)", "qui");
	verb_is(" quit", 5, "(default)", "leading space");
	verb_is("quit\tx", 6, "(default)", "tab is no separator");
	verb_is("qu\nit", 5, "(default)", "LF (was NUL) inside");
	verb_is("helo x.example", 14, "helo", "helo");
	verb_is("EHLO x", 6, "ehlo", "EHLO");
	verb_is("MAIL FROM:<a@b>", 15, "mail", "MAIL");
	verb_is("rset", 4, "rset", "rset");
	verb_is("NOOP", 4, "noop", "NOOP");
	verb_is("RCPT TO:<a@b>", 13, "(default)", "RCPT");
	verb_is("DATA", 4, "(default)", "DATA");
	verb_is("STARTTLS", 8, "(default)", "STARTTLS");
	verb_is("", 0, "(default)", "empty line");
	verb_is("quit", 3, "(default)", "reads only n bytes");
	verb_is("H\xc5LO", 4, "(default)", "8-bit byte");
}

static const smtp_fake fake = {
	"rblsmtpd.local", "451 Error", smtp_verbs_rblsmtpd, 0
};

static void
reply_is(const smtp_fake *f, const char *line, const char *want, int wantq)
{
	char out[SMTP_REPLY_MAX + 1];
	int quit = -1;
	size_t n = smtp_fake_reply(f, line, strlen(line), out, &quit);

	out[n] = 0;
	ok(strcmp(out, want) == 0 && quit == wantq, "reply to '%s'", line);
	if (strcmp(out, want))
		printf("#   got: '%s'\n", out);
}

static void
test_replies(void)
{
	char longmsg[700], want[SMTP_REPLY_MAX + 1], out[SMTP_REPLY_MAX];
	smtp_fake f = fake;
	int quit;
	size_t n;

	reply_is(&fake, "helo x", "250 rblsmtpd.local\r\n", 0);
	reply_is(&fake, "quit", "221 rblsmtpd.local\r\n", 1);
	reply_is(&fake, "rcpt to:<x>", "451 Error\r\n", 0);
	reply_is(&fake, "", "451 Error\r\n", 0);

	memset(longmsg, 'm', sizeof longmsg - 1);
	longmsg[sizeof longmsg - 1] = 0;
	f.message = longmsg;
	n = smtp_fake_reply(&f, "data", 4, out, &quit);
	memset(want, 'm', SMTP_REPLY_MAX - 2);
	memcpy(want + SMTP_REPLY_MAX - 2, "\r\n", 3);
	ok(n == SMTP_REPLY_MAX && memcmp(out, want, n) == 0,
	    "an overlong message is cut, CRLF kept");
	f.host = longmsg;
	n = smtp_fake_reply(&f, "noop", 4, out, &quit);
	ok(n == SMTP_REPLY_MAX && memcmp(out, "250 mmm", 7) == 0 &&
	    memcmp(out + n - 2, "\r\n", 2) == 0, "an overlong host is cut");
}

/* --- whole sessions ------------------------------------------------------------ */

/* Runs a session with `in` as the client's bytes (then EOF unless
   hold > 0: keep the input open for hold ms); returns the SMTP_END_*
   and the server's output in out. */
static int
session(const smtp_fake *f, const char *in, size_t inlen, int hold,
        long long timeout_ms, char *out, size_t max, long long *took)
{
	int ip[2], op[2], r;
	size_t k = 0;
	long long t0;
	pid_t pid;

	if (pipe(ip) < 0 || pipe(op) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(ip[0]);
		close(op[1]);
		if (inlen)
			(void)!write(ip[1], in, inlen);
		if (hold > 0)
			usleep((useconds_t)hold * 1000);
		_exit(0);
	}
	close(ip[1]);
	t0 = smtp_now_ms();
	r = smtp_fake_run(f, ip[0], op[1], t0 + timeout_ms);
	*took = smtp_now_ms() - t0;
	close(op[1]);
	close(ip[0]);
	for (;;) {
		ssize_t g = read(op[0], out + k, max - 1 - k);
		if (g <= 0)
			break;
		k += (size_t)g;
	}
	out[k] = 0;
	close(op[0]);
	kill(pid, SIGTERM);
	waitpid(pid, 0, 0);
	return r;
}

static void
test_sessions(void)
{
	char out[8192], big[20000];
	smtp_fake f = fake;
	long long took;
	size_t i, k;
	int r;

	/* rts.exp: help, quit */
	r = session(&fake, "help\r\nquit\r\n", 12, 0, 5000, out, sizeof out,
	    &took);
	is_str(out, "220 rblsmtpd.local\r\n451 Error\r\n221 rblsmtpd.local\r\n",
	    "rts.exp session");
	is_int(r, SMTP_END_QUIT, "rts.exp session ends with QUIT");

	r = session(&fake, "HELO x\nMAIL FROM:<>\nRCPT TO:<a>\nDATA\nquit\n"
	    "noop\n", 47, 0, 5000, out, sizeof out, &took);
	is_str(out, "220 rblsmtpd.local\r\n250 rblsmtpd.local\r\n"
	    "250 rblsmtpd.local\r\n451 Error\r\n451 Error\r\n"
	    "221 rblsmtpd.local\r\n", "pipelined session, nothing after QUIT");
	is_int(r, SMTP_END_QUIT, "pipelined session ends with QUIT");

	r = session(&fake, "ehlo x\nrcpt", 11, 0, 5000, out, sizeof out,
	    &took);
	is_str(out, "220 rblsmtpd.local\r\n250 rblsmtpd.local\r\n",
	    "EOF: partial line unanswered");
	is_int(r, SMTP_END_EOF, "EOF ends the session");

	r = session(&fake, "", 0, 0, 5000, out, sizeof out, &took);
	is_str(out, "220 rblsmtpd.local\r\n", "EOF at once: only greeting");

	/* many lines in one go */
	for (i = k = 0; i < 1000; i++) {
		memcpy(big + k, "rset\r\n", 6);
		k += 6;
	}
	memcpy(big + k, "quit\r\n", 6);
	k += 6;
	r = session(&fake, big, k, 0, 5000, out, 8192, &took);
	ok(r == SMTP_END_QUIT, "1000 pipelined lines, then QUIT");

	/* the deadline: silent by default */
	r = session(&fake, "helo x\r\n", 8, 3000, 400, out, sizeof out, &took);
	is_str(out, "220 rblsmtpd.local\r\n250 rblsmtpd.local\r\n",
	    "timeout: closes silently");
	ok(r == SMTP_END_TIMEOUT && took >= 390 && took < 2500,
	    "timeout after about 400 ms (%lld)", took);

	f.timeout_reply = "421 rblsmtpd.local timeout";
	r = session(&f, "helo x\r\n", 8, 3000, 400, out, sizeof out, &took);
	is_str(out, "220 rblsmtpd.local\r\n250 rblsmtpd.local\r\n"
	    "421 rblsmtpd.local timeout\r\n", "timeout: the 421 line when asked");
	is_int(r, SMTP_END_TIMEOUT, "timeout with reply ends as timeout");

	/* deadline already passed: no greeting even */
	r = session(&fake, "quit\r\n", 6, 0, 0, out, sizeof out, &took);
	ok(r == SMTP_END_TIMEOUT || strncmp(out, "220 ", 4) == 0,
	    "deadline 0: at most the greeting");
}

static void
test_write(void)
{
	int p[2], r;
	char buf[65536 * 4];
	long long t0;

	if (pipe(p) < 0)
		return;
	r = smtp_write(p[1], "abc", 3, smtp_now_ms() + 1000);
	ok(r == 1 && read(p[0], buf, 10) == 3, "smtp_write writes");
	/* a full pipe: the deadline ends the wait */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], buf, sizeof buf) > 0)
		;
	fcntl(p[1], F_SETFL, 0);
	t0 = smtp_now_ms();
	r = smtp_write(p[1], "abc", 3, t0 + 300);
	ok(r == 0 && smtp_now_ms() - t0 >= 290, "full pipe: deadline (0)");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	r = smtp_write(p[1], "abc", 3, smtp_now_ms() + 1000);
	ok(r == -1, "reader gone: error (-1)");
	close(p[1]);
}

int
main(void)
{
	test_lines();
	test_verbs();
	test_replies();
	test_sessions();
	test_write();
	return tap_done();
}
