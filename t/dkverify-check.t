#!/bin/sh
# dkverify --check (spec V-1, V-5, V-6, §2.3): messages signed by dksign,
# opendkim-testmsg, dkimpy and Mail::DKIM (rsa-sha256, rsa-sha1,
# ed25519-sha256, dual) with keys served by nsd in this test's own network
# namespace; then tampered (header, body), key revoked, key missing, wrong
# key, testing key, key too small, DNS SERVFAIL and timeout (through
# tbin/dnsproxy on 127.0.0.2).  Each case: exit code, the last line
# "dk=<L> dkim=<L> action=...", and the dkim= resinfo of the A-R field.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; NETNS_MOUNT=1; netns_enter "$@"
. "$TOP/t/lib/nsd.sh"
. "$TOP/t/lib/dkv.sh"

K=$T/k
M=$T/m
mkdir -p "$M"
dkv_setup "$K" || { echo "Bail out! DNS set-up failed"; exit 1; }
dkv_msg >"$M/plain"

# --- signing (each signer must work, or the rest means nothing) ---------
sign() {
	_n=$1; shift
	"$@" <"$M/plain" >"$M/$_n" 2>"$M/$_n.err"
	ok "signer $_n works" [ $? = 0 -a -s "$M/$_n" ]
}
sign dksign.rsa s_dksign "$K/rsa" rsa
sign dksign.ed s_dksign "$K/ed" ed
dksign -k "$K/rsa" -k "$K/ed" -d example.com <"$M/plain" >"$M/dksign.dual"
is "$(grep -c '^DKIM-Signature:' "$M/dksign.dual")" 2 "dksign dual signature"
sign opendkim.sha1 s_opendkim "$K/rsa" rsa
sign dkimpy.rsa s_dkimpy "$K/rsa" rsa
sign dkimpy.ed s_dkimpy "$K/ed" ed
s_dkimpy "$K/ed" ed <"$M/dkimpy.rsa" >"$M/dkimpy.dual"
sign maildkim.rsa s_maildkim "$K/rsa" rsa --method relaxed
sign maildkim.simple s_maildkim "$K/rsa" rsa --method simple
sign maildkim.sha1 s_maildkim "$K/rsa" rsa --algorithm rsa-sha1 --method relaxed/simple

# --- good signatures -----------------------------------------------------
# good NAME SEL ALG: exit 0, accept, dkim=pass with its properties
good() {
	chk "$1" "$M/$1"
	is "$(chk_sum "$1")" "rc=0 dk=C dkim=A action=accept" "$1: accepted, dkim=A"
	is "$(chk_core "$1")" "dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=$2 header.a=$3" \
		"$1: dkim=pass resinfo"
	ok "$1: header.b quoted, >= 8 chars of b=" b_ok "$1" "$M/$1"
}
good dksign.rsa rsa rsa-sha256
good dksign.ed ed ed25519-sha256
good opendkim.sha1 rsa rsa-sha1
good dkimpy.rsa rsa rsa-sha256
good dkimpy.ed ed ed25519-sha256
good maildkim.rsa rsa rsa-sha256
good maildkim.simple rsa rsa-sha256
good maildkim.sha1 rsa rsa-sha1

chk dksign.rsa.ar "$M/dksign.rsa"
is "$(chk_ar dksign.rsa.ar | cut -d';' -f1)" "Authentication-Results: mx.test" \
	"authserv-id from DKVERIFY_AUTHSERVID"
is "$(chk_res dksign.rsa.ar domainkeys)" "domainkeys=none (no signature)" \
	"no DomainKey-Signature: domainkeys=none (no signature)"
is "$(grep -c . "$T/chk/dksign.rsa.ar.err")" 0 "--check: nothing on stderr for a pass"

# dual: one dkim= resinfo per signature, in order
for d in dksign.dual dkimpy.dual; do
	chk "$d" "$M/$d"
	is "$(chk_sum "$d")" "rc=0 dk=C dkim=A action=accept" "$d: accepted"
done
is "$(chk_core dksign.dual dkim 1)|$(chk_core dksign.dual dkim 2)" \
	"dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=rsa header.a=rsa-sha256|dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=ed header.a=ed25519-sha256" \
	"dksign dual: two dkim=pass, rsa then ed25519"
