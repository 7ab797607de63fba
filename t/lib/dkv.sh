# dkv.sh: shared helpers for the t/dkverify-*.t tests.  Source after tap.sh
# and, for the DNS helpers, after netns.sh (NETNS_MOUNT=1) and nsd.sh.
#
#   $DKV          the program under test, $BIN/dkverify
#   $PY           Debian's python3 (dkimpy lives there)
#   $FAKEQQ       the qmail-queue stand-in (t/lib/fake-qmail-queue.sh)
#   $STANDIN      the qmail-smtpd stand-in ($TBIN/smtpd-standin)
#
# Keys (openssl only):
#   dkv_rsa FILE [BITS]  RSA key, PEM PKCS#1, default 2048 bits
#   dkv_ed FILE          Ed25519 key, PEM PKCS#8; also writes FILE.seed
#                        (base64 of the 32-byte seed, dkimpy's format)
#   dkv_p KEYFILE        the p= of its public key record
#   dkv_record KEYFILE   "v=DKIM1; k=rsa|ed25519; p=..."
#   dkv_dkrecord KEYFILE "k=rsa; p=..." (DomainKeys: no v=)
#   dkv_rr NAME RECORD   a zone file TXT line (strings of <= 250 octets)
#   dkv_kf NAME RECORD   a DKVERIFY_KEYFILE line (strings of <= 250 octets)
#   dkv_soa              SOA and NS lines for a zone file
#
# The standard set-up (dkv_setup DIR): keys DIR/rsa (2048), DIR/ed, DIR/small
# (512 bits), DIR/other (another RSA key); zone example.com served by nsd on
# 127.0.0.1 with
#   rsa ed dk        the keys (dk = DomainKeys record of DIR/rsa)
#   small            the 512-bit key
#   revoked, dkrevoked   p= empty (DKIM and DomainKeys form)
#   wrong            DIR/other's record (signature does not match)
#   testing          DIR/rsa's record with t=y
#   sf, drop         names the DNS proxy answers with SERVFAIL / never
# and a DNS proxy (tbin/dnsproxy) on 127.0.0.2 in front of it that does the
# sf/drop rules; a resolv.conf naming 127.0.0.1 is bind-mounted so the
# other verifiers find the keys.  The same records are also written to
# DIR/keyfile in DKVERIFY_KEYFILE syntax (sf is TEMPFAIL there, drop absent).
# DNSCACHEIP is exported as 127.0.0.1.
#
# Signers (each: MSGFILE in, signed message on stdout):
#   s_dksign KEY SEL [ARGS]    dksign -k KEY -d example.com -s SEL
#   s_opendkim KEY SEL         opendkim-testmsg (rsa-sha1, relaxed/simple)
#   s_opendkim_lf KEY SEL      the same on LF input (a garbled b=, see below)
#   s_dkimpy KEY SEL [ARGS]    dkimpy's dkimsign (ed25519: KEY.seed and
#                              --signalg ed25519-sha256)
#   s_maildkim KEY SEL [ARGS]  Mail::DKIM's dkimproxy-sign (rsa-sha256)
#   s_maildk KEY SEL METHOD    dkimproxy-sign --type domainkeys
#
# Checks:
#   chk NAME FILE [VAR=VALUE...]  runs `dkverify --check FILE` under env -i
#       with PATH, DNSCACHEIP, DKVERIFY_AUTHSERVID=mx.test, DKVERIFY_TIMEOUT=3
#       and the given variables; results in $T/chk/NAME.{out,err,rc}
#   chk_last NAME     the last line of its output
#   chk_rc NAME       its exit code
#   chk_ar NAME       the A-R field unfolded (continuation joined with one
#                     blank, CR removed) on one line
#   chk_res NAME METHOD [N]   the Nth (default 1) resinfo of METHOD
#                     ("dkim=pass (ok) header.d=..."), blanks squeezed
#   chk_sum NAME      "rc=N <last line>"
#   ar_res FILE METHOD [N]    the same on the first A-R field of a message
#   sigb FILE [N]     b= of the Nth DKIM-Signature (whitespace removed)
PY=/usr/bin/python3
FAKEQQ=$TOP/t/lib/fake-qmail-queue.sh
STANDIN=$TBIN/smtpd-standin

