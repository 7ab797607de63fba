#!/bin/sh
# rblsmtpd6: usage and configuration errors (exit 100), a garbled
# $DNSCACHEIP (exit 100) and its good forms, a missing or garbled
# $TCPREMOTEIP (a warning, no lookups, the program runs), and running the
# program (spec section 6 items 37, 40, 48): $PATH search, the environment
# and the descriptors unchanged, its exit code kept, failure to run it 111.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/rbldnsd.sh"

rbl_fixture "$T/rbl" || { echo "Bail out! the test DNSBL does not start"; exit 1; }
W="rblsmtpd: warning:"

# --- usage -------------------------------------------------------------------------------
usage() {
	_name=$1
	shift
	rs '' TCPREMOTEIP=127.0.0.2 -- "$@"
	is "$RC:$(cat "$T/err")" "100:$RBL_USAGE" "usage, exit 100: $_name"
	is "$(cat "$T/out")" "" "usage: nothing on stdout: $_name"
}
rbl_reset
usage "no arguments"
usage "options but no program" -b -r bl.test
usage "unknown option" -x -r bl.test echo ok
usage "-R (djb's usage typo) is no option" -R echo ok
usage "-t without a value" -t
usage "-t not a number" -t abc echo ok
usage "-t negative" -t -1 echo ok
usage "-t empty" -t '' echo ok
usage "-t with junk" -t 5s echo ok
usage "-d 0" -d 0 echo ok
usage "-d not a number" -d x echo ok
usage "-d empty" -d '' echo ok
usage "-r empty" -r '' echo ok
usage "-r with djb-unknown base:message" -r 'bl.test:Custom msg' echo ok
usage "-r with an empty label" -r bl..test echo ok
usage "-r with a space" -r 'bl test' echo ok
usage "-r with an unknown suffix" -r bl.test/ipv4 echo ok
usage "-r with = but no codes" -r bl.test= echo ok
usage "-r with a code outside 127/8" -r bl.test=128.0.0.2 echo ok
usage "-r with a backward range" -r bl.test=127.0.0.5-127.0.0.2 echo ok
usage "-r with a backward shorthand" -r bl.test=127.0.0.5-2 echo ok
usage "-r with a bad shorthand" -r bl.test=127.0.0.2-256 echo ok
usage "-r with an empty code" -r bl.test=127.0.0.2,,127.0.0.3 echo ok
usage "-r with a short code" -r bl.test=127.0.2 echo ok
usage "-r with a long base" -r "$(printf 'a%.0s' $(seq 1 64)).test" echo ok
usage "-a with codes" -a wl.test=127.0.0.2 echo ok
usage "-a empty" -a '' echo ok
lists=
i=0
while [ $i -lt 33 ]; do lists="$lists -r l$i.test"; i=$((i + 1)); done
# shellcheck disable=SC2086
rs '' TCPREMOTEIP=127.0.0.2 -- $lists echo ok
is "$RC:$(cat "$T/err")" "100:rblsmtpd: fatal: too many lists (at most 32)" "33 lists: exit 100"
is "$(rbl_queries)" "" "no usage error asks anything"

# good odd forms
rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.2 -- -r BL.Test.)" "451 $RBL_TXT2" "-r BASE. in capitals with the final dot"
is "$(rbl_queries | tr 'A-Z' 'a-z')" "2.0.0.127.bl.test a
2.0.0.127.bl.test txt" "... asks BASE without a double dot"
rs 'help\r\n' TCPREMOTEIP=127.0.0.2 -- -bBcCT -t 0 -d 5 -r bl.test echo ok
is "$RC:$(out)" "0:451 $RBL_TXT2^M" "clustered flags and -t 0: one line, no dialogue"
is "$(verdict TCPREMOTEIP=127.0.0.2 -- -t4294967295 -rbl.test)" "451 $RBL_TXT2" "-t at its largest, -rBASE without a space"
rs '' TCPREMOTEIP=127.0.0.1 -- -r bl.test -- echo ok
is "$RC:$(cat "$T/out")" "0:ok" "-- ends the options"
rs '' TCPREMOTEIP=127.0.0.1 -- -r bl.test echo -b x
is "$RC:$(cat "$T/out")" "0:-b x" "options after the program are the program's"

# --- DNSCACHEIP --------------------------------------------------------------------------
for bad in nonsense 127.0.0.1:99999 '[::1' 1.2.3.4.5 ''; do
	rbl_reset
	rs '' TCPREMOTEIP=127.0.0.2 DNSCACHEIP="$bad" -- -r bl.test echo ok
	is "$RC:$(cat "$T/err")" "100:rblsmtpd: fatal: invalid DNSCACHEIP: $bad" "garbled DNSCACHEIP '$bad': exit 100"
	is "$(cat "$T/out")$(rbl_queries)" "" "garbled DNSCACHEIP '$bad': no program, no query"
done
rs '' TCPREMOTEIP=127.0.0.2 DNSCACHEIP="$(printf '127.0.0.1\nrblsmtpd: fake\033')" -- -r bl.test echo ok
is "$RC:$(wc -l <"$T/err" | tr -d ' '):$(tr -d '\n' <"$T/err" | tr -d '\040-\176' | wc -c | tr -d ' ')" "100:1:0" \
	"garbled DNSCACHEIP with control bytes: exit 100, one line of printable bytes"
