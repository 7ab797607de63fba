#!/bin/sh
# tcpserver6 -x: rules lookup and instructions (spec 1.5, 2.1 "Rules",
# section 6 items 18 and 20-23): allow/deny, variables overriding
# tcpserver's own, IPv4 rules for v4-mapped clients, -6 keys, the cdb read
# per connection, cdbs from Debian's tcprules and hand-made records, and the
# CIDR / dotted / textual precedence of item 22.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"

R=$T/rules.cdb
# show what a client sees: R and X from the rules (empty output = denied)
SHOW='echo "R=${R-unset} X=${X-unset}"'

rules "$R" <<'EOF'
# exact keys
127.0.0.1:allow,R="exact",X="a,b:c"
127.0.0.2:deny
127.0.0.3:deny,R="ignored"
127.0.0.6:allow
127.:allow,R="dot8"
::1:allow,R="v6exact"
2001:db8::1:deny
:allow,R="default"
EOF
ok "tcprules6 compiles the rules" test -s "$R"

ts_start basic -RHl0 -x "$R" 0 0 sh -c "$SHOW"
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" 'R=exact X=a,b:c' "exact IPv4 key; commas and colons inside a value"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" '' "deny: connection closed, program not run"
is "$(tc 127.0.0.3 127.0.0.1 "$P")" '' "deny with variables still denies"
is "$(tc 127.0.0.6 127.0.0.1 "$P")" 'R=unset X=unset' "a plain allow record stops the search"
is "$(tc 127.0.0.4 127.0.0.1 "$P")" 'R=dot8 X=unset' "dotted prefix 127."
is "$(tc "" ::ffff:127.0.0.1 "$P")" 'R=exact X=a,b:c' "v4-mapped client matches the dotted-quad key"
is "$(tc ::1 ::1 "$P")" 'R=v6exact X=unset' "exact IPv6 key ::1"
is "$(tc 2001:db8::1 ::1 "$P")" '' "exact IPv6 deny 2001:db8::1"
is "$(tc 2001:db8::2 ::1 "$P")" 'R=default X=unset' "empty key as the default"

# the cdb is read for every connection: replace it under the running server
rules "$R" <<'EOF'
127.0.0.1:allow,R="second"
EOF
is "$(tc 127.0.0.1 127.0.0.1 "$P")" 'R=second X=unset' "new rules apply without a restart"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" 'R=unset X=unset' "old deny gone"
ts_stop basic

# a denied client still gets the banner: -B comes before the rules
rules "$R" <<'EOF'
127.0.0.2:deny
EOF
ts_start banner -RHl0 -B 'hi there ' -x "$R" 0 0 sh -c 'echo prog'
is "$(tc 127.0.0.2 127.0.0.1 "$PORT" | od -c)" "$(printf 'hi there ' | od -c)" "deny: only the banner reaches the client"
is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" "hi there prog" "allow: banner, then the program"
ts_stop banner

# --- rules override tcpserver's own variables (djb order, item 18) --------
rules "$R" <<'EOF'
127.0.0.1:allow,TCPLOCALHOST="movie.edu",PROTO="XYZ",TCPREMOTEIP="192.0.2.9",TCP6REMOTEPORT="1",TCPREMOTEHOST="rule.example"
::1:allow,TCP6REMOTEIP="x",TCPREMOTEINFO="info"
EOF
ts_start override -RHl Local -x "$R" 0 0 "$PRINTENV"
P=$PORT
got=$(tc 127.0.0.1 127.0.0.1 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=XYZ TCPLOCALHOST=movie.edu TCPLOCALIP=127.0.0.1 \
	TCPLOCALPORT="$P" TCPREMOTEHOST=rule.example TCPREMOTEIP=192.0.2.9 \
	TCPREMOTEPORT="$C" TCP6LOCALHOST=Local TCP6LOCALIP=::ffff:127.0.0.1 \
	TCP6LOCALPORT="$P" TCP6REMOTEIP=::ffff:127.0.0.1 TCP6REMOTEPORT=1)" \
	"rule variables override PROTO and TCP* (IPv4)"
