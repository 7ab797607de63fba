#!/bin/sh
# jgreylist: settings and start-up errors (greylist spec 1.3, 1.8,
# section 4 items 1-4 and 8, with the issue's strict parsing): a garbled
# number is an error naming the variable (exit 100, nothing sent to the
# client, nothing written); unset or empty means the default; no program,
# no TCPREMOTEIP, no JGREYLIST_DIR; a directory that cannot be used passes
# the client on with a warning (JGREYLIST_FAILOPEN, default 1) or, with
# JGREYLIST_FAILOPEN=0, answers 421 and exits 111.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/grey.sh"

# --- usage ------------------------------------------------------------------------
env -i PATH="$PATH" TCPREMOTEIP=192.0.2.1 JGREYLIST_DIR="$GD" "$JG" </dev/null >"$T/out" 2>"$T/err"
is "$?" 100 "no program: exit 100"
is "$(cat "$T/out")" "" "no program: nothing to the client"
is "$(cat "$T/err")" "jgreylist: usage: jgreylist program [ arg ... ]" "no program: usage line"

jg 'QUIT\r\n'
is "$RC/$(out)" "100/" "TCPREMOTEIP unset: exit 100, nothing to the client"
is "$(err)" "jgreylist[P]: fatal: TCPREMOTEIP is empty or missing" "TCPREMOTEIP unset: message"
jg 'QUIT\r\n' TCPREMOTEIP=
is "$RC/$(err)" "100/jgreylist[P]: fatal: TCPREMOTEIP is empty or missing" "TCPREMOTEIP empty"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 NOENV_DIR
is "$RC/$(out)" "100/" "JGREYLIST_DIR unset: exit 100, nothing to the client"
is "$(err)" "jgreylist[P]: fatal: JGREYLIST_DIR is not set" "JGREYLIST_DIR unset: message"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_DIR=
is "$RC/$(err)" "100/jgreylist[P]: fatal: JGREYLIST_DIR is not set" "JGREYLIST_DIR empty"
is "$(tree "$GD")" "" "nothing written so far"

# --- strict numbers ---------------------------------------------------------------------
# want VAR: the "(want ...)" text of each variable
want() {
	case $1 in
	JGREYLIST_HOLDTIME|JGREYLIST_TIMEOUT) echo "a decimal number of seconds" ;;
	JGREYLIST_LIMIT) echo "a decimal number (0 = no limit)" ;;
	JGREYLIST_PREFIX4) echo "a prefix length 0-32" ;;
	JGREYLIST_PREFIX6) echo "a prefix length 0-128" ;;
	*) echo "a decimal number (0 = off)" ;;
	esac
}
for var in JGREYLIST_BY_IP JGREYLIST_HOLDTIME JGREYLIST_LOG JGREYLIST_LOG_PID \
	JGREYLIST_LOG_SMTP JGREYLIST_TIMEOUT JGREYLIST_LIMIT JGREYLIST_PREFIX4 \
	JGREYLIST_PREFIX6 JGREYLIST_FAILOPEN; do
	bad=
	for v in abc 10s -5 ' 5' '5 ' +5 0x10 1e3 99999999999999999999999; do
		jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 "$var=$v" -- echo passed
		[ "$RC" = 100 ] && [ -z "$(out)" ] &&
			[ "$(err)" = "jgreylist[P]: fatal: invalid $var: $v (want $(want "$var"))" ] ||
			bad="$bad [$v: $RC $(out) $(err)]"
	done
	is "$bad" "" "$var: garbled numbers are refused (exit 100, message, nothing to the client)"
done
is "$(tree "$GD")" "" "refused settings write nothing"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_LOG_PID=0 JGREYLIST_HOLDTIME=x
is "$(err)" "jgreylist: fatal: invalid JGREYLIST_HOLDTIME: x (want a decimal number of seconds)" \
	"LOG_PID=0 is used for the error message too"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST= JGREYLIST_LIMIT=x
is "$RC" 100 "a garbled number is refused even for a whitelisted client"

# ranges
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_PREFIX4=33
is "$RC/$(err)" "100/jgreylist[P]: fatal: invalid JGREYLIST_PREFIX4: 33 (want a prefix length 0-32)" "PREFIX4=33 refused"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_PREFIX6=129
is "$RC" 100 "PREFIX6=129 refused"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_HOLDTIME=4294967296
is "$RC" 100 "HOLDTIME=4294967296 refused"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_HOLDTIME=4294967295
is "$RC/$(out)" "0/$GREET" "HOLDTIME=4294967295 accepted"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_HOLDTIME=4294967295
is "$(err)" "jgreylist[P]: 192.0.2.1: GREY too soon" "... and an entry waits that long"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_TIMEOUT=999999 JGREYLIST_LIMIT=4294967295
is "$RC/$(out)" "0/$GREET" "TIMEOUT=999999 is clamped, not refused; LIMIT=4294967295 accepted"
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_LIMIT=4294967296
is "$RC" 100 "LIMIT=4294967296 refused"

