/*
 * relay-demo: a test driver for lib/relay before the real verifier exists.
 * Runs relay_run() in front of server-prog with hooks that give every
 * message the same verdict and add the header "X-Relay-Test: ok\r\n".
 *
 *   -v accept|reject|defer   the verdict (default accept); a comma list
 *                            gives the verdicts of the messages in turn
 *                            (the last one repeats); reject answers
 *                            "554 relay-demo rejects (#5.7.20)", defer
 *                            "451 relay-demo defers (#4.7.0)"
 *   -s NAME                  leave header fields NAME: out (skip ranges)
 *   -o FILE                  write the bytes fed to chunk() to FILE (each
 *                            message replaces the previous one)
 *   -f begin|chunk|end       make that hook fail
 * active() is the real rule (V-2): $DKVERIFY set and $RELAYCLIENT not.
 */
#include "die.h"
#include "relay.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define USAGE "relay-demo [ -v accept|reject|defer ] [ -s NAME ] [ -o FILE ] [ -f begin|chunk|end ] server-prog args..."
#define KEEP 65536

struct demo {
	int action, nv, iv;
	int verdicts[16];
	const char *skip, *out, *failing;
	int fd;
	char head[KEEP];
	size_t len;
	size_t total;
};

static int
active(void *ctx)
{
	(void)ctx;
	return getenv("DKVERIFY") && !getenv("RELAYCLIENT");
}

static int
begin(void *ctx)
{
	struct demo *d = ctx;

	d->len = d->total = 0;
	d->action = d->verdicts[d->iv < d->nv ? d->iv : d->nv - 1];
	d->iv++;
	if (d->failing && !strcmp(d->failing, "begin"))
		return -1;
	if (d->out) {
		if (d->fd >= 0)
			close(d->fd);
		d->fd = open(d->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (d->fd < 0)
			return -1;
	}
	return 0;
}

static int
chunk(void *ctx, const char *p, size_t n)
{
	struct demo *d = ctx;
	size_t k = n < KEEP - d->len ? n : KEEP - d->len;

	if (d->failing && !strcmp(d->failing, "chunk"))
		return -1;
	memcpy(d->head + d->len, p, k);
	d->len += k;
	d->total += n;
	if (d->fd >= 0 && n && write(d->fd, p, n) != (ssize_t)n)
		return -1;
	return 0;
}

/* Skip ranges: the header fields named d->skip (in the first KEEP bytes). */
static void
find_skips(struct demo *d, relay_verdict *v)
{
	size_t pos = 0, nl = strlen(d->skip);

	while (pos < d->len && v->nskip < RELAY_SKIP_MAX) {
		size_t end = pos;
		const char *e;

		if (d->head[pos] == '\n' ||
		    (d->head[pos] == '\r' && pos + 1 < d->len && d->head[pos + 1] == '\n'))
			break;   /* the empty line */
		do {     /* the field with its continuation lines */
			e = memchr(d->head + end, '\n', d->len - end);
			end = e ? (size_t)(e - d->head) + 1 : d->len;
		} while (end < d->len && (d->head[end] == ' ' || d->head[end] == '\t'));
		if (end - pos > nl && d->head[pos + nl] == ':' &&
		    !strncasecmp(d->head + pos, d->skip, nl)) {
			v->skip_off[v->nskip] = pos;
			v->skip_len[v->nskip++] = end - pos;
		}
		pos = end;
	}
}

static int
end(void *ctx, relay_verdict *v)
{
	struct demo *d = ctx;
	const char *r = d->action == RELAY_REJECT ? "554 relay-demo rejects (#5.7.20)"
	    : "451 relay-demo defers (#4.7.0)";

	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->failing && !strcmp(d->failing, "end"))
		return -1;
	v->action = d->action;
	if (d->action != RELAY_ACCEPT) {
		memcpy(v->reply, r, strlen(r) + 1);
		return 0;
	}
	if (!sbuf_cats(&v->header, "X-Relay-Test: ok\r\n"))
		return -1;
	if (d->skip)
		find_skips(d, v);
	return 0;
}

int
main(int argc, char **argv)
{
	struct demo d;
	relay_hooks h = { &d, active, begin, chunk, end };
	int c;
	char *w;

	die_prog = "relay-demo";
	memset(&d, 0, sizeof d);
	d.fd = -1;
	d.nv = 1;
	d.verdicts[0] = RELAY_ACCEPT;
	while ((c = getopt(argc, argv, "+v:s:o:f:")) != -1) {
		switch (c) {
		case 'v':
			d.nv = 0;
			for (w = strtok(optarg, ","); w && d.nv < 16; w = strtok(NULL, ",")) {
				if (!strcmp(w, "accept")) d.verdicts[d.nv++] = RELAY_ACCEPT;
				else if (!strcmp(w, "reject")) d.verdicts[d.nv++] = RELAY_REJECT;
				else if (!strcmp(w, "defer")) d.verdicts[d.nv++] = RELAY_DEFER;
				else die_usage(USAGE);
			}
			if (!d.nv)
				die_usage(USAGE);
			break;
		case 's': d.skip = optarg; break;
		case 'o': d.out = optarg; break;
		case 'f': d.failing = optarg; break;
		default: die_usage(USAGE);
		}
	}
	if (optind >= argc)
		die_usage(USAGE);
	return relay_run(argv + optind, &h);
}
