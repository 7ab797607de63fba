/* unit test for lib/grey: settings, keys, decisions, deny text, the
   file tree in a scratch directory, and v8's fake session over a pipe */
#include "tap.h"
#include "die.h"
#include "grey.h"
#include "smtp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- settings -------------------------------------------------------- */

static int
scan(grey_cfg *c, grey_env_err *e, const char *a, const char *b,
     const char *d)
{
	char *env[5] = { 0 };

	env[0] = (char *)a;
	env[1] = (char *)b;
	env[2] = (char *)d;
	return grey_env_scan(c, env, e);
}

static void
test_env(void)
{
	grey_cfg c;
	grey_env_err e;
	char *none[] = { 0 };
	char *two[] = { "JGREYLIST_HOLDTIME=5", "JGREYLIST_HOLDTIME=x", 0 };

	ok(grey_env_scan(&c, none, &e), "empty environment is fine");
	ok(c.list == GREY_LIST_CHECK && !c.blacktext && !c.dir && !c.norev
	    && !c.remoteip && !c.remotehost, "defaults: nothing set");
	ok(c.holdtime == 120 && c.log == 1 && c.log_pid == 1 && c.log_smtp == 0
	    && c.timeout == 60 && c.limit == 0 && c.by_ip == 0
	    && c.prefix4 == 24 && c.prefix6 == 64 && c.failopen == 1,
	    "defaults: v8's numbers, /24 and /64, fail-open");

	ok(scan(&c, &e, "JGREYLIST=", 0, 0) && c.list == GREY_LIST_WHITE,
	    "JGREYLIST empty: whitelisted");
	ok(scan(&c, &e, "JGREYLIST=go away %", 0, 0)
	    && c.list == GREY_LIST_BLACK && !strcmp(c.blacktext, "go away %"),
	    "JGREYLIST text: blacklisted with that text");
	ok(scan(&c, &e, "JGREYLIST_DIR=", "JGREYLIST_NOREV=", "TCPREMOTEHOST=")
	    && !c.dir && !c.norev && !c.remotehost,
	    "empty strings count as unset");
	ok(scan(&c, &e, "JGREYLIST_DIR=/g", "TCPREMOTEIP=1.2.3.4",
	    "TCPREMOTEHOST=h") && !strcmp(c.dir, "/g")
	    && !strcmp(c.remoteip, "1.2.3.4") && !strcmp(c.remotehost, "h"),
	    "strings");
	ok(scan(&c, &e, "JGREYLIST_HOLDTIME=0", "JGREYLIST_LIMIT=3",
	    "JGREYLIST_LOG=0") && c.holdtime == 0 && c.limit == 3 && !c.log,
	    "numbers");
	ok(scan(&c, &e, "JGREYLIST_HOLDTIME=", "JGREYLIST_LOG=", 0)
	    && c.holdtime == 120 && c.log == 1, "empty numbers: the default");
	ok(scan(&c, &e, "JGREYLIST_LOG_SMTP=7", "JGREYLIST_LOG_PID=0",
	    "JGREYLIST_FAILOPEN=0") && c.log_smtp == 1 && !c.log_pid
	    && !c.failopen, "switches: 0 off, other numbers on");
	ok(scan(&c, &e, "JGREYLIST_TIMEOUT=0", 0, 0) && c.timeout == 5,
	    "TIMEOUT 0 -> 5 (v8's clamp)");
	ok(scan(&c, &e, "JGREYLIST_TIMEOUT=99999", 0, 0) && c.timeout == 300,
	    "TIMEOUT 99999 -> 300");
	ok(scan(&c, &e, "JGREYLIST_TIMEOUT=17", 0, 0) && c.timeout == 17,
	    "TIMEOUT 17");
	ok(scan(&c, &e, "JGREYLIST_BY_IP=1", 0, 0) && c.prefix4 == 32
	    && c.prefix6 == 128, "BY_IP: /32 and /128");
	ok(scan(&c, &e, "JGREYLIST_BY_IP=1", "JGREYLIST_PREFIX6=56", 0)
	    && c.prefix4 == 32 && c.prefix6 == 56, "PREFIX6 wins over BY_IP");
	ok(scan(&c, &e, "JGREYLIST_PREFIX4=0", "JGREYLIST_PREFIX6=128", 0)
	    && c.prefix4 == 0 && c.prefix6 == 128, "prefix ends of range");
	ok(grey_env_scan(&c, two, &e) && c.holdtime == 5,
	    "the first entry of a name counts");
	ok(scan(&c, &e, "XJGREYLIST_HOLDTIME=x", "JGREYLIST_HOLDTIMEX=y",
	    "JGREYLIST_HOLDTIME") && c.holdtime == 120,
	    "only the exact name counts");

	{
		static const char *const badv[][2] = {
			{ "JGREYLIST_HOLDTIME=abc", "JGREYLIST_HOLDTIME" },
			{ "JGREYLIST_HOLDTIME=10s", "JGREYLIST_HOLDTIME" },
			{ "JGREYLIST_HOLDTIME=-5", "JGREYLIST_HOLDTIME" },
			{ "JGREYLIST_HOLDTIME= 5", "JGREYLIST_HOLDTIME" },
			{ "JGREYLIST_HOLDTIME=4294967296",
			  "JGREYLIST_HOLDTIME" },
			{ "JGREYLIST_TIMEOUT=1e3", "JGREYLIST_TIMEOUT" },
			{ "JGREYLIST_TIMEOUT=99999999999999999999999",
			  "JGREYLIST_TIMEOUT" },
			{ "JGREYLIST_LIMIT=+1", "JGREYLIST_LIMIT" },
			{ "JGREYLIST_LOG=yes", "JGREYLIST_LOG" },
			{ "JGREYLIST_LOG_PID=-1", "JGREYLIST_LOG_PID" },
			{ "JGREYLIST_LOG_SMTP=on", "JGREYLIST_LOG_SMTP" },
			{ "JGREYLIST_BY_IP=true", "JGREYLIST_BY_IP" },
			{ "JGREYLIST_FAILOPEN=no", "JGREYLIST_FAILOPEN" },
			{ "JGREYLIST_PREFIX4=33", "JGREYLIST_PREFIX4" },
			{ "JGREYLIST_PREFIX6=129", "JGREYLIST_PREFIX6" },
			{ "JGREYLIST_PREFIX6=/64", "JGREYLIST_PREFIX6" },
		};
		size_t i;

		for (i = 0; i < sizeof badv / sizeof badv[0]; i++) {
			memset(&e, 0, sizeof e);
			ok(!scan(&c, &e, badv[i][0], 0, 0) && e.name
			    && !strcmp(e.name, badv[i][1]) && e.value
			    && !strcmp(e.value, strchr(badv[i][0], '=') + 1)
			    && e.want && *e.want, "rejected: %s", badv[i][0]);
		}
	}
}

