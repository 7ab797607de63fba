/* die: message shapes and exit codes, see die.h. */
#include "die.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *die_prog = "sixgate";
int die_quiet;

static void
say(const char *level, int witherr, int e, const char *fmt, va_list ap)
{
	char buf[DIE_LINE_MAX];
	size_t len;
	int n;

	if (die_quiet)
		return;
	n = snprintf(buf, sizeof buf, "%s: %s", die_prog, level);
	len = n < 0 ? 0 : (size_t)n;
	if (len < sizeof buf) {
		n = vsnprintf(buf + len, sizeof buf - len, fmt, ap);
		len += n < 0 ? 0 : (size_t)n;
	}
	if (witherr && len < sizeof buf) {
		n = snprintf(buf + len, sizeof buf - len, ": %s", errstr(e));
		len += n < 0 ? 0 : (size_t)n;
	}
	if (len > sizeof buf - 1)
		len = sizeof buf - 1;
	buf[len++] = '\n';
	while (write(2, buf, len) < 0 && errno == EINTR)
		;
}

void
die_x(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("fatal: ", 0, 0, fmt, ap);
	va_end(ap);
	_exit(code);
}

void
die_sys(int code, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	say("fatal: ", 1, e, fmt, ap);
	va_end(ap);
	_exit(code);
}

void
warn_x(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	say("warning: ", 0, 0, fmt, ap);
	va_end(ap);
	errno = e;
}

void
warn_sys(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	say("warning: ", 1, e, fmt, ap);
	va_end(ap);
	errno = e;
}

void
die_say(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	say("", 0, 0, fmt, ap);
	va_end(ap);
	errno = e;
}

static void
usage_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("usage: ", 0, 0, fmt, ap);
	va_end(ap);
}

void
die_usage(const char *usage)
{
	usage_say("%s", usage);
	_exit(EXIT_USAGE);
}

/* djb's error_str texts, so messages read as the old tools' did. */
static const struct {
	int e;
	const char *s;
} errtab[] = {
	{ 0, "no error" },
	{ EINTR, "interrupted system call" },
	{ ENOMEM, "out of memory" },
	{ ENOENT, "file does not exist" },
	{ ETXTBSY, "text busy" },
	{ EIO, "input/output error" },
	{ EEXIST, "file already exists" },
	{ ETIMEDOUT, "timed out" },
	{ EINPROGRESS, "operation in progress" },
	{ EAGAIN, "temporary failure" },
	{ EPIPE, "broken pipe" },
	{ EPERM, "permission denied" },
	{ EACCES, "access denied" },
	{ ENXIO, "device not configured" },
	{ EPROTO, "protocol error" },
	{ EISDIR, "is a directory" },
	{ ESRCH, "no such process" },
	{ E2BIG, "argument list too long" },
	{ ENOEXEC, "exec format error" },
	{ EBADF, "file descriptor not open" },
	{ ECHILD, "no child processes" },
	{ EDEADLK, "operation would cause deadlock" },
	{ EFAULT, "bad address" },
	{ ENOTBLK, "not a block device" },
	{ EBUSY, "device busy" },
	{ EXDEV, "cross-device link" },
	{ ENODEV, "device does not support operation" },
	{ ENOTDIR, "not a directory" },
	{ EINVAL, "invalid argument" },
	{ ENFILE, "system cannot open more files" },
	{ EMFILE, "process cannot open more files" },
	{ ENOTTY, "not a tty" },
	{ EFBIG, "file too big" },
	{ ENOSPC, "out of disk space" },
	{ ESPIPE, "unseekable descriptor" },
	{ EROFS, "read-only file system" },
	{ EMLINK, "too many links" },
	{ EDOM, "input out of range" },
	{ ERANGE, "output out of range" },
	{ EALREADY, "operation already in progress" },
	{ ENOTSOCK, "not a socket" },
	{ EDESTADDRREQ, "destination address required" },
	{ EMSGSIZE, "message too long" },
	{ EPROTOTYPE, "incorrect protocol type" },
	{ ENOPROTOOPT, "protocol not available" },
	{ EPROTONOSUPPORT, "protocol not supported" },
	{ ESOCKTNOSUPPORT, "socket type not supported" },
	{ EOPNOTSUPP, "operation not supported" },
	{ EPFNOSUPPORT, "protocol family not supported" },
	{ EAFNOSUPPORT, "address family not supported" },
	{ EADDRINUSE, "address already used" },
	{ EADDRNOTAVAIL, "address not available" },
	{ ENETDOWN, "network down" },
	{ ENETUNREACH, "network unreachable" },
	{ ENETRESET, "network reset" },
	{ ECONNABORTED, "connection aborted" },
	{ ECONNRESET, "connection reset" },
	{ ENOBUFS, "out of buffer space" },
	{ EISCONN, "already connected" },
	{ ENOTCONN, "not connected" },
	{ ESHUTDOWN, "socket shut down" },
	{ ETOOMANYREFS, "too many references" },
	{ ECONNREFUSED, "connection refused" },
	{ ELOOP, "symbolic link loop" },
	{ ENAMETOOLONG, "file name too long" },
	{ EHOSTDOWN, "host down" },
	{ EHOSTUNREACH, "host unreachable" },
	{ ENOTEMPTY, "directory not empty" },
	{ EUSERS, "too many users" },
	{ EDQUOT, "disk quota exceeded" },
	{ ESTALE, "stale NFS file handle" },
	{ EREMOTE, "too many levels of remote in path" },
	{ ENOLCK, "no locks available" },
	{ ENOSYS, "system call not available" },
	{ EOVERFLOW, "value too large for defined data type" },
};

const char *
errstr(int e)
{
	size_t i;

	for (i = 0; i < sizeof errtab / sizeof errtab[0]; i++)
		if (errtab[i].e == e)
			return errtab[i].s;
	return strerror(e);
}
