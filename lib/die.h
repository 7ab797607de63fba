#ifndef DIE_H
#define DIE_H
/*
 * die: the message shapes of the whole suite, and the exit codes.
 *   PROG: fatal: TEXT            die_x()    (exit CODE)
 *   PROG: fatal: TEXT: ERRTEXT   die_sys()  (ERRTEXT = errstr(errno))
 *   PROG: warning: ...           warn_x(), warn_sys()
 *   PROG: usage: USAGE           die_usage() (exit 100)
 * PROG is die_prog, set once in main (it is the historical name where log
 * tooling depends on it, e.g. "tcpserver" for tcpserver6).
 * Each message is written with one write(2) and is cut at DIE_LINE_MAX.
 */
#include <stdarg.h>

#define EXIT_USAGE 100  /* usage error, permanent failure */
#define EXIT_TEMP  111  /* temporary failure */
#define DIE_LINE_MAX 1024

extern const char *die_prog;
extern int die_quiet;     /* 1: print nothing at all (tcpserver -q) */

void die_x(int code, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void die_sys(int code, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void die_usage(const char *usage) __attribute__((noreturn));
void warn_x(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: " + text + "\n", no level word (status/ok/deny/end lines). */
void die_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* djb's error_str texts ("file does not exist", "address already used"...). */
const char *errstr(int e);

#endif