/* ---- keys ------------------------------------------------------------ */

static const char *
key(const char *addr, unsigned int p4, unsigned int p6)
{
	static char out[GREY_PATH_FMT + 8];
	unsigned char ip[16];
	size_t k;

	if (!grey_addr_scan(addr, strlen(addr), ip))
		return "(not an address)";
	memset(out, 'x', sizeof out);
	k = grey_path(out, ip, p4, p6);
	if (k != strlen(out) || k >= GREY_PATH_FMT)
		return "(bad length)";
	return out;
}

static void
test_path(void)
{
	unsigned char ip[16];

	is_str(key("127.0.0.1", 24, 64), "ip4/127/000/000", "127.0.0.1 /24");
	is_str(key("127.0.0.1", 32, 128), "ip4/127/000/000/001",
	    "127.0.0.1 by IP");
	is_str(key("192.0.2.7", 24, 64), "ip4/192/000/002", "192.0.2.7 /24");
	is_str(key("255.255.255.255", 24, 64), "ip4/255/255/255", "255s");
	is_str(key("::ffff:192.0.2.7", 24, 64), "ip4/192/000/002",
	    "v4-mapped is IPv4");
	is_str(key("::FFFF:192.0.2.7", 32, 128), "ip4/192/000/002/007",
	    "v4-mapped, upper case, by IP");
	is_str(key("2001:470:1f0f:350::1", 24, 64),
	    "ip6/20/01/04/70/1f/0f/03/50", "Turner's example /64");
	is_str(key("2001:470:1f0f:350::1", 24, 128),
	    "ip6/20/01/04/70/1f/0f/03/50/00/00/00/00/00/00/00/01",
	    "Turner's example by IP (/128)");
	is_str(key("2001:DB8::ABCD:1", 24, 128),
	    "ip6/20/01/0d/b8/00/00/00/00/00/00/00/00/ab/cd/00/01",
	    "lower-case hex");
	is_str(key("::1", 24, 64), "ip6/00/00/00/00/00/00/00/00", "::1 /64");
	is_str(key("fe80::1%eth0", 24, 64), "ip6/fe/80/00/00/00/00/00/00",
	    "zone dropped");
	is_str(key("192.0.2.7", 16, 64), "ip4/192/000/000", "/16: 3 parts");
	is_str(key("192.0.2.7", 0, 64), "ip4/000/000/000", "/0");
	is_str(key("192.0.2.7", 28, 64), "ip4/192/000/002/000",
	    "/28: 4 parts, masked");
	is_str(key("192.0.2.255", 28, 64), "ip4/192/000/002/240", "/28 .255");
	is_str(key("192.0.2.255", 25, 64), "ip4/192/000/002/128", "/25");
	is_str(key("2001:db8:abcd:ef01::1", 24, 48),
	    "ip6/20/01/0d/b8/ab/cd/00/00", "/48: 8 parts, masked");
	is_str(key("2001:db8:abcd:ef01::1", 24, 56),
	    "ip6/20/01/0d/b8/ab/cd/ef/00", "/56");
	is_str(key("2001:db8:abcd:ef01:ffff::1", 24, 72),
	    "ip6/20/01/0d/b8/ab/cd/ef/01/ff/00/00/00/00/00/00/00",
	    "/72: 16 parts, masked");
	is_str(key("2001:db8::1", 24, 0), "ip6/00/00/00/00/00/00/00/00",
	    "/0 for IPv6");

	ok(!grey_addr_scan("", 0, ip), "empty: not an address");
	ok(!grey_addr_scan("1.2.3", 5, ip), "1.2.3: no");
	ok(!grey_addr_scan("1.2.3.4 ", 8, ip), "trailing space: no");
	ok(!grey_addr_scan("1.2.3.256", 9, ip), "256: no");
	ok(!grey_addr_scan("%eth0", 5, ip), "only a zone: no");
	ok(!grey_addr_scan("2001:db8::1::2", 14, ip), "two :: no");
	ok(!grey_addr_scan("[::1]", 5, ip), "brackets: no");
	ok(!grey_addr_scan("1.2.3.4\0", 8, ip), "NUL inside: no");
	ok(grey_addr_scan("1.2.3.4xyz", 7, ip), "only n bytes are read");
}

