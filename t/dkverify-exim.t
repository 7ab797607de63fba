#!/bin/sh
# dkverify in SMTP relay mode in front of a real SMTP server (spec V-13..V-16):
#   swaks / python smtplib -> tcpserver6 -> dkverify -> exim4 -bs
# (Debian's exim4-daemon-light with a private configuration: its own spool,
# log and mailbox under $T, delivery to one mbox file).  Checks the EHLO
# reply (STARTTLS and CHUNKING taken out), the mailbox (A-R field under
# exim's Received, message intact), exim's log (a rejected message never
# reaches exim), pipelining, several messages per session, and AUTH with
# jms1's AUTH_SET_/AUTH_UNSET_ variables.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"
. "$TOP/t/lib/dkv.sh"

EXIM=/usr/sbin/exim4
[ -x "$EXIM" ] || { echo "Bail out! $EXIM missing (sh tools/install-deps)"; exit 1; }
K=$T/k
M=$T/m
E=$T/exim
mkdir -p "$K" "$M" "$E/spool" "$E/box"
# exim delivers as nobody: it must reach the mailbox directory
chmod 755 "$T" "$E"
chmod 777 "$E/box"
dkv_rsa "$K/rsa" 2048 || { echo "Bail out! openssl"; exit 1; }
dkv_kf rsa._domainkey.example.com "$(dkv_record "$K/rsa")" >"$K/keyfile"
{
	dkv_msg
	printf '%s\n' '.a line starting with a dot' '.' 'end'
} >"$M/plain"
s_dksign "$K/rsa" rsa <"$M/plain" >"$M/good"
sed 's/^Joe\.$/Jim./' "$M/good" >"$M/bad"

cat >"$E/exim.conf" <<EOF
primary_hostname = mx.exim.test
spool_directory = $E/spool
log_file_path = $E/%slog
exim_user = root
exim_group = root
never_users =
chunking_advertise_hosts = *
tls_advertise_hosts = *
auth_advertise_hosts = *
acl_smtp_rcpt = acl_rcpt
acl_smtp_predata = acl_predata
begin acl
acl_predata:
  deny senders = nodata@example.net
       message = no DATA for you
  accept
acl_rcpt:
  accept domains = example.com
  deny message = relay not permitted
begin routers
all:
  driver = accept
  transport = mbox
begin transports
mbox:
  driver = appendfile
  file = $E/box/mbox
  user = nobody
  delivery_date_add = false
  envelope_to_add = false
  return_path_add = false
begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = \${if and {{eq{\$auth2}{user}}{eq{\$auth3}{secret}}}}
  server_set_id = \$auth2
EOF

# exim alone, for comparison
printf 'EHLO client.test\r\nQUIT\r\n' | timeout 20 "$EXIM" -C "$E/exim.conf" -bs |
	tr -d '\r' >"$T/direct.ehlo"
ok "exim alone advertises STARTTLS and CHUNKING" \
	eval 'grep -q "^250-STARTTLS" "$T/direct.ehlo" && grep -q "^250-CHUNKING" "$T/direct.ehlo"'

