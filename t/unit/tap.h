#ifndef TAP_H
#define TAP_H
/* tap: a tiny TAP producer for the unit tests (one file per lib module).
     ok(cond, "name %d", i);   is_str(got, want, "name");   is_int(...)
     return tap_done();        prints the plan and returns the exit code */
#include <stdio.h>
#include <string.h>
#include <stdarg.h>

static int tap_n, tap_fail;

static int
tap_okv(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static int __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_okv(cond, fmt, ap);
	va_end(ap);
	return r;
}

static int __attribute__((format(printf, 3, 4), unused))
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_okv(got && want && strcmp(got, want) == 0, fmt, ap);
	va_end(ap);
	if (!r)
		printf("#   got: '%s'\n#  want: '%s'\n", got ? got : "(null)",
		    want ? want : "(null)");
	return r;
}

static int __attribute__((format(printf, 3, 4), unused))
is_int(long got, long want, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_okv(got == want, fmt, ap);
	va_end(ap);
	if (!r)
		printf("#   got: %ld\n#  want: %ld\n", got, want);
	return r;
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}

#endif
