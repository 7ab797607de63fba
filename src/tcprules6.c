/*
 * tcprules6: compile tcprules source lines (stdin) into a rules cdb.
 *
 * Writes tmp with tinycdb (duplicate keys kept in order: the first line
 * wins at lookup), fsyncs and closes it, then renames it over cdb, so
 * readers see the old or the new file, never half of one.  On any error
 * cdb is untouched (tmp may be left behind).  Line syntax: lib/rules.h.
 * Exit codes: 0 done, 100 usage or a bad line, 111 I/O or memory.
 * Messages are tcprules' own (djb 0.88), byte for byte.
 */
#include "die.h"
#include "rules.h"
#include "sbuf.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USAGE "tcprules rules.cdb rules.tmp"
#define LINE_MAX_BYTES (64u * 1024)   /* longest source line accepted */
#define EMIT_FAILED (-3)

static const char *tmp;

static void
nomem(void)
{
	die_x(EXIT_TEMP, "out of memory");
}

static void
die_write(void)
{
	if (errno == ENOMEM)
		nomem();
	die_sys(EXIT_TEMP, "unable to write to %s", tmp);
}

static int
add(void *ctx, const char *key, size_t keylen, const char *data,
    size_t datalen)
{
	if (keylen > UINT_MAX / 2 || datalen > UINT_MAX / 2)
		return errno = E2BIG, EMIT_FAILED;
	if (cdb_make_add(ctx, key, (unsigned)keylen, data,
	    (unsigned)datalen) != 0)
		return EMIT_FAILED;
	return 0;
}

static void
do_line(struct cdb_make *cm, const char *s, size_t n)
{
	size_t shown = n;
	int r;

	r = rules_line(s, n, add, cm);
	if (r == RULES_ERR) {
		while (shown && (s[shown - 1] == ' ' || s[shown - 1] == '\t'))
			shown--;
		die_x(EXIT_USAGE, "unable to parse this line: %.*s",
		    (int)shown, s);
	}
	if (r == RULES_ENOMEM)
		nomem();
	if (r == EMIT_FAILED)
		die_write();
}

/* Feeds each line of fd 0 (the last may lack '\n') to do_line. */
static void
read_lines(struct cdb_make *cm)
{
	sbuf line = SBUF_INIT(LINE_MAX_BYTES);
	char buf[8192];
	const char *p, *nl;
	ssize_t got;
	size_t left;

	for (;;) {
		got = read(0, buf, sizeof buf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die_sys(EXIT_TEMP, "unable to read input");
		if (got == 0)
			break;
		for (p = buf, left = (size_t)got; left; ) {
			nl = memchr(p, '\n', left);
			if (!sbuf_catb(&line, p, nl ? (size_t)(nl - p) : left)) {
				if (errno == E2BIG)
					die_x(EXIT_USAGE, "unable to parse a "
					    "line longer than %u bytes",
					    LINE_MAX_BYTES);
				nomem();
			}
			if (!nl)
				break;
			do_line(cm, line.s, line.len);
			sbuf_reset(&line);
			left -= (size_t)(nl - p) + 1;
			p = nl + 1;
		}
	}
	if (line.len)
		do_line(cm, line.s, line.len);
	sbuf_free(&line);
}

int
main(int argc, char **argv)
{
	struct cdb_make cm;
	int fd;

	die_prog = "tcprules";
	if (argc < 3)
		die_usage(USAGE);
	tmp = argv[2];
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1)
		die_sys(EXIT_TEMP, "unable to create %s", tmp);
	if (cdb_make_start(&cm, fd) != 0)
		die_write();
	read_lines(&cm);
	if (cdb_make_finish(&cm) != 0 || fsync(fd) != 0 || close(fd) != 0)
		die_write();
	if (rename(tmp, argv[1]) != 0)
		die_sys(EXIT_TEMP, "unable to move %s to %s", tmp, argv[1]);
	return 0;
}