# server NAME VAR=VALUE...: tcpserver6 -> dkverify -> exim4 -bs
server() {
	_sn=$1; shift
	ts_start "$_sn" -H -R 127.0.0.1 0 env DKVERIFY_KEYFILE="$K/keyfile" \
		DKVERIFY_AUTHSERVID=mx.test "$@" "$DKV" "$EXIM" -C "$E/exim.conf" -odi -bs
}
# mbox_msg N: the Nth message of the mailbox, without its "From " line
# and exim's Received field
mbox_msg() {
	awk -v want="$1" '/^From / { n++; hdr = 1; skip = 0; next }
		n != want { next }
		hdr && /^Received:/ { skip = 1; next }
		hdr && skip && /^[ \t]/ { next }
		{ skip = 0 }
		/^$/ { hdr = 0 }
		{ print }' "$E/box/mbox" | sed '$d'
}
without_ar() { awk 'NR == 1 { next } /^[ \t]/ && !seen { next } { seen = 1; print }' "$1"; }
talk() { smtp_talk 127.0.0.1 "$1" | sed 's/^250 OK id=[-0-9A-Za-z]*$/250 OK id=X/'; }
nmsgs() { grep -c '^From ' "$E/box/mbox" 2>/dev/null || echo 0; }
# wait_msgs N: until the mailbox holds N messages (exim may still deliver)
wait_msgs() {
	_i=0
	while [ "$(nmsgs)" -lt "$1" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
}

server v DKVERIFY=",P" || { echo "Bail out! tcpserver6"; exit 1; }
PV=$PORT
talk "$PV" >"$T/s1" <<EOF
EHLO client.test
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/good
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/bad
RSET
MAIL other@example.net
RCPT suzie@example.com
DATA $M/good
QUIT
EOF
ehlo=$(sed -n 2p "$T/s1")
case $ehlo in
*STARTTLS*|*CHUNKING*|*BINARYMIME*) r="still there: $ehlo" ;;
"250 mx.exim.test Hello "*PIPELINING*) r=ok ;;
*) r="unexpected: $ehlo" ;;
esac
is "$r" ok "EHLO through dkverify: STARTTLS, CHUNKING taken out, the rest kept"
is "$(sed 1,2d "$T/s1")" "250 OK
250 Accepted
250 OK id=X
250 OK
250 Accepted
554 DKIM verification failed: body hash mismatch (#5.7.20)
250 Reset OK
250 OK
250 Accepted
250 OK id=X
221 mx.exim.test closing connection" "one session with exim: accept, reject, RSET, accept"
wait_msgs 2
is "$(nmsgs)" 2 "exim delivered two messages"
mbox_msg 1 >"$T/e.1"
is "$(head -n 1 "$T/e.1" | cut -d';' -f1)" "Authentication-Results: mx.test" \
	"mailbox: our A-R field right under exim's Received"
is "$(ar_res "$T/e.1" dkim | cut -d' ' -f1-3)" "dkim=pass (ok) header.d=example.com" "mailbox: dkim=pass"
without_ar "$T/e.1" >"$T/e.1.rest"
same "mailbox: the message itself arrived intact" "$T/e.1.rest" "$M/good"
ts_stop v
is "$(grep -c ' <= ' "$E/mainlog")" 2 "exim's log: two messages received, the rejected one never reached it"

# exim refuses DATA itself (its predata ACL): that reply is the final answer
server nd DKVERIFY=",P" || { echo "Bail out! tcpserver6"; exit 1; }
n0=$(nmsgs)
talk "$PORT" >"$T/nd" <<EOF
EHLO client.test
MAIL nodata@example.net
RCPT suzie@example.com
DATA $M/good
RSET
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/good
QUIT
EOF
is "$(sed -n '5p;9p' "$T/nd")" "550 no DATA for you
250 OK id=X" "exim's 550 to DATA relayed as the final answer; after RSET the next is accepted"
wait_msgs $((n0 + 1))
is "$(nmsgs)" $((n0 + 1)) "only the second message delivered"
ts_stop nd

# pipelined, with swaks
server p DKVERIFY=",P" || { echo "Bail out! tcpserver6"; exit 1; }
n0=$(nmsgs)
timeout 60 swaks --server 127.0.0.1:"$PORT" --from bounce@example.net --to suzie@example.com \
	--helo client.test --data "$M/good" --pipeline >"$T/sw.out" 2>&1
ok "swaks --pipeline through dkverify to exim: 250 OK id=" grep -q '^<-  250 OK id=' "$T/sw.out"
timeout 60 swaks --server 127.0.0.1:"$PORT" --from bounce@example.net --to suzie@example.com \
	--helo client.test --data "$M/bad" --pipeline >"$T/sw.out" 2>&1
ok "swaks --pipeline, bad message: 554" \
	grep -q '^<\*\* 554 DKIM verification failed: body hash mismatch (#5.7.20)' "$T/sw.out"
wait_msgs $((n0 + 1))
is "$(nmsgs)" $((n0 + 1)) "swaks: one more message delivered"
ts_stop p

# AUTH: AUTH_UNSET_DKVERIFY turns verification off for authenticated
# clients, AUTH_SET_RELAYCLIENT too (V-15)
server a DKVERIFY=",P" AUTH_UNSET_DKVERIFY= || { echo "Bail out! tcpserver6"; exit 1; }
talk "$PORT" >"$T/a1" <<EOF
EHLO client.test
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/bad
AUTH user wrong
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/bad
AUTH user secret
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/bad
QUIT
EOF
is "$(sed -n '5p;6p;9p;10p;13p' "$T/a1")" "554 DKIM verification failed: body hash mismatch (#5.7.20)
535 Incorrect authentication data
554 DKIM verification failed: body hash mismatch (#5.7.20)
235 Authentication succeeded
250 OK id=X" "AUTH_UNSET_DKVERIFY: rejected before AUTH and after a failed one, accepted after 235"
wait_msgs $((n0 + 2))
n=$(nmsgs)
mbox_msg "$n" >"$T/a.last"
same "after AUTH: no A-R field, message as sent" "$T/a.last" "$M/bad"
# AUTH PLAIN in two steps (334, then the credentials on a line of their own)
tok=$(printf '\000user\000secret' | base64 -w0)
talk "$PORT" >"$T/a3" <<EOF
EHLO client.test
RAW AUTH PLAIN
RAW $tok
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/bad
QUIT
EOF
is "$(sed -n '3p;4p;7p' "$T/a3")" "334 
235 Authentication succeeded
250 OK id=X" "AUTH PLAIN with a 334 step: credentials passed through, then no verification"
ts_stop a
server ar DKVERIFY=",P" AUTH_SET_RELAYCLIENT= || { echo "Bail out! tcpserver6"; exit 1; }
talk "$PORT" >"$T/a2" <<EOF
EHLO client.test
AUTH user secret
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/bad
QUIT
EOF
is "$(sed -n '3p;6p' "$T/a2")" "235 Authentication succeeded
250 OK id=X" "AUTH_SET_RELAYCLIENT: no verification after AUTH"
ts_stop ar

done_testing
