#!/bin/sh
# tcpserver6 limits: -c (spec item 7: at the limit connections wait, none is
# refused) and the per-client limit beyond the anchors (spec section 7.1):
# -C n counts the clients of one prefix (IPv4 /32, IPv6 /64 by default,
# -m len4/len6), rules set MAXCONNIP and DIEMSG, the child sees TCPCONNNUM.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"

# hold NAME SRC DST: a client in the background whose connection the
# server keeps open until $REL exists; waits until it was greeted.
hold() {
	: >"$T/$1.out"
	TC_CPORT=$T/$1.cport tc "$2" "$3" "$P" >"$T/$1.out" &
	echo $! >"$T/$1.cpid"
	wait_for "$T/$1.out" '^hello' 10 || diag "client $1 got no greeting"
}
greeting() { head -n 1 "$T/$1.out"; }
# release: let every held child end, wait for their clients
release() {
	touch "$REL"
	for _c in "$@"; do
		wait "$(cat "$T/$_c.cpid")" 2>/dev/null
	done
}
# server NAME ARGS...: a -v server running $HOLD $REL; $REL, $P and $LOG set
server() {
	_n=$1; shift
	REL=$T/$_n.release
	ts_start "$_n" -v -RHl0 "$@" 0 0 "$HOLD" "$REL" "$_n"
	P=$PORT
	LOG=$T/$_n.log
}
# ends NAME N: wait until the log of server NAME has N "end" lines
ends() {
	_i=0
	while [ "$(grep -c '^tcpserver: end ' "$T/$1.log")" -lt "$2" ]; do
		[ $_i -ge 200 ] && return 1
		sleep 0.05; _i=$((_i + 1))
	done
}

# --- -c: accept() is deferred, nothing refused -----------------------------
server c1 -c 1
hold a 127.0.0.1 127.0.0.1
: >"$T/b.out"
TC_CPORT=$T/b.cport tc 127.0.0.2 127.0.0.1 "$P" >"$T/b.out" &
echo $! >"$T/b.cpid"
# give the server a chance to (wrongly) accept the second connection
sleep 1
is "$(cat "$T/b.out")" "" "-c 1: second connection not served while the first runs"
is "$(grep -c '^tcpserver: pid ' "$LOG")" 1 "-c 1: second connection not accepted yet"
ok "-c 1: status 1/1 logged" grep -qx 'tcpserver: status: 1/1' "$LOG"
release a b
is "$(cut -d' ' -f1,2 "$T/a.out")" "hello c1
bye" "-c 1: first client served"
is "$(cut -d' ' -f1,2 "$T/b.out")" "hello c1
bye" "-c 1: second client served after the first ended"
ok "-c 1: no deny line" sh -c "! grep -q '^tcpserver: deny' '$LOG'"
ts_stop c1

server c2 -c 2
hold a 127.0.0.1 127.0.0.1
hold b 127.0.0.1 127.0.0.1
ok "-c 2: two children run at once" grep -qx 'tcpserver: status: 2/2' "$LOG"
release a b
ts_stop c2

# --- -C: per-client limit, IPv4 /32 -----------------------------------------
server C1 -C 1
hold a 127.0.0.1 127.0.0.1
is "$(greeting a)" "hello C1 1" "-C 1: first client, TCPCONNNUM=1"
is "$(tc 127.0.0.1 127.0.0.1 "$P")" "" "-C 1: second connection from 127.0.0.1 closed, program not run"
ok "-C 1: deny line logged" wait_for "$LOG" '^tcpserver: deny [0-9]+ 0:127\.0\.0\.1:[0-9]+ :127\.0\.0\.1::[0-9]+$' 5
dpid=$(sed -n 's/^tcpserver: deny \([0-9]*\) .*/\1/p' "$LOG" | head -n 1)
ok "-C 1: denied child exits 100 (status 25600)" wait_for "$LOG" "^tcpserver: end $dpid status 25600\$" 5
hold c 127.0.0.2 127.0.0.1
is "$(greeting c)" "hello C1 1" "-C 1: 127.0.0.2 is another client"
hold d ::1 ::1
is "$(greeting d)" "hello C1 1" "-C 1: ::1 is another client"
release a c d
ends C1 4
is "$(tc 127.0.0.1 127.0.0.1 "$P" | head -n 1)" "hello C1 1" "-C 1: the count drops when the child ends"
ts_stop C1