# settings of the caller's environment must not leak into the tests
unset DKVERIFY DKVERIFY_KEYFILE DKVERIFY_TIMEOUT DKVERIFY_AUTHSERVID \
	DKVERIFY_MINKEYBITS DKVERIFY_RSASHA1 DKVERIFY_CUSTOMERROR DKQUEUE \
	RELAYCLIENT DATABYTES QMAILQUEUE 2>/dev/null
DKV=$BIN/dkverify
# Under ASan: Debian's libopendkim 2.11 leaks 64 bytes per Ed25519 key in
# dkim_privkey_load() (seen by dksign, which signs the test messages)
printf 'leak:dkim_privkey_load\n' >"$T/lsan.supp"
LSAN_OPTIONS="suppressions=$T/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
if [ ! -x "$DKV" ]; then
	echo "Bail out! $DKV not built"
	exit 1
fi

dkv_rsa() { openssl genrsa -traditional -out "$1" "${2:-2048}" 2>/dev/null; }
dkv_ed() {
	openssl genpkey -algorithm ED25519 -out "$1" 2>/dev/null &&
		openssl pkey -in "$1" -outform DER 2>/dev/null | tail -c 32 | base64 -w0 >"$1.seed"
}
_dkv_is_ed() { openssl pkey -in "$1" -noout -text 2>/dev/null | grep -q '^ED25519'; }
dkv_p() {
	if _dkv_is_ed "$1"; then
		openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0
	else
		openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | base64 -w0
	fi
}
dkv_record() {
	if _dkv_is_ed "$1"; then printf 'v=DKIM1; k=ed25519; p=%s' "$(dkv_p "$1")"
	else printf 'v=DKIM1; k=rsa; p=%s' "$(dkv_p "$1")"; fi
}
dkv_dkrecord() { printf 'k=rsa; p=%s' "$(dkv_p "$1")"; }
dkv_rr() {
	printf '%s IN TXT ( %s )\n' "$1" \
		"$(printf '%s' "$2" | fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' ')"
}
dkv_kf() {
	printf '%s TXT %s\n' "$1" \
		"$(printf '%s' "$2" | fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' ')"
}
dkv_soa() {
	printf '$TTL 60\n@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n@ IN NS ns.test.\n'
}

dkv_setup() {
	_sd=$1
	mkdir -p "$_sd" || return 1
	dkv_rsa "$_sd/rsa" 2048 && dkv_ed "$_sd/ed" && dkv_rsa "$_sd/small" 512 &&
		dkv_rsa "$_sd/other" 1024 || { echo "Bail out! openssl cannot make keys"; exit 1; }
	# name|record pairs, shared by the zone and the key file
	{
		echo "rsa|$(dkv_record "$_sd/rsa")"
		echo "ed|$(dkv_record "$_sd/ed")"
		echo "dk|$(dkv_dkrecord "$_sd/rsa")"
		echo "small|$(dkv_record "$_sd/small")"
		echo "revoked|v=DKIM1; k=rsa; p="
		echo "dkrevoked|k=rsa; p="
		echo "wrong|$(dkv_record "$_sd/other")"
		echo "testing|$(dkv_record "$_sd/rsa"); t=y"
		echo "sf|$(dkv_record "$_sd/rsa")"
		echo "drop|$(dkv_record "$_sd/rsa")"
	} >"$_sd/records"
	{
		dkv_soa
		while IFS='|' read -r _n _r; do dkv_rr "$_n._domainkey" "$_r"; done <"$_sd/records"
	} >"$_sd/example.com.zone"
	{
		echo '; test key file'
		while IFS='|' read -r _n _r; do
			case $_n in
			sf) echo "sf._domainkey.example.com TEMPFAIL" ;;
			drop) ;;
			*) dkv_kf "$_n._domainkey.example.com" "$_r" ;;
			esac
		done <"$_sd/records"
	} >"$_sd/keyfile"
	nsd_start "$_sd/nsd" "$_sd/example.com.zone" || return 1
	trap '_nsd_stop_all; _dkv_stop_all; rm -rf "$T"' EXIT
	echo 'nameserver 127.0.0.1' >"$_sd/resolv.conf"
	echo 'options timeout:2 attempts:1' >>"$_sd/resolv.conf"
	netns_resolvconf "$_sd/resolv.conf" || return 1
	dnsproxy -l 127.0.0.2:53 -u 127.0.0.1:53 -q "$_sd/proxy.log" -L 600 \
		-z sf._domainkey.example.com=servfail \
		-z drop._domainkey.example.com=drop 2>"$_sd/proxy.err" &
	_dkv_pids="$_dkv_pids $!"
	# ready when it answers
	_i=0
	while [ $_i -lt 50 ]; do
		DNSCACHEIP=127.0.0.2 dnsq -t 300 addrs example.com >/dev/null 2>&1
		[ $? != 111 ] && break
		sleep 0.1; _i=$((_i + 1))
	done
	DNSCACHEIP=127.0.0.1
	export DNSCACHEIP
}
_dkv_pids=
_dkv_stop_all() {
	for _p in $_dkv_pids; do kill "$_p" 2>/dev/null; done
}

