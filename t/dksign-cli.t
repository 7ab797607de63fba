#!/bin/sh
# dksign command-line mode (spec C-1, C-3, S-3, S-4, S-6, S-7, S-11):
# the DKIM-Signature field (tags, t= now, x=, i=, l=, q=, z=, folding at
# 78 columns with LF + TAB), the default signed and oversigned fields,
# -h/-o, every accepted key form (PEM and DER, PKCS#1 and PKCS#8, base64,
# the bare Ed25519 seed), -T templates and $DKSIGN, no key (copied
# unchanged), input from a file, "-" or stdin, line-end style kept, and
# batch mode (-O).  Signatures are checked with dkimpy against the key
# record given directly (no DNS here; t/dksign-interop.t does DNS).
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/dkim.sh"

K=$T/keys
M=$T/msgs
mkdir "$K" "$M"
dkim_rsa "$K/rsa" 1024 && dkim_ed "$K/ed" || { echo "Bail out! openssl cannot make keys"; exit 1; }
REC=$(dkim_record "$K/rsa")
RECED=$(dkim_record "$K/ed")
printf 'From: Joe <joe@example.com>\nTo: suzie@example.net\nSubject: hi\nDate: Fri, 11 Jul 2003 21:00:37 -0700\n\nHello.\n\n\n' >"$M/plain"
sed 's/$/\r/' "$M/plain" >"$M/crlf"

# --- the field --------------------------------------------------------------------
now=$(date +%s)
dksign -k "$K/rsa" "$M/plain" >"$T/p" 2>"$T/p.err"
is "$?:$(cat "$T/p.err")" "0:" "dksign -k key file: exit 0, silent"
is "$(v_rec "$T/p" "$REC")" pass "it verifies"
tags=$(dkim_tags "$T/p")
is "$(echo "$tags" | cut -d' ' -f1):$(echo "$tags" | awk '{ print $NF }')" "v:b" "v= first, b= last"
is "$(echo "$tags" | tr ' ' '\n' | sort | tr '\n' ' ')" "a b bh c d h s t v " \
	"tags: v a c d s t h bh b, nothing else by default (no i= l= q= x= z=)"
is "$(dkim_tag v "$T/p"):$(dkim_tag a "$T/p"):$(dkim_tag c "$T/p"):$(dkim_tag d "$T/p"):$(dkim_tag s "$T/p")" \
	"1:rsa-sha256:relaxed/relaxed:example.com:rsa" "v=1 a=rsa-sha256 c=relaxed/relaxed d= from From: s= file name"
t=$(dkim_tag t "$T/p")
ok "t= is now ($t, clock $now)" test "$t" -ge "$now" -a "$t" -le $((now + 10))
ok "folded at 78 columns or less" test "$(dkim_sigs "$T/p" | maxcol /dev/stdin)" -le 78
is "$(dkim_sigs "$T/p" | sed 1d | grep -c -v '^	')" 0 "continuation lines start with a TAB"
dksign -k "$K/rsa" -x 3600 -t 1700000000 -i joe@example.com -q -l -z "$M/plain" >"$T/opts"
is "$(dkim_tag t "$T/opts"):$(dkim_tag x "$T/opts"):$(dkim_tag i "$T/opts"):$(dkim_tag q "$T/opts")" \
	"1700000000:1700003600:joe@example.com:dns/txt" "-t -x -i -q: t= x= i= q="
is "$(dkim_tag l "$T/opts")" "$(printf 'Hello.\r\n' | wc -c | tr -d ' ')" \
	"-l: l= is the length of the canonical body (trailing empty lines dropped)"
ok "-z: a z= tag" test -n "$(dkim_tag z "$T/opts")"
# x= in the past: dkimpy says expired, which shows x= is really signed
is "$(v_rec "$T/opts" "$REC" | cut -c1-4)" fail "... x= of 2023 has expired for dkimpy"
dksign -k "$K/rsa" -i @sub.example.com -l "$M/plain" >"$T/ident"
is "$(dkim_tag i "$T/ident"):$(v_rec "$T/ident" "$REC")" "@sub.example.com:pass" \
	"-i in a subdomain of d=, -l: verifies"
dksign -k "$K/rsa" -d example.org -s other "$M/plain" >"$T/ds"
is "$(dkim_tag d "$T/ds"):$(dkim_tag s "$T/ds")" "example.org:other" "-d and -s"

