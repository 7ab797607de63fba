# rbldnsd.sh: private DNS block lists for the rblsmtpd6 tests and the
# benchmark: rbldnsd (the DNSBL server) behind t/bin/dnsproxy, inside the
# caller's own network namespace (t/lib/netns.sh).  Source after netns.sh.
#
#   rbl_fixture DIR [DNSPROXY-ARGS...]
#       writes the standard lists below into DIR, starts rbldnsd on
#       127.0.0.1 port 5353 and dnsproxy on 127.0.0.1:53 and [::1]:53 in
#       front of it (drop.test never answers, fail.test answers SERVFAIL,
#       *.slow.test answers after $RBL_SLOW_MS ms (default 1000); extra
#       arguments go to dnsproxy, e.g. -D 20), waits until a query goes
#       through (at most ~10 s, else returns 1), empties the query log and
#       exports DNSCACHEIP=127.0.0.1.
#   rbldnsd_start DIR PORT ZONE:TYPE:FILE...
#       rbldnsd on 127.0.0.1/PORT serving the datasets (FILE relative to
#       DIR; rbldnsd runs chrooted there as user rbldns).  Like dnsproxy
#       it is stopped after $RBL_LIFE seconds (default 900) at the latest.
#   dnsproxy_start DIR UPSTREAM [ARGS...]
#       dnsproxy on 127.0.0.1:53 and [::1]:53, query log in $RBL_QLOG;
#       it exits by itself after $RBL_LIFE seconds (default 900).
#   rbl_queries     the query log since the last rbl_reset, sorted: one
#                   "NAME TYPE" line per query (c-ares retries repeat)
#   rbl_reset       empties the query log
#   rbl_stop_all    stops every server started here (also done at exit)
#
# The standard lists (A / TXT; "-" = no TXT record):
#   bl.test (ip4set + ip6trie), also served as bl2.test bl3.test bl4.test
#   and a.slow.test b.slow.test c.slow.test d.slow.test:
#     127.0.0.1   not listed (RFC 5782 test entry rule)
#     127.0.0.2   127.0.0.2   $RBL_TXT2 (the text of djb's rts.exp)
#     127.0.0.3   127.0.0.2   -
#     127.0.0.4   127.0.0.4   "Code four for 127.0.0.4"
#     127.0.0.10  127.0.0.10  "Code ten for 127.0.0.10"
#     127.0.0.5   127.255.255.254  "Error: open resolver; https://check.spamhaus.org/returnc/pub/127.0.0.5/"
#     127.0.0.6   127.255.255.255  -
#     127.0.0.7   127.0.0.2   $RBL_TXT7: tab, UTF-8, a control byte, 255 bytes
#     2001:db8::1 127.0.0.2   "Listed six"
#     2001:db8::2 127.0.0.2   -
#     ::ffff:7f00:2  127.0.0.2  "RFC 5782 test entry" (only reachable by
#                 its nibble name: a client written so is IPv4 127.0.0.2)
#   legacy.test: the IPv4 data of bl.test; ipv6.legacy.test (ip6trie):
#     2001:db8::1 127.0.0.2   "Legacy six"
#   wl.test (ip4set + ip6trie), an allow list for -a:
#     127.0.0.2 127.0.0.5 127.0.0.10  127.0.0.2   -
#     127.0.0.4   127.255.255.254   - (an error, for a client bl.test lists)
#     2001:db8::1 127.0.0.2   -
#   multi.test (generic):
#     127.0.0.2   127.0.0.2   two TXT records "part one " and "part two"
#     127.0.0.4   127.255.255.254 and 127.0.0.3   "mixed"
#     127.0.0.5   192.0.2.1   "not loopback"
#   local (generic, empty): 2.0.0.127.nonexistent.local is NXDOMAIN
RBL_TXT2='Blackholed - see <URL:http://mail-abuse.org/cgi-bin/lookup?127.0.0.2>'
RBL_TXT7_RAW="$(printf 'Tab\there \303\251 ctl\001x ')$(printf 'L%.0s' $(seq 1 300))"
RBL_SLOW_MS=${RBL_SLOW_MS:-1000}
RBL_QLOG=
_rbl_pids=

