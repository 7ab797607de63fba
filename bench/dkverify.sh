#!/bin/sh
# bench/dkverify.sh: dkverify side by side with three verifiers from Debian
# and a floor, one run:
#
# 1. time per message, one process per message, a 4 KB message signed by
#    dksign (rsa-sha256, relaxed/relaxed, RSA-2048), the key served by nsd
#    on loopback (every verifier asks DNS each time):
#      dkverify --check   DNSCACHEIP=127.0.0.1
#      verifyfloor        bench/verifyfloor.c: load libcrypto and the public
#                         key (PEM file), SHA-256 of the message, one RSA
#                         verification; no DNS, no parsing: the floor
#      opendkim-testmsg   libopendkim 2.11 (opendkim-tools), verify mode
#      dkimverify         dkimpy (python3-dkim)
#      dkimproxy-verify   Mail::DKIM (libmail-dkim-perl)
# 2. relay mode: SMTP transactions per second (one connection per
#    transaction, BENCH_CONC clients at a time, the same signed message) for
#      tcpserver6 -> dkverify -> smtpd-standin     (DKVERIFY set: verifying)
#      tcpserver6 -> smtpd-standin                 (the chain without it)
#    (tcpserver6 -H -R -l localhost: no DNS in the chain itself; the
#    stand-in's Maildir on tmpfs, so its fsync does not decide the figures)
# 3. peak RSS of relay-mode dkverify (wait4's ru_maxrss of dkverify and the
#    stand-in it runs) on one 50 MB message.
#
# Targets:
#   dkverify / opendkim-testmsg      <= 0.9   (time per message)
#   dkverify / verifyfloor           <= 1.15  (time per message)
#   relay tx/s with / without        >= 0.7
#   peak RSS, 50 MB message          <= 16 MB
#
# Usage: sh bench/dkverify.sh     (from the top of the tree, after make; as
# root: it runs in its own network and mount namespace, unshare -nm, with
# its own nsd on 127.0.0.1:53 and a bind-mounted resolv.conf)
# Environment:
#   SIXGATE_BUILD  build dir (default build/std)
#   DKVERIFY_BIN   the program under test (default $SIXGATE_BUILD/bin/dkverify)
#   BENCH_ROUNDS   rounds for (1) (default 5): in each round every verifier
#                  runs its share, interleaved; the table shows the median
#   BENCH_TX       transactions per relay run (default 300; best of 3 runs)
#   BENCH_CONC     concurrent SMTP clients (default 4)
# Runs per round: C programs 40, Python and Perl 3.  Takes about a minute
# (bounded: every command runs under timeout; the whole run well under
# 5 minutes).  Before timing, every verifier must say "pass" on the
# message.  This is a benchmark, not a test: it prints a table, not TAP.
# Exit 0 when every target is met, 1 when one is missed, 111 on a set-up
# error.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${SIXGATE_BUILD:-$TOP/build/std}
DKV=${DKVERIFY_BIN:-$B/bin/dkverify}
DKS=$B/bin/dksign
FLOOR=$B/bench/verifyfloor
TCPS=$B/bin/tcpserver6
STANDIN=$B/t/smtpd-standin
ROUNDS=${BENCH_ROUNDS:-5}
TX=${BENCH_TX:-300}
CONC=${BENCH_CONC:-4}
PY=/usr/bin/python3
ODK=/usr/sbin/opendkim-testmsg
TO=120

say() { echo "dkverify.sh: $*" >&2; }
fatal() { say "fatal: $*"; exit 111; }

for f in "$DKV" "$DKS" "$FLOOR" "$TCPS" "$STANDIN"; do
	[ -x "$f" ] || fatal "$f is missing (make)"
done
for p in "$ODK" /usr/bin/dkimverify /usr/bin/dkimproxy-verify /usr/sbin/nsd openssl unshare; do
	command -v "$p" >/dev/null 2>&1 || fatal "$p is missing (sh tools/install-deps)"
done
for v in "$ROUNDS" "$TX" "$CONC"; do
	case $v in ''|*[!0-9]*|0) fatal "BENCH_ROUNDS, BENCH_TX, BENCH_CONC must be positive numbers" ;; esac
done

# --- own network and mount namespace --------------------------------------------
if [ -z "${DKVBENCH_IN_NS:-}" ]; then
	DKVBENCH_IN_NS=1
	export DKVBENCH_IN_NS
	exec unshare -nm -- sh "$0" "$@"
