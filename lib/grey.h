#ifndef GREY_H
#define GREY_H
/*
 * grey: IP greylisting for jgreylist and jgreylist-clean.
 *
 *   grey_env_scan    the JGREYLIST* settings from an environment (pure)
 *   grey_addr_scan   $TCPREMOTEIP to 16 bytes (pure)
 *   grey_path        address -> entry path below the tree root (pure)
 *   grey_decide      entry times -> first time / too soon / known (pure)
 *   grey_deny_text   "553 DENIED text" with % -> address (pure)
 *   grey_clean_judge entry times -> keep / max_age / one-time (pure)
 *   grey_tree_check  the file-tree backend: look up, create, touch
 *   grey_session     the fake SMTP session of v8 (uses lib/smtp)
 *
 * The tree: one empty file per key; mtime = first seen, atime = last
 * seen.  Entries are only ever stat'ed, never opened for reading.
 */
#include <stddef.h>
#include <time.h>

/* ---- settings (grey_env.c) ------------------------------------------- */

enum grey_list { GREY_LIST_CHECK, GREY_LIST_WHITE, GREY_LIST_BLACK };

typedef struct grey_cfg {
	enum grey_list list;    /* $JGREYLIST unset / empty / text */
	const char *blacktext;  /* $JGREYLIST when non-empty */
	const char *dir;        /* $JGREYLIST_DIR, 0 if unset or empty */
	const char *norev;      /* $JGREYLIST_NOREV, 0 if unset or empty */
	const char *remoteip;   /* $TCPREMOTEIP, 0 if unset or empty */
	const char *remotehost; /* $TCPREMOTEHOST, 0 if unset or empty */
	int by_ip;              /* $JGREYLIST_BY_IP != 0 (default 0) */
	unsigned long holdtime; /* seconds (default 120) */
	int log;                /* default 1 */
	int log_pid;            /* default 1 */
	int log_smtp;           /* default 0 */
	unsigned long timeout;  /* seconds, clamped to 5..300 (default 60) */
	unsigned long limit;    /* RCPT commands, 0 = no limit (default 0) */
	unsigned int prefix4;   /* 0..32, default 24 (32 with BY_IP) */
	unsigned int prefix6;   /* 0..128, default 64 (128 with BY_IP) */
	int failopen;           /* default 1 */
} grey_cfg;

#define GREY_HOLDTIME_MAX 4294967295UL
#define GREY_TIMEOUT_MIN 5
#define GREY_TIMEOUT_MAX 300
#define GREY_LIMIT_MAX 4294967295UL

/* What was wrong with a setting. */
typedef struct grey_env_err {
	const char *name;       /* "JGREYLIST_HOLDTIME" */
	const char *value;      /* its text */
	const char *want;       /* "a decimal number of seconds" */
} grey_env_err;

/*
 * Reads the settings from envp ("NAME=VALUE" strings, NULL-terminated;
 * the first entry of a name counts, as getenv).  Unset or empty numbers
 * get their default; any other text that is not a plain decimal number
 * in range is an error: returns 0 and fills *err.  Returns 1 on success.
 * The string fields of *c point into envp.  Timeouts outside 5..300 are
 * clamped, as v8 does; every other number out of range is an error.
 */
int grey_env_scan(grey_cfg *c, char *const *envp, grey_env_err *err);

/* ---- keys (grey_path.c) ---------------------------------------------- */

/*
 * $TCPREMOTEIP: any IPv4 or IPv6 text (lib/ip), an optional "%zone"
 * suffix dropped.  Writes ip[16] (IPv4, also ::ffff:a.b.c.d, as
 * v4-mapped); returns 1, or 0 if s[0..n) is not an address.
 */
int grey_addr_scan(const char *s, size_t n, unsigned char ip[16]);

/*
 * The entry path below the root, for the address masked to the prefix:
 *   IPv4, prefix <= 24:  ip4/aaa/bbb/ccc         (decimal, 3 digits)
 *   IPv4, prefix 25-32:  ip4/aaa/bbb/ccc/ddd
 *   IPv6, prefix <= 64:  ip6/xx/xx/xx/xx/xx/xx/xx/xx   (first 8 bytes,
 *                        2 lowercase hex digits each)
 *   IPv6, prefix 65-128: ip6/ + all 16 bytes
 * e.g. 192.0.2.7 /24 -> ip4/192/000/002; /16 -> ip4/192/000/000;
 * 2001:db8::1 /48 -> ip6/20/01/0d/b8/00/00/00/00.
 * The defaults (24, 64) and BY_IP (32, 128) give Turner's 2009 layout.
 * Returns the length; out is NUL-terminated.
 */