/* ---- decisions ------------------------------------------------------- */

static void
test_decide(void)
{
	time_t t = 1700000000;

	ok(grey_decide(t, t, 120) == GREY_SOON, "0 s after: too soon");
	ok(grey_decide(t, t + 119, 120) == GREY_SOON, "119 s: too soon");
	ok(grey_decide(t, t + 120, 120) == GREY_KNOWN, "120 s: known");
	ok(grey_decide(t, t + 100000, 120) == GREY_KNOWN, "a day: known");
	ok(grey_decide(t, t, 0) == GREY_KNOWN, "HOLDTIME 0: known at once");
	ok(grey_decide(t + 60, t, 0) == GREY_SOON,
	    "first seen 60 s ahead: too soon");
	ok(grey_decide(t + 61, t, 0) == GREY_FIRST,
	    "first seen 61 s ahead (clock stepped back): new");
	ok(grey_decide(t, t + 4294967295LL, 4294967295UL) == GREY_KNOWN,
	    "largest HOLDTIME, no overflow");
	ok(grey_decide(0, t, 4294967295UL) == GREY_SOON,
	    "largest HOLDTIME from 1970: too soon");

	ok(grey_clean_judge(t, t - 5, t + 30 * 86400, 30 * 86400, 86400)
	    == GREY_KEEP, "last seen exactly 30 days ago: kept");
	ok(grey_clean_judge(t, t - 5, t + 30 * 86400 + 1, 30 * 86400, 86400)
	    == GREY_OLD, "30 days + 1 s: max_age");
	ok(grey_clean_judge(t, t, t + 86400, 30 * 86400, 86400) == GREY_KEEP,
	    "seen once, 1 day: kept");
	ok(grey_clean_judge(t, t, t + 86401, 30 * 86400, 86400) == GREY_ONCE,
	    "seen once, 1 day + 1 s: one-time");
	ok(grey_clean_judge(t, t, t + 86401, 30 * 86400, 0) == GREY_KEEP,
	    "one_age 0: off");
	ok(grey_clean_judge(t, t - 1, t + 86401, 30 * 86400, 86400)
	    == GREY_KEEP, "seen twice: not one-time");
	ok(grey_clean_judge(t, t, t + 40 * 86400, 30 * 86400, 86400)
	    == GREY_OLD, "both: counted as max_age");
	ok(grey_clean_judge(t + 100, t, t, 0, 0) == GREY_KEEP,
	    "atime in the future: kept");
}

