#ifndef IO_H
#define IO_H
/* io: small descriptor helpers shared by the programs. */
#include <stddef.h>

/* Writes all of p[0..n) to fd, retrying on EINTR and short writes.
   Returns 1, or 0 with errno set (a write of 0 bytes sets EIO). */
int io_write_all(int fd, const char *p, size_t n);

#endif
