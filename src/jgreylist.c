/*
 * jgreylist: IP greylisting in front of the SMTP server, compatible with
 * John Simpson's jgreylist v8 and Brandon Turner's 2009 IPv6 tree.
 *
 * Chain:  tcpserver6 ... rblsmtpd6 ... jgreylist dkverify qmail-smtpd
 * Reads:  $JGREYLIST $JGREYLIST_DIR $JGREYLIST_NOREV $JGREYLIST_BY_IP
 *         $JGREYLIST_HOLDTIME $JGREYLIST_LOG $JGREYLIST_LOG_PID
 *         $JGREYLIST_LOG_SMTP $JGREYLIST_TIMEOUT $JGREYLIST_LIMIT (v8),
 *         $JGREYLIST_PREFIX4 $JGREYLIST_PREFIX6 $JGREYLIST_FAILOPEN (new),
 *         $TCPREMOTEIP $TCPREMOTEHOST.
 * Sets:   nothing; a client that passes gets the program with the
 *         environment untouched and nothing read from the connection.
 * Does:   one entry per client /24 or /64 (lib/grey): first seen = mtime,
 *         last seen = atime; pass once now >= first seen + HOLDTIME, else
 *         v8's fake SMTP session with 450 at RCPT.
 * Exits:  100 usage or a bad setting; 111 the program cannot be run, or
 *         the tree is unusable with JGREYLIST_FAILOPEN=0; 0 after every
 *         fake session; else whatever the program exits with.
 * Behaviour: ../shared/spec/greylist.md sections 1.3-1.8 and 4.
 */
#include "die.h"
#include "env.h"
#include "grey.h"
#include "smtp.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define USAGE "jgreylist program [ arg ... ]"
#define SHOW_MAX 100            /* bytes of $TCPREMOTEIP in the log */
#define TEXT_FAIL "421 " GREY_BANNER " temporary failure, try again later."

extern char **environ;

static grey_cfg c;
static char ipshow[SHOW_MAX + 1];
static char prog[32] = "jgreylist";

/* v8's log prefix "jgreylist[PID]: " or, with LOG_PID=0, "jgreylist: ". */
static void
set_prefix(void)
{
	if (c.log_pid)
		snprintf(prog, sizeof prog, "jgreylist[%ld]", (long)getpid());
	die_prog = prog;
}

static void
load_env(void)
{
	grey_env_err err;
	size_t k;

	if (!grey_env_scan(&c, environ, &err)) {
		set_prefix();
		die_x(EXIT_USAGE, "invalid %s: %.100s (want %s)", err.name,
		    err.value, err.want);
	}
	set_prefix();
	if (!c.remoteip)
		die_x(EXIT_USAGE, "TCPREMOTEIP is empty or missing");
	for (k = 0; c.remoteip[k] && k < SHOW_MAX; k++)
		ipshow[k] = c.remoteip[k] < 32 || c.remoteip[k] > 126 ? '?' :
		    c.remoteip[k];
}

/* One disposition line, "IP: WHAT", if $JGREYLIST_LOG. */
static void
say(const char *what)
{
	if (c.log)
		die_say("%s: %s", ipshow, what);
}

static void __attribute__((noreturn))
run(char **argv)
{
	env_execvp(argv, environ);      /* the environment unchanged */
	die_sys(EXIT_TEMP, "unable to run %s", argv[0]);
}

/* The fake session with one deadline; nothing is run after it. */
static void __attribute__((noreturn))
talk(const char *message)
{
	grey_talk t = { message, c.limit, c.log_smtp, ipshow };

	signal(SIGPIPE, SIG_IGN);       /* a gone client: exit 0 all the same */
	grey_session(&t, 0, 1, smtp_now_ms() + (long long)c.timeout * 1000);
	_exit(0);
}

static void __attribute__((noreturn))
deny(const char *text, const char *why)
{
	char msg[SMTP_REPLY_MAX - 1];

	say(why);
	grey_deny_text(msg, sizeof msg, text, c.remoteip);
	talk(msg);
}

/* The tree cannot be used: pass the client on (JGREYLIST_FAILOPEN=1,
   mail is not held up by a broken disk) or say 421 at once, which a
   sender takes as "try again later" (0). */
static void
failed(const grey_tree_err *e, char **argv)
{
	warn_x("%s%s%s: %s: %s", c.dir, *e->path ? "/" : "", e->path, e->what,
	    errstr(e->err));
	if (c.failopen) {
		say("OK fail-open");
		run(argv);
	}
	say("DEFER fail-closed");
	signal(SIGPIPE, SIG_IGN);
	smtp_write(1, TEXT_FAIL "\r\n", sizeof TEXT_FAIL + 1,
	    smtp_now_ms() + (long long)c.timeout * 1000);
	_exit(EXIT_TEMP);
}

static enum grey_result
lookup(char **argv)
{
	unsigned char ip[16];
	char path[GREY_PATH_FMT];
	grey_tree_err e;
	enum grey_result r;

	if (!c.dir)
		die_x(EXIT_USAGE, "JGREYLIST_DIR is not set");
	if (!grey_addr_scan(c.remoteip, strlen(c.remoteip), ip))
		die_x(EXIT_USAGE, "unable to parse TCPREMOTEIP: %s", ipshow);
	grey_path(path, ip, c.prefix4, c.prefix6);
	r = grey_tree_check(c.dir, path, time(0), c.holdtime, &e);
	if (r == GREY_FAIL)
		failed(&e, argv);
	return r;
}

int
main(int argc, char **argv)
{
	die_prog = "jgreylist";
	if (argc < 2)
		die_usage(USAGE);
	load_env();
	if (c.list == GREY_LIST_WHITE) {
		say("OK whitelisted");
		run(argv + 1);
	}
	if (c.list == GREY_LIST_BLACK)
		deny(c.blacktext, "DENY blacklisted");
	if (c.norev && !c.remotehost)
		deny(c.norev, "DENY no reverse DNS");
	switch (lookup(argv + 1)) {
	case GREY_FIRST:
		say("GREY first time");
		talk(GREY_TEXT_FIRST);
	case GREY_SOON:
		say("GREY too soon");
		talk(GREY_TEXT_SOON);
	default:
		say("OK known");
		run(argv + 1);
	}
}
