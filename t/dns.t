#!/bin/sh
# dns.t: lib/dns (through t/bin/dnsq) against a private nsd: PTR in
# in-addr.arpa and ip6.arpa, djb's text form of odd names, A+AAAA, the
# three results (found / no such name / temporary), $DNSCACHEIP forms,
# the deadline, and the resolv.conf fallback.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"
NETNS_MOUNT=1   # own mount namespace: the test bind-mounts resolv.conf
netns_enter "$@"
. "$TOP/t/lib/nsd.sh"
unset DNSCACHEIP LOCALDOMAIN RES_OPTIONS HOSTALIASES

mkdir "$T/zones"
soa='@ IN SOA ns.example. hostmaster.example. 1 3600 600 86400 60
@ IN NS ns.example.'
cat >"$T/zones/127.in-addr.arpa.zone" <<EOF
\$TTL 60
$soa
2.0.0 IN PTR mixed-Case.Example.
3.0.0 IN PTR weird\\.dot\\032sp\\255.Under_score.example.
5.0.0 IN CNAME 2.0.0
EOF
zeros=$(printf ".0%.0s" $(seq 23))
cat >"$T/zones/8.b.d.0.1.0.0.2.ip6.arpa.zone" <<EOF
\$TTL 60
$soa
1$zeros IN PTR V6-Host.example.
EOF
cat >"$T/zones/example.zone" <<EOF
\$TTL 60
$soa
ns IN A 127.0.0.1
host IN A 192.0.2.7
host IN AAAA 2001:db8::7
v4only IN A 192.0.2.8
v6only IN AAAA 2001:db8::6
alias IN CNAME host
weird\\.dot\\032sp\\255.Under_score IN A 127.0.0.3
EOF
ok "nsd starts" nsd_start "$T/nsd" "$T/zones/127.in-addr.arpa.zone" \
    "$T/zones/8.b.d.0.1.0.0.2.ip6.arpa.zone" "$T/zones/example.zone" ||
    { done_testing; exit 1; }

