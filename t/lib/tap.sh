# tap.sh: TAP for the shell integration tests.  Source it, then:
#   ok CMD...            passes when CMD exits 0
#   is GOT WANT NAME     string comparison (shows both on failure)
#   done_testing         prints the plan; exit status = failures > 0
# Also: $B (build dir, from SIXGATE_BUILD or ./build/std), $TOP, $BIN, $TBIN,
# tmpdir (per-test scratch dir $T, removed at exit).
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${SIXGATE_BUILD:-$TOP/build/std}
BIN=$B/bin
TBIN=$B/t
PATH=$BIN:$TBIN:$PATH
export PATH
_tap_n=0
_tap_fail=0
ok() {
	_tap_n=$((_tap_n + 1))
	_name=$1; shift
	if "$@"; then echo "ok $_tap_n - $_name"
	else echo "not ok $_tap_n - $_name"; _tap_fail=$((_tap_fail + 1)); fi
}
is() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"; _tap_fail=$((_tap_fail + 1))
		printf '%s\n' "#   got:" "$1" "#  want:" "$2" | sed 's/^/# /'
	fi
}
diag() { printf '# %s\n' "$*"; }
done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" = 0 ]
}
T=$(mktemp -d "${TMPDIR:-/tmp}/sixgate-t.XXXXXX")
trap 'rm -rf "$T"' EXIT
