/* unit test for lib/env: environment changes as data until exec */
#include "tap.h"
#include "env.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void
test_set_get(void)
{
	envmod m = ENVMOD_INIT;

	unsetenv("SGT_A");
	setenv("SGT_INH", "inherited", 1);
	ok(envmod_get(&m, "SGT_A") == 0, "unknown name: NULL");
	is_str(envmod_get(&m, "SGT_INH"), "inherited",
	    "no change recorded: getenv");
	ok(envmod_set(&m, "SGT_A", "1") == 1, "set SGT_A=1");
	is_str(envmod_get(&m, "SGT_A"), "1", "get after set");
	ok(getenv("SGT_A") == 0, "environ itself is not edited");
	ok(envmod_set(&m, "SGT_A", "2") == 1, "set SGT_A=2");
	is_str(envmod_get(&m, "SGT_A"), "2", "last change wins");
	ok(envmod_set(&m, "SGT_A", 0) == 1, "unset SGT_A");
	ok(envmod_get(&m, "SGT_A") == 0, "unset after set: NULL");
	ok(envmod_set(&m, "SGT_A", "3") == 1, "set again");
	is_str(envmod_get(&m, "SGT_A"), "3", "set after unset");
	ok(envmod_set(&m, "SGT_INH", 0) == 1, "unset an inherited name");
	ok(envmod_get(&m, "SGT_INH") == 0, "inherited name now NULL");
	is_str(getenv("SGT_INH"), "inherited", "environ still has it");
	ok(envmod_set(&m, "SGT_E", "") == 1, "set to the empty string");
	is_str(envmod_get(&m, "SGT_E"), "", "empty value is not unset");
	/* names that are prefixes of each other stay apart */
	ok(envmod_set(&m, "SGT_AB", "ab") == 1, "set SGT_AB");
	is_str(envmod_get(&m, "SGT_A"), "3", "SGT_A not confused with SGT_AB");
	is_str(envmod_get(&m, "SGT_AB"), "ab", "SGT_AB");
	ok(envmod_get(&m, "SGT") == 0, "prefix SGT not matched");
	ok(envmod_set(&m, "SGT_V", "x=y=z") == 1, "value with '='");
	is_str(envmod_get(&m, "SGT_V"), "x=y=z", "value with '=' kept whole");
	/* setb takes counted strings */
	ok(envmod_setb(&m, "SGT_Bxyz", 5, "valuejunk", 5) == 1,
	    "setb with counted name and value");
	is_str(envmod_get(&m, "SGT_B"), "value", "setb uses only the counts");
	envmod_reset(&m);
	ok(envmod_get(&m, "SGT_A") == 0, "reset forgets changes");
	is_str(envmod_get(&m, "SGT_INH"), "inherited",
	    "reset: inherited visible again");
	sbuf_free(&m.b);
}

static void
test_invalid(void)
{
	envmod m = ENVMOD_INIT;
	size_t len;

	envmod_set(&m, "SGT_OK", "1");
	len = m.b.len;
	errno = 0;
	ok(envmod_set(&m, "", "x") == 0 && errno == EINVAL,
	    "empty name: EINVAL");
	errno = 0;
	ok(envmod_set(&m, "A=B", "x") == 0 && errno == EINVAL,
	    "name with '=': EINVAL");
	errno = 0;
	ok(envmod_set(&m, "=", 0) == 0 && errno == EINVAL,
	    "unset of '=': EINVAL");
	errno = 0;
	ok(envmod_setb(&m, "A\0B", 3, "x", 1) == 0 && errno == EINVAL,
	    "name with NUL: EINVAL");
	errno = 0;
	ok(envmod_setb(&m, "AB", 0, "x", 1) == 0 && errno == EINVAL,
	    "setb with namelen 0: EINVAL");
	is_int((long)m.b.len, (long)len, "rejected names record nothing");
	is_str(envmod_get(&m, "SGT_OK"), "1", "earlier change intact");
	sbuf_free(&m.b);
}

static void
test_ceiling(void)
{
	envmod m = ENVMOD_INIT;
	size_t big = ENVMOD_MAX, len;
	char *v = malloc(big + 1);

	if (!v)
		exit(111);
	memset(v, 'v', big);
	v[big] = 0;
	ok(envmod_set(&m, "SGT_C", "before") == 1, "small change");
	len = m.b.len;
	errno = 0;
	ok(envmod_set(&m, "SGT_C", v) == 0 && errno == E2BIG,
	    "value of ENVMOD_MAX bytes: E2BIG");
	/* the name and '=' fit, the value does not: nothing half-written
	   may remain (record = name 5 + '=' + value + NUL) */
	v[big - len - 6] = 0;
	errno = 0;
	ok(envmod_set(&m, "SGT_C", v) == 0 && errno == E2BIG,
	    "one byte over the ceiling: E2BIG");
	is_int((long)m.b.len, (long)len, "failed set records nothing");
	is_str(envmod_get(&m, "SGT_C"), "before", "earlier value still wins");
	v[big - len - 6] = 'v';
	v[big - len - 7] = 0;
	ok(envmod_set(&m, "SGT_C", v) == 1, "a record exactly at the ceiling");
	is_int((long)m.b.len, (long)big, "buffer holds exactly ENVMOD_MAX");
	ok(envmod_get(&m, "SGT_C") && strlen(envmod_get(&m, "SGT_C")) ==
	    big - len - 7, "long value stored whole");
	sbuf_free(&m.b);
	free(v);
}

