#!/bin/sh
# jgreylist-clean (greylist spec 1.10, section 4 items 16 and 17): on a
# generated tree with ages set by touch -d, entries last seen more than 30
# days ago go, entries seen once (atime == mtime) more than a day ago go,
# directories left empty go (never the root), everything else stays with
# its times untouched; -n changes nothing and prints the same counts;
# -d / -u / -q / -v; symlinks are never followed; -m moves a pre-IPv6
# tree (DIR/127/000/000) into ip4/ keeping the timestamps.
. "$(dirname "$0")/lib/tap.sh"
. "$TOP/t/lib/grey.sh"

if [ ! -x "$JGCLEAN" ]; then
	echo "Bail out! $JGCLEAN not built"
	exit 1
fi
H=3600
D=86400

# mk PATH ATIME-AGE MTIME-AGE: an entry below $GD with these ages (s)
mk() {
	mkdir -p "$GD/$(dirname "$1")"
	: >"$GD/$1"
	_now=$(date +%s)        # once: atime == mtime must hold to the second
	touch -m -d "@$((_now - $3))" "$GD/$1"
	touch -a -d "@$((_now - $2))" "$GD/$1"
}
# snap DIR: every path with its type, and atime/mtime of each regular file
snap() {
	(cd "$1" && find . -mindepth 1 \( -type f -printf 'f %P %A@ %T@\n' \) -o -printf '%y %P\n') |
		LC_ALL=C sort -k2
}
# clean ARGS...: runs jgreylist-clean; stdout in out, stderr in err, $RC
clean() {
	timeout 60 "$JGCLEAN" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	if grep -Eq 'Sanitizer|runtime error:' "$T/err"; then
		is "$(grep -E 'Sanitizer|runtime error:' "$T/err")" "" "no sanitizer report"
	fi
}

# --- the tree -------------------------------------------------------------------
gen() {
	rm -rf "$GD"; mkdir -m 700 "$GD"
	: >"$GD/README"                                  # top level: not ours
	age "$GD/README" $((90 * D))
	mk ip4/010/000/001 $((31 * D)) $((40 * D))       # last seen 31 d: goes
	mk ip4/010/000/002 $((29 * D)) $((40 * D))       # last seen 29 d: stays
	mk ip4/010/000/003 $((2 * D)) $((2 * D))         # once, 2 d ago: goes
	mk ip4/010/000/004 $((12 * H)) $((12 * H))       # once, 12 h ago: stays
	mk ip4/010/001/000 $((D + H)) $((5 * D))         # seen twice: stays
	mk ip4/011/000/000 $((60 * D)) $((60 * D))       # once, 60 d: max_age
	mk ip6/20/01/0d/b8/00/00/00/00 $((40 * D)) $((50 * D))  # goes
	mk ip6/20/01/0d/b8/00/01/00/00 $H $((3 * D))     # stays
	mkdir -p "$GD/ip4/099"                           # empty: goes
	# a symlink to an old file outside the tree: neither followed nor removed
	: >"$T/outside"
	age "$T/outside" $((100 * D))
	mkdir -p "$GD/ip4/012/000"
	ln -s "$T/outside" "$GD/ip4/012/000/000"
	ln -s "$T" "$GD/ip4/013"                         # a symlink to a directory
}
gen
before=$(snap "$GD")
out_before=$(snap "$T" | grep ' outside ')

# --- -n: a dry run ------------------------------------------------------------------
clean -n "$GD"
is "$(cat "$T/out")" "Would remove        3 max_age entries
Would remove        1 one-time entries
Kept           4 entries
Would remove        5 empty directories" "-n: the counts of what would go"
is "$RC" 0 "-n: exit 0"
is "$(cat "$T/err")" "" "-n: nothing on stderr"
is "$(snap "$GD")" "$before" "-n: the tree, atimes and mtimes unchanged"

