#!/bin/sh
# dksign in qmail-remote mode (spec 1.6, S-1..S-5, S-9, S-10), with a
# stand-in for the real qmail-remote (t/lib/fake-qmail-remote.sh) that
# records its argv and the bytes it reads:
#  - key templates from $DKSIGN and from <qmailhome>/control/dksign, '%'
#    and parent domains, Sender: before From:, template order = signature
#    order, a template without '%';
#  - no key, no template, no usable address, an unparsable header: the
#    message goes out unsigned (LF text, otherwise unchanged);
#  - a key that cannot be read (mode 000, read as user nobody), an invalid
#    key, a directory: exactly one Z report (checked byte for byte), exit
#    0, nothing on fd 2, the real qmail-remote not run;
#  - the real qmail-remote gets the same arguments and exactly the bytes
#    dksign signed (LF, the same as command-line mode makes), its output,
#    fd 2 and exit status pass through;
#  - which program is run: $DKREMOTE, bin/qmail-remote.orig when called as
#    qmail-remote, bin/qmail-remote when called as qmail-dksign or with
#    --remote; dksign refuses to run itself.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/dkim.sh"

# user nobody must reach the keys and the program (the unreadable-key test)
chmod 755 "$T"
K=$T/keys
M=$T/msgs
mkdir -p "$K/example.com" "$K/b.example.com" "$K/com" "$K/other.org" \
	"$K/fixed" "$K/bad.example" "$M" "$T/qh/control" "$T/qh/bin" "$T/bin"
dkim_rsa "$K/example.com/sel" 1024 && dkim_ed "$K/example.com/ed" &&
	dkim_rsa "$K/other.org/sel" 1024 && dkim_rsa "$K/com/sel" 1024 &&
	dkim_rsa "$K/fixed/fixedsel" 1024 ||
	{ echo "Bail out! openssl cannot make keys"; exit 1; }
cp "$K/example.com/sel" "$K/b.example.com/sel"
chmod -R a+rX "$K"
REC_SEL=$(dkim_record "$K/example.com/sel")
REC_ED=$(dkim_record "$K/example.com/ed")
REC_OTHER=$(dkim_record "$K/other.org/sel")
REC_FIXED=$(dkim_record "$K/fixed/fixedsel")
TPL="$K/%/sel"
TPLED="$K/%/ed"

