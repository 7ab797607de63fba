#!/bin/sh
# tcpserver6 failures a user can provoke (spec 1.1, 1.3 "Drop", section 6
# items 1, 3-6, 9, 20, 25): usage, fatal messages and exit codes, uid/gid,
# -1, SIGTERM, dropped connections (missing rules, unable to run).
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"

# run ARGS...: run the server to completion (10 s at most); stdout in $out,
# stderr in $err, exit code in $rc
run() {
	timeout 10 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# --- usage -------------------------------------------------------------------
run "$TCPSERVER"
is "$rc:$out:$err" "100::$USAGE" "no arguments: usage, exit 100"
run "$TCPSERVER" 0 0
is "$rc:$err" "100:$USAGE" "no program: usage, exit 100"
run "$TCPSERVER" -v 0
is "$rc:$err" "100:$USAGE" "no port: usage, exit 100"
run "$TCPSERVER" -Z 0 0 true
is "$rc:$err" "100:tcpserver: illegal option -- Z
$USAGE" "unknown option: illegal option, usage, exit 100"
run "$TCPSERVER" -j 0 0 true
is "$rc:$err" "100:tcpserver: illegal option -- j
$USAGE" "-j (in Fefe's man page only) is illegal"
run "$TCPSERVER" -c
is "$rc:$err" "100:tcpserver: option requires an argument -- c
$USAGE" "option without its argument: usage, exit 100"
run "$TCPSERVER" -q -Z 0 0 true
is "$rc:$err" "100:tcpserver: illegal option -- Z
$USAGE" "option errors are printed even with -q (during option parsing)"
run "$TCPSERVER" -q 0 0
is "$rc:$out:$err" "100::" "-q: a missing argument after the options exits 100 silently"

for bad in "-m 33/64" "-m 24/129" "-m abc" "-m 24/" "-C abc" "-C 1x"; do
	run "$TCPSERVER" $bad 127.0.0.1 0 true
	is "$rc:$err" "100:$USAGE" "invalid $bad: usage, exit 100"
done

# --- fatal errors --------------------------------------------------------------
run "$TCPSERVER" 127.0.0.1 nosuchport true
is "$rc:$err" "111:tcpserver: fatal: unable to figure out port number for nosuchport" \
	"unknown port name: exit 111"
run "$TCPSERVER" 127.0.0.1 -5 true
is "$rc:$err" "111:tcpserver: fatal: unable to figure out port number for -5" \
	"negative port: exit 111"

ts_start smtp -RHl0 127.0.0.1 smtp sh -c 'echo "$TCPLOCALPORT"'
is "$PORT" 25 "port given as a service name (smtp = 25); -1 prints it"
is "$(tc "" 127.0.0.1 25)" 25 "... and the server answers there"
ts_stop smtp

ts_start first -RHl0 127.0.0.1 0 sh -c 'echo "$TCPLOCALPORT"'
P=$PORT
case $P in
[1-9]*[!0-9]*|[!1-9]*) is "$P" N "-1 prints a decimal port" ;;
*) ok "-1 prints a decimal port" true ;;
esac
is "$(tc "" 127.0.0.1 "$P")" "$P" "-1 prints the port the server listens on"
run "$TCPSERVER" 127.0.0.1 "$P" true
is "$rc:$out:$err" "111::tcpserver: fatal: unable to bind: address already used" \
	"port in use: exit 111"
run "$TCPSERVER" 0 "$P" true
is "$rc:$err" "111:tcpserver: fatal: unable to bind: address already used" \
	"port in use on 127.0.0.1, dual-stack 0: exit 111"
run "$TCPSERVER" -q 127.0.0.1 "$P" true
is "$rc:$out:$err" "111::" "-q: no fatal message, still exit 111"
ts_stop first
ts_start fixed -RHl0 127.0.0.1 "$P" true
is "$PORT" "$P" "-1 with a fixed port prints that port"
ts_stop fixed