ok "dksign dual: header.b of each signature" eval 'b_ok dksign.dual "$M/dksign.dual" 1 1 && b_ok dksign.dual "$M/dksign.dual" 2 2'
is "$(chk_core dkimpy.dual dkim 1 | cut -d' ' -f1-6)|$(chk_core dkimpy.dual dkim 2 | cut -d' ' -f1-6)" \
	"dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=ed header.a=ed25519-sha256|dkim=pass (ok) header.d=example.com header.i=\"@example.com\" header.s=rsa header.a=rsa-sha256" \
	"dkimpy dual: two dkim=pass, ed25519 then rsa"

# --- unsigned ---------------------------------------------------------------
chk plain "$M/plain"
is "$(chk_sum plain)" "rc=0 dk=C dkim=N action=accept" "unsigned: dkim=N, accepted"
is "$(chk_res plain dkim)" "dkim=none (no signature)" "unsigned: dkim=none (no signature)"
chk plain.N "$M/plain" DKVERIFY=,N
is "$(chk_sum plain.N)" "rc=100 dk=C dkim=N action=reject" "unsigned, DKVERIFY=,N: reject, exit 100"
chk plain.n "$M/plain" DKVERIFY=,n
is "$(chk_sum plain.n)" "rc=111 dk=C dkim=N action=defer" "unsigned, DKVERIFY=,n: defer, exit 111"

# --- tampered -------------------------------------------------------------
# bad NAME FILE LETTER RESINFO-START [VAR=VALUE...]
bad() {
	_bn=$1 _bf=$2 _bl=$3 _br=$4
	shift 4
	chk "$_bn" "$_bf" "$@"
	is "$(chk_sum "$_bn")" "rc=0 dk=C dkim=$_bl action=accept" "$_bn: dkim=$_bl, accepted"
	_got=$(chk_res "$_bn" dkim)
	case $_got in "$_br"*) _got=$_br ;; esac
	is "$_got" "$_br" "$_bn: $_br"
}
for s in dksign.rsa dksign.ed dkimpy.ed maildkim.rsa opendkim.sha1; do
	sed 's/^Joe\.$/Jim./' "$M/$s" >"$M/$s.body"
	bad "$s.body" "$M/$s.body" P "dkim=fail (body hash mismatch)"
	sed 's/^Subject: Is dinner ready?/Subject: Is dinner ready!/' "$M/$s" >"$M/$s.hdr"
	bad "$s.hdr" "$M/$s.hdr" D "dkim=fail (bad signature)"
done

# keys: revoked, missing, wrong, testing, too small
s_dksign "$K/rsa" revoked <"$M/plain" >"$M/revoked"
bad revoked "$M/revoked" I "dkim=permerror (key revoked)"
s_dksign "$K/rsa" nokey <"$M/plain" >"$M/nokey"
bad nokey "$M/nokey" L "dkim=permerror (no key)"
s_dkimpy "$K/rsa" nokey <"$M/plain" >"$M/nokey.py"
bad nokey.py "$M/nokey.py" L "dkim=permerror (no key)"
s_dksign "$K/rsa" wrong <"$M/plain" >"$M/wrong"
bad wrong "$M/wrong" D "dkim=fail (bad signature)"
s_dksign "$K/rsa" testing <"$M/plain" >"$M/testing"
bad testing "$M/testing" A "dkim=pass (ok)"
sed 's/^Joe\.$/Jim./' "$M/testing" >"$M/testing.body"
bad testing.body "$M/testing.body" E "dkim=neutral (bad signature, testing key)"
# dksign refuses keys under 1024 bits: dkimpy signs with it
s_dkimpy "$K/small" small <"$M/plain" >"$M/small" 2>/dev/null
bad small "$M/small" M "dkim=policy (key too small)"
bad small.min "$M/small" A "dkim=pass (ok)" DKVERIFY_MINKEYBITS=512
bad sha1.refused "$M/opendkim.sha1" Q "dkim=policy (algorithm mismatch)" DKVERIFY_RSASHA1=0

