# tcpserver.sh: shared helpers for the t/tcpserver6-*.t integration tests.
# Source after tap.sh and netns.sh (inside the namespace):
#   . "$TOP/t/lib/tcpserver.sh"
#
#   $TCPSERVER           the server under test (default $BIN/tcpserver6;
#                        TCPSERVER6=/usr/bin/tcpserver runs the tests against
#                        Debian's to check the tests themselves)
#   $TCPRULES            rules compiler (default $BIN/tcprules6; TCPRULES6=)
#   $PRINTENV            child printing PROTO and the TCP* / TCP6* variables
#   $HOLD                child that answers, then waits for a release file
#   ts_start NAME ARGS   start "$TCPSERVER -1 ARGS" in the background; its
#                        port is in $PORT and $T/NAME.port, its stderr in
#                        $T/NAME.log, its pid in $T/NAME.pid
#   ts_stop NAME         SIGTERM the server NAME (and its process group);
#                        a sanitizer report in its log is a failed test
#   tc SRC HOST PORT     connect with Debian's tcpclient from address SRC
#                        ("" = any), copy what the server sends to stdout;
#                        the client's own port is written to $TC_CPORT
#   wait_for FILE ERE [SECONDS]   poll until a line of FILE matches
#   tc_send SRC HOST PORT TEXT   the same, sending TEXT to the server first
#   env_want VAR=VALUE...  the output $PRINTENV gives for these values
#                        (every variable not named: "unset")
#   identd_start ADDR [USER]  fake identd (Debian's tcpserver) on ADDR
#                        port 113: records the request line (the CR kept,
#                        the LF dropped) in $T/identd.ADDR, the address
#                        asking in $T/identd.ADDR.from, and answers
#                        "REQUEST : USERID : UNIX : USER" with USER spread
#                        out by spaces; without USER it never answers
#   identd_wait ADDR...  wait until those identds accept connections
#   rules FILE.cdb       compile the rules on stdin with $TCPRULES
#   skip REASON          count a skipped test
#   now_ms               milliseconds since the epoch

TCPSERVER=${TCPSERVER6:-$BIN/tcpserver6}
TCPRULES=${TCPRULES6:-$BIN/tcprules6}
PRINTENV=$TOP/t/lib/printenv-tcp.sh
HOLD=$TOP/t/lib/hold-tcp.sh
TC_CPORT=$T/cport
# the longest a server may live: a broken one never outlives the test
TS_LIFE=${TS_LIFE:-300}
USAGE='tcpserver: usage: tcpserver [ -461UXpPhHrRoOdDqQv ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] [ -I interface ] host port program'

if [ ! -x "$TCPSERVER" ]; then
	echo "Bail out! $TCPSERVER not built"
	exit 1
fi

# Nothing answers DNS inside the namespace unless a test starts a server
# there: lookups fail at once instead of waiting for an unreachable one.
DNSCACHEIP=127.0.0.1
export DNSCACHEIP

trap 'ts_cleanup; rm -rf "$T"' EXIT

