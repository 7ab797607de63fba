#!/bin/sh
# dkverify in QMAILQUEUE mode (spec V-2, V-7, V-9..V-12, V-18) with a
# qmail-queue stand-in (t/lib/fake-qmail-queue.sh, run as $DKQUEUE or as
# bin/qmail-queue[.orig] under the qmail home) that records its fd 0 (the
# message) and fd 1 (the envelope).  Keys come from DKVERIFY_KEYFILE.
# Checks: the message handed on is the A-R field (LF line ends) + the
# original bytes; the envelope is untouched; exit codes 31/71 and the
# custom-error form (fd 6, exit 82); spoofed A-R fields removed; no
# verification when DKVERIFY is unset or RELAYCLIENT set; the stand-in's
# own exit code passed on; one log line per message on fd 2.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/dkv.sh"

K=$T/k
M=$T/m
mkdir -p "$K" "$M" "$T/tmp"
dkv_rsa "$K/rsa" 2048 && dkv_ed "$K/ed" || { echo "Bail out! openssl"; exit 1; }
{
	dkv_kf rsa._domainkey.example.com "$(dkv_record "$K/rsa")"
	dkv_kf ed._domainkey.example.com "$(dkv_record "$K/ed")"
	dkv_kf dk._domainkey.example.com "$(dkv_dkrecord "$K/rsa")"
	echo "tf._domainkey.example.com TEMPFAIL"
} >"$K/keyfile"
dkv_msg >"$M/plain"
s_dksign "$K/rsa" rsa <"$M/plain" >"$M/good"
sed 's/^Joe\.$/Jim./' "$M/good" >"$M/bad"
s_dksign "$K/rsa" tf <"$M/plain" >"$M/tf"
s_dksign "$K/rsa" nokey <"$M/plain" >"$M/nokey"
s_maildk "$K/rsa" nokey nofws <"$M/plain" >"$M/dknokey"
printf 'Fbounce@example.net\0Tsuzie@example.com\0Tbob@example.com\0\0' >"$M/env"

# qq NAME MSG [VAR=VALUE...]: dkverify in QMAILQUEUE mode, fd 0 = MSG,
# fd 1 = the envelope file, fd 6 = $T/qq/NAME.fd6; results in
# $T/qq/NAME.{rc,err,fd6} and the stand-in's records in $T/qq/NAME/
qq() {
	_qn=$1 _qm=$2
	shift 2
	mkdir -p "$T/qq/$_qn"
	(cd "$T" && env -i PATH="$PATH" TMPDIR="$T/tmp" DKQUEUE="$FAKEQQ" \
		FAKEQQ_DIR="$T/qq/$_qn" DKVERIFY_KEYFILE="$K/keyfile" \
		DKVERIFY_AUTHSERVID=mx.test "$@" \
		"$DKV" <"$_qm" 1<"$M/env" 2>"$T/qq/$_qn.err" 6>"$T/qq/$_qn.fd6")
	echo $? >"$T/qq/$_qn.rc"
}
qq_rc() { cat "$T/qq/$1.rc"; }
qq_ran() { cat "$T/qq/$1/ran" 2>/dev/null | wc -l; }
# the message the stand-in got, without its first header field (ours)
qq_rest() {
	awk 'NR == 1 { next } !body && /^[ \t]/ && !seen { next } { seen = 1; print }' "$T/qq/$1/msg"
}

# --- accept -----------------------------------------------------------------
qq good "$M/good" DKVERIFY="DEGIJKfh,CGHIJMQRkl"
is "$(qq_rc good):$(qq_ran good)" "0:1" "good: exit 0, qmail-queue ran once"
same "good: envelope passed on byte for byte" "$T/qq/good/env" "$M/env"
is "$(head -n 1 "$T/qq/good/msg" | cut -d';' -f1)" "Authentication-Results: mx.test" \
	"good: message starts with our A-R field"
is "$(ar_res "$T/qq/good/msg" dkim | sed 's/ header\.b=[^ ]*//')" \
	"dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=rsa header.a=rsa-sha256" \
	"good: dkim=pass in the header"
qq_rest good >"$T/good.rest"
same "good: the rest is the original message, byte for byte" "$T/good.rest" "$M/good"
ok "good: LF line ends only (no CR added)" eval '! grep -q "$(printf "\r")" "$T/qq/good/msg"'
hl=$(awk 'NR > 1 && !/^[ \t]/ { exit } { print }' "$T/qq/good/msg" | awk '{ print length($0) }' | sort -n | tail -n 1)
ok "good: the A-R field is folded (longest line $hl)" [ "$hl" -le 998 ]
is "$(sed 's/pid [0-9]*/pid N/' "$T/qq/good.err")" \
	"dkverify: pid N dk=C dkim=A action=accept d=example.com" "good: one log line on fd 2"
