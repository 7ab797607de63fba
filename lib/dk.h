#ifndef DK_H
#define DK_H
/*
 * dk: DomainKeys (RFC 4870, Historic) on OpenSSL: rsa-sha1 with the
 * nofws canonicalisation (spec section 3, S-8).  No maintained library
 * does DomainKeys, hence this module.
 *
 * Canonical data = the header fields (in message order; each loses every
 * SP, HTAB, CR and LF and gets one CRLF), then the body (SP and HTAB
 * removed, lines end in CRLF, trailing empty lines dropped).  The empty
 * line between header and body counts as a leading body line, so it is
 * hashed only when a non-empty body line follows.
 */
#include <stddef.h>
#include "msg.h"
#include "sbuf.h"

#define DK_COLS 78               /* fold the signature field at this width */

/* Feeds the nofws canonical form of the LF text (fields f[0..nf), body
   from offset body) to put(arg, p, n) in pieces; stops and returns 0 when
   put does.  Returns 1 otherwise.  No I/O of its own. */
int dk_canon_nofws(const char *text, size_t len, const msg_field *f,
                   size_t nf, size_t body,
                   int (*put)(void *arg, const char *p, size_t n), void *arg);

typedef struct dk_signreq {
	void *pkey;              /* EVP_PKEY *, RSA */
	const char *selector;
	const char *domain;
} dk_signreq;

/* Signs and appends "DomainKey-Signature: a=rsa-sha1; q=dns; c=nofws;
   s=..; d=..; h=..; b=..\n" folded with LF + TAB at DK_COLS.
   Returns 1, or 0 (out of memory, OpenSSL failure). */
int dk_sign(const dk_signreq *r, const char *text, size_t len,
            const msg_field *f, size_t nf, size_t body, sbuf *out);

#endif
