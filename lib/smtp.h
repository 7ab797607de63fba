#ifndef SMTP_H
#define SMTP_H
/*
 * smtp: the SMTP side of the filters in the chain.
 *
 *   smtp_line_feed   bounded command-line reader (pure, byte stream in)
 *   smtp_verb_find   the table row of a command line (pure)
 *   smtp_fake_reply  the reply of a fake session to one line (pure)
 *   smtp_fake_run    a whole fake session on two fds with one deadline
 *
 * A fake session is djb's rblsmtpd conversation: greet with
 * "220 HOST", answer "quit" with "221 HOST" and stop, a few harmless
 * verbs with "250 HOST", and every other line (RCPT, DATA, an empty
 * line...) with the session's refusal message, so that the client gets
 * the refusal where it can use it and the connection ends cleanly.
 */
#include <stddef.h>

/* Bytes of a command line kept; the rest of a longer line (up to its
   LF) is read and dropped.  The verb is all that is looked at. */
#define SMTP_LINE_MAX 1000
/* A reply line with its CRLF (RFC 5321: 512) */
#define SMTP_REPLY_MAX 512

/*
 * Line reader state.  Lines end at LF; a CR right before the LF is
 * dropped; a NUL byte inside a line becomes LF (djb's commands.c: it
 * can then never match a verb).  Bytes past SMTP_LINE_MAX are dropped.
 *   state   byte     action
 *   line    LF       done = 1 (drop a final CR unless cut)
 *   line    NUL      keep LF (if room)
 *   line    other    keep (if room, else cut = 1)
 * A call after done starts a new line.
 */
typedef struct smtp_line {
	char s[SMTP_LINE_MAX + 1];  /* NUL-terminated when done */
	size_t len;
	int cut;                    /* bytes were dropped */
	int done;                   /* s holds a whole line */
} smtp_line;

#define SMTP_LINE_INIT { { 0 }, 0, 0, 0 }

/* Consumes buf[0..n) up to and including the first LF; returns the
   number of bytes consumed (n if no LF).  l->done tells whether a line
   is complete. */
size_t smtp_line_feed(smtp_line *l, const char *buf, size_t n);

/* What a fake session answers. */
enum smtp_reply {
	SMTP_REPLY_OK,          /* "250 HOST" */
	SMTP_REPLY_QUIT,        /* "221 HOST", then the session ends */
	SMTP_REPLY_MESSAGE      /* the session's message */
};

typedef struct smtp_verb {
	const char *verb;       /* lowercase; NULL: the default (last) row */
	enum smtp_reply reply;
} smtp_verb;

/* djb rblsmtpd: quit; helo ehlo mail rset noop; everything else. */
extern const smtp_verb smtp_verbs_rblsmtpd[];

/* The row for line[0..n): the verb is the text before the first space,
   compared without regard to ASCII case; no match gives the last row. */
const smtp_verb *smtp_verb_find(const smtp_verb *table, const char *line,
                                size_t n);

typedef struct smtp_fake {
	const char *host;       /* "rblsmtpd.local" */
	const char *message;    /* the refusal line without CRLF ("451 ...") */
	const smtp_verb *verbs;
	const char *timeout_reply;  /* sent (with CRLF) when the deadline
	                               passes, or NULL: close silently */
} smtp_fake;

/* The reply to line[0..n) with its CRLF into out[0..SMTP_REPLY_MAX);
   returns the length (lines too long are cut, the CRLF stays); *quit is
   set to 1 after QUIT, else 0. */
size_t smtp_fake_reply(const smtp_fake *f, const char *line, size_t n,
                       char out[SMTP_REPLY_MAX], int *quit);

/* How a session ended. */
#define SMTP_END_QUIT 0
#define SMTP_END_EOF 1
#define SMTP_END_TIMEOUT 2
#define SMTP_END_ERROR 3        /* read or write error */

/* Milliseconds on CLOCK_MONOTONIC, for deadlines. */
long long smtp_now_ms(void);
/* Writes s[0..n) to fd before deadline (smtp_now_ms() time): 1 done,
   0 deadline passed, -1 error.  One reply, one write(2) normally. */
int smtp_write(int fd, const char *s, size_t n, long long deadline);
/* The whole fake session: greeting, then one reply per line read from
   in, written to out, until QUIT, end of input, an error or deadline.
   Returns SMTP_END_*. */
int smtp_fake_run(const smtp_fake *f, int in, int out, long long deadline);

#endif