is "$(cat "$T/qq/good/argv")" "$FAKEQQ" "good: qmail-queue run without arguments"

# CRLF input stays CRLF (V-18: no line-ending changes)
sed 's/$/\r/' "$M/good" >"$M/good.crlf"
qq crlf "$M/good.crlf" DKVERIFY=
qq_rest crlf >"$T/crlf.rest"
same "CRLF message: passed on with its CRLFs" "$T/crlf.rest" "$M/good.crlf"
is "$(ar_res "$T/qq/crlf/msg" dkim | cut -d' ' -f1-2)" "dkim=pass (ok)" "CRLF message: pass"

# --- no verification ----------------------------------------------------------
qq unset "$M/bad"
is "$(qq_rc unset):$(qq_ran unset)" "0:1" "DKVERIFY unset: exit 0, queued"
same "DKVERIFY unset: message untouched" "$T/qq/unset/msg" "$M/bad"
same "DKVERIFY unset: envelope untouched" "$T/qq/unset/env" "$M/env"
is "$(cat "$T/qq/unset.err")" "" "DKVERIFY unset: no log line"
qq relay "$M/bad" DKVERIFY=",P" RELAYCLIENT=
is "$(qq_rc relay):$(qq_ran relay)" "0:1" "RELAYCLIENT set: queued although P is a reject letter"
same "RELAYCLIENT set: message untouched" "$T/qq/relay/msg" "$M/bad"
is "$(cat "$T/qq/relay/vars")" "DKVERIFY=,P
RELAYCLIENT=" "RELAYCLIENT set: environment passed on"

# --- reject / defer -------------------------------------------------------------
qq rej "$M/bad" DKVERIFY=",P"
is "$(qq_rc rej):$(qq_ran rej)" "31:0" "reject: exit 31, qmail-queue not run"
is "$(sed 's/pid [0-9]*/pid N/' "$T/qq/rej.err")" \
	"dkverify: pid N dk=C dkim=P action=reject d=example.com" "reject: log line"
is "$(cat "$T/qq/rej.fd6")" "" "reject without DKVERIFY_CUSTOMERROR: nothing on fd 6"
qq def "$M/tf" DKVERIFY=",k"
is "$(qq_rc def):$(qq_ran def)" "71:0" "defer: exit 71, qmail-queue not run"
is "$(sed 's/pid [0-9]*/pid N/' "$T/qq/def.err")" \
	"dkverify: pid N dk=C dkim=K action=defer d=example.com" "defer: log line"
qq accbad "$M/bad" DKVERIFY="DEGIJKfh,CGHIJMQRkl"
is "$(qq_rc accbad):$(qq_ran accbad)" "0:1" "seed letters: a bad body is accepted"
is "$(ar_res "$T/qq/accbad/msg" dkim | cut -d' ' -f1-4)" "dkim=fail (body hash mismatch)" \
	"seed letters: ... with dkim=fail in the header"

# custom error (notqmail >= 1.09): fd 6 and exit 82
qq cerej "$M/bad" DKVERIFY=",P" DKVERIFY_CUSTOMERROR=1
is "$(qq_rc cerej):$(cat "$T/qq/cerej.fd6")" \
	"82:DDKIM verification failed: body hash mismatch (#5.7.20)" "custom error: reject text on fd 6, exit 82"
qq cedef "$M/nokey" DKVERIFY=",l" DKVERIFY_CUSTOMERROR=1
is "$(qq_rc cedef):$(cat "$T/qq/cedef.fd6")" \
	"82:ZDKIM verification deferred: no key (#4.7.0)" "custom error: defer text on fd 6, exit 82"
qq cedk "$M/dknokey" DKVERIFY="D" DKVERIFY_CUSTOMERROR=1
is "$(qq_rc cedk):$(cat "$T/qq/cedk.fd6")" \
	"82:DDomainKeys verification failed: no key (#5.7.5)" "custom error: DomainKeys reject text"
qq ce0 "$M/bad" DKVERIFY=",P" DKVERIFY_CUSTOMERROR=0
is "$(qq_rc ce0):$(cat "$T/qq/ce0.fd6")" "31:" "DKVERIFY_CUSTOMERROR=0: exit 31"

