#!/bin/sh
# tcpserver6 and DNS (spec 1.3 steps 6-9, section 6 items 16 and 19, 21):
# TCPREMOTEHOST / TCPLOCALHOST from PTR names served by a private nsd,
# lowercasing and djb's \ooo form, -p paranoia, -H/-l skipping lookups,
# host rules, $DNSCACHEIP forms, the host argument given as a name, and a
# server that never answers bounded by -t.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"
. "$TOP/t/lib/nsd.sh"

mkdir "$T/zones"
soa='@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60
@ IN NS ns.test.'
cat >"$T/zones/127.in-addr.arpa.zone" <<EOF
\$TTL 60
$soa
1.0.0 IN PTR good.test.
2.0.0 IN PTR bad.test.
3.0.0 IN PTR Mixed.Case.TEST.
4.0.0 IN PTR a\\032b\\.c.test.
5.0.0 IN PTR both.test.
9.0.0 IN PTR local.test.
EOF
# rev6 HEX32: the ip6.arpa name of an address written as 32 hex digits
rev6() {
	echo "$1" | awk '{ for (i = length($0); i > 0; i--) printf "%s.", substr($0, i, 1); print "ip6.arpa." }'
}
cat >"$T/zones/8.b.d.0.1.0.0.2.ip6.arpa.zone" <<EOF
\$TTL 60
$soa
$(rev6 20010db8000000000000000000000001) IN PTR six.test.
$(rev6 20010db8000000000000000000000002) IN PTR six.test.
$(rev6 20010db8ffff00000000000000000009) IN PTR both.test.
EOF
cat >"$T/zones/test.zone" <<EOF
\$TTL 60
$soa
ns IN A 127.0.0.1
good IN A 127.0.0.1
bad IN A 127.0.0.99
mixed.case IN A 127.0.0.3
a\\032b\\.c IN A 127.0.0.4
six IN AAAA 2001:db8::1
both IN A 127.0.0.5
both IN AAAA 2001:db8:ffff::9
srv IN A 127.0.0.7
srv6 IN AAAA 2001:db8::2
EOF
if ! nsd_start "$T/nsd" "$T/zones/127.in-addr.arpa.zone" \
	"$T/zones/8.b.d.0.1.0.0.2.ip6.arpa.zone" "$T/zones/test.zone"; then
	echo "Bail out! nsd does not start"
	exit 1
fi
# nsd.sh replaced the exit trap: stop the servers too
trap '_nsd_stop_all; ts_cleanup; rm -rf "$T"' EXIT

DNSCACHEIP=127.0.0.1
export DNSCACHEIP
HOSTS='echo "TCPLOCALHOST=${TCPLOCALHOST-unset} TCPREMOTEHOST=${TCPREMOTEHOST-unset} TCP6LOCALHOST=${TCP6LOCALHOST-unset} TCP6REMOTEHOST=${TCP6REMOTEHOST-unset}"'
REMOTE='printf "%s\n" "${TCPREMOTEHOST-unset}"'

# --- PTR names ----------------------------------------------------------------
ts_start ptr -R -l0 0 0 sh -c "$HOSTS"
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" "TCPLOCALHOST=0 TCPREMOTEHOST=good.test TCP6LOCALHOST=0 TCP6REMOTEHOST=good.test" \
	"PTR of an IPv4 client: TCPREMOTEHOST and TCP6REMOTEHOST"
ts_stop ptr
ts_start ptr -R -l0 0 0 sh -c "$REMOTE"
P=$PORT
is "$(tc 127.0.0.3 127.0.0.1 "$P")" "mixed.case.test" "PTR name lowercased"
is "$(tc 127.0.0.4 127.0.0.1 "$P")" 'a\040b\056c.test' "odd bytes in a label as \\ooo"
is "$(tc 127.0.0.6 127.0.0.1 "$P")" unset "no PTR record: unset"
is "$(tc "" ::ffff:127.0.0.1 "$P")" good.test "v4-mapped client: in-addr.arpa"
is "$(tc 2001:db8::1 ::1 "$P")" six.test "IPv6 client: ip6.arpa"
is "$(tc 2001:db8::2 ::1 "$P")" six.test "IPv6 client 2001:db8::2 (name without a matching AAAA)"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" bad.test "without -p: a name that does not point back is kept"
ts_stop ptr

ts_start six -6 -R -l0 0 0 sh -c "$REMOTE"
is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" good.test "-6: IPv4 client still asks in-addr.arpa"
ts_stop six

