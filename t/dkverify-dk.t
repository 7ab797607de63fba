#!/bin/sh
# dkverify --check on DomainKeys (spec §3, V-4, V-6): signatures made by
# Mail::DKIM (`dkimproxy-sign --type domainkeys`, nofws and simple), keys
# from nsd; tampered body and header, key missing, revoked, SERVFAIL;
# messages with DomainKeys and DKIM signatures; DKVERIFY without a comma
# (qmail-dk letters only).
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; NETNS_MOUNT=1; netns_enter "$@"
. "$TOP/t/lib/nsd.sh"
. "$TOP/t/lib/dkv.sh"

K=$T/k
M=$T/m
mkdir -p "$M"
dkv_setup "$K" || { echo "Bail out! DNS set-up failed"; exit 1; }
dkv_msg >"$M/plain"

s_maildk "$K/rsa" dk nofws <"$M/plain" >"$M/nofws"
s_maildk "$K/rsa" dk simple <"$M/plain" >"$M/simple"
ok "dkimproxy-sign made a DomainKey-Signature" grep -q '^DomainKey-Signature: ' "$M/nofws"

# dkres NAME FILE WANT-LAST WANT-RESINFO [VAR=VALUE...]
dkres() {
	_n=$1 _f=$2 _l=$3 _r=$4
	shift 4
	chk "$_n" "$_f" "$@"
	is "$(chk_sum "$_n")" "$_l" "$_n: $_l"
	is "$(chk_res "$_n" domainkeys)" "$_r" "$_n: $_r"
}
dkres nofws "$M/nofws" "rc=0 dk=A dkim=N action=accept" \
	"domainkeys=pass (ok) header.d=example.com header.from=\"joe@example.com\""
dkres simple "$M/simple" "rc=0 dk=A dkim=N action=accept" \
	"domainkeys=pass (ok) header.d=example.com header.from=\"joe@example.com\""
is "$(chk_res nofws dkim)" "dkim=none (no signature)" "DomainKeys only: dkim=none (no signature)"

sed 's/^Joe\.$/Jim./' "$M/nofws" >"$M/body"
dkres body "$M/body" "rc=0 dk=B dkim=N action=accept" \
	"domainkeys=fail (bad signature) header.d=example.com header.from=\"joe@example.com\""
sed 's/^Subject: Is dinner ready?/Subject: Is lunch ready?/' "$M/simple" >"$M/hdr"
dkres hdr "$M/hdr" "rc=0 dk=B dkim=N action=accept" \
	"domainkeys=fail (bad signature) header.d=example.com header.from=\"joe@example.com\""
# nofws ignores whitespace changes; simple does not
sed 's/^We lost the game\./We  lost   the game./' "$M/nofws" >"$M/ws"
dkres ws.nofws "$M/ws" "rc=0 dk=A dkim=N action=accept" \
	"domainkeys=pass (ok) header.d=example.com header.from=\"joe@example.com\""
s_maildk "$K/rsa" nokey nofws <"$M/plain" >"$M/nokey"
dkres nokey "$M/nokey" "rc=0 dk=D dkim=N action=accept" \
	"domainkeys=permerror (no key) header.d=example.com header.from=\"joe@example.com\""
s_maildk "$K/rsa" dkrevoked nofws <"$M/plain" >"$M/revoked"
dkres revoked "$M/revoked" "rc=0 dk=J dkim=N action=accept" \
	"domainkeys=permerror (revoked key) header.d=example.com header.from=\"joe@example.com\""
s_maildk "$K/rsa" sf nofws <"$M/plain" >"$M/sf"
DNSCACHEIP=127.0.0.2
dkres servfail "$M/sf" "rc=0 dk=F dkim=N action=accept" \
	"domainkeys=temperror (cannot verify) header.d=example.com header.from=\"joe@example.com\""
DNSCACHEIP=127.0.0.1
# the signing domain must cover the From address
sed 's/^From: Joe SixPack <joe@example.com>/From: Joe SixPack <joe@example.org>/' "$M/plain" |
	s_maildk "$K/rsa" dk nofws >"$M/foreign"
chk foreign "$M/foreign"
is "$(chk_sum foreign)" "rc=0 dk=G dkim=N action=accept" "d= not the From domain: dk=G"
# Sender: gives the identity
awk '/^To:/ { print "Sender: List <list@lists.example.com>" } { print }' "$M/plain" |
	s_maildk "$K/rsa" dk nofws >"$M/sender"
dkres sender "$M/sender" "rc=0 dk=A dkim=N action=accept" \
	"domainkeys=pass (ok) header.d=example.com header.sender=\"list@lists.example.com\""

# DKVERIFY without a comma: DomainKeys letters (qmail-dk)
chk letters.B "$M/body" DKVERIFY=B
is "$(chk_sum letters.B)" "rc=100 dk=B dkim=N action=reject" "DKVERIFY=B: bad DomainKeys signature rejected"
chk letters.b "$M/body" DKVERIFY=b
is "$(chk_sum letters.b)" "rc=111 dk=B dkim=N action=defer" "DKVERIFY=b: deferred"
chk letters.seed "$M/nokey" "DKVERIFY=DEGIJKfh,CGHIJMQRkl"
is "$(chk_sum letters.seed)" "rc=100 dk=D dkim=N action=reject" "seed letters: DomainKeys no key rejected"
chk letters.f "$M/sf" "DKVERIFY=DEGIJKfh,CGHIJMQRkl" DNSCACHEIP=127.0.0.2
is "$(chk_sum letters.f)" "rc=111 dk=F dkim=N action=defer" "seed letters: DomainKeys SERVFAIL deferred"

# DomainKeys + DKIM on one message: DKIM signed by dksign, then DomainKeys
# by Mail::DKIM (the DomainKeys signature covers the DKIM-Signature field)
s_dksign "$K/rsa" rsa <"$M/plain" | s_maildk "$K/rsa" dk nofws >"$M/both"
chk both "$M/both"
is "$(chk_sum both)" "rc=0 dk=A dkim=A action=accept" "DomainKeys + DKIM: both pass"
ar=$(chk_ar both)
case $ar in
"Authentication-Results: mx.test; domainkeys=pass (ok) "*"; dkim=pass (ok) "*) r=ok ;;
*) r="$ar" ;;
esac
is "$r" ok "DomainKeys + DKIM: domainkeys= then dkim=, the seed's order"
sed 's/^Joe\.$/Jim./' "$M/both" >"$M/both.body"
chk both.body "$M/both.body" "DKVERIFY=DEGIJKfh,CGHIJMQRkl"
is "$(chk_sum both.body)" "rc=0 dk=B dkim=P action=accept" "both, body changed: dk=B dkim=P, seed letters accept"
chk both.bodyB "$M/both.body" "DKVERIFY=B,p"
is "$(chk_sum both.bodyB)" "rc=100 dk=B dkim=P action=reject" "reject (B) wins over defer (p)"

done_testing