# DNS trouble through the proxy (127.0.0.2): SERVFAIL and no answer
s_dksign "$K/rsa" sf <"$M/plain" >"$M/sf"
s_dksign "$K/rsa" drop <"$M/plain" >"$M/drop"
DNSCACHEIP=127.0.0.2
bad proxy.pass "$M/dksign.rsa" A "dkim=pass (ok)"
bad servfail "$M/sf" K "dkim=temperror (temporary DNS failure)"
t0=$(date +%s)
bad timeout "$M/drop" K "dkim=temperror (temporary DNS failure)" DKVERIFY_TIMEOUT=2
t1=$(date +%s)
ok "timeout: DKVERIFY_TIMEOUT=2 bounds the wait ($((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
chk servfail.k "$M/sf" DKVERIFY=,k
is "$(chk_sum servfail.k)" "rc=111 dk=C dkim=K action=defer" "SERVFAIL, DKVERIFY=,k: defer"
chk servfail.K "$M/sf" DKVERIFY=,K
is "$(chk_sum servfail.K)" "rc=100 dk=C dkim=K action=reject" "SERVFAIL, DKVERIFY=,K: reject"
grep -q 'sf._domainkey.example.com' "$K/proxy.log"
ok "the SERVFAIL query went through the proxy" [ $? = 0 ]
DNSCACHEIP=127.0.0.1

# --- tags: l=, x=, t=, h= without From; limits ---------------------------
s_dksign "$K/rsa" rsa -l <"$M/plain" >"$M/l"
{ cat "$M/l"; echo "P.S. appended by a list"; } >"$M/l.longer"
bad l.same "$M/l" A "dkim=pass (ok"
chk l.longer "$M/l.longer"
is "$(chk_sum l.longer)" "rc=0 dk=C dkim=A action=accept" "l=, body longer than l: still a pass"
is "$(chk_res l.longer dkim | sed 's/).*/)/')" "dkim=pass (ok, body length limit)" \
	"l=, body longer than l: comment (ok, body length limit)"
sed '$d' "$M/l" >"$M/l.shorter"
bad l.shorter "$M/l.shorter" C "dkim=permerror (bad signature syntax)"
s_dksign "$K/rsa" rsa -t 1000000000 -x 60 <"$M/plain" >"$M/expired"
bad expired "$M/expired" F "dkim=permerror (signature expired)"
now=$(date +%s)
s_dksign "$K/rsa" rsa -t $((now + 3600)) <"$M/plain" >"$M/future"
bad future "$M/future" C "dkim=permerror (bad signature syntax)"
s_dksign "$K/rsa" rsa -t $((now + 100)) <"$M/plain" >"$M/drift"
bad drift "$M/drift" A "dkim=pass (ok)"
s_nofrom "$K/rsa" rsa "$M/plain" >"$M/nofrom"
bad nofrom "$M/nofrom" S "dkim=permerror (From not signed)"
long=$(printf '%060d' 0 | tr 0 a)
s_dksign "$K/rsa" "$long.$long.$long.$long" <"$M/plain" >"$M/longname" 2>/dev/null
bad longname "$M/longname" J "dkim=permerror (domain name too long)"

# several signatures: any pass wins; same failure = that letter; else O;
# at most 8 evaluated
s_dksign "$K/rsa" wrong <"$M/dksign.rsa" >"$M/wrong+good"
bad wrong+good "$M/wrong+good" A "dkim=fail (bad signature)"
is "$(chk_res wrong+good dkim 2 | cut -d' ' -f1-2)" "dkim=pass (ok)" "wrong+good: second resinfo is the pass"
s_dksign "$K/rsa" nokey2 <"$M/nokey" >"$M/nokey+nokey"
bad nokey+nokey "$M/nokey+nokey" L "dkim=permerror (no key)"
s_dksign "$K/rsa" revoked <"$M/nokey" >"$M/revoked+nokey"
bad revoked+nokey "$M/revoked+nokey" O "dkim=permerror (key revoked)"
cp "$M/plain" "$M/nine"
for i in 1 2 3 4 5 6 7 8 9; do
	s_dksign "$K/rsa" rsa <"$M/nine" >"$M/nine.tmp" && mv "$M/nine.tmp" "$M/nine"
