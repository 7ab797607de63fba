#!/bin/sh
# tcpserver6: the environment a child sees (spec 1.3, 2.1, section 6 items
# 12-17): PROTO, TCP* and TCP6* for IPv4, IPv6, v4-mapped and -6 clients,
# sockets for each host form, -l, ident (-r / -R, -t), program arguments.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"

# --- dual-stack socket (host 0) -------------------------------------------
ts_start dual -RHl Local 0 0 "$PRINTENV"
P=$PORT

got=$(tc 127.0.0.1 127.0.0.1 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP TCPLOCALHOST=Local TCPLOCALIP=127.0.0.1 \
	TCPLOCALPORT="$P" TCPREMOTEIP=127.0.0.1 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=::ffff:127.0.0.1 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=::ffff:127.0.0.1 TCP6REMOTEPORT="$C")" \
	"IPv4 client on the dual-stack socket"

got=$(tc 127.0.0.5 127.0.0.9 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP TCPLOCALHOST=Local TCPLOCALIP=127.0.0.9 \
	TCPLOCALPORT="$P" TCPREMOTEIP=127.0.0.5 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=::ffff:127.0.0.9 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=::ffff:127.0.0.5 TCP6REMOTEPORT="$C")" \
	"IPv4 client 127.0.0.5 to 127.0.0.9"

got=$(tc ::1 ::1 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP6 TCPLOCALHOST=Local TCPLOCALIP=::1 \
	TCPLOCALPORT="$P" TCPREMOTEIP=::1 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=::1 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=::1 TCP6REMOTEPORT="$C")" \
	"IPv6 client ::1"

got=$(tc 2001:db8::1 2001:db8:1::1 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP6 TCPLOCALHOST=Local TCPLOCALIP=2001:db8:1::1 \
	TCPLOCALPORT="$P" TCPREMOTEIP=2001:db8::1 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=2001:db8:1::1 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=2001:db8::1 TCP6REMOTEPORT="$C")" \
	"IPv6 client 2001:db8::1 to 2001:db8:1::1"

got=$(tc 2001:db8:ffff::9 2001:db8::2 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP6 TCPLOCALHOST=Local TCPLOCALIP=2001:db8::2 \
	TCPLOCALPORT="$P" TCPREMOTEIP=2001:db8:ffff::9 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=2001:db8::2 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=2001:db8:ffff::9 TCP6REMOTEPORT="$C")" \
	"IPv6 client 2001:db8:ffff::9 to 2001:db8::2"

# a client connecting to ::ffff:127.0.0.1 is an IPv4 client
got=$(tc "" ::ffff:127.0.0.1 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP TCPLOCALHOST=Local TCPLOCALIP=127.0.0.1 \
	TCPLOCALPORT="$P" TCPREMOTEIP=127.0.0.1 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=::ffff:127.0.0.1 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=::ffff:127.0.0.1 TCP6REMOTEPORT="$C")" \
	"v4-mapped client (::ffff:127.0.0.1) is IPv4"
ts_stop dual

# --- -6: IPv4 clients in IPv6 form ----------------------------------------
ts_start six -6 -RHl Local 0 0 "$PRINTENV"
P=$PORT
got=$(tc 127.0.0.1 127.0.0.1 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP6 TCPLOCALHOST=Local \
	TCPLOCALIP=::ffff:127.0.0.1 TCPLOCALPORT="$P" \
	TCPREMOTEIP=::ffff:127.0.0.1 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=::ffff:127.0.0.1 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=::ffff:127.0.0.1 TCP6REMOTEPORT="$C")" \
	"-6: IPv4 client gets PROTO=TCP6 and ::ffff: addresses"
got=$(tc "" ::ffff:127.0.0.1 "$P"); C=$(cat "$TC_CPORT")
is "$(echo "$got" | grep -E '^(PROTO|TCPREMOTEIP)=')" \
	"PROTO=TCP6
TCPREMOTEIP=::ffff:127.0.0.1" "-6: v4-mapped client likewise"
got=$(tc 2001:db8::1 2001:db8::2 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP6 TCPLOCALHOST=Local TCPLOCALIP=2001:db8::2 \
	TCPLOCALPORT="$P" TCPREMOTEIP=2001:db8::1 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=Local TCP6LOCALIP=2001:db8::2 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=2001:db8::1 TCP6REMOTEPORT="$C")" \
	"-6: IPv6 client unchanged"
ts_stop six

