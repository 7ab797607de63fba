#!/bin/sh
# tcprules6: djb's rts.exp tcprules cases (spec 5.1), messages and exit
# codes byte for byte (spec 1.6, items 27-34), the old cdb untouched on
# errors, lines that never hang, and cdbs identical to Debian's tcprules.
. "$(dirname "$0")/lib/tap.sh"
cd "$T" || exit 111

# output (stderr included) then "rc=N", as rts.tests' "echo $?"
run() { "$@" 2>&1; echo "rc=$?"; }
# rules on stdin ($1), cdb $2
compile() { printf '%s' "$1" | tcprules6 "$2" "$2.tmp"; }

is "$(run tcprules6)" "tcprules: usage: tcprules rules.cdb rules.tmp
rc=100" "usage, 100"
is "$(run tcprules6 test.cdb)" "tcprules: usage: tcprules rules.cdb rules.tmp
rc=100" "usage with one argument"

is "$(echo 1.2.3.4:deny | run tcprules6 test.cdb /dev/nonexistent/tmp)" \
"tcprules: fatal: unable to create /dev/nonexistent/tmp: file does not exist
rc=111" "cannot create tmp"
ok "no cdb after a create error" test ! -e test.cdb

is "$(echo 1.2.3.4:deny | run tcprules6 /dev/nonexistent/cdb test.tmp)" \
"tcprules: fatal: unable to move test.tmp to /dev/nonexistent/cdb: file does not exist
rc=111" "cannot move tmp to cdb"

is "$(echo 1.2.3.4:deny | run tcprules6 test.cdb test.tmp)" "rc=0" \
    "creates a cdb file"
ok "cdb exists, tmp renamed away" test -s test.cdb -a ! -e test.tmp
is "$(TCPREMOTEIP=1.2.3.4 tcprulescheck6 test.cdb)" "rule 1.2.3.4:
deny connection" "the new cdb denies 1.2.3.4"

is "$(echo 1.2.3.5:deny | run tcprules6 test.cdb test.tmp)" "rc=0" \
    "replaces a cdb file"
is "$(TCPREMOTEIP=1.2.3.4 tcprulescheck6 test.cdb)" "default:
allow connection" "the replaced cdb no longer has 1.2.3.4"
echo junk > stale.tmp
is "$(echo 1.2.3.4:allow | run tcprules6 stale.cdb stale.tmp)" "rc=0" \
    "an existing tmp is truncated"
ok "empty record for allow" test "$(TCPREMOTEIP=1.2.3.4 \
    tcprulescheck6 stale.cdb)" = "rule 1.2.3.4:
allow connection"

# --- parse errors: message, 100, the old cdb untouched --------------------
cp test.cdb keep.cdb
bad() {
	is "$(printf '1.2.3.9:allow\n%s\n' "$1" |
	    run timeout 5 tcprules6 test.cdb test.tmp)" \
	    "tcprules: fatal: unable to parse this line: $2
rc=100" "parse error: $3"
	ok "old cdb untouched after: $3" cmp -s test.cdb keep.cdb
}
bad '1.2.3.4:DENY' '1.2.3.4:DENY' 'DENY'
bad '1.2.3.4:allowx' '1.2.3.4:allowx' 'allowx'
bad '1.2.3.4:allow,X=' '1.2.3.4:allow,X=' 'X= at end'
bad '1.2.3.4:allow,X="abc' '1.2.3.4:allow,X="abc' 'unterminated value'
bad '1.2.3.4:allow,X' '1.2.3.4:allow,X' ',X without ='
bad '1.2.3.4:bogus  ' '1.2.3.4:bogus' 'no allow/deny (Debian hangs)'
bad '2001:470:1f0f:350::1:allow:RBLSMTPD=""' \
    '2001:470:1f0f:350::1:allow:RBLSMTPD=""' "the blog's colon form"
bad '10.1.2.3/24:deny' '10.1.2.3/24:deny' 'CIDR with host bits'
bad '2001:db8::/129:deny' '2001:db8::/129:deny' 'CIDR length too long'
is "$(printf '1.2.3.4:allow\r\n' | run tcprules6 test.cdb test.tmp)" \
    "$(printf 'tcprules: fatal: unable to parse this line: 1.2.3.4:allow\r\nrc=100')" \
    "a CRLF line fails (the CR is kept in the message)"
ok "old cdb untouched after CRLF" cmp -s test.cdb keep.cdb

