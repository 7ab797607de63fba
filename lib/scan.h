#ifndef SCAN_H
#define SCAN_H
/* scan: strict whole-string number scanning (never a silent 0). */
#include <stddef.h>

/* Decimal digits only, the whole string, no sign, value <= max.
   Returns 1 and stores *out, or 0 (empty, junk, overflow, > max). */
int scan_ulong(const char *s, unsigned long max, unsigned long *out);
/* The same on s[0..n). */
int scan_ulongn(const char *s, size_t n, unsigned long max, unsigned long *out);

#endif
