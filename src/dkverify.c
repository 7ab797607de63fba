/*
 * dkverify: DKIM and DomainKeys verification of inbound mail for qmail.
 *
 * Modes (spec dkim.md V-1):
 *   dkverify --check [file]   verify one message, print the
 *                             Authentication-Results field and a verdict
 *                             line; exit 0 accept, 100 reject, 111 defer
 *   dkverify                  QMAILQUEUE wrapper around qmail-queue
 *   dkverify program [arg...] SMTP relay in front of qmail-smtpd (lib/relay)
 * Reads:  $DKVERIFY (letters, V-3) $RELAYCLIENT $DKVERIFY_AUTHSERVID
 *         $DKVERIFY_QMAILHOME (else QMAILHOME, default /var/qmail; for
 *         control/me) $DKVERIFY_TIMEOUT $DKVERIFY_MINKEYBITS
 *         $DKVERIFY_RSASHA1 $DKVERIFY_KEYFILE $DNSCACHEIP $DKQUEUE
 *         $DKVERIFY_CUSTOMERROR $TMPDIR.
 * Writes: one log line per verified message on fd 2 (V-9).
 * Exits:  check: 0/100/111, usage 100; QMAILQUEUE: qmail-queue's codes
 *         (V-10..V-12, 55 for a bad setting); relay: lib/relay's codes,
 *         100 for a bad setting.
 */
#include "authres.h"
#include "io.h"
#include "die.h"
#include "dkv.h"
#include "msg.h"
#include "relay.h"
#include "sbuf.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define USAGE "dkverify [ --check [ file ] | program [ arg ... ] ]"
#ifndef QMAILHOME
#define QMAILHOME "/var/qmail"
#endif
#define CHUNK 65536
#define MEM_MAX (1u << 20)       /* message bytes kept in memory (V-10) */
#define KEYFILE_MAX (1u << 20)
#define QQ_ALARM 86400

enum { M_CHECK, M_QUEUE, M_RELAY };
static int mode;
static char servid[AUTHRES_ID_MAX];
static dkv_conf conf;
static sbuf keyfile = SBUF_INIT(KEYFILE_MAX);

/* A bad setting (temp = 0) or an unreadable file (temp = 1). */
static void __attribute__((noreturn, format(printf, 2, 3)))
config_fail(int temp, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	die_x(mode == M_QUEUE ? 55 : temp ? EXIT_TEMP : EXIT_USAGE, "%s", buf);
}

static unsigned long
env_ulong(const char *name, unsigned long def, unsigned long lo,
          unsigned long hi)
{
	const char *s = getenv(name);
	unsigned long u;

	if (!s)
		return def;
	if (!scan_ulong(s, hi, &u) || u < lo)
		config_fail(0, "invalid %s: %.100s (want %lu..%lu)", name, s, lo, hi);
	return u;
}

/* authserv-id (V-7): $DKVERIFY_AUTHSERVID, control/me, the host name. */
static void
load_servid(void)
{
	const char *s = getenv("DKVERIFY_AUTHSERVID");
	const char *home = getenv("DKVERIFY_QMAILHOME");
	char path[4096], buf[AUTHRES_ID_MAX];
	size_t n = 0;
	int fd;

	if (s && *s) {
		if (strlen(s) >= sizeof servid)
			config_fail(0, "DKVERIFY_AUTHSERVID is too long");
		memcpy(servid, s, strlen(s) + 1);
		return;
	}
	snprintf(path, sizeof path, "%s/control/me", home ? home : QMAILHOME);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		ssize_t r = read(fd, buf, sizeof buf - 1);

		close(fd);
		if (r > 0)
			n = (size_t)r;
		while (n && memchr(buf, '\n', n))
			n = (size_t)((char *)memchr(buf, '\n', n) - buf);
		while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' ||
		    buf[n - 1] == '\r'))
			n--;
	}
	if (n) {
		memcpy(servid, buf, n);
		servid[n] = 0;
		return;
	}
	if (gethostname(servid, sizeof servid - 1) != 0 || !servid[0])
		memcpy(servid, "localhost", 10);
	servid[sizeof servid - 1] = 0;
}