# --- which fields are signed (S-7) ------------------------------------------------
cat >"$M/many" <<'EOF'
Return-Path: <bounce@example.com>
Delivered-To: suzie@example.net
Received: from a by b; Fri, 11 Jul 2003 21:00:37 -0700
Received: from c by d; Fri, 11 Jul 2003 21:00:36 -0700
Authentication-Results: mx.example.net; dkim=none
ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.net; s=x; b=AAAA
DomainKey-Signature: a=rsa-sha1; q=dns; c=nofws; s=x; d=example.com; b=AAAA
From: Joe <joe@example.com>
Sender: Joe <joe@example.com>
Reply-To: joe@example.com
To: suzie@example.net
To: bob@example.net
Cc: carol@example.org
Subject: hi
Date: Fri, 11 Jul 2003 21:00:37 -0700
Message-ID: <1@example.com>
In-Reply-To: <0@example.com>
References: <0@example.com>
MIME-Version: 1.0
Content-Type: text/plain
Content-Transfer-Encoding: 7bit
List-Id: <list.example.com>
List-Unsubscribe: <mailto:u@example.com>
Resent-From: x@example.com
X-Mailer: test
Keywords: none

body
EOF
dksign -k "$K/rsa" "$M/many" >"$T/many"
count() { dkim_tag h "$T/many" | tr 'A-Z' 'a-z' | tr ':' '\n' | grep -c -x "$1"; }
got=
for f in from sender reply-to to cc subject date message-id in-reply-to references \
	mime-version content-type content-transfer-encoding list-id list-unsubscribe resent-from \
	return-path delivered-to received authentication-results arc-seal \
	domainkey-signature dkim-signature x-mailer keywords; do
	got="$got $f=$(count "$f")"
done
is "$got" " from=2 sender=1 reply-to=2 to=3 cc=2 subject=2 date=2 message-id=2 in-reply-to=1 references=1 mime-version=1 content-type=1 content-transfer-encoding=1 list-id=1 list-unsubscribe=1 resent-from=1 return-path=0 delivered-to=0 received=0 authentication-results=0 arc-seal=0 domainkey-signature=0 dkim-signature=0 x-mailer=0 keywords=0" \
	"h=: each listed field as often as it occurs, one more for the oversigned ones, never trace or signature fields"
is "$(v_rec "$T/many" "$REC")" pass "... and verifies"
dksign -k "$K/rsa" -h from:subject:x-mailer -o subject "$M/many" >"$T/hlist"
is "$(dkim_tag h "$T/hlist" | tr 'A-Z' 'a-z')" "from:subject:x-mailer:subject" "-h and -o replace the lists"
is "$(v_rec "$T/hlist" "$REC")" pass "... and verifies"
# an oversigned field cannot be added afterwards
sed 's/^Subject: hi$/Subject: hi\nSubject: added/' "$T/many" >"$T/many.add"
is "$(v_rec "$T/many.add" "$REC" | cut -c1-4)" fail "a Subject: added after signing breaks the signature (oversigning)"

# --- key forms (C-3) --------------------------------------------------------------
openssl pkey -in "$K/rsa" -out "$K/rsa-pkcs8" 2>/dev/null
openssl rsa -in "$K/rsa" -outform DER -traditional -out "$K/rsa-der1" 2>/dev/null
openssl pkey -in "$K/rsa" -outform DER -out "$K/rsa-der8" 2>/dev/null
base64 <"$K/rsa-der8" >"$K/rsa-b64"
sed 's/$/\r/' "$K/rsa" >"$K/rsa-crlf"
openssl pkey -in "$K/ed" -outform DER -out "$K/ed-der" 2>/dev/null
openssl pkey -in "$K/ed" -outform DER 2>/dev/null | tail -c 32 | base64 >"$K/ed-seed"
for k in rsa-pkcs8 rsa-der1 rsa-der8 rsa-b64 rsa-crlf ed-der ed-seed; do
	dksign -k "$K/$k" -s sel "$M/plain" >"$T/key.$k" 2>"$T/key.$k.err"
	rc=$?
	case $k in rsa*) r=$REC a=rsa-sha256 ;; *) r=$RECED a=ed25519-sha256 ;; esac
	is "$rc:$(cat "$T/key.$k.err"):$(dkim_tag a "$T/key.$k"):$(v_rec "$T/key.$k" "$r")" "0::$a:pass" \
		"key as $k: signs, $a, verifies"
done
dksign -k "$K/rsa" -a rsa-sha1 "$M/plain" >"$T/sha1"
is "$(dkim_tag a "$T/sha1"):$(v_rec "$T/sha1" "$REC")" "rsa-sha1:pass" "-a rsa-sha1"
dksign -k "$K/rsa" -k "$K/ed" "$M/plain" >"$T/dual"
is "$(dkim_count "$T/dual"):$(v_rec "$T/dual" "$REC" 0):$(v_rec "$T/dual" "$RECED" 1)" "2:pass:pass" \
	"-k rsa -k ed: two signatures, both verify"