# --- the real run --------------------------------------------------------------------
clean "$GD"
is "$(cat "$T/out")" "Removed        3 max_age entries
Removed        1 one-time entries
Kept           4 entries
Removed        5 empty directories" "clean: the same counts"
is "$RC" 0 "clean: exit 0"
is "$(cat "$T/err")" "" "clean: nothing on stderr"
is "$(tree "$GD")" "f README
d ip4
d ip4/010
d ip4/010/000
f ip4/010/000/002
f ip4/010/000/004
d ip4/010/001
f ip4/010/001/000
d ip4/012
d ip4/012/000
f ip4/012/000/000
f ip4/013
d ip6
d ip6/20
d ip6/20/01
d ip6/20/01/0d
d ip6/20/01/0d/b8
d ip6/20/01/0d/b8/00
d ip6/20/01/0d/b8/00/01
d ip6/20/01/0d/b8/00/01/00
f ip6/20/01/0d/b8/00/01/00/00" "clean: exactly the expected entries and directories are left"
is "$(snap "$GD" | grep '^[fl]')" "$(echo "$before" | grep '^[fl]' |
	grep -Ev ' ip4/010/000/00[13] | ip4/011/| ip6/20/01/0d/b8/00/00/')" \
	"clean: what is left keeps its atime and mtime"
is "$(snap "$T" | grep ' outside ')" "$out_before" "the symlink's target is untouched"
ok "the root is still there" test -d "$GD"

clean "$GD"
is "$(cat "$T/out")" "Removed        0 max_age entries
Removed        0 one-time entries
Kept           4 entries
Removed        0 empty directories" "a second run removes nothing"

# --- options ------------------------------------------------------------------------------
gen
before=$(snap "$GD")
clean -n -d 10 "$GD"
is "$(head -1 "$T/out")" "Would remove        4 max_age entries" "-d 10: 29 days is too old now"
clean -n -u 0 "$GD"
is "$(cat "$T/out")" "Would remove        3 max_age entries
Kept           5 entries
Would remove        5 empty directories" "-u 0: entries seen once are kept (no one-time line)"
clean -n -u 3 "$GD"
is "$(sed -n 2p "$T/out")" "Would remove        0 one-time entries" "-u 3: 2 days is young enough"
clean -q -n "$GD"
is "$(cat "$T/out")/$RC" "/0" "-q: no output"
JGREYLIST_DIR=$GD clean -n
is "$(sed -n 3p "$T/out")" "Kept           4 entries" "no directory argument: \$JGREYLIST_DIR"
is "$(snap "$GD")" "$before" "the runs with -n changed nothing"
clean -v "$GD"
is "$(sort "$T/out")" "$(printf '%s\n' "$GD/ip4/010/000/001" "$GD/ip4/010/000/003" \
	"$GD/ip4/011/000/000" "$GD/ip4/011/000" "$GD/ip4/011" "$GD/ip4/099" \
	"$GD/ip6/20/01/0d/b8/00/00/00/00" "$GD/ip6/20/01/0d/b8/00/00/00" \
	"$GD/ip6/20/01/0d/b8/00/00" \
	"Removed        3 max_age entries" "Removed        1 one-time entries" \
	"Kept           4 entries" "Removed        5 empty directories" | sort)" \
	"-v: every removed path, then the counts"

# everything expired: ip4/ and ip6/ go, the root stays
rm -rf "$GD"; mkdir -m 700 "$GD"
mk ip4/010/000/001 $((31 * D)) $((40 * D))
mk ip6/20/01/0d/b8/00/00/00/00/00/00/00/00/00/00/00/01 $((2 * D)) $((2 * D))
clean "$GD"
is "$(cat "$T/out")" "Removed        1 max_age entries
Removed        1 one-time entries
Kept           0 entries
Removed       19 empty directories" "all expired: 3 + 16 directories removed"
is "$(tree "$GD")" "" "all expired: the root is empty"
ok "all expired: the root is still there" test -d "$GD"

# jgreylist recreates what clean removed
jg '' TCPREMOTEIP=10.0.0.1
is "$(out)/$(tree "$GD" | sed -n 's/^f //p')" "$GREET/ip4/010/000/000" "jgreylist works on the cleaned tree"

