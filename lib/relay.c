/* relay: the SMTP proxy loop of dkverify's relay mode (see relay.h). */
#include "relay.h"
#include "io.h"
#include "die.h"
#include "msg.h"
#include "scan.h"
#include "smtp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CBUF RELAY_CMD_MAX
#define SBUF RELAY_LINE_MAX
#define IOBLK 65536

#define R_GO "354 go ahead\r\n"
#define R_UNIMPL "502 unimplemented (#5.5.1)\r\n"
#define R_TOOLONG "500 command line too long (#5.5.2)\r\n"
#define R_DATABYTES "552 sorry, that message size exceeds my databytes limit (#5.3.4)\r\n"
#define R_TEMP "451 temporary failure in dkverify (#4.3.0)\r\n"
#define R_TIMEOUT "451 timeout (#4.4.2)\r\n"
#define R_SRVGONE "421 the mail server went away (#4.3.0)\r\n"
#define R_SRVBAD "421 the mail server sent a bad reply (#4.3.0)\r\n"
#define R_SRVTIME "421 the mail server timed out (#4.3.0)\r\n"

/* Results of the waiting helpers. */
enum { RW_OK = 1, RW_EOF = 0, RW_TIMEOUT = -1, RW_ERR = -2, RW_SRVEOF = -3,
       RW_TOOLONG = -4, RW_BAD = -5, RW_CTIMEOUT = -6 };

typedef struct rl {
	const relay_hooks *h;
	int cin, cout;          /* client */
	int sin, sout;          /* server's stdout (we read), stdin (we write) */
	pid_t pid;
	long long tmo;          /* ms */
	unsigned long databytes;
	int active, mail, rcpt;
	char cb[CBUF];
	size_t clen;
	int ceof, skipping;
	char sb[SBUF];
	size_t slen;
	int seof;
	sbuf reply;             /* the current server reply */
	/* the spooled message */
	sbuf mem;
	int tmpfd;
	size_t size;
	char *io, *io2;         /* IOBLK and 2 IOBLK + 2 */
} rl;

/* ---- waiting and I/O ---------------------------------------------------- */

/* Reads what is there from the client and/or the server into their
   buffers, waiting up to the idle timeout.  RW_OK, RW_TIMEOUT, RW_ERR. */