# --- sockets per host form ------------------------------------------------
ts_start v4lit -RHl0 127.0.0.1 0 "$PRINTENV"
P=$PORT
got=$(tc 127.0.0.1 127.0.0.1 "$P"); C=$(cat "$TC_CPORT")
is "$got" "$(env_want PROTO=TCP TCPLOCALHOST=0 TCPLOCALIP=127.0.0.1 \
	TCPLOCALPORT="$P" TCPREMOTEIP=127.0.0.1 TCPREMOTEPORT="$C" \
	TCP6LOCALHOST=0 TCP6LOCALIP=::ffff:127.0.0.1 TCP6LOCALPORT="$P" \
	TCP6REMOTEIP=::ffff:127.0.0.1 TCP6REMOTEPORT="$C")" \
	"host 127.0.0.1: IPv4 socket, same environment"
got=$(tc ::1 ::1 "$P" 2>/dev/null)
is "$?:$got" "111:" "host 127.0.0.1: IPv6 client refused"
got=$(tc "" 127.0.0.2 "$P" 2>/dev/null)
is "$?:$got" "111:" "host 127.0.0.1: other IPv4 address refused"
ts_stop v4lit

ts_start v6lit -RHl0 ::1 0 "$PRINTENV"
P=$PORT
got=$(tc ::1 ::1 "$P" | grep -E '^(PROTO|TCPLOCALIP|TCPREMOTEIP)=')
is "$got" "PROTO=TCP6
TCPLOCALIP=::1
TCPREMOTEIP=::1" "host ::1: IPv6 socket"
got=$(tc "" 127.0.0.1 "$P" 2>/dev/null)
is "$?:$got" "111:" "host ::1: IPv4 client refused"
ts_stop v6lit

ts_start v6lit2 -RHl0 2001:db8::2 0 "$PRINTENV"
P=$PORT
got=$(tc 2001:db8:1::1 2001:db8::2 "$P" | grep -E '^(TCPLOCALIP|TCPREMOTEIP)=')
is "$got" "TCPLOCALIP=2001:db8::2
TCPREMOTEIP=2001:db8:1::1" "host 2001:db8::2: bound to that address"
got=$(tc "" 2001:db8::1 "$P" 2>/dev/null)
is "$?:$got" "111:" "host 2001:db8::2: other IPv6 address refused"
ts_stop v6lit2

ts_start four -4 -RHl0 0 0 "$PRINTENV"
P=$PORT
got=$(tc 127.0.0.1 127.0.0.3 "$P" | grep -E '^(PROTO|TCPLOCALIP|TCP6LOCALIP)=')
is "$got" "PROTO=TCP
TCPLOCALIP=127.0.0.3
TCP6LOCALIP=::ffff:127.0.0.3" "-4: IPv4 socket on 0.0.0.0"
got=$(tc "" ::1 "$P" 2>/dev/null)
is "$?:$got" "111:" "-4: IPv6 client refused"
ts_stop four

# host "" is 0 (dual stack), like djb
ts_start empty -RHl0 "" 0 "$PRINTENV"
P=$PORT
got=$(tc ::1 ::1 "$P" | grep -E '^PROTO=')
is "$got" "PROTO=TCP6" "host '': IPv6 client accepted"
got=$(tc 127.0.0.1 127.0.0.1 "$P" | grep -E '^PROTO=')
is "$got" "PROTO=TCP" "host '': IPv4 client accepted"
ts_stop empty

# --- stale variables from the server's own environment --------------------
TCPREMOTEHOST=stale TCPREMOTEINFO=stale TCPLOCALHOST=stale \
TCP6REMOTEHOST=stale TCP6REMOTEINFO=stale TCP6LOCALHOST=stale \
	ts_start stale -RH 0 0 "$PRINTENV"
P=$PORT
got=$(tc 127.0.0.1 127.0.0.1 "$P" | grep -E '^TCP6?(LOCALHOST|REMOTEHOST|REMOTEINFO)=')
is "$got" "TCPLOCALHOST=unset
TCPREMOTEHOST=unset
TCPREMOTEINFO=unset
TCP6LOCALHOST=unset
TCP6REMOTEHOST=unset
TCP6REMOTEINFO=unset" "-H -R, no local name: stale TCP*HOST/INFO and TCP6 twins unset"
ts_stop stale
# spec 2.1: TCP6INTERFACE is set only for scoped IPv6 peers (Debian's
# tcpserver leaves a stale value alone)
TCP6INTERFACE=eth9 ts_start stale6 -RHl0 0 0 "$PRINTENV"
P=$PORT
got=$(tc 127.0.0.1 127.0.0.1 "$P" | grep '^TCP6INTERFACE=')
is "$got" "TCP6INTERFACE=unset" "stale TCP6INTERFACE unset (IPv4 client)"
got=$(tc ::1 ::1 "$P" | grep '^TCP6INTERFACE=')
is "$got" "TCP6INTERFACE=unset" "stale TCP6INTERFACE unset (unscoped IPv6 client)"
ts_stop stale6

