#!/bin/sh
# rblsmtpd6: the blocking SMTP dialogue (spec 3.2, section 6 items 46 and
# 47): the verb table byte for byte, CR and NUL handling, EOF, -t0, the
# conversation timeout (silent, or 421 with -T), the reply text cut to
# 200 bytes with odd bytes as '?', the log line, and whole sessions with
# swaks as the client and smtpd-standin (qmail-smtpd stand-in) behind.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/rbldnsd.sh"

rbl_fixture "$T/rbl" || { echo "Bail out! the test DNSBL does not start"; exit 1; }
M="451 $RBL_TXT2"

# --- the verb table ----------------------------------------------------------
rs 'HELO x\r\nehlo y\r\nMAIL FROM:<a@b>\r\nrSeT\r\nNOOP\r\nrcpt to:<c@d>\r\ndata\r\nhelp\r\nvrfy x\r\nSTARTTLS\r\nAUTH PLAIN\r\n\r\nheloo\r\n quit\r\nquit\r\r\nnoop\n' \
	TCPREMOTEIP=127.0.0.2 -- -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M
250 rblsmtpd.local^M
250 rblsmtpd.local^M
250 rblsmtpd.local^M
250 rblsmtpd.local^M
250 rblsmtpd.local^M
$M^M
$M^M
$M^M
$M^M
$M^M
$M^M
$M^M
$M^M
$M^M
$M^M
250 rblsmtpd.local^M" \
	"helo/ehlo/mail/rset/noop get 250 (any case), every other line the message"
is "$RC" 0 "exit 0 at EOF"
is "$(err)" "rblsmtpd: 127.0.0.2 pid x: $M" "one log line on stderr"

rs 'noop\r\nQUIT now\r\nnoop\r\nhelp\r\n' TCPREMOTEIP=127.0.0.2 -- -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M
250 rblsmtpd.local^M
221 rblsmtpd.local^M" "quit (with an argument, any case): 221, nothing read after it"
is "$RC" 0 "exit 0 after quit"

# djb: a NUL byte becomes LF inside the line, it ends nothing
rs 'quit\000\r\nnoop\000x\r\nnoop x\000\r\nquit\r\n' TCPREMOTEIP=127.0.0.2 -- -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M
$M^M
$M^M
250 rblsmtpd.local^M
221 rblsmtpd.local^M" "NUL inside a verb makes it unknown; after the space it is only argument"

# a last line without LF is never answered (djb reads whole lines)
rs 'noop\r\nquit' TCPREMOTEIP=127.0.0.2 -- -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M
250 rblsmtpd.local^M" "EOF in the middle of a line: no answer to it"
is "$RC" 0 "exit 0"

rs '' TCPREMOTEIP=127.0.0.2 -- -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M" "immediate EOF: only the greeting"
is "$RC" 0 "exit 0"

# a long line (no limit in djb): no crash, the conversation goes on
long=$(printf 'x%.0s' $(seq 1 5000))
rs "noop $long\r\nhelp $long\r\nquit\r\n" TCPREMOTEIP=127.0.0.2 -- -r bl.test echo whoops
is "$RC" 0 "a 5000-byte line: exit 0"
is "$(out | head -1)" "220 rblsmtpd.local^M" "a 5000-byte line: greeting first"
is "$(out | tail -1)" "221 rblsmtpd.local^M" "a 5000-byte line: quit still answered"

# -b with the dialogue
rs 'rcpt to:<x@y>\r\nquit\r\n' TCPREMOTEIP=127.0.0.2 -- -b -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M
553 $RBL_TXT2^M
221 rblsmtpd.local^M" "-b: 553 in the dialogue"

# --- -t0 -----------------------------------------------------------------------
rs 'quit\r\n' TCPREMOTEIP=127.0.0.2 -- -t0 -r bl.test echo whoops
is "$(out)" "$M^M" "-t0: the message once, no greeting, no 221"
is "$RC" 0 "-t0: exit 0"
rs '' TCPREMOTEIP=10.1.2.3 RBLSMTPD='-Go away' -- -t0 echo whoops
is "$(out)" "553 Go away^M" "-t0 with RBLSMTPD=-text: 553 line"
is "$(err)" "rblsmtpd: 10.1.2.3 pid x: 553 Go away" "-t0: logged as well"

# --- conversation timeout ------------------------------------------------------
mkfifo "$T/quiet"
quiet() {
	sleep 6 >"$T/quiet" &
	_qs=$!
	_t0=$(now_ms)
	(
		export TCPREMOTEIP=127.0.0.2
		exec timeout 30 "$RBLSMTPD6" "$@" <"$T/quiet"
	) >"$T/out" 2>"$T/err"
	RC=$?
	MS=$(($(now_ms) - _t0))
	kill $_qs 2>/dev/null
	wait $_qs 2>/dev/null
}
quiet -t1 -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M" "-t1, silent client: greeting, then nothing"
is "$RC" 0 "-t1: exit 0 when the timeout fires"
ok "-t1: gone after about 1 s ($MS ms)" between "$MS" 900 3000
is "$(err)" "rblsmtpd: 127.0.0.2 pid x: $M" "-t1: only the log line on stderr"