fi
ip link set lo up || fatal "cannot bring lo up (root needed)"

T=$(mktemp -d /tmp/bench-dkverify.XXXXXX) || fatal "mktemp failed"
trap 'rm -rf "$T"' EXIT
trap 'exit 111' INT TERM
. "$TOP/t/lib/nsd.sh"
PIDS=
trap '_nsd_stop_all; for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# --- key, DNS, message ----------------------------------------------------------------
openssl genrsa -traditional -out "$T/sel" 2048 2>/dev/null || fatal "openssl genrsa failed"
openssl pkey -in "$T/sel" -pubout -out "$T/pub.pem" 2>/dev/null || fatal "no public key"
p=$(openssl pkey -in "$T/sel" -pubout -outform DER 2>/dev/null | base64 -w0)
{
	printf '$TTL 60\n@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n@ IN NS ns.test.\n'
	printf 'sel._domainkey IN TXT ( %s )\n' \
		"$(printf 'v=DKIM1; k=rsa; p=%s' "$p" | fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' ')"
} >"$T/example.com.zone"
nsd_start "$T/nsd" "$T/example.com.zone" >&2 || fatal "nsd does not start"
printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n' >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf || fatal "cannot bind-mount resolv.conf"
DNSCACHEIP=127.0.0.1
export DNSCACHEIP

# mkmsg FILE BODYBYTES
mkmsg() {
	{
		printf 'From: Joe Bench <joe@example.com>\n'
		printf 'To: Suzie Q <suzie@example.com>\n'
		printf 'Subject: benchmark message of %s octets\n' "$2"
		printf 'Date: Fri, 11 Jul 2003 21:00:37 -0700\n'
		printf 'Message-ID: <bench.%s@example.com>\n' "$2"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=us-ascii\n\n'
		awk -v n="$2" 'BEGIN {
			line = "The quick brown fox jumps over the lazy dog.  0123456789 abcdefghij"
			for (i = 0; i < n; i += length(line) + 1) print line
		}'
	} >"$1"
}
mkmsg "$T/plain" 4000
timeout $TO "$DKS" -k "$T/sel" -d example.com -s sel "$T/plain" >"$T/m4k" 2>"$T/err" ||
	fatal "dksign failed: $(head -c 300 "$T/err")"
openssl dgst -sha256 -sign "$T/sel" -out "$T/sig" "$T/m4k" 2>/dev/null || fatal "openssl dgst -sign failed"

# --- the verifiers (name|command, word-split; the message on stdin) -------------------
CMD_dkverify="$DKV --check"
CMD_floor="$FLOOR $T/pub.pem $T/sig"
CMD_opendkim="$ODK"
CMD_dkimpy="$PY /usr/bin/dkimverify"
CMD_maildkim="/usr/bin/dkimproxy-verify"
NAMES="dkverify floor opendkim dkimpy maildkim"
cmd() { eval "echo \"\$CMD_$1\""; }

# every verifier must pass the message
out=$(timeout $TO $(cmd dkverify) <"$T/m4k" 2>&1 | tail -n 1)
[ "$out" = "dk=C dkim=A action=accept" ] || fatal "dkverify --check does not pass: $out"
timeout $TO $(cmd floor) <"$T/m4k" || fatal "verifyfloor does not pass"
out=$(timeout $TO $(cmd opendkim) <"$T/m4k" 2>&1) && [ -z "$out" ] ||
	fatal "opendkim-testmsg does not pass: $out"
out=$(timeout $TO $(cmd dkimpy) <"$T/m4k" 2>&1)
[ "$out" = "signature ok" ] || fatal "dkimverify does not pass: $out"
out=$(timeout $TO $(cmd maildkim) <"$T/m4k" 2>&1 | sed -n 's/^verify result: //p')
[ "$out" = pass ] || fatal "dkimproxy-verify does not pass: $out"