ts_cleanup() {
	for _pf in "$T"/*.pid; do
		[ -f "$_pf" ] || continue
		_pid=$(cat "$_pf")
		kill -TERM "$_pid" 2>/dev/null
	done
	return 0
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

wait_for() {
	_wf_n=$(( ${3:-10} * 20 ))
	while [ "$_wf_n" -gt 0 ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		_wf_n=$((_wf_n - 1))
	done
	return 1
}

# ts_start NAME ARGS...: the server runs under timeout(1), which puts it in
# a process group of its own; ts_stop signals that group.
ts_start() {
	_ts_name=$1; shift
	: >"$T/$_ts_name.log"
	: >"$T/$_ts_name.port"
	timeout "$TS_LIFE" "$TCPSERVER" -1 "$@" \
		>"$T/$_ts_name.port" 2>"$T/$_ts_name.log" &
	echo $! >"$T/$_ts_name.pid"
	PORT=
	if ! wait_for "$T/$_ts_name.port" '^[0-9]+$' 10; then
		diag "server $_ts_name did not start:"
		sed 's/^/#   /' "$T/$_ts_name.log"
		return 1
	fi
	PORT=$(cat "$T/$_ts_name.port")
}

ts_stop() {
	[ -f "$T/$1.pid" ] || return 0
	kill -TERM "$(cat "$T/$1.pid")" 2>/dev/null
	wait "$(cat "$T/$1.pid")" 2>/dev/null
	rm -f "$T/$1.pid"
	# under SANITIZE=1 a report lands in the log: make it a failure
	if grep -Eq 'Sanitizer|runtime error:' "$T/$1.log" 2>/dev/null; then
		is "$(grep -E 'Sanitizer|runtime error:' "$T/$1.log")" "" \
			"server $1: no sanitizer report"
	fi
	return 0
}

tc() {
	_tc_src=$1 _tc_host=$2 _tc_port=$3
	shift 3
	timeout "${TC_TIMEOUT:-15}" tcpclient -RHl0 -T5 ${_tc_src:+-i "$_tc_src"} \
		"$_tc_host" "$_tc_port" \
		sh -c 'echo "$TCPLOCALPORT" >"$1"; exec cat <&6' tc "$TC_CPORT"
}

# tc_send SRC HOST PORT TEXT: like tc, but writes TEXT to the server first
# (and keeps the connection open until the server closes it).
tc_send() {
	_tc_src=$1 _tc_host=$2 _tc_port=$3 _tc_text=$4
	timeout "${TC_TIMEOUT:-15}" tcpclient -RHl0 -T5 ${_tc_src:+-i "$_tc_src"} \
		"$_tc_host" "$_tc_port" \
		sh -c 'echo "$TCPLOCALPORT" >"$1"; printf "%s" "$2" >&7; exec cat <&6' \
		tc "$TC_CPORT" "$_tc_text"
}

rules() {
	"$TCPRULES" "$1" "$1.tmp"
}

# the expected output of $PRINTENV, one VAR=value per argument, for the
# variables given; unlisted ones are "unset"
env_want() {
	for _v in PROTO TCPLOCALHOST TCPLOCALIP TCPLOCALPORT TCPREMOTEHOST \
		TCPREMOTEIP TCPREMOTEPORT TCPREMOTEINFO TCP6LOCALHOST TCP6LOCALIP \
		TCP6LOCALPORT TCP6REMOTEHOST TCP6REMOTEIP TCP6REMOTEPORT \
		TCP6REMOTEINFO TCP6INTERFACE; do
		_val=unset
		for _a in "$@"; do
			case $_a in "$_v="*) _val=${_a#*=} ;; esac
		done
		echo "$_v=$_val"
	done
}

identd_start() {
	rm -f "$T/identd.$1" "$T/identd.$1.from"
	if [ -n "${2-}" ]; then
		_u=$(echo "$2" | sed 's/./& /g')
		timeout "$TS_LIFE" /usr/bin/tcpserver -RHl0 "$1" 113 sh -c \
			'IFS= read -r l; printf "%s" "$l" >"$0"; printf "%s" "$TCPREMOTEIP" >"$0.from"; printf "%s : USERID : UNIX : %s\r\n" "${l%?}" "$1"' \
			"$T/identd.$1" "$_u" 2>/dev/null &
	else
		timeout "$TS_LIFE" /usr/bin/tcpserver -RHl0 "$1" 113 sleep 60 2>/dev/null &
	fi
	echo $! >"$T/identd.$1.pid"
}

identd_wait() {
	for _a in "$@"; do
		_i=0
		until tcpclient -RHl0 "$_a" 113 true 2>/dev/null; do
			[ $_i -ge 100 ] && { diag "identd on $_a did not start"; return 1; }
			sleep 0.05; _i=$((_i + 1))
		done
	done
}