# msg FILE FROM [MORE-HEADER-LINES...]: a small LF message
msg() {
	_mf=$1 _mfrom=$2
	shift 2
	{
		printf 'From: %s\n' "$_mfrom"
		[ $# -gt 0 ] && printf '%s\n' "$@"
		printf 'To: suzie@example.net\nSubject: test\nDate: Fri, 11 Jul 2003 21:00:37 -0700\n'
		printf 'Message-ID: <x@example.com>\n\nHello.\n\nJoe.\n'
	} >"$_mf"
}
msg "$M/plain" 'Joe <joe@example.com>'
msg "$M/deep" 'Joe <joe@a.b.example.com>'
msg "$M/deeper" 'Joe <joe@x.a.c.example.com>'
msg "$M/tld" 'Joe <joe@example.com.>'
msg "$M/nodomain" 'Joe <joe@nowhere.invalid>'
msg "$M/sender" 'Joe <joe@example.com>' 'Sender: list@Other.ORG'
msg "$M/sender-nokey" 'Joe <joe@example.com>' 'Sender: list@nokey.example.net'
msg "$M/comcom" 'Joe <joe@foo.com>'
printf 'To: suzie@example.net\nSubject: no from\n\nbody\n' >"$M/nofrom"
printf 'From: Undisclosed:;\nTo: suzie@example.net\n\nbody\n' >"$M/group"
printf 'From: joe@example.com\nThis line has no colon\nTo: x@example.net\n\nbody\n' >"$M/nocolon"
sed 's/$/\r/' "$M/plain" >"$M/crlf"
printf 'From: joe@example.com\rTo: suzie@example.net\r\rbare CR\rline ends\r' >"$M/barecr"
printf 'From: joe@example.com\nTo: suzie@example.net\n\nno final line end' >"$M/nofinal"
printf 'From: joe@example.com\nTo: suzie@example.net\n\nno final line end\n' >"$M/nofinal.want"
DEFAULT_OUT=$(odc_str 'r\0Kfake accepted.\n\0')

# --- the basic pass: signed, handed on, report passed through -----------------
qr plain "$M/plain" DKSIGN="$TPL"
is "$(qr_sum plain)" "rc=0 err= ran=1" "signed: exit 0, nothing on fd 2, qmail-remote ran once"
is "$(odc "$T/qr/plain.out")" "$DEFAULT_OUT" "its report passes through unchanged"
is "$(sed 1d "$T/qr/plain.fq/argv")" "mx.example.net
bounce@example.com
suzie@example.net" "it got the same arguments"
F=$T/qr/plain.fq/stdin
is "$(dkim_count "$F"):$(dkim_tag d "$F"):$(dkim_tag s "$F"):$(dkim_tag a "$F")" \
	"1:example.com:sel:rsa-sha256" "it got one signature, d=example.com, s=sel"
dkim_strip "$F" >"$T/plain.rest"
ok "... in front of the message, unchanged" cmp -s "$T/plain.rest" "$M/plain"
is "$(v_rec "$F" "$REC_SEL")" pass "... and the signature verifies (dkimpy)"
is "$(dkim_tag c "$F")" relaxed/relaxed "default c=relaxed/relaxed"
is "$(dkim_count "$F"):$(grep -c "$(printf '\r')" "$F")" "1:0" "LF text, no CR"

# exactly the bytes that were signed: command-line mode with the same
# template and time makes the same bytes (RSA signatures are deterministic)
qr fixed "$M/plain" DKSIGN="$TPL" DKSIGNOPTIONS="-t 1700000000"
dksign -T "$TPL" -t 1700000000 "$M/plain" >"$T/cli.out" 2>"$T/cli.err"
is "$(qr_sum fixed):$(tr '\0' '@' <"$T/qr/fixed.out"):$(dkim_tag t "$T/qr/fixed.fq/stdin")" \
	"rc=0 err= ran=1:r@Kfake accepted.
@:1700000000" "DKSIGNOPTIONS \"-t 1700000000\" applies in qmail-remote mode"
ok "qmail-remote gets exactly what command-line mode writes for the same input" \
	cmp -s "$T/qr/fixed.fq/stdin" "$T/cli.out"
# t= now, so that x= (an hour later) has not passed when dkimpy verifies
NOW=$(date +%s)
qr opts "$M/plain" DKSIGN="$TPL" DKSIGNOPTIONS="-c simple/simple -x 3600 -t $NOW"
F=$T/qr/opts.fq/stdin
is "$(qr_sum opts):$(dkim_tag c "$F"):$(dkim_tag x "$F")" "rc=0 err= ran=1:simple/simple:$((NOW + 3600))" \
	"DKSIGNOPTIONS -c and -x"
is "$(v_rec "$F" "$REC_SEL")" pass "... and it verifies"

# --- templates and domains -------------------------------------------------------
qr deep "$M/deep" DKSIGN="$TPL"
is "$(dkim_tag d "$T/qr/deep.fq/stdin")" b.example.com \
	"a.b.example.com: parent b.example.com has a key, it wins over example.com"
is "$(v_rec "$T/qr/deep.fq/stdin" "$REC_SEL")" pass "... and verifies"
qr deeper "$M/deeper" DKSIGN="$TPL"
is "$(dkim_tag d "$T/qr/deeper.fq/stdin")" example.com "x.a.c.example.com: key found at example.com"
qr comcom "$M/comcom" DKSIGN="$TPL"
is "$(qr_sum comcom):$(dkim_count "$T/qr/comcom.fq/stdin")" "rc=0 err= ran=1:0" \
	"foo.com: no key; com/sel (one label) is never tried: unsigned"
ok "... and the message is handed on unchanged" cmp -s "$T/qr/comcom.fq/stdin" "$M/comcom"
qr tld "$M/tld" DKSIGN="$TPL"
is "$(dkim_tag d "$T/qr/tld.fq/stdin")" example.com "From domain with a final dot: dot removed"
qr sender "$M/sender" DKSIGN="$TPL"
is "$(dkim_tag d "$T/qr/sender.fq/stdin")" other.org "Sender: (Other.ORG) before From:, lower-cased"
is "$(v_rec "$T/qr/sender.fq/stdin" "$REC_OTHER")" pass "... signed with other.org's key"
qr sender-nokey "$M/sender-nokey" DKSIGN="$TPL"
is "$(dkim_count "$T/qr/sender-nokey.fq/stdin")" 0 \
	"Sender: domain without a key: unsigned (From:'s key is not used)"
qr dual "$M/plain" DKSIGN="$TPL $TPLED"
F=$T/qr/dual.fq/stdin
is "$(dkim_count "$F"):$(dkim_tag a "$F" 1):$(dkim_tag a "$F" 2)" "2:rsa-sha256:ed25519-sha256" \
	"two templates: two signatures in template order"
is "$(v_rec "$F" "$REC_SEL" 0) $(v_rec "$F" "$REC_ED" 1)" "pass pass" "... both verify"
qr dual2 "$M/plain" DKSIGN="$TPLED
	$TPL"
F=$T/qr/dual2.fq/stdin
is "$(dkim_tag a "$F" 1):$(dkim_tag a "$F" 2)" "ed25519-sha256:rsa-sha256" \
	"templates separated by a newline and a tab, ed25519 first: that order"
qr fixedtpl "$M/deep" DKSIGN="$K/fixed/fixedsel"
F=$T/qr/fixedtpl.fq/stdin
is "$(dkim_tag d "$F"):$(dkim_tag s "$F")" "a.b.example.com:fixedsel" \
	"template without %: that key, d= the signing domain itself, s= basename"
is "$(v_rec "$F" "$REC_FIXED")" pass "... verifies"
qr halfmissing "$M/plain" DKSIGN="$K/%/absent $TPL"
is "$(dkim_count "$T/qr/halfmissing.fq/stdin"):$(dkim_tag s "$T/qr/halfmissing.fq/stdin")" "1:sel" \
	"a template without a key adds nothing; the next one signs"

# control/dksign under the qmail home
printf '# keys\n\n%s\n   \n%s\n' "$TPL" "$TPLED" >"$T/qh/control/dksign"
qr control "$M/plain" DKSIGN_QMAILHOME="$T/qh"
F=$T/qr/control.fq/stdin
is "$(dkim_count "$F"):$(dkim_tag s "$F" 1):$(dkim_tag s "$F" 2)" "2:sel:ed" \
	"control/dksign: one template a line, comments and blank lines skipped"
qr envwins "$M/plain" DKSIGN_QMAILHOME="$T/qh" DKSIGN="$TPLED"
is "$(dkim_count "$T/qr/envwins.fq/stdin"):$(dkim_tag s "$T/qr/envwins.fq/stdin")" "1:ed" \
	"\$DKSIGN set: control/dksign is not read"

# a relative template is relative to the qmail home
mkdir -p "$T/qh/keys/example.com"
cp "$K/example.com/ed" "$T/qh/keys/example.com/edrel"
echo 'keys/%/edrel' >"$T/qh/control/dksign"
qr relative "$M/plain" DKSIGN_QMAILHOME="$T/qh"
F=$T/qr/relative.fq/stdin
is "$(qr_sum relative):$(dkim_count "$F"):$(dkim_tag s "$F")" "rc=0 err= ran=1:1:edrel" \
	"control/dksign: a relative template is found under the qmail home"
is "$(v_rec "$F" "$REC_ED")" pass "... and verifies"

# --- unsigned pass-through ----------------------------------------------------------
for c in "nokey:plain:DKSIGN=$K/%/absent" "notemplate:plain:DKSIGN_QMAILHOME=$T/nothere" \
	"emptyenv:plain:DKSIGN=" "nofrom:nofrom:DKSIGN=$TPL" "group:group:DKSIGN=$TPL" \
	"nodomain:nodomain:DKSIGN=$TPL" "nocolon:nocolon:DKSIGN=$TPL" \
	"notdir:plain:DKSIGN=$K/example.com/sel/%/x"; do
	n=${c%%:*}
	rest=${c#*:}
	m=${rest%%:*}
	qr "$n" "$M/$m" "${rest#*:}" DKSIGN_QMAILHOME="$T/nothere"
	is "$(qr_sum "$n"):$(odc "$T/qr/$n.out")" "rc=0 err= ran=1:$DEFAULT_OUT" \
		"$n: delivered unsigned, report passed on"
	ok "$n: qmail-remote got the message unchanged" cmp -s "$T/qr/$n.fq/stdin" "$M/$m"
done

# --- line ends: qmail-remote gets LF text, signed as such --------------------
qr crlf "$M/crlf" DKSIGN="$TPL"
tr -d '\r' <"$M/crlf" >"$T/crlf.want"
dkim_strip "$T/qr/crlf.fq/stdin" >"$T/crlf.rest"
ok "CRLF queue file: qmail-remote gets LF text" cmp -s "$T/crlf.rest" "$T/crlf.want"
is "$(v_rec "$T/qr/crlf.fq/stdin" "$REC_SEL")" pass "... and its signature verifies"
qr barecr "$M/barecr" DKSIGN="$TPL"
dkim_strip "$T/qr/barecr.fq/stdin" >"$T/barecr.rest"
is "$(od -An -c "$T/barecr.rest" | tr -s ' \n' ' ')" \
	"$(printf 'From: joe@example.com\nTo: suzie@example.net\n\nbare CR\nline ends\n' | od -An -c | tr -s ' \n' ' ')" \
	"bare CR: a line end (C-1)"
is "$(v_rec "$T/qr/barecr.fq/stdin" "$REC_SEL")" pass "... signed as such"
qr nofinal "$M/nofinal" DKSIGN="$TPL"
dkim_strip "$T/qr/nofinal.fq/stdin" >"$T/nofinal.rest"
ok "missing final LF: added" cmp -s "$T/nofinal.rest" "$M/nofinal.want"
is "$(v_rec "$T/qr/nofinal.fq/stdin" "$REC_SEL")" pass "... and signed with it"
cp "$M/nofinal" "$T/unsigned.in"
qr nofinal-unsigned "$M/nofinal" DKSIGN="$K/%/absent"
ok "missing final LF, unsigned: added too" cmp -s "$T/qr/nofinal-unsigned.fq/stdin" "$M/nofinal.want"

# stdin a pipe, not a file
mkdir -p "$T/qr/pipe.fq"
env -i PATH="$PATH" DKREMOTE="$FAKEQR" FAKEQR_DIR="$T/qr/pipe.fq" DKSIGN="$TPL" \
	DKSIGNOPTIONS="-t1700000000" sh -c 'cat "$1" | "$2" --remote mx.example.net bounce@example.com suzie@example.net' \
	sh "$M/plain" "$DKSIGN_PROG" >"$T/qr/pipe.out" 2>"$T/qr/pipe.err"
is "$?:$(cat "$T/qr/pipe.err")" "0:" "message on a pipe: exit 0, silent"
ok "... qmail-remote gets the same signed bytes" cmp -s "$T/qr/pipe.fq/stdin" "$T/cli.out"

# a big message
awk 'BEGIN { print "From: joe@example.com\nSubject: big\n"; for (i = 0; i < 20000; i++) printf "%06d the quick brown fox jumps over the lazy dog\n", i }' >"$M/big"
qr big "$M/big" DKSIGN="$TPL"
dkim_strip "$T/qr/big.fq/stdin" >"$T/big.rest"
ok "1 MB message: handed on whole" cmp -s "$T/big.rest" "$M/big"
is "$(v_rec "$T/qr/big.fq/stdin" "$REC_SEL")" pass "... signature verifies"

# --- temporary failures: one Z report, nothing else -------------------------------
mkdir "$K/locked.example"
cp "$K/example.com/sel" "$K/locked.example/sel"
chmod 000 "$K/locked.example/sel"
msg "$M/locked" 'joe@locked.example'
QR_PRE=
[ "$(id -u)" = 0 ] && QR_PRE="setpriv --reuid=65534 --regid=65534 --clear-groups"
qr locked "$M/locked" DKSIGN="$TPL"
QR_PRE=
is "$(qr_sum locked)" "rc=0 err= ran=0" "unreadable key: exit 0, nothing on fd 2, qmail-remote not run"
is "$(odc "$T/qr/locked.out")" \
	"$(odc_str "ZDKIM signing: cannot read key $K/locked.example/sel: access denied (#4.3.0)\n\0")" \
	"unreadable key: exactly the Z report"

printf 'this is not a key\n' >"$K/bad.example/sel"
msg "$M/bad" 'joe@bad.example'
qr bad "$M/bad" DKSIGN="$TPL"
is "$(qr_sum bad)" "rc=0 err= ran=0" "invalid key: exit 0, silent, qmail-remote not run"
is "$(odc "$T/qr/bad.out")" "$(odc_str "ZDKIM signing: invalid key $K/bad.example/sel (#4.3.0)\n\0")" \
	"invalid key: exactly the Z report"
dkim_rsa "$K/bad.example/small" 512
qr small "$M/bad" DKSIGN="$K/%/small"
is "$(odc "$T/qr/small.out")" "$(odc_str "ZDKIM signing: invalid key $K/bad.example/small (#4.3.0)\n\0")" \
	"RSA key of 512 bits: invalid key"
openssl pkey -in "$K/example.com/sel" -aes128 -passout pass:secret -out "$K/bad.example/enc" 2>/dev/null
qr enc "$M/bad" DKSIGN="$K/%/enc"
is "$(odc "$T/qr/enc.out")" "$(odc_str "ZDKIM signing: invalid key $K/bad.example/enc (#4.3.0)\n\0")" \
	"encrypted key: invalid key"
mkdir "$K/bad.example/dir"
qr dir "$M/bad" DKSIGN="$K/%/dir"
want="ZDKIM signing: cannot read key $K/bad.example/dir: "
is "$(qr_sum dir):$(head -c ${#want} "$T/qr/dir.out")" "rc=0 err= ran=0:$want" \
	"key path is a directory: a Z report"
is "$(tail -c 10 "$T/qr/dir.out" | od -An -c | tr -s ' \n' ' ')" " ( # 4 . 3 . 0 ) \\n \\0 " \
	"... ending (#4.3.0)\\n\\0"
qr badlater "$M/bad" DKSIGN="$K/%/absent $TPL"
is "$(head -c 26 "$T/qr/badlater.out"):$(qr_sum badlater)" "ZDKIM signing: invalid key:rc=0 err= ran=0" \
	"first template without a key, second invalid: still Z"

# --- which program runs -----------------------------------------------------------
qr noremote "$M/plain" DKSIGN="$TPL" DKREMOTE="$T/nothere/qmail-remote"
is "$(qr_sum noremote)" "rc=0 err= ran=0" "DKREMOTE missing: exit 0, silent"
is "$(odc "$T/qr/noremote.out")" "$(odc_str 'ZDKIM signing: cannot run qmail-remote (#4.3.0)\n\0')" \
	"DKREMOTE missing: exactly the Z report"
cp "$FAKEQR" "$T/bin/noexec"
chmod 644 "$T/bin/noexec"
qr noexec "$M/plain" DKSIGN="$TPL" DKREMOTE="$T/bin/noexec"
is "$(odc "$T/qr/noexec.out")" "$(odc_str 'ZDKIM signing: cannot run qmail-remote (#4.3.0)\n\0')" \
	"DKREMOTE not executable: the Z report"
qr self "$M/plain" DKSIGN="$TPL" DKREMOTE="$DKSIGN_PROG"
is "$(qr_sum self):$(odc "$T/qr/self.out")" \
	"rc=0 err= ran=0:$(odc_str 'ZDKIM signing: cannot run qmail-remote (#4.3.0)\n\0')" \
	"DKREMOTE is dksign itself: refused with the Z report"
ln -s "$DKSIGN_PROG" "$T/bin/qmail-remote"
ln -s "$DKSIGN_PROG" "$T/bin/qmail-dksign"
cp "$FAKEQR" "$T/qh/bin/qmail-remote.orig"
cp "$FAKEQR" "$T/qh/bin/qmail-remote"
printf '#!/bin/sh\necho "$0" >"$FAKEQR_DIR/which"\nexec %s "$@"\n' "$FAKEQR" >"$T/qh/bin/qmail-remote.orig"
printf '#!/bin/sh\necho "$0" >"$FAKEQR_DIR/which"\nexec %s "$@"\n' "$FAKEQR" >"$T/qh/bin/qmail-remote"
chmod 755 "$T/qh/bin/qmail-remote.orig" "$T/qh/bin/qmail-remote"
QR_CMD="$T/bin/qmail-remote" qr asqr "$M/plain" NODKREMOTE=1 DKSIGN="$TPL" DKSIGN_QMAILHOME="$T/qh"
is "$(qr_sum asqr):$(cat "$T/qr/asqr.fq/which" 2>/dev/null)" "rc=0 err= ran=1:$T/qh/bin/qmail-remote.orig" \
	"called as qmail-remote: runs <qmailhome>/bin/qmail-remote.orig"
is "$(dkim_count "$T/qr/asqr.fq/stdin"):$(sed 1d "$T/qr/asqr.fq/argv" | tr '\n' ' ')" \
	"1:mx.example.net bounce@example.com suzie@example.net " "... signed, same arguments"
QR_CMD="$T/bin/qmail-dksign" qr asdk "$M/plain" NODKREMOTE=1 DKSIGN="$TPL" DKSIGN_QMAILHOME="$T/qh"
is "$(qr_sum asdk):$(cat "$T/qr/asdk.fq/which" 2>/dev/null)" "rc=0 err= ran=1:$T/qh/bin/qmail-remote" \
	"called as qmail-dksign: runs <qmailhome>/bin/qmail-remote"
qr asopt "$M/plain" NODKREMOTE=1 DKSIGN="$TPL" DKSIGN_QMAILHOME="$T/qh"
is "$(qr_sum asopt):$(cat "$T/qr/asopt.fq/which" 2>/dev/null)" "rc=0 err= ran=1:$T/qh/bin/qmail-remote" \
	"--remote: runs <qmailhome>/bin/qmail-remote"
QR_CMD="$T/bin/qmail-remote" qr asqr-dk "$M/plain" DKSIGN="$TPL" DKSIGN_QMAILHOME="$T/qh"
is "$(qr_sum asqr-dk):$(cat "$T/qr/asqr-dk.fq/which" 2>/dev/null)" "rc=0 err= ran=1:" \
	"called as qmail-remote with \$DKREMOTE: runs \$DKREMOTE"
rm "$T/qh/bin/qmail-remote.orig"
ln -s "$DKSIGN_PROG" "$T/qh/bin/qmail-remote.orig"
QR_CMD="$T/bin/qmail-remote" qr loop "$M/plain" NODKREMOTE=1 DKSIGN="$TPL" DKSIGN_QMAILHOME="$T/qh"
is "$(qr_sum loop):$(odc "$T/qr/loop.out")" \
	"rc=0 err= ran=0:$(odc_str 'ZDKIM signing: cannot run qmail-remote (#4.3.0)\n\0')" \
	"qmail-remote.orig is dksign again: refused, no loop"

# --- what the real qmail-remote says passes through ---------------------------------
qr hard "$M/plain" DKSIGN="$TPL" FAKEQR_OUT='h550 no such user (#5.1.1)\n\0DGiving up on 127.0.0.1.\n\0'
is "$(odc "$T/qr/hard.out")" "$(odc_str 'h550 no such user (#5.1.1)\n\0DGiving up on 127.0.0.1.\n\0')" \
	"its recipient and message reports pass through byte for byte"
qr exit111 "$M/plain" DKSIGN="$TPL" FAKEQR_EXIT=111 FAKEQR_OUT='' FAKEQR_ERR='trouble\n'
is "$(qr_sum exit111)" "rc=111 err=trouble ran=1" "its exit status and fd 2 pass through"
qr unsigned111 "$M/plain" DKSIGN="$K/%/absent" FAKEQR_EXIT=111 FAKEQR_OUT='Zx\n\0'
is "$(qr_sum unsigned111):$(odc "$T/qr/unsigned111.out")" "rc=111 err= ran=1:$(odc_str 'Zx\n\0')" \
	"... also when the message went out unsigned"

done_testing
