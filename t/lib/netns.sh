# netns.sh: run the rest of a test script in a private network namespace.
# Source it right after tap.sh:   . "$TOP/t/lib/netns.sh"; netns_enter "$@"
# Inside: lo is up, with 127.0.0.1, ::1 and the test addresses
# 2001:db8::1 2001:db8::2 2001:db8:1::1 2001:db8:ffff::9 (/128) and
# 127.0.0.2-127.0.0.9 (all of 127/8 works on lo anyway).
# With NETNS_MOUNT=1 the namespace also gets its own mount namespace, so a
# test can bind-mount its own /etc/resolv.conf (netns_resolvconf FILE).
netns_enter() {
	if [ -z "${SIXGATE_IN_NETNS:-}" ]; then
		export SIXGATE_IN_NETNS=1
		_flags=-n
		[ "${NETNS_MOUNT:-}" = 1 ] && _flags=-nm
		[ "$(id -u)" = 0 ] || _flags="-r $_flags"
		# the exec below loses tap.sh's exit trap: drop this $T now,
		# the re-executed script makes its own
		rm -rf "$T"
		exec unshare $_flags -- "$0" "$@"
	fi
	ip link set lo up || { echo "Bail out! cannot bring lo up"; exit 1; }
	for a in 2001:db8::1 2001:db8::2 2001:db8:1::1 2001:db8:ffff::9; do
		ip addr add "$a/128" dev lo nodad 2>/dev/null
	done
	# wait for the IPv6 addresses to leave the tentative state
	_i=0
	while ip -6 addr show dev lo | grep -q tentative && [ $_i -lt 50 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
}
netns_resolvconf() {
	mount --bind "$1" /etc/resolv.conf
}