quiet -T -t1 -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M
421 rblsmtpd.local timeout^M" "-T: a 421 line before closing"
is "$RC" 0 "-T -t1: exit 0"
ok "-T -t1: gone after about 1 s ($MS ms)" between "$MS" 900 3000

# the timeout covers the whole conversation, not each line (djb's alarm)
talker() {
	i=0
	while [ $i -lt 12 ]; do
		printf 'noop\r\n' || return
		sleep 0.25
		i=$((i + 1))
	done
}
_t0=$(now_ms)
talker 2>/dev/null | (
	export TCPREMOTEIP=127.0.0.2
	exec timeout 30 "$RBLSMTPD6" -t1 -r bl.test echo whoops
) >"$T/out" 2>"$T/err"
RC=$?
MS=$(($(now_ms) - _t0))
is "$RC" 0 "a client that keeps talking: exit 0"
n250=$(grep -c '^250 rblsmtpd.local' "$T/out")
ok "a client that keeps talking is cut after -t1 ($n250 replies, pipeline $MS ms)" \
	between "$n250" 2 11

# --- the message: 200 bytes, odd bytes as '?' ----------------------------------
L182=$(printf 'L%.0s' $(seq 1 182))
rs 'help\r\nquit\r\n' TCPREMOTEIP=127.0.0.7 -- -r bl.test echo whoops
is "$(out)" "220 rblsmtpd.local^M
451 Tab?here ?? ctl?x $L182^M
221 rblsmtpd.local^M" "TXT text: tab, UTF-8 and control bytes as '?', cut to 200 bytes"
is "$(err)" "rblsmtpd: 127.0.0.7 pid x: 451 Tab?here ?? ctl?x $L182" "the log line has the same text"

T300=$(printf 'abcdefghij%.0s' $(seq 1 30))
rs 'help\r\nquit\r\n' TCPREMOTEIP=127.0.0.9 RBLSMTPD="$T300" -- echo whoops
is "$(out | sed -n 2p)" "451 $(printf '%.200s' "$T300")^M" "RBLSMTPD text cut to 200 bytes"
rs 'help\r\nquit\r\n' TCPREMOTEIP=127.0.0.9 RBLSMTPD="$(printf -- '-a\tb\303\251c\033')" -- echo whoops
is "$(out | sed -n 2p)" "553 a?b??c?^M" "RBLSMTPD text: odd bytes as '?'"
is "$(err)" "rblsmtpd: 127.0.0.9 pid x: 553 a?b??c?" "... also in the log"

# --- swaks as the client ---------------------------------------------------------
MD=$T/Maildir
SMTPD_STANDIN_MAILDIR=$MD
export SMTPD_STANDIN_MAILDIR
sw() {
	timeout 30 swaks --pipe "$RBLSMTPD6 $* smtpd-standin" \
		--from a@example.org --to b@example.com --helo client.test \
		--timeout 10 >"$T/swaks" 2>&1
	SW=$?
	grep -E '^(<-|<\*\*)' "$T/swaks" |
		sed 's/ [0-9][0-9]* qp [0-9][0-9]*$/ N qp P/' >"$T/swout"
}
swout() { cat "$T/swout"; }
nmail() { ls "$MD/new" 2>/dev/null | wc -l | tr -d ' '; }

export TCPREMOTEIP=127.0.0.1
sw -r bl.test -r bl2.test
is "$(swout)" "<-  220 localhost ESMTP
<-  250-localhost
<-  250-PIPELINING
<-  250 8BITMIME
<-  250 ok
<-  250 ok
<-  354 go ahead
<-  250 ok N qp P
<-  221 localhost" "swaks, client not listed: the whole session reaches smtpd-standin"
is "$SW" 0 "swaks, client not listed: swaks exits 0"
is "$(nmail)" 1 "swaks, client not listed: the message is delivered"

export TCPREMOTEIP=127.0.0.2
sw -r bl.test
is "$(swout)" "<-  220 rblsmtpd.local
<-  250 rblsmtpd.local
<-  250 rblsmtpd.local
<** $M
<-  221 rblsmtpd.local" "swaks, client listed: 451 at RCPT"
ok "swaks, client listed: swaks reports the failure (exit $SW)" [ "$SW" -ne 0 ]
is "$(nmail)" 1 "swaks, client listed: nothing delivered"

sw -b -r bl.test
is "$(swout)" "<-  220 rblsmtpd.local
<-  250 rblsmtpd.local
<-  250 rblsmtpd.local
<** 553 $RBL_TXT2
<-  221 rblsmtpd.local" "swaks, client listed, -b: 553 at RCPT"

export TCPREMOTEIP=2001:db8::1
sw -r bl.test
is "$(swout)" "<-  220 rblsmtpd.local
<-  250 rblsmtpd.local
<-  250 rblsmtpd.local
<** 451 Listed six
<-  221 rblsmtpd.local" "swaks, IPv6 client listed: 451 at RCPT"
export TCPREMOTEIP=2001:db8:ffff::9
before=$(nmail)
sw -r bl.test
is "$SW/$(($(nmail) - before))" 0/1 "swaks, IPv6 client not listed: delivered"

done_testing