# --- templates, no key ---------------------------------------------------------------
mkdir -p "$K/t/example.com"
cp "$K/rsa" "$K/t/example.com/sel"
printf 'From: joe@mail.example.com\n\nx\n' >"$M/sub"
dksign -T "$K/t/%/sel" "$M/sub" >"$T/tmpl" 2>"$T/tmpl.err"
is "$?:$(cat "$T/tmpl.err"):$(dkim_tag d "$T/tmpl"):$(dkim_tag s "$T/tmpl")" "0::example.com:sel" \
	"-T: parent domain's key, d= that domain"
DKSIGN="$K/t/%/sel" dksign "$M/sub" >"$T/envt" 2>"$T/envt.err"
is "$?:$(cat "$T/envt.err"):$(dkim_tag d "$T/envt")" "0::example.com" "no -k/-T: templates from \$DKSIGN"
dksign -T "$K/t/%/absent" "$M/sub" >"$T/nokey" 2>"$T/nokey.err"
is "$?:$(head -c 8 "$T/nokey.err")" "0:dksign: " "no key found: exit 0, a note on stderr"
ok "... and the message copied unchanged" cmp -s "$T/nokey" "$M/sub"

# --- input and line ends ----------------------------------------------------------------
dksign -k "$K/rsa" -t 1700000000 "$M/plain" >"$T/in.file"
dksign -k "$K/rsa" -t 1700000000 <"$M/plain" >"$T/in.stdin"
dksign -k "$K/rsa" -t 1700000000 - <"$M/plain" >"$T/in.dash"
ok "message from a file, stdin and -: the same output" \
	sh -c 'cmp -s "$1" "$2" && cmp -s "$1" "$3"' sh "$T/in.file" "$T/in.stdin" "$T/in.dash"
cat "$M/plain" | dksign -k "$K/rsa" -t 1700000000 >"$T/in.pipe"
ok "... and from a pipe" cmp -s "$T/in.file" "$T/in.pipe"
dksign -k "$K/rsa" -t 1700000000 "$M/crlf" >"$T/crlf"
ok "CRLF input: CRLF output, the same signature" \
	sh -c 'tr -d "\r" <"$1" | cmp -s - "$2"' sh "$T/crlf" "$T/in.file"
dkim_strip "$T/crlf" >"$T/crlf.rest"
ok "... and the message itself unchanged" cmp -s "$T/crlf.rest" "$M/crlf"
printf 'From: joe@example.com\r\nTo: a@example.net\nSubject: mixed\r\n\nbody\r\n' >"$M/mixed"
dksign -k "$K/rsa" "$M/mixed" >"$T/mixed"
is "$(grep -c -v "$(printf '\r')\$" "$T/mixed")" 0 \
	"mixed line ends, first CRLF: every line ends in CRLF"
is "$(v_rec "$T/mixed" "$REC")" pass "... and verifies"
printf 'From: joe@example.com\n\nno final LF' >"$M/nofinal"
dksign -k "$K/rsa" "$M/nofinal" >"$T/nofinal"
is "$(tail -c 4 "$T/nofinal" | od -An -c | tr -s ' \n' ' ')" " L F \\n " "missing final LF: added"
is "$(v_rec "$T/nofinal" "$REC")" pass "... and verifies"

# --- batch mode ---------------------------------------------------------------------------
mkdir "$T/in" "$T/out"
cp "$M/plain" "$T/in/a"
cp "$M/crlf" "$T/in/b"
cp "$M/sub" "$T/in/c"
dksign -k "$K/rsa" -t 1700000000 -O "$T/out" "$T/in/a" "$T/in/b" >"$T/batch.out" 2>"$T/batch.err"
is "$?:$(cat "$T/batch.out" "$T/batch.err"):$(ls -A "$T/out" | tr '\n' ' ')" "0::a b " \
	"-O: one output file per input, named as the input, nothing else"
ok "-O: the same bytes as one at a time" cmp -s "$T/out/a" "$T/in.file"
ok "-O: CRLF input stays CRLF" cmp -s "$T/out/b" "$T/crlf"
printf 'From: joe@example.com\nno colon\n\nx\n' >"$T/in/bad"
rm -f "$T/out"/*
dksign -k "$K/rsa" -O "$T/out" "$T/in/a" "$T/in/bad" "$T/in/c" >"$T/batch2.out" 2>"$T/batch2.err"
is "$?:$(head -c 8 "$T/batch2.err"):$(ls -A "$T/out" | tr '\n' ' ')" "100:dksign: :a c " \
	"-O with a bad message: exit 100, the good ones written, no file (or temp file) for the bad one"
is "$(v_rec "$T/out/c" "$REC")" pass "... the one after it is signed"

done_testing
