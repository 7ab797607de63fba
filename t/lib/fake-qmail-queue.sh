#!/bin/sh
# fake-qmail-queue.sh: a qmail-queue stand-in for the dkverify tests.
# Records what it was given in $FAKEQQ_DIR (which must exist):
#   msg     the message bytes read on fd 0
#   env     the envelope bytes read on fd 1 (qmail-queue reads it there)
#   argv    $0 and each argument, one per line
#   vars    DKVERIFY and RELAYCLIENT if set ("NAME=value" lines)
#   ran     one line "ran" per run
# then exits $FAKEQQ_EXIT (default 0), as qmail-queue would; with
# FAKEQQ_SIGNAL=SIG it kills itself with that signal instead (a crash).
d=${FAKEQQ_DIR:?FAKEQQ_DIR not set}
printf '%s\n' "$0" "$@" >"$d/argv"
cat >"$d/msg"
cat <&1 >"$d/env"
{
	[ -n "${DKVERIFY+x}" ] && printf 'DKVERIFY=%s\n' "$DKVERIFY"
	[ -n "${RELAYCLIENT+x}" ] && printf 'RELAYCLIENT=%s\n' "$RELAYCLIENT"
} >"$d/vars"
echo ran >>"$d/ran"
[ -n "${FAKEQQ_SIGNAL:-}" ] && kill -s "$FAKEQQ_SIGNAL" $$
exit "${FAKEQQ_EXIT:-0}"