#define GREY_PATH_FMT 56        /* "ip6/" + 16 * "xx/" */
size_t grey_path(char out[GREY_PATH_FMT], const unsigned char ip[16],
                 unsigned int prefix4, unsigned int prefix6);

/* ---- decisions (grey_decide.c) --------------------------------------- */

enum grey_result {
	GREY_FIRST,             /* new key: greylist, "Try again later." */
	GREY_SOON,              /* now < first seen + holdtime */
	GREY_KNOWN,             /* pass */
	GREY_FAIL               /* the tree could not be used */
};

/* An mtime this far in the future (clock stepped back) counts as new. */
#define GREY_FUTURE_SLACK 60

/* For an existing entry first seen at mtime: GREY_KNOWN iff
   now >= mtime + holdtime; GREY_FIRST if mtime > now + slack. */
enum grey_result grey_decide(time_t mtime, time_t now, unsigned long hold);

enum grey_clean { GREY_KEEP, GREY_OLD, GREY_ONCE };

/* jgreylist-clean's rule for one entry: GREY_OLD if now - atime > max_age;
   else GREY_ONCE if one_age != 0, atime == mtime (seconds) and
   now - atime > one_age; else GREY_KEEP. */
enum grey_clean grey_clean_judge(time_t atime, time_t mtime, time_t now,
                                 unsigned long max_age,
                                 unsigned long one_age);

/* "553 DENIED " + text with the first '%' replaced by ip; control
   bytes shown as '?'; cut to fit out[0..size).  Returns the length,
   out NUL-terminated (size >= 1). */
size_t grey_deny_text(char *out, size_t size, const char *text,
                      const char *ip);

/* ---- the tree (grey_tree.c) ------------------------------------------ */

typedef struct grey_tree_err {
	int err;                /* errno */
	const char *what;       /* "unable to create" ... */
	char path[GREY_PATH_FMT]; /* below the root, "" for the root */
} grey_tree_err;

/*
 * Looks up path (from grey_path) below the directory dir, at time now:
 *   absent  -> creates it (O_CREAT|O_EXCL|O_NOFOLLOW, 0600, both times
 *              set to now, directories 0700 as needed): GREY_FIRST
 *   present -> grey_decide(); for GREY_SOON and GREY_KNOWN sets atime to
 *              now and keeps mtime (a failure there is only a warning)
 *   the tree cannot be used -> GREY_FAIL with *e filled
 * Concurrent first contacts: the loser of O_EXCL uses the winner's
 * entry.  A file where a directory is needed, or a directory or other
 * object where the entry is needed (the tree was made with other
 * prefixes), is removed with a warning and the key counts as new.
 */
enum grey_result grey_tree_check(const char *dir, const char *path,
                                 time_t now, unsigned long holdtime,
                                 grey_tree_err *e);

/* ---- the fake SMTP session (grey_smtp.c) ----------------------------- */

#define GREY_BANNER "jgreylist v8"
#define GREY_TEXT_FIRST "450 GREYLIST Try again later."
#define GREY_TEXT_SOON "450 GREYLIST I said to try later."
#define GREY_TEXT_LIMIT "421 Too many RCPT commands, goodbye."
#define GREY_TEXT_TIMEOUT "421 timeout"

typedef struct grey_talk {
	const char *message;    /* the refusal line, without CRLF */
	unsigned long limit;    /* RCPT commands, 0 = no limit */
	int log_smtp;           /* log ">>> " and "<<< " lines */
	const char *ip;         /* for the HANGUP log line */
} grey_talk;

/* Ends of a session (beyond smtp.h's SMTP_END_*). */
#define GREY_END_LIMIT 10

/*
 * v8's session on in/out until deadline (smtp_now_ms() time): greets
 * "220 jgreylist v8"; QUIT -> 221 and ends; HELO EHLO MAIL RSET -> 250;
 * the limit-th RCPT -> logs "IP: HANGUP too many RCPT commands" and
 * answers 421 and ends; anything else -> message.  At the deadline sends
 * "421 timeout".  End of input ends it.  Returns SMTP_END_* or
 * GREY_END_LIMIT.
 */
int grey_session(const grey_talk *t, int in, int out, long long deadline);

/* The verb of a line for v8: the bytes before the first space, tab, CR,
   VT or FF.  Returns its length. */
size_t grey_verb_len(const char *line, size_t n);

#endif
