#!/bin/sh
# jgreylist: the decision (greylist spec 1.4, 1.5, section 4 items 11, 12
# and 15): first contact, too soon, pass once now >= mtime + HOLDTIME;
# mtime = first seen, atime = last seen; the next program gets exactly the
# environment jgreylist got; its exit status comes back.  Entries are aged
# with touch -d instead of sleeping.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/grey.sh"

# wait until the clock has just turned to a new second, so that a test
# on a boundary (an entry exactly HOLDTIME old) cannot straddle one
fresh_second() {
	while [ "$(date +%N)" -gt 300000000 ]; do sleep 0.05; done
}

E=$GD/ip4/192/000/002
SESSION='HELO client.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nQUIT\r\n'

# --- first contact -------------------------------------------------------------
t0=$(date +%s)
jg "$SESSION" TCPREMOTEIP=192.0.2.7
t1=$(date +%s)
is "$(out)" "$GREET
$OK250
$OK250
$GREY1
$GREY1
$Q221" "first contact: 220, 250, 250, then 450 Try again later. for RCPT and DATA, 221"
is "$RC" 0 "first contact: exit 0"
is "$(err)" "jgreylist[P]: 192.0.2.7: GREY first time" "first contact: log line"
is "$(tree "$GD")" "d ip4
d ip4/192
d ip4/192/000
f ip4/192/000/002" "first contact: the tree holds one entry for the /24"
ok "the entry is an empty regular file" test -f "$E" -a ! -s "$E"
is "$(stat -c %a "$GD/ip4" "$GD/ip4/192" "$GD/ip4/192/000" "$E" | tr '\n' ' ')" \
	"700 700 700 600 " "directories 0700, entry 0600"
m0=$(mtime "$E")
ok "mtime is the time of the first contact ($t0 <= $m0 <= $t1)" \
	test "$m0" -ge "$t0" -a "$m0" -le "$t1"
is "$(atime "$E")" "$m0" "a new entry has atime == mtime"

# --- too soon --------------------------------------------------------------------
age "$E" 60
m1=$(mtime "$E")
jg "$SESSION" TCPREMOTEIP=192.0.2.9
is "$(out)" "$GREET
$OK250
$OK250
$GREY2
$GREY2
$Q221" "too soon (another host of the /24, 60 s later): 450 I said to try later."
is "$RC" 0 "too soon: exit 0"
is "$(err)" "jgreylist[P]: 192.0.2.9: GREY too soon" "too soon: log line"
is "$(mtime "$E")" "$m1" "too soon: mtime (first seen) unchanged"
ok "too soon: atime (last seen) is now" near "$(atime "$E")" "$(date +%s)"
is "$(tree "$GD" | wc -l | tr -d ' ')" 4 "too soon: nothing added to the tree"

fresh_second
age "$E" 119
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$Q221" "119 s after the first contact (HOLDTIME 120): still greylisted"
is "$(err)" "jgreylist[P]: 192.0.2.7: GREY too soon" "119 s: GREY too soon"

# --- pass ---------------------------------------------------------------------------
fresh_second
age "$E" 120
m2=$(mtime "$E")
jg '' TCPREMOTEIP=192.0.2.7 'FOO=a b  c' EMPTY= TCPREMOTEHOST=mx.example.org \
	RELAYCLIENT= JGREYLIST_HOLDTIME=120 TCPLOCALPORT=25
is "$(out)" "$(jg_env TCPREMOTEIP=192.0.2.7 'FOO=a b  c' EMPTY= \
	TCPREMOTEHOST=mx.example.org RELAYCLIENT= JGREYLIST_HOLDTIME=120 \
	TCPLOCALPORT=25)" "exactly 120 s later: the next program runs with the environment untouched"
is "$RC" 0 "pass: exit status of the program (env: 0)"
is "$(err)" "jgreylist[P]: 192.0.2.7: OK known" "pass: log line"
is "$(mtime "$E")" "$m2" "pass: mtime unchanged"
ok "pass: atime is now" near "$(atime "$E")" "$(date +%s)"

age "$E" 86400
jg '' TCPREMOTEIP=192.0.2.7 -- sh -c 'echo "args: $*"; exit 7' sh 'a b' c
is "$(out)" "args: a b c" "pass: the program gets its arguments"
is "$RC" 7 "pass: the program's exit status is jgreylist's"

# nothing is read from the connection before the exec
jg 'EHLO x\r\nQUIT\r\n' TCPREMOTEIP=192.0.2.7 -- cat
is "$(out)" "EHLO x^M
QUIT^M" "pass: the next program reads the client's first bytes"

# --- JGREYLIST_HOLDTIME ---------------------------------------------------------------
E6=$GD/ip4/198/051/100
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_HOLDTIME=0
is "$(out)" "$GREET" "HOLDTIME=0: the first contact is still greylisted"
is "$(err)" "jgreylist[P]: 198.51.100.1: GREY first time" "HOLDTIME=0: GREY first time"
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_HOLDTIME=0 -- echo passed
is "$(out)/$(err)" "passed/jgreylist[P]: 198.51.100.1: OK known" \
	"HOLDTIME=0: the second contact passes at once"

fresh_second
age "$E6" 3599
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_HOLDTIME=3600 -- echo passed
is "$(out)" "$GREET" "HOLDTIME=3600: 3599 s is too soon"
fresh_second
age "$E6" 3600
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_HOLDTIME=3600 -- echo passed
is "$(out)" "passed" "HOLDTIME=3600: 3600 s passes"
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_HOLDTIME= -- echo passed
is "$(out)" "passed" "HOLDTIME empty: the default (120)"
age "$E6" 100
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_HOLDTIME= -- echo passed
is "$(out)" "$GREET" "HOLDTIME empty: 100 s is too soon (default 120)"

# --- last seen keeps moving, first seen never does ------------------------------------
E7=$GD/ip4/203/000/113
jg '' TCPREMOTEIP=203.0.113.5
age "$E7" 1000
aage "$E7" 500
m7=$(mtime "$E7")
jg '' TCPREMOTEIP=203.0.113.5 -- true
is "$(mtime "$E7")/$RC" "$m7/0" "pass keeps mtime (first seen 1000 s ago)"
ok "pass moves atime from 500 s ago to now" near "$(atime "$E7")" "$(date +%s)"
jg '' TCPREMOTEIP=203.0.113.5 -- true
is "$(mtime "$E7")" "$m7" "a second pass keeps mtime too"

# --- the exec fails ----------------------------------------------------------------------
jg 'QUIT\r\n' TCPREMOTEIP=203.0.113.5 -- "$T/no-such-program"
is "$(out)" "" "exec failure: nothing sent to the client"
is "$RC" 111 "exec failure: exit 111 (temporary)"
is "$(err)" "jgreylist[P]: 203.0.113.5: OK known
jgreylist[P]: fatal: unable to run $T/no-such-program: file does not exist" \
	"exec failure: the log names the program and the reason"

done_testing
