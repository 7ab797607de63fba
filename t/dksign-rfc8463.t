#!/bin/sh
# dksign and RFC 8463 Appendix A (spec section 6): the RFC's keys (the
# Ed25519 key as the bare base64 seed of A.1, the RSA key as PKCS#1 PEM),
# its message (A.2) and time (t=1528637909), relaxed/relaxed:
#  - the body hash is the RFC's bh=;
#  - both of dksign's signatures verify against the RFC's key records
#    (A.3), served by nsd, with opendkim-testmsg, dkimpy and Mail::DKIM
#    (RSA only: bookworm's Mail::DKIM has no ed25519);
#  - the RFC's own signed message verifies the same way (so the data below
#    is right);
#  - signing is deterministic (RSASSA-PKCS1-v1_5 and Ed25519 are): the same
#    input, key and time give the same bytes;
#  - b=: the RFC's signatures carry "q=dns/txt" and "h=from : to : ..."
#    (blanks around the colons), which dksign does not write (libopendkim
#    builds the field), so the RFC's b= values cannot come out of dksign;
#    that check is marked TODO.
# The keys, records and message are data from RFC 8463.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"
# netns_enter execs this script again (with a new $T): drop this one
[ -n "${SIXGATE_IN_NETNS:-}" ] || rm -rf "$T"
NETNS_MOUNT=1; netns_enter "$@"
. "$TOP/t/lib/nsd.sh"
. "$TOP/t/lib/dkim.sh"

K=$T/keys
mkdir "$K" "$T/zones"
# RFC 8463 A.1: Ed25519 private key (the 32-byte seed, base64)
echo 'nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=' >"$K/brisbane"
# RFC 8463 A.1: the RSA key (RFC 6376's example key)
cat >"$K/test" <<'EOF'
-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi
Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM
KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB
AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm
6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe
zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy
6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc
uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy
WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd
WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a
licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst
o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe
uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL
-----END RSA PRIVATE KEY-----
EOF
# RFC 8463 A.3: the key records
PED='11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='
PRSA='MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB'
{
	dkim_soa
	dkim_rr brisbane._domainkey "v=DKIM1; k=ed25519; p=$PED"
	dkim_rr test._domainkey "v=DKIM1; k=rsa; p=$PRSA"
} >"$T/zones/football.example.com.zone"
if ! dkim_dns "$T/nsd" "$T/zones/football.example.com.zone"; then
	echo "Bail out! nsd does not start"
	exit 1
fi
trap '_nsd_stop_all; rm -rf "$T"' EXIT

# RFC 8463 A.2: the message (CRLF, as on the wire)
printf '%s\r\n' \
	'From: Joe SixPack <joe@football.example.com>' \
	'To: Suzie Q <suzie@shopping.example.net>' \
	'Subject: Is dinner ready?' \
	'Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)' \
	'Message-ID: <20030712040037.46341.5F8J@football.example.com>' \
	'' 'Hi.' '' 'We lost the game.  Are you hungry yet?' '' 'Joe.' >"$T/a2"
tr -d '\r' <"$T/a2" >"$T/a2.lf"
BH='2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8='
BED='/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw=='
BRSA='F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8='
# RFC 8463 A.3: the signed message
{
	printf '%s\r\n' \
	'DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;' \
	' d=football.example.com; i=@football.example.com;' \
	' q=dns/txt; s=brisbane; t=1528637909; h=from : to :' \
	' subject : date : message-id : from : subject : date;' \
	" bh=$BH;" \
	' b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus' \
	' Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==' \
	'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;' \
	' d=football.example.com; i=@football.example.com;' \
	' q=dns/txt; s=test; t=1528637909; h=from : to : subject :' \
	' date : message-id : from : subject : date;' \
	" bh=$BH;" \
	' b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3' \
	' DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz' \
	' dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8='
	cat "$T/a2"
} >"$T/a3"

# --- the data: the RFC's own signed message verifies here ---------------------
dkim_only 1 "$T/a3" >"$T/a3.ed"
dkim_only 2 "$T/a3" >"$T/a3.rsa"
is "$(v_opendkim "$T/a3.ed") $(v_opendkim "$T/a3.rsa")" "pass pass" \
	"RFC 8463 A.3 as published: opendkim-testmsg passes both signatures"
is "$(v_dkimpy "$T/a3" 0) $(v_dkimpy "$T/a3" 1)" "pass pass" \
	"RFC 8463 A.3 as published: dkimpy passes both signatures"
is "$(v_maildkim "$T/a3")" "invalid (unsupported algorithm ed25519-sha256) | pass" \
	"RFC 8463 A.3 as published: Mail::DKIM passes the RSA one, has no ed25519"
is "$(openssl pkey -in "$K/test" -pubout -outform DER 2>/dev/null | base64 -w0)" "$PRSA" \
	"the RSA key matches the RFC's test._domainkey record"

