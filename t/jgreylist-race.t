#!/bin/sh
# jgreylist: concurrent first contacts (greylist spec 3.1, section 4
# item 11): 50 clients of one /24 connecting at the same moment through
# tcpserver6 leave exactly one entry; exactly one of them is "first time"
# (the O_EXCL winner), the others are "too soon" and the entry keeps the
# first mtime.  Then the same with 50 jgreylist processes released at
# once without a server, for IPv6 /64 as well.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/netns.sh"; netns_enter "$@"
. "$TOP/t/lib/tcpserver.sh"
. "$TOP/t/lib/grey.sh"

N=50
MSG=$(printf 'RCPT TO:<a@b>\r\nQUIT\r\nx')
MSG=${MSG%x}
JGREYLIST_DIR=$GD
export JGREYLIST_DIR

# --- through tcpserver6 -------------------------------------------------------
ts_start race -RHl0 -c 200 -b 200 0 0 "$JG" true || exit 1
P=$PORT
t0=$(date +%s)
i=1
while [ $i -le $N ]; do
	TC_CPORT=$T/cport.$i
	tc_send "127.0.0.$((i + 10))" 127.0.0.1 "$P" "$MSG" >"$T/c.$i" 2>&1 &
	pids="${pids-} $!"
	i=$((i + 1))
done
wait $pids
t1=$(date +%s)
ts_stop race
is "$(tree "$GD")" "d ip4
d ip4/127
d ip4/127/000
f ip4/127/000/000" "$N simultaneous first contacts from one /24: one entry"
is "$(grep -c 'GREY first time' "$T/race.log")" 1 "exactly one 'GREY first time' logged"
is "$(grep -c 'GREY too soon' "$T/race.log")" $((N - 1)) "the other $((N - 1)) are 'too soon'"
is "$(cat "$T"/c.* | tr -d '\r' | sort | uniq -c | sed 's/^ *//')" "$N 220 jgreylist v8
$N 221 jgreylist v8
$((N - 1)) 450 GREYLIST I said to try later.
1 450 GREYLIST Try again later." "every client got 220, one 450 and 221"
m=$(mtime "$GD/ip4/127/000/000")
ok "the entry's mtime is the first contact's ($t0 <= $m <= $t1)" test "$m" -ge "$t0" -a "$m" -le "$t1"
first_ip=$(sed -n 's/^jgreylist\[[0-9]*\]: \(.*\): GREY first time$/\1/p' "$T/race.log")
ok "the first-time client is one of them ($first_ip)" test -n "$first_ip"
ok "no error logged" test "$(grep -cv 'GREY ' "$T/race.log")" = 0

# --- processes released at once, no server -------------------------------------
# each waits on a FIFO; opening it for writing releases them all (one
# that was too slow to reach the FIFO goes after 10 s all the same)
race() { # ADDRESS-PREFIX: N jgreylist runs for PREFIX1 .. PREFIXN
	rm -f "$T/gate" "$T"/r.*
	mkfifo "$T/gate"
	i=1
	while [ $i -le $N ]; do
		( timeout 10 sh -c 'read -r _ <"$0"' "$T/gate"; TCPREMOTEIP="$1$i" exec "$JG" true \
			</dev/null >"$T/r.$i.out" 2>"$T/r.$i.err" ) &
		_rp="${_rp-} $!"
		i=$((i + 1))
	done
	sleep 0.5
	: >"$T/gate"
	wait $_rp
	_rp=
	cat "$T"/r.*.err >"$T/r.log"
}
rm -rf "$GD"; mkdir -m 700 "$GD"
for pfx in 10.9.8. 2001:db8:77:1::; do
	t0=$(date +%s)
	race "$pfx"
	t1=$(date +%s)
	case $pfx in
	10.*) e=ip4/010/009/008 ;;
	*) e=ip6/20/01/0d/b8/00/77/00/01 ;;
	esac
	is "$(find "$GD" -type f -path "*/$(echo $e | cut -c1-3)/*" | sed "s|^$GD/||")" "$e" \
		"$pfx: $N released at once: one entry"
	is "$(grep -c 'GREY first time' "$T/r.log")" 1 "$pfx: one 'GREY first time'"
	is "$(grep -c 'GREY too soon' "$T/r.log")" $((N - 1)) "$pfx: $((N - 1)) 'too soon'"
	is "$(cat "$T"/r.*.out | tr -d '\r' | sort | uniq -c | sed 's/^ *//')" "$N 220 jgreylist v8" \
		"$pfx: every run greeted (and exited at EOF)"
	m=$(mtime "$GD/$e")
	ok "$pfx: mtime within the race ($t0 <= $m <= $t1)" test "$m" -ge "$t0" -a "$m" -le "$t1"
	is "$(grep -v ': GREY ' "$T/r.log")" "" "$pfx: nothing else logged (no error, no sanitizer report)"
done

# an old entry raced by $N passes: mtime never moves
age "$GD/ip4/010/009/008" 500
m=$(mtime "$GD/ip4/010/009/008")
race 10.9.8.
is "$(grep -c 'OK known' "$T/r.log")" $N "$N simultaneous passes: all 'OK known'"
is "$(grep -v ': OK known$' "$T/r.log")" "" "... nothing else logged"
is "$(mtime "$GD/ip4/010/009/008")" "$m" "... mtime unchanged"
ok "... atime is now" near "$(atime "$GD/ip4/010/009/008")" "$(date +%s)"

done_testing