static void
test_deny(void)
{
	char out[64];
	size_t k;

	k = grey_deny_text(out, sizeof out, "Go away %", "192.0.2.7");
	is_str(out, "553 DENIED Go away 192.0.2.7", "%% -> address");
	is_int((long)k, (long)strlen(out), "length returned");
	grey_deny_text(out, sizeof out, "1", "192.0.2.7");
	is_str(out, "553 DENIED 1", "NOREV=1: literally 1");
	grey_deny_text(out, sizeof out, "%, %, %", "::1");
	is_str(out, "553 DENIED ::1, %, %", "only the first %%");
	grey_deny_text(out, sizeof out, "a\r\nb%", "x\ny");
	is_str(out, "553 DENIED a??bx?y", "control bytes shown as ?");
	k = grey_deny_text(out, 20, "0123456789abcdef", "");
	is_str(out, "553 DENIED 01234567", "cut to the buffer");
	is_int((long)k, 19, "cut length");
	k = grey_deny_text(out, 5, "%", "1.2.3.4");
	is_str(out, "553 ", "tiny buffer");
	k = grey_deny_text(out, 1, "%", "1.2.3.4");
	ok(k == 0 && out[0] == 0, "size 1: empty");

	is_int((long)grey_verb_len("HELO x", 6), 4, "verb ends at space");
	is_int((long)grey_verb_len("HELO\tx", 6), 4, "verb ends at tab");
	is_int((long)grey_verb_len("QUIT\r", 5), 4, "verb ends at CR");
	is_int((long)grey_verb_len("QUIT", 4), 4, "whole line");
	is_int((long)grey_verb_len("", 0), 0, "empty");
	is_int((long)grey_verb_len("A\nB C", 5), 3, "LF (was NUL) is no space");
}

/* ---- the tree -------------------------------------------------------- */

static char root[256];
static int errfile, saved2;

/* stderr into errfile, and back into log[] */
static void
cap_on(void)
{
	if (ftruncate(errfile, 0) < 0 || lseek(errfile, 0, SEEK_SET) < 0)
		return;
	saved2 = dup(2);
	dup2(errfile, 2);
}

static void
cap_off(char *log, size_t max)
{
	ssize_t k;

	dup2(saved2, 2);
	close(saved2);
	lseek(errfile, 0, SEEK_SET);
	k = read(errfile, log, max - 1);
	log[k > 0 ? k : 0] = 0;
}

static int
times_of(const char *rel, time_t *at, time_t *mt, mode_t *mode)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	if (lstat(p, &st) < 0)
		return -1;
	*at = st.st_atime;
	*mt = st.st_mtime;
	*mode = st.st_mode;
	return 0;
}

static void
at_path(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", root, rel);
}