# a rejecting dkverify drains the envelope before it exits: a writer of a
# 300 KB envelope into a pipe finishes (it would get EPIPE otherwise)
mkdir -p "$T/qq/drain"
{
	awk 'BEGIN { printf "Fbounce@example.net%c", 0
		for (i = 0; i < 10000; i++) printf "Trecipient%05d@example.com%c", i, 0
		printf "%c", 0 }' && echo finished >"$T/drain.w"
} | (cd "$T" && env -i PATH="$PATH" DKQUEUE="$FAKEQQ" FAKEQQ_DIR="$T/qq/drain" \
	DKVERIFY_KEYFILE="$K/keyfile" DKVERIFY=",P" \
	sh -c 'exec "$0" 1<&0 <"$1" 2>/dev/null' "$DKV" "$M/bad")
is "$?:$(cat "$T/drain.w" 2>/dev/null)" "31:finished" "reject: fd 1 drained to EOF"

# --- spoofed A-R fields (V-7) ----------------------------------------------------
awk '/^Subject:/ { print "Authentication-Results: mx.test; dkim=pass"
	print "\t(spoofed) header.d=example.com"
	print "Authentication-Results: other.test; dkim=pass" } { print }' "$M/good" >"$M/spoof"
qq spoof "$M/spoof" DKVERIFY=
awk '/^Subject:/ { print "Authentication-Results: other.test; dkim=pass" } { print }' "$M/good" >"$M/spoof.want"
qq_rest spoof >"$T/spoof.rest"
same "our own A-R field removed, the other one kept" "$T/spoof.rest" "$M/spoof.want"
is "$(grep -c '^Authentication-Results: mx.test' "$T/qq/spoof/msg")" 1 "exactly one A-R of ours"
is "$(ar_res "$T/qq/spoof/msg" dkim | cut -d' ' -f1-2)" "dkim=pass (ok)" \
	"the spoofed fields were not signed: still a pass"
awk '/^Subject:/ { print "Authentication-Results: MX.TEST ; dkim=pass" } { print }' "$M/good" >"$M/spoof2"
qq spoof2 "$M/spoof2" DKVERIFY=
is "$(grep -ci '^Authentication-Results: mx.test' "$T/qq/spoof2/msg")" 1 "authserv-id compared without case"

# too many of our own A-R fields: deferred (more than 64)
awk -v n=65 '/^Subject:/ { for (i = 0; i < n; i++) print "Authentication-Results: mx.test; none" } { print }' \
	"$M/good" >"$M/ar65"
awk -v n=64 '/^Subject:/ { for (i = 0; i < n; i++) print "Authentication-Results: mx.test; none" } { print }' \
	"$M/good" >"$M/ar64"
qq ar64 "$M/ar64" DKVERIFY=
is "$(qq_rc ar64):$(grep -c '^Authentication-Results: mx.test' "$T/qq/ar64/msg")" "0:1" \
	"64 spoofed A-R fields of ours: all removed"
qq ar65 "$M/ar65" DKVERIFY= DKVERIFY_CUSTOMERROR=1
is "$(qq_rc ar65):$(qq_ran ar65)" "82:0" "65 spoofed A-R fields: deferred"
ok "65 spoofed A-R fields: the text says why" grep -q '^Z.*too many Authentication-Results fields' "$T/qq/ar65.fd6"

# DomainKeys defer text (custom error)
s_maildk "$K/rsa" tf nofws <"$M/plain" >"$M/dktf"
qq cedkdef "$M/dktf" DKVERIFY="f" DKVERIFY_CUSTOMERROR=1
is "$(qq_rc cedkdef):$(cat "$T/qq/cedkdef.fd6")" \
	"82:ZDomainKeys verification deferred: cannot verify (#4.7.0)" "custom error: DomainKeys defer text"

# the log names every signing domain
s_dksign "$K/rsa" rsa <"$M/plain" | dksign -k "$K/rsa" -d example.org -s rsa >"$M/twodom"
qq twodom "$M/twodom" DKVERIFY=
is "$(sed 's/pid [0-9]*/pid N/' "$T/qq/twodom.err")" \
	"dkverify: pid N dk=C dkim=A action=accept d=example.org,example.com" "log line: d= lists both domains"

