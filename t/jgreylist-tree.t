#!/bin/sh
# jgreylist: the tree layout (greylist spec 1.5, section 4 items 9-11):
# DIR/ip4/aaa/bbb/ccc (/24, decimal, zero-padded) or .../ddd with
# JGREYLIST_BY_IP; DIR/ip6/xx/.../xx (/64, 8 lowercase hex bytes) or 16
# bytes with BY_IP; ::ffff:a.b.c.d is IPv4; a %zone is ignored;
# JGREYLIST_PREFIX4 / JGREYLIST_PREFIX6 (the address masked to the prefix;
# up to /24 and /64 the default number of components, longer ones the
# BY_IP number; an explicit prefix wins over BY_IP); clients of one prefix
# share an entry; a tree made with other settings is repaired with a
# warning; an address that does not parse is an error and creates nothing.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/grey.sh"

# path IP [NAME=VALUE...]: first contact in an empty tree; prints the
# entry files created (relative to $GD) and checks it was greylisted
path() {
	rm -rf "$GD"; mkdir -m 700 "$GD"
	_ip=$1; shift
	jg '' TCPREMOTEIP="$_ip" "$@"
	[ "$(out)" = "$GREET" ] || diag "$_ip: got $(out) / $(err)"
	tree "$GD" | sed -n 's/^f //p'
}

# --- IPv4 ---------------------------------------------------------------------
is "$(path 192.0.2.7)" ip4/192/000/002 "IPv4 /24: ip4/192/000/002"
is "$(path 10.1.2.3)" ip4/010/001/002 "IPv4: octets zero-padded to 3 digits"
is "$(path 255.255.255.255)" ip4/255/255/255 "IPv4 255.255.255.255"
is "$(path 0.0.0.0)" ip4/000/000/000 "IPv4 0.0.0.0"
is "$(tree "$GD")" "d ip4
d ip4/000
d ip4/000/000
f ip4/000/000/000" "IPv4 /24: three directories and the entry"
is "$(path 192.0.2.7 JGREYLIST_BY_IP=1)" ip4/192/000/002/007 "IPv4 BY_IP: ip4/192/000/002/007"
is "$(path 10.1.2.3 JGREYLIST_BY_IP=1)" ip4/010/001/002/003 "IPv4 BY_IP: zero-padded"
is "$(stat -c %a "$GD/ip4/010/001/002")" 700 "IPv4 BY_IP: the /24 is a directory, 0700"
is "$(path 192.0.2.7 JGREYLIST_BY_IP=0)" ip4/192/000/002 "BY_IP=0: /24"
is "$(path 192.0.2.7 JGREYLIST_BY_IP=)" ip4/192/000/002 "BY_IP empty: /24"

# --- IPv4-mapped and odd spellings -------------------------------------------------
is "$(path ::ffff:192.0.2.7)" ip4/192/000/002 "::ffff:192.0.2.7 is IPv4"
is "$(path ::ffff:192.0.2.7 JGREYLIST_BY_IP=1)" ip4/192/000/002/007 "::ffff:a.b.c.d with BY_IP"
is "$(path ::FFFF:c000:207)" ip4/192/000/002 "::FFFF:c000:207 (hex, upper case) is IPv4"
is "$(path 0:0:0:0:0:ffff:10.1.2.3)" ip4/010/001/002 "0:0:0:0:0:ffff:a.b.c.d is IPv4"

# --- IPv6 ----------------------------------------------------------------------------
is "$(path 2001:470:1f0f:350::1)" ip6/20/01/04/70/1f/0f/03/50 "IPv6 /64: the spec's example"
is "$(path 2001:db8::1)" ip6/20/01/0d/b8/00/00/00/00 "IPv6 2001:db8::1"
is "$(path 2001:DB8:AB:CDEF::1)" ip6/20/01/0d/b8/00/ab/cd/ef "IPv6 upper case in, lower case hex out"
is "$(path ::1)" ip6/00/00/00/00/00/00/00/00 "IPv6 ::1"
is "$(tree "$GD" | grep -c '^d ')" 8 "IPv6 /64: ip6 and 7 directories"
is "$(path fe80::1%eth0)" ip6/fe/80/00/00/00/00/00/00 "IPv6 link-local with %zone"
is "$(path 2001:db8::1 JGREYLIST_BY_IP=1)" \
	ip6/20/01/0d/b8/00/00/00/00/00/00/00/00/00/00/00/01 "IPv6 BY_IP: 16 bytes"