done
chk nine "$M/nine"
is "$(chk_sum nine)" "rc=0 dk=C dkim=A action=accept" "nine signatures: pass"
is "$(chk_res nine dkim 8 | cut -d' ' -f1-2):$(chk_res nine dkim 9)" "dkim=pass (ok):" \
	"nine signatures: eight evaluated and reported"

# authserv-id without DKVERIFY_AUTHSERVID: control/me, else the host name
if [ ! -e /var/qmail/control/me ]; then
	env -i PATH="$PATH" DNSCACHEIP=127.0.0.1 "$DKV" --check "$M/dksign.rsa" >"$T/host.out" 2>&1
	is "$(head -n 1 "$T/host.out")" "Authentication-Results: $(hostname);" \
		"no DKVERIFY_AUTHSERVID, no control/me: the host name"
fi

mkdir -p "$T/qmail/control"
printf 'me.example.net\nsecond line\n' >"$T/qmail/control/me"
env -i PATH="$PATH" DNSCACHEIP=127.0.0.1 DKVERIFY_QMAILHOME="$T/qmail" "$DKV" --check "$M/dksign.rsa" >"$T/me.out" 2>&1
is "$(head -n 1 "$T/me.out")" "Authentication-Results: me.example.net;" \
	"authserv-id from the first line of control/me (DKVERIFY_QMAILHOME)"
env -i PATH="$PATH" DNSCACHEIP=127.0.0.1 DKVERIFY_AUTHSERVID='mx/1.test' "$DKV" --check "$M/dksign.rsa" >"$T/q.out" 2>&1
is "$(head -n 1 "$T/q.out")" 'Authentication-Results: "mx/1.test";' "an authserv-id that is not a token is quoted"

# --- letters (V-3, V-8) ----------------------------------------------------
# decide NAME FILE DKVERIFY WANT
decide() {
	chk "$1" "$2" DKVERIFY="$3"
	is "$(chk_sum "$1")" "$4" "DKVERIFY=\"$3\" on $1"
}
decide l.seed "$M/nokey" "DEGIJKfh,CGHIJMQRkl" "rc=111 dk=C dkim=L action=defer"
decide p.seed "$M/dksign.rsa.body" "DEGIJKfh,CGHIJMQRkl" "rc=0 dk=C dkim=P action=accept"
decide p.upper "$M/dksign.rsa.body" ",P" "rc=100 dk=C dkim=P action=reject"
decide p.lower "$M/dksign.rsa.body" ",p" "rc=111 dk=C dkim=P action=defer"
decide p.both "$M/dksign.rsa.body" ",pP" "rc=100 dk=C dkim=P action=reject"
decide p.bothr "$M/dksign.rsa.body" ",Pp" "rc=100 dk=C dkim=P action=reject"
decide p.empty "$M/dksign.rsa.body" "" "rc=0 dk=C dkim=P action=accept"
decide p.nocomma "$M/dksign.rsa.body" "P" "rc=0 dk=C dkim=P action=accept"
decide p.junk "$M/dksign.rsa.body" " ,x-Z!9 P;" "rc=100 dk=C dkim=P action=reject"
decide a.all "$M/dksign.rsa" "ABDEFGHIJKL,BCDEFGHIJKLMNOPQRS" "rc=0 dk=C dkim=A action=accept"
decide a.A "$M/dksign.rsa" ",A" "rc=100 dk=C dkim=A action=reject"
decide c.dk "$M/dksign.rsa" "C" "rc=100 dk=C dkim=A action=reject"
decide c.dkl "$M/dksign.rsa" "c,P" "rc=111 dk=C dkim=A action=defer"
decide dkup "$M/plain" "C,n" "rc=100 dk=C dkim=N action=reject"

# opendkim-testmsg on LF input writes a b= that is not base64 (the end of
# it twice): bad signature syntax, as dkimpy also says
s_opendkim_lf "$K/rsa" rsa <"$M/plain" >"$M/opendkim.garbled"
bad opendkim.garbled "$M/opendkim.garbled" C "dkim=permerror (bad signature syntax)"

