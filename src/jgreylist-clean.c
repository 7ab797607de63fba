/*
 * jgreylist-clean: expire old entries of a jgreylist tree (run from cron),
 * or move a pre-IPv6 tree into ip4/ (-m).
 *
 * Chain:  none; runs beside jgreylist, on the same directory.
 * Reads:  options; the tree (fstatat only: entries are never opened, so
 *         their atime, the last-seen time, is left alone); $JGREYLIST_DIR
 *         when no directory is given.
 * Does:   removes entries last seen more than -d days ago, and entries
 *         seen only once (atime == mtime) more than -u days ago, then the
 *         directories left empty (never the root); every step relative to
 *         an open directory (openat/fstatat/unlinkat), never following a
 *         symlink; a concurrent jgreylist is harmless (an entry or
 *         directory that appears or vanishes is taken as it is).
 *         -m: renames DIR/NNN (v8's layout) to DIR/ip4/NNN, merging with
 *         what is there (earliest first seen, latest last seen).
 * Exits:  100 usage; 111 the directory cannot be read, or any error on
 *         the way (each one is reported, the rest is still done); else 0.
 * Behaviour: ../shared/spec/greylist.md sections 1.10, 4 items 16-17.
 */
#include "die.h"
#include "grey.h"
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define USAGE "jgreylist-clean [ -nqv ] [ -d days ] [ -u days ] [ -m ] [ dir ]"
#define DAYS_MAX 36500UL
#define DEPTH_MAX 32            /* ip6/ + 16 bytes is 17 */
#define DAY 86400UL

static struct {
	int dry, quiet, verbose, migrate;
	unsigned long max_age, one_age;         /* seconds */
	const char *dir;
} o = { .max_age = 30 * DAY, .one_age = DAY };

static struct {
	unsigned long old, once, kept, dirs;    /* clean */
	unsigned long moved, moved_entries, merged;     /* -m */
	int errors;
} n;

static time_t now;

/* The path of what is being looked at, for messages only: directories
   are pushed and popped, never rebuilt per entry. */
static char path[4096];
static size_t plen;

static size_t
push(const char *name)
{
	size_t old = plen;
	int k = snprintf(path + plen, sizeof path - plen, "/%s", name);

	plen = k < 0 || (size_t)k >= sizeof path - plen ? sizeof path - 1 :
	    plen + (size_t)k;
	return old;
}

static void
pop(size_t old)
{
	plen = old;
	path[plen] = 0;
}

static void
error(const char *name, const char *what)
{
	warn_sys("%s%s%s: %s", path, name ? "/" : "", name ? name : "", what);
	n.errors = 1;
}

static void
removed(const char *name)
{
	if (o.verbose)
		printf("%s/%s\n", path, name);
}

/* ======================================================================
 * clean
 * ====================================================================== */

static int clean_dir(int fd, int depth);

/* The subdirectory name of at: 1 if it is gone (or would be), else 0. */
static int
clean_sub(int at, const char *name, int depth)
{
	size_t old;
	int fd, empty;

	if (depth >= DEPTH_MAX) {
		errno = ELOOP;
		error(name, "too deep, left alone");
		return 0;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		error(name, "unable to open directory");
		return 0;
	}
	old = push(name);
	empty = clean_dir(fd, depth + 1);
	pop(old);
	if (!empty)
		return 0;
	if (!o.dry && unlinkat(at, name, AT_REMOVEDIR) < 0) {
		/* a jgreylist filled it again meanwhile, or another clean */
		if (errno == ENOENT)
			return 1;
		if (errno != ENOTEMPTY && errno != EEXIST)
			error(name, "unable to remove directory");
		return 0;
	}
	n.dirs++;
	removed(name);
	return 1;
}

/* One entry that is not a directory: 1 if it is gone (or would be). */
static int
clean_file(int at, const char *name, const struct stat *st)
{
	enum grey_clean j;

	if (!S_ISREG(st->st_mode))
		return 0;               /* not ours: kept, not counted */
	j = grey_clean_judge(st->st_atime, st->st_mtime, now, o.max_age,
	    o.one_age);
	if (j == GREY_KEEP) {
		n.kept++;
		return 0;
	}
	if (!o.dry && unlinkat(at, name, 0) < 0 && errno != ENOENT) {
		error(name, "unable to remove");
		return 0;
	}
	if (j == GREY_OLD)
		n.old++;
	else
		n.once++;
	removed(name);
	return 1;
}