rs '' TCPREMOTEIP=127.0.0.2 DNSCACHEIP=nonsense -- echo ok
is "$RC:$(cat "$T/out")" "0:ok" "garbled DNSCACHEIP without lists: not needed, the program runs"
for good in 127.0.0.1 127.0.0.1:53 ::1 '[::1]' '[::1]:53' '127.0.0.1, ::1'; do
	is "$(verdict TCPREMOTEIP=127.0.0.2 DNSCACHEIP="$good" -- -r bl.test)" "451 $RBL_TXT2" \
		"DNSCACHEIP='$good' works"
done
is "$(verdict TCPREMOTEIP=127.0.0.2 DNSCACHEIP=127.0.0.1:5353 -- -r bl.test)" "451 $RBL_TXT2" \
	"DNSCACHEIP with a port (rbldnsd itself on 5353)"
is "$(verdict TCPREMOTEIP=127.0.0.2 DNSCACHEIP=127.0.0.9:53 -- -d 2 -r bl.test)" ACCEPTED \
	"DNSCACHEIP where nobody listens: fail-open"
grep -q "^$W bl.test: temporary DNS failure for 2.0.0.127.bl.test: " "$T/err"
ok "... with a warning" [ $? = 0 ]

# --- TCPREMOTEIP --------------------------------------------------------------------------
rbl_reset
rs 'quit\r\n' -u TCPREMOTEIP -u TCP6REMOTEIP -- -r bl.test echo ok
is "$RC:$(cat "$T/out")" "0:ok" "no TCPREMOTEIP: the program runs"
is "$(cat "$T/err")" "$W TCPREMOTEIP not set, no RBL lookups" "no TCPREMOTEIP: a warning"
is "$(rbl_queries)" "" "no TCPREMOTEIP: nothing asked (djb would ask the bare base)"
rs '' -u TCPREMOTEIP -- echo ok
is "$RC:$(cat "$T/out"):$(cat "$T/err")" "0:ok:" "no TCPREMOTEIP and no list: no warning"
for bad in junk 1.2.3 '127.0.0.2 ' '127.0.0.256' '2001:db8::1::2' '[2001:db8::1]' ''; do
	rbl_reset
	rs '' TCPREMOTEIP="$bad" -- -r bl.test echo ok
	is "$RC:$(cat "$T/out")" "0:ok" "TCPREMOTEIP='$bad': the program runs"
	is "$(cat "$T/err")" "$W unable to parse TCPREMOTEIP $bad, no RBL lookups" "TCPREMOTEIP='$bad': a warning"
	is "$(rbl_queries)" "" "TCPREMOTEIP='$bad': nothing asked"
done
rs '' TCPREMOTEIP="$(printf 'x\033y\nz')" -- -r bl.test echo ok
is "$RC:$(cat "$T/out")" "0:ok" "TCPREMOTEIP with control bytes: the program runs"
is "$(wc -l <"$T/err" | tr -d ' '):$(tr -d '\n' <"$T/err" | tr -d '\040-\176' | wc -c | tr -d ' ')" "1:0" \
	"... the warning is one line of printable bytes (no log injection)"

# --- running the program --------------------------------------------------------------------
rs 'hello\n' TCPREMOTEIP=127.0.0.1 -- -r bl.test sh -c 'cat; echo "to stderr" >&2; exit 7'
is "$RC:$(cat "$T/out"):$(cat "$T/err")" "7:hello:to stderr" \
	"the program gets stdin, stdout, stderr, and its exit code is kept"
rs '' TCPREMOTEIP=127.0.0.1 -- -r bl.test /nonexistent/prog
is "$RC:$(cat "$T/err")" "111:rblsmtpd: fatal: unable to run /nonexistent/prog: file does not exist" \
	"program missing: exit 111"
rs '' TCPREMOTEIP=127.0.0.1 -- -r bl.test no-such-program-here
is "$RC:$(cat "$T/err")" "111:rblsmtpd: fatal: unable to run no-such-program-here: file does not exist" \
	"program not on \$PATH: exit 111"
printf 'echo x\n' >"$T/noexec"
chmod 644 "$T/noexec"
rs '' TCPREMOTEIP=127.0.0.1 -- "$T/noexec"
is "$RC:$(cat "$T/err")" "111:rblsmtpd: fatal: unable to run $T/noexec: access denied" \
	"program not executable: exit 111"

# the environment, unchanged (also what rblsmtpd6 reads)
envdump='env | grep -v -e "^_=" -e "^SHLVL=" -e "^PWD=" | LC_ALL=C sort'
want=$(
	export TCPREMOTEIP=127.0.0.1 TCP6REMOTEIP=2001:db8::1 RBLSMTPD_X='a b' DNSCACHEIP=127.0.0.1
	unset RBLSMTPD
	sh -c "$envdump"
)
rs '' TCPREMOTEIP=127.0.0.1 TCP6REMOTEIP=2001:db8::1 RBLSMTPD_X='a b' -u RBLSMTPD -- \
	-r bl.test -a wl.test sh -c "$envdump"
is "$(cat "$T/out")" "$want" "the program sees the environment unchanged"
want=$(
	export TCPREMOTEIP=127.0.0.2 RBLSMTPD=
	sh -c "$envdump"
)
rs '' TCPREMOTEIP=127.0.0.2 RBLSMTPD= -- -r bl.test sh -c "$envdump"
is "$(cat "$T/out")" "$want" "RBLSMTPD= is passed on, not removed"

done_testing
