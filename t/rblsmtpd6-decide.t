#!/bin/sh
# rblsmtpd6: the decision (spec 3.1, section 6 items 37, 38, 44, 45).
# rblsmtpd6 asks every list at once, but the answer must be the one djb's
# left-to-right, one-lookup-at-a-time rblsmtpd gives: -b/-B/-c/-C count
# only for the lists to their right, a decision makes later lists not
# matter (not even their failures), a temporary failure makes any later
# block 451; $RBLSMTPD decides before any lookup.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/rbldnsd.sh"

rbl_fixture "$T/rbl" || { echo "Bail out! the test DNSBL does not start"; exit 1; }
B="$RBL_TXT2"
TEMP="451 temporary RBL lookup error"
W="rblsmtpd: warning:"
v() { verdict TCPREMOTEIP=127.0.0.2 -- "$@"; }
v1() { verdict TCPREMOTEIP=127.0.0.1 -- "$@"; }

# --- -b/-B: only for the lists to their right ---------------------------------------
is "$(v -r bl.test -b)" "451 $B" "-r L -b: 451 (observed in djb)"
is "$(v -b -r bl.test)" "553 $B" "-b -r L: 553 (observed in djb)"
is "$(v -b -r bl.test -B)" "553 $B" "-b -r L -B: 553"
is "$(v -b -B -r bl.test)" "451 $B" "-b -B -r L: 451"
is "$(v -B -r bl.test -b -r bl2.test)" "451 $B" "-B -r L1 -b -r L2: L1 decides, 451"
is "$(verdict TCPREMOTEIP=127.0.0.4 -- -B -r bl.test=127.0.0.2 -b -r bl2.test)" "553 Code four for 127.0.0.4" \
	"L1 does not list (CODES), L2 does with -b before it: 553"

# --- the first list that decides --------------------------------------------------------
is "$(v -r multi.test -r bl.test)" "451 part one part two" "two lists listing: the text of the left one"
is "$(v -r bl.test -r multi.test)" "451 $B" "... in either order"
is "$(v -r bl2.test=127.0.0.4 -r multi.test -r bl.test)" "451 part one part two" \
	"the first list that lists (after one that does not) decides"
is "$(v -a wl.test -r bl.test)" ACCEPTED "-a before -r: allowed"
is "$(v -r bl.test -a wl.test)" "451 $B" "-r before -a: blocked"
is "$(v1 -a wl.test -r bl.test)" ACCEPTED "-a not listing, -r not listing: accepted"
is "$(verdict TCPREMOTEIP=127.0.0.3 -- -a wl.test -b -r bl.test)" "553 127.0.0.3 is listed in bl.test" \
	"-a not listing, then -b -r listing: 553"

# --- temporary failures: SERVFAIL (fail.test) ---------------------------------------------
is "$(v -r fail.test)" ACCEPTED "-r SERVFAIL: fail-open"
grep -q "^$W fail.test: temporary DNS failure for 2.0.0.127.fail.test: " "$T/err"
ok "-r SERVFAIL: warning names list and query name" [ $? = 0 ]
is "$(v -c -r fail.test)" "$TEMP" "-c -r SERVFAIL: 451 temporary RBL lookup error"
is "$(err | tail -1)" "rblsmtpd: 127.0.0.2 pid x: $TEMP" "... logged"
is "$(v -b -c -r fail.test)" "$TEMP" "-b -c -r SERVFAIL: 451, never 553"
is "$(v -r fail.test -c)" ACCEPTED "-r SERVFAIL -c: -c comes too late"
is "$(v -b -r fail.test -r bl.test)" "451 $B" "failure, then a listing with -b: 451 (must not bounce)"
is "$(v -b -r bl.test -c -r fail.test)" "553 $B" "a listing, then -c and a failure: 553 (the failure does not matter)"
is "$(err)" "rblsmtpd: 127.0.0.2 pid x: 553 $B" "... and it is not even logged"
is "$(v -r bl.test -c -r fail.test)" "451 $B" "-r L -c -r F: L decides"
is "$(v -c -r fail.test -r bl.test)" "$TEMP" "-c -r F -r L: F decides"
is "$(v1 -b -r fail.test -r bl.test)" ACCEPTED "failure, nothing listed: accepted"