# --- (1) time per message ------------------------------------------------------------
now() { date +%s%N; }
# runs NAME N: N runs of NAME on the message; ns per run
runs() {
	_c=$(cmd "$1")
	_t0=$(now)
	_i=0
	while [ $_i -lt "$2" ]; do
		timeout $TO $_c <"$T/m4k" >/dev/null 2>&1 || { say "$1 failed"; echo fail; return; }
		_i=$((_i + 1))
	done
	_t1=$(now)
	echo $(((_t1 - _t0) / $2))
}
nruns() { case $1 in dkimpy|maildkim) echo 3 ;; *) echo 40 ;; esac; }
: >"$T/times"
r=1
while [ $r -le "$ROUNDS" ]; do
	for n in $NAMES; do
		ns=$(runs "$n" "$(nruns "$n")")
		[ "$ns" = fail ] && fatal "$n failed during round $r"
		echo "$n $ns" >>"$T/times"
		say "round $r $n $((ns / 1000)) us"
	done
	r=$((r + 1))
done
median() {
	awk -v n="$1" '$1 == n { print $2 }' "$T/times" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# --- (2) relay mode transactions per second ------------------------------------------
# start_server NAME ARGS...: tcpserver6 on 127.0.0.1, port in $PORT
start_server() {
	_n=$1; shift
	: >"$T/$_n.port"
	timeout 600 "$TCPS" -1 -H -R -l localhost -c 100 127.0.0.1 0 "$@" >"$T/$_n.port" 2>"$T/$_n.log" &
	PIDS="$PIDS $!"
	eval "PID_$_n=$!"
	_i=0
	while ! grep -Eq '^[0-9]+$' "$T/$_n.port" && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	PORT=$(cat "$T/$_n.port")
	[ -n "$PORT" ] || fatal "tcpserver6 ($_n) does not start: $(head -c 300 "$T/$_n.log")"
}
# the stand-in fsyncs each message: its Maildirs go to tmpfs when there is
# one, so the disk does not decide the figures
S=$T
if [ -d /dev/shm ] && S=$(mktemp -d /dev/shm/bench-dkverify.XXXXXX 2>/dev/null); then
	trap '_nsd_stop_all; for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T" "$S"' EXIT
else
	S=$T
fi
mkdir -p "$S/md.v" "$S/md.p"
start_server verify env SMTPD_STANDIN_MAILDIR="$S/md.v" DKVERIFY=",DP" "$DKV" "$STANDIN"
PORT_verify=$PORT
start_server plain env SMTPD_STANDIN_MAILDIR="$S/md.p" "$STANDIN"
PORT_plain=$PORT

# txrun PORT N CONC MSGFILE: N transactions, CONC at a time; prints tx/s,
# or "fail: ..." when a transaction does not end in 250
txrun() {
	timeout $TO "$PY" - "$@" <<'EOF'
import smtplib, sys, threading, time, re
port, total, conc = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
msg = re.sub(rb"\r?\n", b"\r\n", open(sys.argv[4], "rb").read())
lock = threading.Lock()
left = [total]
errors = []
def worker():
    while True:
        with lock:
            if left[0] == 0: return
            left[0] -= 1
        try:
            s = smtplib.SMTP("127.0.0.1", port, local_hostname="bench.test", timeout=60)
            s.ehlo("bench.test")
            s.mail("bench@example.net"); s.rcpt("suzie@example.com")
            code, text = s.data(msg)
            s.quit()
            if code != 250: errors.append("%d %s" % (code, text))
        except Exception as e:
            errors.append(str(e))
t0 = time.monotonic()
ts = [threading.Thread(target=worker) for _ in range(conc)]
for t in ts: t.start()
for t in ts: t.join()
dt = time.monotonic() - t0
if errors: print("fail: %d errors, first: %s" % (len(errors), errors[0]))
else: print("%.1f" % (total / dt))
EOF
}
best_v=0
best_p=0
r=1
while [ $r -le 3 ]; do
	for n in verify plain; do
		eval "port=\$PORT_$n"
		rate=$(txrun "$port" "$TX" "$CONC" "$T/m4k")
		case $rate in ''|fail*) fatal "relay run ($n) failed: $rate" ;; esac
		say "relay round $r $n: $rate tx/s"
		eval "best=\$best_$(echo $n | cut -c1)"
		best=$(awk -v a="$best" -v b="$rate" 'BEGIN { print (b > a) ? b : a }')
		eval "best_$(echo $n | cut -c1)=$best"
	done
	r=$((r + 1))
