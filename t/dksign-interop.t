#!/bin/sh
# dksign interop (spec 6, S-6, S-11): messages signed by dksign verify with
# three independent implementations from Debian, against keys served by a
# real DNS server (nsd in this test's own network namespace; a bind-mounted
# resolv.conf points every resolver at it):
#   opendkim-testmsg  libopendkim 2.11 (opendkim-tools): rsa and ed25519
#   dkimverify        dkimpy 1.1.4 (python3-dkim): rsa and ed25519
#   dkimproxy-verify  Mail::DKIM 1.20230212 (libmail-dkim-perl): rsa only.
#                     Ed25519 came to Mail::DKIM in 1.20230630; bookworm's
#                     version says "invalid (unsupported algorithm
#                     ed25519-sha256)" for such a signature, and that is what
#                     the test asserts for it (not a pass, not a skip).
# Matrix: rsa-sha256, ed25519-sha256 and dual signatures (RSA first, as
# the keys were given); simple/simple and relaxed/relaxed (plus the mixed
# ones once); LF and CRLF input; folded headers; 8-bit body; empty body;
# no body at all; trailing blank lines; a 1 MiB body; rsa-sha1 on request.
# Every signed message must also be the original bytes with the
# DKIM-Signature fields in front.  Negative controls (a changed body, a
# changed header, a key record that does not match) make sure each verifier
# can say no here.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"
# netns_enter execs this script again (with a new $T): drop this one
[ -n "${SIXGATE_IN_NETNS:-}" ] || rm -rf "$T"
NETNS_MOUNT=1; netns_enter "$@"
. "$TOP/t/lib/nsd.sh"
. "$TOP/t/lib/dkim.sh"

K=$T/keys
M=$T/msgs
mkdir "$K" "$M" "$T/zones" "$T/out"
dkim_rsa "$K/rsa" 2048 && dkim_ed "$K/ed" && dkim_rsa "$K/other" 1024 ||
	{ echo "Bail out! openssl cannot make keys"; exit 1; }
{
	dkim_soa
	dkim_rr rsa._domainkey "$(dkim_record "$K/rsa")"
	dkim_rr ed._domainkey "$(dkim_record "$K/ed")"
	# right name, wrong key: for the negative controls
	dkim_rr wrong._domainkey "$(dkim_record "$K/other")"
} >"$T/zones/example.com.zone"
if ! dkim_dns "$T/nsd" "$T/zones/example.com.zone"; then
	echo "Bail out! nsd does not start"
	exit 1
fi
trap '_nsd_stop_all; rm -rf "$T"' EXIT
dkim_corpus "$M"

# sign NAME MSG ARGS...: dksign ARGS MSG > $T/out/NAME; checks exit 0,
# nothing on stderr, and that the output is the input with signatures
# in front.
sign() {
	_n=$1 _m=$2
	shift 2
	dksign "$@" "$M/$_m" >"$T/out/$_n" 2>"$T/out/$_n.err"
	_rc=$?
	is "$_rc:$(cat "$T/out/$_n.err")" "0:" "$_n: dksign exits 0, says nothing"
	dkim_strip "$T/out/$_n" >"$T/out/$_n.orig"
	ok "$_n: output = signature fields + the input, byte for byte" \
		cmp -s "$T/out/$_n.orig" "$M/$_m"
}
# verify_rsa NAME, verify_ed NAME: one signature, every verifier
verify_rsa() {
	is "$(v_opendkim "$T/out/$1")" pass "$1: opendkim-testmsg"
	is "$(v_dkimpy "$T/out/$1")" pass "$1: dkimpy"
	is "$(v_maildkim "$T/out/$1")" pass "$1: Mail::DKIM"
}
verify_ed() {
	is "$(v_opendkim "$T/out/$1")" pass "$1: opendkim-testmsg (ed25519)"
	is "$(v_dkimpy "$T/out/$1")" pass "$1: dkimpy (ed25519)"
	is "$(v_maildkim "$T/out/$1")" "invalid (unsupported algorithm ed25519-sha256)" \
		"$1: Mail::DKIM 1.20230212 does not know ed25519 and says so"
}
# verify_dual NAME: two signatures, rsa then ed25519; opendkim-testmsg
# reports one verdict per message, so each signature is also checked in a
# copy that carries only that one.
verify_dual() {
	is "$(dkim_count "$T/out/$1"):$(dkim_tag a "$T/out/$1" 1):$(dkim_tag a "$T/out/$1" 2)" \
		"2:rsa-sha256:ed25519-sha256" "$1: two signatures, rsa first"
	dkim_only 1 "$T/out/$1" >"$T/out/$1.1"
	dkim_only 2 "$T/out/$1" >"$T/out/$1.2"
	want="pass pass pass"
	case $1 in
	# A message that is all header (no empty line, no body) with simple
	# header canonicalisation: libopendkim's reader in opendkim-testmsg
	# says "Bad signature" while dkimpy and Mail::DKIM below pass the same
	# bytes; assert what it says, so a change in either shows up.
	nobody.simple-simple)
		want="fail rc=70: opendkim-testmsg: dkim_eom(): Bad signature"
		want="$want $want $want" ;;
	esac
	is "$(v_opendkim "$T/out/$1.1") $(v_opendkim "$T/out/$1.2") $(v_opendkim "$T/out/$1")" \
		"$want" "$1: opendkim-testmsg, each signature and both"
	is "$(v_dkimpy "$T/out/$1" 0) $(v_dkimpy "$T/out/$1" 1)" "pass pass" \
		"$1: dkimpy, signature 1 (rsa) and 2 (ed25519)"
	is "$(v_maildkim "$T/out/$1")" \
		"pass | invalid (unsupported algorithm ed25519-sha256)" \
		"$1: Mail::DKIM passes the rsa signature (no ed25519 in 1.20230212)"
}