# -a failures: -C accepts, -c goes on (with must-not-bounce)
is "$(v -a fail.test -r bl.test)" ACCEPTED "-a SERVFAIL with -C (default): accepted"
is "$(v -C -a fail.test -r bl.test)" ACCEPTED "-C -a SERVFAIL: accepted"
is "$(v -c -a fail.test -r bl.test)" "451 $B" "-c -a SERVFAIL -r L: L decides"
is "$(v -c -b -a fail.test -r bl.test)" "451 $B" "-c -b -a SERVFAIL -r L: 451, not 553"
is "$(v -a fail.test -c -r bl.test)" ACCEPTED "-a SERVFAIL -c -r L: -c too late, accepted"
is "$(v1 -c -a fail.test -r bl.test)" ACCEPTED "-c -a SERVFAIL, nothing listed: accepted"
is "$(v -b -a wl.test -c -r fail.test)" ACCEPTED "-a listing first: later failures do not matter"
is "$(cat "$T/err")" "" "... nothing logged"

# --- temporary failures: no answer at all (drop.test) ---------------------------------------
is "$(v -d 1 -r bl.test -c -r drop.test)" "451 $B" "-r L -c -r TIMEOUT: L decides"
is "$(v -d 1 -c -r drop.test -r bl.test)" "$TEMP" "-c -r TIMEOUT -r L: the timeout decides"
grep -q "^$W drop.test: temporary DNS failure for 2.0.0.127.drop.test: " "$T/err"
ok "the timed-out list is named in a warning" [ $? = 0 ]
is "$(v -d 1 -b -r drop.test -r bl.test)" "451 $B" "-b -r TIMEOUT -r L: 451"
is "$(v -d 1 -b -c -a drop.test -r bl.test)" "451 $B" "-b -c -a TIMEOUT -r L: 451"
is "$(v -d 1 -a drop.test -r bl.test)" ACCEPTED "-a TIMEOUT -r L: accepted (-C)"

# --- $RBLSMTPD: before any lookup ------------------------------------------------------------
rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.2 RBLSMTPD= -- -c -r bl.test -r fail.test)" ACCEPTED \
	"RBLSMTPD empty: the program runs although listed"
is "$(rbl_queries)" "" "RBLSMTPD empty: nothing asked"
is "$(cat "$T/err")" "" "RBLSMTPD empty: nothing logged"
rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.1 RBLSMTPD='Go away' -- -b -a wl.test -r bl.test)" "451 Go away" \
	"RBLSMTPD=text: 451 text, even with -b and an allow list"
is "$(rbl_queries)" "" "RBLSMTPD set: nothing asked"
is "$(err)" "rblsmtpd: 127.0.0.1 pid x: 451 Go away" "RBLSMTPD=text: logged"
is "$(verdict TCPREMOTEIP=127.0.0.1 RBLSMTPD='-Go away' --)" "553 Go away" "RBLSMTPD=-text: 553 text"
is "$(verdict TCPREMOTEIP=127.0.0.1 RBLSMTPD='--x' --)" "553 -x" "RBLSMTPD=--x: 553 -x (one dash taken)"
is "$(verdict TCPREMOTEIP=127.0.0.1 RBLSMTPD='-' --)" "553 " "RBLSMTPD=-: 553 with an empty text"
is "$(verdict TCPREMOTEIP=127.0.0.1 RBLSMTPD=' ' --)" "451  " "RBLSMTPD=space: 451 and the space"
is "$(verdict -u TCPREMOTEIP RBLSMTPD='Go away' --)" "451 Go away" "RBLSMTPD=text without TCPREMOTEIP: blocked"
is "$(verdict TCPREMOTEIP=2001:db8::1 RBLSMTPD='-No IPv6 mail here' -- -a wl.test)" "553 No IPv6 mail here" \
	"RBLSMTPD for an IPv6 client (the allow list is not asked)"

done_testing
