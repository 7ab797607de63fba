/*
 * grey_smtp: jgreylist v8's fake SMTP session (see grey.h), built from
 * lib/smtp's line reader, verb lookup, reply formatter and writer.
 * What smtp_fake_run does not do and v8 needs: NOOP is refused (v8
 * knows only QUIT HELO EHLO MAIL RSET), the verb also ends at a tab, the
 * RCPT limit, and the ">>> "/"<<< " trace.
 *
 *   line (first word)        reply                         then
 *   QUIT                     221 jgreylist v8              end
 *   HELO EHLO MAIL RSET      250 jgreylist v8
 *   RCPT, limit-th           421 Too many RCPT commands, goodbye.  end
 *   anything else            the message (450 GREYLIST ... / 553 DENIED ...)
 *   (deadline)               421 timeout                   end
 *   (end of input)           -                             end
 */
#include "grey.h"
#include "die.h"
#include "smtp.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define READ_MAX 1024
#define TRACE_MAX 200           /* bytes of a client line in the log */
#define ROW_RCPT 5

static const smtp_verb verbs[] = {
	{ "quit", SMTP_REPLY_QUIT },
	{ "helo", SMTP_REPLY_OK },
	{ "ehlo", SMTP_REPLY_OK },
	{ "mail", SMTP_REPLY_OK },
	{ "rset", SMTP_REPLY_OK },
	{ "rcpt", SMTP_REPLY_MESSAGE },         /* ROW_RCPT */
	{ 0, SMTP_REPLY_MESSAGE },
};

size_t
grey_verb_len(const char *line, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (line[k] == ' ' || (line[k] >= '\t' && line[k] <= '\r'
		    && line[k] != '\n'))
			break;
	return k;
}

/* A client line for the log: without its CR LF (v8 keeps the CR),
   bytes outside printable ASCII as '?', cut. */
static void
trace_in(const char *s, size_t n)
{
	char buf[TRACE_MAX + 1];
	size_t k;

	for (k = 0; k < n && k < TRACE_MAX; k++)
		buf[k] = s[k] < 32 || s[k] > 126 ? '?' : s[k];
	buf[k] = 0;
	die_say("<<< %s", buf);
}

/* Sends one reply (rep[0..n) ends with CRLF): 1 sent, 0 deadline,
   -1 error. */
static int
send_reply(const grey_talk *t, int out, const char *rep, size_t n,
           long long deadline)
{
	if (t->log_smtp)
		die_say(">>> %.*s", (int)(n - 2), rep);
	return smtp_write(out, rep, n, deadline);
}

static int
send_line(const grey_talk *t, int out, const char *line, long long deadline)
{
	char rep[SMTP_REPLY_MAX];
	size_t n = strlen(line);

	if (n > SMTP_REPLY_MAX - 2)
		n = SMTP_REPLY_MAX - 2;
	memcpy(rep, line, n);
	memcpy(rep + n, "\r\n", 2);
	return send_reply(t, out, rep, n + 2, deadline);
}

/* "421 timeout", only if it can go out at once. */
static int
timed_out(const grey_talk *t, int out)
{
	send_line(t, out, GREY_TEXT_TIMEOUT, smtp_now_ms());
	return SMTP_END_TIMEOUT;
}

/* Waits for input: 1 ready, 0 deadline, -1 error. */
static int
wait_in(int fd, long long deadline)
{
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = deadline - smtp_now_ms();
		int r;

		if (left < 0)
			left = 0;
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0 && left == 0)
			return 0;
	}
}

/* The answer to one line: -1 to go on, else how the session ended. */
static int
answer(const grey_talk *t, const char *line, size_t n, unsigned long *rcpts,
       int out, long long deadline)
{
	smtp_fake f = { GREY_BANNER, t->message, verbs, 0 };
	size_t vlen = grey_verb_len(line, n), k;
	char rep[SMTP_REPLY_MAX];
	int quit, r;

	if (t->log_smtp)
		trace_in(line, n);
	if (smtp_verb_find(verbs, line, vlen) == &verbs[ROW_RCPT]
	    && t->limit && ++*rcpts >= t->limit) {
		die_say("%s: HANGUP too many RCPT commands", t->ip);
		r = send_line(t, out, GREY_TEXT_LIMIT, deadline);
		return r > 0 ? GREY_END_LIMIT : r == 0 ? timed_out(t, out)
		    : SMTP_END_ERROR;
	}
	k = smtp_fake_reply(&f, line, vlen, rep, &quit);
	r = send_reply(t, out, rep, k, deadline);
	if (r == 0)
		return timed_out(t, out);
	if (r < 0)
		return SMTP_END_ERROR;
	return quit ? SMTP_END_QUIT : -1;
}

int
grey_session(const grey_talk *t, int in, int out, long long deadline)
{
	smtp_line l = SMTP_LINE_INIT;
	unsigned long rcpts = 0;
	char buf[READ_MAX];
	int r;

	r = send_line(t, out, "220 " GREY_BANNER, deadline);
	if (r <= 0)
		return r == 0 ? timed_out(t, out) : SMTP_END_ERROR;
	for (;;) {
		size_t pos = 0;
		ssize_t got;

		if (smtp_now_ms() >= deadline)  /* busy clients too */
			return timed_out(t, out);
		r = wait_in(in, deadline);
		if (r == 0)
			return timed_out(t, out);
		if (r < 0)
			return SMTP_END_ERROR;
		got = read(in, buf, sizeof buf);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0)
			return SMTP_END_ERROR;
		if (got == 0)   /* v8 loops here; the session is over */
			return SMTP_END_EOF;
		while (pos < (size_t)got) {
			pos += smtp_line_feed(&l, buf + pos, (size_t)got - pos);
			if (!l.done)
				break;
			if (smtp_now_ms() >= deadline)
				return timed_out(t, out);
			r = answer(t, l.s, l.len, &rcpts, out, deadline);
			if (r >= 0)
				return r;
		}
	}
}
