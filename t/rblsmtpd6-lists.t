#!/bin/sh
# rblsmtpd6: what is asked and what counts as listed (spec 3.4, section 6
# items 39-43): the exact query names (read from dnsproxy's log) for IPv4,
# IPv6 (RFC 5782 nibbles under the base), the legacy "ipv6." label only
# with /ipv6, ::ffff: clients as IPv4, the TCP6REMOTEIP fallback, no
# default list; listed = an A record in 127/8 outside 127.255.255.0/24,
# CODES filtering, 127.255.255.x answers as errors (logged, fail-open,
# 451 with -c), the TXT text, and the fixed text when there is no TXT.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/rbldnsd.sh"

rbl_fixture "$T/rbl" || { echo "Bail out! the test DNSBL does not start"; exit 1; }
# nib HEX32: the nibble name of an address written as 32 hex digits
nib() {
	echo "$1" | awk '{ for (i = length($0); i > 1; i--) printf "%s.", substr($0, i, 1); print substr($0, 1, 1) }'
}
N1=$(nib 20010db8000000000000000000000001)
N9=$(nib 20010db8ffff00000000000000000009)
W="rblsmtpd: warning:"

# --- query names ---------------------------------------------------------------
rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.1 -- -r bl.test)" ACCEPTED "127.0.0.1 is not listed"
is "$(rbl_queries)" "1.0.0.127.bl.test A
1.0.0.127.bl.test TXT" "-r: A and TXT of the reversed IPv4 address under the base"
is "$(cat "$T/err")" "" "not listed: nothing on stderr"

rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.1 -- -a wl.test)" ACCEPTED "-a alone, not listed: accepted"
is "$(rbl_queries)" "1.0.0.127.wl.test A" "-a: the A record only"

rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.2 --)" ACCEPTED "no -r: the program runs"
is "$(rbl_queries)" "" "no -r: no default list is asked"

rbl_reset
is "$(verdict TCPREMOTEIP=2001:db8::1 -- -r bl.test)" "451 Listed six" "IPv6 client listed (RFC 5782 name)"
is "$(rbl_queries)" "$N1.bl.test A
$N1.bl.test TXT" "IPv6: 32 lowercase nibbles, least significant first, right under the base"
is "$(err)" "rblsmtpd: 2001:db8::1 pid x: 451 Listed six" "IPv6: the log line"

rbl_reset
is "$(verdict TCPREMOTEIP=2001:DB8:0:0::1 -- -r bl.test)" "451 Listed six" "IPv6 in capitals, uncompressed: the same entry"
is "$(rbl_queries)" "$N1.bl.test A
$N1.bl.test TXT" "... the same lowercase name"
is "$(err)" "rblsmtpd: 2001:DB8:0:0::1 pid x: 451 Listed six" "... logged as \$TCPREMOTEIP says"

rbl_reset
is "$(verdict TCPREMOTEIP=2001:db8:ffff::9 -- -r bl.test -a wl.test)" ACCEPTED "IPv6 client not listed"
is "$(rbl_queries)" "$N9.bl.test A
$N9.bl.test TXT
$N9.wl.test A" "IPv6: -a asks A, not AAAA (RFC 5782)"

is "$(verdict TCPREMOTEIP=2001:db8::1 -- -a wl.test -r bl.test)" ACCEPTED "IPv6 client on the allow list: accepted"

# --- the legacy ipv6. label -------------------------------------------------------
rbl_reset
is "$(verdict TCPREMOTEIP=2001:db8::1 -- -r legacy.test)" ACCEPTED "legacy list without /ipv6: not found"
is "$(rbl_queries)" "$N1.legacy.test A
$N1.legacy.test TXT" "without /ipv6: no ipv6. label"

rbl_reset
is "$(verdict TCPREMOTEIP=2001:db8::1 -- -r legacy.test/ipv6)" "451 Legacy six" "-r BASE/ipv6: found under ipv6.BASE"
is "$(rbl_queries)" "$N1.ipv6.legacy.test A
$N1.ipv6.legacy.test TXT" "/ipv6: NIBBLES.ipv6.BASE"

rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.2 -- -r legacy.test/ipv6)" "451 $RBL_TXT2" "/ipv6 with an IPv4 client: plain reversed name"
is "$(rbl_queries)" "2.0.0.127.legacy.test A
2.0.0.127.legacy.test TXT" "/ipv6 changes nothing for IPv4"