# empty = default, 0 / non-zero switches
jg '' TCPREMOTEIP=192.0.2.1 JGREYLIST_LOG= JGREYLIST_LOG_PID= JGREYLIST_LOG_SMTP= \
	JGREYLIST_BY_IP= JGREYLIST_TIMEOUT= JGREYLIST_LIMIT= JGREYLIST_PREFIX4= \
	JGREYLIST_PREFIX6= JGREYLIST_FAILOPEN= JGREYLIST_NOREV=
is "$RC/$(out)/$(err)" "0/$GREET/jgreylist[P]: 192.0.2.1: GREY too soon" \
	"every variable empty: the defaults"
jg '' TCPREMOTEIP=192.0.3.1 JGREYLIST_BY_IP=2
is "$(err)" "jgreylist[P]: 192.0.3.1: GREY first time" "BY_IP=2 is on"
ok "... entry ip4/192/000/003/001" test -f "$GD/ip4/192/000/003/001"
jg '' TCPREMOTEIP=192.0.3.1 JGREYLIST_LOG=007 JGREYLIST_BY_IP=00001
is "$(err)" "jgreylist[P]: 192.0.3.1: GREY too soon" "leading zeros are fine (LOG=007, BY_IP=00001)"

# --- a directory that cannot be used ---------------------------------------------------
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_DIR="$T/missing" -- echo passed
is "$RC/$(out)" "0/passed" "missing directory, FAILOPEN default: the client is passed on"
is "$(err)" "jgreylist[P]: warning: $T/missing: unable to open: file does not exist
jgreylist[P]: 192.0.2.1: OK fail-open" "... with a warning"
ok "... and the directory is not created" test ! -e "$T/missing"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_DIR="$T/missing" JGREYLIST_FAILOPEN=1 JGREYLIST_LOG=0 -- echo passed
is "$(out)/$(err)" "passed/jgreylist[P]: warning: $T/missing: unable to open: file does not exist" \
	"FAILOPEN=1, LOG=0: passed on, the warning is still logged"

jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_DIR="$T/missing" JGREYLIST_FAILOPEN=0 -- echo passed
is "$(out)" "421 jgreylist v8 temporary failure, try again later.^M" \
	"missing directory, FAILOPEN=0: 421 to the client"
is "$RC" 111 "FAILOPEN=0: exit 111"
is "$(err)" "jgreylist[P]: warning: $T/missing: unable to open: file does not exist
jgreylist[P]: 192.0.2.1: DEFER fail-closed" "FAILOPEN=0: the log"

: >"$T/file"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_DIR="$T/file" JGREYLIST_FAILOPEN=0
is "$RC/$(out)" "111/421 jgreylist v8 temporary failure, try again later.^M" "a file as JGREYLIST_DIR: 421"
is "$(err | head -1)" "jgreylist[P]: warning: $T/file: unable to open: not a directory" "... the reason"

# a file where ip4/ should be: replaced (a tree made with other settings)
rm -rf "$GD"; mkdir -m 700 "$GD"
: >"$GD/ip4"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_FAILOPEN=0
is "$RC/$(out)" "0/$GREET
$Q221" "a file named ip4: replaced by the directory, client greylisted"
ok "... the entry is there" test -f "$GD/ip4/192/000/002"

# a symlink inside the tree is never followed
rm -rf "$GD"; mkdir -m 700 "$GD" "$T/elsewhere"
ln -s "$T/elsewhere" "$GD/ip4"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_FAILOPEN=0
is "$(ls "$T/elsewhere")" "" "a symlink ip4 -> elsewhere: nothing written elsewhere"
ok "... the entry is in a real ip4/ directory" test -f "$GD/ip4/192/000/002" -a ! -L "$GD/ip4"
rm -rf "$GD"; mkdir -m 700 "$GD"
mkdir -p "$GD/ip4/192/000"
: >"$T/target"
age "$T/target" 1000
ln -s "$T/target" "$GD/ip4/192/000/002"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 -- echo passed
is "$(out)" "$GREET
$Q221" "a symlink as the entry (to an old file): not a pass"
ok "... the target's mtime is untouched" near "$(mtime "$T/target")" "$(($(date +%s) - 1000))"
ok "... the target's atime is untouched" near "$(atime "$T/target")" "$(($(date +%s) - 1000))"

# the root directory given through a symlink is fine (only below it is checked)
rm -rf "$GD"; mkdir -m 700 "$GD"
ln -s "$GD" "$T/link"
jg 'QUIT\r\n' TCPREMOTEIP=192.0.2.1 JGREYLIST_DIR="$T/link"
is "$(out)" "$GREET
$Q221" "JGREYLIST_DIR may be a symlink"
ok "... the entry is in its target" test -f "$GD/ip4/192/000/002"

done_testing
