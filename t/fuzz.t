#!/bin/sh
# Runs every libFuzzer target (t/fuzz/NAME.c, built by `make fuzz` into
# build/fuzz/NAME) for $FUZZSECS seconds (default 5) from an empty corpus
# plus t/fuzz/NAME.seed/ when it exists.  A crash, leak or sanitizer report
# fails the target.
. "$(dirname "$0")/lib/tap.sh"
FZ=$TOP/build/fuzz
secs=${FUZZSECS:-5}
for src in "$TOP"/t/fuzz/*.c; do
	name=$(basename "$src" .c)
	bin=$FZ/$name
	if [ ! -x "$bin" ]; then
		ok "fuzz target $name is built (make fuzz)" false
		continue
	fi
	mkdir -p "$T/$name"
	seeds=
	[ -d "$TOP/t/fuzz/$name.seed" ] && seeds="$TOP/t/fuzz/$name.seed"
	if (cd "$T/$name" && "$bin" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=0 "$T/$name" $seeds \
	    >"$T/$name.log" 2>&1); then
		ok "fuzz $name for ${secs}s" true
	else
		ok "fuzz $name for ${secs}s" false
		tail -n 30 "$T/$name.log" | sed 's/^/# /'
	fi
done
done_testing