/* Cleans the open directory fd (and closes it): 1 if everything in it
   is gone (or would be). */
static int
clean_dir(int fd, int depth)
{
	struct dirent *d;
	unsigned long left = 0;
	DIR *dir = fdopendir(fd);

	if (!dir) {
		close(fd);
		error(0, "unable to read directory");
		return 0;
	}
	while ((errno = 0, d = readdir(dir))) {
		const char *name = d->d_name;
		struct stat st;

		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (d->d_type == DT_DIR) {
			left += !clean_sub(dirfd(dir), name, depth);
			continue;
		}
		if (d->d_type != DT_REG && d->d_type != DT_UNKNOWN) {
			left++;         /* not ours: kept, not counted */
			continue;
		}
		/* the stat right before the unlink: a jgreylist may just
		   have touched the entry */
		if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT) {
				error(name, "unable to stat");
				left++;
			}
			continue;
		}
		if (S_ISDIR(st.st_mode))
			left += !clean_sub(dirfd(dir), name, depth);
		else if (depth == 0)
			left++;                 /* top-level files: not ours */
		else
			left += !clean_file(dirfd(dir), name, &st);
	}
	if (errno) {
		error(0, "unable to read directory");
		left++;
	}
	closedir(dir);
	return left == 0;
}

static void
clean(int root)
{
	const char *verb = o.dry ? "Would remove" : "Removed";

	clean_dir(root, 0);
	if (o.quiet)
		return;
	printf("%s %8lu max_age entries\n", verb, n.old);
	if (o.one_age)
		printf("%s %8lu one-time entries\n", verb, n.once);
	printf("Kept    %8lu entries\n", n.kept);
	printf("%s %8lu empty directories\n", verb, n.dirs);
}

/* ======================================================================
 * migrate: DIR/NNN -> DIR/ip4/NNN
 * ====================================================================== */

/* v8's top-level names: three decimal digits, 000 to 255 */
static int
is_octet(const char *s)
{
	unsigned long v;

	return strlen(s) == 3 && scan_ulong(s, 255, &v);
}

/* Two entries for one key: keep the one in the new tree with the earliest
   first seen and the latest last seen, drop the old one. */
static void
merge_file(int from, int to, const char *name)
{
	struct stat a, b;
	struct timespec t[2];

	if (fstatat(from, name, &a, AT_SYMLINK_NOFOLLOW) < 0
	    || fstatat(to, name, &b, AT_SYMLINK_NOFOLLOW) < 0) {
		error(name, "unable to stat");
		return;
	}
	if (!S_ISREG(a.st_mode) || !S_ISREG(b.st_mode)) {
		errno = EEXIST;
		error(name, "unable to merge (not two entries)");
		return;
	}
	t[0] = a.st_atim.tv_sec > b.st_atim.tv_sec ? a.st_atim : b.st_atim;
	t[1] = a.st_mtim.tv_sec < b.st_mtim.tv_sec ? a.st_mtim : b.st_mtim;
	if (o.dry)
		n.merged++;
	else if (utimensat(to, name, t, AT_SYMLINK_NOFOLLOW) < 0)
		error(name, "unable to set times");
	else if (unlinkat(from, name, 0) < 0)
		error(name, "unable to remove");
	else
		n.merged++;
	removed(name);
}

static void merge_dir(int from, int to, const char *name, int depth);

/* Moves name from the directory from into the directory to, merging
   with what is there; with -n only counts. */
