#!/bin/sh
# A 50 MB message through dkverify (the relay interface's streaming rule):
#   relay mode: python client -> tcpserver6 -> [wait4 RSS probe] ->
#               dkverify -> smtpd-standin
#   QMAILQUEUE mode: dkverify with the qmail-queue stand-in
# Peak RSS (ru_maxrss of dkverify and the children it waits for; the
# stand-ins stream to files) must be <= 16 MB; the message must arrive byte
# for byte with dkim=pass, and a changed one must be rejected.  (Under an
# ASan build the bound is 40 MB: see below.)
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"
. "$TOP/t/lib/dkv.sh"

LIMIT_KB=$((16 * 1024))
# ASan's shadow memory and quarantine add several MB: under a sanitizer
# build the bound is 40 MB, still less than the message, so holding the
# message in memory fails there too
if ldd "$DKV" 2>/dev/null | grep -q libasan; then
	LIMIT_KB=$((40 * 1024))
	diag "sanitizer build: RSS bound $LIMIT_KB KiB instead of 16 MB"
fi
K=$T/k
M=$T/m
mkdir -p "$K" "$M" "$T/tmp" "$T/qq"
dkv_rsa "$K/rsa" 2048 || { echo "Bail out! openssl"; exit 1; }
dkv_kf rsa._domainkey.example.com "$(dkv_record "$K/rsa")" >"$K/keyfile"
{
	dkv_msg | sed '/^$/q'
	# 50 MB of text, some lines starting with a dot
	awk 'BEGIN { for (i = 0; i < 720000; i++)
		printf "%s%07d the quick brown fox jumps over the lazy dog 0123456789 abcdef\n",
			(i % 1000 == 0 ? "." : ""), i }'
} >"$M/plain"
s_dksign "$K/rsa" rsa <"$M/plain" >"$M/good"
sed "s/^0350001 the/0350001 The/" "$M/good" >"$M/bad"
size=$(wc -c <"$M/good")
ok "message is over 50 MB ($size bytes)" [ "$size" -gt 50000000 ]

ts_start big -H -R 127.0.0.1 0 env SMTPD_STANDIN_MAILDIR="$T/md" DKVERIFY_KEYFILE="$K/keyfile" \
	DKVERIFY_AUTHSERVID=mx.test DKVERIFY=",P" TMPDIR="$T/tmp" \
	"$PY" -c "$RSS_PY" "$T/rss.relay" "$DKV" "$STANDIN" ||
	{ echo "Bail out! tcpserver6"; exit 1; }
smtp_talk 127.0.0.1 "$PORT" >"$T/s" <<EOF
EHLO client.test
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/good
MAIL bounce@example.net
RCPT suzie@example.com
DATA $M/bad
QUIT
EOF
is "$(sed -n '5p;8p' "$T/s" | sed 's/^250 ok [0-9]* qp [0-9]*$/250 ok T qp P/')" "250 ok T qp P
554 DKIM verification failed: body hash mismatch (#5.7.20)" "50 MB: good accepted, changed rejected"
wait_for "$T/rss.relay" '^[0-9]+$' 10
rss=$(cat "$T/rss.relay" 2>/dev/null)
ok "relay mode, 50 MB: peak RSS ${rss:-?} KiB <= $LIMIT_KB KiB" [ "${rss:-999999}" -le $LIMIT_KB ]
f=$(maildir_msgs "$T/md" | head -n 1)
sed '1,/^$/d' "$T/md/new/$f" >"$T/got"
is "$(ar_res "$T/got" dkim | cut -d' ' -f1-3)" "dkim=pass (ok) header.d=example.com" "relay, 50 MB: dkim=pass"
awk 'NR == 1 { next } /^[ \t]/ && !seen { next } { seen = 1; print }' "$T/got" >"$T/got.rest"
same "relay, 50 MB: stored byte for byte (dots unstuffed)" "$T/got.rest" "$M/good"
rm -f "$T/got" "$T/got.rest"
is "$(ls -A "$T/tmp" | wc -l)" 0 "relay, 50 MB: nothing left in TMPDIR"
ts_stop big

# QMAILQUEUE mode
printf 'Fbounce@example.net\0Tsuzie@example.com\0\0' >"$M/env"
env -i PATH="$PATH" TMPDIR="$T/tmp" DKQUEUE="$FAKEQQ" FAKEQQ_DIR="$T/qq" \
	DKVERIFY_KEYFILE="$K/keyfile" DKVERIFY_AUTHSERVID=mx.test DKVERIFY=",P" \
	"$PY" -c "$RSS_PY" "$T/rss.qq" "$DKV" <"$M/good" 1<"$M/env" 2>"$T/qq.err"
is "$?" 0 "QMAILQUEUE mode, 50 MB: exit 0"
rss=$(cat "$T/rss.qq" 2>/dev/null)
ok "QMAILQUEUE mode, 50 MB: peak RSS ${rss:-?} KiB <= $LIMIT_KB KiB" [ "${rss:-999999}" -le $LIMIT_KB ]
is "$(ar_res "$T/qq/msg" dkim | cut -d' ' -f1-3)" "dkim=pass (ok) header.d=example.com" "QMAILQUEUE, 50 MB: dkim=pass"
is "$(ls -A "$T/tmp" | wc -l)" 0 "QMAILQUEUE, 50 MB: nothing left in TMPDIR"

done_testing
