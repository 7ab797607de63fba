#!/bin/sh
# hold-tcp.sh FILE [WORD]: a tcpserver child that says "hello WORD N" (N =
# $TCPCONNNUM or "unset"), keeps the connection until FILE exists (30 s at
# most), then says "bye" and exits.
echo "hello ${2-} ${TCPCONNNUM-unset}"
i=0
while [ ! -e "$1" ] && [ "$i" -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo bye
