#!/bin/sh
# tcpserver6 log lines at -v (spec 1.2, 1.4, 2.1 "Logging quirks", section 6
# items 7, 8, 10, 24): status, pid, ok/deny with IPs in the TCPREMOTEIP form
# (not Fefe's ::ffff:), end with the raw wait status, field sanitising,
# verbosity options.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"

# lines NAME N: wait until the log of server NAME has N lines (5 s at most)
lines() {
	_i=0
	while [ "$(wc -l <"$T/$1.log")" -lt "$2" ] && [ $_i -lt 100 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
}
# conn NAME SRC DST: connect; the child prints its pid, which lands in $CP;
# the client's port in $C
conn() {
	CP=$(tc "$2" "$3" "$P" | head -n 1)
	C=$(cat "$TC_CPORT")
}

PIDPROG='echo $$'
ts_start v4 -v -RHl Local 0 0 sh -c "$PIDPROG"
P=$PORT
lines v4 1
is "$(cat "$T/v4.log")" "tcpserver: status: 0/40" "start: status 0/40 (default -c 40)"
conn v4 127.0.0.1 127.0.0.1
lines v4 6
is "$(cat "$T/v4.log")" "tcpserver: status: 0/40
tcpserver: status: 1/40
tcpserver: pid $CP from 127.0.0.1
tcpserver: ok $CP Local:127.0.0.1:$P :127.0.0.1::$C
tcpserver: end $CP status 0
tcpserver: status: 0/40" "IPv4 client: status, pid, ok, end, status"

: >"$T/v4.log"
conn v4 ::1 ::1
lines v4 5
is "$(cat "$T/v4.log")" "tcpserver: status: 1/40
tcpserver: pid $CP from ::1
tcpserver: ok $CP Local:::1:$P :::1::$C
tcpserver: end $CP status 0
tcpserver: status: 0/40" "IPv6 client ::1"

: >"$T/v4.log"
conn v4 2001:db8::1 2001:db8:1::1
lines v4 5
is "$(sed -n 2,3p "$T/v4.log")" "tcpserver: pid $CP from 2001:db8::1
tcpserver: ok $CP Local:2001:db8:1::1:$P :2001:db8::1::$C" "IPv6 client 2001:db8::1"

# spec item 24: dotted IPv4 in the ok line (Debian prints ::ffff:127.0.0.1)
: >"$T/v4.log"
conn v4 "" ::ffff:127.0.0.1
lines v4 5
is "$(sed -n 2,3p "$T/v4.log")" "tcpserver: pid $CP from 127.0.0.1
tcpserver: ok $CP Local:127.0.0.1:$P :127.0.0.1::$C" "v4-mapped client: dotted quads in pid and ok lines"
ts_stop v4

# bound to an IPv4 address: still dotted
ts_start v4only -v -RHl0 127.0.0.1 0 sh -c "$PIDPROG"
P=$PORT
conn v4only 127.0.0.1 127.0.0.1
lines v4only 6
is "$(sed -n 4p "$T/v4only.log")" "tcpserver: ok $CP 0:127.0.0.1:$P :127.0.0.1::$C" "IPv4 socket: dotted quads in the ok line"
ts_stop v4only

# -6: the ::ffff: form is the TCPREMOTEIP form
ts_start six -6 -v -RHl0 0 0 sh -c "$PIDPROG"
P=$PORT
conn six 127.0.0.1 127.0.0.1
lines six 6
is "$(sed -n 3,4p "$T/six.log")" "tcpserver: pid $CP from ::ffff:127.0.0.1
tcpserver: ok $CP 0:::ffff:127.0.0.1:$P :::ffff:127.0.0.1::$C" "-6: ::ffff: form in pid and ok lines"
ts_stop six

# --- deny and exit statuses -------------------------------------------------
rules "$T/r.cdb" <<'EOF'
127.0.0.2:deny
EOF
ts_start st -v -c 5 -RHl0 -x "$T/r.cdb" 0 0 sh -c 'echo $$; case $TCPREMOTEIP in 127.0.0.3) exit 111;; 127.0.0.4) kill -TERM $$;; esac; exit 0'
P=$PORT
lines st 1
is "$(cat "$T/st.log")" "tcpserver: status: 0/5" "-c 5: status 0/5"
: >"$T/st.log"
tc 127.0.0.2 127.0.0.1 "$P" >/dev/null
C=$(cat "$TC_CPORT")
lines st 5
DP=$(sed -n 's/^tcpserver: pid \([0-9]*\) from .*/\1/p' "$T/st.log")
is "$(cat "$T/st.log")" "tcpserver: status: 1/5
tcpserver: pid $DP from 127.0.0.2
tcpserver: deny $DP 0:127.0.0.1:$P :127.0.0.2::$C
tcpserver: end $DP status 25600
tcpserver: status: 0/5" "deny line, then end with raw status 25600 (exit 100)"
: >"$T/st.log"
conn st 127.0.0.3 127.0.0.1
lines st 5
is "$(sed -n 4p "$T/st.log")" "tcpserver: end $CP status 28416" "child exit 111: status 28416"
: >"$T/st.log"
conn st 127.0.0.4 127.0.0.1
lines st 5
is "$(sed -n 4p "$T/st.log")" "tcpserver: end $CP status 15" "child killed by SIGTERM: status 15"
ts_stop st

# --- fields: remote info, sanitising, 100-byte cap ----------------------------
identd_start 127.0.0.1 'x:y%z'
identd_start 127.0.0.2 joe
identd_wait 127.0.0.1 127.0.0.2
ts_start info -v -Hl0 -t 5 0 0 sh -c "$PIDPROG"
P=$PORT
conn info 127.0.0.2 127.0.0.1
lines info 6
is "$(sed -n 4p "$T/info.log")" "tcpserver: ok $CP 0:127.0.0.1:$P :127.0.0.2:joe:$C" "remote info in the ok line"
: >"$T/info.log"
conn info 127.0.0.1 127.0.0.1
lines info 5
# spec item 24 SHOULD: ':' in the host and info fields becomes '?' (Debian
# keeps it), '%' always does
is "$(sed -n 3p "$T/info.log")" "tcpserver: ok $CP 0:127.0.0.1:$P :127.0.0.1:x?y?z:$C" "info field: ':' and '%' become '?'"
ts_stop info

ts_start weird -v -RH -l "a b%c:d$(printf '\t\351')e" 127.0.0.1 0 sh -c "$PIDPROG"
P=$PORT
conn weird 127.0.0.1 127.0.0.1
lines weird 6
is "$(sed -n 4p "$T/weird.log")" "tcpserver: ok $CP a?b?c?d??e:127.0.0.1:$P :127.0.0.1::$C" "local host field: blanks, controls, 8-bit bytes, '%' and ':' become '?'"
ts_stop weird

x99=$(printf '%099d' 0 | tr 0 a)
ts_start l99 -v -RH -l "$x99" 127.0.0.1 0 sh -c "$PIDPROG"
P=$PORT
conn l99 127.0.0.1 127.0.0.1
lines l99 6
is "$(sed -n 4p "$T/l99.log")" "tcpserver: ok $CP $x99:127.0.0.1:$P :127.0.0.1::$C" "99-byte field kept whole"
ts_stop l99
ts_start l100 -v -RH -l "${x99}b" 127.0.0.1 0 sh -c "$PIDPROG"
P=$PORT
conn l100 127.0.0.1 127.0.0.1
lines l100 6
is "$(sed -n 4p "$T/l100.log")" "tcpserver: ok $CP ${x99}b...:127.0.0.1:$P :127.0.0.1::$C" "100-byte field: '...' appended (djb)"
ts_stop l100
ts_start l150 -v -RH -l "${x99}bcccccccccccccccccccccccccccccccccccccccccccccccccc" 127.0.0.1 0 \
	sh -c 'echo $$; echo "$TCPLOCALHOST"'
P=$PORT
out=$(tc 127.0.0.1 127.0.0.1 "$P"); C=$(cat "$TC_CPORT")
CP=$(echo "$out" | head -n 1)
lines l150 6
is "$(sed -n 4p "$T/l150.log")" "tcpserver: ok $CP ${x99}b...:127.0.0.1:$P :127.0.0.1::$C" "150-byte field cut at 100, '...' appended"
is "$(echo "$out" | sed -n 2p)" "${x99}bcccccccccccccccccccccccccccccccccccccccccccccccccc" "... while TCPLOCALHOST keeps it whole"
ts_stop l150

# --- verbosity ---------------------------------------------------------------
for opts in "" "-Q" "-q" "-v -Q" "-v -q"; do
	ts_start quiet $opts -RHl0 -x "$T/r.cdb" 127.0.0.1 0 sh -c "$PIDPROG"
	P=$PORT
	served=$(tc 127.0.0.1 127.0.0.1 "$P")
	tc 127.0.0.2 127.0.0.1 "$P" >/dev/null
	sleep 0.2
	ts_stop quiet
	is "$(cat "$T/quiet.log")${served:+served}" "served" "verbosity '${opts:-default}': no status/pid/ok/deny/end lines"
done
ts_start loud -q -Q -v -RHl0 127.0.0.1 0 sh -c "$PIDPROG"
P=$PORT
conn loud 127.0.0.1 127.0.0.1
lines loud 6
is "$(sed -n 3p "$T/loud.log")" "tcpserver: pid $CP from 127.0.0.1" "-q -Q -v: the last one wins"
ts_stop loud

done_testing