# --- -p -------------------------------------------------------------------------
ts_start para -p -R -l0 0 0 sh -c "$REMOTE"
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" good.test "-p: good.test has A 127.0.0.1, kept"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" unset "-p: bad.test points elsewhere, unset"
is "$(tc 127.0.0.3 127.0.0.1 "$P")" mixed.case.test "-p: forward lookup of the lowercased name"
is "$(tc 127.0.0.5 127.0.0.1 "$P")" both.test "-p: IPv4 client matched among A and AAAA"
is "$(tc 2001:db8::1 ::1 "$P")" six.test "-p: IPv6 client matched by AAAA"
is "$(tc 2001:db8::2 ::1 "$P")" unset "-p: IPv6 client without its AAAA, unset"
is "$(tc 2001:db8:ffff::9 ::1 "$P")" both.test "-p: IPv6 client matched among A and AAAA"
is "$(tc 127.0.0.4 127.0.0.1 "$P")" 'a\040b\056c.test' "-p: forward lookup of a name with odd bytes"
is "$(tc 127.0.0.6 127.0.0.1 "$P")" unset "-p: no PTR, unset"
ts_stop para
ts_start paraP -p -P -R -l0 0 0 sh -c "$REMOTE"
is "$(tc 127.0.0.2 127.0.0.1 "$PORT")" bad.test "-p -P: not paranoid"
ts_stop paraP

# --- -H, -l and the local name -------------------------------------------------
ts_start H -H -R -l0 0 0 sh -c "$HOSTS"
is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" "TCPLOCALHOST=0 TCPREMOTEHOST=unset TCP6LOCALHOST=0 TCP6REMOTEHOST=unset" "-H: no remote name"
ts_stop H
ts_start Hh -H -h -R -l0 0 0 sh -c "$REMOTE"
is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" good.test "-H -h: the last one wins"
ts_stop Hh
ts_start local -H -R 0 0 sh -c "$HOSTS"
P=$PORT
is "$(tc 127.0.0.1 127.0.0.9 "$P")" "TCPLOCALHOST=local.test TCPREMOTEHOST=unset TCP6LOCALHOST=local.test TCP6REMOTEHOST=unset" \
	"no -l: TCPLOCALHOST is the PTR name of the local address"
is "$(tc 127.0.0.1 127.0.0.6 "$P")" "TCPLOCALHOST=unset TCPREMOTEHOST=unset TCP6LOCALHOST=unset TCP6REMOTEHOST=unset" \
	"no -l, no PTR for the local address: unset"
is "$(tc 2001:db8::2 2001:db8::1 "$P")" "TCPLOCALHOST=six.test TCPREMOTEHOST=unset TCP6LOCALHOST=six.test TCP6REMOTEHOST=unset" \
	"no -l: local IPv6 address"
ts_stop local

# --- the ok line carries the names ------------------------------------------------
ts_start vlog -v -R 0 0 sh -c 'echo $$'
P=$PORT
CP=$(tc 127.0.0.4 127.0.0.9 "$P"); C=$(cat "$TC_CPORT")
ok "ok line with local and remote names" wait_for "$T/vlog.log" \
	"^tcpserver: ok $CP local\\.test:127\\.0\\.0\\.9:$P a\\\\040b\\\\056c\\.test:127\\.0\\.0\\.4::$C\$" 5
ts_stop vlog

# --- host rules (spec 1.5 order) -----------------------------------------------
rules "$T/r.cdb" <<'EOF'
127.0.0.5:allow,R="ip"
=both.test:allow,R="host-both"
=good.test:allow,R="host"
=bad.test:allow,R="badhost"
=.case.test:allow,R="suffix"
=.test:allow,R="suffix2"
=:allow,R="anyname"
=six.test:deny
:allow,R="noname"
EOF
ts_start rules -p -R -l0 -x "$T/r.cdb" 0 0 sh -c 'echo "${R-unset}"'
P=$PORT
is "$(tc 127.0.0.5 127.0.0.1 "$P")" ip "ip key before =host"
is "$(tc 127.0.0.1 127.0.0.1 "$P")" host "=host"
is "$(tc 127.0.0.3 127.0.0.1 "$P")" suffix "=.suffix, longest first"
is "$(tc 127.0.0.4 127.0.0.1 "$P")" suffix2 "=.test for a name with odd bytes (confirmed by -p)"
is "$(tc 127.0.0.2 127.0.0.1 "$P")" noname "-p: unconfirmed name not used for rules"
is "$(tc 127.0.0.6 127.0.0.1 "$P")" noname "no name: empty key, not '='"
is "$(tc 2001:db8::1 ::1 "$P")" "" "=host deny for an IPv6 client"
ts_stop rules
rules "$T/r.cdb" <<'EOF'
127.0.0.0/24:allow,R="cidr"
=good.test:allow,R="host"
=.test:allow,R="suffix"
EOF
ts_start rules2 -R -l0 -x "$T/r.cdb" 0 0 sh -c 'echo "${R-unset}"'
P=$PORT
is "$(tc 127.0.0.1 127.0.0.1 "$P")" host "=host before IP prefixes"
is "$(tc 127.0.0.3 127.0.0.1 "$P")" cidr "IP prefixes before =.suffix"
ts_stop rules2

