#!/bin/sh
# jgreylist: the fake SMTP dialogue byte for byte (greylist spec 1.6,
# section 4 items 5-7, 13, 14): the verb table, long lines, EOF, the RCPT
# limit, the whole-session timeout; deny mode from JGREYLIST=text and
# JGREYLIST_NOREV with '%' as the client address; JGREYLIST unset / empty /
# set; the SMTP trace in the log.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/grey.sh"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- the verb table (first contact, then too soon) ---------------------------------
jg 'HELO x\r\nehlo y\r\nMAIL FROM:<a@b>\r\nrSeT\r\nNOOP\r\nrcpt to:<c@d>\r\ndata\r\nvrfy x\r\nSTARTTLS\r\nAUTH PLAIN\r\n\r\nheloo\r\nhelp\r\nquit now\r\nnoop\r\n' \
	TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$OK250
$OK250
$OK250
$OK250
$GREY1
$GREY1
$GREY1
$GREY1
$GREY1
$GREY1
$GREY1
$GREY1
$GREY1
$Q221" "helo/ehlo/mail/rset get 250 in any case, everything else 450, quit (with an argument) 221"
is "$RC" 0 "exit 0 after quit"

jg 'mail from:<a@b>\nrcpt to:<c@d>\nQUIT\n' TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$OK250
$GREY2
$Q221" "bare LF line ends work; a second contact gets 'I said to try later.'"

# --- EOF and odd input -------------------------------------------------------------
jg '' TCPREMOTEIP=192.0.2.7
is "$(out)/$RC" "$GREET/0" "immediate EOF: the greeting only, exit 0"
jg 'helo x\r\nrcpt to:<a@b>\r\n' TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$OK250
$GREY2" "EOF after two commands: two answers, no more"
is "$RC" 0 "EOF: exit 0"

long=$(printf 'x%.0s' $(seq 1 5000))
jg "helo $long\r\nrcpt $long\r\n$long\r\nquit\r\n" TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$OK250
$GREY2
$GREY2
$Q221" "5000-byte lines: one answer each, by their first word"
is "$RC" 0 "5000-byte lines: exit 0"

jg 'quit\r\r\n' TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$Q221" "quit followed by two CRs"
jg 'QUIT\tnow\r\n' TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$Q221" "quit followed by a tab"
jg 'QUITTING\r\nquit\r\n' TCPREMOTEIP=192.0.2.7
is "$(out)" "$GREET
$GREY2
$Q221" "QUITTING is not quit"

# --- JGREYLIST_LIMIT ------------------------------------------------------------------
jg 'rcpt to:<a@b>\r\nrcpt to:<c@d>\r\nrcpt to:<e@f>\r\nquit\r\n' TCPREMOTEIP=192.0.2.7 \
	JGREYLIST_LIMIT=2
is "$(out)" "$GREET
$GREY2
421 Too many RCPT commands, goodbye.^M" "LIMIT=2: the second RCPT gets 421 and the session ends"
is "$RC" 0 "LIMIT: exit 0"
is "$(err)" "jgreylist[P]: 192.0.2.7: GREY too soon
jgreylist[P]: 192.0.2.7: HANGUP too many RCPT commands" "LIMIT: HANGUP logged"
jg 'rcpt to:<a@b>\r\nquit\r\n' TCPREMOTEIP=192.0.2.7 JGREYLIST_LIMIT=1 JGREYLIST_LOG=0
is "$(out)" "$GREET
421 Too many RCPT commands, goodbye.^M" "LIMIT=1: the first RCPT ends it"
is "$(err)" "jgreylist[P]: 192.0.2.7: HANGUP too many RCPT commands" \
	"LIMIT with LOG=0: the HANGUP line is still logged"
jg 'data\r\nnoop\r\nrcpt to:<a@b>\r\nrcpt to:<a@b>\r\nquit\r\n' TCPREMOTEIP=192.0.2.7 \
	JGREYLIST_LIMIT=3
is "$(out)" "$GREET
$GREY2
$GREY2
$GREY2
$GREY2
$Q221" "LIMIT=3: only RCPT commands count"
jg 'rcpt to:<a@b>\r\nrcpt to:<a@b>\r\nrcpt to:<a@b>\r\nquit\r\n' TCPREMOTEIP=192.0.2.7 \
	JGREYLIST_LIMIT=0
