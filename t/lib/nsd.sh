# nsd.sh: a private nsd (authoritative DNS server) for tests that run in
# their own network namespace (t/lib/netns.sh).  Source it after netns.sh:
#
#   nsd_start DIR ZONE...   ZONE is a zone file whose base name, less a
#                           ".zone" suffix, is the origin (e.g.
#                           $T/example.org.zone), or ORIGIN=FILE.
#                           Serves on 127.0.0.1 and ::1 port 53, and returns
#                           once nsd answers (at most ~10 s), else 1.
#   nsd_stop DIR            stops it (also done at exit for every DIR).
#
# Everything nsd writes (config, pid, log, xfrd state, zone list, cookie
# secrets) lives in DIR, so tests in separate namespaces can run their own
# nsd at the same time.  nsd runs in the foreground (-d) as a child of the
# test, so a test's exit can always reach it.
_nsd_dirs=

nsd_start() {
	mkdir -p "$1" && _nd=$(cd "$1" && pwd) || return 1
	shift
	{
		cat <<EOF
server:
	ip-address: 127.0.0.1
	ip-address: ::1
	port: 53
	username: ""
	chroot: ""
	zonesdir: "$_nd"
	pidfile: "$_nd/nsd.pid"
	database: ""
	xfrdfile: "$_nd/xfrd.state"
	xfrdir: "$_nd"
	zonelistfile: "$_nd/zone.list"
	cookie-secret-file: "$_nd/cookiesecrets.txt"
	logfile: "$_nd/nsd.log"
	log-only-syslog: no
	verbosity: 2
	server-count: 1
	zonefiles-write: 0
remote-control:
	control-enable: no
EOF
		for _nz in "$@"; do
			case $_nz in
			*=*) _no=${_nz%%=*}; _nf=${_nz#*=} ;;
			*) _nf=$_nz; _no=$(basename "$_nz" .zone) ;;
			esac
			case $_nf in /*) ;; *) _nf=$PWD/$_nf ;; esac
			printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$_no" "$_nf"
		done
	} >"$_nd/nsd.conf"
	nsd-checkconf "$_nd/nsd.conf" || return 1
	if [ -z "$_nsd_dirs" ]; then
		# tap.sh's own exit trap, plus ours
		trap '_nsd_stop_all; rm -rf "$T"' EXIT
	fi
	_nsd_dirs="$_nsd_dirs $_nd"
	nsd -d -c "$_nd/nsd.conf" </dev/null >>"$_nd/nsd.out" 2>&1 &
	echo $! >"$_nd/nsd.child"
	# Ready when the log says so: nsd writes "nsd started" once the zones
	# are loaded and the server processes run.
	_ni=0
	while [ $_ni -lt 100 ]; do
		if ! kill -0 "$(cat "$_nd/nsd.child")" 2>/dev/null; then
			cat "$_nd/nsd.out" "$_nd/nsd.log" 2>/dev/null | sed 's/^/# nsd: /'
			return 1
		fi
		grep -q 'nsd started' "$_nd/nsd.log" 2>/dev/null && return 0
		sleep 0.1
		_ni=$((_ni + 1))
	done
	echo "# nsd: not ready after 10 s"
	return 1
}

nsd_stop() {
	_nd=$(cd "$1" 2>/dev/null && pwd) || return 0
	[ -f "$_nd/nsd.child" ] || return 0
	_np=$(cat "$_nd/nsd.child")
	rm -f "$_nd/nsd.child"
	kill "$_np" 2>/dev/null || return 0
	# bounded wait for it to go (then the hard way)
	_ni=0
	while kill -0 "$_np" 2>/dev/null && [ $_ni -lt 50 ]; do
		sleep 0.1
		_ni=$((_ni + 1))
	done
	kill -9 "$_np" 2>/dev/null
	wait "$_np" 2>/dev/null
	return 0
}

_nsd_stop_all() {
	for _nsd_d in $_nsd_dirs; do
		nsd_stop "$_nsd_d"
	done
}