# bad settings: 55 (qq_unable to read configuration)
qq badto "$M/good" DKVERIFY= DKVERIFY_TIMEOUT=0
is "$(qq_rc badto):$(qq_ran badto)" "55:0" "DKVERIFY_TIMEOUT=0: exit 55"
is "$(cat "$T/qq/badto.err")" "dkverify: fatal: invalid DKVERIFY_TIMEOUT: 0 (want 1..3600)" "DKVERIFY_TIMEOUT=0: says so"
qq nokf "$M/good" DKVERIFY= DKVERIFY_KEYFILE="$T/no-such-keyfile"
is "$(qq_rc nokf):$(qq_ran nokf)" "55:0" "unreadable key file: exit 55"

# --- qmail-queue's exit code, missing qmail-queue, qmail home -----------------------
qq pass53 "$M/good" DKVERIFY= FAKEQQ_EXIT=53
is "$(qq_rc pass53)" 53 "qmail-queue's exit code passed on"
qq crash "$M/good" DKVERIFY= FAKEQQ_SIGNAL=SEGV
is "$(qq_rc crash)" 81 "qmail-queue crashed: exit 81"
qq noqq "$M/good" DKVERIFY= DKQUEUE="$T/no-such-qmail-queue"
is "$(qq_rc noqq)" 71 "DKQUEUE not executable: exit 71"
ok "DKQUEUE not executable: logged" grep -q "^dkverify: .*no-such-qmail-queue" "$T/qq/noqq.err"
# without DKQUEUE: bin/qmail-queue under the cwd (qmail.c chdirs to the
# qmail home), bin/qmail-queue.orig when run as qmail-queue
mkdir -p "$T/qh/bin" "$T/qq/home" "$T/qq/orig"
ln -s "$FAKEQQ" "$T/qh/bin/qmail-queue"
(cd "$T/qh" && env -i PATH="$PATH" FAKEQQ_DIR="$T/qq/home" DKVERIFY_KEYFILE="$K/keyfile" \
	DKVERIFY= "$DKV" <"$M/good" 1<"$M/env" 2>/dev/null)
is "$?:$(qq_ran home)" "0:1" "no DKQUEUE: runs bin/qmail-queue in the cwd"
rm "$T/qh/bin/qmail-queue"
ln -s "$FAKEQQ" "$T/qh/bin/qmail-queue.orig"
ln -s "$DKV" "$T/qh/bin/qmail-queue"
(cd "$T/qh" && env -i PATH="$PATH" FAKEQQ_DIR="$T/qq/orig" DKVERIFY_KEYFILE="$K/keyfile" \
	DKVERIFY= bin/qmail-queue <"$M/good" 1<"$M/env" 2>/dev/null)
is "$?:$(qq_ran orig)" "0:1" "run as qmail-queue: runs bin/qmail-queue.orig"
ok "run as qmail-queue: header added" grep -q '^Authentication-Results: ' "$T/qq/orig/msg"

# --- a 3 MB message: spooled to $TMPDIR, nothing left behind ------------------------
{
	sed -n '1,/^$/p' "$M/plain"
	awk 'BEGIN { for (i = 0; i < 45000; i++) printf "%06d the quick brown fox jumps over the lazy dog 0123456789\n", i }'
} >"$M/bigplain"
s_dksign "$K/ed" ed <"$M/bigplain" >"$M/big"
qq big "$M/big" DKVERIFY=",D"
is "$(qq_rc big)" 0 "3 MB message: accepted"
qq_rest big >"$T/big.rest"
same "3 MB message: passed on byte for byte" "$T/big.rest" "$M/big"
is "$(ar_res "$T/qq/big/msg" dkim | cut -d' ' -f1-2)" "dkim=pass (ok)" "3 MB message: pass"
is "$(ls -A "$T/tmp" | wc -l)" 0 "3 MB message: no file left in TMPDIR"
qq notmp "$M/big" DKVERIFY= TMPDIR="$T/no-such-dir"
is "$(qq_rc notmp):$(qq_ran notmp)" "53:0" "3 MB message, TMPDIR missing: exit 53 (temp-file write error)"

# --- read error on fd 0 (a directory): 54 ------------------------------------------
(cd "$T" && env -i PATH="$PATH" DKQUEUE="$FAKEQQ" FAKEQQ_DIR="$T/qq/big" DKVERIFY= \
	DKVERIFY_KEYFILE="$K/keyfile" "$DKV" <"$T" 1<"$M/env" 2>/dev/null)
is "$?" 54 "fd 0 unreadable: exit 54 (read error)"

done_testing
