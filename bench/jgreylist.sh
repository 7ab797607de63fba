#!/bin/sh
# bench/jgreylist.sh: what jgreylist and jgreylist-clean cost.
#
#  1. Pass path: time per run of "jgreylist /bin/true" for a known client
#     (its entry is older than HOLDTIME, so jgreylist stats it, sets its
#     atime, logs "OK known" and execs /bin/true) against "/bin/true"
#     alone.  The difference is what jgreylist adds to each connection.
#     Target: <= 0.3 ms added (difference of the medians).  For scale the
#     table also shows "env /bin/true": the cost of one more exec of a
#     small libc program, which any filter in the chain pays; on a small
#     VM that alone is often more than 0.3 ms.
#  2. Clean: jgreylist-clean on a tree of 1,000,000 entries (/24 layout,
#     ip4/aaa/bbb/ccc, 256 per directory), every other one last seen 40
#     days ago and the rest 1 hour ago (all first seen 50 days ago, so no
#     entry is "one-time" and both tools remove exactly the same 500,000
#     files and no directory), against
#         find DIR -type f -atime +30 -delete
#     on an identical tree.  Target: clean time / find time <= 2.
#
# Usage: sh bench/jgreylist.sh     (from the top of the tree, after make)
# Environment:
#   SIXGATE_BUILD     build dir (default build/std): bin/jgreylist,
#                     bin/jgreylist-clean
#   BENCH_RUNS        runs per program in part 1 (default 2000)
#   BENCH_ENTRIES     entries in part 2 (default 1000000)
#   BENCH_ROUNDS      tree generations per tool in part 2 (default 2)
# Needs root (or an unprivileged user namespace): it re-starts itself in a
# private mount namespace and puts the trees on a tmpfs there (about 1 KiB
# of memory per entry, one tree at a time: about 1.1 GB with the
# defaults; nothing is written to disk).  A C compiler builds two small
# helpers (a spawn loop and the tree generator) into a temporary directory.
# Takes about 1-2 minutes with the defaults.
# It prints a table, not TAP.  Exit 0 when both targets are met, 1 when
# one is missed, 111 on a set-up error.
set -u

if [ -z "${SIXGATE_BENCH_NS:-}" ]; then
	export SIXGATE_BENCH_NS=1
	_f=-m
	[ "$(id -u)" = 0 ] || _f="-r -m"
	exec unshare $_f -- sh "$0" "$@"
fi

TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${SIXGATE_BUILD:-$TOP/build/std}
JG=$B/bin/jgreylist
JGCLEAN=$B/bin/jgreylist-clean
RUNS=${BENCH_RUNS:-2000}
ENTRIES=${BENCH_ENTRIES:-1000000}
ROUNDS=${BENCH_ROUNDS:-2}

say() { echo "jgreylist.sh: $*" >&2; }
fatal() { say "fatal: $*"; exit 111; }

[ -x "$JG" ] || fatal "$JG is missing (make)"
[ -x "$JGCLEAN" ] || fatal "$JGCLEAN is missing (make)"
for v in "$RUNS" "$ENTRIES" "$ROUNDS"; do
	case $v in ''|*[!0-9]*|0) fatal "BENCH_RUNS, BENCH_ENTRIES and BENCH_ROUNDS must be positive numbers" ;; esac
done
[ "$ENTRIES" -le 16777216 ] || fatal "BENCH_ENTRIES is at most 16777216 (the /24 keys)"
command -v cc >/dev/null || fatal "cc is missing"

T=$(mktemp -d /tmp/bench-jgreylist.XXXXXX) || fatal "mktemp failed"
trap 'umount "$T/fs" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 111' INT TERM
mkdir "$T/fs"
# empty files and directories take no blocks on tmpfs, only inodes
mount -t tmpfs -o "size=64m,nr_inodes=$((ENTRIES + ENTRIES / 8 + 10000)),mode=700" \
	tmpfs "$T/fs" || fatal "cannot mount a tmpfs (not root?)"