# --- input forms ------------------------------------------------------------
sed 's/$/\r/' "$M/dksign.rsa" >"$M/crlf"
chk crlf "$M/crlf"
is "$(chk_sum crlf)" "rc=0 dk=C dkim=A action=accept" "CRLF line ends: pass"
"$DKV" --check <"$M/dkimpy.rsa" >"$T/stdin.out" 2>"$T/stdin.err"
is "$?:$(tail -n 1 "$T/stdin.out")" "0:dk=C dkim=A action=accept" "--check reads stdin"
"$DKV" --check - <"$M/dkimpy.rsa" >"$T/dash.out" 2>&1
is "$?:$(tail -n 1 "$T/dash.out")" "0:dk=C dkim=A action=accept" "--check - reads stdin"
# odd bodies: NUL bytes, a line over 998 octets, bare CR line ends
# (dksign refuses NUL bytes: dkimpy signs that one)
{ sed -n '1,/^$/p' "$M/plain"; printf 'nul \000 byte\n'; printf '%02000d\n' 0; } >"$M/odd"
s_dkimpy "$K/rsa" rsa <"$M/odd" >"$M/odd.signed"
chk odd "$M/odd.signed"
is "$(chk_sum odd)" "rc=0 dk=C dkim=A action=accept" "NUL byte and a 2000-octet line in the body (dkimpy): pass"
{ sed -n '1,/^$/p' "$M/plain"; printf 'one\rtwo\r\nthree\n'; } >"$M/cr"
s_dksign "$K/rsa" rsa <"$M/cr" >"$M/cr.signed"
chk cr "$M/cr.signed"
is "$(chk_sum cr)" "rc=0 dk=C dkim=A action=accept" "bare CR line end (signed by dksign, C-1): pass"
{ head -n 3 "$M/dksign.rsa"; printf 'X-Nul: a\000b\n'; sed 1,3d "$M/dksign.rsa"; } >"$M/hdrnul"
chk hdrnul "$M/hdrnul"
is "$(chk_last hdrnul | cut -d' ' -f2)" "dkim=B" "NUL byte in the header: dkim=B"
# usage and settings
"$DKV" --check a b >"$T/usage.out" 2>"$T/usage.err"
is "$?:$(cat "$T/usage.out"):$(cat "$T/usage.err")" \
	"100::dkverify: usage: dkverify [ --check [ file ] | program [ arg ... ] ]" "usage error: 100, usage line, nothing on stdout"
chk badto "$M/dksign.rsa" DKVERIFY_TIMEOUT=3601
is "$(chk_rc badto):$(cat "$T/chk/badto.err")" "100:dkverify: fatal: invalid DKVERIFY_TIMEOUT: 3601 (want 1..3600)" \
	"DKVERIFY_TIMEOUT=3601: exit 100, says so"
chk baddns "$M/dksign.rsa" DNSCACHEIP=not-an-ip
is "$(chk_rc baddns):$(cat "$T/chk/baddns.err")" "100:dkverify: fatal: invalid DNSCACHEIP" "garbled DNSCACHEIP: exit 100"
# a malformed header: a line that is neither field nor continuation
{ sed -n '1,/^$/p' "$M/dksign.rsa" | sed '$d'; echo 'this line has no colon'; echo; echo body; } >"$M/malformed"
chk malformed "$M/malformed"
is "$(chk_last malformed | cut -d' ' -f2)" "dkim=B" "malformed header: dkim=B"
awk 'NR == 1 { print "From: Other <other@example.org>" } { print }' "$M/dksign.rsa" >"$M/twofrom"
chk twofrom "$M/twofrom"
is "$(chk_last twofrom | cut -d' ' -f2)" "dkim=B" "two From fields: dkim=B"
"$DKV" --check "$T/does-not-exist" >/dev/null 2>"$T/nofile.err"
rc=$?
ok "--check on a missing file: exit 100 or 111 (got $rc)" [ $rc = 100 -o $rc = 111 ]
ok "--check on a missing file names it" grep -q "^dkverify: .*does-not-exist" "$T/nofile.err"

done_testing