static void
load_keyfile(const char *path)
{
	char buf[CHUNK];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t r;

	if (fd < 0)
		config_fail(1, "cannot read DKVERIFY_KEYFILE %s: %s", path,
		    errstr(errno));
	while ((r = read(fd, buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			config_fail(1, "cannot read DKVERIFY_KEYFILE %s: %s", path,
			    errstr(errno));
		}
		if (!sbuf_catb(&keyfile, buf, (size_t)r))
			config_fail(1, "DKVERIFY_KEYFILE %s: %s", path,
			    errstr(errno));
	}
	close(fd);
}

static void
load_conf(void)
{
	const char *kf = getenv("DKVERIFY_KEYFILE");
	const char *sha1 = getenv("DKVERIFY_RSASHA1");

	load_servid();
	conf.servid = servid;
	conf.timeout_ms = (int)env_ulong("DKVERIFY_TIMEOUT", 10, 1, 3600) * 1000;
	conf.minkeybits = env_ulong("DKVERIFY_MINKEYBITS", 1024, 0, 16384);
	conf.rsasha1 = !(sha1 && strcmp(sha1, "0") == 0);
	if (kf) {
		load_keyfile(kf);
		conf.keyfile = keyfile.s ? keyfile.s : "";
		conf.keyfilelen = keyfile.len;
	}
}

static dkv *
new_verifier(void)
{
	const char *err;
	dkv *v = dkv_new(&conf, &err);

	if (!v) {
		if (errno == EINVAL)
			config_fail(0, "%s", err);
		die_x(mode == M_QUEUE ? 51 : EXIT_TEMP, "%s", err);
	}
	return v;
}

/* V-2: verify only with DKVERIFY set and RELAYCLIENT unset. */
static int
wanted(void)
{
	return getenv("DKVERIFY") && !getenv("RELAYCLIENT");
}

typedef struct verdict {
	int action;
	int bydk;
	const char *comment;
} verdict;

static const char *const actname[] = { "accept", "reject", "defer" };

/* Applies $DKVERIFY (read afresh: AUTH may have changed it) and logs. */
static verdict
decide(const dkv_out *o, int log)
{
	const char *s = getenv("DKVERIFY");
	dkv_policy p;
	verdict d;

	dkv_letters_parse(s ? s : "", s ? strlen(s) : 0, &p);
	d.action = dkv_decide(&p, o->dk, o->dkim, &d.bydk);
	d.comment = d.bydk ? o->dkcomment : o->dkimcomment;
	if (o->skipfull && d.action == DKV_ACCEPT) {
		d.action = DKV_DEFER;
		d.bydk = 0;
		d.comment = "too many Authentication-Results fields";
	}
	if (log)
		die_say("pid %ld dk=%c dkim=%c action=%s d=%s", (long)getpid(),
		    o->dk, o->dkim, actname[d.action], o->domains);
	return d;
}

/* --- check mode ------------------------------------------------------ */
static void __attribute__((noreturn))
check(const char *file)
{
	int fd = 0;
	char *buf = malloc(CHUNK);
	dkv *v = new_verifier();
	sbuf out = SBUF_INIT(0);
	dkv_out o;
	verdict d;
	ssize_t r;

	if (file) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die_sys(EXIT_TEMP, "cannot open %s", file);
	}
	if (!buf || dkv_begin(v) < 0)
		die_x(EXIT_TEMP, "out of memory");
	while ((r = read(fd, buf, CHUNK)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die_sys(EXIT_TEMP, "cannot read %s", file ? file : "input");
		}
		if (dkv_chunk(v, buf, (size_t)r) < 0)
			die_x(EXIT_TEMP, "out of memory");
	}
	if (dkv_end(v, &o) < 0)
		die_x(EXIT_TEMP, "out of memory");
	d = decide(&o, 0);
	if (!authres_build(servid, &o.ar, "\n", &out))
		die_x(EXIT_TEMP, "out of memory");
	printf("%sdk=%c dkim=%c action=%s\n", out.s, o.dk, o.dkim,
	    actname[d.action]);
	if (fflush(stdout) != 0)
		die_sys(EXIT_TEMP, "cannot write output");
	exit(d.action == DKV_REJECT ? 100 : d.action == DKV_DEFER ? 111 : 0);
}

/* --- QMAILQUEUE mode (V-10..V-12) ---------------------------------- */
static const char *qq = "bin/qmail-queue";

static void
alarm_hit(int sig)
{
	(void)sig;
	_exit(52);
}

