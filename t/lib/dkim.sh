# dkim.sh: shared helpers for the t/dksign-*.t tests.  Source after tap.sh
# (and, for the DNS helpers, after netns.sh with NETNS_MOUNT=1 and nsd.sh).
#
#   $DKSIGN_PROG         the program under test, $BIN/dksign (the tests run
#                        `dksign` and `dknewkey` from PATH, which tap.sh
#                        starts with $BIN)
#   $PY                  Debian's python3 (dkimpy lives there, not in a
#                        python3 that may come first on PATH)
#   $FAKEQR              the qmail-remote stand-in (t/lib/fake-qmail-remote.sh)
#
# Keys (openssl only, so a key does not depend on the program under test):
#   dkim_rsa FILE [BITS]   RSA key, PEM PKCS#1 ("BEGIN RSA PRIVATE KEY"),
#                          default 2048 bits
#   dkim_ed FILE           Ed25519 key, PEM PKCS#8 ("BEGIN PRIVATE KEY")
#   dkim_p KEYFILE         the p= value of its public key record: base64
#                          SubjectPublicKeyInfo (RSA), base64 of the 32 raw
#                          bytes (Ed25519)
#   dkim_record KEYFILE    "v=DKIM1; k=rsa|ed25519; p=..."
#   dkim_rr NAME RECORD    a zone file TXT line, RECORD cut into strings of
#                          at most 250 octets
#
# DNS (inside the test's own network and mount namespace):
#   dkim_dns DIR ZONEFILE...  starts nsd on 127.0.0.1:53 with the zones
#                          (t/lib/nsd.sh naming: DIR/ORIGIN.zone) and
#                          bind-mounts a resolv.conf naming it, so every
#                          verifier's resolver asks it.  Returns 1 on failure.
#   dkim_soa               SOA and NS lines for a zone file
#
# Verifiers (each prints one line, so tests compare with `is`):
#   v_opendkim FILE        opendkim-testmsg (libopendkim 2.11): "pass", or
#                          "fail rc=N: <its message>"
#   v_dkimpy FILE [INDEX]  dkimpy's dkimverify --index INDEX (default 0):
#                          "pass" or "fail rc=N: <last line of stderr>"
#   v_maildkim FILE        Mail::DKIM's dkimproxy-verify: its "verify
#                          result:" lines joined with " | "
#
# Message surgery (LF or CRLF input, output keeps it):
#   dkim_only N FILE       FILE with only its Nth DKIM-Signature field (1 =
#                          first); the others removed
#   dkim_strip FILE        FILE without the DKIM-Signature fields at its top
#   dkim_sigs FILE         the DKIM-Signature fields at the top, as they are
#   dkim_count FILE        how many DKIM-Signature fields are at the top
#   dkim_tag TAG FILE [N]  value of TAG in the Nth DKIM-Signature (default
#                          1), unfolded, all whitespace removed
#   dkim_tags FILE [N]     the tag names of the Nth signature in order,
#                          separated by spaces
#   maxcol FILE            length of the longest line (CR not counted)

PY=/usr/bin/python3
FAKEQR=$TOP/t/lib/fake-qmail-remote.sh

# settings of the caller's environment must not leak into the tests
unset DKSIGN DKSIGNOPTIONS DKREMOTE DKSIGN_ACTIVE DKSIGN_QMAILHOME \
	QMAILREMOTE 2>/dev/null
DKSIGN_PROG=$BIN/dksign
# Under ASan (make check SANITIZE=1): Debian's libopendkim 2.11 leaks 64
# bytes per Ed25519 key in dkim_privkey_load() (RSA keys do not leak, so it
# is not a missing dkim_free()); LeakSanitizer is told to ignore that frame.
printf 'leak:dkim_privkey_load\n' >"$T/lsan.supp"
LSAN_OPTIONS="suppressions=$T/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
if [ ! -x "$DKSIGN_PROG" ]; then
	echo "Bail out! $DKSIGN_PROG not built"
	exit 1
fi

dkim_rsa() {
	openssl genrsa -traditional -out "$1" "${2:-2048}" 2>/dev/null
}
dkim_ed() {
	openssl genpkey -algorithm ED25519 -out "$1" 2>/dev/null
}
dkim_p() {
	if openssl pkey -in "$1" -noout -text 2>/dev/null | grep -q '^ED25519'; then
		openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0
	else
		openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0
	fi
}
dkim_record() {
	if openssl pkey -in "$1" -noout -text 2>/dev/null | grep -q '^ED25519'; then
		printf 'v=DKIM1; k=ed25519; p=%s' "$(dkim_p "$1")"
	else
		printf 'v=DKIM1; k=rsa; p=%s' "$(dkim_p "$1")"
	fi
}
dkim_rr() {
	printf '%s IN TXT ( %s )\n' "$1" \
		"$(printf '%s' "$2" | fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' ')"
}
dkim_soa() {
	printf '$TTL 60\n@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n@ IN NS ns.test.\n'
}
dkim_dns() {
	_dd=$1
	shift
	nsd_start "$_dd" "$@" || return 1
	echo 'nameserver 127.0.0.1' >"$_dd/resolv.conf"
	echo 'options timeout:2 attempts:2' >>"$_dd/resolv.conf"
	netns_resolvconf "$_dd/resolv.conf"
}

