#!/bin/sh
# bench/rblsmtpd.sh: time per connection of rblsmtpd6 against Debian's djb
# rblsmtpd (ucspi-tcp-ipv6) with 1 and with 4 block lists, when every DNS
# answer takes 20 ms (rbldnsd behind t/bin/dnsproxy -D 20).  The client
# (127.0.0.1) is on no list, so each run ends by running /bin/true.
# rblsmtpd6 asks its lists (A and TXT) all at once; djb's asks TXT of one
# list after the other, so 4 lists cost it 4 round trips.
# Targets: rblsmtpd6 4 lists / rblsmtpd6 1 list <= 1.15, and
#          rblsmtpd6 4 lists / djb 4 lists      <= 0.4.
#
# Usage: sh bench/rblsmtpd.sh           (from the top of the tree, after make)
# Environment:
#   SIXGATE_BUILD   build dir (default build/std): bin/rblsmtpd6, t/dnsproxy, t/dnsq
#   RBLSMTPD6       the program under test (default $SIXGATE_BUILD/bin/rblsmtpd6)
#   BENCH_RUNS      runs per configuration (default 200)
#   BENCH_DELAY_MS  DNS answer delay in ms (default 20)
# It runs in its own network namespace (loopback only; rbldnsd on port
# 5353, dnsproxy on port 53 there), needs root (rbldnsd drops to its
# user rbldns), and takes about BENCH_RUNS x 0.2 s: 40 s with the defaults.
# Runs are interleaved in rounds of 10 (A B C D E A B C D E ...).  The time
# of one run is measured from the shell (fork and exec included, the same
# for every row); the table shows mean, median and 90th percentile.
# This is a benchmark, not a test: it prints a table, not TAP.  Exit 0
# when both targets are met, 1 when one is missed, 111 on a set-up error.
set -u

if [ -z "${SIXGATE_BENCH_NETNS:-}" ]; then
	export SIXGATE_BENCH_NETNS=1
	exec unshare -n -- sh "$0" "$@"
fi

TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${SIXGATE_BUILD:-$TOP/build/std}
BIN=$B/bin
TBIN=$B/t
RUNS=${BENCH_RUNS:-200}
DELAY=${BENCH_DELAY_MS:-20}
RBLSMTPD6=${RBLSMTPD6:-$BIN/rblsmtpd6}
DJB=/usr/bin/rblsmtpd
PATH=$BIN:$TBIN:$PATH
export PATH

say() { echo "rblsmtpd.sh: $*" >&2; }
fatal() { say "fatal: $*"; exit 111; }

[ "$(id -u)" = 0 ] || fatal "needs root (rbldnsd runs as user rbldns)"
ip link set lo up || fatal "cannot bring lo up"
[ -x "$RBLSMTPD6" ] || fatal "$RBLSMTPD6 is missing (make)"
[ -x "$TBIN/dnsproxy" ] && [ -x "$TBIN/dnsq" ] || fatal "$TBIN/dnsproxy or dnsq is missing (make)"
[ -x "$DJB" ] || fatal "$DJB is missing (apt-get install ucspi-tcp-ipv6)"
command -v rbldnsd >/dev/null || fatal "rbldnsd is missing (sh tools/install-deps)"
case $RUNS in ''|*[!0-9]*|0) fatal "BENCH_RUNS must be a positive number" ;; esac
case $DELAY in ''|*[!0-9]*) fatal "BENCH_DELAY_MS must be a number" ;; esac

T=$(mktemp -d /tmp/bench-rblsmtpd.XXXXXX) || fatal "mktemp failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 111' INT TERM
. "$TOP/t/lib/rbldnsd.sh"
RBL_LIFE=$((RUNS + 600))
rbl_fixture "$T/rbl" -D "$DELAY" || fatal "the DNSBL does not start"

L1="-r bl.test"
L4="-r bl.test -r bl2.test -r bl3.test -r bl4.test"
# name|command (word-split; no quoting needed)
CONFIGS="floor|/bin/true
rblsmtpd6-1|$RBLSMTPD6 $L1 /bin/true
rblsmtpd6-4|$RBLSMTPD6 $L4 /bin/true
djb-1|$DJB $L1 /bin/true
djb-4|$DJB $L4 /bin/true"

