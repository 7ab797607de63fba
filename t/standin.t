#!/bin/sh
# standin.t: smtpd-standin, the qmail-smtpd stand-in used at the end of the
# test chains and in the demo.  Replies are compared byte for byte (CR shown
# as ^M by cat -v), stored files exactly.
. "$(dirname "$0")/lib/tap.sh"
# Only the last part (the demo on port 2525) needs the network namespace.
. "$TOP/t/lib/netns.sh"
netns_enter "$@"

MD=$T/Maildir
SI=$TBIN/smtpd-standin

# standin [NAME=VALUE...]: runs the stand-in with only these variables,
# stdin -> stdout (through cat -v), stderr to $T/err, exit code to $T/rc.
standin() {
	env -i PATH="$PATH" SMTPD_STANDIN_MAILDIR="$MD" "$@" "$SI" 2>"$T/err"
	echo $? >"$T/rc"
}
# session [NAME=VALUE...]: the same with the "250 ok TIME qp PID" numbers
# replaced by T and P (checked on their own below).
session() {
	standin "$@" | cat -v |
	    sed 's/^250 ok [0-9][0-9]* qp [0-9][0-9]*^M$/250 ok T qp P^M/'
}
nfiles() { ls "$MD/$1" 2>/dev/null | wc -l | tr -d ' '; }
# msgfile: the stored file(s), cat -v, with an end mark (keeps empty lines).
msgfile() { cat -v "$MD"/new/* 2>/dev/null; echo '<EOF>'; }
fresh() { rm -rf "$MD"; }

# ---- a whole session, CR LF ------------------------------------------------
fresh
crlf='EHLO client.example\r\nMAIL FROM:<me@example.org>\r\nRCPT TO:<postmaster@example.com>\r\nRCPT TO:<x@evil.example>\r\nRCPT TO:<Joe@EXAMPLE.COM>\r\nDATA\r\nSubject: hi\r\n\r\n..leading dot\r\n..\r\nbare CR\rin line\r\n\r\n.\r\nQUIT\r\n'
got=$(printf "$crlf" | session PROTO=TCP TCPREMOTEIP=192.0.2.7 \
    TCPLOCALPORT=25 TCP6REMOTEIP=::ffff:192.0.2.7 FOO=bar DATABYTES=0)
is "$got" "220 localhost ESMTP^M
250-localhost^M
250-PIPELINING^M
250 8BITMIME^M
250 ok^M
250 ok^M
553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)^M
250 ok^M
354 go ahead^M
250 ok T qp P^M
221 localhost^M" "CRLF session: replies byte for byte"
is "$(cat "$T/rc")" 0 "exit 0 after QUIT"
is "$(nfiles new)/$(nfiles tmp)/$(nfiles cur)" 1/0/0 "one file in new/, tmp/ and cur/ exist and are empty"
want_file="X-Standin-Envelope-From: <me@example.org>
X-Standin-Envelope-To: <postmaster@example.com>
X-Standin-Envelope-To: <Joe@EXAMPLE.COM>
X-Standin-Env: DATABYTES=0
X-Standin-Env: PROTO=TCP
X-Standin-Env: TCP6REMOTEIP=::ffff:192.0.2.7
X-Standin-Env: TCPLOCALPORT=25
X-Standin-Env: TCPREMOTEIP=192.0.2.7

Subject: hi

.leading dot
.
bare CR^Min line

<EOF>"
is "$(msgfile)" "$want_file" "Maildir file: envelope, sorted env, unstuffed body, LF line ends"

# ---- the same with bare LF line ends ---------------------------------------
fresh
lf='EHLO client.example\nMAIL FROM:<me@example.org>\nRCPT TO:<postmaster@example.com>\nRCPT TO:<x@evil.example>\nRCPT TO:<Joe@EXAMPLE.COM>\nDATA\nSubject: hi\n\n..leading dot\n..\nbare CR\rin line\n\n.\nQUIT\n'
got=$(printf "$lf" | session PROTO=TCP TCPREMOTEIP=192.0.2.7 \
    TCPLOCALPORT=25 TCP6REMOTEIP=::ffff:192.0.2.7 DATABYTES=0)
is "$(echo "$got" | sed -n '10p')" "250 ok T qp P^M" "LF session: accepted"
is "$(msgfile)" "$want_file" "LF session: the same file"

# ---- the 250 ok line: time and pid ------------------------------------------
fresh
before=$(date +%s)
line=$(printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\n.\r\n' |
    standin | sed -n '5p' | tr -d '\r')
after=$(date +%s)
t=${line#250 ok }; t=${t%% *}
ok "250 ok TIME qp PID shape ($line)" \
    sh -c "echo '$line' | grep -qx '250 ok [0-9]* qp [1-9][0-9]*'"
ok "TIME is now" test "$t" -ge "$before" -a "$t" -le "$after"
is "$(msgfile)" "X-Standin-Envelope-From: <>
X-Standin-Envelope-To: <a@localhost>

<EOF>" "empty message, null sender"
is "$(cat "$T/rc")" 0 "exit 0 at end of input"

# ---- state rules and the other replies --------------------------------------
fresh
got=$(printf 'RCPT TO:<a@example.com>\r\nDATA\r\nMAIL FROM:<a@b>\r\nDATA\r\nRCPT TO:<a@example.com>\r\nRSET\r\nRCPT TO:<a@example.com>\r\nmail from:<a@b>\r\nHELO x\r\nRCPT TO:<a@example.com>\r\nNOOP\r\nVRFY root\r\nHELP\r\nEXPN root\r\nSTARTTLS\r\nQUITX\r\n\r\nquit\r\n' |
    session)
is "$got" "220 localhost ESMTP^M
503 MAIL first (#5.5.1)^M
503 MAIL first (#5.5.1)^M
250 ok^M
503 RCPT first (#5.5.1)^M
250 ok^M
250 flushed^M
503 MAIL first (#5.5.1)^M
250 ok^M
250 localhost^M
503 MAIL first (#5.5.1)^M
250 ok^M
252 send some mail, i'll try my best^M
214 qmail home page: http://pobox.com/~djb/qmail.html^M
502 unimplemented (#5.5.1)^M
502 unimplemented (#5.5.1)^M
502 unimplemented (#5.5.1)^M
502 unimplemented (#5.5.1)^M
221 localhost^M" "MAIL/RCPT/DATA order, RSET, HELO, NOOP, VRFY, HELP, unknown"
is "$(nfiles new)" 0 "no message stored"

fresh
got=$(printf 'MAIL FROM:<a@b>\r\nRCPT TO:<a@example.com>\r\nDATA\r\nx\r\n.\r\nDATA\r\nRCPT TO:<a@example.com>\r\nQUIT\r\n' |
    session)
is "$got" "220 localhost ESMTP^M
250 ok^M
250 ok^M
354 go ahead^M
250 ok T qp P^M
503 MAIL first (#5.5.1)^M
503 MAIL first (#5.5.1)^M
221 localhost^M" "after DATA a new MAIL is needed"

# ---- host name ------------------------------------------------------------------
got=$(printf 'HELO a\r\nEHLO b\r\nQUIT\r\n' | session TCPLOCALHOST=mx.example.net)
is "$got" "220 mx.example.net ESMTP^M
250 mx.example.net^M
250-mx.example.net^M
250-PIPELINING^M
250 8BITMIME^M
221 mx.example.net^M" "host from TCPLOCALHOST"
got=$(printf 'QUIT\r\n' | session TCPLOCALHOST=mx.example.net SMTPD_STANDIN_HOST=standin.test)
is "$got" "220 standin.test ESMTP^M
221 standin.test^M" "SMTPD_STANDIN_HOST wins"

# ---- address parsing as qmail-smtpd -----------------------------------------------
fresh
long=$(printf '%0901d' 0)
got=$(printf 'MAIL FROM:<%s>\r\nMAIL FROM: <"a b"@example.org>\r\nRCPT TO:<@r1.example,@r2.example:u@example.com>\r\nRCPT TO:postmaster\r\nRCPT TO:<a\\>b@localhost>\r\nDATA\r\n.\r\n' "$long" |
    session)
is "$got" "220 localhost ESMTP^M
555 syntax error (#5.5.4)^M
250 ok^M
250 ok^M
250 ok^M
250 ok^M
354 go ahead^M
250 ok T qp P^M" "address longer than 900 bytes: 555"
is "$(msgfile)" 'X-Standin-Envelope-From: <a b@example.org>
X-Standin-Envelope-To: <u@example.com>
X-Standin-Envelope-To: <postmaster>
X-Standin-Envelope-To: <a>b@localhost>

<EOF>' "quotes, source route, no brackets, backslash escape"

# ---- rcpthosts -------------------------------------------------------------------
fresh
got=$(printf 'MAIL FROM:<>\r\nRCPT TO:<a@sub.example.net>\r\nRCPT TO:<a@example.net>\r\nRCPT TO:<a@FOO.org>\r\nRCPT TO:<a@x.foo.org>\r\nRCPT TO:<a@example.com>\r\nRCPT TO:<a@>\r\n' |
    session SMTPD_STANDIN_RCPTHOSTS='  .example.net foo.org ')
is "$got" "220 localhost ESMTP^M
250 ok^M
250 ok^M
553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)^M
250 ok^M
553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)^M
553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)^M
553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)^M" \
    "SMTPD_STANDIN_RCPTHOSTS: exact (any case) and .suffix entries"
got=$(printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nRCPT TO:<a>\r\n' |
    session SMTPD_STANDIN_RCPTHOSTS=)
is "$got" "220 localhost ESMTP^M
250 ok^M
553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)^M
250 ok^M" "set but empty rcpthosts: only addresses without @"

# ---- RELAYCLIENT ----------------------------------------------------------------
fresh
got=$(printf 'MAIL FROM:<>\r\nRCPT TO:<a@evil.example>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n.\r\n' |
    session RELAYCLIENT=)
is "$(echo "$got" | sed -n '3,4p')" "250 ok^M
250 ok^M" "RELAYCLIENT set: any domain"
is "$(msgfile)" "X-Standin-Envelope-From: <>
X-Standin-Envelope-To: <a@evil.example>
X-Standin-Envelope-To: <b@example.com>
X-Standin-Env: RELAYCLIENT=

<EOF>" "RELAYCLIENT= stored, addresses unchanged"
fresh
printf 'MAIL FROM:<>\r\nRCPT TO:<a@evil.example>\r\nDATA\r\n.\r\n' |
    session RELAYCLIENT=@relay.example >/dev/null
is "$(msgfile)" "X-Standin-Envelope-From: <>
X-Standin-Envelope-To: <a@evil.example@relay.example>
X-Standin-Env: RELAYCLIENT=@relay.example

<EOF>" "RELAYCLIENT value appended to the recipient"

# ---- DATABYTES ---------------------------------------------------------------
fresh
# "0123456789\n" is 11 bytes as stored (CR LF counts as LF).
got=$(printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\n0123456789\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\n012345678\r\n.\r\n' |
    session DATABYTES=10)
is "$(echo "$got" | sed -n '5p;9p')" "552 sorry, that message size exceeds my databytes limit (#5.3.4)^M
250 ok T qp P^M" "DATABYTES=10: 11 bytes refused, 10 accepted"
is "$(nfiles new)/$(nfiles tmp)" 1/0 "only the accepted one stored, tmp/ empty"
is "$(msgfile | tail -n 2)" "012345678
<EOF>" "it is the 10-byte one"
got=$(printf 'QUIT\r\n' | session DATABYTES=10k)
is "$got" "421 unable to read controls (#4.3.0)^M" "bad DATABYTES: qmail's 421"
is "$(cat "$T/rc")" 100 "bad DATABYTES: exit 100"
is "$(cat "$T/err")" 'smtpd-standin: fatal: invalid $DATABYTES: 10k' "bad DATABYTES: message"

# ---- hop count ---------------------------------------------------------------
fresh
hops() { i=0; while [ $i -lt "$1" ]; do printf 'Received: from x\r\n'; i=$((i + 1)); done; }
got=$( { printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\n'; hops 99
	printf 'Delivered-To: a@localhost\r\n\r\n.\r\n'; } | session)
is "$(echo "$got" | sed -n 5p)" "554 too many hops, this message is looping (#5.4.6)^M" "100 hops: 554"
got=$( { printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\n'; hops 99
	printf '\r\nReceived: in the body\r\n.\r\n'; } | session)
is "$(echo "$got" | sed -n 5p)" "250 ok T qp P^M" "99 hops (body lines do not count): accepted"

# ---- pipelining: everything in one write, two messages ---------------------------
fresh
got=$(printf 'EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<one@example.com>\r\nDATA\r\nfirst\r\n.\r\nMAIL FROM:<c@d>\r\nRCPT TO:<two@example.com>\r\nDATA\r\nsecond\r\n.\r\nQUIT\r\n' |
    session)
is "$got" "220 localhost ESMTP^M
250-localhost^M
250-PIPELINING^M
250 8BITMIME^M
250 ok^M
250 ok^M
354 go ahead^M
250 ok T qp P^M
250 ok^M
250 ok^M
354 go ahead^M
250 ok T qp P^M
221 localhost^M" "pipelined input: every reply, in order"
is "$(cat "$MD"/new/* | grep -c '^X-Standin-Envelope-To')" 2 "two messages stored"
ok "second message body" grep -qx second "$MD"/new/*

# ---- line length -----------------------------------------------------------------
# 1000 bytes with CR LF is the longest command line.
got=$(printf 'NOOP %0993d\r\nNOOP %0994d\r\nNOOP\r\n' 0 0 | session)
is "$got" "220 localhost ESMTP^M
250 ok^M
500 line too long (#5.5.2)^M
250 ok^M" "1000-byte line ok, 1001 bytes: 500, then on"

# ---- timeout ---------------------------------------------------------------------
got=$( { printf 'HELO x\r\n'; sleep 3; } | session SMTPD_STANDIN_TIMEOUT=1)
is "$got" "220 localhost ESMTP^M
250 localhost^M
451 timeout (#4.4.2)^M" "idle timeout: qmail's 451"
is "$(cat "$T/rc")" 111 "timeout: exit 111"
fresh
got=$( { printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\npartial\r\n'; sleep 3; } |
    session SMTPD_STANDIN_TIMEOUT=1)
is "$(echo "$got" | tail -n 1)" "451 timeout (#4.4.2)^M" "timeout inside DATA"
is "$(nfiles new)/$(nfiles tmp)" 0/0 "timeout inside DATA: nothing left in new/ or tmp/"
fresh
printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\npartial\r\n' | session >/dev/null
is "$(nfiles new)/$(nfiles tmp)" 0/0 "end of input inside DATA: nothing stored"
got=$(printf 'QUIT\r\n' | session SMTPD_STANDIN_TIMEOUT=0)
is "$got/$(cat "$T/rc")" "421 unable to read controls (#4.3.0)^M/100" "SMTPD_STANDIN_TIMEOUT=0 refused"

# ---- write errors ----------------------------------------------------------------
fresh
body() { i=0; while [ $i -lt 400 ]; do printf '%0100d\r\n' $i; i=$((i + 1)); done; }
got=$( { printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\n'; body
	printf '.\r\nQUIT\r\n'; } | (ulimit -f 8; session))
is "$got" "220 localhost ESMTP^M
250 ok^M
250 ok^M
354 go ahead^M
451 qq write error or disk full (#4.3.0)^M
221 localhost^M" "file size limit hit: qmail's write error reply"
is "$(nfiles new)/$(nfiles tmp)" 0/0 "write error: no file in new/ or tmp/"
ok "write error logged" grep -q '^smtpd-standin: warning: unable to write .*/tmp/' "$T/err"
got=$(printf 'MAIL FROM:<>\r\nRCPT TO:<a@localhost>\r\nDATA\r\nx\r\n.\r\n' |
    MD=/dev/null/Maildir session | sed -n 5p)
is "$got" "451 qq trouble creating files in queue (#4.3.0)^M" "Maildir cannot be made: 451"
is "$(cat "$T/err")" "smtpd-standin: warning: unable to create Maildir /dev/null/Maildir: not a directory" \
    "Maildir cannot be made: warning"

# ---- swaks, as a client would talk -------------------------------------------------
fresh
env -i PATH="$PATH" SMTPD_STANDIN_MAILDIR="$MD" TCPREMOTEIP=::1 PROTO=TCP6 \
    swaks --pipe "$SI" --helo client.example --from me@example.org \
    --to postmaster@example.com --header 'Subject: via swaks' \
    --body 'hello from swaks' >"$T/swaks" 2>&1
is "$?" 0 "swaks: exit 0"
ok "swaks saw the 250 ok after DATA" grep -q '^<-  250 ok [0-9]* qp [0-9]*$' "$T/swaks"
is "$(msgfile | sed -n '1,5p;/^Subject/p;/^hello/p')" "X-Standin-Envelope-From: <me@example.org>
X-Standin-Envelope-To: <postmaster@example.com>
X-Standin-Env: PROTO=TCP6
X-Standin-Env: TCPREMOTEIP=::1

Subject: via swaks
hello from swaks" "swaks: stored file"
fresh
env -i PATH="$PATH" SMTPD_STANDIN_MAILDIR="$MD" swaks --pipe "$SI" --pipeline \
    --from me@example.org --to a@example.com,b@evil.example >"$T/swaks" 2>&1
is "$?" 0 "swaks --pipeline: one of two recipients refused, swaks exit 0"
ok "swaks saw the 553" grep -q "^<\*\* 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)$" "$T/swaks"
is "$(msgfile | sed -n '1,3p' | tr '\n' '|')" "X-Standin-Envelope-From: <me@example.org>|X-Standin-Envelope-To: <a@example.com>||" "swaks --pipeline: stored for the accepted recipient"

# ---- the demo: tools/run-demo puts tcpserver6 in front of the stand-in ------
D=$T/demo
JGREYLIST_HOLDTIME=1 SIXGATE_BUILD=$B SIXGATE_DEMO_DIR=$D sh "$TOP/tools/run-demo" \
    >"$T/demo.out" 2>"$T/demo.err" &
demo=$!
trap 'kill "$demo" 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ -z "$(ss -Hltn 'sport = :2525')" ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
ok "demo prints the swaks line for IPv4" \
    grep -qx '    swaks --server 127.0.0.1 --port 2525 --to postmaster@example.com' "$T/demo.out"
ok "demo prints the swaks line for IPv6" \
    grep -qx '    swaks --server ::1 --port 2525 --to postmaster@example.com' "$T/demo.out"
ok "demo prints where mail lands" grep -qx "  mail lands in $D/Maildir/new/ (one file per message)" "$T/demo.out"
swaks --server 127.0.0.1 --port 2525 --to postmaster@example.com >"$T/s4" 2>&1
is "$?" 0 "demo: swaks over IPv4"
swaks --server ::1 --port 2525 --to someone@elsewhere.example >"$T/s6" 2>&1
is "$?" 0 "demo: swaks over IPv6, relaying allowed for ::1"
swaks --server 127.0.0.1 --port 2525 --local-interface 127.0.0.2 \
    --to someone@elsewhere.example >"$T/s4b" 2>&1
is "$?" 24 "demo: 127.0.0.2 gets no RCPT accepted"
ok "demo: ... because jgreylist greylists its first contact" \
    grep -q '<\*\* 450 GREYLIST Try again later\.' "$T/s4b"
ok "demo: ... and keeps its /24 in the greylist tree" \
    test -f "$D/greylist/ip4/127/000/000"
is "$(ls "$D/Maildir/new" | wc -l | tr -d ' ')" 2 "demo: two messages in the Maildir"
is "$(grep -h '^X-Standin-Env: \(TCPREMOTEIP\|RELAYCLIENT\)' "$D"/Maildir/new/* | sort)" \
    "X-Standin-Env: RELAYCLIENT=
X-Standin-Env: RELAYCLIENT=
X-Standin-Env: TCPREMOTEIP=127.0.0.1
X-Standin-Env: TCPREMOTEIP=::1" "demo: tcpserver6 and rules set the environment"
# the greylisted client comes back after the hold time: the whole chain
# (rblsmtpd6, jgreylist, dkverify) lets it through, dkverify adds its field
sleep 1.2
swaks --server 127.0.0.1 --port 2525 --local-interface 127.0.0.2 \
    --to postmaster@example.com >"$T/s4c" 2>&1
is "$?" 0 "demo: 127.0.0.2 retries after the hold time and is accepted"
f=$(grep -l '^X-Standin-Env: TCPREMOTEIP=127.0.0.2$' "$D"/Maildir/new/*)
ok "demo: ... its message is in the Maildir" test -n "$f"
ok "demo: ... with dkverify's Authentication-Results field" \
    grep -q '^Authentication-Results: .*;' "$f"
ok "demo: ... saying the message is unsigned" \
    grep -q 'dkim=none (no signature)' "$f"
SIXGATE_BUILD=$B SIXGATE_DEMO_DIR=$T/demo2 sh "$TOP/tools/run-demo" >/dev/null 2>"$T/demo2.err"
is "$?" 111 "demo: port in use: exit 111"
ok "demo: port in use: said so" grep -q '^run-demo: fatal: port 2525 is in use' "$T/demo2.err"
kill "$demo"
wait "$demo" 2>/dev/null
ok "demo: tcpserver6 logged the connections" grep -q '^tcpserver: ok [0-9]* localhost:::1:2525 ' "$T/demo.err"

done_testing
