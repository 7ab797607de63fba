/* unit test for lib/die: message shapes, exit codes, djb error texts.
   Each case runs in a child whose stderr is a pipe; the parent checks the
   exact bytes and the exit status. */
#include "tap.h"
#include "die.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char got[4 * DIE_LINE_MAX];
static size_t gotlen;
static char longtext[3 * DIE_LINE_MAX];

/* Runs f in a child with stderr on a pipe; fills got/gotlen, returns the
   wait status. */
static int
run(void (*f)(void))
{
	int p[2], st;
	pid_t pid;
	ssize_t r;

	if (pipe(p) < 0 || (pid = fork()) < 0) {
		printf("Bail out! pipe/fork\n");
		exit(1);
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 2) < 0)
			_exit(99);
		alarm(10);
		die_prog = "tcpserver";
		f();
		_exit(0);
	}
	close(p[1]);
	gotlen = 0;
	while (gotlen < sizeof got - 1) {
		r = read(p[0], got + gotlen, sizeof got - 1 - gotlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		gotlen += (size_t)r;
	}
	got[gotlen] = 0;
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static int
exited(int st, int code)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == code)
		return 1;
	printf("#   status: %s %d, want exit %d\n",
	    WIFEXITED(st) ? "exit" : "signal",
	    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), code);
	return 0;
}

static void c_die_x(void) { die_x(111, "unable to %s %d", "bind to port", 25); }
static void c_die_x100(void) { die_x(EXIT_USAGE, "invalid $%s", "GREYLIST_DELAY"); }
static void
c_die_sys(void)
{
	errno = ENOENT;
	die_sys(111, "unable to open %s", "rules.cdb");
}
static void
c_die_sys_inuse(void)
{
	errno = EADDRINUSE;
	die_sys(111, "unable to bind to [::]:%u", 25u);
}
static void c_usage(void) { die_usage("tcpserver [ -1UXpPhHrRoOdDqQv ] host port program"); }
static void c_usage_pct(void) { die_usage("prog [ -n 100%s ] %d"); }
static void
c_warn_x(void)
{
	errno = EIO;
	warn_x("child %d crashed", 42);
	_exit(errno == EIO ? 7 : 8);
}
static void
c_warn_sys(void)
{
	errno = ETIMEDOUT;
	warn_sys("unable to read ident reply");
	_exit(errno == ETIMEDOUT ? 7 : 8);
}
static void
c_say(void)
{
	errno = EPIPE;
	die_say("status: %d/%d", 3, 40);
	_exit(errno == EPIPE ? 7 : 8);
}
static void
c_two(void)
{
	warn_x("one");
	die_x(111, "two");
}
static void
c_quiet(void)
{
	die_quiet = 1;
	warn_x("not shown");
	errno = ENOENT;
	warn_sys("not shown");
	die_say("not shown");
	die_sys(111, "not shown");
}
static void c_quiet_usage(void) { die_quiet = 1; die_usage("x"); }
static void c_long(void) { die_x(111, "%s", longtext); }
static void
c_long_sys(void)
{
	errno = ENOENT;
	die_sys(111, "%s", longtext);
}
/* "tcpserver: fatal: " is 18 bytes; with a text of 1023 - 18 = 1005 bytes
   the line is exactly DIE_LINE_MAX with its '\n'. */
static void c_fit(void) { die_x(111, "%.1005s", longtext); }
static void c_over1(void) { die_x(111, "%.1006s", longtext); }
/* die_sys whose errno text would end just past the limit */
static void
c_sys_edge(void)
{
	errno = ENOENT;
	die_sys(111, "%.1000s", longtext);
}

static void
test_shapes(void)
{
	int st;

	st = run(c_die_x);
	is_str(got, "tcpserver: fatal: unable to bind to port 25\n", "die_x text");
	ok(exited(st, 111), "die_x exits with its code 111");
	st = run(c_die_x100);
	is_str(got, "tcpserver: fatal: invalid $GREYLIST_DELAY\n", "die_x 100");
	ok(exited(st, 100), "die_x exits 100");
	st = run(c_die_sys);
	is_str(got, "tcpserver: fatal: unable to open rules.cdb: "
	    "file does not exist\n", "die_sys appends the djb errno text");
	ok(exited(st, 111), "die_sys exits 111");
	st = run(c_die_sys_inuse);
	is_str(got, "tcpserver: fatal: unable to bind to [::]:25: "
	    "address already used\n", "die_sys EADDRINUSE");
	ok(exited(st, 111), "exit 111");
	st = run(c_usage);
	is_str(got, "tcpserver: usage: tcpserver [ -1UXpPhHrRoOdDqQv ] host "
	    "port program\n", "die_usage text");
	ok(exited(st, EXIT_USAGE), "die_usage exits 100");
	st = run(c_usage_pct);
	is_str(got, "tcpserver: usage: prog [ -n 100%s ] %d\n",
	    "die_usage prints '%%' literally");
	ok(exited(st, 100), "exit 100");
	st = run(c_warn_x);
	is_str(got, "tcpserver: warning: child 42 crashed\n", "warn_x text");
	ok(exited(st, 7), "warn_x returns and keeps errno");
	st = run(c_warn_sys);
	is_str(got, "tcpserver: warning: unable to read ident reply: "
	    "timed out\n", "warn_sys text");
	ok(exited(st, 7), "warn_sys returns and keeps errno");
	st = run(c_say);
	is_str(got, "tcpserver: status: 3/40\n", "die_say: no level word");
	ok(exited(st, 7), "die_say returns and keeps errno");
	st = run(c_two);
	is_str(got, "tcpserver: warning: one\ntcpserver: fatal: two\n",
	    "a warning then a fatal line");
	ok(exited(st, 111), "exit 111");
}