/*
 * Run env(1) through envmod_exec in a child; its stdout goes into out.
 * Returns the wait status.
 */
static int
run_env(const envmod *m, char *out, size_t outsz, size_t *outlen)
{
	int p[2], st;
	pid_t pid;
	size_t len = 0;
	ssize_t r;
	char *argv[] = { "env", 0 };

	if (pipe(p) < 0 || (pid = fork()) < 0) {
		printf("Bail out! pipe/fork\n");
		exit(1);
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) < 0)
			_exit(99);
		alarm(10);
		envmod_exec(m, argv);
		_exit(errno == ENOENT ? 98 : 97);
	}
	close(p[1]);
	while (len < outsz - 1) {
		r = read(p[0], out + len, outsz - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	out[len] = 0;
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*outlen = len;
	return st;
}

/* How many lines of out are exactly line. */
static int
count_line(const char *out, const char *line)
{
	size_t n = strlen(line);
	int c = 0;
	const char *p = out;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && memcmp(p, line, n) == 0)
			c++;
		p += l + (e ? 1 : 0);
	}
	return c;
}

/* How many lines of out start with prefix. */
static int
count_prefix(const char *out, const char *prefix)
{
	size_t n = strlen(prefix);
	int c = 0;
	const char *p = out;

	while (*p) {
		const char *e = strchr(p, '\n');
		if (strncmp(p, prefix, n) == 0)
			c++;
		if (!e)
			break;
		p = e + 1;
	}
	return c;
}

static void
test_exec(void)
{
	static char out[1 << 16];
	envmod m = ENVMOD_INIT;
	size_t len;
	int st;

	setenv("SGT_KEEP", "kept", 1);
	setenv("SGT_OVER", "old", 1);
	setenv("SGT_GONE", "bye", 1);
	unsetenv("SGT_NEW");
	unsetenv("SGT_NEVER");
	envmod_set(&m, "SGT_NEW", "first");
	envmod_set(&m, "SGT_NEW", "new value");
	envmod_set(&m, "SGT_OVER", "new");
	envmod_set(&m, "SGT_GONE", 0);
	envmod_set(&m, "SGT_NEVER", "x");
	envmod_set(&m, "SGT_NEVER", 0);
	envmod_set(&m, "SGT_BACK", 0);
	envmod_set(&m, "SGT_BACK", "back");
	envmod_set(&m, "SGT_EMPTY", "");

	st = run_env(&m, out, sizeof out, &len);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "env ran and exited 0");
	ok(len > 0 && len < sizeof out - 1, "env output captured (%zu bytes)",
	    len);
	is_int(count_line(out, "SGT_NEW=new value"), 1, "set: last value, once");
	is_int(count_prefix(out, "SGT_NEW="), 1, "no stale SGT_NEW");
	is_int(count_line(out, "SGT_OVER=new"), 1, "inherited overridden");
	is_int(count_prefix(out, "SGT_OVER="), 1, "old SGT_OVER gone");
	is_int(count_prefix(out, "SGT_GONE="), 0, "inherited unset");
	is_int(count_prefix(out, "SGT_NEVER="), 0, "set then unset: absent");
	is_int(count_line(out, "SGT_BACK=back"), 1, "unset then set: present");
	is_int(count_line(out, "SGT_EMPTY="), 1, "empty value exported");
	is_int(count_line(out, "SGT_KEEP=kept"), 1, "unchanged variable kept");
	{
		const char *path = getenv("PATH");
		char want[4096];

		snprintf(want, sizeof want, "PATH=%s", path ? path : "");
		is_int(count_line(out, want), path ? 1 : 0,
		    "PATH passed through unchanged");
	}
	is_str(getenv("SGT_OVER"), "old", "parent environ untouched");

	/* a value with an embedded NUL must not turn into a second change */
	envmod_reset(&m);
	{
		int r = envmod_setb(&m, "SGT_INJ", 7, "a\0SGT_KEEP", 10);
		const char *kv = envmod_get(&m, "SGT_KEEP");

		is_str(kv, "kept", "NUL in a value does not unset SGT_KEEP "
		    "(setb returned %d)", r);
		st = run_env(&m, out, sizeof out, &len);
		ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "env ran");
		is_int(count_line(out, "SGT_KEEP=kept"), 1,
		    "exec: SGT_KEEP survives a NUL-bearing value");
	}
	sbuf_free(&m.b);
}

static void
test_exec_missing(void)
{
	envmod m = ENVMOD_INIT;
	char *argv1[] = { "sixgate-test-no-such-program", 0 };
	char *argv2[] = { "/nonexistent-sixgate/prog", 0 };
	int r;

	envmod_set(&m, "SGT_X", "1");
	errno = 0;
	r = envmod_exec(&m, argv1);
	ok(r == -1 && errno == ENOENT, "missing program on $PATH: -1 ENOENT");
	errno = 0;
	r = envmod_exec(&m, argv2);
	ok(r == -1 && errno == ENOENT, "missing absolute path: -1 ENOENT");
	ok(getenv("SGT_X") == 0, "failed exec leaves environ alone");
	sbuf_free(&m.b);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_set_get();
	test_invalid();
	test_ceiling();
	test_exec();
	test_exec_missing();
	return tap_done();
}
