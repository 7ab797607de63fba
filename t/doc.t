#!/bin/sh
# doc.t: the manual pages in doc/ (no network, no build needed).
#  - every doc/*.[1-8] passes `mandoc -Tlint -W warning` with no output;
#  - its .Dt matches the file name;
#  - every page has the same sequence of .Sh sections as doc/sixgate.7;
#  - every program src/NAME.c has a page doc/NAME.1 or doc/NAME.8, and the
#    string of its `#define USAGE "..."` appears verbatim in a .Bd -literal
#    block of that page's DIAGNOSTICS section;
#  - if the program is built ($BIN/NAME) and, run without arguments, exits
#    100 with a "usage:" line, that whole line appears there too.
. "$(dirname "$0")/lib/tap.sh"

DOC=$TOP/doc
SRC=$TOP/src
REF=$DOC/sixgate.7

# The .Sh titles of a page, one per line.
sections() {
	sed -n 's/^\.Sh[[:space:]][[:space:]]*//p' "$1" | tr -d '"'
}

# The text of the .Bd -literal blocks under DIAGNOSTICS, with the roff
# escapes a page needs there decoded (\& \e \- \(rs \(dq \(aq \(ga).
diag_literal() {
	awk '
	function unroff(s,   out, i, c, d, n) {
		out = ""; n = length(s)
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (c != "\\" || i == n) { out = out c; continue }
			d = substr(s, ++i, 1)
			if (d == "&") continue
			if (d == "e" || d == "\\") { out = out "\\"; continue }
			if (d == "-") { out = out "-"; continue }
			if (d == "(" && i + 2 <= n) {
				d = substr(s, i + 1, 2); i += 2
				if (d == "rs") out = out "\\"
				else if (d == "dq") out = out "\""
				else if (d == "aq") out = out "'\''"
				else if (d == "ga") out = out "`"
				else out = out "\\(" d
				continue
			}
			out = out "\\" d
		}
		return out
	}
	/^\.Sh[ \t]/ { diag = ($0 ~ /^\.Sh[ \t]+"?DIAGNOSTICS"?[ \t]*$/); lit = 0; next }
	diag && /^\.Bd[ \t]+-literal/ { lit = 1; next }
	diag && lit && /^\.Ed/ { lit = 0; next }
	diag && lit && !/^[.'\'']/ { print unroff($0) }
	' "$1"
}

# The C string of `#define USAGE "..." ["..."]` (continuation lines joined,
# adjacent literals concatenated, \" \\ \n \t decoded); fails if none.
usage_define() {
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | awk '
	/^[ \t]*#[ \t]*define[ \t]+USAGE[ \t]/ {
		s = $0; sub(/^[ \t]*#[ \t]*define[ \t]+USAGE[ \t]+/, "", s)
		out = ""; instr = 0; n = length(s)
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (!instr) {
				if (c == "\"") instr = 1
				else if (c == "/" && substr(s, i + 1, 1) == "*") break
				else if (c !~ /[ \t]/) { bad = 1; break }
				continue
			}
			if (c == "\"") { instr = 0; continue }
			if (c == "\\") {
				d = substr(s, ++i, 1)
				if (d == "n") c = "\n"
				else if (d == "t") c = "\t"
				else c = d
			}
			out = out c
		}
		if (!bad && !instr && out != "") { print out; found = 1 }
		exit
	}
	END { exit !found }
	'
}

# contains FILE STRING: some line of FILE contains STRING.
contains() {
	NEEDLE=$2 awk 'index($0, ENVIRON["NEEDLE"]) { f = 1 } END { exit !f }' "$1"
}

pages=
for f in "$DOC"/*.[1-8]; do
	[ -f "$f" ] && pages="$pages $f"
done
ok "doc/ has manual pages" test -n "$pages"
ok "doc/sixgate.7 exists (reference section order)" test -f "$REF"
command -v mandoc >/dev/null 2>&1 ||
	diag "mandoc is missing: sh tools/install-deps"

sections "$REF" >"$T/ref.sh" 2>/dev/null
for f in $pages; do
	p=doc/${f##*/}
	base=${f##*/}; name=${base%.*}; sec=${base##*.}

	mandoc -Tlint -W warning "$f" >"$T/lint" 2>&1
	rc=$?
	[ -s "$T/lint" ] && sed 's/^/# /' "$T/lint"
	ok "$p: mandoc -Tlint -W warning is clean" \
		test "$rc" = 0 -a ! -s "$T/lint"

	dt=$(sed -n 's/^\.Dt[[:space:]][[:space:]]*//p' "$f" | head -n 1)
	want=$(printf '%s %s' "$name" "$sec" | tr '[:lower:]' '[:upper:]')
	is "$dt" "$want" "$p: .Dt matches the file name"

	is "$(sections "$f")" "$(cat "$T/ref.sh")" \
		"$p: same sections, same order as doc/sixgate.7"
done

for c in "$SRC"/*.c; do
	[ -f "$c" ] || continue
	name=${c##*/}; name=${name%.c}
	page=
	for s in 1 8; do
		[ -f "$DOC/$name.$s" ] && page=$DOC/$name.$s && break
	done
	ok "src/$name.c has a page doc/$name.1 or doc/$name.8" test -n "$page"
	[ -n "$page" ] || continue
	p=doc/${page##*/}
	diag_literal "$page" >"$T/diag.txt"

	if usage_define "$c" >"$T/usage"; then
		u=$(cat "$T/usage")
		if ! contains "$T/diag.txt" "$u"; then
			diag "USAGE of src/$name.c: $u"
		fi
		ok "$p shows the USAGE of src/$name.c in DIAGNOSTICS" \
			contains "$T/diag.txt" "$u"
	else
		ok "src/$name.c has #define USAGE \"...\"" false
	fi

	if [ -x "$BIN/$name" ]; then
		env -i PATH="$PATH" timeout 10 "$BIN/$name" \
			</dev/null >/dev/null 2>"$T/err"
		rc=$?
		line=$(grep ': usage: ' "$T/err" | head -n 1)
		if [ "$rc" = 100 ] && [ -n "$line" ]; then
			contains "$T/diag.txt" "$line" ||
				diag "$name prints: $line"
			ok "$p shows the usage line $name prints" \
				contains "$T/diag.txt" "$line"
		else
			ok "$p: usage line of $name # skip no usage exit without arguments (rc $rc)" true
		fi
	else
		ok "$p: usage line of $name # skip $name not built" true
	fi
done

done_testing
