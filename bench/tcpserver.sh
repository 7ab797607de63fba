#!/bin/sh
# bench/tcpserver.sh: connections per second and latency of tcpserver6 against
# Debian's tcpserver (ucspi-tcp-ipv6) and a bare accept-fork-exec loop (the
# floor), same child (/bin/echo hi), IPv4 and IPv6, 20 concurrent clients.
# Both tcpservers run with the same compiled rules file (-x) and the usual
# flags (-R -H -l0 -c 200); tcpserver6 also with its per-client limit -C 50.
# Runs are interleaved (A B C A B C ...) and the medians are compared.
# Targets: tcpserver6 >= 1.05 x Debian's cps and >= 0.95 x bareloop's cps.
#
# Usage: sh bench/tcpserver.sh            (from the top of the tree, after make)
# Environment:
#   SIXGATE_BUILD   build dir (default build/std): bin/tcpserver6, bench/*
#   TCPSERVER6      the server under test (default $SIXGATE_BUILD/bin/tcpserver6;
#                   if it is missing, Debian's tcpserver stands in, with a note)
#   BENCH_CONNS     connections per run (default 20000)
#   BENCH_SECS      time limit per run in seconds (default 10)
#   BENCH_ROUNDS    rounds (default 3)
# It runs in its own network namespace (loopback only; fixed ports are fine
# there), needs root or unprivileged user namespaces, and takes about
# ROUNDS x 6 x (BENCH_SECS + 2) seconds: under 4 minutes with the defaults.
# This is a benchmark, not a test: it prints a table, not TAP.
set -u

if [ -z "${SIXGATE_BENCH_NETNS:-}" ]; then
	export SIXGATE_BENCH_NETNS=1
	flags=-n
	[ "$(id -u)" = 0 ] || flags="-r -n"
	exec unshare $flags -- sh "$0" "$@"
fi

TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${SIXGATE_BUILD:-$TOP/build/std}
CONNS=${BENCH_CONNS:-20000}
SECS=${BENCH_SECS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CLIENTS=20
DEBIAN=/usr/bin/tcpserver
CHILD="/bin/echo hi"

say() { echo "tcpserver.sh: $*" >&2; }
fatal() { say "fatal: $*"; exit 111; }

ip link set lo up || fatal "cannot bring lo up"
[ -x "$DEBIAN" ] || fatal "$DEBIAN is missing (apt-get install ucspi-tcp-ipv6)"
[ -x /usr/bin/tcprules ] || fatal "/usr/bin/tcprules is missing"

tmp=$(mktemp -d /tmp/bench-tcpserver.XXXXXX) || fatal "mktemp failed"
SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 111' INT TERM

# --- helpers: use the make-built ones if fresh, else compile them here ------
helper() {
	if [ -x "$B/bench/$1" ] && [ ! "$TOP/bench/$1.c" -nt "$B/bench/$1" ]; then
		echo "$B/bench/$1"
		return
	fi
	say "$B/bench/$1 missing or stale, compiling it into $tmp"
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$tmp/$1" "$TOP/bench/$1.c" \
		-lpthread -lm >&2 || fatal "cannot compile bench/$1.c"
	echo "$tmp/$1"
}
CONNLOAD=$(helper connload) || exit 111
BARELOOP=$(helper bareloop) || exit 111

# --- the server under test ---------------------------------------------------
TS6=${TCPSERVER6:-$B/bin/tcpserver6}
TS6_NOTE=
if [ ! -x "$TS6" ]; then
	say "NOTE: $TS6 does not exist (not built yet?);"
	say "NOTE: Debian's $DEBIAN stands in for tcpserver6, so its ratios say nothing"
	TS6=$DEBIAN
fi
if [ "$(readlink -f "$TS6")" = "$(readlink -f "$DEBIAN")" ]; then
	# Debian's tcpserver has no -C and does not take "::" (it wants "0").
	TS6_NOTE=" (stand-in: Debian's tcpserver, without -C 50)"
	TS6_ARGS="-R -H -l0 -c 200 -x $tmp/rules.cdb 0"
else
	TS6_ARGS="-R -H -l0 -c 200 -x $tmp/rules.cdb -C 50 ::"
fi

# --- a realistic rules file for an SMTP front end (every line is one that
# Debian's tcprules accepts: the address, then ":allow" or ":deny") ----------
cat >"$tmp/rules.txt" <<'EOF'
# smtp access rules: relaying for localhost and our own networks,
# known abusers refused, everybody else may deliver to local users.
127.0.0.1:allow,RELAYCLIENT=""
::1:allow,RELAYCLIENT=""
# office and data centre (IPv4)
10.1.:allow,RELAYCLIENT=""
10.2.0.:allow,RELAYCLIENT=""
172.16.5.:allow,RELAYCLIENT=""
192.168.10.:allow,RELAYCLIENT=""
192.168.11.:allow,RELAYCLIENT=""
198.51.100.25:allow,RELAYCLIENT="",RBLSMTPD=""
198.51.100.26:allow,RELAYCLIENT="",RBLSMTPD=""
# partners whose mail skips the blocklists
203.0.113.7:allow,RBLSMTPD=""
203.0.113.8:allow,RBLSMTPD=""
203.0.113.40-47:allow,RBLSMTPD=""
192.0.2.200:allow,RBLSMTPD="",SMTPGREETING="partner gateway"
# our own hosts (IPv6, exact)
2001:db8::25:allow,RELAYCLIENT=""
2001:db8::26:allow,RELAYCLIENT=""
2001:db8:1::1:allow,RELAYCLIENT=""
2001:db8:1::2:allow,RELAYCLIENT=""
2001:db8:10:1::53:allow,RELAYCLIENT=""
2001:db8:10:2::53:allow,RELAYCLIENT=""
2001:db8:ffff::9:allow,RBLSMTPD=""
# IPv6 partner, exact
2001:db8:beef::1:allow,RBLSMTPD=""
2001:db8:beef::2:allow,RBLSMTPD=""
# known abusers (IPv4)
198.18.:deny
198.19.0.:deny
100.64.12.:deny
100.64.13.:deny
203.0.113.66:deny
203.0.113.67:deny
203.0.113.99:deny
192.0.2.13:deny
192.0.2.14:deny
192.0.2.100-120:deny
185.220.101.:deny
45.155.205.:deny
# known abusers (IPv6, exact)
2001:db8:bad::1:deny
2001:db8:bad::2:deny
2001:db8:bad:1::25:deny
2001:db8:666::1:deny
2001:db8:666::2:deny
# a whole abusive IPv6 /48 (a textual prefix rule)
2001:db8:dead::deny
# slow down a noisy mailing-list host
198.51.100.77:allow,RBLSMTPD="-451 slow down please"
2001:db8:77::77:allow,RBLSMTPD="-451 slow down please"
# everybody else: deliver locally, no relaying
:allow
EOF
timeout 10 /usr/bin/tcprules "$tmp/rules.cdb" "$tmp/rules.tmp" <"$tmp/rules.txt" ||
	fatal "tcprules failed on the rules file"
RULES_LINES=$(wc -l <"$tmp/rules.txt")

# --- one run -----------------------------------------------------------------
start_server() { # name port
	case $1 in
	debian)     exec $DEBIAN -R -H -l0 -c 200 -x "$tmp/rules.cdb" 0 "$2" $CHILD ;;
	tcpserver6) exec $TS6 $TS6_ARGS "$2" $CHILD ;;
	bareloop)   exec $BARELOOP "$2" $CHILD ;;
	esac 2>>"$tmp/$1.err" &
	SPID=$!
	i=0
	while [ $i -lt 50 ]; do
		kill -0 "$SPID" 2>/dev/null || break
		if "$CONNLOAD" -c 1 -n 1 -w 1000 -a 127.0.0.1 -p "$2" 2>/dev/null |
			grep -q '^conns=1 '; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	say "$1 did not start on port $2:"
	cat "$tmp/$1.err" >&2
	return 1
}

