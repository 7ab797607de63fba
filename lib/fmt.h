#ifndef FMT_H
#define FMT_H
/* fmt: bounded decimal formatting, the twin of scan (djb's fmt_ulong). */
#include <stddef.h>

#define FMT_ULONG 21   /* digits of the largest unsigned long + NUL */

/* Writes v in decimal to out (no NUL); returns the number of digits.
   out needs FMT_ULONG - 1 bytes. */
size_t fmt_ulong(char *out, unsigned long v);

#endif