s_dksign() { _k=$1 _s=$2; shift 2; dksign -k "$_k" -d example.com -s "$_s" "$@"; }
s_opendkim() {
	# opendkim-testmsg 2.11 garbles the end of b= when it converts LF input
	# (it writes the last characters twice: "...N8w2ng==N8w2ng=="): give it
	# CRLF with -C and turn its output back into LF
	sed 's/$/\r/' | /usr/sbin/opendkim-testmsg -C -d example.com -s "$2" -k "$1" |
		sed 's/\r$//'
}
# s_opendkim_lf KEY SEL: opendkim-testmsg on LF input, garbled b= and all
s_opendkim_lf() { /usr/sbin/opendkim-testmsg -d example.com -s "$2" -k "$1"; }
s_dkimpy() {
	_k=$1 _s=$2; shift 2
	if [ -f "$_k.seed" ]; then
		"$PY" /usr/bin/dkimsign --signalg ed25519-sha256 "$@" "$_s" example.com "$_k.seed"
	else
		"$PY" /usr/bin/dkimsign "$@" "$_s" example.com "$_k"
	fi
}
# dkimproxy-sign prints only the signature field: put the message after it
s_maildkim() {
	_k=$1 _s=$2; shift 2
	cat >"$T/.smd.$$"
	dkimproxy-sign --selector "$_s" --domain example.com --key "$_k" "$@" <"$T/.smd.$$" &&
		cat "$T/.smd.$$"
	rm -f "$T/.smd.$$"
}
s_maildk() {
	cat >"$T/.smk.$$"
	dkimproxy-sign --type domainkeys --algorithm rsa-sha1 --method "${3:-nofws}" \
		--selector "$2" --domain example.com --key "$1" <"$T/.smk.$$" &&
		cat "$T/.smk.$$"
	rm -f "$T/.smk.$$"
}

# the test message (From: joe@example.com), LF line ends
dkv_msg() {
	printf '%s\n' 'From: Joe SixPack <joe@example.com>' \
		'To: Suzie Q <suzie@shopping.example.net>' \
		'Subject: Is dinner ready?' \
		'Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)' \
		'Message-ID: <20030712040037.46341.5F8J@example.com>' \
		'' 'Hi.' '' 'We lost the game.  Are you hungry yet?' '' 'Joe.'
}

