/*
 * bareloop: the floor for bench/tcpserver.sh.  The least a TCP server that
 * runs one program per connection can do: one dual-stack socket on [::]:PORT,
 * then accept, fork, dup2 the connection onto 0 and 1, exec.  No limits, no
 * rules, no environment, no logging.  Children are reaped from SIGCHLD.
 *
 *   bareloop port prog [args]
 *
 * Exit 100 on a usage error, 111 when the socket cannot be set up.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USAGE "bareloop port prog [args]"

static void reap(int sig)
{
	int saved = errno;
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

static void fail(int code, const char *what)
{
	fprintf(stderr, "bareloop: fatal: %s: %s\n", what, strerror(errno));
	exit(code);
}

static unsigned short parse_port(const char *s)
{
	unsigned long v = 0;
	if (!*s)
		goto bad;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			goto bad;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			goto bad;
	}
	return (unsigned short)v;
bad:
	fprintf(stderr, "bareloop: usage: %s\n", USAGE);
	exit(100);
}

static int listen_on(unsigned short port)
{
	struct sockaddr_in6 sa;
	int one = 1, zero = 0;
	int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		fail(111, "unable to create socket");
	if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0)
		fail(111, "unable to clear IPV6_V6ONLY");
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
		fail(111, "unable to set SO_REUSEADDR");
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = in6addr_any;
	sa.sin6_port = htons(port);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0)
		fail(111, "unable to bind");
	if (listen(s, 128) < 0)
		fail(111, "unable to listen");
	return s;
}

static void serve(int s, char **prog)
{
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno != EINTR) {
				/* EMFILE and friends: do not spin */
				struct timespec ts = { 0, 10 * 1000 * 1000 };
				nanosleep(&ts, NULL);
			}
			continue;
		}
		pid_t pid = fork();
		if (pid == 0) {
			if (dup2(c, 0) < 0 || dup2(c, 1) < 0)
				_exit(111);
			if (c > 1)
				close(c);
			execvp(prog[0], prog);
			_exit(111);
		}
		close(c);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	if (argc < 3) {
		fprintf(stderr, "bareloop: usage: %s\n", USAGE);
		return 100;
	}
	unsigned short port = parse_port(argv[1]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = reap;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		fail(111, "unable to catch SIGCHLD");
	serve(listen_on(port), argv + 2);
	return 0;
}