static void
move(int from, int to, const char *name, int depth)
{
	struct stat a, b;

	if (fstatat(from, name, &a, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			error(name, "unable to stat");
		return;
	}
	if (fstatat(to, name, &b, AT_SYMLINK_NOFOLLOW) < 0) {
		if (!o.dry
		    && renameat2(from, name, to, name, RENAME_NOREPLACE) < 0) {
			if (errno != EEXIST) {
				error(name, "unable to move");
				return;
			}
			move(from, to, name, depth);    /* it just appeared */
			return;
		}
		if (S_ISDIR(a.st_mode))
			n.moved++;
		else
			n.moved_entries++;
		removed(name);
		return;
	}
	if (S_ISDIR(a.st_mode) && S_ISDIR(b.st_mode))
		merge_dir(from, to, name, depth);
	else
		merge_file(from, to, name);
}

/* from/name and to/name are both directories: move the contents. */
static void
merge_dir(int from, int to, const char *name, int depth)
{
	int a, b;
	size_t old;
	DIR *dir;
	struct dirent *d;

	if (depth >= DEPTH_MAX) {
		errno = ELOOP;
		error(name, "too deep, left alone");
		return;
	}
	a = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	b = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (a < 0 || b < 0 || !(dir = fdopendir(a))) {
		error(name, "unable to open directory");
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
		return;
	}
	old = push(name);
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			move(a, b, d->d_name, depth + 1);
	pop(old);
	closedir(dir);
	close(b);
	if (!o.dry && unlinkat(from, name, AT_REMOVEDIR) < 0
	    && errno != ENOTEMPTY)
		error(name, "unable to remove directory");
}

static void
migrate(int root)
{
	struct dirent *d;
	struct stat st;
	DIR *dir;
	int ip4;

	if (!o.dry && mkdirat(root, "ip4", 0700) < 0 && errno != EEXIST)
		die_sys(EXIT_TEMP, "unable to create %s/ip4", o.dir);
	ip4 = openat(root, "ip4", O_RDONLY | O_DIRECTORY | O_NOFOLLOW
	    | O_CLOEXEC);
	/* -n without ip4/: everything would be moved (fstatat(-1) fails) */
	if (ip4 < 0 && !(o.dry && errno == ENOENT))
		die_sys(EXIT_TEMP, "unable to open %s/ip4", o.dir);
	dir = fdopendir(root);
	if (!dir)
		die_sys(EXIT_TEMP, "unable to read %s", o.dir);
	while ((d = readdir(dir)))
		if (is_octet(d->d_name) && fstatat(root, d->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			move(root, ip4, d->d_name, 0);
	closedir(dir);
	if (ip4 >= 0)
		close(ip4);
	if (o.quiet)
		return;
	printf("%s %8lu directories\n", o.dry ? "Would move" : "Moved  ",
	    n.moved);
	printf("%s %8lu entries\n", o.dry ? "Would move" : "Moved  ",
	    n.moved_entries);
	printf("%s %8lu entries\n", o.dry ? "Would merge" : "Merged ",
	    n.merged);
}

/* ====================================================================== */

static void
days(const char *s, unsigned long *out)
{
	unsigned long d;

	if (!scan_ulong(s, DAYS_MAX, &d))
		die_usage(USAGE);
	*out = d * DAY;
}

static void
options(int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "+nqvd:u:m")) != -1) {
		switch (c) {
		case 'n': o.dry = 1; break;
		case 'q': o.quiet = 1; break;
		case 'v': o.verbose = 1; break;
		case 'm': o.migrate = 1; break;
		case 'd': days(optarg, &o.max_age); break;
		case 'u': days(optarg, &o.one_age); break;
		default: die_usage(USAGE);
		}
	}
	o.dir = optind < argc ? argv[optind++] : getenv("JGREYLIST_DIR");
	if (!o.dir || !*o.dir || optind < argc)
		die_usage(USAGE);
}

int
main(int argc, char **argv)
{
	int root;

	die_prog = "jgreylist-clean";
	options(argc, argv);
	now = time(0);
	root = open(o.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die_sys(EXIT_TEMP, "unable to open %s", o.dir);
	plen = strlen(o.dir);
	if (plen >= sizeof path)
		plen = sizeof path - 1;
	memcpy(path, o.dir, plen);
	path[plen] = 0;
	if (o.migrate)
		migrate(root);
	else
		clean(root);
	if (fflush(stdout) != 0 || ferror(stdout))
		die_sys(EXIT_TEMP, "unable to write output");
	return n.errors ? EXIT_TEMP : 0;
}
