#ifndef MSG_H
#define MSG_H
/*
 * msg: an RFC 5322 message as dksign and dkverify see it.
 *
 *   msg_norm_*      line-end normalisation (spec C-1): LF, CRLF and a CR
 *                   not followed by LF all become one LF; a missing final
 *                   line end is added.  Works chunk by chunk.
 *   msg_check       the checks a signer makes on normalised text: not
 *                   empty, no NUL byte, no line over MSG_LINE_MAX octets.
 *   msg_header_parse  splits the header into fields (spec C-2).
 *   msg_addr_domain   the domain of the first address of a From:/Sender:
 *                   value (RFC 5322 comments, quoted strings, groups,
 *                   angle addresses, obsolete routes).
 *   msg_spool_*     reads a whole message from a descriptor: a regular
 *                   file of 256 KiB or more is mapped, anything else is kept in memory up to
 *                   a limit and then in an unlinked temporary file.
 *
 * The parsers are pure: pointer and length in, caller's buffer out, no
 * I/O.  "Text" below always means LF-normalised text.
 */
#include <stddef.h>
#include "sbuf.h"

#define MSG_LINE_MAX 998         /* octets per line, without the line end */
#define MSG_DOMAIN_MAX 253       /* octets of a domain name, no final dot */
#define MSG_FIELDS_MAX 1000      /* header fields we look at */

/* Error codes of msg_check and msg_header_parse (0 = fine). */
enum {
	MSG_OK = 0,
	MSG_EMPTY,       /* no bytes at all */
	MSG_NUL,         /* a NUL byte */
	MSG_LONGLINE,    /* a line over MSG_LINE_MAX octets */
	MSG_NOCOLON,     /* a header line that is neither field nor continuation */
	MSG_CONTFIRST,   /* the message starts with a continuation line */
	MSG_TOOMANY      /* more than the caller's field array holds */
};
const char *msg_errstr(int err);

/* --- line ends ------------------------------------------------------ */
typedef struct msg_norm {
	int lastcr;      /* the previous input byte was CR */
	int lastout;     /* last byte written, -1 before the first */
	int style;       /* MSG_STYLE_*: how the first line ended */
	int pending;     /* first line end was CR, style decided by next byte */
} msg_norm;
enum { MSG_STYLE_NONE = 0, MSG_STYLE_LF, MSG_STYLE_CRLF };
#define MSG_NORM_INIT { 0, -1, MSG_STYLE_NONE, 0 }

/* Normalises in[0..n) into out (room for n bytes); returns bytes written. */
size_t msg_norm_chunk(msg_norm *st, const char *in, size_t n, char *out);
/* Ends the text: writes the missing final LF (room for 1 byte); returns 0
   or 1.  Decides the style if still open. */
size_t msg_norm_end(msg_norm *st, char *out);
/* 1 if text[0..n) is already normal (no CR, ends with LF or is empty). */
int msg_is_normal(const char *text, size_t n);

/* --- checks and header ---------------------------------------------- */
int msg_check(const char *text, size_t n);

typedef struct msg_field {
	size_t off;      /* start of the field in the text */
	size_t len;      /* whole field, continuation lines, no final LF */
	size_t namelen;  /* name, without blanks before the colon */
} msg_field;

/* Splits the header of text[0..n) into f[0..max).  Sets *nf and *body
   (offset of the body: just past the empty line, or n if none).
   Returns MSG_OK, MSG_NOCOLON, MSG_CONTFIRST or MSG_TOOMANY; on error *nf
   and *body still describe the fields before the bad line. */
int msg_header_parse(const char *text, size_t n, msg_field *f, size_t max,
                     size_t *nf, size_t *body);
/* 1 if field f of text is named name (ASCII case-insensitive). */
int msg_field_is(const char *text, const msg_field *f, const char *name);

/* --- addresses ------------------------------------------------------ */
/* Domain of the first mailbox in v[0..n) (a field value, LF allowed as
   folding), lower-cased, final dot removed, into dom (MSG_DOMAIN_MAX + 1
   bytes, NUL-terminated).  Returns its length, or 0 if there is no
   usable address (domain literal, bad syntax, non-ASCII). */
size_t msg_addr_domain(const char *v, size_t n, char *dom);
/* The signing domain (spec S-3): the domain of Sender: if present and
   usable, else of the first address of the first From:.  Returns its
   length or 0. */
size_t msg_sign_domain(const char *text, const msg_field *f, size_t nf,
                       char *dom);

/* --- spool ---------------------------------------------------------- */
typedef struct msg_spool {
	const char *p;   /* the normalised text */
	size_t len;
	int style;       /* MSG_STYLE_* of the input's first line */
	int fromfile;    /* 1: p maps the input file itself (it was normal;
	                    only for mapped files) */
	sbuf mem;
	void *map;
	size_t maplen;
	int tmpfd;
} msg_spool;
#define MSG_SPOOL_INIT { 0, 0, 0, 0, SBUF_INIT(0), 0, 0, -1 }

/* Reads fd to EOF and normalises it.  Up to memmax bytes stay in memory,
   more go to an unlinked file in tmpdir (NULL: $TMPDIR, else /tmp); at
   most maxlen bytes in all (E2BIG past that).  Returns 1, or 0 with errno
   set. */
int msg_spool_read(msg_spool *sp, int fd, size_t memmax, size_t maxlen,
                   const char *tmpdir);
void msg_spool_free(msg_spool *sp);
/* An unlinked temporary file in tmpdir (NULL: $TMPDIR, else /tmp), open
   for reading and writing; -1 with errno on failure. */
int msg_tmpfile(const char *tmpdir);

#endif