# --- helpers --------------------------------------------------------------------
# spawnloop N PROG ARGS: runs PROG N times one after the other (fork,
# exec, wait; stdin and stdout /dev/null, stderr /dev/null), prints the
# microseconds of each run, one per line; exit 1 if a run fails.
cat >"$T/spawnloop.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long n, i;
	int null = open("/dev/null", O_RDWR);
	if (argc < 3 || (n = strtol(argv[1], 0, 10)) <= 0 || null < 0)
		return 100;
	for (i = 0; i < n; i++) {
		struct timespec a, b;
		int st;
		pid_t p;
		clock_gettime(CLOCK_MONOTONIC, &a);
		p = fork();
		if (p == 0) {
			dup2(null, 0); dup2(null, 1); dup2(null, 2);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%ld\n", (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000);
	}
	return 0;
}
EOF
# gentree DIR N: entries ip4/aaa/bbb/ccc for keys 0..N-1; mtime 50 days
# ago; atime 40 days ago for even keys, 1 hour ago for odd ones.
cat >"$T/gentree.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long n, i;
	int root, ip4, a = -1, b = -1;
	time_t now = time(0);
	char name[4];
	if (argc != 3 || (n = strtol(argv[2], 0, 10)) <= 0)
		return 100;
	root = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (root < 0 || mkdirat(root, "ip4", 0700) < 0
	    || (ip4 = openat(root, "ip4", O_RDONLY | O_DIRECTORY)) < 0)
		return perror("gentree: ip4"), 111;
	for (i = 0; i < n; i++) {
		struct timespec t[2] = { { now - (i % 2 ? 3600 : 40 * 86400), 0 },
		                         { now - 50 * 86400, 0 } };
		int fd;
		if (i % 65536 == 0) {
			if (a >= 0) close(a);
			snprintf(name, sizeof name, "%03ld", i / 65536);
			if (mkdirat(ip4, name, 0700) < 0
			    || (a = openat(ip4, name, O_RDONLY | O_DIRECTORY)) < 0)
				return perror("gentree: mkdir"), 111;
		}
		if (i % 256 == 0) {
			if (b >= 0) close(b);
			snprintf(name, sizeof name, "%03ld", i / 256 % 256);
			if (mkdirat(a, name, 0700) < 0
			    || (b = openat(a, name, O_RDONLY | O_DIRECTORY)) < 0)
				return perror("gentree: mkdir"), 111;
		}
		snprintf(name, sizeof name, "%03ld", i % 256);
		fd = openat(b, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || futimens(fd, t) < 0)
			return perror("gentree: entry"), 111;
		close(fd);
	}
	return 0;
}
EOF
cc -O2 -o "$T/spawnloop" "$T/spawnloop.c" && cc -O2 -o "$T/gentree" "$T/gentree.c" ||
	fatal "cannot compile the helpers"

