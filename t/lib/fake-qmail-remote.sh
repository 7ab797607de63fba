#!/bin/sh
# fake-qmail-remote.sh: a qmail-remote stand-in for the dksign tests.
# Records what it was given in $FAKEQR_DIR (which must exist):
#   argv    $0 and each argument, one per line
#   stdin   the message bytes it read on fd 0
#   env     DKSIGN_ACTIVE and DKSIGN if set ("NAME=value" lines)
#   ran     one line "ran" per run (so a test can count the runs)
# Then writes $FAKEQR_OUT to fd 1 (printf format; default: one recipient
# report and a message report, "r\0Kfake accepted.\n\0"), $FAKEQR_ERR to
# fd 2 if set, and exits $FAKEQR_EXIT (default 0), as qmail-remote would.
d=${FAKEQR_DIR:?FAKEQR_DIR not set}
printf '%s\n' "$0" "$@" >"$d/argv"
cat >"$d/stdin"
{
	[ -n "${DKSIGN_ACTIVE+x}" ] && printf 'DKSIGN_ACTIVE=%s\n' "$DKSIGN_ACTIVE"
	[ -n "${DKSIGN+x}" ] && printf 'DKSIGN=%s\n' "$DKSIGN"
} >"$d/env"
echo ran >>"$d/ran"
# shellcheck disable=SC2059
printf "${FAKEQR_OUT:-r\\0Kfake accepted.\\n\\0}"
[ -n "${FAKEQR_ERR:-}" ] && printf "$FAKEQR_ERR" >&2
exit "${FAKEQR_EXIT:-0}"