# --- one key of each kind, the basic message ---------------------------------
sign rsa plain.lf -k "$K/rsa" -d example.com
is "$(dkim_tag a "$T/out/rsa"):$(dkim_tag s "$T/out/rsa"):$(dkim_tag d "$T/out/rsa"):$(dkim_tag c "$T/out/rsa")" \
	"rsa-sha256:rsa:example.com:relaxed/relaxed" \
	"rsa key: a=rsa-sha256, s= is the file's basename, default c=relaxed/relaxed"
verify_rsa rsa
sign ed plain.lf -k "$K/ed"
is "$(dkim_tag a "$T/out/ed"):$(dkim_tag s "$T/out/ed"):$(dkim_tag d "$T/out/ed")" \
	"ed25519-sha256:ed:example.com" "ed25519 key: a=ed25519-sha256, d= from From:"
verify_ed ed
sign sha1 plain.lf -k "$K/rsa" -a rsa-sha1
is "$(dkim_tag a "$T/out/sha1")" rsa-sha1 "-a rsa-sha1: a=rsa-sha1"
verify_rsa sha1

# --- the matrix: dual signatures over the corpus, simple and relaxed -----------
for c in simple/simple relaxed/relaxed; do
	cn=$(echo "$c" | tr / -)
	for m in plain.lf plain.crlf folded 8bit empty nobody trailing big; do
		n=$m.$cn
		sign "$n" "$m" -k "$K/rsa" -k "$K/ed" -c "$c"
		is "$(dkim_tag c "$T/out/$n" 1) $(dkim_tag c "$T/out/$n" 2)" "$c $c" "$n: c=$c"
		verify_dual "$n"
	done
done
for c in relaxed/simple simple/relaxed; do
	n=folded.$(echo "$c" | tr / -)
	sign "$n" folded -k "$K/rsa" -k "$K/ed" -c "$c"
	is "$(dkim_tag c "$T/out/$n" 1)" "$c" "$n: c=$c"
	verify_dual "$n"
done

# CRLF in, CRLF out: the added fields end in CRLF too (S-11)
is "$(dkim_sigs "$T/out/plain.crlf.relaxed-relaxed" | grep -c -v "$(printf '\r')\$")" 0 \
	"CRLF input: every line of the signature fields ends in CRLF"
is "$(dkim_sigs "$T/out/plain.lf.relaxed-relaxed" | grep -c "$(printf '\r')")" 0 \
	"LF input: no CR in the signature fields"
# LF and CRLF copies of one message get the same body hash
is "$(dkim_tag bh "$T/out/plain.crlf.simple-simple")" "$(dkim_tag bh "$T/out/plain.lf.simple-simple")" \
	"LF and CRLF input: same bh= (simple)"

# --- negative controls: each verifier can fail here ---------------------------
# body changed
sed 's/We lost/We won/' "$T/out/rsa" >"$T/out/rsa.body"
is "$(v_opendkim "$T/out/rsa.body" | cut -c1-4)" fail "changed body: opendkim-testmsg fails"
is "$(v_dkimpy "$T/out/rsa.body" | cut -c1-4)" fail "changed body: dkimpy fails"
is "$(v_maildkim "$T/out/rsa.body")" "fail (body has been altered)" "changed body: Mail::DKIM fails"
sed 's/^Subject: Is dinner ready?/Subject: Is dinner ready!/' "$T/out/ed" >"$T/out/ed.hdr"
is "$(v_opendkim "$T/out/ed.hdr" | cut -c1-4)" fail "changed header, ed25519: opendkim-testmsg fails"
is "$(v_dkimpy "$T/out/ed.hdr" | cut -c1-4)" fail "changed header, ed25519: dkimpy fails"
# a key record that does not match the signing key
sign wrong plain.lf -k "$K/rsa" -s wrong
is "$(dkim_tag s "$T/out/wrong")" wrong "-s overrides the selector"
is "$(v_opendkim "$T/out/wrong" | cut -c1-4)" fail "wrong key record: opendkim-testmsg fails"
is "$(v_dkimpy "$T/out/wrong" | cut -c1-4)" fail "wrong key record: dkimpy fails"
is "$(v_maildkim "$T/out/wrong" | cut -c1-4)" fail "wrong key record: Mail::DKIM fails"
# a selector that is not in DNS at all
sign nokey plain.lf -k "$K/rsa" -s absent
is "$(v_dkimpy "$T/out/nokey" | cut -c1-4)" fail "no key record: dkimpy fails"

done_testing