static void
test_quiet(void)
{
	int st;

	st = run(c_quiet);
	is_int((long)gotlen, 0, "die_quiet: nothing written");
	ok(exited(st, 111), "die_quiet: still exits 111");
	st = run(c_quiet_usage);
	is_int((long)gotlen, 0, "die_quiet: usage silent too");
	ok(exited(st, 100), "die_quiet: usage still exits 100");
}

static void
test_long(void)
{
	const char *pre = "tcpserver: fatal: ";
	size_t pl = strlen(pre), i, bad;
	int st;

	for (i = 0; i < sizeof longtext - 1; i++)
		longtext[i] = (char)('a' + i % 26);
	longtext[sizeof longtext - 1] = 0;

	st = run(c_long);
	is_int((long)gotlen, DIE_LINE_MAX, "long message cut to DIE_LINE_MAX");
	ok(gotlen && got[gotlen - 1] == '\n', "cut message ends in '\\n'");
	ok(strncmp(got, pre, pl) == 0, "cut message keeps its prefix");
	for (i = pl, bad = 0; i + 1 < gotlen; i++)
		if (got[i] != longtext[i - pl])
			bad++;
	is_int((long)bad, 0, "cut message is the start of the text");
	ok(memchr(got, '\n', gotlen - 1) == 0, "exactly one line");
	ok(exited(st, 111), "exit 111");

	st = run(c_long_sys);
	is_int((long)gotlen, DIE_LINE_MAX, "long die_sys cut to DIE_LINE_MAX");
	ok(gotlen && got[gotlen - 1] == '\n', "ends in '\\n'");
	ok(exited(st, 111), "exit 111");

	st = run(c_fit);
	is_int((long)gotlen, DIE_LINE_MAX, "line of exactly DIE_LINE_MAX");
	ok(gotlen == DIE_LINE_MAX && got[gotlen - 2] == longtext[1004] &&
	    got[gotlen - 1] == '\n', "nothing lost when it just fits");
	st = run(c_over1);
	is_int((long)gotlen, DIE_LINE_MAX, "one byte over: still DIE_LINE_MAX");
	ok(gotlen == DIE_LINE_MAX && got[gotlen - 2] == longtext[1004] &&
	    got[gotlen - 1] == '\n', "one byte over: last text byte dropped");
	st = run(c_sys_edge);
	is_int((long)gotlen, DIE_LINE_MAX, "errno text cut at the limit");
	ok(gotlen == DIE_LINE_MAX && got[gotlen - 1] == '\n' &&
	    memcmp(got + pl + 1000, ": fil\n", 6) == 0,
	    "errno text starts where the text ends");
}

static void
test_errstr(void)
{
	is_str(errstr(0), "no error", "errstr(0)");
	is_str(errstr(ENOENT), "file does not exist", "ENOENT");
	is_str(errstr(EADDRINUSE), "address already used", "EADDRINUSE");
	is_str(errstr(EACCES), "access denied", "EACCES");
	is_str(errstr(EPERM), "permission denied", "EPERM");
	is_str(errstr(ETIMEDOUT), "timed out", "ETIMEDOUT");
	is_str(errstr(ECONNREFUSED), "connection refused", "ECONNREFUSED");
	is_str(errstr(EAGAIN), "temporary failure", "EAGAIN");
	is_str(errstr(ENOMEM), "out of memory", "ENOMEM");
	is_str(errstr(EINTR), "interrupted system call", "EINTR");
	is_str(errstr(EPIPE), "broken pipe", "EPIPE");
	is_str(errstr(EMFILE), "process cannot open more files", "EMFILE");
	is_str(errstr(EHOSTUNREACH), "host unreachable", "EHOSTUNREACH");
	ok(errstr(12345) != 0 && errstr(12345)[0] != 0,
	    "unknown errno still gives a text");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_shapes();
	test_quiet();
	test_long();
	test_errstr();
	return tap_done();
}
