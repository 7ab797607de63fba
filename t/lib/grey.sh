# grey.sh: shared helpers for the t/jgreylist-*.t integration tests.
# Source after tap.sh (and netns.sh / tcpserver.sh when the test needs the
# network).
#
#   $JG, $JGCLEAN       the programs under test ($BIN/jgreylist and
#                       $BIN/jgreylist-clean; JGREYLIST_BIN= and
#                       JGREYLIST_CLEAN_BIN= in the environment override them)
#   $GD                 a fresh greylist directory (mode 0700) for each test
#   jg INPUT [NAME=VALUE...] [-- PROG ARGS...]
#       runs "$JG PROG ARGS" (default PROG: env, so a pass prints the
#       environment the next program got) with ONLY the variables given,
#       plus PATH and JGREYLIST_DIR=$GD unless one of the arguments names
#       JGREYLIST_DIR (write NOENV_DIR to leave it out), stdin = INPUT
#       (printf format).  Results: out (stdout through cat -v), err
#       (stderr with every "jgreylist[PID]" as "jgreylist[P]"), $RC.
#   jg_env [NAME=VALUE...]  the environment jg gives (in its order), to
#                       compare with out after a pass
#   age PATH SECONDS    sets atime and mtime of PATH to now - SECONDS
#   aage PATH SECONDS   only atime;   mage PATH SECONDS: only mtime
#   atime PATH / mtime PATH   stat -c %X / %Y
#   near A B [SLACK]    |A - B| <= SLACK (default 2) (for times)
#   tree DIR            every path below DIR relative to DIR, "d " / "f "
#                       (anything not a directory) prefixed, sorted by path
#   GREET, Q221, OK250  the fake session's fixed lines (CR shown as ^M)
#   GREY1, GREY2        the two 450 lines ("Try again later." and
#                       "I said to try later.")

# settings of the caller's environment must not leak into the tests
unset JGREYLIST JGREYLIST_DIR JGREYLIST_NOREV JGREYLIST_BY_IP \
	JGREYLIST_HOLDTIME JGREYLIST_LOG JGREYLIST_LOG_PID JGREYLIST_LOG_SMTP \
	JGREYLIST_TIMEOUT JGREYLIST_LIMIT JGREYLIST_PREFIX4 JGREYLIST_PREFIX6 \
	JGREYLIST_FAILOPEN TCPREMOTEIP TCPREMOTEHOST

JG=${JGREYLIST_BIN:-$BIN/jgreylist}
JGCLEAN=${JGREYLIST_CLEAN_BIN:-$BIN/jgreylist-clean}

if [ ! -x "$JG" ]; then
	echo "Bail out! $JG not built"
	exit 1
fi

GD=$T/grey
mkdir -m 700 "$GD"

GREET='220 jgreylist v8^M'
Q221='221 jgreylist v8^M'
OK250='250 jgreylist v8^M'
GREY1='450 GREYLIST Try again later.^M'
GREY2='450 GREYLIST I said to try later.^M'

out() { cat "$T/out"; }
err() { cat "$T/err"; }

_jg_envargs() {
	_jg_dir=1
	for _a in "$@"; do
		case $_a in
		--) break ;;
		JGREYLIST_DIR=*|NOENV_DIR) _jg_dir= ;;
		esac
	done
	[ -n "$_jg_dir" ] && echo "JGREYLIST_DIR=$GD"
	for _a in "$@"; do
		case $_a in
		--) break ;;
		NOENV_DIR) ;;
		*) printf '%s\n' "$_a" ;;
		esac
	done
}

jg() {
	_jg_in=$1; shift
	# split the arguments into variables and the program
	_jg_nv=0
	for _a in "$@"; do
		[ "$_a" = -- ] && break
		_jg_nv=$((_jg_nv + 1))
	done
	_jg_envfile=$T/jg.envargs
	_jg_envargs "$@" >"$_jg_envfile"
	shift $_jg_nv
	[ "${1-}" = -- ] && shift
	[ $# -eq 0 ] && set -- env
	# the variables go through a file so that values may hold spaces
	_jg_i=0
	_jg_set=
	while IFS= read -r _l; do
		_jg_i=$((_jg_i + 1))
		eval "_jg_v$_jg_i=\$_l"
		_jg_set="$_jg_set \"\$_jg_v$_jg_i\""
	done <"$_jg_envfile"
	eval "printf \"\$_jg_in\" | timeout 60 env -i PATH=\"\$PATH\" $_jg_set \"\$JG\" \"\$@\"" \
		>"$T/out.raw" 2>"$T/err.raw"
	RC=$?
	cat -v "$T/out.raw" >"$T/out"
	sed 's/^jgreylist\[[0-9][0-9]*\]/jgreylist[P]/' "$T/err.raw" >"$T/err"
	if grep -Eq 'Sanitizer|runtime error:' "$T/err.raw"; then
		is "$(grep -E 'Sanitizer|runtime error:' "$T/err.raw")" "" "no sanitizer report"
	fi
	return 0
}

jg_env() {
	echo "PATH=$PATH"
	_jg_envargs "$@"
}

age() { touch -d "@$(($(date +%s) - $2))" "$1"; }
aage() { touch -a -d "@$(($(date +%s) - $2))" "$1"; }
mage() { touch -m -d "@$(($(date +%s) - $2))" "$1"; }
atime() { stat -c %X "$1"; }
mtime() { stat -c %Y "$1"; }
near() {
	_d=$(($1 - $2))
	[ $_d -lt 0 ] && _d=$((-_d))
	[ $_d -le "${3:-2}" ]
}

tree() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf 'd %P\n' \) -o -printf 'f %P\n') |
		LC_ALL=C sort -k2
}
