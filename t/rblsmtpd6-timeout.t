#!/bin/sh
# rblsmtpd6: every list is asked at once under one DNS deadline (-d,
# default 10 s).  A list that never answers costs -d once, however many
# lists there are; lists that answer slowly cost the slowest one, not
# the sum (djb asks them one after the other); and the wait ends as soon
# as the answers so far decide, left to right.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/rbldnsd.sh"

# a.slow.test ... d.slow.test answer after 700 ms (c-ares asks again
# after 1 s)
RBL_SLOW_MS=700
rbl_fixture "$T/rbl" || { echo "Bail out! the test DNSBL does not start"; exit 1; }
B="$RBL_TXT2"

# --- lists that never answer ----------------------------------------------------------
vrun TCPREMOTEIP=127.0.0.1 -- -d 2 -r drop.test -r a.drop.test -a b.drop.test -r c.drop.test
is "$V" ACCEPTED "-d 2, four silent lists: fail-open"
ok "-d 2, four silent lists: about 2 s, not 4 x 2 s (took $MS ms)" between "$MS" 1800 3500
rbl_reset
vrun TCPREMOTEIP=127.0.0.1 -- -d 2 -c -r drop.test -r bl.test -r a.drop.test
is "$V" "451 temporary RBL lookup error" "-d 2 -c, silent lists: 451"
ok "-d 2 -c: about 2 s (took $MS ms)" between "$MS" 1800 3500
ok "every list was asked (A and TXT each)" \
	[ "$(rbl_queries | sort -u | wc -l)" = 6 ]
vrun TCPREMOTEIP=127.0.0.2 -- -d 1 -r bl.test -r drop.test -r bl2.test
is "$V" "451 $B" \
	"-d 1, a silent list among listing ones: the left one decides"
ok "-d 1: the decision does not wait for the silent list (took $MS ms)" \
	between "$MS" 0 600
vrun TCPREMOTEIP=127.0.0.1 -- -r drop.test
is "$V" ACCEPTED "default deadline: fail-open"
ok "default deadline is about 10 s (took $MS ms)" between "$MS" 9500 12500

# --- slow lists ------------------------------------------------------------------------
rbl_reset
vrun TCPREMOTEIP=127.0.0.1 -- -r a.slow.test -r b.slow.test -a c.slow.test -r d.slow.test
is "$V" ACCEPTED "four lists answering after 0.7 s: accepted"
ok "four 0.7-second lists: about 0.7 s in all (took $MS ms)" between "$MS" 650 1700
is "$(rbl_queries)" "1.0.0.127.a.slow.test A
1.0.0.127.a.slow.test TXT
1.0.0.127.b.slow.test A
1.0.0.127.b.slow.test TXT
1.0.0.127.c.slow.test A
1.0.0.127.d.slow.test A
1.0.0.127.d.slow.test TXT" "each asked once"
vrun TCPREMOTEIP=127.0.0.2 -- -b -a wl.test -r a.slow.test -r b.slow.test
is "$V" ACCEPTED "allowed by a fast list, two slow block lists"
ok "... without waiting for the slow lists (took $MS ms)" between "$MS" 0 600
vrun TCPREMOTEIP=127.0.0.2 -- -r a.slow.test -b -r b.slow.test -r c.slow.test
is "$V" "451 $B" "listed on three slow lists: the first decides"
ok "three 0.7-second lists: about 0.7 s (took $MS ms)" between "$MS" 650 1700
vrun TCPREMOTEIP=2001:db8::1 -- -d 3 -r a.slow.test -r drop.test -r bl.test
is "$V" "451 Listed six" "IPv6 client, slow, silent and fast lists: the slow one decides"
ok "... as soon as it answers, not at the deadline (took $MS ms)" \
	between "$MS" 650 1700

done_testing