chk() {
	_cn=$1 _cf=$2
	shift 2
	mkdir -p "$T/chk"
	env -i PATH="$PATH" DNSCACHEIP="${DNSCACHEIP:-127.0.0.1}" TMPDIR="$T" \
		DKVERIFY_AUTHSERVID=mx.test DKVERIFY_TIMEOUT=3 "$@" \
		"$DKV" --check "$_cf" >"$T/chk/$_cn.out" 2>"$T/chk/$_cn.err"
	echo $? >"$T/chk/$_cn.rc"
}
chk_rc() { cat "$T/chk/$1.rc"; }
chk_last() { tail -n 1 "$T/chk/$1.out"; }
chk_sum() { echo "rc=$(chk_rc "$1") $(chk_last "$1")"; }
# unfold the first Authentication-Results field of a message or output
_ar_unfold() {
	tr -d '\r' <"$1" | awk '
		on && /^[ \t]/ { sub(/^[ \t]+/, " "); f = f $0; next }
		on { exit }
		tolower($0) ~ /^authentication-results:/ { on = 1; f = $0 }
		/^$/ && !on { exit }
		END { print f }'
}
chk_ar() { _ar_unfold "$T/chk/$1.out"; }
# resinfo N of METHOD: split the field at ';' outside quotes and comments
_ar_res() {
	awk -v m="$2" -v want="${3:-1}" '
	{
		s = $0; n = 0; part = ""; q = 0; c = 0
		for (i = 1; i <= length(s); i++) {
			ch = substr(s, i, 1)
			if (ch == "\"" && !c) q = !q
			else if (ch == "(" && !q) c++
			else if (ch == ")" && !q && c) c--
			if (ch == ";" && !q && !c) { parts[++n] = part; part = "" }
			else part = part ch
		}
		parts[++n] = part; k = 0
		for (i = 2; i <= n; i++) {
			p = parts[i]; gsub(/[ \t]+/, " ", p); sub(/^ /, "", p); sub(/ $/, "", p)
			if (index(p, m "=") == 1 && ++k == want) { print p; exit }
		}
	}'
}
chk_res() { chk_ar "$1" | _ar_res "$1" "$2" "${3:-1}"; }
ar_res() { _ar_unfold "$1" | _ar_res x "$2" "${3:-1}"; }
sigb() {
	tr -d '\r' <"$1" | awk -v want="${2:-1}" '
		on && /^[ \t]/ { f = f $0; next }
		on { on = 0; if (++k == want) { print f; exit } }
		tolower($0) ~ /^dkim-signature:/ { on = 1; f = $0 }
		/^$/ { exit }' | tr -d ' \t' | tr ';' '\n' | sed -n 's/^b=//p'
}
# b8 FILE [N]: the first 8 characters of b= (what header.b must start with)
b8() { sigb "$1" "${2:-1}" | cut -c1-8; }
# rss_run OUTFILE CMD...: runs CMD (fds untouched) and writes "N" = peak
# RSS in KiB of CMD and its waited-for children (wait4's ru_maxrss) to
# OUTFILE; exits with CMD's exit code
# ($RSS_PY is the python program, for use as "$PY" -c "$RSS_PY" OUT CMD...
# where a shell function cannot go, e.g. under tcpserver6)
RSS_PY='
import os, sys
pid = os.fork()
if pid == 0:
    try: os.execvp(sys.argv[2], sys.argv[2:])
    finally: os._exit(127)
