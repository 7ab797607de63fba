#!/bin/sh
# dkverify in SMTP relay mode (spec V-2, V-9, V-13, V-16, V-18), end to end:
#   client (swaks, or a lock-step python smtplib client, or one blast of
#   pipelined commands) -> tcpserver6 -> dkverify -> tbin/smtpd-standin
# (qmail-smtpd's reply texts; stores each message in a Maildir).  Several
# messages per session, rejected then accepted, RSET and MAIL reuse,
# pipelining, no accepted RCPT, DATABYTES, dot-stuffing, spoofed A-R fields,
# DKVERIFY unset and RELAYCLIENT set (no proxy, no header), log lines.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"
. "$TOP/t/lib/dkv.sh"

K=$T/k
M=$T/m
mkdir -p "$K" "$M"
dkv_rsa "$K/rsa" 2048 && dkv_ed "$K/ed" || { echo "Bail out! openssl"; exit 1; }
{
	dkv_kf rsa._domainkey.example.com "$(dkv_record "$K/rsa")"
	dkv_kf ed._domainkey.example.com "$(dkv_record "$K/ed")"
	dkv_kf dk._domainkey.example.com "$(dkv_dkrecord "$K/rsa")"
} >"$K/keyfile"
{
	dkv_msg
	printf '%s\n' '.a line starting with a dot' '..two dots' '.' 'end'
} >"$M/plain"
s_dksign "$K/rsa" rsa <"$M/plain" >"$M/good"
s_dksign "$K/ed" ed <"$M/plain" >"$M/good.ed"
sed 's/^Joe\.$/Jim./' "$M/good" >"$M/bad"
s_dksign "$K/rsa" nokey <"$M/plain" >"$M/nokey"
s_maildk "$K/rsa" nokey nofws <"$M/plain" >"$M/dknokey"

# server NAME VAR=VALUE...: tcpserver6 on 127.0.0.1 running
# dkverify smtpd-standin with these variables; Maildir $T/NAME.md
server() {
	_sn=$1; shift
	ts_start "$_sn" -H -R 127.0.0.1 0 env SMTPD_STANDIN_MAILDIR="$T/$_sn.md" \
		SMTPD_STANDIN_HOST=standin.test DKVERIFY_KEYFILE="$K/keyfile" \
		DKVERIFY_AUTHSERVID=mx.test "$@" "$DKV" "$STANDIN"
}
# talk PORT < script: smtp_talk with the standin's variable parts masked
talk() {
	smtp_talk 127.0.0.1 "$1" | sed 's/^250 ok [0-9]* qp [0-9]*$/250 ok T qp P/'
}
# stored DIR N: the Nth stored message without the standin's own lines
stored() {
	_f=$(maildir_msgs "$1" | sed -n "${2}p")
	[ -n "$_f" ] && sed '1,/^$/d' "$1/new/$_f"
}
# without_ar FILE: FILE without its first header field (ours)
without_ar() { awk 'NR == 1 { next } /^[ \t]/ && !seen { next } { seen = 1; print }' "$1"; }

server v DKVERIFY=",Pl" DKVERIFY_CUSTOMERROR=1 || { echo "Bail out! tcpserver6"; exit 1; }
PV=$PORT