run "$TCPSERVER" 192.0.2.1 0 true
is "$rc:$err" "111:tcpserver: fatal: unable to bind: address not available" \
	"IPv4 address not on this host: exit 111"
run "$TCPSERVER" 2001:db8::99 0 true
is "$rc:$err" "111:tcpserver: fatal: unable to bind: address not available" \
	"IPv6 address not on this host: exit 111"

# -1 is printed, then stdout is closed: a reader of it sees end of file while
# the server keeps running
(
	"$TCPSERVER" -1 127.0.0.1 0 true 2>/dev/null &
	echo $! >"$T/closed.pid"
) | timeout 5 cat >"$T/closed.out"
is "$?:$(cat "$T/closed.out" | sed 's/[0-9][0-9]*/N/')" "0:N" "stdout closed after the -1 line"
ok "... while the server keeps running" kill -0 "$(cat "$T/closed.pid")"
ts_stop closed

# --- uid / gid ---------------------------------------------------------------
run $NOBODY "$TCPSERVER" -u 1 127.0.0.1 0 true
is "$rc:$out:$err" "111::tcpserver: fatal: unable to set uid: permission denied" \
	"-u 1 as non-root: exit 111"
run $NOBODY "$TCPSERVER" -g 2 127.0.0.1 0 true
is "$rc:$err" "111:tcpserver: fatal: unable to set gid: permission denied" \
	"-g 2 as non-root: exit 111"
run $NOBODY "$TCPSERVER" -u 1 -g 2 127.0.0.1 0 true
is "$rc:$err" "111:tcpserver: fatal: unable to set gid: permission denied" \
	"-u 1 -g 2 as non-root: gid first"
run $NOBODY env UID=1 "$TCPSERVER" -U 127.0.0.1 0 true
is "$rc:$err" "111:tcpserver: fatal: unable to set uid: permission denied" \
	"-U with UID=1 as non-root: exit 111"
run $NOBODY env GID=2 "$TCPSERVER" -U 127.0.0.1 0 true
is "$rc:$err" "111:tcpserver: fatal: unable to set gid: permission denied" \
	"-U with GID=2 as non-root: exit 111"
# uid/gid 0 mean "do not change": a non-root server runs
$NOBODY env UID=0 GID=0 "$TCPSERVER" -1 -U -RHl0 127.0.0.1 0 sh -c 'id -u' \
	>"$T/z.port" 2>"$T/z.log" &
echo $! >"$T/z.pid"
wait_for "$T/z.port" '^[0-9]+$' 5
is "$(tc "" 127.0.0.1 "$(cat "$T/z.port")")" 65534 "-U with UID=0 GID=0: no change"
ts_stop z

IDS='echo "$(id -u) $(id -g) $(id -G)"'
ts_start ug -RHl0 -u 65534 -g 65533 127.0.0.1 0 sh -c "$IDS"
is "$(tc "" 127.0.0.1 "$PORT")" "65534 65533 65533" "-u/-g as root: uid, gid and the only group"
ts_stop ug
UID=65532 GID=65531 ts_start U -RHl0 -U 127.0.0.1 0 sh -c "$IDS"
is "$(tc "" 127.0.0.1 "$PORT")" "65532 65531 65531" "-U reads \$UID and \$GID"
ts_stop U
UID=65532 GID=65531 ts_start Uu -RHl0 -U -u 65534 127.0.0.1 0 sh -c "$IDS"
is "$(tc "" 127.0.0.1 "$PORT")" "65534 65531 65531" "later -u overrides -U"
ts_stop Uu

# --- dropped connections --------------------------------------------------
ts_start norun -v -RHl0 127.0.0.1 0 "$T/no/such/prog"
is "$(tc "" 127.0.0.1 "$PORT")" "" "unable to run: connection closed"
ok "unable to run: warning" wait_for "$T/norun.log" \
	"^tcpserver: warning: dropping connection, unable to run $T/no/such/prog: file does not exist\$" 5
ok "unable to run: child exit 111 (status 28416)" wait_for "$T/norun.log" \
	'^tcpserver: end [0-9]+ status 28416$' 5