# --- errors and usage ------------------------------------------------------------------------
clean -d abc "$GD"
is "$RC" 100 "-d abc: exit 100"
is "$(cat "$T/err")" "jgreylist-clean: usage: jgreylist-clean [ -nqv ] [ -d days ] [ -u days ] [ -m ] [ dir ]" \
	"-d abc: the usage line"
clean -x "$GD"
is "$RC" 100 "unknown option: exit 100"
clean "$GD" extra
is "$RC" 100 "two directories: exit 100"
env -u JGREYLIST_DIR "$JGCLEAN" >"$T/out" 2>"$T/err"
is "$?" 100 "no directory at all: exit 100"
clean "$T/missing"
is "$RC" 111 "a missing directory: exit 111"
is "$(cat "$T/err")" "jgreylist-clean: fatal: unable to open $T/missing: file does not exist" \
	"a missing directory: the message"

# --- -m: a pre-IPv6 tree into ip4/ -----------------------------------------------------------
oldtree() {
	rm -rf "$GD"; mkdir -m 700 "$GD"
	mk 127/000/000 $((5 * D)) $((10 * D))            # also in ip4/: merge
	mk 127/001/000 $((3 * D)) $((4 * D))
	mk 010/001/002 $H $((3 * H))
	mk 010/001/009/005 $((2 * D)) $((2 * D))         # a BY_IP entry
	mk ip4/127/000/000 $D $((2 * D))
	mk ip6/20/01/0d/b8/00/00/00/00 $H $H
	mkdir "$GD/256" "$GD/foo" "$GD/1234"             # not octets: left
	: >"$GD/012"                                    # a file: left
}
oldtree
before=$(snap "$GD")
m127=$(mtime "$GD/127/000/000")
a127=$(atime "$GD/ip4/127/000/000")
m010=$(mtime "$GD/010/001/002")
a010=$(atime "$GD/010/001/002")
clean -m -n "$GD"
dry=$(cat "$T/out")
is "$RC" 0 "-m -n: exit 0"
is "$(snap "$GD")" "$before" "-m -n: nothing changed"
clean -m "$GD"
is "$RC/$(cat "$T/err")" "0/" "-m: exit 0, nothing on stderr"
is "$(cat "$T/out")" "Moved          2 directories
Moved          0 entries
Merged         1 entries" "-m: the counts"
is "$dry" "Would move        2 directories
Would move        0 entries
Would merge        1 entries" "-m -n: the counts the real run had"
is "$(tree "$GD")" "f 012
d 1234
d 256
d foo
d ip4
d ip4/010
d ip4/010/001
f ip4/010/001/002
d ip4/010/001/009
f ip4/010/001/009/005
d ip4/127
d ip4/127/000
f ip4/127/000/000
d ip4/127/001
f ip4/127/001/000
d ip6
d ip6/20
d ip6/20/01
d ip6/20/01/0d
d ip6/20/01/0d/b8
d ip6/20/01/0d/b8/00
d ip6/20/01/0d/b8/00/00
d ip6/20/01/0d/b8/00/00/00
f ip6/20/01/0d/b8/00/00/00/00" "-m: the old layout is under ip4/, the rest is left alone"
is "$(mtime "$GD/ip4/010/001/002")/$(atime "$GD/ip4/010/001/002")" "$m010/$a010" \
	"-m: a moved entry keeps mtime and atime"
is "$(mtime "$GD/ip4/127/000/000")/$(atime "$GD/ip4/127/000/000")" "$m127/$a127" \
	"-m: a merged entry: the earliest first seen, the latest last seen"
jg '' TCPREMOTEIP=127.0.0.1 -- echo passed
is "$(out)" "passed" "after -m jgreylist knows the old client"
jg '' TCPREMOTEIP=10.1.2.3 -- echo passed
is "$(out)" "passed" "after -m: the client first seen 3 h ago is known too"
clean -m "$GD"
is "$(cat "$T/out")" "Moved          0 directories
Moved          0 entries
Merged         0 entries" "-m again: nothing to do"

done_testing