static void __attribute__((noreturn))
exec_qq(void)
{
	char *args[2];

	args[0] = (char *)qq;
	args[1] = 0;
	execv(qq, args);
	warn_sys("cannot run %s", qq);
	_exit(71);
}

typedef struct spool {
	sbuf mem;
	int fd;                      /* -1 while all of it is in mem */
	size_t len;
} spool;

static void
spool_add(spool *s, const char *p, size_t n)
{
	if (s->fd < 0 && s->mem.len + n <= MEM_MAX) {
		if (!sbuf_catb(&s->mem, p, n))
			die_x(51, "out of memory");
	} else {
		if (s->fd < 0) {
			s->fd = msg_tmpfile(0);
			if (s->fd < 0)
				die_sys(53, "cannot create a temporary file");
			if (!io_write_all(s->fd, s->mem.s, s->mem.len))
				die_sys(53, "cannot write a temporary file");
			sbuf_free(&s->mem);
		}
		if (!io_write_all(s->fd, p, n))
			die_sys(53, "cannot write a temporary file");
	}
	s->len += n;
}

/* Copies spool bytes [a, b) to fd; 0 if the reader went away. */
static int
spool_copy(spool *s, size_t a, size_t b, int fd, char *buf)
{
	while (a < b) {
		size_t n = b - a < CHUNK ? b - a : CHUNK;
		ssize_t r;

		if (s->fd < 0)
			return io_write_all(fd, s->mem.s + a, b - a);
		r = pread(s->fd, buf, n, (off_t)a);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die_sys(53, "cannot read the temporary file");
		if (!io_write_all(fd, buf, (size_t)r))
			return 0;
		a += (size_t)r;
	}
	return 1;
}

static void __attribute__((noreturn))
refuse(const verdict *d)
{
	const char *custom = getenv("DKVERIFY_CUSTOMERROR");
	char buf[CHUNK];

	while (read(1, buf, sizeof buf) > 0)   /* drain the envelope */
		;
	if (custom && strcmp(custom, "1") == 0) {
		char msg[300];
		int n;

		if (d->action == DKV_REJECT)
			n = snprintf(msg, sizeof msg, "D%s verification failed: %s "
			    "(#%s)", d->bydk ? "DomainKeys" : "DKIM", d->comment,
			    d->bydk ? "5.7.5" : "5.7.20");
		else
			n = snprintf(msg, sizeof msg, "Z%s verification deferred: %s "
			    "(#4.7.0)", d->bydk ? "DomainKeys" : "DKIM", d->comment);
		if (n > 0 && (size_t)n < sizeof msg && io_write_all(6, msg, (size_t)n))
			_exit(82);
	}
	_exit(d->action == DKV_REJECT ? 31 : 71);
}

