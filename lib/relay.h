#ifndef RELAY_H
#define RELAY_H
/*
 * relay: dkverify's SMTP relay mode (spec dkim.md V-13..V-18): a proxy
 * between an SMTP client (fd 0 in, fd 1 out) and a server program (e.g.
 * qmail-smtpd) forked with pipes as its fd 0/1 (fd 2 inherited).
 *
 * Commands are processed strictly in order, also when the client pipelines
 * them: one command is forwarded, its whole (multi-line) reply is read and
 * relayed, then the next command is looked at.  Bytes go through unchanged
 * (the client's own line ends too) except:
 *   EHLO     STARTTLS, CHUNKING and BINARYMIME are removed from a 250 reply
 *            (the last line kept gets the final "250 " form).
 *   STARTTLS, BDAT  answered "502 unimplemented (#5.5.1)" by the relay and
 *            not forwarded: TLS inside the server cannot be proxied, and a
 *            BDAT passed to a server that knows CHUNKING would carry a message
 *            around the verifier.  The bytes of a BDAT chunk that follow are
 *            read as commands, as qmail-smtpd (which has no BDAT) does.
 *   DATA     when verifying and MAIL and at least one RCPT got 2xx: the relay
 *            answers "354 go ahead", reads the data up to the "." line,
 *            undoes dot-stuffing, feeds the hooks and spools the message
 *            (memory up to RELAY_MEM_MAX, then an unlinked file in $TMPDIR).
 *            Accept: "DATA" to the server; on 354 the verdict's header, the
 *            message minus the skip ranges re-dot-stuffed, "."; the server's
 *            reply goes to the client (a reply other than 354 to DATA is
 *            relayed as the final answer).  Reject/defer: the verdict's reply
 *            to the client, "RSET" to the server, its reply swallowed.
 *            Otherwise DATA goes to the server; on its 354 the data is
 *            passed through raw up to the "." line.
 *   AUTH     the SASL exchange (334 replies, client lines) passes through; on
 *            235 the jms1 rules are applied to our own environment with
 *            setenv/unsetenv (AUTH_SET_X=v sets X=v, AUTH_UNSET_X unsets X)
 *            and hooks->active() is asked again (V-15).
 *   QUIT     forwarded, its reply relayed, the session ends.
 * Line ends: a command line and a data line end at LF (CR LF or a bare LF);
 * a bare CR is an ordinary byte.  The data ends at a line "." + CR LF or
 * "." + LF; a line start is the first byte or the byte after an LF, for
 * unstuffing and re-stuffing alike, so the server unstuffs exactly the
 * bytes the hooks saw.
 *
 * Limits and failures (every one chosen on purpose):
 *   - a command line longer than RELAY_CMD_MAX bytes (with its line end; the
 *     RFC 4954 limit for AUTH lines) is read to its LF and dropped, answered
 *     "500 command line too long (#5.5.2)" and not forwarded (in an AUTH
 *     exchange the server gets "*" instead, which cancels it);
 *   - NUL bytes and bare CRs in commands are forwarded; the server decides;
 *   - $DATABYTES (unset or 0 = no limit): past it the message is read to
 *     its end but neither spooled nor fed; the client gets "552 sorry, that
 *     message size exceeds my databytes limit (#5.3.4)", the server RSET;
 *   - begin()/chunk()/end() failing, or the spool failing: "451 temporary
 *     failure in dkverify (#4.3.0)", RSET to the server.  end() is not called
 *     after a failed chunk() or an over-size message;
 *   - idle timeout on both sides: $DKVERIFY_TIMEOUT_SMTP seconds (1..86400,
 *     default 1200, qmail-smtpd's timeoutsmtpd) per wait for a client line,
 *     data, a server reply, or a write.  A client timeout gets "451 timeout
 *     (#4.4.2)" as qmail-smtpd says it; a server timeout "421 ... (#4.3.0)";
 *   - a server reply line longer than RELAY_LINE_MAX, or a reply longer
 *     than RELAY_REPLY_MAX in all, ends the session ("421 ... (#4.3.0)");
 *   - while verifying, a 354 from the server to any command passed on
 *     (a DATA the relay expected it to refuse, a verb it reads otherwise)
 *     is not relayed: "421 ... (#4.3.0)" and the session ends (fail closed:
 *     no message around the verifier);
 *   - data lines have no length limit in the relay (the data is streamed);
 *     the server applies its own;
 *   - the server exiting: what it wrote is relayed; if a reply was still
 *     due, the client gets "421 ... (#4.3.0)"; the session ends;
 *   - the client closing: the commands already received are still
 *     processed in order; then the server's fd 0 is closed; in the middle
 *     of DATA nothing at all reaches the server.
 * At the end the server child is always reaped: its fd 0 is closed, it
 * gets RELAY_REAP_SECS seconds to exit (its output is drained meanwhile),
 * then SIGTERM, one more second, SIGKILL.
 * relay_run returns 0 after QUIT or a client hang-up between commands (or
 * the server ending the session between replies), 100 for a bad
 * $DKVERIFY_TIMEOUT_SMTP or $DATABYTES, 111 otherwise (timeout, I/O error,
 * server vanished, fork/exec failure).
 */
#include <stddef.h>
#include "sbuf.h"

enum { RELAY_ACCEPT = 0, RELAY_REJECT = 1, RELAY_DEFER = 2 };
#define RELAY_SKIP_MAX 16