static void
test_tree(void)
{
	grey_tree_err e;
	time_t t = time(0), at, mt;
	mode_t mode;
	char p[512], log[1024], want[1024];
	int fd, dev;

	die_prog = "jgreylist";
	memset(&e, 0, sizeof e);
	ok(grey_tree_check(root, "ip4/192/000/002", t, 120, &e) == GREY_FIRST,
	    "first contact");
	ok(times_of("ip4/192/000/002", &at, &mt, &mode) == 0
	    && S_ISREG(mode) && (mode & 0777) == 0600 && at == t && mt == t,
	    "entry: 0600, atime = mtime = now");
	ok(times_of("ip4/192/000", &at, &mt, &mode) == 0 && S_ISDIR(mode)
	    && (mode & 0777) == 0700, "directories 0700");
	ok(grey_tree_check(root, "ip4/192/000/002", t + 60, 120, &e)
	    == GREY_SOON, "60 s later: too soon");
	ok(times_of("ip4/192/000/002", &at, &mt, &mode) == 0 && at == t + 60
	    && mt == t, "too soon: atime now, mtime kept");
	ok(grey_tree_check(root, "ip4/192/000/002", t + 120, 120, &e)
	    == GREY_KNOWN, "120 s later: known");
	ok(times_of("ip4/192/000/002", &at, &mt, &mode) == 0 && at == t + 120
	    && mt == t, "known: atime now, mtime kept");
	ok(grey_tree_check(root, "ip4/192/000/002", t - 3600, 120, &e)
	    == GREY_FIRST, "clock stepped back an hour: new again");
	ok(times_of("ip4/192/000/002", &at, &mt, &mode) == 0
	    && at == t - 3600 && mt == t - 3600, "both times reset");

	/* a file where a directory is needed: BY_IP switched on */
	cap_on();
	ok(grey_tree_check(root, "ip4/192/000/002/007", t, 120, &e)
	    == GREY_FIRST, "file in the way of a directory: replaced, new");
	cap_off(log, sizeof log);
	snprintf(want, sizeof want, "jgreylist: warning: %s/ip4/192/000/002 "
	    "is not a directory (tree made with other prefix settings?), "
	    "removing it\n", root);
	is_str(log, want, "... with a warning naming it");
	ok(times_of("ip4/192/000/002", &at, &mt, &mode) == 0 && S_ISDIR(mode),
	    "it is a directory now");
	/* and back: a directory (with an entry) where the entry is needed */
	cap_on();
	ok(grey_tree_check(root, "ip4/192/000/002", t, 120, &e) == GREY_FIRST,
	    "directory in the way of an entry: removed, new");
	cap_off(log, sizeof log);
	snprintf(want, sizeof want, "jgreylist: warning: %s/ip4/192/000/002 "
	    "is not a regular file (tree made with other prefix settings?), "
	    "removing it\n", root);
	is_str(log, want, "... with a warning naming it");
	ok(times_of("ip4/192/000/002", &at, &mt, &mode) == 0 && S_ISREG(mode),
	    "it is an entry now");

	/* a symlink is never followed */
	at_path(p, sizeof p, "ip4/010");
	ok(symlink("/", p) == 0, "symlink ip4/010 -> /");
	cap_on();
	ok(grey_tree_check(root, "ip4/010/000/000", t, 120, &e) == GREY_FIRST,
	    "symlink in the way: replaced");
	cap_off(log, sizeof log);
	ok(times_of("ip4/010", &at, &mt, &mode) == 0 && S_ISDIR(mode),
	    "ip4/010 is a real directory");
	at_path(p, sizeof p, "ip4/011");
	mkdir(p, 0700);
	at_path(p, sizeof p, "ip4/011/000");
	mkdir(p, 0700);
	at_path(p, sizeof p, "ip4/011/000/000");
	ok(symlink("/etc/passwd", p) == 0, "symlink as the entry");
	cap_on();
	ok(grey_tree_check(root, "ip4/011/000/000", t, 120, &e) == GREY_FIRST,
	    "symlink entry: replaced");
	cap_off(log, sizeof log);
	ok(times_of("ip4/011/000/000", &at, &mt, &mode) == 0 && S_ISREG(mode),
	    "and is an entry now");

	/* an entry made by someone else first (the O_EXCL loser's view) */
	at_path(p, sizeof p, "ip6/20/01/0d/b8/00/00/00");
	ok(grey_tree_check(root, "ip6/20/01/0d/b8/00/00/00/00", t - 500, 120,
	    &e) == GREY_FIRST, "IPv6 /64: first");
	ok(grey_tree_check(root, "ip6/20/01/0d/b8/00/00/00/00", t, 120, &e)
	    == GREY_KNOWN, "IPv6 /64: known 500 s later");

	memset(&e, 0, sizeof e);
	ok(grey_tree_check("/nonexistent/grey", "ip4/1/2/3", t, 120, &e)
	    == GREY_FAIL && e.err == ENOENT && !strcmp(e.path, "")
	    && !strcmp(e.what, "unable to open"), "missing root: fails");
	at_path(p, sizeof p, "afile");
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	close(fd);
	ok(grey_tree_check(p, "ip4/1/2/3", t, 120, &e) == GREY_FAIL
	    && e.err == ENOTDIR, "root is a file: fails");
	ok(grey_tree_check(root, "../x", t, 120, &e) == GREY_FAIL
	    && e.err == EINVAL, "path with ..: refused");
	ok(grey_tree_check(root, "/etc/x", t, 120, &e) == GREY_FAIL,
	    "absolute path: refused");
	ok(grey_tree_check(root, "", t, 120, &e) == GREY_FAIL,
	    "empty path: refused");

	/* a device as the root */
	dev = grey_tree_check("/dev/null", "ip4/1/2/3", t, 120, &e);
	ok(dev == GREY_FAIL && e.err == ENOTDIR, "/dev/null as root: fails");
	if (geteuid() != 0) {
		at_path(p, sizeof p, "ro");
		mkdir(p, 0500);
		ok(grey_tree_check(p, "ip4/1/2/3", t, 120, &e) == GREY_FAIL
		    && e.err == EACCES && !strcmp(e.path, "ip4")
		    && !strcmp(e.what, "unable to create directory"),
		    "unwritable root: fails, naming ip4");
	} else {
		ok(1, "# skip unwritable root: running as root");
	}
}