static int
fill(rl *r, int wantc, int wants)
{
	long long deadline = smtp_now_ms() + r->tmo;

	for (;;) {
		struct pollfd p[2];
		int np = 0, ic = -1, is = -1, n;
		long long left = deadline - smtp_now_ms();

		if (wantc && !r->ceof && r->clen < CBUF) {
			p[np].fd = r->cin; p[np].events = POLLIN; ic = np++;
		}
		if (wants && !r->seof && r->slen < SBUF) {
			p[np].fd = r->sin; p[np].events = POLLIN; is = np++;
		}
		if (np == 0)
			return RW_OK;
		if (left < 0)
			left = 0;
		n = poll(p, (nfds_t)np, left > 600000 ? 600000 : (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return RW_ERR;
		}
		if (n == 0) {
			if (left == 0)
				return RW_TIMEOUT;
			continue;
		}
		if (ic >= 0 && p[ic].revents) {
			ssize_t k = read(r->cin, r->cb + r->clen, CBUF - r->clen);
			if (k < 0 && errno != EINTR && errno != EAGAIN)
				r->ceof = 1;   /* a reset client is a gone client */
			else if (k == 0)
				r->ceof = 1;
			else if (k > 0)
				r->clen += (size_t)k;
		}
		if (is >= 0 && p[is].revents) {
			ssize_t k = read(r->sin, r->sb + r->slen, SBUF - r->slen);
			if (k < 0 && errno != EINTR && errno != EAGAIN)
				r->seof = 1;
			else if (k == 0)
				r->seof = 1;
			else if (k > 0)
				r->slen += (size_t)k;
		}
		return RW_OK;
	}
}

static int
put(rl *r, int fd, const char *s, size_t n)
{
	int w = smtp_write(fd, s, n, smtp_now_ms() + r->tmo);

	return w > 0 ? RW_OK : w == 0 ? RW_TIMEOUT : RW_ERR;
}

static int
to_client(rl *r, const char *s, size_t n)
{
	return put(r, r->cout, s, n);
}

static int
to_server(rl *r, const char *s, size_t n)
{
	return put(r, r->sout, s, n);
}

static void
client_drop(rl *r, size_t n)
{
	memmove(r->cb, r->cb + n, r->clen - n);
	r->clen -= n;
}

/* Makes a whole client line stand at the start of cb; *len = its length
   with the LF.  RW_OK, RW_EOF (client gone, no whole line left), RW_SRVEOF
   (the server ended the session), RW_TIMEOUT, RW_ERR, RW_TOOLONG (the line
   was read and dropped). */
static int
client_line(rl *r, size_t *len)
{
	for (;;) {
		char *nl = r->clen ? memchr(r->cb, '\n', r->clen) : NULL;
		int w;

		if (r->skipping) {
			if (nl) {
				client_drop(r, (size_t)(nl - r->cb) + 1);
				r->skipping = 0;
				return RW_TOOLONG;
			}
			r->clen = 0;
		} else if (nl) {
			*len = (size_t)(nl - r->cb) + 1;
			return RW_OK;
		} else if (r->clen == CBUF) {
			r->skipping = 1;
			r->clen = 0;
			continue;
		}
		if (r->ceof)
			return RW_EOF;
		if (r->seof)
			return RW_SRVEOF;
		w = fill(r, 1, 1);
		if (w != RW_OK)
			return w;
	}
}

/* Reads one whole server reply into r->reply.  Returns its code (from
   the last line; -1 if not three digits), or RW_SRVEOF / RW_TIMEOUT /
   RW_ERR / RW_BAD (a line or reply too long) as code - 1000. */
#define RFAIL(w) ((w) - 1000)
static int
server_reply(rl *r)
{
	sbuf_reset(&r->reply);
	for (;;) {
		char *nl = r->slen ? memchr(r->sb, '\n', r->slen) : NULL;
		int w, more, code;

		if (nl) {
			size_t ll = (size_t)(nl - r->sb) + 1;

			if (!sbuf_catb(&r->reply, r->sb, ll))
				return RFAIL(RW_BAD);
			memmove(r->sb, r->sb + ll, r->slen - ll);
			r->slen -= ll;
			code = relay_reply_line(r->reply.s + r->reply.len - ll, ll,
			    &more);
			if (!more)
				return code;
			continue;
		}
		if (r->slen == SBUF)
			return RFAIL(RW_BAD);
		if (r->seof)
			return RFAIL(RW_SRVEOF);
		w = fill(r, 0, 1);
		if (w != RW_OK)
			return RFAIL(w);
	}
}

/* ---- the server child --------------------------------------------------- */

static int
server_start(rl *r, char **argv)
{
	int to[2], from[2];
	struct sigaction old, ign;

	if (pipe2(to, O_CLOEXEC) < 0)
		return 0;
	if (pipe2(from, O_CLOEXEC) < 0) {
		close(to[0]);
		close(to[1]);
		return 0;
	}
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	r->pid = fork();
	if (r->pid == 0) {
		sigaction(SIGPIPE, &old, NULL);
		if (dup2(to[0], 0) < 0 || dup2(from[1], 1) < 0)
			_exit(111);
		execvp(argv[0], argv);
		warn_sys("unable to run %s", argv[0]);
		_exit(111);
	}
	close(to[0]);
	close(from[1]);
	if (r->pid < 0) {
		close(to[1]);
		close(from[0]);
		return 0;
	}
	r->sout = to[1];
	r->sin = from[0];
	return 1;
}

/* Closes the server's fd 0 and reaps it: RELAY_REAP_SECS to exit (output
   drained meanwhile), then SIGTERM, then SIGKILL. */
static void
server_reap(rl *r)
{
	long long deadline = smtp_now_ms() + RELAY_REAP_SECS * 1000LL;
	int st, sig = 0;

	if (r->sout >= 0)
		close(r->sout);
	r->sout = -1;
	for (;;) {
		pid_t w = waitpid(r->pid, &st, WNOHANG);

		if (w == r->pid || (w < 0 && errno != EINTR))
			break;
		if (smtp_now_ms() >= deadline) {
			if (sig == SIGKILL) {
				while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
					;
				break;
			}
			sig = sig ? SIGKILL : SIGTERM;
			kill(r->pid, sig);
			deadline = smtp_now_ms() + 1000;
		}
		if (r->sin >= 0) {
			struct pollfd p = { r->sin, POLLIN, 0 };

			if (poll(&p, 1, 20) > 0 &&
			    read(r->sin, r->sb, SBUF) <= 0) {
				close(r->sin);
				r->sin = -1;
			}
		} else {
			struct timespec ts = { 0, 20 * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (r->sin >= 0)
		close(r->sin);
	r->sin = -1;
}

/* ---- the session -------------------------------------------------------- */

/* The exit code for a failed wait, after telling the client what it can. */
static int
fail(rl *r, int w)
{
	switch (w) {
	case RW_CTIMEOUT:
		(void)smtp_write(r->cout, R_TIMEOUT, sizeof R_TIMEOUT - 1,
		    smtp_now_ms() + 1000);
		break;
	case RW_TIMEOUT:
		(void)smtp_write(r->cout, R_SRVTIME, sizeof R_SRVTIME - 1,
		    smtp_now_ms() + 1000);
		break;
	case RW_ERR:     /* mostly the server gone (EPIPE); to a gone
	                    client this write fails too */
		(void)to_client(r, R_SRVGONE, sizeof R_SRVGONE - 1);
		break;
	case RW_SRVEOF:
		if (r->slen)
			(void)to_client(r, r->sb, r->slen);
		(void)to_client(r, R_SRVGONE, sizeof R_SRVGONE - 1);
		break;
	case RW_BAD:
		(void)to_client(r, R_SRVBAD, sizeof R_SRVBAD - 1);
		break;
	}
	return 111;
}

/* Reads the server's reply and relays it to the client: its code, or a
   RW_ value (negative) on failure.  While verifying, a 354 to a command
   we passed on (a DATA we thought the server would refuse, a verb it
   reads differently) would let a message around the verifier: it is not
   relayed, the session ends (RW_BAD, fail closed). */
static int
relay_reply(rl *r, int ehlo)
{
	int code = server_reply(r), w;

	if (code < -1)
		return code + 1000;
	if (code == 354 && r->active)   /* data only through data_verify */
		return RW_BAD;
	if (ehlo && code == 250) {
		size_t n = relay_ehlo_filter(r->reply.s, r->reply.len, r->reply.s);
		r->reply.len = n;
	}
	w = to_client(r, r->reply.s, r->reply.len);
	if (w != RW_OK)
		return w;
	return code < 0 ? 0 : code;
}

/* RSET to the server, its reply swallowed: RW_OK or a failure. */
static int
server_rset(rl *r)
{
	int w = to_server(r, "RSET\r\n", 6), code;

	if (w != RW_OK)
		return w;
	code = server_reply(r);
	return code < -1 ? code + 1000 : RW_OK;
}

/* jms1's AUTH_SET_X / AUTH_UNSET_X applied to our own environment (V-15) */
static void
auth_env(void)
{
	char **e;
	size_t n = 0, i;
	char **copy;

	for (e = environ; *e; e++)
		n++;
	copy = calloc(n + 1, sizeof *copy);
	if (!copy)
		return;
	for (i = 0; i < n; i++)
		copy[i] = strdup(environ[i]);
	for (i = 0; i < n; i++) {
		char *s = copy[i], *eq;

		if (!s)
			continue;
		eq = strchr(s, '=');
		if (!strncmp(s, "AUTH_SET_", 9) && eq && eq > s + 9) {
			*eq = 0;
			setenv(s + 9, eq + 1, 1);
		} else if (!strncmp(s, "AUTH_UNSET_", 11)) {
			if (eq)
				*eq = 0;
			if (s[11])
				unsetenv(s + 11);
		}
	}
	for (i = 0; i < n; i++)
		free(copy[i]);
	free(copy);
}

/* ---- the spool ---------------------------------------------------------- */

static void
spool_reset(rl *r)
{
	sbuf_free(&r->mem);
	if (r->tmpfd >= 0)
		close(r->tmpfd);
	r->tmpfd = -1;
	r->size = 0;
}

static int
spool_add(rl *r, const char *p, size_t n)
{
	if (r->tmpfd < 0 && r->mem.len + n <= RELAY_MEM_MAX)
		return sbuf_catb(&r->mem, p, n);
	if (r->tmpfd < 0) {
		r->tmpfd = msg_tmpfile(NULL);
		if (r->tmpfd < 0 || !io_write_all(r->tmpfd, r->mem.s, r->mem.len))
			return 0;
		sbuf_free(&r->mem);
	}
	return io_write_all(r->tmpfd, p, n);
}

/* Sends the spooled bytes [off, off + n) dot-stuffed. */
static int
send_stuffed(rl *r, int *sol, const char *p, size_t n)
{
	while (n > 0) {
		size_t k = n > IOBLK ? IOBLK : n;
		size_t o = relay_stuff(sol, p, k, r->io2);
		int w = to_server(r, r->io2, o);

		if (w != RW_OK)
			return w;
		p += k;
		n -= k;
	}
	return RW_OK;
}

/* Sends the block p[0..n), which is message offset off.., minus the skip
   ranges of v. */
static int
send_block(rl *r, int *sol, const relay_verdict *v, size_t off,
           const char *p, size_t n)
{
	size_t pos = 0;

	while (pos < n) {
		size_t at = off + pos, next = off + n, i;
		int skip = 0;

		for (i = 0; i < v->nskip && i < RELAY_SKIP_MAX; i++) {
			size_t s = v->skip_off[i], e = s + v->skip_len[i];

			if (e < s)
				e = (size_t)-1;
			if (at >= s && at < e) {
				skip = 1;
				if (e < next)
					next = e;
			} else if (s > at && s < next)
				next = s;
		}
		if (!skip) {
			int w = send_stuffed(r, sol, p + pos, next - at);
			if (w != RW_OK)
				return w;
		}
		if (skip && next == at)
			break;
		pos = next - off;
	}
	return RW_OK;
}

/* Header, message, "." to the server. */
static int
send_message(rl *r, const relay_verdict *v)
{
	int sol = 1, w;
	size_t off = 0;

	if (v->header.len) {
		w = to_server(r, v->header.s, v->header.len);
		if (w == RW_OK && v->header.s[v->header.len - 1] != '\n')
			w = to_server(r, "\r\n", 2);
		if (w != RW_OK)
			return w;
	}
	if (r->tmpfd < 0) {
		w = send_block(r, &sol, v, 0, r->mem.s ? r->mem.s : "",
		    r->mem.len);
		if (w != RW_OK)
			return w;
	} else {
		if (lseek(r->tmpfd, 0, SEEK_SET) < 0)
			return RW_ERR;
		for (;;) {
			ssize_t k = read(r->tmpfd, r->io, IOBLK);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return RW_ERR;
			if (k == 0)
				break;
			w = send_block(r, &sol, v, off, r->io, (size_t)k);
			if (w != RW_OK)
				return w;
			off += (size_t)k;
		}
	}
	if (!sol)   /* cannot happen: the data ends at a line start */
		if ((w = to_server(r, "\r\n", 2)) != RW_OK)
			return w;
	return to_server(r, ".\r\n", 3);
}

/* The verdict's reply line, made safe: one line, a 4xx/5xx code. */
static size_t
verdict_reply(const relay_verdict *v, char *out)
{
	size_t n = 0, i;
	int more, code;

	for (i = 0; i < sizeof v->reply && v->reply[i] && n < 510; i++)
		out[n++] = (v->reply[i] == '\r' || v->reply[i] == '\n') ?
		    ' ' : v->reply[i];
	code = relay_reply_line(out, n, &more);
	if (code < 400 || code > 599 ||
	    (v->action == RELAY_REJECT && out[0] != '5') ||
	    (v->action != RELAY_REJECT && out[0] != '4')) {
		const char *d = v->action == RELAY_REJECT ?
		    "554 DKIM verification failed (#5.7.20)" :
		    "451 DKIM verification deferred (#4.7.0)";
		n = strlen(d);
		memcpy(out, d, n);
	}
	out[n++] = '\r';
	out[n++] = '\n';
	return n;
}

/* Reads the data from the client after our 354: RW_OK when the "." line
   was read; *over / *bad tell what happened to the message. */
static int
read_data(rl *r, int *over, int *bad)
{
	relay_data d = RELAY_DATA_INIT;

	while (!d.done) {
		size_t outn, used;
		int w;

		if (r->clen == 0) {
			if (r->ceof)
				return RW_EOF;
			w = fill(r, 1, 0);
			if (w != RW_OK)
				return w == RW_TIMEOUT ? RW_CTIMEOUT : w;
			continue;
		}
		used = relay_data_feed(&d, r->cb, r->clen, r->io, &outn);
		client_drop(r, used);
		if (outn == 0 || *over)
			continue;
		if (r->databytes && outn > r->databytes - r->size) {
			*over = 1;
			continue;
		}
		r->size += outn;
		if (*bad)
			continue;
		if (!spool_add(r, r->io, outn) ||
		    r->h->chunk(r->h->ctx, r->io, outn) < 0)
			*bad = 1;
	}
	return RW_OK;
}

/* DATA answered by the relay (V-16).  RW_OK or a failure. */
static int
data_verify(rl *r)
{
	relay_verdict v;
	int over = 0, bad = 0, w, code;
	char line[520];

	r->mail = r->rcpt = 0;
	if (r->h->begin(r->h->ctx) < 0)
		return to_client(r, R_TEMP, sizeof R_TEMP - 1);
	if ((w = to_client(r, R_GO, sizeof R_GO - 1)) != RW_OK)
		return w;
	spool_reset(r);
	w = read_data(r, &over, &bad);
	if (w != RW_OK) {   /* client gone or silent: the server got nothing */
		spool_reset(r);
		return w;
	}
	memset(&v, 0, sizeof v);
	v.header = (sbuf)SBUF_INIT(0);
	if (over)
		w = to_client(r, R_DATABYTES, sizeof R_DATABYTES - 1);
	else if (bad || r->h->end(r->h->ctx, &v) < 0)
		w = to_client(r, R_TEMP, sizeof R_TEMP - 1);
	else if (v.action != RELAY_ACCEPT)
		w = to_client(r, line, verdict_reply(&v, line));
	else {
		w = to_server(r, "DATA\r\n", 6);
		if (w == RW_OK) {
			code = server_reply(r);
			if (code < -1)
				w = code + 1000;
			else if (code != 354)
				w = to_client(r, r->reply.s, r->reply.len);
			else if ((w = send_message(r, &v)) == RW_OK) {
				code = relay_reply(r, 0);
				w = code < 0 ? code : RW_OK;
			}
		}
		sbuf_free(&v.header);
		spool_reset(r);
		return w;
	}
	sbuf_free(&v.header);
	spool_reset(r);
	if (w != RW_OK)
		return w;
	return server_rset(r);
}

/* The server said 354 to a DATA we passed on: the data goes through raw
   up to its "." line, then the server's reply comes back. */
static int
data_pass(rl *r)
{
	relay_data d = RELAY_DATA_INIT;
	int code;

	while (!d.done) {
		size_t outn, used;
		int w;

		if (r->clen == 0) {
			if (r->ceof)
				return RW_EOF;
			if ((w = fill(r, 1, 0)) != RW_OK)
				return w == RW_TIMEOUT ? RW_CTIMEOUT : w;
			continue;
		}
		used = relay_data_feed(&d, r->cb, r->clen, r->io, &outn);
		if ((w = to_server(r, r->cb, used)) != RW_OK)
			return w;
		client_drop(r, used);
	}
	code = relay_reply(r, 0);
	return code < 0 ? code : RW_OK;
}

/* One client command (line[0..n), consumed already from cb): RW_OK to go
   on, RW_EOF after QUIT, or a failure. */
static int
command(rl *r, const char *line, size_t n)
{
	int verb = relay_verb(line, n, NULL), code, w;

	switch (verb) {
	case RELAY_V_BDAT:
	case RELAY_V_STARTTLS:
		return to_client(r, R_UNIMPL, sizeof R_UNIMPL - 1);
	case RELAY_V_DATA:
		if (r->active && r->mail && r->rcpt)
			return data_verify(r);
		break;
	}
	if ((w = to_server(r, line, n)) != RW_OK)
		return w;
	code = relay_reply(r, verb == RELAY_V_EHLO);
	if (code < 0)
		return code;
	switch (verb) {
	case RELAY_V_HELO:
	case RELAY_V_EHLO:
	case RELAY_V_RSET:
		r->mail = r->rcpt = 0;
		break;
	case RELAY_V_MAIL:
		if (code / 100 == 2)
			r->mail = 1, r->rcpt = 0;
		break;
	case RELAY_V_RCPT:
		if (code / 100 == 2 && r->mail)
			r->rcpt++;
		break;
	case RELAY_V_DATA:
		if (code == 354) {
			r->mail = r->rcpt = 0;
			return data_pass(r);
		}
		break;
	case RELAY_V_QUIT:
		return RW_EOF;
	case RELAY_V_AUTH:
		while (code == 334) {
			size_t len;

			w = client_line(r, &len);
			if (w == RW_TIMEOUT)
				return RW_CTIMEOUT;
			if (w == RW_TOOLONG)
				w = to_server(r, "*\r\n", 3);
			else if (w == RW_OK) {
				w = to_server(r, r->cb, len);
				client_drop(r, len);
			}
			if (w != RW_OK)
				return w;
			if ((code = relay_reply(r, 0)) < 0)
				return code;
		}
		if (code == 235) {
			auth_env();
			r->active = r->h->active(r->h->ctx);
		}
		break;
	}
	return RW_OK;
}

static int
session(rl *r)
{
	char line[CBUF];
	int code = relay_reply(r, 0), w;

	if (code < 0)
		return fail(r, code);
	for (;;) {
		size_t len;

		w = client_line(r, &len);
		if (w == RW_TOOLONG) {
			w = to_client(r, R_TOOLONG, sizeof R_TOOLONG - 1);
			if (w != RW_OK)
				return 111;
			continue;
		}
		if (w == RW_EOF)
			return 0;
		if (w == RW_SRVEOF) {   /* the server ended it between replies */
			if (r->slen)
				(void)to_client(r, r->sb, r->slen);
			return 0;
		}
		if (w == RW_TIMEOUT)
			return fail(r, RW_CTIMEOUT);
		if (w != RW_OK)
			return 111;
		memcpy(line, r->cb, len);
		client_drop(r, len);
		w = command(r, line, len);
		if (w == RW_EOF)
			return 0;
		if (w != RW_OK)
			return fail(r, w);
	}
}

static int
load_env(rl *r)
{
	const char *s = getenv("DKVERIFY_TIMEOUT_SMTP");
	unsigned long u = RELAY_TIMEOUT_DEFAULT;

	if (s && !scan_ulong(s, 86400, &u)) {
		warn_x("invalid $DKVERIFY_TIMEOUT_SMTP: %s", s);
		return 0;
	}
	if (u == 0) {
		warn_x("invalid $DKVERIFY_TIMEOUT_SMTP: %s", s);
		return 0;
	}
	r->tmo = (long long)u * 1000;
	s = getenv("DATABYTES");
	r->databytes = 0;
	if (s && *s && !scan_ulong(s, (unsigned long)-1, &r->databytes)) {
		warn_x("invalid $DATABYTES: %s", s);
		return 0;
	}
	return 1;
}

int
relay_run(char **argv, const relay_hooks *h)
{
	rl *r;
	int code;

	if (!h->active(h->ctx)) {
		execvp(argv[0], argv);
		warn_sys("unable to run %s", argv[0]);
		return 111;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		warn_sys("out of memory");
		return 111;
	}
	r->h = h;
	r->cin = 0;
	r->cout = 1;
	r->tmpfd = -1;
	r->active = 1;
	r->reply = (sbuf)SBUF_INIT(RELAY_REPLY_MAX);
	r->mem = (sbuf)SBUF_INIT(RELAY_MEM_MAX);
	if (!load_env(r)) {
		free(r);
		return 100;
	}
	r->io = malloc(IOBLK + 2);
	r->io2 = malloc(2 * IOBLK + 2);
	if (!r->io || !r->io2 || !server_start(r, argv)) {
		warn_sys("unable to start %s", argv[0]);
		free(r->io);
		free(r->io2);
		free(r);
		return 111;
	}
	code = session(r);
	server_reap(r);
	spool_reset(r);
	sbuf_free(&r->reply);
	free(r->io);
	free(r->io2);
	free(r);
	return code;
}