_, st, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f: f.write("%d\n" % ru.ru_maxrss)
rc = os.waitstatus_to_exitcode(st)
sys.exit(rc if rc >= 0 else 128 - rc)'
rss_run() { "$PY" -c "$RSS_PY" "$@"; }
# chk_core NAME [METHOD] [N]: the resinfo without its header.b property
chk_core() { chk_res "$1" "${2:-dkim}" "${3:-1}" | sed 's/ header\.b=[^ ]*//'; }
# chk_b NAME [N]: the header.b value of the Nth dkim resinfo, quotes kept
chk_b() { chk_res "$1" dkim "${2:-1}" | sed -n 's/.* header\.b=\([^ ]*\).*/\1/p'; }
# b_ok NAME MSGFILE [RESINFO-N] [SIG-N]: header.b is quoted, >= 8 chars,
# and a prefix of the signature's b=
b_ok() {
	_bv=$(chk_b "$1" "${3:-1}")
	_bs=$(sigb "$2" "${4:-1}")
	case $_bv in \"*\") ;; *) return 1 ;; esac
	_bv=${_bv#\"}; _bv=${_bv%\"}
	[ ${#_bv} -ge 8 ] || return 1
	case $_bs in "$_bv"*) return 0 ;; esac
	return 1
}

# smtp_talk HOST PORT < SCRIPT: a lock-step SMTP client (python smtplib);
# SCRIPT lines: EHLO name | HELO name | MAIL addr | RCPT addr |
# DATA file (LF or CRLF made CRLF, then dot-stuffed by smtplib) | RSET | NOOP |
# AUTH user pass (AUTH PLAIN) | RAW line (sent as is) | QUIT.  Prints one line per reply:
# "<code> <text>" (the lines of a multi-line reply joined with " / "),
# the greeting first; "closed" when the server went away.
smtp_talk() {
	"$PY" -c '
import smtplib, sys, base64, re
def show(code, msg):
    if isinstance(msg, bytes): msg = msg.decode("latin-1")
    print("%d %s" % (code, " / ".join(msg.splitlines())), flush=True)
s = smtplib.SMTP(timeout=60)
try:
    show(*s.connect(sys.argv[1], int(sys.argv[2])))
    for line in sys.stdin:
        w = line.rstrip("\n").split(" ", 1)
        cmd, arg = w[0].upper(), (w[1] if len(w) > 1 else "")
        if cmd == "EHLO": show(*s.ehlo(arg))
        elif cmd == "HELO": show(*s.helo(arg))
        elif cmd == "MAIL": show(*s.docmd("MAIL FROM:<%s>" % arg))
        elif cmd == "RCPT": show(*s.docmd("RCPT TO:<%s>" % arg))
        elif cmd == "DATA":
            m = re.sub(rb"\r?\n", b"\r\n", open(arg, "rb").read())
            try: show(*s.data(m))
            except smtplib.SMTPDataError as e: show(e.smtp_code, e.smtp_error)
        elif cmd == "AUTH":
            u, p = arg.split(" ", 1)
            tok = base64.b64encode(("\0%s\0%s" % (u, p)).encode()).decode()
            show(*s.docmd("AUTH PLAIN " + tok))
        elif cmd in ("RSET", "NOOP", "QUIT"): show(*s.docmd(cmd))
        elif cmd == "RAW": show(*s.docmd(arg))
        else: print("bad script line: " + line, file=sys.stderr); sys.exit(2)
except (smtplib.SMTPServerDisconnected, ConnectionError, OSError) as e:
    print("closed")
' "$1" "$2"
}
# maildir_msgs DIR: the messages in DIR/new, oldest first (smtpd-standin
# names them SEC.MUSECPPIDQCOUNT.standin: sorted by those numbers)
maildir_msgs() {
	ls "$1/new" 2>/dev/null |
		sed 's/^\([0-9]*\)\.M\([0-9]*\)P[0-9]*Q\([0-9]*\).*/\1 \2 \3 &/' |
		sort -n -k1,1 -k2,2 -k3,3 | cut -d' ' -f4
}
# smtp_blast HOST PORT FILE [HOLD]: connect, send FILE's bytes in one go,
# print everything the server sends until it closes (at most 60 s); with
# HOLD=cut: send, wait a second, close without reading
smtp_blast() {
	"$PY" -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
s.sendall(open(sys.argv[3], "rb").read())
if len(sys.argv) > 4:
    time.sleep(1); s.close(); sys.exit(0)
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b: break
        out += b
except socket.timeout:
    out += b"(timeout)\n"
sys.stdout.buffer.write(out)
' "$@"
}
# descendants PID: the pids below PID (children, grandchildren, ...)
descendants() {
	ps -e -o pid=,ppid= | awk -v top="$1" '
		{ par[$1] = $2 }
		END { for (p in par) { q = p; while (q in par && q != top && q > 1) q = par[q]
			if (q == top && p != top) print p } }'
}
# same NAME GOT WANT: passes when the files are equal; else shows the
# first lines of the difference
same() {
	if cmp -s "$2" "$3"; then ok "$1" true
	else
		ok "$1" false
		diff "$2" "$3" 2>&1 | head -n 10 | sed 's/^/#   /'
	fi
}
# s_nofrom KEY SEL FILE: FILE signed by dkimpy with h=subject:date (no From;
# dkimpy refuses that, so its check is fooled), message on stdout
s_nofrom() {
	"$PY" - "$1" "$2" "$3" <<'PYEOF'
import sys, dkim
class B(bytes):
    # compares equal to b"from" so dkimpy's "From must be signed" check passes
    def lower(self): return self
    def __eq__(self, o): return o == b"from" or bytes.__eq__(self, o)
    __hash__ = bytes.__hash__
msg = open(sys.argv[3], "rb").read()
sig = dkim.sign(msg, sys.argv[2].encode(), b"example.com", open(sys.argv[1], "rb").read(),
    include_headers=[B(b"subject"), B(b"date")])
sys.stdout.buffer.write(sig + msg)
PYEOF
}