# --- one session: accept, reject, defer, RSET, accept ------------------------
talk "$PV" >"$T/s1" <<EOF
EHLO client.test
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/good
MAIL bounce@example.net
RCPT suzie@example.com
RCPT bob@example.com
DATA $M/bad
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/nokey
RSET
MAIL other@example.net
RCPT suzie@example.com
DATA $M/good.ed
QUIT
EOF
is "$(cat "$T/s1")" "220 standin.test ESMTP
250 standin.test / PIPELINING / 8BITMIME
250 ok
250 ok
250 ok T qp P
250 ok
250 ok
250 ok
554 DKIM verification failed: body hash mismatch (#5.7.20)
250 ok
250 ok
451 DKIM verification deferred: no key (#4.7.0)
250 flushed
250 ok
250 ok
250 ok T qp P
221 standin.test" "one session: accept, reject (554), defer (451), RSET, accept"
is "$(maildir_msgs "$T/v.md" | wc -l)" 2 "two messages stored"
stored "$T/v.md" 1 >"$T/v.1"
stored "$T/v.md" 2 >"$T/v.2"
is "$(head -n 1 "$T/v.1" | cut -d';' -f1)" "Authentication-Results: mx.test" "message 1: A-R field first"
is "$(ar_res "$T/v.1" dkim | sed 's/ header\.b=[^ ]*//')" \
	"dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=rsa header.a=rsa-sha256" \
	"message 1: dkim=pass"
without_ar "$T/v.1" >"$T/v.1.rest"
same "message 1: the rest is the signed message (dots unstuffed)" "$T/v.1.rest" "$M/good"
is "$(ar_res "$T/v.2" dkim | cut -d" " -f1-6)" \
	"dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=ed header.a=ed25519-sha256" "message 2 (after RSET): ed25519 pass"
without_ar "$T/v.2" >"$T/v.2.rest"
same "message 2: the rest is the signed message" "$T/v.2.rest" "$M/good.ed"
f=$(maildir_msgs "$T/v.md" | sed -n 2p)
is "$(grep '^X-Standin-Envelope' "$T/v.md/new/$f")" "X-Standin-Envelope-From: <other@example.net>
X-Standin-Envelope-To: <suzie@example.com>" "message 2: envelope of the new transaction"
wait_for "$T/v.log" 'action=accept.*' 5
is "$(grep '^dkverify: pid' "$T/v.log" | sed 's/pid [0-9]*/pid N/')" \
	"dkverify: pid N dk=C dkim=A action=accept d=example.com
dkverify: pid N dk=C dkim=P action=reject d=example.com
dkverify: pid N dk=C dkim=L action=defer d=example.com
dkverify: pid N dk=C dkim=A action=accept d=example.com" "one log line per message"

# --- no accepted RCPT: DATA goes to the server --------------------------------
talk "$PV" >"$T/s2" <<EOF
HELO client.test
MAIL bounce@example.net
RCPT someone@example.org
DATA $M/good
QUIT
EOF
is "$(cat "$T/s2")" "220 standin.test ESMTP
250 standin.test
250 ok
553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)
503 RCPT first (#5.5.1)
221 standin.test" "no accepted RCPT: the server's own 503 to DATA"

# --- swaks, pipelined ------------------------------------------------------------
sw() {
	timeout 60 swaks --server 127.0.0.1:"$1" --from bounce@example.net \
		--to suzie@example.com --helo client.test --data "$2" $3 >"$T/sw.out" 2>&1
	echo "rc=$?"
}
n0=$(maildir_msgs "$T/v.md" | wc -l)
is "$(sw "$PV" "$M/good" --pipeline)" "rc=0" "swaks --pipeline, good message: accepted"
ok "swaks: 250 ok for the message" grep -q '^<-  250 ok [0-9]* qp [0-9]*' "$T/sw.out"
ok "swaks: the EHLO reply through dkverify names PIPELINING" grep -q '^<-  250-PIPELINING' "$T/sw.out"
is "$(sw "$PV" "$M/bad" --pipeline | cut -c1-3)" "rc=" "swaks --pipeline, bad message: runs"
ok "swaks: 554 reply for the bad message" \
	grep -q '^<\*\* 554 DKIM verification failed: body hash mismatch (#5.7.20)' "$T/sw.out"
sw "$PV" "$M/dknokey" --pipeline >/dev/null
ok "DomainKeys letters unset here: no-key DK message accepted" grep -q '^<-  250 ok' "$T/sw.out"
is "$(maildir_msgs "$T/v.md" | wc -l)" $((n0 + 2)) "swaks: two more messages stored"
server dk DKVERIFY="Dj,P" || { echo "Bail out! tcpserver6"; exit 1; }
printf 'EHLO c.test\nMAIL a@example.net\nRCPT suzie@example.com\nDATA %s\nQUIT\n' "$M/dknokey" >"$T/dk.in"
talk "$PORT" <"$T/dk.in" >"$T/dk.s"
is "$(sed -n 5p "$T/dk.s")" "554 DomainKeys verification failed: no key (#5.7.5)" \
	"DomainKeys reject: 554 ... (#5.7.5)"
ts_stop dk

# --- one blast: every command of two transactions in one write -------------------
{
	printf 'EHLO blast.test\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<suzie@example.com>\r\nDATA\r\n'
	sed 's/^\./../; s/$/\r/' "$M/bad"
	printf '.\r\nMAIL FROM:<b@example.net>\r\nRCPT TO:<suzie@example.com>\r\nDATA\r\n'
	sed 's/^\./../; s/$/\r/' "$M/good"
	printf '.\r\nQUIT\r\n'
} >"$T/blast.in"
smtp_blast 127.0.0.1 "$PV" "$T/blast.in" | tr -d '\r' |
	sed 's/^250 ok [0-9]* qp [0-9]*$/250 ok T qp P/' >"$T/blast.out"
is "$(cat "$T/blast.out")" "220 standin.test ESMTP
250-standin.test
250-PIPELINING
250 8BITMIME
250 ok
250 ok
354 go ahead
554 DKIM verification failed: body hash mismatch (#5.7.20)
250 ok
250 ok
354 go ahead
250 ok T qp P
221 standin.test" "blast: replies in order, rejected then accepted"
f=$(maildir_msgs "$T/v.md" | tail -n 1)
is "$(grep '^X-Standin-Envelope-From' "$T/v.md/new/$f")" "X-Standin-Envelope-From: <b@example.net>" \
	"blast: the accepted one is the second message"

# lower-case commands and bare LF line ends (qmail-smtpd takes both); the
# message is sent with LF line ends too
{
	printf 'ehlo lf.test\nmail from:<lf@example.net>\nrcpt to:<suzie@example.com>\ndata\n'
	sed 's/^\./../' "$M/good"
	printf '.\nmail from:<lf2@example.net>\nrcpt to:<suzie@example.com>\ndata\n'
	sed 's/^\./../' "$M/bad"
	printf '.\nrset\nnoop\nquit\n'
} >"$T/lf.in"
smtp_blast 127.0.0.1 "$PV" "$T/lf.in" | tr -d '\r' |
	sed 's/^250 ok [0-9]* qp [0-9]*$/250 ok T qp P/' >"$T/lf.out"
is "$(cat "$T/lf.out")" "220 standin.test ESMTP
250-standin.test
250-PIPELINING
250 8BITMIME
250 ok
250 ok
354 go ahead
250 ok T qp P
250 ok
250 ok
354 go ahead
554 DKIM verification failed: body hash mismatch (#5.7.20)
250 flushed
250 ok
221 standin.test" "lower-case commands, bare LF: accept then reject"
f=$(maildir_msgs "$T/v.md" | tail -n 1)
sed '1,/^$/d' "$T/v.md/new/$f" >"$T/lf.got"
is "$(ar_res "$T/lf.got" dkim | cut -d' ' -f1-2)" "dkim=pass (ok)" "bare LF message: dkim=pass"
without_ar "$T/lf.got" >"$T/lf.rest"
same "bare LF message: stored as sent" "$T/lf.rest" "$M/good"

# EHLO: STARTTLS, CHUNKING, BINARYMIME removed even as the last line (the
# line before it becomes the last); a server made for this
FAKE='printf "220 fake ESMTP\r\n"
while IFS= read -r l; do
	case $l in
	[Ee][Hh][Ll][Oo]*) printf "250-fake\r\n250-CHUNKING\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250 STARTTLS\r\n" ;;
	[Qq][Uu][Ii][Tt]*) printf "221 fake\r\n"; exit 0 ;;
	*) printf "502 unimplemented\r\n" ;;
	esac
done'
ts_start fake -H -R 127.0.0.1 0 env DKVERIFY= DKVERIFY_KEYFILE="$K/keyfile" "$DKV" sh -c "$FAKE" ||
	{ echo "Bail out! tcpserver6"; exit 1; }
printf 'EHLO x.test\r\nQUIT\r\n' >"$T/fake.in"
smtp_blast 127.0.0.1 "$PORT" "$T/fake.in" | tr -d '\r' >"$T/fake.out"
is "$(cat "$T/fake.out")" "220 fake ESMTP
250-fake
250-PIPELINING
250 8BITMIME
221 fake" "EHLO reply: STARTTLS (last), CHUNKING, BINARYMIME removed"
ts_stop fake

# --- spoofed A-R of ours removed; bare LF and CRLF kept as sent ------------------
awk '/^Subject:/ { print "Authentication-Results: mx.test; dkim=pass (spoofed)" } { print }' "$M/good" >"$M/spoof"
talk "$PV" >/dev/null <<EOF
EHLO client.test
MAIL spoof@example.net
RCPT suzie@example.com
DATA $M/spoof
QUIT
EOF
f=$(maildir_msgs "$T/v.md" | tail -n 1)
sed '1,/^$/d' "$T/v.md/new/$f" >"$T/spoof.got"
is "$(grep -c '^Authentication-Results: mx.test' "$T/spoof.got")" 1 "spoofed A-R of ours removed"
without_ar "$T/spoof.got" >"$T/spoof.rest"
same "the rest is the message without the spoofed field" "$T/spoof.rest" "$M/good"

# more than 16 of our A-R fields in the relay: deferred
awk '/^Subject:/ { for (i = 0; i < 17; i++) print "Authentication-Results: mx.test; none" } { print }' \
	"$M/good" >"$M/ar17"
awk '/^Subject:/ { for (i = 0; i < 16; i++) print "Authentication-Results: mx.test; none" } { print }' \
	"$M/good" >"$M/ar16"
printf 'EHLO c.test\nMAIL a@example.net\nRCPT suzie@example.com\nDATA %s\nMAIL a@example.net\nRCPT suzie@example.com\nDATA %s\nQUIT\n' \
	"$M/ar17" "$M/ar16" >"$T/ar.in"
talk "$PV" <"$T/ar.in" >"$T/ar.s"
case $(sed -n 5p "$T/ar.s") in
"451 "*"too many Authentication-Results fields"*) r=ok ;;
*) r=$(sed -n 5p "$T/ar.s") ;;
esac
is "$r" ok "17 spoofed A-R fields: 451, too many Authentication-Results fields"
is "$(sed -n 8p "$T/ar.s")" "250 ok T qp P" "16 spoofed A-R fields: accepted"
f=$(maildir_msgs "$T/v.md" | tail -n 1)
is "$(grep -c '^Authentication-Results: mx.test' "$T/v.md/new/$f")" 1 "16 spoofed A-R fields: all removed"