done
nv=$(ls "$S/md.v/new" | wc -l)
[ "$nv" = $((3 * TX)) ] || fatal "relay with dkverify stored $nv messages, not $((3 * TX))"
f=$(ls "$S/md.v/new" | head -n 1)
grep -q '^Authentication-Results: .*' "$S/md.v/new/$f" && grep -q 'dkim=pass' "$S/md.v/new/$f" ||
	fatal "relay with dkverify: stored message lacks dkim=pass"
rm -rf "$S/md.v" "$S/md.p"

# --- (3) peak RSS on a 50 MB message --------------------------------------------------
{
	sed '/^$/q' "$T/plain"
	awk 'BEGIN { for (i = 0; i < 720000; i++)
		printf "%07d the quick brown fox jumps over the lazy dog 0123456789 abcdef\n", i }'
} >"$T/plain50"
timeout $TO "$DKS" -k "$T/sel" -d example.com -s sel "$T/plain50" >"$T/m50" 2>"$T/err" ||
	fatal "dksign (50 MB) failed: $(head -c 300 "$T/err")"
rm -f "$T/plain50"
RSS_PY='
import os, sys
pid = os.fork()
if pid == 0:
    try: os.execvp(sys.argv[2], sys.argv[2:])
    finally: os._exit(127)
_, st, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f: f.write("%d\n" % ru.ru_maxrss)
rc = os.waitstatus_to_exitcode(st)
sys.exit(rc if rc >= 0 else 128 - rc)'
mkdir -p "$T/md.r"
start_server rss env SMTPD_STANDIN_MAILDIR="$T/md.r" DKVERIFY=",DP" TMPDIR="$T" \
	"$PY" -c "$RSS_PY" "$T/rss" "$DKV" "$STANDIN"
rate=$(txrun "$PORT" 1 1 "$T/m50")
case $rate in ''|fail*) fatal "50 MB message through dkverify failed: $rate" ;; esac
i=0
while ! grep -Eq '^[0-9]+$' "$T/rss" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
rss=$(cat "$T/rss" 2>/dev/null)
[ -n "$rss" ] || fatal "no RSS figure"
grep -q 'dkim=pass' "$T/md.r/new/"* || fatal "50 MB message: no dkim=pass"
rm -rf "$T/md.r" "$T/m50"

# --- report ----------------------------------------------------------------------------
label() {
	case $1 in
	dkverify) echo "dkverify --check" ;;
	floor) echo "verifyfloor (floor)" ;;
	opendkim) echo "opendkim-testmsg" ;;
	dkimpy) echo "dkimverify (dkimpy)" ;;
	maildkim) echo "dkimproxy-verify (Mail::DKIM)" ;;
	esac
}
echo
echo "time per message, one process per message, 4 KB, RSA-2048, key from nsd (median of $ROUNDS rounds)"
printf '%-34s %12s\n' verifier "ms/msg"
for n in $NAMES; do
	printf '%-34s %12s\n' "$(label $n)" "$(awk -v v="$(median $n)" 'BEGIN { printf "%.2f", v / 1e6 }')"
done
echo
echo "relay mode, 4 KB message, $TX transactions x 3 runs, $CONC clients at a time (best run)"
printf '%-44s %10s\n' "tcpserver6 -> dkverify -> smtpd-standin" "$best_v tx/s"
printf '%-44s %10s\n' "tcpserver6 -> smtpd-standin" "$best_p tx/s"
echo
printf '%-44s %10s\n' "peak RSS, relay mode, 50 MB message" "$rss KiB"
echo

fail=0
ratio() {
	_okr=$(awk -v v="$2" -v t="$4" -v op="$3" 'BEGIN { print (op == "<=" ? v <= t : v >= t) ? "ok" : "MISSED" }')
	printf '%-44s %8s  (target %s %s)  %s\n' "$1" "$2" "$3" "$4" "$_okr"
	[ "$_okr" = ok ] || fail=1
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
ratio "dkverify / opendkim-testmsg (time)" "$(div "$(median dkverify)" "$(median opendkim)")" "<=" 0.9
ratio "dkverify / verifyfloor (time)" "$(div "$(median dkverify)" "$(median floor)")" "<=" 1.15
ratio "relay tx/s: with dkverify / without" "$(div "$best_v" "$best_p")" ">=" 0.7
ratio "peak RSS, 50 MB message (MB)" "$(div "$rss" 1024)" "<=" 16
exit $fail
