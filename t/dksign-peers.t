#!/bin/sh
# The other direction (spec 6): messages signed by the three Debian
# implementations pass through dksign unchanged.  dksign signs only (the
# verifier, dkverify, comes later), so here:
#  - each peer's signed message verifies (the fixture is right);
#  - dksign with no key for it copies it byte for byte (command line) or
#    hands it on byte for byte (qmail-remote mode);
#  - dksign signing it adds its own DKIM-Signature in front of the
#    unchanged bytes, and afterwards the peer's signature and dksign's both
#    verify (dkimpy by index, opendkim-testmsg on single-signature copies);
#  - DomainKeys (-K): dksign's DomainKey-Signature verifies with
#    Mail::DKIM (the only one of the three that knows DomainKeys), and a
#    DomainKey-Signature made by Mail::DKIM survives dksign's signing.
# Signers: opendkim-testmsg (libopendkim picks rsa-sha1, relaxed/simple),
# dkimsign (dkimpy: rsa-sha256 and ed25519-sha256, relaxed/simple),
# dkimproxy-sign (Mail::DKIM: DKIM relaxed/relaxed and DomainKeys nofws).
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"
# netns_enter execs this script again (with a new $T): drop this one
[ -n "${SIXGATE_IN_NETNS:-}" ] || rm -rf "$T"
NETNS_MOUNT=1; netns_enter "$@"
. "$TOP/t/lib/nsd.sh"
. "$TOP/t/lib/dkim.sh"

K=$T/keys
P=$T/peer
mkdir "$K" "$P" "$T/zones" "$T/o"
dkim_rsa "$K/peer" 2048 && dkim_ed "$K/peered" && dkim_rsa "$K/ours" 2048 && dkim_ed "$K/oursed" ||
	{ echo "Bail out! openssl cannot make keys"; exit 1; }
openssl pkey -in "$K/peered" -outform DER 2>/dev/null | tail -c 32 | base64 >"$K/peered.seed"
{
	dkim_soa
	for s in peer peered ours oursed; do
		dkim_rr "$s._domainkey" "$(dkim_record "$K/$s")"
	done
} >"$T/zones/example.com.zone"
if ! dkim_dns "$T/nsd" "$T/zones/example.com.zone"; then
	echo "Bail out! nsd does not start"
	exit 1
fi
trap '_nsd_stop_all; rm -rf "$T"' EXIT

printf '%s\n' 'From: Joe SixPack <joe@example.com>' 'To: Suzie Q <suzie@example.net>' \
	'Subject: Is dinner ready?' 'Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)' \
	'Message-ID: <20030712040037.46341.5F8J@example.com>' 'Content-Type: text/plain;' \
	'	charset=us-ascii' '' 'Hi.' '' 'We lost the game.  Are you hungry yet?' '' 'Joe.' >"$T/msg"

# --- the peers sign ------------------------------------------------------------------
# opendkim-testmsg's LF output mode garbles the end of b= (it repeats the
# last few characters); its CRLF mode (-C) is clean, so sign CRLF, keep LF
sed 's/$/\r/' "$T/msg" | opendkim-testmsg -C -d example.com -s peer -k "$K/peer" 2>"$T/e1" |
	tr -d '\r' >"$P/opendkim"
dkimsign peer example.com "$K/peer" <"$T/msg" >"$P/dkimpy" 2>"$T/e2"
dkimsign --signalg ed25519-sha256 peered example.com "$K/peered.seed" <"$T/msg" >"$P/dkimpy-ed" 2>"$T/e3"
# dkimproxy-sign prints only the signature field (CRLF inside)
{
	dkimproxy-sign --method relaxed --selector peer --domain example.com --key "$K/peer" \
		<"$T/msg" 2>"$T/e4" | tr -d '\r'
	cat "$T/msg"
} >"$P/maildkim"
{
	dkimproxy-sign --type domainkeys --algorithm rsa-sha1 --method nofws --selector peer \
		--domain example.com --key "$K/peer" <"$T/msg" 2>"$T/e5" | tr -d '\r'
	cat "$T/msg"
} >"$P/maildkim-dk"
sed 's/$/\r/' "$P/dkimpy" >"$P/dkimpy-crlf"
is "$(cat "$T/e1" "$T/e2" "$T/e3" "$T/e4" "$T/e5")" "" "the peers sign without complaint"
is "$(v_opendkim "$P/opendkim") $(v_dkimpy "$P/dkimpy") $(v_dkimpy "$P/dkimpy-ed") $(v_maildkim "$P/maildkim")" \
	"pass pass pass pass" "each peer's signature verifies (checked by another implementation)"
is "$(v_maildkim "$P/maildkim-dk")" pass "Mail::DKIM's DomainKey-Signature verifies"