is "$(out | grep -c '^450')" 3 "LIMIT=0: no limit"

# --- JGREYLIST_TIMEOUT: one alarm for the whole session ---------------------------------
mkfifo "$T/quiet"
quiet() { # NAME=VALUE...: a client that connects and never sends anything
	sleep 12 >"$T/quiet" &
	_qs=$!
	_t0=$(now_ms)
	timeout 30 env -i PATH="$PATH" JGREYLIST_DIR="$GD" "$@" "$JG" env \
		<"$T/quiet" 2>"$T/err" | cat -v >"$T/out"
	MS=$(($(now_ms) - _t0))
	kill $_qs 2>/dev/null
	wait $_qs 2>/dev/null
}
quiet TCPREMOTEIP=192.0.2.7 JGREYLIST_TIMEOUT=5
is "$(out)" "$GREET
421 timeout^M" "TIMEOUT=5, silent client: 421 timeout"
ok "TIMEOUT=5: gone after about 5 s ($MS ms)" test "$MS" -ge 4800 -a "$MS" -le 8000
quiet TCPREMOTEIP=192.0.2.7 JGREYLIST_TIMEOUT=1
ok "TIMEOUT=1 is raised to 5 s ($MS ms)" test "$MS" -ge 4800 -a "$MS" -le 8000
is "$(out)" "$GREET
421 timeout^M" "TIMEOUT=1: 421 timeout"

talker() {
	i=0
	while [ $i -lt 40 ]; do
		printf 'noop\r\n' || return
		sleep 0.25
		i=$((i + 1))
	done
}
_t0=$(now_ms)
talker 2>/dev/null | timeout 30 env -i PATH="$PATH" JGREYLIST_DIR="$GD" \
	TCPREMOTEIP=192.0.2.7 JGREYLIST_TIMEOUT=5 "$JG" env 2>/dev/null | cat -v >"$T/out"
MS=$(($(now_ms) - _t0))
is "$(tail -1 "$T/out")" "421 timeout^M" "a client that keeps talking is still cut after TIMEOUT"
n=$(grep -c '^450' "$T/out")
ok "... after about 5 s ($n answers, $MS ms)" test "$n" -ge 5 -a "$n" -le 24 -a "$MS" -ge 4800 -a "$MS" -le 8000

# --- JGREYLIST: unset / empty / text ---------------------------------------------------
rm -rf "$GD"; mkdir -m 700 "$GD"
jg 'QUIT\r\n' TCPREMOTEIP=198.51.100.7 JGREYLIST= -- echo next
is "$(out)/$RC" "next/0" "JGREYLIST set and empty: the next program runs at once"
is "$(err)" "jgreylist[P]: 198.51.100.7: OK whitelisted" "... log OK whitelisted"
is "$(tree "$GD")" "" "... no entry written"
jg 'QUIT\r\n' TCPREMOTEIP=198.51.100.7 JGREYLIST= NOENV_DIR -- echo next
is "$(out)" "next" "... even without JGREYLIST_DIR"
jg 'QUIT\r\n' TCPREMOTEIP=198.51.100.7 JGREYLIST= JGREYLIST_NOREV=x -- echo next
is "$(out)" "next" "... and before JGREYLIST_NOREV"
jg '' TCPREMOTEIP=198.51.100.7 JGREYLIST= FOO=bar
is "$(out)" "$(jg_env TCPREMOTEIP=198.51.100.7 JGREYLIST= FOO=bar)" \
	"... with the environment untouched (JGREYLIST= still set)"

jg 'helo x\r\nmail from:<a@b>\r\nrcpt to:<c@d>\r\nquit\r\n' TCPREMOTEIP=198.51.100.7 \
	'JGREYLIST=Go away % now, % again' -- echo next