rbl_reset
is "$(verdict TCPREMOTEIP=2001:db8::1 -- -a legacy.test/ipv6)" ACCEPTED "-a BASE/ipv6"
is "$(rbl_queries)" "$N1.ipv6.legacy.test A" "-a /ipv6: A of NIBBLES.ipv6.BASE"

# --- IPv4-mapped clients -----------------------------------------------------------
rbl_reset
is "$(verdict TCPREMOTEIP=::ffff:127.0.0.2 -- -r bl.test)" "451 $RBL_TXT2" "::ffff:127.0.0.2 is asked as IPv4"
is "$(rbl_queries)" "2.0.0.127.bl.test A
2.0.0.127.bl.test TXT" "::ffff:a.b.c.d: reversed dotted quad, not nibbles"
is "$(err)" "rblsmtpd: ::ffff:127.0.0.2 pid x: 451 $RBL_TXT2" "logged as \$TCPREMOTEIP says"
is "$(verdict TCPREMOTEIP=::FFFF:7F00:2 -- -r bl.test)" "451 $RBL_TXT2" \
	"::FFFF:7F00:2 (the RFC 5782 IPv6 test entry) is IPv4 127.0.0.2 too"

# --- which variable --------------------------------------------------------------------
is "$(verdict -u TCPREMOTEIP TCP6REMOTEIP=2001:db8::1 -- -r bl.test)" "451 Listed six" \
	"no TCPREMOTEIP: TCP6REMOTEIP is used"
is "$(err)" "rblsmtpd: 2001:db8::1 pid x: 451 Listed six" "... and logged"
is "$(verdict TCPREMOTEIP=127.0.0.1 TCP6REMOTEIP=2001:db8::1 -- -r bl.test)" ACCEPTED \
	"TCPREMOTEIP wins over TCP6REMOTEIP"

# --- listed: A records, CODES ----------------------------------------------------------------
is "$(verdict TCPREMOTEIP=127.0.0.3 -- -r bl.test)" "451 127.0.0.3 is listed in bl.test" \
	"A record without TXT: listed, with a fixed text naming the IP and the list"
is "$(err)" "rblsmtpd: 127.0.0.3 pid x: 451 127.0.0.3 is listed in bl.test" "... logged"
is "$(verdict TCPREMOTEIP=2001:db8::2 -- -b -r bl.test)" "553 2001:db8::2 is listed in bl.test" \
	"IPv6 without TXT: the fixed text"
is "$(verdict TCPREMOTEIP=127.0.0.2 -- -r multi.test)" "451 part one part two" \
	"several TXT records: concatenated in answer order"
is "$(verdict TCPREMOTEIP=127.0.0.4 -- -r multi.test)" "451 mixed" \
	"127.255.255.254 and 127.0.0.3 together: listed"