stop_server() {
	kill "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

field() { # name line
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# CPU ticks (user + system) used so far by the server and the children it
# has reaped (every server here waits for its children: /bin/echo is counted).
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }'
}
TICK=$(getconf CLK_TCK)

# results: round family server cps p50_ms p99_ms errors conns cpu_us_per_conn
run=0
one_run() { # round family addr server
	run=$((run + 1))
	port=$((20000 + run))	# a fresh port: no TIME_WAIT left from other runs
	start_server "$4" "$port" || { echo "$1 $2 $4 0 0 0 1 0 0" >>"$tmp/results"; return; }
	"$CONNLOAD" -c $CLIENTS -n 500 -t 2 -a "$3" -p "$port" >/dev/null 2>&1
	c0=$(cpu_ticks "$SPID")
	line=$("$CONNLOAD" -c $CLIENTS -n "$CONNS" -t "$SECS" -a "$3" -p "$port" 2>>"$tmp/connload.err")
	c1=$(cpu_ticks "$SPID")
	stop_server
	[ -n "$line" ] || line="conns=0 secs=0 cps=0 p50_ms=0 p99_ms=0 errors=1"
	n=$(field conns "$line")
	cpu=$(awk -v a="${c0:-0}" -v b="${c1:-0}" -v n="$n" -v t="$TICK" \
		'BEGIN { if (n > 0) printf "%.0f", (b - a) * 1e6 / t / n; else print 0 }')
	printf '  round %s %-5s %-10s %s cpu_us_per_conn=%s\n' "$1" "$2" "$4" "$line" "$cpu" >&2
	echo "$1 $2 $4 $(field cps "$line") $(field p50_ms "$line") \
$(field p99_ms "$line") $(field errors "$line") $n $cpu" >>"$tmp/results"
}

SERVERS="debian tcpserver6 bareloop"
t_begin=$(date +%s)
say "$ROUNDS rounds x 2 families x 3 servers, $CLIENTS clients, $CONNS conns or ${SECS}s per run"
: >"$tmp/results"
r=1
while [ $r -le "$ROUNDS" ]; do
	for fam in IPv4 IPv6; do
		addr=127.0.0.1
		[ $fam = IPv6 ] && addr=::1
		for s in $SERVERS; do
			one_run $r $fam $addr $s
		done
	done
	r=$((r + 1))
done
t_end=$(date +%s)

# --- report ------------------------------------------------------------------
median() { # column family server
	case $1 in 4) m=%.1f ;; 9) m=%.0f ;; *) m=%.3f ;; esac
	awk -v c="$1" -v f="$2" -v s="$3" '$2 == f && $3 == s { print $c }' \
		"$tmp/results" | sort -g |
		awk -v m="$m" '{ v[NR] = $1 } END {
			if (NR == 0) print 0;
			else if (NR % 2) printf m, v[(NR + 1) / 2];
			else printf m, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
rounds_of() { # column family server: the values of all rounds, in run order
	awk -v c="$1" -v f="$2" -v s="$3" '$2 == f && $3 == s { printf "%s ", $c }' \
		"$tmp/results"
}
total() { # column family server
	awk -v c="$1" -v f="$2" -v s="$3" '$2 == f && $3 == s { t += $c } END { print t + 0 }' \
		"$tmp/results"
}
paired() { # column family num den: median over rounds of num/den
	awk -v c="$1" -v f="$2" -v a="$3" -v b="$4" '$2 == f { v[$1 " " $3] = $c; r[$1] = 1 }
		END { for (k in r) if (v[k " " b] > 0) print v[k " " a] / v[k " " b] }' \
		"$tmp/results" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) print "n/a";
			else if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
			else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
verdict() { # value target
	awk -v v="$1" -v t="$2" 'BEGIN { if (v == "n/a") print "n/a";
		else if (v + 0 >= t) print "meets"; else print "misses" }'
}