# --- -l, option syntax, program and arguments -----------------------------
ts_start lopt -RH -l first -lsecond -- 127.0.0.1 0 sh -c 'echo "$TCPLOCALHOST|$0|$1|$2"' a 'b c'
got=$(tc "" 127.0.0.1 "$PORT")
is "$got" "second|a|b c|" "-l attached and detached, later wins, --, program arguments"
ts_stop lopt

PATH=$TOP/t/lib:$PATH ts_start path -RHl0 127.0.0.1 0 printenv-tcp.sh
got=$(tc "" 127.0.0.1 "$PORT" | grep '^PROTO=')
is "$got" "PROTO=TCP" "program found through \$PATH"
ts_stop path

# stdin and stdout of the child are the socket; stderr is the server's
ts_start echo -RHl0 127.0.0.1 0 sh -c 'read -r line; echo "got $line"; echo "to stderr" >&2'
got=$(tc_send "" 127.0.0.1 "$PORT" "hello
")
is "$got" "got hello" "child reads the client on fd 0, writes on fd 1"
ok "child's fd 2 is the server's stderr" wait_for "$T/echo.log" '^to stderr$' 5
ts_stop echo

# the child gets the connection on 0 and 1 and no other socket (not the
# listening one), no rules file, default signal handling
: >"$T/empty.cdb.in"; echo >>"$T/empty.cdb.in"
cdb -c "$T/empty.cdb" <"$T/empty.cdb.in"
ts_start fds -RHl0 -x "$T/empty.cdb" 127.0.0.1 0 sh -c \
	'for f in /proc/$$/fd/*; do echo "${f##*/} $(readlink "$f")"; done'
got=$(tc "" 127.0.0.1 "$PORT")
s0=$(echo "$got" | sed -n 's/^0 //p')
is "$(echo "$got" | grep -c 'socket:')" 2 "child: exactly two socket descriptors"
is "$(echo "$got" | sed -n 's/^1 //p')" "$s0" "child: fd 0 and fd 1 are the same socket"
is "$(echo "$got" | grep -c 'empty\.cdb')" 0 "child: rules file not left open"
ts_stop fds
ts_start sig -RHl0 127.0.0.1 0 grep -E '^Sig(Blk|Ign):' /proc/self/status
got=$(tc "" 127.0.0.1 "$PORT")
blk=$(echo "$got" | sed -n 's/^SigBlk:[[:space:]]*//p')
ign=$(echo "$got" | sed -n 's/^SigIgn:[[:space:]]*//p')
# bit 12 = SIGPIPE, bit 16 = SIGCHLD, bit 14 = SIGTERM
is "$(( 0x${blk:-ffff} & 0x15000 )):$(( 0x${ign:-ffff} & 0x15000 ))" "0:0" \
	"child: SIGPIPE, SIGCHLD, SIGTERM neither blocked nor ignored"
ts_stop sig

# --- ident (-r, the default) --------------------------------------------
identd_start 127.0.0.1 joe
identd_start ::1 joe
identd_start 127.0.0.2
identd_wait 127.0.0.1 ::1 127.0.0.2

ts_start ident -H -l0 -t 2 0 0 "$PRINTENV"
P=$PORT
got=$(tc 127.0.0.1 127.0.0.9 "$P" | grep -E '^TCP6?REMOTEINFO='); C=$(cat "$TC_CPORT")
is "$got" "TCPREMOTEINFO=joe
TCP6REMOTEINFO=joe" "ident answer after the third colon, blanks dropped"
is "$(cat "$T/identd.127.0.0.1")" "$C , $P$(printf '\r')" "ident request is 'REMOTEPORT , LOCALPORT' CRLF"
is "$(cat "$T/identd.127.0.0.1.from")" 127.0.0.9 "ident query sent from the connection's local address"
got=$(tc ::1 2001:db8::2 "$P" | grep -E '^TCP6?REMOTEINFO='); C=$(cat "$TC_CPORT")
is "$got" "TCPREMOTEINFO=joe
TCP6REMOTEINFO=joe" "ident over IPv6"
is "$(cat "$T/identd.::1")" "$C , $P$(printf '\r')" "ident request over IPv6"
is "$(cat "$T/identd.::1.from")" 2001:db8::2 "IPv6 ident query sent from the connection's local address"
got=$(tc 127.0.0.3 127.0.0.3 "$P" | grep -E '^TCP6?REMOTEINFO=')
is "$got" "TCPREMOTEINFO=unset
TCP6REMOTEINFO=unset" "no identd: TCPREMOTEINFO unset"
t0=$(now_ms)
got=$(tc 127.0.0.2 127.0.0.2 "$P" | grep -E '^TCP6?REMOTEINFO=')
t1=$(now_ms)
is "$got" "TCPREMOTEINFO=unset
TCP6REMOTEINFO=unset" "silent identd: TCPREMOTEINFO unset"
ok "silent identd: -t 2 ends the wait (took $((t1 - t0)) ms)" \
	test $((t1 - t0)) -ge 1500 -a $((t1 - t0)) -lt 4500
ts_stop ident
ts_start noident -R -H -l0 -t 2 0 0 "$PRINTENV"
got=$(tc 127.0.0.1 127.0.0.1 "$PORT" | grep -E '^TCPREMOTEINFO=')
is "$got" "TCPREMOTEINFO=unset" "-R: no ident query"
ts_stop noident

# --- banner ------------------------------------------------------------------
B=$(printf '220 a%%b\\c\r\n\tX')
B=${B%X}
ts_start banner -RHl0 -B "$B" 127.0.0.1 0 printf 'prog\n'
is "$(tc "" 127.0.0.1 "$PORT" | od -c)" "$(printf '220 a%%b\\c\r\n\tprog\n' | od -c)" \
	"-B: banner written verbatim, no CRLF added, before the program's output"
ts_stop banner

# --- link-local peers: -I, TCP6INTERFACE, no %scope in the addresses -----------
# two link-local addresses on one end of a veth pair inside the namespace
if ip link add sg0 type veth peer name sg1 2>/dev/null &&
	ip link set sg0 up && ip link set sg1 up &&
	ip addr add fe80::1/64 dev sg0 nodad && ip addr add fe80::2/64 dev sg0 nodad
then
	timeout 10 "$TCPSERVER" -RHl0 fe80::1 0 true >"$T/out" 2>"$T/err"
	is "$?:$(cat "$T/err")" "111:tcpserver: fatal: unable to bind: invalid argument" \
		"link-local address without -I: unable to bind"
	timeout "$TS_LIFE" /usr/bin/tcpserver -RHl0 -I sg0 fe80::2 113 sh -c \
		'IFS= read -r l; printf "%s : USERID : UNIX : ll\r\n" "${l%?}"' 2>/dev/null &
	echo $! >"$T/identll.pid"
	ts_start ll -Hl0 -t 5 -I sg0 fe80::1 0 "$PRINTENV"
	P=$PORT
	i=0
	until tcpclient -RHl0 -I sg0 fe80::2 113 true 2>/dev/null || [ $i -ge 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	got=$(timeout 15 tcpclient -RHl0 -I sg0 -i fe80::2 fe80::1 "$P" \
		sh -c 'echo "$TCPLOCALPORT" >"$1"; exec cat <&6' tc "$TC_CPORT")
	C=$(cat "$TC_CPORT")
	is "$got" "$(env_want PROTO=TCP6 TCPLOCALHOST=0 TCPLOCALIP=fe80::1 \
		TCPLOCALPORT="$P" TCPREMOTEIP=fe80::2 TCPREMOTEPORT="$C" \
		TCPREMOTEINFO=ll TCP6LOCALHOST=0 TCP6LOCALIP=fe80::1 \
		TCP6LOCALPORT="$P" TCP6REMOTEIP=fe80::2 TCP6REMOTEPORT="$C" \
		TCP6REMOTEINFO=ll TCP6INTERFACE=sg0)" \
		"-I sg0, link-local client: TCP6INTERFACE=sg0, no %scope, ident over the same scope"
	ts_stop ll
	ts_start lldual -RHl0 0 0 "$PRINTENV"
	got=$(timeout 15 tcpclient -RHl0 -I sg0 -i fe80::2 fe80::1 "$PORT" \
		sh -c 'exec cat <&6' | grep -E '^(TCPREMOTEIP|TCP6INTERFACE)=')
	is "$got" "TCPREMOTEIP=fe80::2
TCP6INTERFACE=sg0" "dual-stack socket, link-local client: TCP6INTERFACE=sg0"
	ts_stop lldual
else
	skip "no veth pair in this namespace: link-local tests"
	skip "no veth pair in this namespace: link-local tests"
	skip "no veth pair in this namespace: link-local tests"
fi

done_testing
