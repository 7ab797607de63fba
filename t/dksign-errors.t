#!/bin/sh
# dksign command-line mode on bad input (spec C-2, C-3, C-7, S-3, S-5,
# S-11): usage errors, keys that are garbled, encrypted, too small,
# missing, unreadable or not files, messages with a header line without a
# colon, a NUL byte, a line over 998 octets, no signing domain, nothing at
# all.  Each must give the documented exit code (100 permanent, 111
# temporary), a "dksign: " line on stderr and nothing at all on stdout.
# And in qmail-remote mode the same bad messages go out unsigned and
# unchanged (spec S-10).
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/dkim.sh"

chmod 755 "$T"
K=$T/keys
M=$T/msgs
mkdir "$K" "$M"
dkim_rsa "$K/sel" 1024 && dkim_ed "$K/ed" || { echo "Bail out! openssl cannot make keys"; exit 1; }
chmod a+r "$K/sel"
printf 'From: joe@example.com\nTo: suzie@example.net\nSubject: hi\n\nHello.\n' >"$M/good"

# run NAME WANTRC ARGS...: dksign ARGS; checks the exit code, empty stdout
# and a "dksign: " line on stderr.  $RUN_PRE goes in front (setpriv).
run() {
	_rn=$1 _rw=$2
	shift 2
	$RUN_PRE "$DKSIGN_PROG" "$@" >"$T/$_rn.out" 2>"$T/$_rn.err" </dev/null
	_rc=$?
	_first=$(head -n 1 "$T/$_rn.err" | cut -c1-8)
	is "rc=$_rc out=$(wc -c <"$T/$_rn.out" | tr -d ' ') err=$_first" \
		"rc=$_rw out=0 err=dksign: " "$_rn: exit $_rw, nothing on stdout, a dksign: line on stderr"
}
# runin NAME WANTRC MSGFILE ARGS...: the same with the message on stdin
runin() {
	_rn=$1 _rw=$2 _rm=$3
	shift 3
	"$DKSIGN_PROG" "$@" <"$_rm" >"$T/$_rn.out" 2>"$T/$_rn.err"
	_rc=$?
	_first=$(head -n 1 "$T/$_rn.err" | cut -c1-8)
	is "rc=$_rc out=$(wc -c <"$T/$_rn.out" | tr -d ' ') err=$_first" \
		"rc=$_rw out=0 err=dksign: " "$_rn: exit $_rw, nothing on stdout, a dksign: line on stderr"
}

# --- usage ---------------------------------------------------------------------------
run usage-none 100
ok "no key, no template: the usage line" grep -q 'usage: dksign' "$T/usage-none.err"
run usage-opt 100 -Y -k "$K/sel" "$M/good"
run usage-alg 100 -a rsa-sha512 -k "$K/sel" "$M/good"
run usage-canon 100 -c relaxed/nowsp -k "$K/sel" "$M/good"
run usage-canon2 100 -c nofws -k "$K/sel" "$M/good"
run usage-x0 100 -x 0 -k "$K/sel" "$M/good"
run usage-xnum 100 -x 1h -k "$K/sel" "$M/good"
run usage-tnum 100 -t yesterday -k "$K/sel" "$M/good"
run usage-tbig 100 -t 99999999999999999999 -k "$K/sel" "$M/good"
run usage-ident 100 -i joe -k "$K/sel" "$M/good"
run usage-sel 100 -s 'a;b' -k "$K/sel" "$M/good"
run usage-dom 100 -d '' -k "$K/sel" "$M/good"
run usage-twofiles 100 -k "$K/sel" "$M/good" "$M/good"
run usage-O-nofiles 100 -k "$K/sel" -O "$T"
run usage-noarg 100 -k

# --- keys -----------------------------------------------------------------------------
printf 'garbage\n' >"$K/garbled"
run key-garbled 100 -k "$K/garbled" "$M/good"
ok "garbled key: stderr names the key file" grep -q "$K/garbled" "$T/key-garbled.err"
head -c 300 "$K/sel" >"$K/truncated"
run key-truncated 100 -k "$K/truncated" "$M/good"
: >"$K/empty"
run key-empty 100 -k "$K/empty" "$M/good"
openssl pkey -in "$K/sel" -aes128 -passout pass:x -out "$K/enc" 2>/dev/null
run key-encrypted 100 -k "$K/enc" "$M/good"
dkim_rsa "$K/small" 512
run key-512 100 -k "$K/small" "$M/good"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$K/ec" 2>/dev/null
run key-ec 100 -k "$K/ec" "$M/good"
run key-missing 100 -k "$K/absent" "$M/good"
run key-notdir 100 -k "$K/sel/x" "$M/good"
mkdir "$K/dir"
run key-dir 111 -k "$K/dir" "$M/good"
cp "$K/sel" "$K/locked"
chmod 000 "$K/locked"
[ "$(id -u)" = 0 ] && RUN_PRE="setpriv --reuid=65534 --regid=65534 --clear-groups"
run key-unreadable 111 -k "$K/locked" "$M/good"
RUN_PRE=
ok "unreadable key: stderr says access denied" grep -q 'access denied' "$T/key-unreadable.err"
run key-alg-ed 100 -a ed25519-sha256 -k "$K/sel" "$M/good"
run key-alg-rsa 100 -a rsa-sha256 -k "$K/ed" "$M/good"
run key-ident 100 -i joe@example.org -k "$K/sel" "$M/good"
# a template whose key is unreadable: temporary too
mkdir -p "$K/t/example.com"
cp "$K/sel" "$K/t/example.com/sel"
chmod 000 "$K/t/example.com/sel"
chmod a+rx "$K/t" "$K/t/example.com"
[ "$(id -u)" = 0 ] && RUN_PRE="setpriv --reuid=65534 --regid=65534 --clear-groups"
run tmpl-unreadable 111 -T "$K/t/%/sel" "$M/good"
RUN_PRE=
printf 'garbage\n' >"$K/t/example.com/bad"
run tmpl-garbled 100 -T "$K/t/%/bad" "$M/good"