ts_stop norun

printf '#!/bin/sh\necho hi\n' >"$T/noexec"
chmod 644 "$T/noexec"
ts_start noexec -RHl0 127.0.0.1 0 "$T/noexec"
is "$(tc "" 127.0.0.1 "$PORT")" "" "not executable: connection closed"
ok "not executable: warning at default verbosity" wait_for "$T/noexec.log" \
	"^tcpserver: warning: dropping connection, unable to run $T/noexec: access denied\$" 5
ts_stop noexec

ts_start nopath -RHl0 127.0.0.1 0 no-such-program-sixgate
tc "" 127.0.0.1 "$PORT" >/dev/null
ok "program not in \$PATH: warning" wait_for "$T/nopath.log" \
	'^tcpserver: warning: dropping connection, unable to run no-such-program-sixgate: file does not exist$' 5
ts_stop nopath

ts_start nocdb -v -B 'hi ' -RHl0 -x "$T/missing.cdb" 127.0.0.1 0 echo prog
is "$(tc "" 127.0.0.1 "$PORT")" "hi " "missing cdb without -X: banner, then closed"
ok "missing cdb without -X: warning" wait_for "$T/nocdb.log" \
	"^tcpserver: warning: dropping connection, unable to read $T/missing.cdb: file does not exist\$" 5
ok "missing cdb without -X: child exit 111 (status 28416)" wait_for "$T/nocdb.log" \
	'^tcpserver: end [0-9]+ status 28416$' 5
ok "missing cdb without -X: no ok/deny line" sh -c "! grep -Eq '^tcpserver: (ok|deny) ' '$T/nocdb.log'"
ts_stop nocdb

ts_start nocdbq -q -RHl0 -x "$T/missing.cdb" 127.0.0.1 0 echo prog
is "$(tc "" 127.0.0.1 "$PORT")" "" "missing cdb, -q: closed"
ts_stop nocdbq
is "$(cat "$T/nocdbq.log")" "" "missing cdb, -q: no warning"

ts_start nocdbX -RHl0 -X -x "$T/missing.cdb" 127.0.0.1 0 echo prog
is "$(tc "" 127.0.0.1 "$PORT")" "prog" "missing cdb with -X: no rules"
ts_stop nocdbX
is "$(cat "$T/nocdbX.log")" "" "missing cdb with -X: no warning"

mkdir "$T/dir.cdb"
ts_start dircdb -RHl0 -X -x "$T/dir.cdb" 127.0.0.1 0 echo prog
is "$(tc "" 127.0.0.1 "$PORT")" "" "unreadable cdb with -X: dropped (only ENOENT is forgiven)"
ok "unreadable cdb with -X: warning" wait_for "$T/dircdb.log" \
	"^tcpserver: warning: dropping connection, unable to read $T/dir.cdb: " 5
ts_stop dircdb

# --- SIGTERM ---------------------------------------------------------------
# Run the server directly (no timeout(1) wrapper): it gets the signal itself.
"$TCPSERVER" -1 -v -RHl0 127.0.0.1 0 "$HOLD" "$T/term.release" term \
	>"$T/term.port" 2>"$T/term.log" &
spid=$!
echo $spid >"$T/term.pid"
wait_for "$T/term.port" '^[0-9]+$' 5
P=$(cat "$T/term.port")
: >"$T/held.out"
tc "" 127.0.0.1 "$P" >"$T/held.out" &
cpid=$!
wait_for "$T/held.out" '^hello' 5
kill -TERM $spid
wait $spid
is "$?" 0 "SIGTERM: the server exits 0"
rm -f "$T/term.pid"
touch "$T/term.release"
wait $cpid
is "$(cut -d' ' -f1,2 "$T/held.out")" "hello term
bye" "SIGTERM: the running child is not killed"
is "$(tc "" 127.0.0.1 "$P" 2>/dev/null)" "" "SIGTERM: nothing listens any more"

done_testing
