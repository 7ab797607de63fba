#!/bin/sh
# jgreylist on a tree it cannot write (greylist spec 1.8, 3.5, section 5
# item 7, the issue's JGREYLIST_FAILOPEN): a read-only mount and a full
# file system (a tiny tmpfs out of inodes), in a private mount namespace.
# Known clients still pass and clients seen too recently are still
# greylisted (the last-seen update failing is only a warning); a client
# that would need a new entry is passed on with a warning (FAILOPEN
# default) or gets 421 and exit 111 (FAILOPEN=0).  jgreylist-clean reports
# what it cannot remove and exits 111.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"
NETNS_MOUNT=1 netns_enter "$@"
. "$TOP/t/lib/grey.sh"

FAIL421='421 jgreylist v8 temporary failure, try again later.^M'
trap 'umount "$T/ro" "$T/full" 2>/dev/null; rm -rf "$T"' EXIT

# --- read-only --------------------------------------------------------------------
RO=$T/ro
mkdir "$RO"
mount -t tmpfs -o size=1m,mode=700 tmpfs "$RO" || { echo "Bail out! cannot mount a tmpfs"; exit 1; }
jg '' TCPREMOTEIP=192.0.2.7 JGREYLIST_DIR="$RO"
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_DIR="$RO"
age "$RO/ip4/192/000/002" 1000
age "$RO/ip4/198/051/100" 10
mount -o remount,ro "$RO" || { echo "Bail out! cannot remount read-only"; exit 1; }
before=$(tree "$RO")
a=$(atime "$RO/ip4/192/000/002")
m=$(mtime "$RO/ip4/192/000/002")

jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.7 JGREYLIST_DIR="$RO" -- echo passed
is "$RC/$(out)" "0/passed" "read-only, known client: passed"
is "$(err)" "jgreylist[P]: warning: unable to update $RO/ip4/192/000/002: read-only file system
jgreylist[P]: 192.0.2.7: OK known" "read-only, known client: a warning that last seen is not kept"
is "$(atime "$RO/ip4/192/000/002")/$(mtime "$RO/ip4/192/000/002")" "$a/$m" "read-only: times unchanged"

jg 'RCPT TO:<a@b>\r\nQUIT\r\n' TCPREMOTEIP=198.51.100.1 JGREYLIST_DIR="$RO" JGREYLIST_FAILOPEN=0 -- echo passed
is "$RC/$(out)" "0/$GREET
$GREY2
$Q221" "read-only, client seen 10 s ago: still greylisted (even with FAILOPEN=0)"
is "$(err)" "jgreylist[P]: warning: unable to update $RO/ip4/198/051/100: read-only file system
jgreylist[P]: 198.51.100.1: GREY too soon" "... with the warning"

jg 'QUIT\r\n' TCPREMOTEIP=203.0.113.1 JGREYLIST_DIR="$RO" -- echo passed
is "$RC/$(out)" "0/passed" "read-only, new client, FAILOPEN default: passed on"
is "$(err)" "jgreylist[P]: warning: $RO/ip4/203: unable to create directory: read-only file system
jgreylist[P]: 203.0.113.1: OK fail-open" "... with a warning naming the directory"

jg 'QUIT\r\n' TCPREMOTEIP=192.0.9.1 JGREYLIST_DIR="$RO" JGREYLIST_FAILOPEN=0 -- echo passed
is "$RC/$(out)" "111/$FAIL421" "read-only, new /24 under a known /16, FAILOPEN=0: 421, exit 111"
is "$(err)" "jgreylist[P]: warning: $RO/ip4/192/000/009: unable to create: read-only file system
jgreylist[P]: 192.0.9.1: DEFER fail-closed" "... the log"

jg 'QUIT\r\n' TCPREMOTEIP=2001:db8::1 JGREYLIST_DIR="$RO" JGREYLIST_FAILOPEN=0 JGREYLIST_LOG=0 -- echo passed
is "$RC/$(out)" "111/$FAIL421" "read-only, new IPv6 client, FAILOPEN=0: 421"
is "$(err)" "jgreylist[P]: warning: $RO/ip6: unable to create directory: read-only file system" \
	"... LOG=0: only the warning"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.7 JGREYLIST_DIR="$RO" JGREYLIST= -- echo passed