# --- dksign: the RFC's keys, message and time --------------------------------
sign() { # OUT ARGS...: dksign ARGS > OUT, exit 0 and silent
	_o=$1
	shift
	dksign "$@" >"$_o" 2>"$_o.err"
	is "$?:$(cat "$_o.err")" "0:" "dksign $(echo "$*" | sed "s|$T/||g"): exit 0, nothing on stderr"
}
sign "$T/s" -k "$K/brisbane" -k "$K/test" -c relaxed/relaxed -t 1528637909 "$T/a2"
is "$(dkim_count "$T/s")" 2 "two signatures"
is "$(dkim_tag a "$T/s" 1):$(dkim_tag s "$T/s" 1):$(dkim_tag d "$T/s" 1):$(dkim_tag t "$T/s" 1)" \
	"ed25519-sha256:brisbane:football.example.com:1528637909" \
	"first: the seed file is an Ed25519 key; s= from the file name; d= from From:; t= from -t"
is "$(dkim_tag a "$T/s" 2):$(dkim_tag s "$T/s" 2):$(dkim_tag d "$T/s" 2):$(dkim_tag t "$T/s" 2)" \
	"rsa-sha256:test:football.example.com:1528637909" "second: the RSA key"
is "$(dkim_tag bh "$T/s" 1)" "$BH" "ed25519 signature: the RFC's bh="
is "$(dkim_tag bh "$T/s" 2)" "$BH" "rsa signature: the RFC's bh="
dkim_only 1 "$T/s" >"$T/s.ed"
dkim_only 2 "$T/s" >"$T/s.rsa"
is "$(v_opendkim "$T/s.ed") $(v_opendkim "$T/s.rsa") $(v_opendkim "$T/s")" "pass pass pass" \
	"opendkim-testmsg: both of dksign's signatures pass with the RFC's records"
is "$(v_dkimpy "$T/s" 0) $(v_dkimpy "$T/s" 1)" "pass pass" \
	"dkimpy: both of dksign's signatures pass with the RFC's records"
is "$(v_maildkim "$T/s")" "invalid (unsupported algorithm ed25519-sha256) | pass" \
	"Mail::DKIM: dksign's RSA signature passes (no ed25519 in 1.20230212)"
# LF input: the same signatures (the crypto sees CRLF either way)
sign "$T/s.lf" -k "$K/brisbane" -k "$K/test" -c relaxed/relaxed -t 1528637909 "$T/a2.lf"
is "$(dkim_sigs "$T/s.lf")" "$(dkim_sigs "$T/s" | tr -d '\r')" \
	"LF input gives the same signature fields (less the CRs)"
sign "$T/s2" -k "$K/brisbane" -k "$K/test" -c relaxed/relaxed -t 1528637909 "$T/a2"
ok "deterministic: signing again gives the same bytes" cmp -s "$T/s" "$T/s2"

# --- b= with the RFC's tag list -------------------------------------------------
# The closest dksign gets: the RFC's i=, h= list (from to subject date
# message-id, oversigned from subject date) and t=.  The RFC's field has
# q=dns/txt and blanks around the colons of h=, which the relaxed
# canonicalization of the DKIM-Signature field keeps, so b= differs.
sign "$T/h" -k "$K/brisbane" -k "$K/test" -c relaxed/relaxed -t 1528637909 \
	-i @football.example.com -h from:to:subject:date:message-id -o from:subject:date "$T/a2"
is "$(dkim_tag i "$T/h" 1):$(dkim_tag bh "$T/h" 1)" "@football.example.com:$BH" \
	"-i, -h, -o: i= as asked, bh= still the RFC's"
is "$(dkim_tag h "$T/h" 1 | tr 'A-Z' 'a-z')" "from:to:subject:date:message-id:from:subject:date" \
	"h= lists the fields, then the oversigned ones"
is "$(v_dkimpy "$T/h" 0) $(v_dkimpy "$T/h" 1)" "pass pass" "... and both signatures pass"
_b=$(dkim_tag b "$T/h" 1)
if [ "$_b" = "$BED" ]; then echo "ok $((_tap_n + 1)) - ed25519 b= is the RFC's # TODO no way to write q= and \" : \""
else echo "not ok $((_tap_n + 1)) - ed25519 b= is the RFC's # TODO no way to write q= and \" : \""; fi
_tap_n=$((_tap_n + 1))
_b=$(dkim_tag b "$T/h" 2)
if [ "$_b" = "$BRSA" ]; then echo "ok $((_tap_n + 1)) - rsa b= is the RFC's # TODO no way to write q= and \" : \""
else echo "not ok $((_tap_n + 1)) - rsa b= is the RFC's # TODO no way to write q= and \" : \""; fi
_tap_n=$((_tap_n + 1))

done_testing