# --- $DNSCACHEIP forms ---------------------------------------------------------
for d in 127.0.0.1:53 ::1 '[::1]:53' "127.0.0.8 127.0.0.1"; do
	DNSCACHEIP=$d ts_start dci -R -l0 0 0 sh -c "$REMOTE"
	is "$(tc 127.0.0.1 127.0.0.1 "$PORT")" good.test "DNSCACHEIP='$d'"
	ts_stop dci
done

# lib/dns.h: a garbled value is a configuration error, never a silent fallback
DNSCACHEIP=garbage timeout 10 "$TCPSERVER" 127.0.0.1 0 true >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "100:tcpserver: fatal: invalid DNSCACHEIP: garbage" "garbled DNSCACHEIP: exit 100"

# --- host argument as a name ---------------------------------------------------
ts_start byname -RHl0 srv.test 0 sh -c 'echo "$TCPLOCALIP"'
is "$(tc "" 127.0.0.7 "$PORT")" 127.0.0.7 "host name with an A record: bound to it"
is "$(tc "" 127.0.0.1 "$PORT" 2>/dev/null)" "" "... and only to it"
ts_stop byname
ts_start byname6 -RHl0 srv6.test 0 sh -c 'echo "$TCPLOCALIP"'
is "$(tc "" 2001:db8::2 "$PORT")" 2001:db8::2 "host name with an AAAA record: bound to it"
ts_stop byname6
timeout 10 "$TCPSERVER" nohost.test 0 true >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "111:tcpserver: fatal: no IP address for nohost.test" "unknown host name: exit 111"
DNSCACHEIP=127.0.0.8 timeout 20 "$TCPSERVER" srv.test 0 true >"$T/out" 2>"$T/err"
rc=$?
is "$rc:$(sed 's/: [^:]*$//' "$T/err")" "111:tcpserver: fatal: temporarily unable to figure out IP address for srv.test" \
	"no DNS server: temporary failure, exit 111"

# --- a DNS server that never answers, -t 2 ---------------------------------------
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.2", LocalPort => 53,
		Proto => "udp") or die "bind: $!";
	open(my $f, ">", $ARGV[0]) or die; close $f;
	my $buf; my $end = time + 120;
	while (time < $end) { $s->recv($buf, 4096) }' "$T/blackhole.ready" &
echo $! >"$T/blackhole.pid"
i=0
while [ ! -e "$T/blackhole.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$T/blackhole.ready" ] || diag "the silent DNS server did not start"

DNSCACHEIP=127.0.0.2 ts_start slow -R -l0 -t 2 0 0 sh -c "$HOSTS"
t0=$(now_ms)
got=$(tc 127.0.0.1 127.0.0.1 "$PORT")
t1=$(now_ms)
is "$got" "TCPLOCALHOST=0 TCPREMOTEHOST=unset TCP6LOCALHOST=0 TCP6REMOTEHOST=unset" "silent DNS: remote name unset"
ok "silent DNS, -t 2: PTR lookup given up in time (took $((t1 - t0)) ms)" \
	test $((t1 - t0)) -ge 1500 -a $((t1 - t0)) -lt 4500
ts_stop slow
DNSCACHEIP=127.0.0.2 ts_start slow2 -p -R -t 2 0 0 sh -c "$HOSTS"
t0=$(now_ms)
got=$(tc 127.0.0.1 127.0.0.1 "$PORT")
t1=$(now_ms)
is "$got" "TCPLOCALHOST=unset TCPREMOTEHOST=unset TCP6LOCALHOST=unset TCP6REMOTEHOST=unset" "silent DNS: local and remote names unset"
ok "silent DNS, -t 2, local and remote PTR: each bounded (took $((t1 - t0)) ms)" \
	test $((t1 - t0)) -ge 1500 -a $((t1 - t0)) -lt 6500
ts_stop slow2
DNSCACHEIP=127.0.0.2 ts_start slow3 -H -R -l0 -t 2 0 0 sh -c "$HOSTS"
t0=$(now_ms)
got=$(tc 127.0.0.1 127.0.0.1 "$PORT")
t1=$(now_ms)
ok "silent DNS with -H -l0: no lookup, no wait (took $((t1 - t0)) ms)" test $((t1 - t0)) -lt 1000
ts_stop slow3
# the banner goes out before any lookup
DNSCACHEIP=127.0.0.2 ts_start slowb -B hi -R -t 2 0 0 true
t0=$(now_ms)
got=$(timeout 10 tcpclient -RHl0 127.0.0.1 "$PORT" sh -c 'exec head -c 2 <&6')
t1=$(now_ms)
is "$got" hi "silent DNS: banner received"
ok "... before the lookups time out (took $((t1 - t0)) ms)" test $((t1 - t0)) -lt 1000
ts_stop slowb

done_testing
