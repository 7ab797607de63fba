#!/bin/sh
# relay: dkverify's SMTP relay (lib/relay, spec dkim.md V-13..V-18) through
# relay-demo, whose hooks give every message a fixed verdict and add
# "X-Relay-Test: ok".  Servers behind it: smtpd-standin (qmail-smtpd
# stand-in, stores messages in a Maildir), a scripted fake server that logs
# every line it reads, and exim4 -bs when installed.
. "$(dirname "$0")/lib/tap.sh"

# Own copies of the server programs: a process left behind is found by
# its path, which no other test shares.
cp "$TBIN/smtpd-standin" "$T/standin"
cp /bin/sleep "$T/sleeper"
MD=$T/md
export SMTPD_STANDIN_MAILDIR="$MD" SMTPD_STANDIN_HOST=standin.test DKVERIFY=
unset RELAYCLIENT DATABYTES DKVERIFY_TIMEOUT_SMTP AUTH_UNSET_DKVERIFY \
	AUTH_SET_RELAYCLIENT
for v in $(env | sed -n 's/^\(TCP[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done

# rd FORMAT [relay-demo options] [-- server...]: one session; the client
# sends printf FORMAT at once, then closes.
rd() {
	_in=$1; shift
	rm -rf "$MD"
	printf "$_in" | relay-demo "$@" "$T/standin" > "$T/out" 2> "$T/err"
	RC=$?
}
out() { tr '\r' '~' < "$T/out" | sed 's/ok [0-9]* qp [0-9]*/ok T qp P/'; }
stored() { cat "$MD"/new/* 2>/dev/null; }
nstored() { ls "$MD/new" 2>/dev/null | wc -l | tr -d ' '; }
left() { if pgrep -f "$T/" >/dev/null; then echo yes; else echo no; fi; }
ENV='X-Standin-Envelope-From: <a@x>
X-Standin-Envelope-To: <b@example.com>'

# --- a pipelined session ----------------------------------------------------
rd 'EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\nSubject: t\r\n\r\n..dot\r\nline\r\n.\r\nQUIT\r\n' -o "$T/fed"
is "$(out)" "220 standin.test ESMTP~
250-standin.test~
250-PIPELINING~
250 8BITMIME~
250 ok~
250 ok~
250 ok~
354 go ahead~
250 ok T qp P~
221 standin.test~" "pipelined: every reply in order, DATA answered by the relay"
is "$RC" 0 "exit 0 after QUIT"
is "$(stored)" "$ENV
X-Standin-Envelope-To: <c@example.com>

X-Relay-Test: ok
Subject: t

.dot
line" "the server stores the message with the one added field"
printf 'Subject: t\r\n\r\n.dot\r\nline\r\n' > "$T/want"
ok "the hooks saw the unstuffed bytes with the client's CR LF" cmp -s "$T/fed" "$T/want"
is "$(left)" no "no process left"
is "$(cat "$T/err")" "" "nothing on stderr"

# --- verdicts ----------------------------------------------------------------
M1='MAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: one\r\n\r\nbody1\r\n.\r\n'
M2='MAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: two\r\n\r\nbody2\r\n.\r\n'
rd "HELO c\r\n${M1}${M2}QUIT\r\n" -v reject,accept
is "$(out)" "220 standin.test ESMTP~
250 standin.test~
250 ok~
250 ok~
354 go ahead~
554 relay-demo rejects (#5.7.20)~
250 ok~
250 ok~
354 go ahead~
250 ok T qp P~
221 standin.test~" "reject then accept: 554 (the server's RSET reply swallowed), then a normal message"
is "$(stored)" "$ENV

X-Relay-Test: ok
Subject: two

body2" "only the accepted message reaches the server"

rd "HELO c\r\n${M1}DATA\r\nQUIT\r\n" -v defer
is "$(out)" "220 standin.test ESMTP~
250 standin.test~
250 ok~
250 ok~
354 go ahead~
451 relay-demo defers (#4.7.0)~
503 MAIL first (#5.5.1)~
221 standin.test~" "defer: 451; the server got RSET (a second DATA: MAIL first)"
is "$(nstored)" 0 "nothing stored"

rd "HELO c\r\n${M1}${M2}${M1}QUIT\r\n" -v accept
is "$(nstored)" 3 "three messages in one session"
rd "HELO c\r\nMAIL FROM:<z@x>\r\nRSET\r\n${M1}QUIT\r\n"
is "$(out)" "220 standin.test ESMTP~
250 standin.test~
250 ok~
250 flushed~
250 ok~
250 ok~
354 go ahead~
250 ok T qp P~
221 standin.test~" "RSET passes through, MAIL again"
is "$(stored | head -1)" "X-Standin-Envelope-From: <a@x>" "the MAIL after RSET counts"

rd "HELO c\r\n${M1}QUIT\r\n" -f end
is "$(out | sed -n 6p)" "451 temporary failure in dkverify (#4.3.0)~" "end() failing: 451"
is "$(nstored)" 0 "nothing stored"
rd "HELO c\r\n${M1}QUIT\r\n" -f begin
is "$(out | sed -n 5p)" "451 temporary failure in dkverify (#4.3.0)~" "begin() failing: 451 instead of 354"
is "$(nstored)" 0 "nothing stored (the data lines were commands to the server)"

# no accepted RCPT: DATA goes to the server
rd 'HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@elsewhere.test>\r\nDATA\r\nQUIT\r\n'
is "$(out | sed -n 4,5p)" "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)~
503 RCPT first (#5.5.1)~" "RCPT refused: DATA passed to the server, its 503 relayed"

# skip ranges: fields left out
rd "HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nX-Skip: 1\r\n\tmore\r\nSubject: s\r\nx-skip: 2\r\n\r\nX-Skip: body\r\n.\r\nQUIT\r\n" -s X-Skip
is "$(stored)" "$ENV

X-Relay-Test: ok
Subject: s

X-Skip: body" "skip ranges: both header fields (with folding) left out, the body untouched"

# --- swaks as the client, pipelining ------------------------------------------------
rm -rf "$MD"
swaks --pipe "relay-demo -v defer,accept $T/standin" --pipeline -t b@example.com -f a@x \
	--helo c --header "Subject: sw1" --body "first" > "$T/sw1" 2>&1
RC=$?
is "$(grep '^<\*\* ' "$T/sw1" | tr -d '\r')" "<** 451 relay-demo defers (#4.7.0)" "swaks --pipeline: the deferral reaches it"
is "$RC" 26 "... swaks exits 26 (message refused after the dot)"
swaks --pipe "relay-demo $T/standin" --pipeline -t b@example.com -f a@x \
	--helo c --header "Subject: sw2" --body "second" > "$T/sw2" 2>&1
is "$?" 0 "swaks --pipeline: accepted"
is "$(stored | grep -E '^(X-Relay-Test|Subject|second)')" "X-Relay-Test: ok
Subject: sw2
second" "... stored with the field"

# --- V-2: not verifying means no relay at all ---------------------------------
unset DKVERIFY
rd "HELO c\r\n${M1}QUIT\r\n"
is "$(stored)" "$ENV

Subject: one

body1" "DKVERIFY unset: exec, no field added"
DKVERIFY=; export DKVERIFY
RELAYCLIENT= rd "HELO c\r\n${M1}QUIT\r\n"
is "$(stored | grep -c X-Relay-Test)" 0 "RELAYCLIENT set: exec, no field added"

# --- DATABYTES ------------------------------------------------------------------
big=$(printf '%0300d' 0)
DATABYTES=200 rd "HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: big\r\n\r\n$big\r\n.\r\n${M1}QUIT\r\n"
is "$(out | sed -n 6,10p)" "552 sorry, that message size exceeds my databytes limit (#5.3.4)~
250 ok~
250 ok~
354 go ahead~
250 ok T qp P~" "DATABYTES=200: 552 for 314 bytes, then a small message goes through"
is "$(stored | grep -c Subject:)" 1 "only the small message stored"
is "$(stored | grep Subject:)" "Subject: one" "... the small one"
DATABYTES=x rd "QUIT\r\n"
is "$RC" 100 "DATABYTES=x: exit 100"

# --- a scripted server: EHLO filtering, STARTTLS, BDAT, AUTH, long lines -------
cat > "$T/fake" <<'EOF'
#!/bin/sh
# logs every line it reads to $FAKELOG
cr=$(printf '\r')
printf '220 fake ESMTP\r\n'
while IFS= read -r l; do
	printf '%s\n' "$l" >> "$FAKELOG"
	case $l in
	EHLO*) printf '250-fake\r\n250-STARTTLS\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 BINARYMIME\r\n' ;;
	AUTH*)	printf '334 VXNlcm5hbWU6\r\n'; IFS= read -r x; printf '%s\n' "$x" >> "$FAKELOG"
		if [ "$x" = "c2VjcmV0$cr" ]; then printf '235 ok, go ahead (#2.0.0)\r\n'
		else printf '535 authorization failed (#5.7.0)\r\n'; fi ;;
	DATA*)	printf '354 go\r\n'
		while IFS= read -r x; do printf '%s\n' "$x" >> "$FAKELOG"
			[ "$x" = ".$cr" ] && break; done
		printf '250 queued\r\n' ;;
	XDATA*) printf '354 go\r\n' ;;
	QUIT*) printf '221 bye\r\n'; exit 0 ;;
	*) printf '250 ok\r\n' ;;
	esac
done
EOF
chmod +x "$T/fake"
export FAKELOG="$T/fakelog"
fk() {
	_in=$1; shift
	: > "$FAKELOG"
	printf "$_in" | relay-demo "$@" "$T/fake" > "$T/out" 2> "$T/err"
	RC=$?
}
log() { tr -d '\r' < "$FAKELOG"; }

fk 'EHLO c\r\nSTARTTLS\r\nBDAT 5 LAST\r\nNOOP\r\nQUIT\r\n'
is "$(out)" "220 fake ESMTP~
250-fake~
250 PIPELINING~
502 unimplemented (#5.5.1)~
502 unimplemented (#5.5.1)~
250 ok~
221 bye~" "EHLO without STARTTLS/CHUNKING/BINARYMIME (last line fixed); STARTTLS and BDAT get 502"
is "$(log)" "EHLO c
NOOP
QUIT" "STARTTLS and BDAT never reach the server"

fk 'EHLO c\r\nXDATA\r\nSubject: sneak\r\n\r\nx\r\n.\r\nQUIT\r\n'
is "$(out | tail -n 1)" "421 the mail server sent a bad reply (#4.3.0)~" \
	"while verifying, a 354 to another command ends the session (fail closed)"
is "$(log)" "EHLO c
XDATA" "... no message line reaches the server"
fk 'EHLO c\r\nMAIL FROM:<a@x>\r\nDATA\r\nSubject: sneak\r\n\r\nx\r\n.\r\nQUIT\r\n'
is "$(out | tail -n 1)" "421 the mail server sent a bad reply (#4.3.0)~" \
	"a DATA without accepted RCPT that the server takes anyway: session ends"
is "$(log | grep -c sneak)" 0 "... the message never reaches it"

S='MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nSubject: a\r\n\r\nhi\r\n.\r\nQUIT\r\n'
fk "EHLO c\r\nAUTH LOGIN\r\nc2VjcmV0\r\n$S"
is "$(log)" "EHLO c
AUTH LOGIN
c2VjcmV0
MAIL FROM:<a@x>
RCPT TO:<b@y>
DATA
X-Relay-Test: ok
Subject: a

hi
.
QUIT" "AUTH exchange passed through; still verified without AUTH_ rules"
AUTH_UNSET_DKVERIFY= fk "EHLO c\r\nAUTH LOGIN\r\nc2VjcmV0\r\n$S"
is "$(log | sed -n 6,9p)" "DATA
Subject: a

hi" "AUTH_UNSET_DKVERIFY after 235: no verification, DATA passed through"
is "$(out | sed -n 5,9p)" "235 ok, go ahead (#2.0.0)~
250 ok~
250 ok~
354 go~
250 queued~" "... the server's own 354 and reply relayed"
AUTH_UNSET_DKVERIFY= fk "EHLO c\r\nAUTH LOGIN\r\nd3Jvbmc=\r\n$S"
is "$(log | grep -c X-Relay-Test)" 1 "AUTH failed (535): the AUTH_ rules do not apply"
AUTH_SET_RELAYCLIENT=1 fk "EHLO c\r\nAUTH LOGIN\r\nc2VjcmV0\r\n$S"
is "$(log | grep -c X-Relay-Test)" 0 "AUTH_SET_RELAYCLIENT after 235: no verification"

long=$(printf '%13000s' x)
ok12=$(printf '%12000s' y)
fk "NOOP $long\r\nNOOP $ok12\r\nQUIT\r\n"
is "$(out)" "220 fake ESMTP~
500 command line too long (#5.5.2)~
250 ok~
221 bye~" "a 13000-byte command: 500, not forwarded; 12000 bytes pass"
is "$(log | awk '{ print length($0) }')" "12005
4" "the server saw the 12000-byte line whole"
fk "EHLO c\r\nAUTH LOGIN\r\n$long\r\nQUIT\r\n"
is "$(log | sed -n 3p)" "*" "an over-long AUTH line cancels the exchange with *"

# --- odd bytes in the message ------------------------------------------------------
line2k=$(printf '%02000d' 7)
printf 'Subject: n\r\n\r\na\000b\r\nbare\nlf\r\ncr\rmid\r\n%s\r\n.x\r\n' "$line2k" > "$T/want"
rd "HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: n\r\n\r\na\000b\r\nbare\nlf\r\ncr\rmid\r\n$line2k\r\n..x\r\n.\r\nQUIT\r\n" -o "$T/fed"
ok "NUL, bare LF, bare CR, a 2000-byte line: the hooks get the bytes" cmp -s "$T/fed" "$T/want"
is "$(out | sed -n 6p)" "250 ok T qp P~" "... and the message is accepted"
printf 'X-Relay-Test: ok\nSubject: n\n\na\000b\nbare\nlf\ncr\rmid\n%s\n.x\n' "$line2k" > "$T/want"
stored | sed '1,/^$/d' > "$T/got"
ok "... and stored as the stand-in stores it (LF line ends)" cmp "$T/got" "$T/want"

# --- hang-ups, timeouts, server exit --------------------------------------------------
rd 'EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: x\r\n\r\npartial'
is "$(out | tail -n 1)" "354 go ahead~" "client gone in the middle of DATA"
is "$(nstored)" 0 "... nothing stored"
is "$RC" 0 "... exit 0"
is "$(left)" no "... no process left"
fk 'EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nSubject: x\r\n\r\npartial\r\n'
is "$(log)" "EHLO c
MAIL FROM:<a@x>
RCPT TO:<b@y>" "... the server saw no DATA at all"

(printf 'EHLO c\r\n'; sleep 3) | DKVERIFY_TIMEOUT_SMTP=1 relay-demo "$T/standin" > "$T/out" 2>&1
RC=$?
is "$(out | tail -n 1)" "451 timeout (#4.4.2)~" "idle client: 451 timeout after DKVERIFY_TIMEOUT_SMTP"
is "$RC" 111 "... exit 111"
is "$(left)" no "... no process left"
(printf 'EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: x\r\n'; sleep 3) |
	DKVERIFY_TIMEOUT_SMTP=1 relay-demo "$T/standin" > "$T/out" 2>&1
is "$(out | tail -n 2)" "354 go ahead~
451 timeout (#4.4.2)~" "idle client in the middle of DATA: 451 timeout"
is "$(nstored)" 0 "... nothing stored"
DKVERIFY_TIMEOUT_SMTP=0 rd "QUIT\r\n"
is "$RC" 100 "DKVERIFY_TIMEOUT_SMTP=0: exit 100"

printf '#!/bin/sh\nprintf "220 slow\\r\\n"\nexec "%s" 30\n' "$T/sleeper" > "$T/slow"
chmod +x "$T/slow"
t0=$(date +%s)
(printf 'NOOP\r\n'; sleep 2) | DKVERIFY_TIMEOUT_SMTP=1 relay-demo "$T/slow" > "$T/out" 2>&1
RC=$?
t1=$(date +%s)
is "$(out)" "220 slow~
421 the mail server timed out (#4.3.0)~" "silent server: 421 after the timeout"
is "$RC" 111 "... exit 111"
ok "... a server ignoring EOF is killed after 5 s ($((t1 - t0)) s)" [ $((t1 - t0)) -le 12 ]
is "$(left)" no "... no process left"

printf '#!/bin/sh\nprintf "220 q\\r\\n421 going away\\r\\n"\n' > "$T/quitter"
chmod +x "$T/quitter"
mkfifo "$T/fifo"
"$T/sleeper" 6 > "$T/fifo" &
spid=$!
t0=$(date +%s)
relay-demo "$T/quitter" < "$T/fifo" > "$T/out" 2>&1
RC=$?
t1=$(date +%s)
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
is "$(out)" "220 q~
421 going away~" "server exits while the client is idle: its lines relayed"
is "$RC" 0 "... exit 0"
ok "... at once ($((t1 - t0)) s)" [ $((t1 - t0)) -le 3 ]

printf '#!/bin/sh\nprintf "220 q\\r\\n"\nread x\nprintf "421 going away\\r\\n"\n' > "$T/quitter"
printf 'NOOP\r\nNOOP\r\nQUIT\r\n' | relay-demo "$T/quitter" > "$T/out" 2>&1
is "$(out | sed -n 1,2p)" "220 q~
421 going away~" "server exits with commands pending: what it said is relayed"
case $(out | sed -n 3p) in
""|"421 the mail server went away (#4.3.0)~") ok "... then 421 or nothing" true ;;
*) ok "... then 421 or nothing: $(out | sed -n 3p)" false ;;
esac
is "$(left)" no "... no process left"

# --- exim4 -bs behind the relay ---------------------------------------------------
# exim runs as root with -C (allowed for root), -odq: messages stay in the
# spool, read back with -Mvh/-Mvb; it writes the spool as Debian-exim.
if command -v exim4 >/dev/null 2>&1; then
	EX=$T/ex
	mkdir -p "$EX/spool" "$EX/log"
	chmod 755 "$T"
	chmod 1777 "$EX" "$EX/spool" "$EX/log"
	cat > "$EX/conf" <<EOF
keep_environment =
primary_hostname = exim.test
spool_directory = $EX/spool
log_file_path = $EX/log/%slog
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  accept
begin routers
all:
  driver = accept
  transport = tofile
begin transports
tofile:
  driver = appendfile
  file = $EX/mbox
EOF
	ex() {
		_in=$1; shift
		printf "$_in" | relay-demo "$@" exim4 -C "$EX/conf" -odq -bs > "$T/out" 2> "$T/err"
		RC=$?
	}
	exids() { ls "$EX/spool/input" 2>/dev/null | sed -n 's/-D$//p'; }
	ex "EHLO c\r\n${M1}${M2}QUIT\r\n" -v reject,accept
	is "$(out | grep -v '^250-' | sed 's/id=[^~]*/id=X/; s/^220 .*/220/')" "220
250 HELP~
250 OK~
250 Accepted~
354 go ahead~
554 relay-demo rejects (#5.7.20)~
250 OK~
250 Accepted~
354 go ahead~
250 OK id=X~
221 exim.test closing connection~" "exim: pipelined reject then accept"
	is "$RC" 0 "... exit 0"
	is "$(exids | wc -l | tr -d ' ')" 1 "... one message in exim's spool"
	id=$(exids | head -n 1)
	is "$(exim4 -C "$EX/conf" -Mvh "$id" | grep -a -E 'X-Relay|Subject' | sed 's/^[0-9][0-9]*[A-Z* ] //')" "X-Relay-Test: ok
Subject: two" "... the added field first, then the message's header"
	is "$(exim4 -C "$EX/conf" -Mvb "$id" | sed 1d)" "body2" "... and its body"
	awk 'BEGIN { for (i = 0; i < 30000; i++) printf "%s%099d\r\n", (i % 7 ? "" : "."), i }' > "$T/m3"
	{ printf 'EHLO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: 3m\r\n\r\n'
	  sed 's/^\./../' "$T/m3"; printf '.\r\nQUIT\r\n'; } |
		relay-demo exim4 -C "$EX/conf" -odq -bs > "$T/out" 2> "$T/err"
	id=$(ls -t "$EX/spool/input" | sed -n 's/-D$//p' | head -n 1)
	exim4 -C "$EX/conf" -Mvb "$id" | sed 1d > "$T/got"
	tr -d '\r' < "$T/m3" > "$T/want"
	ok "exim: a 3 MB message with dot lines (spooled to a file) arrives whole" cmp -s "$T/got" "$T/want"
else
	diag "exim4 not installed: exim tests skipped"
fi

# --- 50 MB ----------------------------------------------------------------------------
awk 'BEGIN { s = sprintf("%098d", 0); print "Subject: big"; print "";
	for (i = 0; i < 510000; i++) print ((i % 1000) ? "x" : ".") s }' > "$T/m50"
sed 's/^\./../' "$T/m50" > "$T/m50s"
{ printf 'HELO c\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n'; cat "$T/m50s";
  printf '.\r\nQUIT\r\n'; } > "$T/in50"
rm -rf "$MD"
/usr/bin/time -f %M -o "$T/rss" relay-demo "$T/standin" < "$T/in50" > "$T/out" 2> "$T/err"
is "$(out | sed -n 6,7p)" "250 ok T qp P~
221 standin.test~" "a 50 MB message (dot lines every 1000 lines) accepted"
{ printf '%s\n\nX-Relay-Test: ok\n' "$ENV"; cat "$T/m50"; } > "$T/want"
ok "... stored byte for byte plus the one field" cmp -s "$MD"/new/* "$T/want"
rss=$(cat "$T/rss")
ok "... peak RSS $rss kB <= 16384 kB" [ "$rss" -le 16384 ]
rm -f "$T/m50" "$T/m50s" "$T/in50" "$T/want" "$MD"/new/*

done_testing