# --- messages -----------------------------------------------------------------------
printf 'From: joe@example.com\nThis line has no colon\n\nbody\n' >"$M/nocolon"
runin msg-nocolon 100 "$M/nocolon" -k "$K/sel"
printf ' starts folded\nFrom: joe@example.com\n\nbody\n' >"$M/contfirst"
runin msg-contfirst 100 "$M/contfirst" -k "$K/sel"
printf 'From: joe@example.com\nSubject: a\0b\n\nbody\n' >"$M/nulhdr"
runin msg-nul-header 100 "$M/nulhdr" -k "$K/sel"
printf 'From: joe@example.com\n\nbody \0 with NUL\n' >"$M/nulbody"
runin msg-nul-body 100 "$M/nulbody" -k "$K/sel"
line() { awk -v n="$1" 'BEGIN { s = ""; for (i = 0; i < n; i++) s = s "x"; print s }'; }
{ printf 'From: joe@example.com\nSubject: '; line 990; printf '\nbody\n'; } >"$M/longhdr"
runin msg-long-header 100 "$M/longhdr" -k "$K/sel"
{ printf 'From: joe@example.com\n\n'; line 999; } >"$M/longbody"
runin msg-999 100 "$M/longbody" -k "$K/sel"
{ printf 'From: joe@example.com\r\n\r\n'; line 999 | sed 's/$/\r/'; } >"$M/longcrlf"
runin msg-999-crlf 100 "$M/longcrlf" -k "$K/sel"
{ printf 'From: joe@example.com\n\n'; line 998; } >"$M/998"
"$DKSIGN_PROG" -k "$K/sel" "$M/998" >"$T/998.out" 2>"$T/998.err"
is "$?:$(cat "$T/998.err")" "0:" "a line of exactly 998 octets is fine"
{ printf 'From: joe@example.com\r\n\r\n'; line 998 | sed 's/$/\r/'; } >"$M/998crlf"
"$DKSIGN_PROG" -k "$K/sel" "$M/998crlf" >"$T/998crlf.out" 2>"$T/998crlf.err"
is "$?:$(cat "$T/998crlf.err")" "0:" "998 octets and CRLF is fine (the CR does not count)"
: >"$M/empty"
runin msg-empty 100 "$M/empty" -k "$K/sel"
run msg-empty-file 100 -k "$K/sel" "$M/empty"
printf 'To: suzie@example.net\n\nno From\n' >"$M/nofrom"
runin msg-nofrom 100 "$M/nofrom" -k "$K/sel"
printf 'From: <joe@[192.0.2.1]>\n\nliteral\n' >"$M/literal"
runin msg-literal 100 "$M/literal" -k "$K/sel"
printf 'From: "joe\n\nunterminated quote\n' >"$M/badaddr"
runin msg-badaddr 100 "$M/badaddr" -k "$K/sel"
# -d gives a domain, but RFC 6376 5.4 makes From: a field every signature
# must cover: a permanent problem of the message, not a temporary one
runin msg-nofrom-d 100 "$M/nofrom" -k "$K/sel" -d example.com
run msg-missing 100 -k "$K/sel" "$M/absent"
run msg-dir 111 -k "$K/sel" "$M"
"$DKSIGN_PROG" -k "$K/sel" "$M/good" >/dev/full 2>"$T/full.err"
is "$?:$(head -c 8 "$T/full.err")" "111:dksign: " "stdout is /dev/full: exit 111"

# --- qmail-remote mode: the same messages go out unsigned, unchanged -----------------
for m in nocolon contfirst nulhdr nulbody longhdr longbody nofrom literal empty; do
	qr "bad-$m" "$M/$m" DKSIGN="$K/t/%/sel2"
	is "$(qr_sum "bad-$m"):$(tr '\0' '@' <"$T/qr/bad-$m.out")" "rc=0 err= ran=1:r@Kfake accepted.
@" "qmail-remote mode, $m: delivered, report passed on"
	ok "qmail-remote mode, $m: unchanged" cmp -s "$T/qr/bad-$m.fq/stdin" "$M/$m"
done

done_testing