# --- DATABYTES -------------------------------------------------------------------
server db DKVERIFY= DATABYTES=1000 || { echo "Bail out! tcpserver6"; exit 1; }
talk "$PORT" >"$T/s3" <<EOF
EHLO client.test
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/good
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/plain
QUIT
EOF
is "$(sed -n 5p "$T/s3")" "552 sorry, that message size exceeds my databytes limit (#5.3.4)" \
	"message over DATABYTES: 552"
is "$(sed -n 8p "$T/s3")" "250 ok T qp P" "next (smaller) message in the session accepted"
is "$(maildir_msgs "$T/db.md" | wc -l)" 1 "DATABYTES: only the small message stored"
ts_stop db

# --- no verification: DKVERIFY unset, RELAYCLIENT set -------------------------------
server off || { echo "Bail out! tcpserver6"; exit 1; }
printf 'EHLO c.test\nMAIL a@example.net\nRCPT suzie@example.com\nDATA %s\nQUIT\n' "$M/bad" >"$T/one"
talk "$PORT" <"$T/one" >"$T/off.s"
is "$(sed -n 5p "$T/off.s")" "250 ok T qp P" "DKVERIFY unset: bad message accepted"
stored "$T/off.md" 1 >"$T/off.1"
same "DKVERIFY unset: stored as sent, no A-R field" "$T/off.1" "$M/bad"
ts_stop off
server rc DKVERIFY=",P" RELAYCLIENT= || { echo "Bail out! tcpserver6"; exit 1; }
talk "$PORT" <"$T/one" >"$T/rc.s"
is "$(sed -n 5p "$T/rc.s")" "250 ok T qp P" "RELAYCLIENT set: bad message accepted although P rejects"
stored "$T/rc.md" 1 >"$T/rc.1"
same "RELAYCLIENT set: stored as sent, no A-R field" "$T/rc.1" "$M/bad"
is "$(grep -c '^dkverify: pid' "$T/rc.log")" 0 "RELAYCLIENT set: no log line"
ts_stop rc