echo
echo "tcpserver bench: $CLIENTS clients, child '$CHILD', $CONNS conns or ${SECS}s per run,"
echo "$ROUNDS rounds interleaved, medians; rules: $RULES_LINES-line file compiled by Debian's tcprules"
echo "tcpserver6 = $TS6 $(echo "$TS6_ARGS" | sed "s|$tmp/||") PORT $CHILD$TS6_NOTE"
echo "debian     = $DEBIAN -R -H -l0 -c 200 -x rules.cdb 0 PORT $CHILD"
echo "bareloop   = bench/bareloop PORT $CHILD"
echo "cpu_us = CPU time (user+sys) of the server and its children per connection"
echo
fmt='%-6s %-11s %8s %8s %8s %7s %7s   %s\n'
printf "$fmt" family server cps p50_ms p99_ms cpu_us errors "cps of each round"
for fam in IPv4 IPv6; do
	for s in $SERVERS; do
		printf "$fmt" $fam $s "$(median 4 $fam $s)" "$(median 5 $fam $s)" \
			"$(median 6 $fam $s)" "$(median 9 $fam $s)" "$(total 7 $fam $s)" \
			"$(rounds_of 4 $fam $s)"
	done
done
echo
fmt='%-40s %8s %8s   %s\n'
printf "$fmt" "tcpserver6 vs" IPv4 IPv6 target
for pair in "debian 1.05" "bareloop 0.95"; do
	set -- $pair
	r4=$(ratio "$(median 4 IPv4 tcpserver6)" "$(median 4 IPv4 $1)")
	r6=$(ratio "$(median 4 IPv6 tcpserver6)" "$(median 4 IPv6 $1)")
	printf "$fmt" "cps tcpserver6/$1" "$r4" "$r6" \
		">= $2 ($(verdict "$r4" "$2"), $(verdict "$r6" "$2"))"
done
for pair in "debian 1.05" "bareloop 0.95"; do
	set -- $pair
	r4=$(ratio "$(median 9 IPv4 $1)" "$(median 9 IPv4 tcpserver6)")
	r6=$(ratio "$(median 9 IPv6 $1)" "$(median 9 IPv6 tcpserver6)")
	printf "$fmt" "cpu_us $1/tcpserver6" "$r4" "$r6" \
		">= $2 ($(verdict "$r4" "$2"), $(verdict "$r6" "$2"))"
done
for pair in "debian 1.05" "bareloop 0.95"; do
	set -- $pair
	r4=$(paired 4 IPv4 tcpserver6 $1)
	r6=$(paired 4 IPv6 tcpserver6 $1)
	printf "$fmt" "cps tcpserver6/$1, paired rounds" "$r4" "$r6" \
		">= $2 ($(verdict "$r4" "$2"), $(verdict "$r6" "$2"))"
done
for s in $SERVERS; do
	printf "$fmt" "p99_ms $s" "$(median 6 IPv4 $s)" "$(median 6 IPv6 $s)" ""
done
echo "(cps follows the CPU time this machine is given and can move by 20% between"
echo " identical runs on a shared VM; the cpu_us ratio is the steadier capacity measure)"
for s in $SERVERS; do
	e=$(( $(total 7 IPv4 $s) + $(total 7 IPv6 $s) ))
	[ "$e" -gt 0 ] && echo "WARNING: $s: $e connections failed (see stderr); cps, latency and cpu_us count only the good ones"
done
[ -n "$TS6_NOTE" ] && echo "NOTE: Debian's tcpserver stood in for tcpserver6: its ratios measure only the noise."
echo
echo "elapsed: $((t_end - t_begin)) s"
for s in $SERVERS; do
	if [ -s "$tmp/$s.err" ]; then
		say "$s wrote on stderr (first lines):"
		head -5 "$tmp/$s.err" >&2
	fi
done
if [ -s "$tmp/connload.err" ]; then
	say "connload reported errors (first lines):"
	head -5 "$tmp/connload.err" >&2
fi
exit 0