is "$(out)" "$GREET
$OK250
$OK250
553 DENIED Go away 198.51.100.7 now, % again^M
$Q221" "JGREYLIST=text: 553 DENIED text, the first % is the client"
is "$RC" 0 "JGREYLIST=text: exit 0"
is "$(err)" "jgreylist[P]: 198.51.100.7: DENY blacklisted" "JGREYLIST=text: log line"
is "$(tree "$GD")" "" "JGREYLIST=text: no entry written"
jg 'rcpt to:<c@d>\r\nquit\r\n' TCPREMOTEIP=2001:db8::7 JGREYLIST=% NOENV_DIR
is "$(out)" "$GREET
553 DENIED 2001:db8::7^M
$Q221" "JGREYLIST=%: just the address, IPv6 too, no JGREYLIST_DIR needed"
jg 'rcpt to:<c@d>\r\nrcpt to:<c@d>\r\n' TCPREMOTEIP=198.51.100.7 JGREYLIST=no JGREYLIST_LIMIT=2
is "$(out)" "$GREET
553 DENIED no^M
421 Too many RCPT commands, goodbye.^M" "deny mode counts RCPTs too"

# --- JGREYLIST_NOREV -------------------------------------------------------------------
jg 'rcpt to:<c@d>\r\nquit\r\n' TCPREMOTEIP=198.51.100.8 'JGREYLIST_NOREV=No PTR for %.'
is "$(out)" "$GREET
553 DENIED No PTR for 198.51.100.8.^M
$Q221" "NOREV, TCPREMOTEHOST unset: 553 DENIED text"
is "$(err)" "jgreylist[P]: 198.51.100.8: DENY no reverse DNS" "NOREV: log line"
jg 'rcpt to:<c@d>\r\nquit\r\n' TCPREMOTEIP=198.51.100.8 JGREYLIST_NOREV=1 TCPREMOTEHOST=
is "$(out)" "$GREET
553 DENIED 1^M
$Q221" "NOREV=1, TCPREMOTEHOST empty: denied, the text is literally 1"
is "$(tree "$GD")" "" "NOREV deny: no entry written"
jg 'rcpt to:<c@d>\r\nquit\r\n' TCPREMOTEIP=198.51.100.8 JGREYLIST_NOREV=1 TCPREMOTEHOST=mx.example
is "$(out)" "$GREET
$GREY1
$Q221" "NOREV with a TCPREMOTEHOST: greylisted as usual"
jg 'rcpt to:<c@d>\r\nquit\r\n' TCPREMOTEIP=203.0.113.9 JGREYLIST_NOREV=
is "$(out)" "$GREET
$GREY1
$Q221" "NOREV empty: no check"

# --- JGREYLIST_LOG, JGREYLIST_LOG_PID, JGREYLIST_LOG_SMTP -----------------------------
jg 'helo x\r\nquit\r\n' TCPREMOTEIP=203.0.113.9 JGREYLIST_LOG=0
is "$(out)" "$GREET
$OK250
$Q221" "LOG=0: the same dialogue"
is "$(err)" "" "LOG=0: nothing logged"
jg '' TCPREMOTEIP=203.0.113.9 JGREYLIST_LOG_PID=0
is "$(err)" "jgreylist: 203.0.113.9: GREY too soon" "LOG_PID=0: prefix 'jgreylist: '"
jg '' TCPREMOTEIP=203.0.113.9
ok "LOG_PID default: prefix with the pid" grep -Eq '^jgreylist\[[0-9]+\]: 203.0.113.9: GREY too soon$' "$T/err.raw"
jg 'helo x\r\nrcpt to:<a@b>\r\nquit\r\n' TCPREMOTEIP=203.0.113.9 JGREYLIST_LOG_SMTP=1 JGREYLIST_LOG_PID=0
is "$(err)" "jgreylist: 203.0.113.9: GREY too soon
jgreylist: >>> 220 jgreylist v8
jgreylist: <<< helo x
jgreylist: >>> 250 jgreylist v8
jgreylist: <<< rcpt to:<a@b>
jgreylist: >>> 450 GREYLIST I said to try later.
jgreylist: <<< quit
jgreylist: >>> 221 jgreylist v8" "LOG_SMTP=1: every line both ways"
jg 'quit\r\n' TCPREMOTEIP=203.0.113.9 JGREYLIST_LOG_SMTP=0
is "$(err)" "jgreylist[P]: 203.0.113.9: GREY too soon" "LOG_SMTP=0: no trace"

done_testing