# --- the server goes away: smtpd-standin's own idle timeout (1 s) ---------------
server to DKVERIFY= SMTPD_STANDIN_TIMEOUT=1 || { echo "Bail out! tcpserver6"; exit 1; }
printf 'EHLO c.test\r\n' >"$T/to.in"
t0=$(date +%s)
smtp_blast 127.0.0.1 "$PORT" "$T/to.in" | tr -d '\r' >"$T/to.out"
t1=$(date +%s)
is "$(tail -n 1 "$T/to.out")" "451 timeout (#4.4.2)" "server timed out: its 451 reaches the client"
ok "server exit ends the session ($((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
ts_stop to

# --- idle client: DKVERIFY_TIMEOUT_SMTP ----------------------------------------
server idle DKVERIFY= DKVERIFY_TIMEOUT_SMTP=1 || { echo "Bail out! tcpserver6"; exit 1; }
tspid=$(ps -o pid= --ppid "$(cat "$T/idle.pid")" | tr -d ' ')
t0=$(date +%s)
smtp_blast 127.0.0.1 "$PORT" "$T/to.in" >/dev/null
t1=$(date +%s)
ok "DKVERIFY_TIMEOUT_SMTP=1: an idle client is dropped ($((t1 - t0)) s)" [ $((t1 - t0)) -le 4 ]
left=
for i in 1 2 3 4 5 6 7 8 9 10; do
	left=$(descendants "$tspid")
	[ -z "$left" ] && break
	sleep 0.3