is "$RC/$(out)" "0/passed" "read-only, whitelisted: passed, nothing to warn about"
is "$(tree "$RO")" "$before" "read-only: the tree is as it was"

# jgreylist-clean on the read-only tree
if [ -x "$JGCLEAN" ]; then
	out=$(timeout 60 "$JGCLEAN" -d 0 "$RO" 2>"$T/cerr")
	rc=$?
	is "$rc" 111 "jgreylist-clean, read-only tree: exit 111"
	is "$(sort "$T/cerr")" "jgreylist-clean: warning: $RO/ip4/192/000/002: unable to remove: read-only file system
jgreylist-clean: warning: $RO/ip4/198/051/100: unable to remove: read-only file system" \
		"... a warning for each entry it cannot remove"
	is "$out" "Removed        0 max_age entries
Removed        0 one-time entries
Kept           0 entries
Removed        0 empty directories" "... and counts what it did"
fi
umount "$RO"

# --- full: a tmpfs out of inodes -----------------------------------------------------
F=$T/full
mkdir "$F"
mount -t tmpfs -o size=64k,nr_inodes=16,mode=700 tmpfs "$F" || { echo "Bail out! cannot mount a tmpfs"; exit 1; }
jg '' TCPREMOTEIP=192.0.2.7 JGREYLIST_DIR="$F"
jg '' TCPREMOTEIP=198.51.100.1 JGREYLIST_DIR="$F"
age "$F/ip4/192/000/002" 1000
age "$F/ip4/198/051/100" 10
i=0
while touch "$F/fill.$i" 2>/dev/null; do i=$((i + 1)); done
ok "the tmpfs is full after $i more files" test "$i" -lt 16
a=$(atime "$F/ip4/192/000/002")
m=$(mtime "$F/ip4/192/000/002")
aage "$F/ip4/192/000/002" 500

jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.99 JGREYLIST_DIR="$F" JGREYLIST_FAILOPEN=0 -- echo passed
is "$RC/$(out)/$(err)" "0/passed/jgreylist[P]: 192.0.2.99: OK known" "full, known client: passed, no warning"
is "$(mtime "$F/ip4/192/000/002")" "$m" "full, known client: mtime kept"
ok "full, known client: atime updated to now" near "$(atime "$F/ip4/192/000/002")" "$(date +%s)"

jg 'RCPT TO:<a@b>\r\nQUIT\r\n' TCPREMOTEIP=198.51.100.1 JGREYLIST_DIR="$F" JGREYLIST_FAILOPEN=0
is "$RC/$(out)/$(err)" "0/$GREET
$GREY2
$Q221/jgreylist[P]: 198.51.100.1: GREY too soon" "full, client seen 10 s ago: greylisted as usual"

jg 'QUIT\r\n' TCPREMOTEIP=192.0.9.1 JGREYLIST_DIR="$F" -- echo passed
is "$RC/$(out)" "0/passed" "full, new client, FAILOPEN default: passed on"
is "$(err)" "jgreylist[P]: warning: $F/ip4/192/000/009: unable to create: out of disk space
jgreylist[P]: 192.0.9.1: OK fail-open" "... with a warning"

jg 'QUIT\r\n' TCPREMOTEIP=10.0.0.1 JGREYLIST_DIR="$F" JGREYLIST_FAILOPEN=0 -- echo passed
is "$RC/$(out)" "111/$FAIL421" "full, new client, FAILOPEN=0: 421 and exit 111"
is "$(err)" "jgreylist[P]: warning: $F/ip4/010: unable to create directory: out of disk space
jgreylist[P]: 10.0.0.1: DEFER fail-closed" "... the log"

# room again: business as usual
rm -f "$F"/fill.*
jg 'QUIT\r\n' TCPREMOTEIP=10.0.0.1 JGREYLIST_DIR="$F" JGREYLIST_FAILOPEN=0 -- echo passed
is "$RC/$(out)" "0/$GREET
$Q221" "room again: the new client is greylisted"
ok "... entry ip4/010/000/000" test -f "$F/ip4/010/000/000"
umount "$F"

done_testing