is "$(path 2001:db8:1:2:3:4:5:ff JGREYLIST_BY_IP=1)" \
	ip6/20/01/0d/b8/00/01/00/02/00/03/00/04/00/05/00/ff "IPv6 BY_IP: all bytes"
is "$(path ::ffff:0:1.2.3.4)" ip6/00/00/00/00/00/00/00/00 \
	"::ffff:0:a.b.c.d (SIIT, not v4-mapped) is IPv6"

# --- prefixes --------------------------------------------------------------------------
is "$(path 192.0.2.7 JGREYLIST_PREFIX4=24)" ip4/192/000/002 "PREFIX4=24 is the default layout"
is "$(path 192.0.2.7 JGREYLIST_PREFIX4=32)" ip4/192/000/002/007 "PREFIX4=32: one entry per address"
is "$(path 192.0.2.7 JGREYLIST_PREFIX4=16)" ip4/192/000/000 "PREFIX4=16: the /16 masked, ip4/192/000/000"
is "$(path 192.0.2.7 JGREYLIST_PREFIX4=20)" ip4/192/000/000 "PREFIX4=20: ip4/192/000/000"
is "$(path 192.0.31.7 JGREYLIST_PREFIX4=20)" ip4/192/000/016 "PREFIX4=20: 31 masked to 16"
is "$(path 192.0.2.7 JGREYLIST_PREFIX4=0)" ip4/000/000/000 "PREFIX4=0: one key for all IPv4"
is "$(path 192.0.2.7 JGREYLIST_PREFIX4=30)" ip4/192/000/002/004 "PREFIX4=30: 4 parts, masked"
is "$(path 192.0.2.7 JGREYLIST_PREFIX4=24 JGREYLIST_BY_IP=1)" ip4/192/000/002 "PREFIX4 wins over BY_IP"
is "$(path 2001:db8::1 JGREYLIST_PREFIX6=64 JGREYLIST_BY_IP=1)" ip6/20/01/0d/b8/00/00/00/00 "PREFIX6 wins over BY_IP"
is "$(path 2001:db8::1 JGREYLIST_PREFIX6=64)" ip6/20/01/0d/b8/00/00/00/00 "PREFIX6=64 is the default"
is "$(path 2001:db8:aa:bbcc::1 JGREYLIST_PREFIX6=48)" ip6/20/01/0d/b8/00/aa/00/00 "PREFIX6=48: 8 bytes, masked"
is "$(path 2001:db8:aa:bbcc::1 JGREYLIST_PREFIX6=56)" ip6/20/01/0d/b8/00/aa/bb/00 "PREFIX6=56: 8 bytes, masked"
is "$(path 2001:db8:aa:bbcc::1 JGREYLIST_PREFIX6=60)" ip6/20/01/0d/b8/00/aa/bb/c0 "PREFIX6=60: masked inside a byte"
is "$(path 2001:db8:aa:bbcc::1 JGREYLIST_PREFIX6=96)" \
	ip6/20/01/0d/b8/00/aa/bb/cc/00/00/00/00/00/00/00/00 "PREFIX6=96: 16 bytes, masked"
is "$(path 2001:db8:aa:bbcc::1 JGREYLIST_PREFIX6=128)" \
	ip6/20/01/0d/b8/00/aa/bb/cc/00/00/00/00/00/00/00/01 "PREFIX6=128: 16 bytes"