# stat FILE: "mean p50 p90" in ms of the microsecond values in FILE
summ() {
	sort -n "$1" | awk '
		{ v[NR] = $1; s += $1 }
		END {
			if (NR == 0) { print "n/a n/a n/a"; exit }
			i90 = int(NR * 0.9 + 0.5); if (i90 < 1) i90 = 1
			p50 = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.3f %.3f %.3f\n", s / NR / 1000, p50 / 1000, v[i90] / 1000
		}'
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- part 1: the pass path --------------------------------------------------------
G=$T/fs/grey
mkdir -m 700 "$G"
TCPREMOTEIP=192.0.2.7
JGREYLIST_DIR=$G
export TCPREMOTEIP JGREYLIST_DIR
unset JGREYLIST JGREYLIST_NOREV JGREYLIST_BY_IP JGREYLIST_HOLDTIME JGREYLIST_LOG \
	JGREYLIST_LOG_PID JGREYLIST_LOG_SMTP JGREYLIST_TIMEOUT JGREYLIST_LIMIT \
	JGREYLIST_PREFIX4 JGREYLIST_PREFIX6 JGREYLIST_FAILOPEN
"$JG" /bin/true </dev/null >/dev/null 2>&1     # creates the entry
touch -d "@$(($(date +%s) - 3600))" "$G/ip4/192/000/002" || fatal "no entry was created"
got=$("$JG" /bin/echo passed </dev/null 2>"$T/err")
[ "$got" = passed ] || fatal "jgreylist does not pass the known client: $got $(cat "$T/err")"
grep -q ': OK known$' "$T/err" || fatal "jgreylist did not log OK known: $(cat "$T/err")"

ENV=$(command -v env)
say "part 1: $RUNS runs each of /bin/true, $ENV /bin/true and jgreylist /bin/true, in rounds of 20 ..."
: >"$T/jg.us"; : >"$T/true.us"; : >"$T/env.us"
done_runs=0
while [ $done_runs -lt "$RUNS" ]; do
	n=$((RUNS - done_runs))
	[ $n -gt 20 ] && n=20
	"$T/spawnloop" "$n" /bin/true >>"$T/true.us" || fatal "/bin/true failed"
	"$T/spawnloop" "$n" "$ENV" /bin/true >>"$T/env.us" || fatal "env /bin/true failed"
	"$T/spawnloop" "$n" "$JG" /bin/true >>"$T/jg.us" || fatal "jgreylist /bin/true failed"
	done_runs=$((done_runs + n))
done
set -- $(summ "$T/true.us"); t_mean=$1 t_p50=$2 t_p90=$3
set -- $(summ "$T/env.us"); e_mean=$1 e_p50=$2 e_p90=$3
set -- $(summ "$T/jg.us"); j_mean=$1 j_p50=$2 j_p90=$3
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
add_p50=$(sub "$j_p50" "$t_p50")
add_mean=$(sub "$j_mean" "$t_mean")
floor_p50=$(sub "$e_p50" "$t_p50")
floor_mean=$(sub "$e_mean" "$t_mean")
own_p50=$(sub "$j_p50" "$e_p50")
own_mean=$(sub "$j_mean" "$e_mean")

# --- part 2: clean vs find ------------------------------------------------------------
D=$T/fs/tree
left() { find "$D" -type f | wc -l | tr -d ' '; }
gen() {
	rm -rf "$D"; mkdir -m 700 "$D"
	_g0=$(now_ms)
	"$T/gentree" "$D" "$ENTRIES" || fatal "gentree failed"
	say "  generated $ENTRIES entries in $(($(now_ms) - _g0)) ms"
	sync
}
want_left=$((ENTRIES / 2))
say "part 2: $ROUNDS rounds of jgreylist-clean and find on $ENTRIES entries ..."
: >"$T/clean.ms"; : >"$T/find.ms"
r=0
while [ $r -lt "$ROUNDS" ]; do
	gen
	t0=$(now_ms)
	"$JGCLEAN" "$D" >"$T/clean.out" 2>"$T/clean.err" || fatal "jgreylist-clean failed: $(cat "$T/clean.err")"
	ms=$(($(now_ms) - t0))
	echo "$ms" >>"$T/clean.ms"
	say "  jgreylist-clean: $ms ms; $(tr -s ' ' <"$T/clean.out" | tr '\n' ';')"
	n=$(left); [ "$n" = "$want_left" ] || fatal "jgreylist-clean left $n entries, not $want_left"
	gen
	t0=$(now_ms)
	find "$D" -type f -atime +30 -delete || fatal "find failed"
	ms=$(($(now_ms) - t0))
	echo "$ms" >>"$T/find.ms"
	say "  find -atime +30 -delete: $ms ms"
	n=$(left); [ "$n" = "$want_left" ] || fatal "find left $n entries, not $want_left"
	r=$((r + 1))
done
rm -rf "$D"
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
c_ms=$(med "$T/clean.ms")
f_ms=$(med "$T/find.ms")
ratio=$(awk -v a="$c_ms" -v b="$f_ms" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')

# --- the table ---------------------------------------------------------------------------
meets() { awk -v r="$1" -v t="$2" 'BEGIN { exit !(r != "n/a" && r <= t) }'; }
echo
echo "jgreylist.sh: part 1, $RUNS runs each, known client (entry 1 h old), log to /dev/null"
fmt='%-34s %9s %9s %9s\n'
printf "$fmt" program mean_ms p50_ms p90_ms
printf "$fmt" "/bin/true" "$t_mean" "$t_p50" "$t_p90"
printf "$fmt" "env /bin/true (one more exec)" "$e_mean" "$e_p50" "$e_p90"
printf "$fmt" "jgreylist /bin/true" "$j_mean" "$j_p50" "$j_p90"
printf "$fmt" "added by jgreylist" "$add_mean" "$add_p50" ""
printf "$fmt" "added by any exec'ing filter (env)" "$floor_mean" "$floor_p50" ""
printf "$fmt" "jgreylist beyond that floor" "$own_mean" "$own_p50" ""
echo
echo "jgreylist.sh: part 2, $ENTRIES entries on tmpfs, half expired, $ROUNDS rounds (median)"
fmt='%-34s %9s\n'
printf "$fmt" tool ms
printf "$fmt" "jgreylist-clean" "$c_ms"
printf "$fmt" "find -type f -atime +30 -delete" "$f_ms"
echo
fmt2='%-40s %8s %8s %s\n'
printf "$fmt2" "result" value target ""
rc=0
if meets "$add_p50" 0.3; then v=met; else v=MISSED; rc=1; fi
printf "$fmt2" "ms added per connection (p50)" "$add_p50" "<= 0.3" "$v"
if meets "$ratio" 2; then v=met; else v=MISSED; rc=1; fi
printf "$fmt2" "jgreylist-clean / find" "$ratio" "<= 2" "$v"
exit $rc