v_opendkim() {
	_vo=$(timeout 60 opendkim-testmsg <"$1" 2>&1)
	_vr=$?
	if [ $_vr = 0 ] && [ -z "$_vo" ]; then echo pass
	else echo "fail rc=$_vr: $_vo" | tr '\n' ' ' | sed 's/ $//'; echo; fi
}
v_dkimpy() {
	_vo=$(timeout 60 dkimverify --index "${2:-0}" <"$1" 2>"$1.pyerr")
	_vr=$?
	if [ $_vr = 0 ] && [ "$_vo" = "signature ok" ]; then echo pass
	else echo "fail rc=$_vr: $_vo $(tail -n 1 "$1.pyerr")"; fi
	rm -f "$1.pyerr"
}
v_maildkim() {
	timeout 60 dkimproxy-verify <"$1" 2>&1 |
		sed -n 's/^verify result: //p' | tr '\n' '|' | sed 's/|$//; s/|/ | /g'
	echo
}

# awk program shared by the surgery helpers: marks each header line with
# the number of the DKIM-Signature field it belongs to among the leading
# ones (0 = not a leading DKIM-Signature line).
_dkim_awk='
BEGIN { n = 0; lead = 1; cur = 0 }
{
	line = $0; sub(/\r$/, "", line)
	if (lead) {
		if (line ~ /^[ \t]/ && cur > 0) { mark = cur }
		else if (tolower(line) ~ /^dkim-signature[ \t]*:/) { n++; cur = n; mark = cur }
		else { lead = 0; cur = 0; mark = 0 }
	} else mark = 0
	emit(mark)
}'
dkim_only() {
	awk -v want="$1" "$_dkim_awk"'
	function emit(m) { if (m == 0 || m == want) print }' "$2" 2>/dev/null
}
dkim_strip() {
	# byte exact: print with ORS as read (awk keeps a final CR in $0)
	awk "$_dkim_awk"'
	function emit(m) { if (m == 0) print }' "$1"
}
dkim_sigs() {
	awk "$_dkim_awk"'
	function emit(m) { if (m != 0) print }' "$1"
}
dkim_count() {
	awk "$_dkim_awk"'
	function emit(m) { } END { print n }' "$1"
}
dkim_tag() {
	dkim_only "${3:-1}" "$2" | dkim_sigs /dev/stdin | tr -d ' \t\r\n' |
		sed 's/^[^:]*://' | tr ';' '\n' | sed -n "s/^$1=//p"
}
dkim_tags() {
	dkim_only "${2:-1}" "$1" | dkim_sigs /dev/stdin | tr -d ' \t\r\n' |
		sed 's/^[^:]*://' | tr ';' '\n' | sed -n 's/=.*//p' | tr '\n' ' ' |
		sed 's/ $//'
	echo
}
maxcol() {
	tr -d '\r' <"$1" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'
}