is "$(path 2001:db8:aa:bbcc::1 JGREYLIST_PREFIX6=48 JGREYLIST_PREFIX4=16)" \
	ip6/20/01/0d/b8/00/aa/00/00 "PREFIX4 does not touch IPv6"
is "$(path 192.0.2.7 JGREYLIST_PREFIX6=48 JGREYLIST_PREFIX4=16)" \
	ip4/192/000/000 "PREFIX6 does not touch IPv4"

# --- one entry per prefix ----------------------------------------------------------------
rm -rf "$GD"; mkdir -m 700 "$GD"
jg '' TCPREMOTEIP=192.0.2.7
jg '' TCPREMOTEIP=192.0.2.250
is "$(err)" "jgreylist[P]: 192.0.2.250: GREY too soon" "same /24: the second host is 'too soon'"
jg '' TCPREMOTEIP=::ffff:192.0.2.1
is "$(err)" "jgreylist[P]: ::ffff:192.0.2.1: GREY too soon" \
	"same /24 written v4-mapped: 'too soon' (the log shows the raw address)"
jg '' TCPREMOTEIP=192.0.3.7
is "$(err)" "jgreylist[P]: 192.0.3.7: GREY first time" "next /24: first time"
jg '' TCPREMOTEIP=192.0.2.7 JGREYLIST_BY_IP=1
ok "/24 entry then BY_IP: the address is a new key" \
	grep -qx "jgreylist\[P\]: 192.0.2.7: GREY first time" "$T/err"
is "$(out)" "$GREET" "/24 entry then BY_IP: greylisted, not an error"
is "$(grep warning "$T/err")" "jgreylist[P]: warning: $GD/ip4/192/000/002 is not a directory (tree made with other prefix settings?), removing it" \
	"/24 entry then BY_IP: the warning names the file in the way"
ok "/24 entry then BY_IP: the file became a directory holding the entry" \
	test -f "$GD/ip4/192/000/002/007"
jg '' TCPREMOTEIP=192.0.2.7 JGREYLIST_BY_IP=0
is "$(grep warning "$T/err")" "jgreylist[P]: warning: $GD/ip4/192/000/002 is not a regular file (tree made with other prefix settings?), removing it" \
	"BY_IP tree then /24: the warning names the directory in the way"
ok "BY_IP tree then /24: the directory is replaced by an entry" \
	grep -qx "jgreylist\[P\]: 192.0.2.7: GREY first time" "$T/err"
ok "... which is a file now" test -f "$GD/ip4/192/000/002"
jg '' TCPREMOTEIP=2001:db8::1
jg '' TCPREMOTEIP=2001:db8::ffff:1:2
is "$(err)" "jgreylist[P]: 2001:db8::ffff:1:2: GREY too soon" "same /64: 'too soon'"
jg '' TCPREMOTEIP=2001:db8:0:1::1
is "$(err)" "jgreylist[P]: 2001:db8:0:1::1: GREY first time" "next /64: first time"
jg '' TCPREMOTEIP=2001:db8:0:1::1%lo
is "$(err)" "jgreylist[P]: 2001:db8:0:1::1%lo: GREY too soon" "%zone: same key as without"

# --- not an address ---------------------------------------------------------------------------
rm -rf "$GD"; mkdir -m 700 "$GD"
for bad in 1.2.3 1.2.3.4.5 256.1.2.3 junk 1.2.3.4x 2001:db8::1::2 ::ffff:1.2.3 ' 1.2.3.4' '%eth0'; do
	jg 'QUIT\r\n' TCPREMOTEIP="$bad"
	is "$(out)" "" "TCPREMOTEIP='$bad': nothing sent to the client"
	is "$RC" 100 "TCPREMOTEIP='$bad': exit 100"
	is "$(err)" "jgreylist[P]: fatal: unable to parse TCPREMOTEIP: $bad" \
		"TCPREMOTEIP='$bad': the log names it"
done
is "$(tree "$GD")" "" "bad addresses create nothing"

done_testing