# --- no key: unchanged ------------------------------------------------------------------
for p in opendkim dkimpy dkimpy-ed maildkim maildkim-dk dkimpy-crlf; do
	dksign -T "$K/%/absent" "$P/$p" >"$T/o/$p.copy" 2>"$T/o/$p.copy.err"
	is "$?:$(head -c 8 "$T/o/$p.copy.err")" "0:dksign: " "$p, no key: exit 0, a note"
	ok "$p, no key: copied byte for byte" cmp -s "$T/o/$p.copy" "$P/$p"
	qr "$p" "$P/$p" DKSIGN="$K/%/absent"
	is "$(qr_sum "$p")" "rc=0 err= ran=1" "$p, qmail-remote mode, no key: handed on"
	case $p in *crlf) tr -d '\r' <"$P/$p" >"$T/o/$p.want" ;; *) cp "$P/$p" "$T/o/$p.want" ;; esac
	ok "$p, qmail-remote mode, no key: byte for byte (LF)" cmp -s "$T/qr/$p.fq/stdin" "$T/o/$p.want"
done

# --- dksign signs on top ------------------------------------------------------------------
# tailcmp OUT ORIG: OUT ends with exactly ORIG
tailcmp() {
	tail -c "$(wc -c <"$2")" "$1" | cmp -s - "$2"
}
for p in opendkim dkimpy dkimpy-ed maildkim dkimpy-crlf; do
	o=$T/o/$p.signed
	dksign -k "$K/ours" "$P/$p" >"$o" 2>"$o.err"
	is "$?:$(cat "$o.err"):$(dkim_count "$o"):$(dkim_tag s "$o" 1)" "0::2:ours" \
		"$p: dksign adds its signature in front"
	ok "$p: the peer's message follows, unchanged" tailcmp "$o" "$P/$p"
	is "$(v_dkimpy "$o" 0) $(v_dkimpy "$o" 1)" "pass pass" "$p: dkimpy passes dksign's and the peer's"
	dkim_only 1 "$o" >"$o.1"
	dkim_only 2 "$o" >"$o.2"
	is "$(v_opendkim "$o.1") $(v_opendkim "$o.2")" "pass pass" "$p: opendkim-testmsg passes each"
done
o=$T/o/maildkim.signed
is "$(v_maildkim "$o")" "pass | pass" "maildkim: Mail::DKIM passes both"

# dual signing on top of a peer's message, in qmail-remote mode
mkdir -p "$K/tpl/example.com"
cp "$K/ours" "$K/tpl/example.com/ours"
cp "$K/oursed" "$K/tpl/example.com/oursed"
qr dual "$P/dkimpy" DKSIGN="$K/tpl/%/ours $K/tpl/%/oursed"
F=$T/qr/dual.fq/stdin
is "$(qr_sum dual):$(dkim_count "$F")" "rc=0 err= ran=1:3" "qmail-remote mode, two templates: two more signatures"
ok "... in front of the peer's bytes" tailcmp "$F" "$P/dkimpy"
is "$(v_dkimpy "$F" 0) $(v_dkimpy "$F" 1) $(v_dkimpy "$F" 2)" "pass pass pass" "... all three verify"

# --- DomainKeys ----------------------------------------------------------------------------
o=$T/o/dk
dksign -K -k "$K/ours" "$T/msg" >"$o" 2>"$o.err"
is "$?:$(cat "$o.err")" "0:" "-K: exit 0, silent"
is "$(sed -n 's/^\([A-Za-z-]*\):.*/\1/p' "$o" | head -n 2 | tr '\n' ' ')" "DKIM-Signature DomainKey-Signature " \
	"-K: DKIM-Signature first, then DomainKey-Signature"
dk=$(sed -n '/^DomainKey-Signature:/,/^[^ 	]/p' "$o" | sed '$d' | tr -d ' \t\n')
is "$(printf '%s' "$dk" | sed 's/^DomainKey-Signature://' | tr ';' '\n' | sed -n 's/=.*//p' | tr '\n' ' ')" \
	"a q c s d h b" "DomainKey-Signature tags: a q c s d h b"
is "$(printf '%s' "$dk" | tr ';' '\n' | grep -E '^(DomainKey-Signature:)?(a|q|c|s|d)=' | sed 's/^DomainKey-Signature://' | tr '\n' ' ')" \
	"a=rsa-sha1 q=dns c=nofws s=ours d=example.com " "a=rsa-sha1 q=dns c=nofws s=ours d=example.com"
is "$(v_maildkim "$o")" "pass | pass" "Mail::DKIM passes the DKIM and the DomainKeys signature"
sed 's/We lost/We won/' "$o" >"$o.bad"
is "$(v_maildkim "$o.bad" | sed 's/ ([^)]*)//g')" "fail | fail" "... and fails both on a changed body"
sed 's/$/\r/' "$T/msg" >"$T/msg.crlf"
dksign -K -k "$K/ours" -k "$K/oursed" "$T/msg.crlf" >"$o.dual"
is "$(v_maildkim "$o.dual")" "pass | invalid (unsupported algorithm ed25519-sha256) | pass" \
	"-K with rsa and ed25519 keys, CRLF: DKIM rsa, DKIM ed25519, DomainKeys rsa only"
is "$(grep -c '^DomainKey-Signature:' "$o.dual")" 1 "... one DomainKey-Signature (none for ed25519)"
o=$T/o/dk-on-dk
dksign -K -k "$K/ours" "$P/maildkim-dk" >"$o"
ok "-K over Mail::DKIM's DomainKeys message: the peer's bytes follow unchanged" tailcmp "$o" "$P/maildkim-dk"
is "$(v_maildkim "$o")" "pass | pass | pass" "... and all three signatures pass with Mail::DKIM"

done_testing