server C2 -C 2
hold a 127.0.0.1 127.0.0.1
hold b 127.0.0.1 127.0.0.1
is "$(greeting a) / $(greeting b)" "hello C2 1 / hello C2 2" "-C 2: TCPCONNNUM counts the client's connections"
is "$(tc 127.0.0.1 127.0.0.1 "$P")" "" "-C 2: third connection denied"
is "$(tc "" ::ffff:127.0.0.1 "$P")" "" "-C 2: a v4-mapped client from 127.0.0.1 is the same client"
hold c 127.0.0.2 127.0.0.1
is "$(greeting c)" "hello C2 1" "-C 2: 127.0.0.2 counted apart"
release a b c
ts_stop C2

# --- IPv6 clients are grouped by /64 ---------------------------------------
server C6 -C 1
hold a 2001:db8::1 ::1
is "$(greeting a)" "hello C6 1" "/64: 2001:db8::1 served"
is "$(tc 2001:db8::2 ::1 "$P")" "" "/64: 2001:db8::2 shares 2001:db8::/64, denied"
hold b 2001:db8:1::1 ::1
is "$(greeting b)" "hello C6 1" "/64: 2001:db8:1::1 is another /64"
hold c 2001:db8:ffff::9 ::1
is "$(greeting c)" "hello C6 1" "/64: 2001:db8:ffff::9 is another /64"
release a b c
ts_stop C6

# --- -m len4/len6 -------------------------------------------------------------
server m1 -C 1 -m 24/128
hold a 127.0.0.1 127.0.0.1
hold b 2001:db8::1 ::1
is "$(tc 127.0.0.2 127.0.0.1 "$P")" "" "-m 24/128: 127.0.0.2 shares 127.0.0.0/24"
hold c 127.0.1.1 127.0.0.1
is "$(greeting c)" "hello m1 1" "-m 24/128: 127.0.1.1 is another /24"
hold d 2001:db8::2 ::1
is "$(greeting d)" "hello m1 1" "-m 24/128: 2001:db8::2 is another /128"
release a b c d
ts_stop m1

server m2 -C 1 -m 32/32
hold a 2001:db8::1 ::1
hold b 127.0.0.1 127.0.0.1
is "$(tc 2001:db8:ffff::9 ::1 "$P")" "" "-m 32/32: 2001:db8:ffff::9 shares 2001:db8::/32"
hold c 127.0.0.2 127.0.0.1
is "$(greeting c)" "hello m2 1" "-m 32/32: 127.0.0.2 is another /32"
release a b c
ts_stop m2

# --- MAXCONNIP and DIEMSG from the rules -------------------------------------
rules "$T/r.cdb" <<'EOF'
127.0.0.1:allow,MAXCONNIP="1",DIEMSG="421 busy, try later"
127.0.0.2:allow,MAXCONNIP="3"
127.0.0.3:allow,MAXCONNIP="0"
127.0.0.4:allow,DIEMSG="450 full"
EOF
server rule -x "$T/r.cdb"
hold a 127.0.0.1 127.0.0.1
is "$(tc 127.0.0.1 127.0.0.1 "$P" | od -c)" "$(printf '421 busy, try later\r\n' | od -c)" "MAXCONNIP=1 without -C: DIEMSG and CRLF sent, then closed"
hold b 127.0.0.5 127.0.0.1
hold c 127.0.0.5 127.0.0.1
is "$(greeting c)" "hello rule 2" "no -C, no MAXCONNIP: no limit"
release a b c
ts_stop rule

server ruleC -C 1 -x "$T/r.cdb"
hold a 127.0.0.2 127.0.0.1
hold b 127.0.0.2 127.0.0.1
hold c 127.0.0.2 127.0.0.1
is "$(greeting c)" "hello ruleC 3" "MAXCONNIP=3 raises -C 1"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" "" "MAXCONNIP=3: the fourth is denied (no DIEMSG: nothing sent)"
hold d 127.0.0.3 127.0.0.1
hold e 127.0.0.3 127.0.0.1
is "$(greeting e)" "hello ruleC 2" "MAXCONNIP=0: no limit despite -C 1"
hold f 127.0.0.4 127.0.0.1
is "$(greeting f)" "hello ruleC 1" "DIEMSG alone: client served while under -C"
is "$(tc 127.0.0.4 127.0.0.1 "$P" | od -c)" "$(printf '450 full\r\n' | od -c)" "DIEMSG with -C 1"
release a b c d e f
ts_stop ruleC

# a rule's deny wins: no DIEMSG for a denied client
rules "$T/r.cdb" <<'EOF'
127.0.0.1:deny,DIEMSG="421 no"
EOF
server ruledeny -C 1 -x "$T/r.cdb"
is "$(tc 127.0.0.1 127.0.0.1 "$P")" "" "rule deny: no DIEMSG"
ts_stop ruledeny

done_testing