done
is "$left" "" "idle timeout: dkverify and the server end"
ts_stop idle

# --- DKVERIFY unset: no proxy at all, the server is exec'd (V-2) -------------------
server ex || { echo "Bail out! tcpserver6"; exit 1; }
tspid=$(ps -o pid= --ppid "$(cat "$T/ex.pid")" | tr -d ' ')
smtp_blast 127.0.0.1 "$PORT" "$T/to.in" cut &
blastpid=$!
sleep 0.5
is "$(for p in $(descendants "$tspid"); do ps -o comm= -p "$p"; done | sort | tr '\n' ' ')" \
	"smtpd-standin " "DKVERIFY unset: only smtpd-standin runs for the connection"
wait "$blastpid"
ts_stop ex

# --- the client goes away in the middle ------------------------------------------
printf 'EHLO x\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<suzie@example.com>\r\nDATA\r\nSubject: cut\r\n' >"$T/cut.in"
tspid=$(ps -o pid= --ppid "$(cat "$T/v.pid")" | tr -d ' ')
smtp_blast 127.0.0.1 "$PV" "$T/cut.in" cut
left=
for i in 1 2 3 4 5 6 7 8 9 10; do
	left=$(descendants "$tspid")
	[ -z "$left" ] && break
	sleep 0.3
done
is "$left" "" "client gone mid-DATA: dkverify and smtpd-standin end"
ts_stop v
ok "no sanitizer report from dkverify" eval '! grep -Eq "Sanitizer|runtime error:" "$T/v.log"'

done_testing