# dkim_corpus DIR: writes the test messages (From: joe@example.com) into DIR:
#   plain.lf     a small ordinary message, LF line ends
#   plain.crlf   the same with CRLF line ends
#   folded       folded and oddly spaced header fields (tabs, runs of blanks,
#                trailing blanks, mixed-case names), blank-ridden body lines
#   8bit         UTF-8 and Latin-1 octets in the body, UTF-8 in Subject
#   empty        header, empty line, no body
#   nobody       header only, not even the empty line
#   trailing     body ending in blank and whitespace-only lines
#   big          a body of 1 MiB (lines of text, some with trailing blanks)
dkim_corpus() {
	_h='From: Joe SixPack <joe@example.com>
To: Suzie Q <suzie@shopping.example.net>
Subject: Is dinner ready?
Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)
Message-ID: <20030712040037.46341.5F8J@example.com>'
	printf '%s\n\nHi.\n\nWe lost the game.  Are you hungry yet?\n\nJoe.\n' "$_h" >"$1/plain.lf"
	sed 's/$/\r/' "$1/plain.lf" >"$1/plain.crlf"
	printf '%s\n' \
		'Received: from x.example.net by y.example.com;' \
		'	Fri, 11 Jul 2003 21:00:37 -0700' \
		'from:   Joe  SixPack	<joe@example.com>  ' \
		'TO: Suzie Q <suzie@shopping.example.net>,' \
		'    Bob <bob@example.net>,' \
		'	"Carol, Jr." <carol@example.org>' \
		'Subject: a subject that goes on' \
		' and on,	with tabs	 and' \
		'   runs of    blanks  ' \
		'Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)' \
		'Message-ID:<20030712040037.46341.5F9J@example.com>' \
		'X-Empty:' \
		'X-Blank:    ' \
		'Content-Type: text/plain;' \
		'	charset="us-ascii"' \
		'' \
		'  leading blanks' \
		'trailing blanks   ' \
		'tabs	in	the	middle		and at the end	' \
		'.a line starting with a dot' \
		'From the start of a line' \
		'' \
		'end' >"$1/folded"
	{
		printf '%s\n' 'From: =?UTF-8?Q?J=C3=B6rg?= <joe@example.com>' \
			'To: suzie@shopping.example.net' \
			'Subject: Grüße aus Köln' \
			'Date: Fri, 11 Jul 2003 21:00:37 -0700' \
			'MIME-Version: 1.0' \
			'Content-Type: text/plain; charset=utf-8' \
			'Content-Transfer-Encoding: 8bit' \
			'' \
			'Grüße, ça va?  Ελληνικά, 日本語, emoji 😀.'
		printf 'Latin-1 octets: \374\366\344\337 and \377\200\n'
	} >"$1/8bit"
	printf '%s\n\n' "$_h" >"$1/empty"
	printf '%s\n' "$_h" >"$1/nobody"
	printf '%s\n\nbody\n  \n\t\n\n\n' "$_h" >"$1/trailing"
	{
		printf '%s\nMIME-Version: 1.0\n\n' "$_h"
		awk 'BEGIN {
			for (i = 0; i < 17000; i++) {
				printf "%05d The quick brown fox jumps over the lazy dog. 0123456789", i
				if (i % 7 == 0) printf "   "
				printf "\n"
			}
		}'
	} >"$1/big"
}

# v_rec FILE RECORD [INDEX]: dkimpy verifies signature INDEX (default 0)
# of FILE against the key record RECORD given here (no DNS): "pass" or
# "fail: <reason>".
v_rec() {
	"$PY" - "$1" "$2" "${3:-0}" <<'PYEOF'
import sys, dkim
rec = sys.argv[2].encode()
try:
    m = open(sys.argv[1], 'rb').read()
    d = dkim.DKIM(m)
    good = d.verify(idx=int(sys.argv[3]), dnsfunc=lambda name, timeout=5: rec)
    print('pass' if good else 'fail: verify returned false')
except Exception as e:
    print('fail: %s' % e)
PYEOF
}

# qr NAME MSGFILE [VAR=VALUE...]: runs dksign in qmail-remote mode,
#   $QR_CMD mx.example.net bounce@example.com suzie@example.net
# ($QR_CMD defaults to "$DKSIGN_PROG --remote") under `env -i` with only
# PATH, DKREMOTE=$FAKEQR, FAKEQR_DIR and the given variables (VAR= with
# no value is passed as empty; NODKREMOTE=1 leaves DKREMOTE out), stdin
# from MSGFILE.  $QR_PRE (e.g. a setpriv command) goes in front.
# Results in $T/qr/NAME.out, .err, .rc and the stand-in's records in
# $T/qr/NAME.fq/ (argv, stdin, env, ran).
qr() {
	_qn=$1 _qm=$2
	shift 2
	mkdir -p "$T/qr/$_qn.fq"
	chmod 777 "$T/qr" "$T/qr/$_qn.fq"
	_qremote="DKREMOTE=$FAKEQR"
	for _qa in "$@"; do
		[ "$_qa" = NODKREMOTE=1 ] && _qremote=NODKREMOTE=1
	done
	# shellcheck disable=SC2086
	$QR_PRE env -i PATH="$PATH" "$_qremote" FAKEQR_DIR="$T/qr/$_qn.fq" "$@" \
		${QR_CMD:-$DKSIGN_PROG --remote} mx.example.net bounce@example.com \
		suzie@example.net <"$_qm" >"$T/qr/$_qn.out" 2>"$T/qr/$_qn.err"
	echo $? >"$T/qr/$_qn.rc"
}
# qr_sum NAME: "rc=N err=<stderr> ran=<runs of the stand-in>"
qr_sum() {
	printf 'rc=%s err=%s ran=%s\n' "$(cat "$T/qr/$1.rc")" "$(cat "$T/qr/$1.err")" \
		"$(cat "$T/qr/$1.fq/ran" 2>/dev/null | wc -l)"
}
# odc FILE / odc_str PRINTF-FORMAT: bytes as `od -c` shows them, on one
# line (to compare reports that contain NUL bytes)
odc() { od -An -c -w65536 <"$1"; }
odc_str() {
	# shellcheck disable=SC2059
	printf "$1" | od -An -c -w65536
}