got=$(tc ::1 ::1 "$P" | grep -E '^TCP6?(REMOTEIP|REMOTEINFO)=')
is "$got" "TCPREMOTEIP=::1
TCPREMOTEINFO=info
TCP6REMOTEIP=x
TCP6REMOTEINFO=unset" "rule variables override TCP6* (IPv6)"
ts_stop override

# --- -6: the key is the ::ffff: text --------------------------------------
rules "$R" <<'EOF'
127.0.0.1:allow,R="dotted"
::ffff:127.0.0.1:allow,R="mapped"
EOF
ts_start six -6 -RHl0 -x "$R" 0 0 sh -c "$SHOW"
is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" 'R=mapped X=unset' "-6: IPv4 client looked up as ::ffff:127.0.0.1"
ts_stop six
ts_start nosix -RHl0 -x "$R" 0 0 sh -c "$SHOW"
is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" 'R=dotted X=unset' "without -6: looked up as 127.0.0.1"
ts_stop nosix

# --- a cdb written by Debian's tcprules -------------------------------------
/usr/bin/tcprules "$T/deb.cdb" "$T/deb.tmp" <<'EOF'
127.0.0.1:allow,R="debian"
127.0.0.2:deny
2001:db8::allow,R="fefe"
127.0-5.:allow,R="range"
EOF
ts_start deb -RHl0 -x "$T/deb.cdb" 0 0 sh -c "$SHOW"
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" 'R=debian X=unset' "Debian tcprules cdb: exact allow"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" '' "Debian tcprules cdb: deny"
is "$(tc 127.0.0.9 127.0.0.1 "$P")" 'R=range X=unset' "Debian tcprules cdb: range 127.0-5."
is "$(tc 2001:db8:1::1 ::1 "$P")" 'R=fefe X=unset' "Debian tcprules cdb: Fefe textual prefix 2001:db8:"
ts_stop deb

# --- hand-made records: instruction decoding (item 23) --------------------
# tinycdb's "cdb -c" input: +klen,dlen:key->data
cdbrec() {   # KEY DATA(printf format)
	_d=$(printf "$2" | wc -c)
	printf '+%d,%d:%s->' "${#1}" "$_d" "$1"
	printf "$2"
	printf '\n'
}
{
	cdbrec 127.0.0.1 '+NOEQUALS\000Zjunk\000+X=first\000+R=a=b\000+X=second\000'
	cdbrec 127.0.0.2 '+R=before\000D\000+X=after\000'
	cdbrec 127.0.0.3 '\000\000+R=\000'
	printf '\n'
} >"$T/hand.in"
cdb -c "$T/hand.cdb" <"$T/hand.in"
ts_start hand -RHl0 -x "$T/hand.cdb" 0 0 sh -c "$SHOW; echo \"NOEQUALS=\${NOEQUALS-unset}\""
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" 'R=a=b X=second
NOEQUALS=unset' "records: split at the first '=', '+' without '=' and unknown bytes ignored, in order"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" '' "records: D anywhere denies"
is "$(tc 127.0.0.3 127.0.0.1 "$P")" 'R= X=unset
NOEQUALS=unset' "records: empty instructions skipped, empty value set"
ts_stop hand

# --- info@ keys need ident --------------------------------------------------
identd_start 127.0.0.1 joe
identd_start 127.0.0.2 bob
identd_wait 127.0.0.1 127.0.0.2
rules "$R" <<'EOF'
joe@127.0.0.1:allow,R="joe"
127.0.0.1:deny
127.0.0.2:allow,R="ip"
EOF
ts_start info -Hl0 -t 5 -x "$R" 0 0 sh -c "$SHOW"
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" 'R=joe X=unset' "info@ip key wins over ip"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" 'R=ip X=unset' "other user: ip key"
ts_stop info
ts_start noinfo -RHl0 -x "$R" 0 0 sh -c "$SHOW"
is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" '' "-R: no info, the ip key denies"
ts_stop noinfo