/* ---- the session ----------------------------------------------------- */

/* Runs a session on in[] (then EOF unless hold), returns the end and
   the output in out, the log in log. */
static int
session(const grey_talk *t, const char *in, int hold, long long ms,
        char *out, size_t max, char *log, size_t logmax)
{
	int p[2], o, r;
	ssize_t k;

	if (pipe(p) < 0)
		return -1;
	(void)!write(p[1], in, strlen(in));
	if (!hold)
		close(p[1]);
	o = open(".", O_TMPFILE | O_RDWR, 0600);
	if (o < 0)
		o = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	cap_on();
	r = grey_session(t, p[0], o, smtp_now_ms() + ms);
	cap_off(log, logmax);
	close(p[0]);
	if (hold)
		close(p[1]);
	lseek(o, 0, SEEK_SET);
	k = read(o, out, max - 1);
	out[k > 0 ? k : 0] = 0;
	close(o);
	return r;
}

static void
test_session(void)
{
	grey_talk t = { GREY_TEXT_FIRST, 0, 0, "192.0.2.7" };
	char out[4096], log[4096];
	long long t0;
	int r;

	r = session(&t, "HELO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n"
	    "DATA\r\nQUIT\r\nRCPT TO:<e@f>\r\n", 0, 5000, out, sizeof out,
	    log, sizeof log);
	is_str(out, "220 jgreylist v8\r\n250 jgreylist v8\r\n"
	    "250 jgreylist v8\r\n450 GREYLIST Try again later.\r\n"
	    "450 GREYLIST Try again later.\r\n221 jgreylist v8\r\n",
	    "grey session, nothing after QUIT");
	is_int(r, SMTP_END_QUIT, "ends with QUIT");
	is_str(log, "", "nothing logged without LOG_SMTP");

	r = session(&t, "ehlo x\nrset\nnoop\nvrfy x\n\nhelo\tx\nQUIT now\n",
	    0, 5000, out, sizeof out, log, sizeof log);
	is_str(out, "220 jgreylist v8\r\n250 jgreylist v8\r\n"
	    "250 jgreylist v8\r\n450 GREYLIST Try again later.\r\n"
	    "450 GREYLIST Try again later.\r\n"
	    "450 GREYLIST Try again later.\r\n250 jgreylist v8\r\n"
	    "221 jgreylist v8\r\n",
	    "bare LF; NOOP, VRFY, empty line refused; tab ends the verb");

	r = session(&t, "HELO x\r\n", 0, 5000, out, sizeof out, log,
	    sizeof log);
	is_str(out, "220 jgreylist v8\r\n250 jgreylist v8\r\n",
	    "end of input ends the session");
	is_int(r, SMTP_END_EOF, "SMTP_END_EOF");
	r = session(&t, "HELO x", 0, 5000, out, sizeof out, log, sizeof log);
	is_str(out, "220 jgreylist v8\r\n", "a line without LF is no command");

	t.message = "553 DENIED go away";
	t.limit = 2;
	r = session(&t, "RCPT TO:<a>\r\nRCPT TO:<b>\r\nRCPT TO:<c>\r\n", 0,
	    5000, out, sizeof out, log, sizeof log);
	is_str(out, "220 jgreylist v8\r\n553 DENIED go away\r\n"
	    "421 Too many RCPT commands, goodbye.\r\n",
	    "LIMIT 2: the 2nd RCPT gets 421");
	is_int(r, GREY_END_LIMIT, "GREY_END_LIMIT");
	is_str(log, "jgreylist: 192.0.2.7: HANGUP too many RCPT commands\n",
	    "HANGUP logged");
	t.limit = 1;
	r = session(&t, "rcpt to:<a>\r\n", 0, 5000, out, sizeof out, log,
	    sizeof log);
	is_str(out, "220 jgreylist v8\r\n421 Too many RCPT commands, "
	    "goodbye.\r\n", "LIMIT 1: the first RCPT");

	t.limit = 0;
	t.log_smtp = 1;
	t.message = GREY_TEXT_SOON;
	r = session(&t, "helo x\r\nrcpt to:<a\x01>\r\nquit\r\n", 0, 5000, out,
	    sizeof out, log, sizeof log);
	is_str(log, "jgreylist: >>> 220 jgreylist v8\n"
	    "jgreylist: <<< helo x\n"
	    "jgreylist: >>> 250 jgreylist v8\n"
	    "jgreylist: <<< rcpt to:<a?>\n"
	    "jgreylist: >>> 450 GREYLIST I said to try later.\n"
	    "jgreylist: <<< quit\n"
	    "jgreylist: >>> 221 jgreylist v8\n", "LOG_SMTP trace");

	t.log_smtp = 0;
	t0 = smtp_now_ms();
	r = session(&t, "HELO x\r\n", 1, 300, out, sizeof out, log,
	    sizeof log);
	ok(smtp_now_ms() - t0 >= 290 && smtp_now_ms() - t0 < 3000,
	    "a silent client: the deadline ends the session");
	is_str(out, "220 jgreylist v8\r\n250 jgreylist v8\r\n421 timeout\r\n",
	    "421 timeout");
	is_int(r, SMTP_END_TIMEOUT, "SMTP_END_TIMEOUT");
}

static int
rm_r(const char *p)
{
	char q[1024];
	struct dirent *d;
	struct stat st;
	DIR *dir;

	if (lstat(p, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(p);
	dir = opendir(p);
	while (dir && (d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(q, sizeof q, "%s/%s", p, d->d_name);
		rm_r(q);
	}
	if (dir)
		closedir(dir);
	return rmdir(p);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof root, "%s/grey-unit.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(root)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	errfile = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ok(errfile >= 0, "a scratch file for stderr");
	test_env();
	test_path();
	test_decide();
	test_deny();
	test_tree();
	test_session();
	rm_r(root);
	return tap_done();
}
