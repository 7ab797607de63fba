/* smtp_fake: a fake SMTP session with one deadline (see smtp.h). */
#include "smtp.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define READ_MAX 1024

/* s + CRLF into out[0..SMTP_REPLY_MAX), cut so that the CRLF fits */
static size_t
line_fmt(char out[SMTP_REPLY_MAX], const char *a, const char *b)
{
	size_t k = 0, la = strlen(a), lb = b ? strlen(b) : 0;

	if (la > SMTP_REPLY_MAX - 2)
		la = SMTP_REPLY_MAX - 2;
	memcpy(out, a, la);
	k = la;
	if (lb > SMTP_REPLY_MAX - 2 - k)
		lb = SMTP_REPLY_MAX - 2 - k;
	if (lb)
		memcpy(out + k, b, lb);
	k += lb;
	out[k++] = '\r';
	out[k++] = '\n';
	return k;
}

size_t
smtp_fake_reply(const smtp_fake *f, const char *line, size_t n,
                char out[SMTP_REPLY_MAX], int *quit)
{
	const smtp_verb *v = smtp_verb_find(f->verbs, line, n);

	*quit = 0;
	switch (v->reply) {
	case SMTP_REPLY_OK:
		return line_fmt(out, "250 ", f->host);
	case SMTP_REPLY_QUIT:
		*quit = 1;
		return line_fmt(out, "221 ", f->host);
	case SMTP_REPLY_MESSAGE:
		break;
	}
	return line_fmt(out, f->message, 0);
}

long long
smtp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for ev: 1 ready, 0 deadline, -1 error. */
static int
wait_fd(int fd, short ev, long long deadline)
{
	for (;;) {
		struct pollfd p = { fd, ev, 0 };
		long long left = deadline - smtp_now_ms();
		int r;

		if (left <= 0)
			left = 0;
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 1;   /* errors and hang-ups show in read/write */
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0 && left == 0)
			return 0;
	}
}

int
smtp_write(int fd, const char *s, size_t n, long long deadline)
{
	while (n > 0) {
		ssize_t w;
		int r = wait_fd(fd, POLLOUT, deadline);

		if (r <= 0)
			return r;
		w = write(fd, s, n);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 1;
}

static int
timed_out(const smtp_fake *f, int out)
{
	char buf[SMTP_REPLY_MAX];

	if (f->timeout_reply)   /* only if it goes out at once */
		(void)smtp_write(out, buf, line_fmt(buf, f->timeout_reply, 0),
		    smtp_now_ms());
	return SMTP_END_TIMEOUT;
}

/* Writes one reply: SMTP_END_* on failure, -1 when written. */
static int
reply(const smtp_fake *f, int out, const char *s, size_t n, long long dl)
{
	int r = smtp_write(out, s, n, dl);

	if (r == 0)
		return timed_out(f, out);
	return r < 0 ? SMTP_END_ERROR : -1;
}

int
smtp_fake_run(const smtp_fake *f, int in, int out, long long deadline)
{
	smtp_line l = SMTP_LINE_INIT;
	char buf[READ_MAX], rep[SMTP_REPLY_MAX];
	int r, quit;

	r = reply(f, out, rep, line_fmt(rep, "220 ", f->host), deadline);
	if (r >= 0)
		return r;
	for (;;) {
		size_t pos = 0;
		ssize_t got;

		if (smtp_now_ms() >= deadline)   /* busy clients too */
			return timed_out(f, out);
		r = wait_fd(in, POLLIN, deadline);
		if (r == 0)
			return timed_out(f, out);
		if (r < 0)
			return SMTP_END_ERROR;
		got = read(in, buf, sizeof buf);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got < 0)
			return SMTP_END_ERROR;
		if (got == 0)
			return SMTP_END_EOF;
		while (pos < (size_t)got) {
			pos += smtp_line_feed(&l, buf + pos, (size_t)got - pos);
			if (!l.done)
				break;
			if (smtp_now_ms() >= deadline)
				return timed_out(f, out);
			r = reply(f, out, rep,
			    smtp_fake_reply(f, l.s, l.len, rep, &quit), deadline);
			if (r >= 0)
				return r;
			if (quit)
				return SMTP_END_QUIT;
		}
	}
}
