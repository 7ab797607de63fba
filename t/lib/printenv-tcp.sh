#!/bin/sh
# printenv-tcp.sh [VAR...]: a tcpserver child in the style of djb's rts
# "print": PROTO, the TCP* and TCP6* variables and then each VAR given, one
# NAME=value line each, "unset" for a variable that is not set.
for v in PROTO TCPLOCALHOST TCPLOCALIP TCPLOCALPORT TCPREMOTEHOST \
	TCPREMOTEIP TCPREMOTEPORT TCPREMOTEINFO TCP6LOCALHOST TCP6LOCALIP \
	TCP6LOCALPORT TCP6REMOTEHOST TCP6REMOTEIP TCP6REMOTEPORT \
	TCP6REMOTEINFO TCP6INTERFACE "$@"; do
	eval "if [ \"\${$v+set}\" = set ]; then printf '%s=%s\n' $v \"\$$v\"; else echo $v=unset; fi"
done
