#!/bin/sh
# jgreylist behind tcpserver6, swaks as the client from IPv4, IPv6 and
# v4-mapped addresses, smtpd-standin (qmail-smtpd stand-in) as the next
# program: first contact 450, too soon 450 "I said...", after HOLDTIME the
# whole session reaches the stand-in with the environment tcpserver6 gave
# untouched; BY_IP and prefixes; JGREYLIST set by tcprules rules.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"
. "$TOP/t/lib/grey.sh"

MD=$T/Maildir
REC=$T/rec
CONF=$T/conf
mkdir "$REC"
: >"$CONF"
SMTPD_STANDIN_MAILDIR=$MD
export SMTPD_STANDIN_MAILDIR REC CONF JG JGREYLIST_DIR=$GD

# the program tcpserver6 runs: the settings of $CONF, a record of the
# environment, then jgreylist; after it, another record and the stand-in
cat >"$T/jgrun" <<'EOF'
#!/bin/sh
. "$CONF"
env | LC_ALL=C sort >"$REC/before.$TCPREMOTEPORT"
exec "$JG" "$REC/../after"
EOF
cat >"$T/after" <<'EOF'
#!/bin/sh
env | LC_ALL=C sort >"$REC/after.$TCPREMOTEPORT"
exec smtpd-standin
EOF
chmod +x "$T/jgrun" "$T/after"