_rbl_trap() {
	if [ -z "$_rbl_pids" ]; then
		# tap.sh's own exit trap, plus ours; signals too, so that a
		# test killed by its reader (| head) stops its servers
		trap 'rbl_stop_all; rm -rf "$T"' EXIT
		trap 'exit 129' HUP
		trap 'exit 130' INT
		trap 'exit 141' PIPE
		trap 'exit 143' TERM
	fi
}

rbldnsd_start() {
	_rd=$1 _rp=$2
	shift 2
	chmod 755 "$_rd" && chmod 644 "$_rd"/* || return 1
	_rbl_trap
	# -n foreground (a child of the test), -c 0 no reloads, -a no
	# authority section; chrooted in DIR, so $T may stay private
	timeout "${RBL_LIFE:-900}" rbldnsd -n -c 0 -a -u rbldns -r "$_rd" -w / -b "127.0.0.1/$_rp" \
		"$@" </dev/null >"$_rd.out" 2>&1 &
	_rbl_pids="$_rbl_pids $!"
	_ri=0
	while [ $_ri -lt 100 ]; do
		grep -q ' started' "$_rd.out" 2>/dev/null && return 0
		if ! kill -0 $! 2>/dev/null; then
			sed 's/^/# rbldnsd: /' "$_rd.out"
			return 1
		fi
		sleep 0.1
		_ri=$((_ri + 1))
	done
	echo "# rbldnsd: not ready after 10 s"
	return 1
}

dnsproxy_start() {
	_pd=$1 _pu=$2
	shift 2
	_rbl_trap
	RBL_QLOG=$_pd/queries
	: >"$RBL_QLOG"
	dnsproxy -L "${RBL_LIFE:-900}" -l 127.0.0.1:53 -l '[::1]:53' -u "$_pu" -q "$RBL_QLOG" \
		"$@" </dev/null >"$_pd/dnsproxy.out" 2>&1 &
	_rbl_pids="$_rbl_pids $!"
	sleep 0.05
	kill -0 $! 2>/dev/null && return 0
	sed 's/^/# dnsproxy: /' "$_pd/dnsproxy.out"
	return 1
}

rbl_queries() {
	sort "$RBL_QLOG"
}

rbl_reset() {
	: >"$RBL_QLOG"
}

rbl_stop_all() {
	for _p in $_rbl_pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $_rbl_pids; do
		wait "$_p" 2>/dev/null
	done
	_rbl_pids=
}

# _rbl_write DIR: the standard datasets
_rbl_write() {
	cat >"$1/bl4" <<EOF
# bl.test, IPv4 entries: address :A:TXT ($ = the address)
127.0.0.2 :127.0.0.2:$RBL_TXT2
127.0.0.3
127.0.0.4 :127.0.0.4:Code four for \$
127.0.0.10 :127.0.0.10:Code ten for \$
127.0.0.5 :127.255.255.254:Error: open resolver; https://check.spamhaus.org/returnc/pub/\$/
127.0.0.6 :127.255.255.255:
127.0.0.7 :127.0.0.2:$RBL_TXT7_RAW
EOF
	cat >"$1/bl6" <<EOF
2001:db8::1 :127.0.0.2:Listed six
2001:db8::2
::ffff:7f00:2 :127.0.0.2:RFC 5782 test entry
EOF
	cat >"$1/legacy6" <<EOF
2001:db8::1 :127.0.0.2:Legacy six
EOF
	cat >"$1/wl4" <<EOF
127.0.0.2
127.0.0.5
127.0.0.10
127.0.0.4 :127.255.255.254:
EOF
	cat >"$1/wl6" <<EOF
2001:db8::1
EOF
	cat >"$1/multi" <<EOF
2.0.0.127 A 127.0.0.2
2.0.0.127 TXT "part one "
2.0.0.127 TXT "part two"
4.0.0.127 A 127.255.255.254
4.0.0.127 A 127.0.0.3
4.0.0.127 TXT "mixed"
5.0.0.127 A 192.0.2.1
5.0.0.127 TXT "not loopback"
EOF
	cat >"$1/empty" <<EOF
\$SOA 60 ns.test. hostmaster.test. 1 3600 600 86400 60
EOF
}

rbl_fixture() {
	_fd=$1
	shift
	mkdir -p "$_fd/zones" || return 1
	_rbl_write "$_fd/zones"
	_z=
	for _b in bl.test bl2.test bl3.test bl4.test a.slow.test b.slow.test \
		c.slow.test d.slow.test; do
		_z="$_z $_b:ip4set:bl4 $_b:ip6trie:bl6"
	done
	# shellcheck disable=SC2086
	rbldnsd_start "$_fd/zones" 5353 $_z legacy.test:ip4set:bl4 \
		ipv6.legacy.test:ip6trie:legacy6 wl.test:ip4set:wl4 \
		wl.test:ip6trie:wl6 multi.test:generic:multi \
		local:generic:empty || return 1
	dnsproxy_start "$_fd" 127.0.0.1:5353 -z drop.test=drop \
		-z fail.test=servfail -z "slow.test=delay:$RBL_SLOW_MS" "$@" ||
		return 1
	DNSCACHEIP=127.0.0.1
	export DNSCACHEIP
	_ri=0
	while [ $_ri -lt 20 ]; do
		if dnsq -t 500 addrs 2.0.0.127.bl.test >/dev/null 2>&1; then
			rbl_reset
			return 0
		fi
		_ri=$((_ri + 1))
	done
	echo "# rbl_fixture: no answer through dnsproxy"
	return 1
}

# --- running rblsmtpd6 -------------------------------------------------------
#   $RBLSMTPD6      the program under test (default $BIN/rblsmtpd6;
#                   RBLSMTPD6=/usr/bin/rblsmtpd checks the djb-compatible
#                   tests against Debian's rblsmtpd)
#   rs IN [VAR=VALUE | -u VAR]... -- ARGS...
#                   runs "$RBLSMTPD6 ARGS" with the variables set (or
#                   unset) and printf's expansion of IN on stdin (IN is a
#                   printf format: 'help\r\nquit\r\n'); stdout in $T/out,
#                   stderr in $T/err, exit code in $RC, milliseconds taken
#                   in $MS.  Killed after 30 s (RC 124).
#   verdict [VAR=VALUE | -u VAR]... -- OPTIONS...
#                   rs with "help" and "quit" as input and "echo ACCEPTED"
#                   as the program; prints ACCEPTED when the program ran,
#                   else the reply to "help" (the refusal, CR dropped),
#                   else "rc=N" when the exit code is not 0
#   vrun ...        verdict's arguments; the answer in $V, and $RC and
#                   $MS kept (no subshell)
#   out             stdout through cat -v (CR shows as ^M)
#   err             stderr with "pid N" as "pid x"
#   now_ms          milliseconds since the epoch
#   between N LO HI true when LO <= N < HI (integers)
RBLSMTPD6=${RBLSMTPD6:-$BIN/rblsmtpd6}
RBL_USAGE='rblsmtpd: usage: rblsmtpd6 [ -bBcCT ] [ -t timeout ] [ -d dnstimeout ] [ -r base[/ipv6][=codes] ] [ -a base[/ipv6] ] smtpd [ arg ... ]'

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

between() {
	[ "$1" -ge "$2" ] && [ "$1" -lt "$3" ]
}

rs() {
	_rin=$1
	shift
	_rt0=$(now_ms)
	(
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			case $1 in
			-u) unset "$2"; shift 2 ;;
			*) export "$1"; shift ;;
			esac
		done
		shift
		# shellcheck disable=SC2059
		printf "$_rin" | exec timeout 30 "$RBLSMTPD6" "$@"
	) >"$T/out" 2>"$T/err"
	RC=$?
	MS=$(($(now_ms) - _rt0))
}

verdict() {
	rs 'help\r\nquit\r\n' "$@" echo ACCEPTED
	if [ "$RC" != 0 ]; then
		echo "rc=$RC"
	elif [ "$(cat "$T/out")" = ACCEPTED ]; then
		echo ACCEPTED
	else
		sed -n '2s/\r$//p' "$T/out"
	fi
}

vrun() {
	verdict "$@" >"$T/verdict"
	V=$(cat "$T/verdict")
}

out() {
	cat -v "$T/out"
}

err() {
	sed 's/ pid [0-9][0-9]*:/ pid x:/' "$T/err"
}