# --- check that every configuration does what it should ----------------------
check() { # name command...: listed client -> 451, unlisted -> program runs
	_name=$1
	shift
	[ "$_name" = floor ] && return 0
	_got=$(printf 'quit\r\n' | TCPREMOTEIP=127.0.0.2 "$@" 2>/dev/null | sed -n '1p')
	case $_got in "220 rblsmtpd.local"*) ;;
	*) fatal "$_name does not block the listed 127.0.0.2 (got: $_got)" ;; esac
	TCPREMOTEIP=127.0.0.1 "$@" </dev/null 2>"$T/err" ||
		fatal "$_name does not run the program for 127.0.0.1: $(cat "$T/err")"
	[ -s "$T/err" ] && fatal "$_name says: $(cat "$T/err")"
	return 0
}
echo "$CONFIGS" | while IFS='|' read -r name cmd; do
	# shellcheck disable=SC2086
	check "$name" $cmd || exit 111
done || exit 111
rbl_reset

# --- the runs: rounds of 10 per configuration ------------------------------
TCPREMOTEIP=127.0.0.1
export TCPREMOTEIP
say "$RUNS runs per configuration, DNS answers after $DELAY ms ..."
done_runs=0
while [ $done_runs -lt "$RUNS" ]; do
	n=$((RUNS - done_runs))
	[ $n -gt 10 ] && n=10
	echo "$CONFIGS" | while IFS='|' read -r name cmd; do
		i=0
		prev=$(date +%s%N)
		while [ $i -lt $n ]; do
			# shellcheck disable=SC2086
			$cmd </dev/null >/dev/null 2>>"$T/errors"
			now=$(date +%s%N)
			echo "$name $(((now - prev) / 1000))" >>"$T/times"
			prev=$now
			i=$((i + 1))
		done
	done
	done_runs=$((done_runs + n))
done
[ -s "$T/errors" ] && say "NOTE: the programs wrote to stderr: $(head -3 "$T/errors")"
qn=$(wc -l <"$RBL_QLOG")
# --- the table ------------------------------------------------------------------
# stat NAME: "mean p50 p90" in ms
stat() {
	awk -v n="$1" '$1 == n { print $2 }' "$T/times" | sort -n | awk '
		{ v[NR] = $1; s += $1 }
		END {
			if (NR == 0) { print "n/a n/a n/a"; exit }
			i90 = int(NR * 0.9 + 0.5); if (i90 < 1) i90 = 1
			p50 = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f %.2f %.2f\n", s / NR / 1000, p50 / 1000, v[i90] / 1000
		}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { exit !(r != "n/a" && r <= t) }'; }

echo
echo "rblsmtpd.sh: $RUNS runs each, DNS answers after $DELAY ms, client 127.0.0.1 (not listed), program /bin/true"
fmt='%-28s %6s %9s %9s %9s\n'
printf "$fmt" program lists mean_ms p50_ms p90_ms
row() { # label lists name
	set -- "$1" "$2" $(stat "$3")
	printf "$fmt" "$1" "$2" "$3" "$4" "$5"
}
row "/bin/true alone (floor)" - floor
row "rblsmtpd6" 1 rblsmtpd6-1
row "rblsmtpd6" 4 rblsmtpd6-4
row "rblsmtpd (djb, Debian)" 1 djb-1
row "rblsmtpd (djb, Debian)" 4 djb-4
echo "($qn DNS queries seen by dnsproxy)"
echo

m6_1=$(stat rblsmtpd6-1 | cut -d' ' -f1)
m6_4=$(stat rblsmtpd6-4 | cut -d' ' -f1)
mdjb_4=$(stat djb-4 | cut -d' ' -f1)
r1=$(ratio "$m6_4" "$m6_1")
r2=$(ratio "$m6_4" "$mdjb_4")
fmt2='%-40s %7s %8s %s\n'
printf "$fmt2" "ratio (of the means)" value target ""
rc=0
if meets "$r1" 1.15; then v=met; else v=MISSED; rc=1; fi
printf "$fmt2" "rblsmtpd6 4 lists / rblsmtpd6 1 list" "$r1" "<= 1.15" "$v"
if meets "$r2" 0.4; then v=met; else v=MISSED; rc=1; fi
printf "$fmt2" "rblsmtpd6 4 lists / djb 4 lists" "$r2" "<= 0.4" "$v"
exit $rc
