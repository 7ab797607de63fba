#!/bin/sh
# dkverify with DKVERIFY_KEYFILE (spec C-6, C-4): every key comes from the
# file, no DNS at all (the namespace has no DNS server: any query would be
# a temporary failure).  TXT lines with several strings, escapes, comments,
# case-insensitive owners, NXDOMAIN and TEMPFAIL pseudo-types, names not
# listed, two records for one name, key record tags (t=y, s=, h=, k=).
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/dkv.sh"

K=$T/k
M=$T/m
mkdir -p "$K" "$M"
dkv_rsa "$K/rsa" 2048 && dkv_ed "$K/ed" || { echo "Bail out! openssl"; exit 1; }
dkv_msg >"$M/plain"
prsa=$(dkv_p "$K/rsa")
ped=$(dkv_p "$K/ed")
{
	echo '; keys for the tests'
	echo ''
	dkv_kf rsa._domainkey.example.com "v=DKIM1; k=rsa; p=$prsa"
	dkv_kf ed._domainkey.example.com "v=DKIM1; k=ed25519; p=$ped"
	dkv_kf dk._domainkey.example.com "k=rsa; p=$prsa"
	echo "UPPER._DomainKey.Example.COM TXT \"v=DKIM1; k=rsa; p=$prsa\""
	echo "esc._domainkey.example.com TXT \"v=DKIM1; n=say \\\"hi\\\" a\\\\b;\" \"k=rsa; p=$prsa\" ; a comment"
	echo "nx._domainkey.example.com NXDOMAIN"
	echo "tf._domainkey.example.com TEMPFAIL"
	echo "revoked._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=\""
	dkv_kf two._domainkey.example.com "v=DKIM1; k=rsa; p=$prsa"
	dkv_kf two._domainkey.example.com "v=DKIM1; k=rsa; p=$prsa"
	dkv_kf svc._domainkey.example.com "v=DKIM1; k=rsa; s=*; p=$prsa"
	dkv_kf nomail._domainkey.example.com "v=DKIM1; k=rsa; s=other; p=$prsa"
	dkv_kf h256._domainkey.example.com "v=DKIM1; k=rsa; h=sha256; p=$prsa"
	dkv_kf h1._domainkey.example.com "v=DKIM1; k=rsa; h=sha1; p=$prsa"
	dkv_kf edasrsa._domainkey.example.com "v=DKIM1; k=ed25519; p=$prsa"
	dkv_kf v2._domainkey.example.com "v=DKIM2; k=rsa; p=$prsa"
	dkv_kf garbage._domainkey.example.com "v=DKIM1; k=rsa; p=!!notbase64!!"
	dkv_kf unknown._domainkey.example.com "v=DKIM1; k=rsa; foo=bar; p=$prsa"
} >"$K/keyfile"
KF="DKVERIFY_KEYFILE=$K/keyfile"

# kchk NAME KEY SELECTOR LETTER RESINFO-START [VAR=VALUE...]
kchk() {
	_n=$1 _k=$2 _s=$3 _l=$4 _r=$5
	shift 5
	s_dksign "$K/$_k" "$_s" <"$M/plain" >"$M/$_n"
	chk "$_n" "$M/$_n" "$KF" "$@"
	is "$(chk_sum "$_n")" "rc=0 dk=C dkim=$_l action=accept" "$_n: dkim=$_l"
	_got=$(chk_res "$_n" dkim)
	case $_got in "$_r"*) _got=$_r ;; esac
	is "$_got" "$_r" "$_n: $_r"
}
kchk rsa rsa rsa A "dkim=pass (ok) header.d=example.com"
kchk ed ed ed A "dkim=pass (ok) header.d=example.com"
kchk upper rsa upper A "dkim=pass (ok)"
kchk esc rsa esc A "dkim=pass (ok)"
kchk nx rsa nx L "dkim=permerror (no key)"
kchk unlisted rsa unlisted L "dkim=permerror (no key)"
kchk tf rsa tf K "dkim=temperror (temporary DNS failure)"
kchk revoked rsa revoked I "dkim=permerror (key revoked)"
kchk two rsa two G "dkim=permerror (invalid key record)"
kchk svc rsa svc A "dkim=pass (ok)"
kchk nomail rsa nomail G "dkim=permerror (invalid key record)"
kchk h256 rsa h256 A "dkim=pass (ok)"
kchk h1 rsa h1 Q "dkim=permerror (algorithm mismatch)"
kchk edasrsa ed edasrsa M "dkim=permerror (invalid public key)"
kchk v2 rsa v2 G "dkim=permerror (invalid key record)"
s_dksign "$K/rsa" garbage <"$M/plain" >"$M/garbage"
chk garbage "$M/garbage" "$KF"
case $(chk_sum garbage) in
"rc=0 dk=C dkim=G action=accept"|"rc=0 dk=C dkim=M action=accept") r=ok ;;
*) r=$(chk_sum garbage) ;;
esac
is "$r" ok "p= not base64: dkim=G or M (invalid key record / public key)"
kchk unknown rsa unknown A "dkim=pass (ok)"

# DomainKeys from the key file too
s_maildk "$K/rsa" dk nofws <"$M/plain" >"$M/dk"
chk dk "$M/dk" "$KF"
is "$(chk_sum dk)" "rc=0 dk=A dkim=N action=accept" "DomainKeys key from the key file"

# without the key file the same message needs DNS, and there is none here
chk nodns "$M/rsa" DNSCACHEIP=127.0.0.1 DKVERIFY_TIMEOUT=2
is "$(chk_sum nodns)" "rc=0 dk=C dkim=K action=accept" "no key file, no DNS server: dkim=K"
# an unreadable key file is a temporary failure, not "no key"
chk kfmissing "$M/rsa" DKVERIFY_KEYFILE="$K/does-not-exist"
case $(chk_sum kfmissing) in
"rc=111 "*|"rc=0 dk=C dkim=K "*) r=ok ;;
*) r=$(chk_sum kfmissing) ;;
esac
is "$r" ok "missing key file: a temporary failure (exit 111 or dkim=K), not \"no key\""
ok "missing key file: named on stderr" grep -q "^dkverify: .*does-not-exist" "$T/chk/kfmissing.err"

done_testing