typedef struct relay_verdict {
	int action;            /* RELAY_ACCEPT, RELAY_REJECT, RELAY_DEFER */
	char reply[512];       /* REJECT/DEFER: the whole reply line without CRLF, e.g.
	                          "554 DKIM verification failed: bad signature (#5.7.20)" */
	sbuf header;           /* ACCEPT: bytes sent to the server before the message: the
	                          Authentication-Results field, CRLF line ends (folded with CRLF TAB);
	                          the caller of end() initialises it (SBUF_INIT) and the relay frees it */
	size_t nskip;          /* header fields to leave out when forwarding (our own spoofed A-R
	                          fields, V-7): byte ranges of the message as fed to chunk() */
	size_t skip_off[RELAY_SKIP_MAX], skip_len[RELAY_SKIP_MAX];
} relay_verdict;

typedef struct relay_hooks {
	void *ctx;
	int (*active)(void *ctx);  /* verify messages now? (DKVERIFY set, RELAYCLIENT not: V-2);
	                              asked at start and again after AUTH changed the env (V-15) */
	int (*begin)(void *ctx);   /* a new message starts; 0 ok, -1 failure (-> 451) */
	int (*chunk)(void *ctx, const char *p, size_t n); /* message bytes after dot-unstuffing,
	                              line ends exactly as the client sent them */
	int (*end)(void *ctx, relay_verdict *v);          /* verify and decide; -1 failure (-> 451) */
} relay_hooks;

/* Runs the proxy between the client (fd 0 in, fd 1 out) and the server program argv[0..]
   (forked with pipes/socketpair as its fd 0/1, fd 2 inherited).  Returns the exit code for
   dkverify (0 normal end).  When h->active() is 0 at the start, relay_run execs argv directly
   (V-2: no proxy at all) and only returns on exec failure (111). */
int relay_run(char **argv, const relay_hooks *h);

#define RELAY_CMD_MAX 12288        /* command line with its line end */
#define RELAY_LINE_MAX 4096        /* server reply line with its line end */
#define RELAY_REPLY_MAX 65536      /* whole multi-line server reply */
#define RELAY_MEM_MAX (1u << 20)   /* message bytes kept in memory */
#define RELAY_TIMEOUT_DEFAULT 1200 /* seconds */
#define RELAY_REAP_SECS 5

/* ---- pure parsers (no I/O) --------------------------------------------- */

/* Verbs the relay looks at. */
enum relay_verb {
	RELAY_V_OTHER = 0, RELAY_V_HELO, RELAY_V_EHLO, RELAY_V_MAIL,
	RELAY_V_RCPT, RELAY_V_DATA, RELAY_V_RSET, RELAY_V_AUTH, RELAY_V_QUIT,
	RELAY_V_BDAT, RELAY_V_STARTTLS
};
/* The verb of the command line line[0..n) (its line end may be included):
   the bytes before the first space or the line end, compared without
   regard to ASCII case ("MAIL FROM:<a>" is MAIL, "DATAX" is OTHER).
   *arg (if not NULL) gets the offset of the argument (after the one
   space), or the offset of the line end / n if there is none. */
int relay_verb(const char *line, size_t n, size_t *arg);

/* One server reply line p[0..n) (line end may be included).  Returns its
   code (the first three bytes as digits) or -1 if they are not three
   digits; *more = 1 if the fourth byte is '-' (a continuation line),
   else 0 (a final line: "250 x", "250", anything else). */
int relay_reply_line(const char *p, size_t n, int *more);

/* Filters a whole EHLO reply in[0..n) (lines ending in LF) into out (room
   for n bytes): the lines after the first whose keyword is STARTTLS,
   CHUNKING or BINARYMIME (any case, alone or followed by a space) are
   removed, and the separators are redone: '-' on every kept line but the
   last, ' ' on the last (only on lines with a separator, i.e. at least
   four bytes before the line end).  out may be in (filtering in place).
   Returns the length written. */
size_t relay_ehlo_filter(const char *in, size_t n, char *out);

/*
 * The DATA reader: finds the end of the data and undoes dot-stuffing.
 * A line start is the first byte or the byte after an LF.
 *   state  byte   action
 *   SOL    '.'    -> DOT (dot dropped)
 *   SOL    LF     emit, stay SOL
 *   SOL    other  emit, -> MID
 *   MID    LF     emit, -> SOL
 *   MID    other  emit
 *   DOT    LF     done ("." LF)
 *   DOT    CR     -> DOTCR (CR held)
 *   DOT    other  emit, -> MID (the stuffing dot stays dropped)
 *   DOTCR  LF     done ("." CR LF)
 *   DOTCR  other  emit the held CR, then the byte as in MID
 */
enum { RELAY_D_SOL = 0, RELAY_D_MID, RELAY_D_DOT, RELAY_D_DOTCR };
typedef struct relay_data {
	int state;
	int done;       /* the "." line has been consumed */
} relay_data;
#define RELAY_DATA_INIT { RELAY_D_SOL, 0 }
/* Consumes in[0..n) up to and including the end line; unstuffed bytes go
   to out (room for n + 1 bytes), their count to *outn.  Returns the bytes
   consumed (n unless done was reached). */
size_t relay_data_feed(relay_data *d, const char *in, size_t n, char *out,
                       size_t *outn);

/* Dot-stuffing: copies in[0..n) to out (room for 2 n bytes) doubling a
   '.' at a line start; *sol is 1 at a line start (start with 1).  Returns
   the length written. */
size_t relay_stuff(int *sol, const char *in, size_t n, char *out);

#endif