is "$(verdict TCPREMOTEIP=127.0.0.4 -- -r bl.test)" "451 Code four for 127.0.0.4" "code 127.0.0.4, no CODES: listed"
is "$(verdict TCPREMOTEIP=127.0.0.10 -- -r bl.test)" "451 Code ten for 127.0.0.10" "code 127.0.0.10, no CODES: listed"
rbl_reset
is "$(verdict TCPREMOTEIP=127.0.0.4 -- -r bl.test=127.0.0.4)" "451 Code four for 127.0.0.4" "=127.0.0.4 lists 127.0.0.4"
is "$(rbl_queries)" "4.0.0.127.bl.test A
4.0.0.127.bl.test TXT" "CODES are not part of the name"
is "$(verdict TCPREMOTEIP=127.0.0.10 -- -r bl.test=127.0.0.4)" ACCEPTED "=127.0.0.4: code 127.0.0.10 does not count"
is "$(verdict TCPREMOTEIP=127.0.0.2 -- -r bl.test=127.0.0.4)" ACCEPTED "=127.0.0.4: code 127.0.0.2 does not count (TXT or not)"
is "$(cat "$T/err")" "" "a code outside CODES is no error"
is "$(verdict TCPREMOTEIP=127.0.0.10 -- -r bl.test=127.0.0.2-11)" "451 Code ten for 127.0.0.10" "=127.0.0.2-11 (last-octet shorthand) has .10"
is "$(verdict TCPREMOTEIP=127.0.0.4 -- -r bl.test=127.0.0.2-11)" "451 Code four for 127.0.0.4" "=127.0.0.2-11 has .4"
is "$(verdict TCPREMOTEIP=127.0.0.4 -- -r bl.test=127.0.0.3-127.0.0.9)" "451 Code four for 127.0.0.4" "=a.b.c.d-e.f.g.h range has .4"
is "$(verdict TCPREMOTEIP=127.0.0.10 -- -r bl.test=127.0.0.3-127.0.0.9)" ACCEPTED "... not .10"
is "$(verdict TCPREMOTEIP=127.0.0.2 -- -r bl.test=127.0.0.3-127.0.0.9)" ACCEPTED "... not .2"
is "$(verdict TCPREMOTEIP=127.0.0.10 -- -r bl.test=127.0.0.4,127.0.0.10)" "451 Code ten for 127.0.0.10" "comma list: .10"
is "$(verdict TCPREMOTEIP=127.0.0.2 -- -r bl.test=127.0.0.4,127.0.0.10)" ACCEPTED "comma list: not .2"
is "$(verdict TCPREMOTEIP=2001:db8::1 -- -r legacy.test/ipv6=127.0.0.2)" "451 Legacy six" "/ipv6 and CODES together"
is "$(verdict TCPREMOTEIP=2001:db8::1 -- -r legacy.test/ipv6=127.0.0.3)" ACCEPTED "/ipv6=CODES filters too"

# --- error codes: 127.255.255.0/24 -----------------------------------------------------------------
ERR5="Error: open resolver; https://check.spamhaus.org/returnc/pub/127.0.0.5/"
is "$(verdict TCPREMOTEIP=127.0.0.5 -- -r bl.test)" ACCEPTED \
	"127.255.255.254 with a TXT text is an error, not a listing (fail-open)"
is "$(err)" "$W bl.test: error code 127.255.255.254 for 5.0.0.127.bl.test: $ERR5" \
	"the error code is logged with the list, the name and the text"
is "$(verdict TCPREMOTEIP=127.0.0.5 -- -b -r bl.test)" ACCEPTED "... also with -b"
is "$(verdict TCPREMOTEIP=127.0.0.5 -- -c -r bl.test)" "451 temporary RBL lookup error" \
	"error code with -c: 451 temporary RBL lookup error"
is "$(err)" "$W bl.test: error code 127.255.255.254 for 5.0.0.127.bl.test: $ERR5
rblsmtpd: 127.0.0.5 pid x: 451 temporary RBL lookup error" "-c: the warning, then the log line"
is "$(verdict TCPREMOTEIP=127.0.0.5 -- -b -c -r bl.test)" "451 temporary RBL lookup error" \
	"error code with -b -c: still 451, never 553"
is "$(verdict TCPREMOTEIP=127.0.0.6 -- -r bl.test)" ACCEPTED "127.255.255.255 without TXT: an error too"
is "$(err)" "$W bl.test: error code 127.255.255.255 for 6.0.0.127.bl.test" "... logged without text"
is "$(verdict TCPREMOTEIP=127.0.0.5 -- -r bl.test=127.0.0.2-127.255.255.254)" ACCEPTED \
	"CODES cannot make 127.255.255.254 a listing"
is "$(verdict TCPREMOTEIP=127.0.0.5 -- -r multi.test)" ACCEPTED "an A record outside 127/8 is no listing"
is "$(verdict TCPREMOTEIP=127.0.0.5 -- -r bl.test -r bl2.test -b -r multi.test -r bl.test=127.0.0.2)" \
	ACCEPTED "four lists, all with odd answers: accepted"

# -a and error codes: a failure of the allow list; -C accepts, -c goes on
is "$(verdict TCPREMOTEIP=127.0.0.4 -- -a wl.test -r bl.test)" ACCEPTED \
	"-a answering 127.255.255.254, -C (default): accepted as a temporary failure"
is "$(err)" "$W wl.test: error code 127.255.255.254 for 4.0.0.127.wl.test" "... logged"
is "$(verdict TCPREMOTEIP=127.0.0.4 -- -b -c -a wl.test -r bl.test)" "451 Code four for 127.0.0.4" \
	"-a error with -c: the next list decides, 451 even with -b"

done_testing
