#!/bin/sh
# dknewkey (spec S-12): `dknewkey selector [bits]` and
# `dknewkey -t ed25519 selector` write the private key to the file named
# selector (mode 0600 whatever the umask, never over an existing file) and
# print "selector._domainkey<TAB>IN<TAB>TXT<TAB>"..."" with strings of at
# most 255 octets.  The printed line goes into an nsd zone file as it is;
# dksign signs with the key file and opendkim-testmsg, dkimpy and (RSA)
# Mail::DKIM verify against that record.  Usage errors exit 100.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"
# netns_enter execs this script again (with a new $T): drop this one
[ -n "${SIXGATE_IN_NETNS:-}" ] || rm -rf "$T"
NETNS_MOUNT=1; netns_enter "$@"
. "$TOP/t/lib/nsd.sh"
. "$TOP/t/lib/dkim.sh"

K=$T/keys
mkdir "$K" "$T/zones"
cd "$K" || exit 1
TAB=$(printf '\t')

# --- RSA, default bits ------------------------------------------------------------
(umask 0; dknewkey default >"$T/default.txt" 2>"$T/default.err")
is "$?:$(cat "$T/default.err")" "0:" "dknewkey default: exit 0, silent"
is "$(stat -c %a "$K/default")" 600 "key file mode 0600 (even with umask 0)"
is "$(head -n 1 "$K/default")" "-----BEGIN RSA PRIVATE KEY-----" "PEM PKCS#1"
is "$(openssl rsa -in "$K/default" -noout -text 2>/dev/null | sed -n 's/^Private-Key: (\([0-9]*\) bit.*/\1/p')" 2048 \
	"2048 bits by default"
is "$(wc -l <"$T/default.txt" | tr -d ' ')" 1 "one line on stdout"
is "$(cut -f1-3 "$T/default.txt")" "default._domainkey${TAB}IN${TAB}TXT" "owner, IN, TXT, tab-separated"
rec=$(cut -f4- "$T/default.txt")
strings=$(printf '%s\n' "$rec" | grep -o '"[^"]*"')
is "$(printf '%s\n' "$strings" | awk '{ if (length($0) - 2 > 255) n++ } END { print n + 0 }')" 0 \
	"every string at most 255 octets"
ok "more than one string (a 2048-bit key needs two)" test "$(printf '%s\n' "$strings" | wc -l)" -ge 2
joined=$(printf '%s\n' "$strings" | sed 's/^"//; s/"$//' | tr -d '\n')
is "$joined" "v=DKIM1; k=rsa; p=$(dkim_p "$K/default")" "the record holds the key's public half"

# --- RSA 1024, Ed25519 ----------------------------------------------------------------
dknewkey small 1024 >"$T/small.txt" 2>"$T/small.err"
is "$?:$(openssl rsa -in "$K/small" -noout -text 2>/dev/null | sed -n 's/^Private-Key: (\([0-9]*\) bit.*/\1/p')" \
	"0:1024" "dknewkey small 1024: 1024 bits"
dknewkey -t ed25519 ed >"$T/ed.txt" 2>"$T/ed.err"
is "$?:$(cat "$T/ed.err"):$(stat -c %a "$K/ed")" "0::600" "dknewkey -t ed25519 ed: exit 0, mode 0600"
is "$(head -n 1 "$K/ed")" "-----BEGIN PRIVATE KEY-----" "PEM PKCS#8"
ok "an Ed25519 key" sh -c 'openssl pkey -in "$1" -noout -text 2>/dev/null | grep -q ED25519' sh "$K/ed"
is "$(cat "$T/ed.txt")" "ed._domainkey${TAB}IN${TAB}TXT${TAB}\"v=DKIM1; k=ed25519; p=$(dkim_p "$K/ed")\"" \
	"the ed25519 record"
mkdir "$K/sub"
dknewkey "$K/sub/pathsel" 1024 >"$T/path.txt" 2>/dev/null
is "$(cut -f1 "$T/path.txt"):$(test -f "$K/sub/pathsel" && echo file)" "pathsel._domainkey:file" \
	"a path argument: the file there, the owner from its last component"

# --- the records in DNS, keys used by dksign, verified by the others -----------------
{
	dkim_soa
	cat "$T/default.txt" "$T/small.txt" "$T/ed.txt"
} >"$T/zones/example.com.zone"
if ! dkim_dns "$T/nsd" "$T/zones/example.com.zone"; then
	echo "Bail out! nsd does not load dknewkey's records"
	exit 1
fi
trap '_nsd_stop_all; rm -rf "$T"' EXIT
printf 'From: joe@example.com\nTo: suzie@example.net\nSubject: hi\nDate: Fri, 11 Jul 2003 21:00:37 -0700\n\nHello.\n' >"$T/msg"
dksign -k "$K/default" -k "$K/ed" -k "$K/small" "$T/msg" >"$T/signed" 2>"$T/signed.err"
is "$?:$(cat "$T/signed.err"):$(dkim_count "$T/signed")" "0::3" "dksign signs with all three keys"
for i in 1 2 3; do dkim_only $i "$T/signed" >"$T/signed.$i"; done
is "$(v_opendkim "$T/signed.1") $(v_opendkim "$T/signed.2") $(v_opendkim "$T/signed.3")" \
	"pass pass pass" "opendkim-testmsg passes each signature with the printed records"
is "$(v_dkimpy "$T/signed" 0) $(v_dkimpy "$T/signed" 1) $(v_dkimpy "$T/signed" 2)" \
	"pass pass pass" "dkimpy passes each"
is "$(v_maildkim "$T/signed")" "pass | invalid (unsupported algorithm ed25519-sha256) | pass" \
	"Mail::DKIM passes both RSA signatures (no ed25519 in 1.20230212)"

# --- errors -----------------------------------------------------------------------------
err() { # NAME WANTRC ARGS...: exit code, no stdout, a "dknewkey: " line
	_en=$1 _ew=$2
	shift 2
	dknewkey "$@" >"$T/$_en.out" 2>"$T/$_en.err"
	is "rc=$? out=$(wc -c <"$T/$_en.out" | tr -d ' ') err=$(head -c 10 "$T/$_en.err")" \
		"rc=$_ew out=0 err=dknewkey: " "$_en: exit $_ew, nothing on stdout"
}
cp "$K/small" "$T/small.before"
err exists 100 small 1024
ok "... the existing key is untouched" cmp -s "$K/small" "$T/small.before"
err noargs 100
err badbits 100 x 1o24
err fewbits 100 y 512
err manybits 100 z 100000
err badtype 100 -t dsa w
err badsel 100 'a b'
err emptysel 100 ''
err toomany 100 a 1024 extra
is "$(ls "$K" | tr '\n' ' ')" "default ed small sub " "no key file left by a failed run"

done_testing