# q ARGS...: runs dnsq; "$rc:$out" and $err
q() {
	out=$(dnsq "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

export DNSCACHEIP=127.0.0.1
q ptr 127.0.0.2
is "$rc:$out" "0:mixed-case.example" "PTR v4, lowercased"
q ptr ::ffff:127.0.0.2
is "$rc:$out" "0:mixed-case.example" "PTR of a v4-mapped address asks in-addr.arpa"
q ptr 127.0.0.3
is "$rc:$out" '0:weird\056dot\040sp\377.under_score.example' \
    "PTR with odd bytes in a label: djb's \\ooo form"
q ptr 127.0.0.5
is "$rc:$out" "0:mixed-case.example" "PTR through a CNAME"
q ptr 2001:db8::1
is "$rc:$out" "0:v6-host.example" "PTR v6 (ip6.arpa nibbles)"
q ptr 127.0.0.4
is "$rc:$out:$err" "1::" "PTR NXDOMAIN: exit 1, nothing printed"
q ptr 2001:db8::2
is "$rc:$out:$err" "1::" "PTR v6 NXDOMAIN"
q ptr 10.0.0.1
is "$rc:$out" "111:" "PTR outside the served zones (REFUSED): temporary"
is "$err" "dnsq: fatal: unable to find the name of 10.0.0.1: temporary failure" \
    "temporary failure message"

q addrs host.example
is "$rc:$out" "0:2001:db8::7
192.0.2.7" "addrs: AAAA then A (v4-mapped, shown dotted)"
q addrs Host.Example.
is "$rc:$out" "0:2001:db8::7
192.0.2.7" "addrs: case and trailing dot do not matter"
q addrs alias.example
is "$rc:$out" "0:2001:db8::7
192.0.2.7" "addrs through a CNAME"
q addrs v4only.example
is "$rc:$out" "0:192.0.2.8" "addrs: A only (AAAA no data)"
q addrs v6only.example
is "$rc:$out" "0:2001:db8::6" "addrs: AAAA only"
q addrs ns
is "$rc:$out" "111:" "addrs: a single label is asked as it is (nsd refuses)"
q addrs nothing.example
is "$rc:$out:$err" "1::" "addrs NXDOMAIN: exit 1"
q addrs 'weird\056dot\040sp\377.under_score.example'
is "$rc:$out" "0:127.0.0.3" "addrs of a PTR result in djb's form (round trip)"
q addrs 'a..example'
is "$rc:$out" "111:" "addrs of an unusable name fails"

DNSCACHEIP='[::1]:53' q ptr 127.0.0.2
is "$rc:$out" "0:mixed-case.example" "DNSCACHEIP=[::1]:53"
DNSCACHEIP='::1' q addrs host.example
is "$rc:$out" "0:2001:db8::7
192.0.2.7" "DNSCACHEIP=::1 (bare IPv6)"
DNSCACHEIP='127.0.0.1:53' q ptr 2001:db8::1
is "$rc:$out" "0:v6-host.example" "DNSCACHEIP=127.0.0.1:53"
DNSCACHEIP='127.0.0.9, ::1' q ptr 127.0.0.2
is "$rc:$out" "0:mixed-case.example" "DNSCACHEIP list: a refusing server, then the next"

for bad in '127.0.0.1:0' '127.0.0.1:65536' 'localhost' '[::1' '1.2.3.4:53x' \
    '' ' , '; do
	DNSCACHEIP=$bad q ptr 127.0.0.2
	is "$rc:$out:$err" "100::dnsq: fatal: unable to parse \$DNSCACHEIP" \
	    "garbled DNSCACHEIP '$bad': exit 100 naming it"
done

# A server that takes the packets and never answers: the deadline holds.
perl -MIO::Socket::INET -e '
	my @s = map { IO::Socket::INET->new(LocalAddr => "127.0.0.1",
	    LocalPort => 5301, Proto => $_, ($_ eq "tcp" ? (Listen => 5) : ()),
	    ReuseAddr => 1) or die "bind: $!" } qw(udp tcp);
	open(my $f, ">", $ARGV[0]) or die; close $f;
	sleep 30;' "$T/sink.ready" 2>"$T/sink.err" &
sink=$!
i=0
while [ ! -e "$T/sink.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ok "silent server ready" test -e "$T/sink.ready"
for what in "ptr 127.0.0.2" "addrs host.example"; do
	t0=$(now_ms)
	DNSCACHEIP=127.0.0.1:5301 q -t 1200 $what
	ms=$(($(now_ms) - t0))
	is "$rc:$out" "111:" "silent server, $what: temporary failure"
	case $err in *": timed out") r=ok ;; *) r=$err ;; esac
	is "$r" ok "silent server, $what: the message says timed out"
	ok "silent server, $what: gives up at the deadline (${ms} ms, -t 1200)" \
	    test "$ms" -ge 1150 -a "$ms" -le 1700
done
t0=$(now_ms)
DNSCACHEIP=127.0.0.1:5301 q -t 0 ptr 127.0.0.2
ms=$(($(now_ms) - t0))
ok "-t 0: gives up at once (${ms} ms)" test "$rc" = 111 -a "$ms" -le 500
kill "$sink" 2>/dev/null
wait "$sink" 2>/dev/null

# No DNSCACHEIP: c-ares reads resolv.conf.
unset DNSCACHEIP
printf 'nameserver 127.0.0.1\n' >"$T/resolv.conf"
ok "bind-mount resolv.conf" netns_resolvconf "$T/resolv.conf"
q ptr 127.0.0.2
is "$rc:$out" "0:mixed-case.example" "resolv.conf nameserver 127.0.0.1"
printf 'nameserver ::1\n' >"$T/resolv.conf"
q addrs host.example
is "$rc:$out" "0:2001:db8::7
192.0.2.7" "resolv.conf nameserver ::1"
printf 'nameserver 127.0.0.9\n' >"$T/resolv.conf"
q ptr 127.0.0.2
is "$rc:$out" "111:" "resolv.conf is what is used (nothing on 127.0.0.9)"
printf 'search example\nnameserver 127.0.0.1\n' >"$T/resolv.conf"
q addrs host
is "$rc:$out" "111:" "resolv.conf search list is not applied"

nsd_stop "$T/nsd"
done_testing
