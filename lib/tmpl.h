#ifndef TMPL_H
#define TMPL_H
/*
 * tmpl: key path templates of dksign (spec S-2, S-4), pure functions.
 *   "/etc/dkim/%/default" with domain "a.b.example.com" gives, in turn,
 *   /etc/dkim/a.b.example.com/default, /etc/dkim/b.example.com/default,
 *   /etc/dkim/example.com/default (parents keep at least two labels).
 */
#include <stddef.h>

#define TMPL_PATH_MAX 4096       /* bytes of an expanded path, with NUL */

/* Next template of the list s[0..n) from *pos: separated by blanks and
   line ends (lines = 0, $DKSIGN), or one per line with blank lines and
   lines starting with '#' skipped, surrounding blanks trimmed (lines = 1,
   control/dksign).  Returns 1 with *start and *len set, 0 at the end. */
int tmpl_next(const char *s, size_t n, size_t *pos, int lines,
              size_t *start, size_t *len);
/* 1 if t[0..tlen) contains '%'. */
int tmpl_has_pct(const char *t, size_t tlen);
/* Replaces every '%' in t[0..tlen) by dom[0..dlen) into out
   (TMPL_PATH_MAX bytes, NUL-terminated).  Returns the length, 0 if the
   result is empty or too long. */
size_t tmpl_expand(const char *t, size_t tlen, const char *dom, size_t dlen,
                   char *out);
/* The next parent of dom[*off..len) that still has two labels: sets *off
   to its start and returns 1, or returns 0. */
int tmpl_parent(const char *dom, size_t len, size_t *off);
/* Offset of the last path component of path[0..len) (the selector). */
size_t tmpl_basename(const char *path, size_t len);

#endif
