#ifndef AUTHRES_H
#define AUTHRES_H
/*
 * authres: RFC 8601 Authentication-Results fields as dkverify writes and
 * reads them (spec dkim.md section 4, V-6, V-7).  Pure functions: no I/O.
 *
 *   Authentication-Results: <authserv-id>;
 *   	domainkeys=<res> (<comment>) header.d=<d> header.from=<addr>;
 *   	dkim=<res> (<comment>) header.d=<d> header.i=<i> header.s=<s>
 *   	    header.a=<a> header.b="<prefix>"      (one dkim= per signature)
 *
 * Property values and the authserv-id are written as RFC 2045 tokens when
 * they are tokens, else as quoted strings; header.b is always quoted and
 * is the shortest prefix (8 characters at least) that tells the message's
 * signatures apart.  Bytes outside printable ASCII become '?'.
 */
#include <stddef.h>
#include "sbuf.h"

#define AUTHRES_SIGS_MAX 8       /* dkim= results in one field */
#define AUTHRES_VAL_MAX 256      /* bytes kept of d, i, s, a, from */
#define AUTHRES_B_MAX 1024       /* bytes kept of b= (blanks removed) */
#define AUTHRES_ID_MAX 256       /* bytes of an authserv-id */

typedef struct authres_sig {
	const char *res;             /* "pass", "fail", "none", ... */
	const char *comment;         /* without parentheses; NULL = none */
	char d[AUTHRES_VAL_MAX];     /* "" = not known, property left out */
	char i[AUTHRES_VAL_MAX];
	char s[AUTHRES_VAL_MAX];
	char a[AUTHRES_VAL_MAX];
	char b[AUTHRES_B_MAX];
	char from[AUTHRES_VAL_MAX];  /* DomainKeys: the sending address */
	int sender;                  /* DomainKeys: it came from Sender: */
} authres_sig;

typedef struct authres_res {
	authres_sig dk;              /* .res NULL: "domainkeys=none (no signature)" */
	authres_sig dkim[AUTHRES_SIGS_MAX];
	size_t ndkim;                /* 0: "dkim=none (no signature)" */
} authres_res;

/* Copies s[0..n) into a property buffer (AUTHRES_VAL_MAX or AUTHRES_B_MAX
   bytes, given as max), NUL-terminated, cut at max - 1; blanks=1 drops
   SP, HTAB, CR and LF (for b=). */
void authres_setval(char *dst, size_t max, const char *s, size_t n,
                    int blanks);

/* Appends the whole field ("Authentication-Results: ..." up to and
   including the final line end eol, "\n" or "\r\n"; continuation lines
   start with eol + TAB).  Returns 1, or 0 with errno (sbuf). */
int authres_build(const char *servid, const authres_res *r, const char *eol,
                  sbuf *out);

/* Appends v as an RFC 2045 value: a token as is, else a quoted string. */
int authres_value(sbuf *out, const char *v, int forcequote);

/* The authserv-id of an A-R field value v[0..n) (what follows the colon,
   folding allowed): CFWS skipped, then a token or quoted string, ended by
   CFWS, ';' or the end.  Writes it NUL-terminated into id (AUTHRES_ID_MAX
   bytes) and returns its length; -1 if there is none or it is too long. */
int authres_servid(const char *v, size_t n, char *id);

/* 1 if field[0..n) (a whole header field, name included) is an
   Authentication-Results field whose authserv-id equals ours (ASCII case
   ignored). */
int authres_is_ours(const char *field, size_t n, const char *servid);

#endif