# never hangs, whatever the line (Debian's tcprules loops on these)
start=$(date +%s)
printf '1.2.3.4:bogus' | timeout 5 tcprules6 test.cdb test.tmp 2>/dev/null
is "$?" 100 "1.2.3.4:bogus without newline: 100, no hang"
is "$(head -c 70000 /dev/zero | tr '\0' 'x' | run timeout 5 tcprules6 \
    test.cdb test.tmp)" \
    "tcprules: fatal: unable to parse a line longer than 65536 bytes
rc=100" "an over-long line is refused"
end=$(date +%s)
ok "error cases finish at once" test $((end - start)) -lt 4
ok "old cdb untouched after all that" cmp -s test.cdb keep.cdb

# --- I/O errors ---------------------------------------------------------------
is "$(run tcprules6 io.cdb io.tmp < /)" \
    "tcprules: fatal: unable to read input: is a directory
rc=111" "unreadable input"
ok "no cdb after a read error" test ! -e io.cdb
cp keep.cdb io.cdb
is "$( (trap '' XFSZ; ulimit -f 1; echo 1.2.3.4:deny |
    run tcprules6 io.cdb io.tmp) )" \
    "tcprules: fatal: unable to write to io.tmp: file too big
rc=111" "write error (file size limit)"
ok "old cdb untouched after a write error" cmp -s io.cdb keep.cdb

# --- input forms ----------------------------------------------------------------
is "$(printf '' | run tcprules6 empty.cdb empty.tmp)" "rc=0" "empty input"
is "$(wc -c < empty.cdb | tr -d ' ')" 2048 "empty input: 2048-byte cdb"
printf '# only a comment\n\n   \nno colon\n #x\n' |
    tcprules6 comments.cdb comments.tmp
is "$(wc -c < comments.cdb | tr -d ' ')" 2048 \
    "comments, blank lines, colon-less lines: nothing stored"
printf '1.2.3.4:allow\n5.6.7.8:deny' | tcprules6 last.cdb last.tmp
is "$(TCPREMOTEIP=5.6.7.8 tcprulescheck6 last.cdb)" "rule 5.6.7.8:
deny connection" "the last line may lack a newline"
printf '1.2.3.4:allow,a="1"\n1.2.3.4:deny\n' | tcprules6 dup.cdb dup.tmp
is "$(TCPREMOTEIP=1.2.3.4 tcprulescheck6 dup.cdb)" "rule 1.2.3.4:
set environment variable a=1
allow connection" "duplicate keys: the first line wins"
compile '1.2.3.250-300:allow,r="x"
' range.cdb
is "$(for i in 249 250 255; do TCPREMOTEIP=1.2.3.$i tcprulescheck6 \
    range.cdb | head -1; done)" "default:
rule 1.2.3.250:
rule 1.2.3.255:" "1.2.3.250-300 is .250 to .255"
compile 'joe@1.2.3.4-5:allow,a="lit"
=a-b.example:allow,a="host"
' lit.cdb
is "$(TCPREMOTEIP=1.2.3.4 TCPREMOTEINFO=joe tcprulescheck6 lit.cdb)" \
    "default:
allow connection" "joe@1.2.3.4-5 is not a range"
is "$(TCPREMOTEIP=1.2.3.4 TCPREMOTEINFO=joe TCPREMOTEHOST=a-b.example \
    tcprulescheck6 lit.cdb)" "rule =a-b.example:
set environment variable a=host
allow connection" "=a-b.example is stored literally"

# --- compatibility with Debian's tcprules (ucspi-tcp-ipv6) ------------------
V4RULES='# djb-style rules
joe@127.0.0.1:allow,which=/first/
18.23.0.32:allow,which="second"
127.:allow,which=+third+
:allow,which=-fourth-
10.0-5.:allow,a="AAA",b="BBB"
=known.edu:allow,which="known"
=.abuser.edu:deny
bill@=x.y:deny
1.2.3.4:allow,a="1",x="a,b:c"
1.2.3.4:deny
'
if [ -x /usr/bin/tcprules ]; then
	printf '%s' "$V4RULES" | tcprules6 ours.cdb ours.tmp
	printf '%s' "$V4RULES" | /usr/bin/tcprules deb.cdb deb.tmp
	ok "byte-identical cdb to Debian's tcprules" cmp ours.cdb deb.cdb
	printf '%s' "$V4RULES" | sed 's/$/ /' | tcprules6 ours2.cdb ours2.tmp
	ok "trailing blanks stripped as Debian does" cmp ours2.cdb deb.cdb
else
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP /usr/bin/tcprules not installed"
fi

done_testing
