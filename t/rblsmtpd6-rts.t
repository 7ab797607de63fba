#!/bin/sh
# rblsmtpd6: the rblsmtpd cases of djb's rts.tests / rts.exp (spec 5.1,
# section 6 item 49), run the way rts runs them (stderr and stdout in one
# stream through cat -v, "pid N" as "pid x") against a private DNSBL that
# lists 127.0.0.2 with A 127.0.0.2 and djb's TXT text.  The only change
# from rts: the list is named with -r (no default list, item 39), and
# djb's "-a rbl.maps.vix.com" allow list is bl.test, which has 127.0.0.2.
# RBLSMTPD6=/usr/bin/rblsmtpd runs these against Debian's djb rblsmtpd.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/rbldnsd.sh"

rbl_fixture "$T/rbl" || { echo "Bail out! the test DNSBL does not start"; exit 1; }

# rts IN VAR=VALUE... -- ARGS: like rts, both streams in one, then the
# exit code on a line of its own
rts() {
	rs "$@"
	cat "$T/err" "$T/out" | sed 's/ pid [0-9][0-9]*:/ pid x:/' | cat -v
	echo "$RC"
}
L="$RBL_TXT2"

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.1 -- -r bl.test echo ok)" \
"ok
0" "rblsmtpd does not find 127.0.0.1 on the RBL"

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 -- -r bl.test echo whoops)" \
"rblsmtpd: 127.0.0.2 pid x: 451 $L
220 rblsmtpd.local^M
451 $L^M
221 rblsmtpd.local^M
0" "rblsmtpd finds 127.0.0.2 on the RBL"

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 -- -b -r bl.test echo whoops)" \
"rblsmtpd: 127.0.0.2 pid x: 553 $L
220 rblsmtpd.local^M
553 $L^M
221 rblsmtpd.local^M
0" "rblsmtpd -b uses a permanent error code"

# rts: "sleep 2 | rblsmtpd -cBt1": the client says nothing for 2 s
mkfifo "$T/quiet"
sleep 3 >"$T/quiet" &
SLEEPER=$!
rs_quiet() {
	_t0=$(now_ms)
	(
		export TCPREMOTEIP=127.0.0.2
		exec timeout 30 "$RBLSMTPD6" "$@" <"$T/quiet"
	) >"$T/out" 2>"$T/err"
	RC=$?
	MS=$(($(now_ms) - _t0))
	cat "$T/err" "$T/out" | sed 's/ pid [0-9][0-9]*:/ pid x:/' | cat -v
	echo "$RC"
}
is "$(rs_quiet -cBt1 -r bl.test echo whoops)" \
"rblsmtpd: 127.0.0.2 pid x: 451 $L
220 rblsmtpd.local^M
0" "rblsmtpd quits after a timeout"

is "$(rs_quiet -Ct0 -r bl.test echo whoops)" \
"rblsmtpd: 127.0.0.2 pid x: 451 $L
451 $L^M
0" "rblsmtpd prints an immediate error message with -t0"
kill $SLEEPER 2>/dev/null

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 RBLSMTPD= -- -r bl.test echo ok)" \
"ok
0" "rblsmtpd understands an empty \$RBLSMTPD"

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 RBLSMTPD=Error -- -r bl.test echo whoops)" \
"rblsmtpd: 127.0.0.2 pid x: 451 Error
220 rblsmtpd.local^M
451 Error^M
221 rblsmtpd.local^M
0" "rblsmtpd understands a nonempty \$RBLSMTPD"

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 RBLSMTPD=-Error -- -r bl.test echo whoops)" \
"rblsmtpd: 127.0.0.2 pid x: 553 Error
220 rblsmtpd.local^M
553 Error^M
221 rblsmtpd.local^M
0" "rblsmtpd understands a permanent \$RBLSMTPD"

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 -- -r nonexistent.local echo ok)" \
"ok
0" "rblsmtpd understands -r"

is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 -- -a bl.test -r bl.test echo ok)" \
"ok
0" "rblsmtpd understands -a"

# nonexistent.local must be a real "no such name", not a failure that
# -C lets through: -c would block on a failure
is "$(rts 'help\nquit\n' TCPREMOTEIP=127.0.0.2 -- -c -r nonexistent.local echo ok)" \
"ok
0" "-r nonexistent.local is NXDOMAIN (ok even with -c)"

done_testing