# --- CIDR, dotted and textual precedence (item 22) --------------------------
rules "$R" <<'EOF'
127.0.0.5:allow,R="exact"
127.0.0.4/31:allow,R="cidr31"
127.0.0.0/24:deny
127.0.1.:allow,R="dot24"
127.0.1.0/24:deny
127.0.2.0/23:allow,R="cidr23"
127.0.0.0/9:allow,R="cidr9"
127.:allow,R="dot8"
127.0.0.0/8:deny
2001:db8::1:allow,R="exact6"
2001:db8::2/127:allow,R="cidr127"
2001:db8:1::/48:allow,R="cidr48"
2001:db8::/32:deny
2001:db8:ffff::allow,R="text48"
:::allow,R="textlo"
::/0:allow,R="all6"
0.0.0.0/0:allow,R="all4"
:deny
EOF
ts_start cidr -RHl0 -x "$R" 0 0 sh -c "$SHOW"
P=$PORT
is "$(tc 127.0.0.5 127.0.0.1 "$P")" 'R=exact X=unset' "exact key before any prefix"
is "$(tc 127.0.0.4 127.0.0.1 "$P")" 'R=cidr31 X=unset' "/31 beats the /24"
is "$(tc 127.0.0.1 127.0.0.1 "$P")" '' "127.0.0.0/24:deny beats 127.:allow (longer prefix wins)"
is "$(tc "" ::ffff:127.0.0.1 "$P")" '' "the same for a v4-mapped client"
is "$(tc 127.0.1.1 127.0.0.1 "$P")" 'R=dot24 X=unset' "dotted 127.0.1. is tried just before 127.0.1.0/24"
is "$(tc 127.0.3.1 127.0.0.1 "$P")" 'R=cidr23 X=unset' "/23 beats /9 and 127."
is "$(tc 127.1.0.1 127.0.0.1 "$P")" 'R=cidr9 X=unset' "/9 beats the dotted 127."
is "$(tc 127.200.0.1 127.0.0.1 "$P")" 'R=dot8 X=unset' "dotted 127. is tried just before 127.0.0.0/8"
is "$(tc 2001:db8::1 ::1 "$P")" 'R=exact6 X=unset' "IPv6 exact key"
is "$(tc 2001:db8::2 ::1 "$P")" 'R=cidr127 X=unset' "2001:db8::2/127"
is "$(tc 2001:db8:1::1 ::1 "$P")" 'R=cidr48 X=unset' "2001:db8:1::/48 beats 2001:db8::/32"
is "$(tc 2001:db8:ffff::9 ::1 "$P")" '' "2001:db8::/32:deny beats the textual 2001:db8:ffff:"
is "$(tc ::1 ::1 "$P")" 'R=textlo X=unset' "textual :: beats ::/0"
ts_stop cidr

# only the /0 keys cover the client
rules "$R" <<'EOF'
0.0.0.0/0:allow,R="all4"
::/0:allow,R="all6"
:deny
EOF
ts_start all -RHl0 -x "$R" 0 0 sh -c "$SHOW"
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" 'R=all4 X=unset' "0.0.0.0/0 before the empty key"
is "$(tc "" ::ffff:127.0.0.1 "$P")" 'R=all4 X=unset' "0.0.0.0/0 for a v4-mapped client"
is "$(tc 2001:db8::1 ::1 "$P")" 'R=all6 X=unset' "::/0 before the empty key"
ts_stop all

# legacy textual IPv6 prefixes (Fefe), no CIDR key in the file
rules "$R" <<'EOF'
2001:db8:ffff::allow,R="text48"
2001:db8::allow,R="text32"
2001:db8:0::allow,R="never"
:deny
EOF
ts_start text -RHl0 -x "$R" 0 0 sh -c "$SHOW"
P=$PORT
is "$(tc 2001:db8:ffff::9 ::1 "$P")" 'R=text48 X=unset' "textual 2001:db8:ffff: longest first"
is "$(tc 2001:db8::1 ::1 "$P")" 'R=text32 X=unset' "textual 2001:db8: (2001:db8:0: never matches the compressed text)"
is "$(tc 2001:db8:1::1 ::1 "$P")" 'R=text32 X=unset' "textual 2001:db8: for 2001:db8:1::1"
is "$(tc ::1 ::1 "$P")" '' "no textual match: empty key"
ts_stop text

done_testing