# sw SRC HOST PORT: one swaks session from SRC; its server lines in swout,
# exit code in $SW, the client port in $CP
sw() {
	timeout 30 swaks --server "$2" --port "$3" --local-interface "$1" \
		--from a@example.org --to x@example.com --helo client.test \
		--timeout 10 >"$T/swaks" 2>&1
	SW=$?
	grep -E '^(<-|<\*\*)' "$T/swaks" |
		sed 's/ [0-9][0-9]* qp [0-9][0-9]*$/ N qp P/' >"$T/swout"
	CP=$(ls -t "$REC" | sed -n 's/^before\.//p' | head -1)
}
swout() { cat "$T/swout"; }
nmail() { ls "$MD/new" 2>/dev/null | wc -l | tr -d ' '; }
lastmail() { ls -t "$MD"/new/* | head -1; }
conf() { printf 'export %s\n' "$@" >"$CONF"; }

G1="<-  220 jgreylist v8
<-  250 jgreylist v8
<-  250 jgreylist v8
<** 450 GREYLIST Try again later.
<-  221 jgreylist v8"
G2="<-  220 jgreylist v8
<-  250 jgreylist v8
<-  250 jgreylist v8
<** 450 GREYLIST I said to try later.
<-  221 jgreylist v8"
PASS="<-  220 0 ESMTP
<-  250-0
<-  250-PIPELINING
<-  250 8BITMIME
<-  250 ok
<-  250 ok
<-  354 go ahead
<-  250 ok N qp P
<-  221 0"

ts_start dual -RHl0 -c 100 0 0 "$T/jgrun" || exit 1
P=$PORT

# --- IPv4 -------------------------------------------------------------------
sw 127.0.0.5 127.0.0.1 "$P"
is "$(swout)" "$G1" "IPv4 first contact: 450 Try again later. at RCPT"
ok "IPv4 first contact: swaks reports a failure ($SW)" test "$SW" -ne 0
is "$(nmail)" 0 "IPv4 first contact: no mail"
is "$(tree "$GD")" "d ip4
d ip4/127
d ip4/127/000
f ip4/127/000/000" "IPv4 first contact: entry ip4/127/000/000"
ok "IPv4 first contact: the next program did not run" test ! -e "$REC/after.$CP"

sw 127.0.0.6 127.0.0.1 "$P"
is "$(swout)" "$G2" "IPv4, same /24, too soon: 450 I said to try later."
is "$(nmail)" 0 "too soon: no mail"

age "$GD/ip4/127/000/000" 121
m=$(mtime "$GD/ip4/127/000/000")
sw 127.0.0.7 127.0.0.1 "$P"
is "$(swout)" "$PASS" "IPv4 after HOLDTIME: the whole session is the stand-in's"
is "$SW/$(nmail)" 0/1 "IPv4 after HOLDTIME: swaks exits 0, one mail"
is "$(cat "$REC/after.$CP")" "$(cat "$REC/before.$CP")" \
	"IPv4 pass: the next program's environment is exactly jgreylist's"
is "$(sed -n 's/^X-Standin-Env: //p' "$(lastmail)")" \
	"$(grep -E '^(TCP|PROTO=)' "$REC/before.$CP")" \
	"IPv4 pass: the stand-in saw tcpserver6's TCP* variables"
ok "IPv4 pass: TCPREMOTEIP=127.0.0.7" grep -qx 'TCPREMOTEIP=127.0.0.7' "$REC/after.$CP"
is "$(mtime "$GD/ip4/127/000/000")" "$m" "IPv4 pass: mtime kept"
ok "IPv4 pass: atime now" near "$(atime "$GD/ip4/127/000/000")" "$(date +%s)"

# --- IPv6 ---------------------------------------------------------------------
sw 2001:db8::1 2001:db8:1::1 "$P"
is "$(swout)" "$G1" "IPv6 first contact: 450 Try again later."
E6=$GD/ip6/20/01/0d/b8/00/00/00/00
ok "IPv6 first contact: entry ip6/20/01/0d/b8/00/00/00/00" test -f "$E6"
sw 2001:db8::2 2001:db8:1::1 "$P"
is "$(swout)" "$G2" "IPv6, same /64: too soon"
sw 2001:db8:1::1 2001:db8::1 "$P"
is "$(swout)" "$G1" "IPv6, another /64: first contact"
ok "... entry ip6/20/01/0d/b8/00/01/00/00" test -f "$GD/ip6/20/01/0d/b8/00/01/00/00"
sw ::1 ::1 "$P"
is "$(swout)" "$G1" "IPv6 ::1: first contact"
ok "... entry ip6/00/00/00/00/00/00/00/00" test -f "$GD/ip6/00/00/00/00/00/00/00/00"
age "$E6" 3600
sw 2001:db8::1 2001:db8:1::1 "$P"
is "$(swout)" "$PASS" "IPv6 after HOLDTIME: the session is the stand-in's"
is "$(cat "$REC/after.$CP")" "$(cat "$REC/before.$CP")" "IPv6 pass: environment untouched"
is "$(sed -n 's/^X-Standin-Env: \(TCPREMOTEIP\|PROTO\)=//p' "$(lastmail)" | tr '\n' ' ')" \
	"TCP6 2001:db8::1 " "IPv6 pass: the stand-in saw PROTO=TCP6 TCPREMOTEIP=2001:db8::1"
is "$(find "$GD/ip6" -type f | wc -l | tr -d ' ')" 3 "IPv6: three entries in all"
ts_stop dual

# --- v4-mapped: tcpserver6 -6 gives TCPREMOTEIP=::ffff:a.b.c.d -------------------
ts_start six -6 -RHl0 0 0 "$T/jgrun" || exit 1
sw 127.1.2.3 127.0.0.1 "$PORT"
is "$(swout)" "$G1" "v4-mapped first contact: 450 Try again later."
ok "... TCPREMOTEIP was ::ffff:127.1.2.3" grep -qx 'TCPREMOTEIP=::ffff:127.1.2.3' "$REC/before.$CP"
ok "... entry ip4/127/001/002 (IPv4, not ip6/)" test -f "$GD/ip4/127/001/002"
is "$(find "$GD/ip6" -type f | wc -l | tr -d ' ')" 3 "... nothing new under ip6/"
ts_stop six
ts_start dual -RHl0 0 0 "$T/jgrun" || exit 1
P=$PORT
sw 127.1.2.4 127.0.0.1 "$P"
is "$(swout)" "$G2" "the same /24 as plain IPv4: too soon"

# --- BY_IP and prefixes, set for each connection ---------------------------------------
conf "JGREYLIST_DIR=$T/g2" JGREYLIST_BY_IP=1
mkdir "$T/g2"
sw 127.0.0.5 127.0.0.1 "$P"
is "$(swout)" "$G1" "BY_IP: first contact"
sw 127.0.0.6 127.0.0.1 "$P"
is "$(swout)" "$G1" "BY_IP: another address of the /24 is new too"
sw 2001:db8::1 2001:db8:1::1 "$P"
sw 2001:db8::2 2001:db8:1::1 "$P"
is "$(swout)" "$G1" "BY_IP: another address of the /64 is new too"
is "$(tree "$T/g2" | sed -n 's/^f //p')" "ip4/127/000/000/005
ip4/127/000/000/006
ip6/20/01/0d/b8/00/00/00/00/00/00/00/00/00/00/00/01
ip6/20/01/0d/b8/00/00/00/00/00/00/00/00/00/00/00/02" "BY_IP: one entry per address"

conf "JGREYLIST_DIR=$T/g3" JGREYLIST_PREFIX4=16 JGREYLIST_PREFIX6=32
mkdir "$T/g3"
sw 127.0.0.5 127.0.0.1 "$P"
sw 127.0.9.9 127.0.0.1 "$P"
is "$(swout)" "$G2" "PREFIX4=16: 127.0.9.9 shares 127.0.0.5's entry"
sw 2001:db8::1 2001:db8:1::1 "$P"
sw 2001:db8:1::1 2001:db8::1 "$P"
is "$(swout)" "$G2" "PREFIX6=32: 2001:db8:1::1 shares 2001:db8::1's entry"
sw 2001:db8:ffff::9 2001:db8::1 "$P"
is "$(swout)" "$G2" "PREFIX6=32: 2001:db8:ffff::9 too"
is "$(tree "$T/g3" | sed -n 's/^f //p')" "ip4/127/000/000
ip6/20/01/0d/b8/00/00/00/00" "PREFIX4=16, PREFIX6=32: two entries"
: >"$CONF"
ts_stop dual

# --- JGREYLIST from tcprules ----------------------------------------------------------
rules "$T/rules.cdb" <<'EOF'
127.0.0.8:allow,JGREYLIST=""
127.0.0.9:allow,JGREYLIST="Go away %"
2001:db8::2:allow,JGREYLIST="No mail from %, sorry"
:allow
EOF
ts_start rules -RHl0 -x "$T/rules.cdb" 0 0 "$T/jgrun" || exit 1
P=$PORT
n=$(nmail)
sw 127.0.0.8 127.0.0.1 "$P"
is "$(swout)" "$PASS" "JGREYLIST=\"\" by rule: straight to the stand-in"
is "$(nmail)" $((n + 1)) "... the mail is delivered"
is "$(cat "$REC/after.$CP")" "$(cat "$REC/before.$CP")" "... environment untouched (JGREYLIST= kept)"
ok "... JGREYLIST is set and empty" grep -qx 'JGREYLIST=' "$REC/after.$CP"
sw 127.0.0.9 127.0.0.1 "$P"
is "$(swout)" "<-  220 jgreylist v8
<-  250 jgreylist v8
<-  250 jgreylist v8
<** 553 DENIED Go away 127.0.0.9
<-  221 jgreylist v8" "JGREYLIST=\"Go away %\" by rule: 553 at RCPT"
sw 2001:db8::2 2001:db8:1::1 "$P"
is "$(swout | sed -n 4p)" "<** 553 DENIED No mail from 2001:db8::2, sorry" "IPv6 blacklisted by rule"
sw 127.0.1.1 127.0.0.1 "$P"
is "$(swout)" "$G1" "no JGREYLIST: greylisted"
ts_stop rules
is "$(sed -n 's/^jgreylist\[[0-9]*\]: //p' "$T/rules.log")" "127.0.0.8: OK whitelisted
127.0.0.9: DENY blacklisted
2001:db8::2: DENY blacklisted
127.0.1.1: GREY first time" "the log lines reach tcpserver6's stderr"

done_testing