static void __attribute__((noreturn))
queue(const char *argv0)
{
	const char *env = getenv("DKQUEUE");
	const char *base = strrchr(argv0, '/');
	spool s = { SBUF_INIT(MEM_MAX), -1, 0 };
	sbuf head = SBUF_INIT(0);
	char *buf;
	int pi[2], st;
	size_t pos, k;
	dkv_out o;
	verdict d;
	dkv *v;
	pid_t pid;
	ssize_t r;

	base = base ? base + 1 : argv0;
	if (env && *env)
		qq = env;
	else if (strcmp(base, "qmail-queue") == 0)
		qq = "bin/qmail-queue.orig";
	if (!wanted())
		exec_qq();
	signal(SIGALRM, alarm_hit);
	alarm(QQ_ALARM);
	signal(SIGPIPE, SIG_IGN);
	load_conf();
	v = new_verifier();
	buf = malloc(CHUNK);
	if (!buf || dkv_begin(v) < 0)
		die_x(51, "out of memory");
	while ((r = read(0, buf, CHUNK)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die_sys(54, "cannot read the message");
		}
		spool_add(&s, buf, (size_t)r);
		if (dkv_chunk(v, buf, (size_t)r) < 0)
			die_x(51, "out of memory");
	}
	if (dkv_end(v, &o) < 0)
		die_x(51, "out of memory");
	d = decide(&o, 1);
	if (d.action != DKV_ACCEPT)
		refuse(&d);
	if (!authres_build(servid, &o.ar, "\n", &head))
		die_x(51, "out of memory");
	if (pipe(pi) != 0)
		die_sys(81, "cannot make a pipe");
	pid = fork();
	if (pid < 0)
		die_sys(81, "cannot fork");
	if (pid == 0) {
		close(pi[1]);
		if (dup2(pi[0], 0) < 0)
			_exit(71);
		close(pi[0]);
		signal(SIGPIPE, SIG_DFL);
		alarm(0);
		exec_qq();
	}
	close(pi[0]);
	/* A-R field, then the message without our own A-R fields (V-7) */
	if (io_write_all(pi[1], head.s, head.len)) {
		pos = 0;
		for (k = 0; k < o.nskip; k++) {
			if (!spool_copy(&s, pos, o.skip_off[k], pi[1], buf))
				break;
			pos = o.skip_off[k] + o.skip_len[k];
		}
		if (k == o.nskip)
			(void)spool_copy(&s, pos, s.len, pi[1], buf);
	}
	close(pi[1]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die_sys(81, "cannot wait for %s", qq);
	if (WIFEXITED(st))
		_exit(WEXITSTATUS(st));
	_exit(81);
}

/* --- relay mode ------------------------------------------------------ */
typedef struct hooks_ctx {
	dkv *v;
} hooks_ctx;

static int
h_active(void *ctx)
{
	(void)ctx;
	return wanted();
}

static int
h_begin(void *ctx)
{
	hooks_ctx *c = ctx;

	if (!c->v) {
		const char *err;

		c->v = dkv_new(&conf, &err);
		if (!c->v) {
			warn_x("%s", err);
			return -1;
		}
	}
	return dkv_begin(c->v) < 0 ? -1 : 0;
}

static int
h_chunk(void *ctx, const char *p, size_t n)
{
	hooks_ctx *c = ctx;

	return dkv_chunk(c->v, p, n) < 0 ? -1 : 0;
}

static int
h_end(void *ctx, relay_verdict *rv)
{
	hooks_ctx *c = ctx;
	dkv_out o;
	verdict d;
	size_t k;

	if (dkv_end(c->v, &o) < 0)
		return -1;
	if (o.nskip > RELAY_SKIP_MAX)
		o.skipfull = 1;
	d = decide(&o, 1);
	rv->action = d.action == DKV_REJECT ? RELAY_REJECT :
	    d.action == DKV_DEFER ? RELAY_DEFER : RELAY_ACCEPT;
	rv->nskip = 0;
	if (d.action == DKV_REJECT)
		snprintf(rv->reply, sizeof rv->reply,
		    "554 %s verification failed: %s (#%s)",
		    d.bydk ? "DomainKeys" : "DKIM", d.comment,
		    d.bydk ? "5.7.5" : "5.7.20");
	else if (d.action == DKV_DEFER)
		snprintf(rv->reply, sizeof rv->reply,
		    "451 %s verification deferred: %s (#4.7.0)",
		    d.bydk ? "DomainKeys" : "DKIM", d.comment);
	else {
		if (!authres_build(servid, &o.ar, "\r\n", &rv->header))
			return -1;
		for (k = 0; k < o.nskip && k < RELAY_SKIP_MAX; k++) {
			rv->skip_off[k] = o.skip_off[k];
			rv->skip_len[k] = o.skip_len[k];
		}
		rv->nskip = k;
	}
	return 0;
}

static int
relay(char **argv)
{
	static hooks_ctx ctx;
	relay_hooks h;

	h.ctx = &ctx;
	h.active = h_active;
	h.begin = h_begin;
	h.chunk = h_chunk;
	h.end = h_end;
	if (wanted()) {              /* else relay_run runs argv at once */
		load_conf();
		ctx.v = new_verifier();
	}
	return relay_run(argv, &h);
}

int
main(int argc, char **argv)
{
	die_prog = "dkverify";
	if (argc >= 2 && strcmp(argv[1], "--check") == 0) {
		mode = M_CHECK;
		if (argc > 3 || (argc == 3 && argv[2][0] == '-' && argv[2][1]))
			die_usage(USAGE);
		load_conf();
		check(argc == 3 && strcmp(argv[2], "-") != 0 ? argv[2] : 0);
	}
	if (argc >= 2) {
		if (argv[1][0] == '-' || !argv[1][0])
			die_usage(USAGE);
		mode = M_RELAY;
		return relay(argv + 1);
	}
	mode = M_QUEUE;
	queue(argc ? argv[0] : "dkverify");
}
